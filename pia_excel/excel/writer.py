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
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.worksheet import Worksheet

from ..atomic import atomic_path
from ..errors import ERROR, Issue, PlacementError
from ..models import Document, PiaModel
from ..spec import load_spec, paths
from ..spec.text import nfkc
from . import layout as L
from . import names, styles
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
    L.HINT: (_S.SMALL, None, _S.WRAP, _S.BORDER, True, None),
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
        self.lines: dict[int, int] = {}
        self.col_widths = [0.0] + list(widths.values())
        for col, w in widths.items():
            ws.column_dimensions[col].width = w

    # ------------------------------------------------------------------ cells
    def _fit(self, row: int, text: Any, first_col: int, last_col: int) -> None:
        if text in (None, ""):
            return
        width = sum(self.col_widths[first_col:last_col + 1])
        self.lines[row] = max(self.lines.get(row, 1), styles.lines_needed(str(text), width))

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
        if last_row == row or role in _FIT_FIRST_ROW:  # vertical merges: height comes from the rows themselves
            self._fit(row, value, col, last_col)

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

    def dropdown(self, a1: str, values: tuple[str, ...], prompt: str) -> None:
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
        self.dv_refs[formula].append(a1)

    def ctx_list(self, values: tuple[str, ...]) -> str:
        refs = self.ctx.list_refs
        if values not in refs:
            ws = self.ctx.lists_ws
            col = len(refs) + 1
            letter = L.col_letter(col)
            for i, v in enumerate(values, start=1):
                ws.cell(row=i, column=col, value=v).data_type = "s"
            refs[values] = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(values)}"
        return refs[values]

    def count_validation(self, a1: str) -> None:
        dv = self.dvs.get("#count")
        if dv is None:
            self.dv_refs["#count"] = []
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            dv.error = "0以上の整数を入力してください。"
            dv.showErrorMessage = True
            self.ws.add_data_validation(dv)
            self.dvs["#count"] = dv
        self.dv_refs["#count"].append(a1)

    # ------------------------------------------------------------------ the layout, filled
    def write(self, values: _Values, title_suffix: str = "") -> None:
        sheet = self.sheet
        for c in sheet.cells:
            self.cell(c, values, title_suffix)
        if sheet.rows is not None:
            self.data_rows(sheet.rows, values)
        used: dict[str, int] = {}
        for b in sheet.blocks:
            n = used.get(b.path)
            if n is None:
                n = used[b.path] = len(values.get(sheet.prefix + b.path))
            if b.slot > 1 and b.slot > n:
                for rr in range(b.first_row, b.last_row + 1):
                    dim = self.ws.row_dimensions[rr]
                    dim.hidden = True
                    dim.outlineLevel = 1
        if sheet.print_title_rows:
            self.ws.print_title_rows = "{}:{}".format(*sheet.print_title_rows)
        self.finish()

    def cell(self, c: Cell, values: _Values, title_suffix: str) -> None:
        role = c.role
        if c.path is None:  # printed text
            text = c.text + title_suffix if role == L.TITLE else c.text
            self.put(c.row, c.col, c.last_row, c.last_col, text, _LOOK[role], role=role)
            if role == L.FORM_TITLE:
                self.ws.row_dimensions[c.row].height = 30
            return
        a1 = L.ref(c.row, c.col)
        path = self.sheet.prefix + c.path
        if role == L.VALUE:
            v = values.value(path)
            if c.kind == "date" and v is not None:
                v = str(v)
            self.put(c.row, c.col, c.last_row, c.last_col, v, _VALUE_LOOK[c.kind], role=role, path=path)
            if c.kind == "choice":
                self.dropdown(a1, c.item.choices, "＜選択肢＞から選んでください")
            elif c.kind == "count":
                self.count_validation(a1)
        elif role == L.COUNT:
            self.put(c.row, c.col, c.last_row, c.last_col, values.value(path), _LOOK[role], role=role, path=path)
            self.count_validation(a1)
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
            if role == L.MARK_CELL:
                self.dropdown(a1, (MARK,), "該当する場合は○を選んでください")
            elif role == L.OPTION_COUNT:
                self.count_validation(a1)
        self.ctx.defined.append((names.to_name(path, c.suffix), self.ws.title, a1))

    def data_rows(self, rows: L.Rows, values: _Values) -> None:
        """The 記録項目 list (one value per row) or the 変更箇所 table, plus the spare rows kept for typing."""
        base = self.sheet.prefix + rows.path
        data = values.get(base)
        table = rows.item.kind == "table"
        count = len(data) + rows.spare
        for i in range(count):
            r = rows.first_row + i
            d = data[i] if i < len(data) else None
            for c in rows.cells:
                if c.role == L.LIST_ROW:
                    v, path = d, base
                elif c.role == L.TABLE_ROW:
                    path = f"{base}[{i + 1}]"
                    v = None if d is None else getattr(d, c.field)
                    if d is not None and v is None:
                        v = values.invalid.get(f"{path}.{c.field}")
                    elif c.field == "date" and v is not None:
                        v = str(v)
                else:
                    v, path = None, None
                self.put(r, c.col, r, c.last_col, v, _LOOK[c.role], role=c.role, path=path)
            if table:
                self.dropdown(L.ref(r, L.TABLE_COLUMNS.index("timing") + 1), L.TIMINGS, "事前 または 事後")
        self.ctx.defined.append((names.to_name(base), self.ws.title, rows.name_ref(count)))

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
    ctx.lists_ws.sheet_state = "hidden"
    ctx.lists_ws.protection.sheet = True
    for name, title, a1 in ctx.defined:
        wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheet(title)}!{absolute(a1)}")
    for name, text in lay.meta_names().items():
        wb.defined_names[name] = DefinedName(name, attr_text=text)
    wb.properties.title = lay.spec.title
    wb.properties.creator = "pia-excel"
    return wb, ctx.problems


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
    with atomic_path(path) as tmp:
        save_quietly(wb, tmp)


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
