"""Write a document model as a workbook laid out like the official form.

One sheet per part in the official order (表紙, Ⅰ, 別添1, Ⅱ/記録項目/Ⅲ for each 特定個人情報ファイル, …, 変更箇所).
Labels are locked and the sheets protected (no password); value cells are unlocked and carry a defined name
derived from the item path (see ``names.py``). Every choice and checkbox cell gets a dropdown whose list lives
on the hidden sheet 選択肢; the ＜選択肢＞ list is printed beside each choice as in the published documents.
"""
from __future__ import annotations

import os
import re
import unicodedata
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.worksheet import Worksheet

from ..atomic import atomic_path
from ..errors import ERROR, Issue, PlacementError
from ..models import Document, PiaModel, Tick
from ..spec import Edition, FormSpec, Item, Section, load_spec
from . import names, styles

LISTS_SHEET = "選択肢"
MARK = "○"
MAX_CELL = 32767
#: rows kept ready for typing in list annexes and the change-log table beyond the filled ones
SPARE_LIST_ROWS = 30
SPARE_TABLE_ROWS = 20
GROUP_STARTS = (2, 6, 11, 16)
COLS = "ABCDEF"
LIST_HEADER = "記録項目（1行に1項目）"


def problem(path: str, sheet: str, cell: str, message: str) -> Issue:
    """Content that could not be placed as given (reported, never dropped silently)."""
    return Issue(None, ERROR, message, path, sheet, cell)


def sheet_name(section: Section, file_no: int | None) -> str:
    return f"{section.sheet}({file_no})" if file_no is not None else section.sheet


def display_label(item: Item, edition_labels: dict) -> str:
    return edition_labels.get(item.label, item.label)


def _is_row_group(item: Item) -> bool:
    """A heading that groups the following rows under a vertical label (⑦使用の主体, 再委託, ②保管期間)."""
    if item.kind != "heading" or item.options:
        return False
    no = item.no or ""
    numbered_heading = no[:1] in "0123456789０１２３４５６７８９" or no.startswith("リスク")
    return item.parent is not None and not numbered_heading


@dataclass
class _Ctx:
    spec: FormSpec
    doc: Any
    edition_labels: dict
    edition: Edition
    problems: list[Issue] = field(default_factory=list)
    list_refs: dict = field(default_factory=dict)
    lists_ws: Worksheet | None = None
    defined: list = field(default_factory=list)
    styles: dict = field(default_factory=dict)


class _SheetWriter:
    def __init__(self, ws: Worksheet, ctx: _Ctx, widths: dict[str, float]):
        self.ws, self.ctx, self.widths = ws, ctx, widths
        self.r = 1
        self.dvs: dict[str, DataValidation] = {}
        self.dv_refs: dict[str, list[str]] = {}
        self.merges: list[str] = []
        self.lines: dict[int, int] = {}
        for col, w in widths.items():
            ws.column_dimensions[col].width = w

    # ------------------------------------------------------------------ cells
    def _fit(self, row: int, text: Any, cols: str) -> None:
        if text in (None, ""):
            return
        width = sum(self.widths[c] for c in cols)
        self.lines[row] = max(self.lines.get(row, 1), styles.lines_needed(str(text), width))

    def put(self, ref: str, value: Any, *, font=styles.FONT, fill=None, align=styles.WRAP, border=styles.BORDER,
            locked=True, fmt: str | None = None, merge_to: str | None = None, path: str | None = None) -> None:
        ws = self.ws
        cell = ws[ref]
        if value is not None:
            self.set_value(cell, value, path)
        self.style(cell, (font, fill, align, border, locked, fmt))
        col = cell.column_letter
        cols = col
        if merge_to:
            end_col = merge_to.rstrip("0123456789")
            cols = COLS[COLS.index(col):COLS.index(end_col) + 1]
            self.merges.append(f"{ref}:{merge_to}")
            end_row = int(merge_to[len(end_col):])
            for rr in range(cell.row, end_row + 1):
                for c in cols:
                    if rr != cell.row or c != col:
                        self.style(ws[f"{c}{rr}"], (font, fill, align, border, locked, fmt))
            if end_row != cell.row:
                return  # vertical merges: height comes from the rows themselves
        if value not in (None, ""):
            self._fit(cell.row, value, cols)

    def style(self, cell, key: tuple) -> None:
        """Apply a style combination; computed once, then copied (openpyxl's per-attribute set is slow)."""
        cached = self.ctx.styles.get(key)
        if cached is None:
            font, fill, align, border, locked, fmt = key
            cell.font = font
            cell.alignment = align
            if border is not None:
                cell.border = border
            if fill is not None:
                cell.fill = fill
            cell.protection = styles.LOCKED if locked else styles.UNLOCKED
            if fmt:
                cell.number_format = fmt
            self.ctx.styles[key] = copy(cell._style)
        else:
            cell._style = copy(cached)

    def set_value(self, cell, value: Any, path: str | None) -> None:
        if isinstance(value, str):
            text = value
            if ILLEGAL_CHARACTERS_RE.search(text):
                self.ctx.problems.append(problem(path or "", self.ws.title, cell.coordinate,
                                                 "制御文字はセルに書き込めません（削除して書き込みました）"))
                text = ILLEGAL_CHARACTERS_RE.sub("", text)
            if len(text) > MAX_CELL:
                self.ctx.problems.append(problem(path or "", self.ws.title, cell.coordinate,
                                                 f"{len(text):,}文字あり、1セルの上限 32,767文字を超えています"))
                text = text[:MAX_CELL]
            cell.value = text
            cell.data_type = "s"  # text beginning with "=" stays text
        else:
            cell.value = value

    def name(self, path: str, ref: str, suffix: str = "") -> None:
        self.ctx.defined.append((names.to_name(path, suffix), self.ws.title, ref))

    def dropdown(self, ref: str, values: tuple[str, ...], prompt: str) -> None:
        formula = self.ctx_list(values)
        dv = self.dvs.get(formula)
        if dv is None:
            self.dv_refs[formula] = []
            dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
            dv.error = "＜選択肢＞から選んでください。"
            dv.errorTitle = "選択肢にない値です"
            dv.prompt = prompt
            dv.showErrorMessage = True
            self.ws.add_data_validation(dv)
            self.dvs[formula] = dv
        self.dv_refs[formula].append(ref)

    def ctx_list(self, values: tuple[str, ...]) -> str:
        refs = self.ctx.list_refs
        if values not in refs:
            ws = self.ctx.lists_ws
            col = len(refs) + 1
            from openpyxl.utils import get_column_letter

            letter = get_column_letter(col)
            for i, v in enumerate(values, start=1):
                ws.cell(row=i, column=col, value=v).data_type = "s"
            refs[values] = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(values)}"
        return refs[values]

    def count_validation(self, ref: str) -> None:
        dv = self.dvs.get("#count")
        if dv is None:
            self.dv_refs["#count"] = []
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            dv.error = "0以上の整数を入力してください。"
            dv.showErrorMessage = True
            self.ws.add_data_validation(dv)
            self.dvs["#count"] = dv
        self.dv_refs["#count"].append(ref)

    # ------------------------------------------------------------------ rows
    def title(self, text: str) -> None:
        r = self.r
        last = list(self.widths)[-1]
        self.put(f"A{r}", text, font=styles.SECTION, fill=styles.HEADING_FILL,
                 align=styles.WRAP, merge_to=f"{last}{r}")
        self.ws.print_title_rows = f"{r}:{r}"
        self.r += 1

    def heading_row(self, item: Item) -> None:
        r = self.r
        label = item.printed
        if item.options:
            self.check_rows(item, self.current_path(item), label_font=styles.BOLD, label_fill=styles.HEADING_FILL)
            return
        self.put(f"A{r}", label, font=styles.BOLD, fill=styles.HEADING_FILL, merge_to=f"E{r}")
        self.r += 1

    def static_row(self, item: Item) -> None:
        if item.key == "title":
            return
        r = self.r
        if item.key == "yoshiki_version":  # the edition's stamp, e.g. [令和7年5月　様式4]
            if self.ctx.edition.stamp:
                self.put(f"A{r}", self.ctx.edition.stamp, align=styles.CENTER, border=None, merge_to=f"E{r}")
                self.r += 1
            return
        if item.printed_label and item.label and not item.entries:
            self.put(f"A{r}", item.label, font=styles.BOLD, merge_to=f"E{r}", align=styles.WRAP_CENTER)
            self.r += 1
            return
        start = r
        if item.printed_label:
            self.put(f"A{r}", item.label, font=styles.BOLD, fill=styles.LABEL_FILL, merge_to=f"E{r}")
            r += 1
        for e in item.entries:
            self.put(f"A{r}", e, merge_to=f"E{r}")
            r += 1
        self.r = max(r, start + 1)

    def label_cells(self, r: int, level: int, group_label: str | None, span: int, label: str, *,
                    font=styles.FONT, fill=styles.LABEL_FILL) -> None:
        """Label of a value row spanning ``span`` rows: A:B at level 0, B (with the group label in A) at level 1."""
        end = r + span - 1
        if level == 0:
            self.put(f"A{r}", label, font=font, fill=fill, merge_to=f"B{end}")
        else:
            if group_label is not None:
                self.put(f"A{r}", group_label, fill=fill, merge_to=f"A{end}" if span > 1 else None)
            else:
                self.put(f"A{r}", None, fill=fill, border=styles.NO_TOP, merge_to=f"A{end}" if span > 1 else None)
            self.put(f"B{r}", label, font=font, fill=fill, merge_to=f"B{end}" if span > 1 else None)
        self._fit(r, label, "AB" if level == 0 else "B")

    def current_path(self, item: Item) -> str:
        return f"{self.prefix}.{item.key}"

    def value_row(self, item: Item, value: Any, level: int, group_label: str | None = None) -> None:
        kind = item.value_kind
        path = self.current_path(item)
        if value is None:
            value = self.ctx.doc.invalid_values.get(path)
        label = display_label(item, self.ctx.edition_labels)
        label = f"{item.no or ''}{label}" + ("　※" if item.star else "")
        if kind == "checkboxes":
            self.check_rows(item, path, label=label, level=level, group_label=group_label, ticks=value)
            return
        r = self.r
        self.label_cells(r, level, group_label, 1, label)
        if kind == "choice":
            self.put(f"C{r}", value, locked=False, fmt=styles.CHOICE_FORMAT, merge_to=f"D{r}", path=path,
                     fill=styles.INPUT_FILL)
            self.dropdown(f"C{r}", item.choices, "＜選択肢＞から選んでください")
            listing = "＜選択肢＞\n" + "\n".join(self.numbered(item))
            self.put(f"E{r}", listing, font=styles.SMALL)
            self.name(path, f"C{r}")
        elif kind == "count":
            self.put(f"C{r}", value, locked=False, merge_to=f"E{r}", path=path, align=styles.WRAP)
            self.count_validation(f"C{r}")
            self.name(path, f"C{r}")
        elif kind == "date":
            self.put(f"C{r}", None if value is None else str(value), locked=False, fmt=styles.TEXT_FORMAT,
                     merge_to=f"D{r}", path=path)
            self.put(f"E{r}", "例：令和7年2月25日", font=styles.SMALL)
            self.name(path, f"C{r}")
        else:  # text
            self.put(f"C{r}", value, locked=False, fmt=styles.TEXT_FORMAT, merge_to=f"E{r}", path=path)
            self.name(path, f"C{r}")
        self.r += 1
        if item.count:
            r = self.r
            self.label_cells(r, 1, None, 1, "件数")
            cpath = f"{self.prefix}.{item.key}_count"
            count = getattr(self.model, f"{item.key}_count")
            self.put(f"C{r}", count if count is not None else self.ctx.doc.invalid_values.get(cpath), locked=False, fmt=styles.COUNT_FORMAT,
                     align=styles.CENTER, path=cpath)
            self.count_validation(f"C{r}")
            self.put(f"D{r}", f"（　）件：{item.label}の件数", font=styles.SMALL, merge_to=f"E{r}")
            self.name(cpath, f"C{r}")
            self.r += 1

    def numbered(self, item: Item) -> list[str]:
        close = "）" if item.choice_numbering == "full" else ")"
        return [f"{i}{close} {c}" for i, c in enumerate(item.choices, start=1)]

    def check_rows(self, item: Item, path: str, *, label: str | None = None, level: int = 0,
                   group_label: str | None = None, ticks: list[Tick] | None = None,
                   label_font=styles.FONT, label_fill=styles.LABEL_FILL) -> None:
        if ticks is None:
            ticks = getattr(self.model, item.key)
        by_label = {t.label: t for t in ticks}
        rows: list[tuple[str, Any]] = []  # ("group", heading) | ("opt", (index, option))
        last_group = None
        for i, opt in enumerate(item.options, start=1):
            if opt.group and opt.group != last_group:
                rows.append(("group", opt.group))
                last_group = opt.group
            rows.append(("opt", (i, opt)))
        start = self.r
        label = label if label is not None else item.printed
        self.label_cells(start, level, group_label, len(rows), label, font=label_font, fill=label_fill)
        r = start
        for kind, payload in rows:
            if kind == "group":
                self.put(f"C{r}", f"・{payload}", font=styles.BOLD, merge_to=f"E{r}")
            else:
                i, opt = payload
                text = self.ctx.edition_labels.get(opt.label, opt.label)
                tick = by_label.get(opt.label) or by_label.get(text)
                self.put(f"C{r}", MARK if tick and tick.checked else None, locked=False, align=styles.CENTER, path=path,
                         fmt=styles.MARK_FORMAT)
                self.dropdown(f"C{r}", (MARK,), "該当する場合は○を選んでください")
                self.name(path, f"C{r}", names.option_suffix(i))
                if opt.detail or opt.count:
                    self.put(f"D{r}", text, border=styles.BORDER)
                    if opt.detail:
                        self.put(f"E{r}", tick.detail if tick else None, locked=False, fmt=styles.DETAIL_FORMAT,
                                 path=path)
                        self.name(path, f"E{r}", names.option_suffix(i, "detail"))
                    else:
                        self.put(f"E{r}", tick.count if tick else None, locked=False, fmt=styles.COUNT_FORMAT,
                                 align=styles.CENTER, path=path)
                        self.count_validation(f"E{r}")
                        self.name(path, f"E{r}", names.option_suffix(i, "count"))
                else:
                    self.put(f"D{r}", text, merge_to=f"E{r}")
            r += 1
        self.r = r

    # ------------------------------------------------------------------ structure
    def items(self, items: Iterable[Item], model: PiaModel, prefix: str, level: int = 0,
              group_label: str | None = None) -> None:
        # the current model and path prefix, restored on return (nested calls restore them for us)
        saved = getattr(self, "model", None), getattr(self, "prefix", None)
        self.model, self.prefix = model, prefix
        first_in_group = True
        for it in items:
            gl = group_label if first_in_group else None
            if it.kind == "static":
                self.static_row(it)
            elif it.kind == "heading" and _is_row_group(it):
                self.items(it.children, model, prefix, level=1, group_label=f"{it.no or ''}{it.label}")
            elif it.kind == "heading":
                self.heading_row(it)
                self.items(it.children, model, prefix, level=0)
            elif it.kind == "repeat":
                self.repeat(it, getattr(model, it.key), prefix)
            elif it.header:
                continue  # printed on the repeat block's header row
            else:
                self.value_row(it, getattr(model, it.key), level, gl)
                if it.children:
                    self.items(it.children, model, prefix, level=1)
                first_in_group = False
        self.model, self.prefix = saved

    def repeat(self, item: Item, blocks: list, prefix: str) -> None:
        block_cls = _block_class(self.model, item.key)
        used = len(blocks)
        for slot in range(1, item.max + 1):
            if slot in GROUP_STARTS:
                end = {2: 5, 6: 10, 11: 15, 16: 20}[slot]
                r = self.r
                self.put(f"A{r}", f"{item.label}{slot}～{min(end, item.max)}", font=styles.BOLD,
                         fill=styles.GROUP_FILL, merge_to=f"E{r}")
                self.r += 1
            block = blocks[slot - 1] if slot <= used else block_cls()
            bpath = f"{prefix}.{item.key}[{slot}]"
            first = self.r
            r = self.r
            self.put(f"A{r}", f"{item.label}{slot}", font=styles.BOLD, fill=styles.GROUP_FILL, merge_to=f"B{r}")
            header = next((c for c in item.children if c.header), None)
            if header is not None:
                self.put(f"C{r}", getattr(block, header.key), locked=False, fmt=styles.TEXT_FORMAT,
                         merge_to=f"E{r}", path=f"{bpath}.{header.key}")
                self.name(f"{bpath}.{header.key}", f"C{r}")
            self.r += 1
            self.items(item.children, block, bpath)
            if slot > 1 and slot > used:
                for rr in range(first, self.r):
                    dim = self.ws.row_dimensions[rr]
                    dim.hidden = True
                    dim.outlineLevel = 1

    def list_rows(self, item: Item, values: list[str], path: str) -> None:
        """記録項目: one item per row, numbered; the named range covers the rows kept for typing."""
        r = self.r
        self.put(f"A{r}", LIST_HEADER, font=styles.BOLD,
                 fill=styles.LABEL_FILL, merge_to=f"E{r}")
        r += 1
        start = r
        for i in range(len(values) + SPARE_LIST_ROWS):
            v = values[i] if i < len(values) else None
            self.put(f"A{r}", None, border=styles.BORDER)
            self.put(f"B{r}", v, locked=False, fmt=styles.TEXT_FORMAT, merge_to=f"E{r}", path=path)
            r += 1
        self.name(path, f"B{start}:B{r - 1}")
        self.r = r

    def table_rows(self, rows: list, path: str) -> None:
        r = self.r
        heads = ("変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明")
        for col, h in zip("ABCDEF", heads):
            self.put(f"{col}{r}", h, font=styles.BOLD, fill=styles.LABEL_FILL, align=styles.WRAP_CENTER)
        self.ws.print_title_rows = f"1:{r}"
        r += 1
        start = r
        for i in range(len(rows) + SPARE_TABLE_ROWS):
            row = rows[i] if i < len(rows) else None
            bad = self.ctx.doc.invalid_values
            values = (None, None, None, None, None, None) if row is None else (
                bad.get(f"{path}[{i + 1}].date") if row.date is None else str(row.date), row.item, row.before, row.after,
                bad.get(f"{path}[{i + 1}].timing") if row.timing is None else row.timing, row.explanation)
            for col, v in zip("ABCDEF", values):
                self.put(f"{col}{r}", v, locked=False, fmt=styles.TEXT_FORMAT, path=f"{path}[{i + 1}]")
            self.dropdown(f"E{r}", ("事前", "事後"), "事前 または 事後")
            r += 1
        self.name(path, f"A{start}:F{r - 1}")
        self.r = r

    def finish(self) -> None:
        ws = self.ws
        # assigned in one go: openpyxl's incremental add() is quadratic
        ws.merged_cells = MultiCellRange(self.merges)
        for key, dv in self.dvs.items():
            dv.sqref = MultiCellRange(self.dv_refs[key])
        for row, n in self.lines.items():
            ws.row_dimensions[row].height = styles.row_height(n)
        ws.protection.sheet = True
        ws.protection.formatRows = False  # users may resize and unhide rows (repeat slots 2-20)
        ws.protection.formatColumns = False
        ws.protection.insertRows = False
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.sheet_properties.outlinePr.summaryBelow = False
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.oddFooter.center.text = "&P / &N"
        ws.sheet_view.showGridLines = False


def _block_class(model: PiaModel, key: str) -> type[PiaModel]:
    return type(model).model_fields[key].annotation.__args__[0]


def build_workbook(doc: Document) -> tuple[Workbook, list[Issue]]:
    spec = load_spec(doc.form)
    edition = spec.edition(doc.edition)
    ctx = _Ctx(spec=spec, doc=doc, edition_labels=edition.labels, edition=edition)
    wb = Workbook()
    wb.remove(wb.active)
    ctx.lists_ws = wb.create_sheet(LISTS_SHEET)  # moved to the end below

    def new_sheet(section: Section, file_no: int | None, widths=styles.COLUMN_WIDTHS) -> _SheetWriter:
        return _SheetWriter(wb.create_sheet(sheet_name(section, file_no)), ctx, widths)

    for section in spec.sections:
        if section.per_file:
            if section is spec.file_sections[0]:
                for n, f in enumerate(doc.files, start=1):
                    for fs in spec.file_sections:
                        _write_section(new_sheet(fs, n), fs, getattr(f, fs.key), f"files[{n}].{fs.key}", doc, spec,
                                       edition, n)
            continue
        widths = styles.TABLE_WIDTHS if section.items[0].kind == "table" else styles.COLUMN_WIDTHS
        _write_section(new_sheet(section, None, widths), section, getattr(doc, section.key), section.key, doc, spec,
                       edition, None)

    wb.move_sheet(ctx.lists_ws, offset=len(wb.sheetnames) - 1)
    ctx.lists_ws.sheet_state = "hidden"
    ctx.lists_ws.protection.sheet = True
    for name, title, ref in ctx.defined:
        wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheet(title)}!{absolute(ref)}")
    wb.defined_names[names.FORM_NAME] = DefinedName(names.FORM_NAME, attr_text=f'"{spec.form}"')
    wb.defined_names[names.EDITION_NAME] = DefinedName(names.EDITION_NAME, attr_text=f'"{edition.id}"')
    wb.defined_names[names.FILES_NAME] = DefinedName(names.FILES_NAME, attr_text=str(len(doc.files)))
    wb.properties.title = spec.title
    wb.properties.creator = "pia-excel"
    return wb, ctx.problems


def quote_sheet(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def absolute(ref: str) -> str:
    from openpyxl.utils.cell import absolute_coordinate

    return ":".join(absolute_coordinate(p) for p in ref.split(":"))


def _write_section(w: _SheetWriter, section: Section, model: PiaModel, prefix: str, doc, spec: FormSpec, edition,
                   file_no: int | None) -> None:
    if section.key == "cover":
        _cover(w, section, model, spec, edition)
    else:
        heading = section.heading + (f"　{section.heading_note}" if section.heading_note else "")
        if file_no is not None:
            fname = _file_name(doc, file_no - 1) or ""
            # documents often number the file name themselves: "(1)住民基本台帳ファイル"
            numbered = re.match(rf"^\s*[（(]{file_no}[)）]", unicodedata.normalize("NFKC", fname))
            heading += f"　{fname}" if numbered else f"　（{file_no}） {fname}".rstrip()
        w.title(heading)
        first = section.items[0]
        if first.kind == "list":
            w.list_rows(first, getattr(model, first.key), f"{prefix}.{first.key}")
        elif first.kind == "table":
            w.table_rows(getattr(model, first.key), f"{prefix}.{first.key}")
        else:
            w.items(section.items, model, prefix)
    w.finish()


def _file_name(doc, index: int) -> str | None:
    f = doc.files[index]
    return getattr(f.II, "II_1", None)


def _cover(w: _SheetWriter, section: Section, model: PiaModel, spec: FormSpec, edition) -> None:
    r = w.r
    w.put(f"A{r}", spec.title, font=styles.TITLE, align=styles.WRAP_CENTER, border=None, merge_to=f"E{r}")
    w.ws.row_dimensions[r].height = 30
    w.r += 1
    w.items(section.items, model, section.key)


def write_workbook(doc: Document, path: str | os.PathLike, *, strict: bool = True) -> list[Issue]:
    """Write ``doc`` to ``path`` atomically. With ``strict`` (default) content that cannot be placed raises
    :class:`PlacementError` and nothing is written; otherwise the problems are returned."""
    wb, problems = build_workbook(doc)
    if problems and strict:
        raise PlacementError(problems)
    save_atomic(wb, Path(path))
    return problems


def save_atomic(wb: Workbook, path: Path) -> None:
    with atomic_path(path) as tmp:
        wb.save(tmp)
