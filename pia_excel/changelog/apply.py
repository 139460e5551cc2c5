"""Append change-log rows to the 変更箇所 table of an existing workbook.

The rows are worked out on the workbook opened with openpyxl (:func:`append_rows`); a file is then changed only
in the rows written (:func:`write_appended`, through :mod:`pia_excel.excel.package`), so everything else in it
(other sheets, pictures, shapes, comments, Excel's extended dropdowns, macros and buttons, rows staff typed) keeps
its bytes. The table is found by its defined name
(``pia.annex2.henko_kasho`` in 重点, ``pia.annex3.henko_kasho`` in 全項目), or, in workbooks without our names, by
its header row (変更日 / 項目 / 変更前の記載 / 変更後の記載 / 提出時期 / 提出時期に係る説明).

Existing rows are never changed. A new row equal to an existing one in 変更日 + 項目 + 変更前 + 変更後 is not
added again, so running the change log twice adds nothing the second time. When the rows prepared in the
template run out, the table grows downwards (styles, dropdown and the defined name follow).
"""
from __future__ import annotations

import datetime as dt
import re
from copy import copy
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.borders import Border
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.cell_range import MultiCellRange

from ..errors import ApplyError
from ..excel import names, styles
from ..excel.reader import WorkbookError, open_workbook
from ..excel.layout import TABLE_COLUMNS, TABLE_HEADS, absolute, quote_sheet
from ..excel.writer import MAX_CELL
from ..models import ChangeRow
from ..spec import FORMS, load_spec
from ..spec.text import compact
from ..wareki import WarekiDate, WarekiError

__all__ = ["AppendResult", "ApplyError", "append_rows", "append_to_file", "existing_rows", "open_for_edit",
           "row_key", "table_geometry", "table_names", "write_appended"]

HEADERS = TABLE_HEADS


@dataclass
class AppendResult:
    sheet: str
    added: list[ChangeRow] = field(default_factory=list)
    skipped: list[ChangeRow] = field(default_factory=list)  # equal to a row already in the table
    conflicts: list[tuple[ChangeRow, int]] = field(default_factory=list)  # same 変更日+項目, other text (row no.)
    rows: list[int] = field(default_factory=list)  # worksheet rows written
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Table:
    ws: object
    first: int  # first data row
    last: int  # last data row of the table (named range end)
    cols: tuple[int, ...]  # column numbers of the six columns
    name: str | None  # defined name, when the table has one


# ------------------------------------------------------------------------------------------------- opening
def _fast_clean_merge_range(ws, cache: dict, mcr) -> None:
    """Same result as openpyxl's ``Worksheet._clean_merge_range`` (the cells of a merged range but its top-left
    one become ``MergedCell``; edge borders and protection are copied from the top-left cell onto them), with the
    style lookups cached in ``cache`` (one per workbook): openpyxl's ``MergedCellRange.format`` compares style
    objects one by one and takes seconds on a form with two thousand merged ranges."""
    cells = mcr.cells
    next(cells)  # the top-left cell keeps its value
    for row, col in cells:
        ws._cells[row, col] = MergedCell(ws, row, col)
    start = mcr.start_cell
    start_border = start._style.borderId if start._style is not None else 0
    for name in ("top", "left", "right", "bottom"):
        side = getattr(start.border, name)
        if side and side.style is None:
            continue
        for coord in getattr(mcr, name):
            cell = ws._cells.get(coord)
            if cell is None:
                cell = MergedCell(ws, row=coord[0], column=coord[1])
                ws._cells[coord] = cell
            if cell._style is None:
                cell._style = StyleArray()
            key = (cell._style.borderId, name, start_border)
            if key not in cache:
                cell.border += Border(**{name: side})
                cache[key] = cell._style.borderId
            else:
                cell._style.borderId = cache[key]
    protection = start._style.protectionId if start.protection is not None else None
    for coord in mcr.cells:
        cell = ws._cells.get(coord)
        if cell is None:
            cell = MergedCell(ws, row=coord[0], column=coord[1])
            ws._cells[coord] = cell
        if protection is not None:
            if cell._style is None:
                cell._style = StyleArray()
            cell._style.protectionId = protection


class _EditReader(ExcelReader):
    """openpyxl's reader (what ``load_workbook`` runs) whose worksheets clean their merged ranges with
    :func:`_fast_clean_merge_range`. Only the sheets of this one workbook are affected, and only while it is read:
    the override is an attribute of each sheet object, removed again by :meth:`read`."""

    def read_workbook(self) -> None:
        super().read_workbook()
        wb, cache = self.wb, {}
        create_sheet = wb.create_sheet

        def create_fast_sheet(title=None, index=None):
            ws = create_sheet(title, index)
            ws._clean_merge_range = partial(_fast_clean_merge_range, ws, cache)
            return ws

        wb.create_sheet = create_fast_sheet

    def read(self) -> None:
        try:
            super().read()
        finally:
            wb = getattr(self, "wb", None)
            if wb is not None:
                wb.__dict__.pop("create_sheet", None)
                for ws in wb._sheets:
                    ws.__dict__.pop("_clean_merge_range", None)


def open_for_edit(path: str | Path):
    """Open a workbook for editing (formulas kept, macros kept for .xlsm); clear errors for unreadable files."""
    path = Path(path)
    open_workbook(path, read_only=True).close()  # the reader's checks and messages for unreadable files
    try:
        reader = _EditReader(path, keep_vba=path.suffix.lower() == ".xlsm", keep_links=True)
        reader.read()
    except Exception as e:  # pragma: no cover - open_workbook has already read it once
        raise WorkbookError(f"{path}: Excelブックとして読めません（{type(e).__name__}: {e}）") from None
    return reader.wb


# ------------------------------------------------------------------------------------------------- the table
def table_names() -> tuple[str, ...]:
    """The defined names of the 変更箇所 table in our workbooks of either form ("pia.annex2.henko_kasho", …)."""
    return tuple(names.to_name(load_spec(form).role("changes").path) for form in FORMS)


def _find_table(wb) -> _Table:
    for name in table_names():
        if name in wb.defined_names:
            dests = list(wb.defined_names[name].destinations)
            if dests and dests[0][0] in wb.sheetnames:
                sheet, ref = dests[0]
                min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
                cols = tuple(range(min_col, min_col + 6))
                return _Table(wb[sheet], min_row, max_row, cols, name)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible" and not ws.title.startswith("別添"):
            continue
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 15)):
            found: dict[str, int] = {}
            for cell in row:
                if isinstance(cell.value, str):
                    t = compact(cell.value)
                    for h in HEADERS:
                        if t == h and h not in found:
                            found[h] = cell.column
            if {"変更日", "項目"} <= found.keys() and ("変更前の記載" in found or "変更後の記載" in found):
                base = found["変更日"]
                cols = tuple(found.get(h, base + i) for i, h in enumerate(HEADERS))
                first = row[0].row + 1
                return _Table(ws, first, max(first, ws.max_row), cols, None)
    raise ApplyError("変更箇所の表が見つかりません（別添の「変更箇所」シートがありません）")


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, (dt.datetime, dt.date)):
        try:
            return str(WarekiDate.from_date(v))
        except WarekiError:
            return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).replace("\r\n", "\n").replace("\r", "\n").strip()


def _date_text(v) -> str:
    text = _text(v)
    if not text:
        return ""
    try:
        return str(WarekiDate.parse(text))
    except WarekiError:
        return text


def row_key(date, item, before, after) -> tuple[str, str, str, str]:
    """What makes two rows the same: 変更日 (as a 和暦 date), 項目, 変更前, 変更後 (line ends normalised)."""
    return (_date_text(date), _text(item), _text(before), _text(after))


def _cells(t: _Table, r: int) -> list:
    return [t.ws.cell(row=r, column=c).value for c in t.cols]


def existing_rows(wb) -> list[tuple[int, list]]:
    """(row number, six cell values) of the filled rows of the table."""
    t = _find_table(wb)
    out = []
    for r in range(t.first, t.last + 1):
        vals = _cells(t, r)
        if any(v not in (None, "") for v in vals):
            out.append((r, vals))
    return out


# ------------------------------------------------------------------------------------------------- writing
def _clean(text: str | None, where: str, warnings: list[str]) -> str | None:
    if text is None:
        return None
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
        warnings.append(f"{where}: 制御文字を削除して書き込みました")
    if len(text) > MAX_CELL:
        note = "…（以下略：セルの文字数の上限を超えるため）"
        text = text[:MAX_CELL - len(note)] + note
        warnings.append(f"{where}: 1セルの上限 32,767文字を超えるため、末尾を省略して書き込みました")
    return text


def _extend(t: _Table, new_last: int) -> None:
    """Grow the table down to ``new_last``: copy the last row's look, extend dropdowns and the defined name."""
    ws = t.ws
    template = t.last
    for r in range(t.last + 1, new_last + 1):
        for c in t.cols:
            src, dst = ws.cell(row=template, column=c), ws.cell(row=r, column=c)
            if src.has_style:
                dst._style = copy(src._style)
    for dv in ws.data_validations.dataValidation:
        for c in t.cols:
            coord = f"{get_column_letter(c)}{template}"
            if any(coord in rng for rng in dv.sqref.ranges):
                letter = get_column_letter(c)
                dv.sqref = MultiCellRange(f"{dv.sqref} {letter}{t.last + 1}:{letter}{new_last}")
    if t.name:
        ref = f"{get_column_letter(t.cols[0])}{t.first}:{get_column_letter(t.cols[-1])}{new_last}"
        ws.parent.defined_names[t.name] = DefinedName(t.name, attr_text=f"{quote_sheet(ws.title)}!{absolute(ref)}")
    t.last = new_last


def _row_height(ws, t: _Table, values: list[str | None]) -> float:
    lines = 1
    for c, v in zip(t.cols, values):
        if v:
            width = ws.column_dimensions[get_column_letter(c)].width or 8.43
            lines = max(lines, styles.lines_needed(v, width))
    return styles.row_height(lines)


def append_rows(wb, rows: list[ChangeRow]) -> AppendResult:
    """Append ``rows`` to the 変更箇所 table of the open workbook ``wb`` (see the module docstring)."""
    t = _find_table(wb)
    ws = t.ws
    result = AppendResult(sheet=ws.title)
    keys: dict[tuple, int] = {}
    by_item: dict[tuple[str, str], list[tuple[int, tuple]]] = {}
    last_filled = t.first - 1
    for r in range(t.first, t.last + 1):
        vals = _cells(t, r)
        if any(v not in (None, "") for v in vals):
            last_filled = r
            k = row_key(*vals[:4])
            keys.setdefault(k, r)
            by_item.setdefault(k[:2], []).append((r, k))
    below = t.last + 1
    while below <= ws.max_row and any(ws.cell(row=below, column=c).value not in (None, "") for c in t.cols):
        # filled rows right below a defined range: typed by staff past the prepared rows; they belong to the table
        if t.name is None:
            break
        last_filled = below
        vals = _cells(t, below)
        k = row_key(*vals[:4])
        keys.setdefault(k, below)
        by_item.setdefault(k[:2], []).append((below, k))
        below += 1
    if last_filled > t.last:
        _extend(t, last_filled)
    todo: list[ChangeRow] = []
    for row in rows:
        k = row_key(row.date, row.item, row.before, row.after)
        if k in keys:
            result.skipped.append(row)
            continue
        for r, other in by_item.get(k[:2], []):
            result.conflicts.append((row, r))
            break
        keys[k] = -1
        todo.append(row)
    if not todo:
        return result
    start = last_filled + 1
    end = start + len(todo) - 1
    if end > t.last:
        for r in range(max(start, t.last + 1), end + 1):
            for c in t.cols:
                if ws.cell(row=r, column=c).value not in (None, ""):
                    where = f"{ws.title}!{get_column_letter(c)}{r}"
                    raise ApplyError(f"変更箇所の表の下（{where}）に別の内容があるため、行を追加できません")
        _extend(t, end)
    for i, row in enumerate(todo):
        r = start + i
        values = [getattr(row, f) for f in TABLE_COLUMNS]
        values[0] = str(row.date) if row.date else None
        values = [_clean(v, f"{ws.title}!{get_column_letter(c)}{r}", result.warnings)
                  for v, c in zip(values, t.cols)]
        for c, v in zip(t.cols, values):
            cell = ws.cell(row=r, column=c)
            cell.value = v
            if isinstance(v, str):
                cell.data_type = "s"  # text beginning with "=" stays text
        ws.row_dimensions[r].height = _row_height(ws, t, values)
        result.rows.append(r)
        result.added.append(row)
    return result


def table_geometry(wb) -> tuple[str, int, int, tuple[int, ...], str | None]:
    """(sheet, first row, last row, columns, defined name) of the 変更箇所 table as the workbook has it now; taken
    before :func:`append_rows` so :func:`write_appended` knows what grew."""
    t = _find_table(wb)
    return t.ws.title, t.first, t.last, t.cols, t.name


def _sqref_covers(sqref: str, col: int, row: int) -> bool:
    for part in sqref.split():
        a, _, b = part.replace("$", "").partition(":")
        try:
            c1, r1, c2, r2 = range_boundaries(f"{a}:{b or a}")
        except ValueError:
            continue
        if c1 <= col <= c2 and r1 <= row <= r2:
            return True
    return False


def _grow_validations(text: str, cols: tuple[int, ...], last: int, new_last: int) -> str:
    """Dropdowns (plain and Excel 2010 extended ones) covering the table's last row extended down to ``new_last``."""
    def grow(sqref: str) -> str:
        extra = [f"{get_column_letter(c)}{last + 1}:{get_column_letter(c)}{new_last}"
                 for c in cols if _sqref_covers(sqref, c, last)]
        return " ".join([sqref, *extra]) if extra else sqref

    text = re.sub(r'(<(?:\w+:)?dataValidation\b[^>]*?\bsqref=")([^"]*)(")',
                  lambda m: m.group(1) + grow(m.group(2)) + m.group(3), text)
    return re.sub(r"(<(?:\w+:)?sqref>)([^<]*)(</(?:\w+:)?sqref>)", lambda m: m.group(1) + grow(m.group(2)) + m.group(3),
                  text)


def write_appended(pkg, wb, geometry: tuple, result: AppendResult) -> None:
    """Write the rows :func:`append_rows` added to the open workbook ``wb`` into the package ``pkg`` of the same
    file (:mod:`pia_excel.excel.package`): their cells (as text, in the table's look: a cell already there keeps
    its style, a new row takes the last prepared row's), their heights, and, when the table grew, its defined name
    and dropdowns. Nothing else in the package changes."""
    from ..excel.package import SheetEdit

    if not result.added:
        return
    title, _first, last, cols, name = geometry
    ws = wb[title]
    info = pkg.sheet(title)
    ed = SheetEdit(pkg.text(info.part))
    template = {c: ed.style_of(f"{get_column_letter(c)}{last}") for c in cols}
    for r in result.rows:
        for c in cols:
            ref = f"{get_column_letter(c)}{r}"
            value = ws.cell(row=r, column=c).value
            old = ed.cell_xml(ref)
            style = None if old is not None else (ed.style_of(ref) if r <= last else template[c])
            if value is None:
                if old is None and style:
                    ed.style_cell(ref, style)
                continue
            ed.text_cell(ref, str(value), style)
        height = ws.row_dimensions[r].height
        if height:
            ed.set_row(r, ht=f"{height:g}", customHeight="1")
    new_last = max([last, *result.rows])
    if new_last > last:
        ed.text = _grow_validations(ed.text, cols, last, new_last)
        if name and name in wb.defined_names:
            pkg.set_defined_name(name, wb.defined_names[name].attr_text)
    pkg.write(info.part, ed.render())


def append_to_file(source: str | Path, rows: list[ChangeRow], output: str | Path | None = None, *,
                   values: dict[tuple[str, str], str] | None = None) -> AppendResult:
    """Append ``rows`` to the workbook ``source`` and save it to ``output`` (default: ``source`` itself),
    atomically, changing only the table's rows (:func:`write_appended`); the workbook is locked from reading to
    writing. Nothing is written when every row is already there and ``output`` is ``source``.

    ``values`` ((sheet, cell) → text) are written into their cells in the same edit (each keeps its style; only
    the cells whose text differs): the changes the rows record (``pia-excel replace --apply``)."""
    from ..excel.package import SheetEdit, edit_workbook

    source = Path(source)
    out = Path(output) if output is not None else source
    if out.suffix.lower() != source.suffix.lower():
        raise ApplyError(f"{out}: 出力は入力と同じ形式（{source.suffix}）にしてください")
    with edit_workbook(source, out) as pkg:
        wb = open_for_edit(source)
        try:
            by_sheet: dict[str, dict[str, str]] = {}
            for (sheet, ref), text in (values or {}).items():
                if sheet not in wb.sheetnames:
                    raise ApplyError(f"{source}: シート「{sheet}」がありません")
                if wb[sheet][ref].value != text:
                    by_sheet.setdefault(sheet, {})[ref] = text
            for sheet, cells in by_sheet.items():
                info = pkg.sheet(sheet)
                ed = SheetEdit(pkg.text(info.part))
                for ref, text in cells.items():
                    ed.text_cell(ref, text)
                pkg.write(info.part, ed.render())
            geometry = table_geometry(wb)
            result = append_rows(wb, rows)
            write_appended(pkg, wb, geometry, result)
        finally:
            wb.close()
    return result


def append_to_document(doc, rows: list[ChangeRow]) -> tuple[int, int]:
    """Add ``rows`` to the 変更箇所 table of a document (read from JSON/YAML), skipping rows already there (same
    変更日, 項目, 変更前, 変更後); returns (added, skipped)."""
    section, key = load_spec(doc.form).role("changes").path.split(".")  # "annex2.henko_kasho"
    table = getattr(getattr(doc, section), key)
    keys = {row_key(r.date, r.item, r.before, r.after) for r in table}
    added = skipped = 0
    for row in rows:
        k = row_key(row.date, row.item, row.before, row.after)
        if k in keys:
            skipped += 1
            continue
        keys.add(k)
        table.append(row)
        added += 1
    return added, skipped
