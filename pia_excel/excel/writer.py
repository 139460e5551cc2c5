"""Write a document model as a workbook laid out like the official form.

Positions come from ``layout.py`` (one sheet per part in the official order, every cell with its role); the
writer fills values and gives each role its look. Labels are locked and the sheets protected (no password);
value cells are unlocked and carry a defined name derived from the item path (see ``names.py``). Every choice
and checkbox cell gets a dropdown whose list lives on the hidden sheet 選択肢; the ＜選択肢＞ list is printed
beside each choice as in the published documents; unused repeat slots are hidden.
"""
from __future__ import annotations

import gc
import os
import re
import sys
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import FormulaRule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.worksheet import Worksheet

from .. import __version__
from ..atomic import atomic_path
from ..errors import ERROR, Issue, PlacementError
from ..models import Document, PiaModel
from ..spec import load_spec, paths
from ..spec.text import nfkc
from . import layout as L
from . import guide, live, names, styles
from .package import Package, SheetEdit
from .layout import LISTS_SHEET, MARK, Cell, Sheet, absolute, quote_sheet

MAX_CELL = 32767


def problem(path: str, sheet: str, cell: str, message: str) -> Issue:
    """Content that could not be placed as given (reported, never dropped silently)."""
    return Issue(None, ERROR, message, path, sheet, cell)


@dataclass
class _Ctx:
    doc: Any
    problems: list[Issue] = field(default_factory=list)
    list_refs: dict = field(default_factory=dict)
    lists_ws: Worksheet | None = None
    defined: list = field(default_factory=list)
    styles: dict = field(default_factory=dict)
    data_rows: dict = field(default_factory=dict)  # sheet title → rows of its list or table (filled and spare)
    #: the document's formulas placed: (sheet title, cell, formula, the value written as its computed value)
    formulas: list = field(default_factory=list)
    placed_formulas: set = field(default_factory=set)

    def formula(self, path: str, sheet: str, a1: str, value: Any) -> None:
        """The cell of ``path`` holds a formula in the document (read from a workbook): written back with it."""
        formula = self.doc.formulas.get(path) if self.doc.formulas else None
        if formula is not None:
            self.formulas.append((sheet, a1, formula, value))
            self.placed_formulas.add(path)

    def list_ref(self, values: tuple[str, ...]) -> str:
        """A list on the hidden 選択肢 sheet (one column per distinct list)."""
        refs = self.list_refs
        if values not in refs:
            col = len(refs) + 1
            letter = L.col_letter(col)
            for i, v in enumerate(values, start=1):
                self.lists_ws.cell(row=i, column=col, value=v).data_type = "s"
            refs[values] = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(values)}"
        return refs[values]


_S = styles
#: role → (font, fill, alignment, border, locked, number format)
_LOOK = {
    L.FORM_TITLE: (_S.TITLE, None, _S.WRAP_CENTER, None, True, None),
    L.TITLE: (_S.SECTION, _S.HEADING_FILL, _S.WRAP, _S.BORDER, True, None),
    L.STAMP: (_S.FONT, None, _S.CENTER, None, True, None),
    L.STATIC_HEADING: (_S.BOLD, None, _S.WRAP_CENTER, _S.BORDER, True, None),
    L.STATIC_LABEL: (_S.BOLD, _S.LABEL_FILL, _S.WRAP, _S.BORDER, True, None),
    L.STATIC_TEXT: (_S.FONT, None, _S.WRAP, _S.BORDER, True, None),
    L.HEADING: (_S.BOLD, _S.HEADING_FILL, _S.WRAP, _S.BORDER, True, None),
    L.LABEL: (_S.FONT, _S.LABEL_FILL, _S.WRAP, _S.BORDER, True, None),
    L.GROUP_LABEL: (_S.FONT, _S.LABEL_FILL, _S.WRAP, _S.BORDER, True, None),
    L.LABEL_PAD: (_S.FONT, _S.LABEL_FILL, _S.WRAP, _S.NO_TOP, True, None),
    L.CHOICES: (_S.SMALL, None, _S.WRAP, _S.BORDER, True, None),
    L.HINT: (_S.HINT_FONT, None, _S.WRAP, None, True, None),
    L.GROUP_ROW: (_S.BOLD, _S.GROUP_FILL, _S.WRAP, _S.BORDER, True, None),
    L.BLOCK_HEADER: (_S.BOLD, _S.GROUP_FILL, _S.WRAP, _S.BORDER, True, None),
    L.OPTION_GROUP: (_S.BOLD, None, _S.WRAP, _S.BORDER, True, None),
    L.OPTION_LABEL: (_S.FONT, None, _S.WRAP, _S.BORDER, True, None),
    L.LIST_HEADER_CELL: (_S.BOLD, _S.LABEL_FILL, _S.WRAP, _S.BORDER, True, None),
    L.LIST_NUMBER: (_S.FONT, None, _S.WRAP, _S.BORDER, True, None),
    L.TABLE_HEADER: (_S.BOLD, _S.LABEL_FILL, _S.WRAP_CENTER, _S.BORDER, True, None),
    L.COUNT: (_S.FONT, None, _S.CENTER, _S.BORDER, False, _S.COUNT_FORMAT),
    L.MARK_CELL: (_S.FONT, None, _S.CENTER, _S.BORDER, False, _S.MARK_FORMAT),
    L.DETAIL: (_S.FONT, None, _S.WRAP, _S.BORDER, False, _S.DETAIL_FORMAT),
    L.OPTION_COUNT: (_S.FONT, None, _S.CENTER, _S.BORDER, False, _S.COUNT_FORMAT),
    L.LIST_ROW: (_S.FONT, None, _S.WRAP, _S.BORDER, False, _S.TEXT_FORMAT),
    L.TABLE_ROW: (_S.FONT, None, _S.WRAP, _S.BORDER, False, _S.TEXT_FORMAT),
}
#: value cells of text, date, count and choice items, by kind
_VALUE_LOOK = {
    "choice": (_S.FONT, _S.INPUT_FILL, _S.WRAP, _S.BORDER, False, _S.CHOICE_FORMAT),
    "count": (_S.FONT, None, _S.WRAP, _S.BORDER, False, None),
    "date": (_S.FONT, None, _S.WRAP, _S.BORDER, False, _S.TEXT_FORMAT),
    "text": (_S.FONT, None, _S.WRAP, _S.BORDER, False, _S.TEXT_FORMAT),
}
#: labels get their row height from their first row, even when merged down over several rows
_FIT_FIRST_ROW = frozenset({L.LABEL, L.HEADING})
_COUNTED = frozenset({L.COUNT, L.OPTION_COUNT})


class _Values:
    """Values of a document by item instance path (parents resolved once; unused repeat slots are empty)."""

    def __init__(self, doc: Document, labels: dict):
        self.doc, self.labels = doc, labels
        self.invalid = doc.invalid_values
        self.objs: dict[str, Any] = {}
        self.ticks: dict[str, dict] = {}

    def obj(self, path: str) -> Any:
        o = self.objs.get(path)
        if o is None:
            parent, _, last = path.rpartition(".")
            base = self.obj(parent) if parent else self.doc
            key, _, index = last.partition("[")
            o = getattr(base, key)
            if index:
                i = int(index[:-1])
                o = o[i - 1] if i <= len(o) else _block_class(base, key)()
            self.objs[path] = o
        return o

    def get(self, path: str) -> Any:
        parent, _, key = path.rpartition(".")
        return getattr(self.obj(parent), key)

    def value(self, path: str) -> Any:
        """The model's value, else the invalid value kept for the path."""
        v = self.get(path)
        return self.invalid.get(path) if v is None else v

    def tick_invalid(self, path: str, tick, field: str) -> Any:
        """The invalid value kept for a field of a tick (``files[1].II.nyushu_moto[2].count``: the second tick)."""
        for i, t in enumerate(self.get(path), start=1):
            if t is tick:
                return self.invalid.get(f"{path}[{i}].{field}")
        return None

    def tick(self, path: str, cell: Cell):
        """The tick of a checkbox option cell (``path``: the checkbox item's instance path)."""
        by_label = self.ticks.get(path)
        if by_label is None:
            by_label = self.ticks[path] = {t.label: t for t in self.get(path)}
        opt = cell.item.options[cell.option - 1]
        return by_label.get(opt.label) or by_label.get(self.labels.get(opt.label, opt.label))


class _SheetWriter:
    def __init__(self, ws: Worksheet, ctx: _Ctx, sheet: Sheet, widths: dict[str, float]):
        self.ws, self.ctx, self.sheet, self.widths = ws, ctx, sheet, widths
        self.dvs: dict[str, DataValidation] = {}
        self.dv_refs: dict[str, list[str]] = {}
        self.merges: list[str] = []
        self.heights: dict[int, float] = {}
        self.col_widths = [0.0] + list(widths.values())
        for col, w in widths.items():
            ws.column_dimensions[col].width = w

    # ------------------------------------------------------------------ cells
    def _fit(self, row: int, text: Any, first_col: int, last_col: int, size: float) -> None:
        if text in (None, ""):
            return
        width = sum(self.col_widths[first_col:last_col + 1])
        h = styles.row_height(styles.lines_needed(str(text), width, size), size)
        self.heights[row] = max(self.heights.get(row, 0.0), h)

    def put(self, row: int, col: int, last_row: int, last_col: int, value: Any, look: tuple, *, role: str = "",
            path: str | None = None) -> None:
        ws = self.ws
        cell = ws.cell(row=row, column=col)
        if value is not None:
            self.set_value(cell, value, path)
        self.style(cell, look)
        if last_row != row or last_col != col:
            self.merges.append(f"{L.ref(row, col)}:{L.ref(last_row, last_col)}")
            for rr in range(row, last_row + 1):
                for c in range(col, last_col + 1):
                    if rr != row or c != col:
                        self.style(ws.cell(row=rr, column=c), look)
        if role == L.HINT:  # screen only (column F): never makes a printed row taller
            return
        if last_row == row or role in _FIT_FIRST_ROW:  # vertical merges: height comes from the rows themselves
            self._fit(row, value, col, last_col, look[0].sz or styles.FONT_SIZE)

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
                chars = "、".join(sorted({f"U+{ord(c):04X}" for c in ILLEGAL_CHARACTERS_RE.findall(text)}))
                self.ctx.problems.append(problem(path or "", self.ws.title, cell.coordinate,
                                                 f"制御文字（{chars}）はセルに書き込めません"))
                text = ILLEGAL_CHARACTERS_RE.sub("", text)
            if len(text) > MAX_CELL:
                self.ctx.problems.append(problem(path or "", self.ws.title, cell.coordinate,
                                                 f"{len(text):,}文字あり、1セルの上限 32,767文字を超えています"))
                text = text[:MAX_CELL]
            cell.value = text
            cell.data_type = "s"  # text beginning with "=" stays text
        else:
            cell.value = value

    def validation(self, a1: str, kind: str, values: tuple[str, ...] | None = None) -> None:
        """Data validation with the input prompt of ``kind`` (guide.PROMPTS): a dropdown of ``values``, a whole
        number ≥ 0 for counts, any value otherwise (the prompt alone)."""
        formula = self.ctx_list(values) if values else None
        key = (kind, formula)
        dv = self.dvs.get(key)
        if dv is None:
            self.dv_refs[key] = []
            if formula is not None:
                dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
            elif kind in ("count", "option_count"):
                dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            else:
                dv = DataValidation(allow_blank=True)
            dv.promptTitle, dv.prompt = guide.PROMPTS[kind]
            dv.showInputMessage = True
            err = guide.ERRORS.get("count" if kind == "option_count" else kind)
            if err is not None:
                dv.errorTitle, dv.error = err
                dv.showErrorMessage = True
            self.ws.add_data_validation(dv)
            self.dvs[key] = dv
        self.dv_refs[key].append(a1)

    def ctx_list(self, values: tuple[str, ...]) -> str:
        return self.ctx.list_ref(values)

    # ------------------------------------------------------------------ the layout, filled
    def write(self, values: _Values, title_suffix: str = "") -> None:
        sheet = self.sheet
        for c in sheet.cells:
            self.cell(c, values, title_suffix)
        if sheet.rows is not None:
            self.data_rows(sheet.rows, values)
        self.repeat_slots(values)
        if sheet.print_title_rows:
            self.ws.print_title_rows = "{}:{}".format(*sheet.print_title_rows)
        if sheet.print_area:
            self.ws.print_area = sheet.print_area
            self.ws.column_dimensions[L.col_letter(L.SCREEN_COLUMN)].width = styles.SCREEN_WIDTH
        self.finish()

    def repeat_slots(self, values: _Values) -> None:
        """Repeat groups a user can grow on the protected sheet, without a macro, in Excel and LibreOffice: the
        used slots and the next empty one are shown (so a second 委託事項 is there to be filled); the slots after
        it are hidden rows, which the user may show (formatting rows is allowed); a group row ("委託事項6～10")
        is hidden with its first slot. The empty slot's input prompt says how to show the next slots."""
        sheet, ws = self.sheet, self.ws
        used: dict[str, int] = {}
        group_rows = {c.row for c in sheet.cells if c.role == L.GROUP_ROW}
        last_slot = {b.path: b.slot for b in sheet.blocks}
        for b in sheet.blocks:
            n = used.get(b.path)
            if n is None:
                n = used[b.path] = len(values.get(sheet.prefix + b.path))
            if b.slot <= n + 1:
                if b.slot == n + 1 and b.slot < last_slot[b.path]:
                    # the empty slot's name cell says how to go on (an input prompt: no text a reader could take
                    # for a value)
                    head = next((c for c in sheet.cells if c.row == b.first_row and c.role == L.VALUE), None)
                    if head is not None and head.ref in self.dv_refs.get(("text", None), ()):
                        self.dv_refs[("text", None)].remove(head.ref)
                        self.validation(head.ref, "next_slot")
                continue
            rows = range(b.first_row, b.last_row + 1)
            if b.first_row - 1 in group_rows:
                rows = range(b.first_row - 1, b.last_row + 1)
            for rr in rows:
                dim = ws.row_dimensions[rr]
                dim.hidden = True
                dim.outlineLevel = 1

    def cell(self, c: Cell, values: _Values, title_suffix: str) -> None:
        role = c.role
        if c.path is None:  # printed text
            text = c.text + title_suffix if role == L.TITLE else c.text
            self.put(c.row, c.col, c.last_row, c.last_col, text, _LOOK[role], role=role)
            return
        a1 = L.ref(c.row, c.col)
        path = self.sheet.prefix + c.path
        if role == L.VALUE:
            v = values.value(path)
            if c.kind == "date" and v is not None:
                v = str(v)
            self.put(c.row, c.col, c.last_row, c.last_col, v, _VALUE_LOOK[c.kind], role=role, path=path)
            self.validation(a1, c.kind, c.item.choices if c.kind == "choice" else None)
            self.ctx.formula(path, self.ws.title, a1, v)
        elif role == L.COUNT:
            v = values.value(path)
            self.put(c.row, c.col, c.last_row, c.last_col, v, _LOOK[role], role=role, path=path)
            self.validation(a1, "count")
            self.ctx.formula(path, self.ws.title, a1, v)
        else:  # a checkbox option's mark, detail or count
            tick = values.tick(path, c)
            if role == L.MARK_CELL:
                # an unreadable mark (✔, 1 …) is written back as it was read, never as ○
                v = MARK if tick and tick.checked else values.invalid.get(path + c.suffix)
            elif role == L.DETAIL:
                v = tick.detail if tick else None
            else:
                v = tick.count if tick else None
                if v is None and tick is not None:  # a count that is not a number ("約5", "三"): as it was read
                    v = values.tick_invalid(path, tick, "count")
            self.put(c.row, c.col, c.last_row, c.last_col, v, _LOOK[role], role=role, path=path)
            self.ctx.formula(path + c.suffix, self.ws.title, a1, v)
            if role == L.MARK_CELL:
                self.validation(a1, "mark", (MARK,))
            elif role == L.OPTION_COUNT:
                self.validation(a1, "option_count")
            else:
                self.validation(a1, guide.prompt_kind("detail", c.item.options[c.option - 1].label))
        self.ctx.defined.append((names.to_name(path, c.suffix), self.ws.title, a1))

    def data_rows(self, rows: L.Rows, values: _Values) -> None:
        """The 記録項目 list (one value per row) or the 変更箇所 table, plus the spare rows kept for typing."""
        base = self.sheet.prefix + rows.path
        data = values.get(base)
        count = len(data) + rows.spare
        self.ctx.data_rows[self.ws.title] = count
        for i in range(count):
            r = rows.first_row + i
            d = data[i] if i < len(data) else None
            for c in rows.cells:
                if c.role == L.LIST_ROW:
                    v, path = d, base
                    self.ctx.formula(f"{base}[{i + 1}]", self.ws.title, L.ref(r, c.col), v)
                elif c.role == L.TABLE_ROW:
                    path = f"{base}[{i + 1}]"
                    v = None if d is None else getattr(d, c.field)
                    if d is not None and v is None:
                        v = values.invalid.get(f"{path}.{c.field}")
                    elif c.field == "date" and v is not None:
                        v = str(v)
                    self.ctx.formula(f"{path}.{c.field}", self.ws.title, L.ref(r, c.col), v)
                else:
                    v, path = None, None
                self.put(r, c.col, r, c.last_col, v, _LOOK[c.role], role=c.role, path=path)
                if c.role == L.LIST_ROW:
                    self.validation(L.ref(r, c.col), "list_row")
                elif c.role == L.TABLE_ROW:
                    self.validation(L.ref(r, c.col), f"table_{c.field}", L.TIMINGS if c.field == "timing" else None)
        self.ctx.defined.append((names.to_name(base), self.ws.title, rows.name_ref(count)))

    def finish(self) -> None:
        ws = self.ws
        # assigned in one go: openpyxl's incremental add() is quadratic
        ws.merged_cells = MultiCellRange(self.merges)
        for key, dv in self.dvs.items():
            dv.sqref = MultiCellRange(self.dv_refs[key])
        for row, h in self.heights.items():
            ws.row_dimensions[row].height = h
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
    lay = L.layout_of(doc)
    ctx = _Ctx(doc=doc)
    values = _Values(doc, lay.edition.labels)
    wb = Workbook()
    wb.remove(wb.active)
    ctx.lists_ws = wb.create_sheet(LISTS_SHEET)  # moved to the end below
    for sheet in lay.sheets:
        widths = styles.TABLE_WIDTHS if sheet.is_table else styles.COLUMN_WIDTHS
        w = _SheetWriter(wb.create_sheet(sheet.title), ctx, sheet, widths)
        w.write(values, _file_title(doc, sheet.file_no))
    wb.move_sheet(ctx.lists_ws, offset=len(wb.sheetnames) - 1)
    _add_live_checks(wb, lay, ctx)
    guide.add_guide_sheet(wb, index=0)  # first: layout.LEADING_SHEETS
    ctx.lists_ws.sheet_state = "hidden"
    ctx.lists_ws.protection.sheet = True
    for name, title, a1 in ctx.defined:
        wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheet(title)}!{absolute(a1)}")
    for name, text in lay.meta_names().items():
        wb.defined_names[name] = DefinedName(name, attr_text=text)
    for path in sorted(set(doc.formulas or {}) - ctx.placed_formulas):
        ctx.problems.append(Issue(None, ERROR, f"数式 {doc.formulas[path]} を書き込むセルがありません（項目パス {path}）", path))
    #: the formulas with their computed values, written by save_atomic (openpyxl writes no computed values)
    wb.pia_formulas = ctx.formulas
    wb.properties.title = lay.spec.title
    wb.properties.creator = "pia-excel"
    # the workbook says which form, edition and layout it is (which rules and live checks apply)
    wb.properties.subject = f"{lay.spec.title} {lay.edition.id}"
    for name, value in (("pia-excel.form", lay.form), ("pia-excel.edition", lay.edition.id),
                        ("pia-excel.version", __version__), ("pia-excel.files", str(lay.files))):
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    return wb, ctx.problems


_CHECK_FILL = {live.ERROR: PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE"),
               live.WARNING: PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C")}


def _add_live_checks(wb: Workbook, lay: L.Layout, ctx: _Ctx) -> None:
    """The live checks (excel/live.py): conditional formats on the form's cells, the hidden チェック計算 sheet
    (one row per checked cell) and the チェック sheet (one row per check), before 選択肢."""
    checks = live.compile_checks(lay, ctx.data_rows)
    lists = {key: ctx.list_ref(values) for key, values in live.lists().items()}
    calc = wb.create_sheet(live.CALC_SHEET, index=wb.sheetnames.index(LISTS_SHEET))
    calc_name = quote_sheet(live.CALC_SHEET)
    spans: list[tuple[int, int]] = []
    r = 1
    for check in checks:
        first = r
        for t in check.targets:
            a1 = L.ref(t.row, t.col)
            calc.cell(row=r, column=1, value=check.code)
            calc.cell(row=r, column=2, value=t.sheet).data_type = "s"
            calc.cell(row=r, column=3, value=a1)
            formula = live.render(t, lists, sheet_prefix=quote_sheet(t.sheet) + "!")
            calc.cell(row=r, column=4, value=f"=IF({formula},1,0)")
            calc.cell(row=r, column=5, value=f"#{quote_sheet(t.sheet)}!{a1}").data_type = "s"
            calc.cell(row=r, column=6, value=f'=IF(D{r}=1,ROW(),"")')
            r += 1
        spans.append((first, r - 1))
        groups: dict[tuple, list[live.Target]] = {}
        for t in check.targets:
            groups.setdefault(live.shape(t), []).append(t)
        for group in groups.values():
            group.sort(key=lambda t: t.row)
            head = group[0]
            formula = live.render(head, lists, absolute=False, origin=(head.row, head.col))
            sqref = " ".join(L.ref(t.row, t.col) for t in group)
            wb[head.sheet].conditional_formatting.add(sqref, FormulaRule(formula=[formula],
                                                                         fill=_CHECK_FILL[check.severity]))
    for h in checks.helpers:  # per repeat block: in use, refers to a 別紙 (read by R201 / R210)
        calc.cell(row=h.row, column=h.col, value="=" + live.render(h, lists))
    calc.sheet_state = "hidden"
    calc.protection.sheet = True

    ws = wb.create_sheet(live.CHECK_SHEET, index=wb.sheetnames.index(live.CALC_SHEET))
    for col, width in zip("ABCDE", (8, 8, 60, 8, 30)):
        ws.column_dimensions[col].width = width
    ws["A1"] = "チェック（入力と同時に再計算されます）"
    ws["A1"].font = styles.TITLE
    ws.row_dimensions[1].height = styles.row_height(1, styles.TITLE.sz)
    ws["A2"] = guide.CHECK_NOTE
    ws["A2"].font, ws["A2"].alignment = styles.FONT, styles.WRAP
    ws.merge_cells("A2:E2")
    ws.row_dimensions[2].height = styles.row_height(styles.lines_needed(guide.CHECK_NOTE, 114))
    for col, head in enumerate(("コード", "重要度", "内容", "件数", "最初のセルへ移動"), start=1):
        c = ws.cell(row=4, column=col, value=head)
        c.font, c.fill, c.border = styles.BOLD, styles.LABEL_FILL, styles.BORDER
    ws.row_dimensions[4].height = styles.row_height(2)  # 最初のセルへ移動 may wrap
    for i, (check, (first, last)) in enumerate(zip(checks, spans)):
        row = 5 + i
        ws.cell(row=row, column=1, value=check.code)
        ws.cell(row=row, column=2, value=check.severity)
        ws.cell(row=row, column=3, value=check.what)
        if last >= first:
            d = f"{calc_name}!$D${first}:$D${last}"
            f = f"{calc_name}!$F${first}:$F${last}"
            ws.cell(row=row, column=4, value=f"=SUM({d})")
            at = f"MIN({f})"
            ws.cell(row=row, column=5, value=(
                f'=IF(D{row}>0,HYPERLINK(INDEX({calc_name}!$E:$E,{at}),'
                f'INDEX({calc_name}!$B:$B,{at})&"!"&INDEX({calc_name}!$C:$C,{at})),"")'))
        else:
            ws.cell(row=row, column=4, value=0)
        for col in range(1, 6):
            c = ws.cell(row=row, column=col)
            c.font, c.border, c.alignment = styles.FONT, styles.BORDER, styles.WRAP
        ws.cell(row=row, column=4).alignment = styles.CENTER
        ws.row_dimensions[row].height = styles.row_height(styles.lines_needed(check.what, 60))
    ws.protection.sheet = True
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.sheet_view.showGridLines = False


def _file_title(doc, file_no: int | None) -> str:
    """What a file's sheets add to their part heading: the file's name, numbered unless it numbers itself."""
    if file_no is None:
        return ""
    fname = paths.file_name(load_spec(doc.form), doc, file_no) or ""
    # documents often number the file name themselves: "(1)住民基本台帳ファイル"
    if re.match(rf"^\s*[（(]{file_no}[)）]", nfkc(fname)):
        return f"　{fname}"
    return f"　（{file_no}） {fname}".rstrip()


def write_workbook(doc: Document, path: str | os.PathLike, *, strict: bool = True) -> list[Issue]:
    """Write ``doc`` to ``path`` atomically. With ``strict`` (default) content that cannot be placed raises
    :class:`PlacementError` and nothing is written; otherwise the problems are returned."""
    wb, problems = build_workbook(doc)
    if problems and strict:
        raise PlacementError(problems, path=path)
    save_atomic(wb, Path(path))
    return problems


def save_atomic(wb: Workbook, path: Path) -> None:
    """Save as openpyxl does, then finish the package as Excel would save it: the formulas of the document with
    their computed values (:func:`write_formulas`) and the form's strings in a shared string table
    (:meth:`Package.share_strings`; pia-excel's own sheets — 使い方, the live checks, 選択肢 — keep theirs
    inline: reading never parses those sheets, and the live checks' ~6,000 strings would triple the table)."""
    with atomic_path(path) as tmp:
        save_quietly(wb, tmp)
        pkg = Package.open(tmp)
        write_formulas(pkg, getattr(wb, "pia_formulas", None) or [])
        pkg.share_strings(inline=L.OWN_SHEETS)
        pkg.save(tmp)


def write_formulas(pkg: Package, formulas: list[tuple[str, str, str, Any]]) -> None:
    """Put formulas into the cells of a saved workbook, each with the value it computed as its cached value
    (what Excel saves with a formula, and what readers of values see): openpyxl writes a formula without one."""
    by_sheet: dict[str, list] = {}
    for sheet, a1, formula, value in formulas:
        by_sheet.setdefault(sheet, []).append((a1, formula, value))
    for sheet, cells in by_sheet.items():
        info = pkg.sheet(sheet)
        edit = SheetEdit(pkg.text(info.part))
        for a1, formula, value in cells:
            edit.formula_cell(a1, formula, value)
        pkg.write(info.part, edit.render())


def save_quietly(wb: Workbook, path: Path) -> None:
    """``wb.save(path)``; when the OS refuses the write (disk full …) the OSError is raised without openpyxl's
    half-run sheet writers, which would otherwise print "Exception ignored …" tracebacks when collected."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None
    try:
        try:
            wb.save(path)
            err = None
        except OSError as e:
            err = OSError(e.errno, e.strerror or str(e), e.filename)
        gc.collect()
    finally:
        sys.unraisablehook = hook
    if err is not None:
        raise err
