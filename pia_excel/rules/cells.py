"""Where an item instance path sits in a workbook: "files[1].II.itaku_umu" → ("Ⅱ ファイルの概要(1)", "C52").

Workbooks read by the reader carry their own map (``ReadResult.cells``). Documents loaded from JSON/YAML have
none: their cells are those of the workbook ``build_workbook`` makes of them. The writer lays out every repeat
slot whatever the values, so that map depends only on form, edition and the number of files, and is cached;
rows of list annexes and of the 変更箇所 table are computed from the first cell of their range.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..excel import names
from ..excel.cells import column_index, column_letter, row_col, split_cell
from ..excel.reader import ReadResult
from ..models import Document, new_document

#: columns of the 変更箇所 table, in order (ChangeRow fields)
TABLE_COLUMNS = ("date", "item", "before", "after", "timing", "explanation")

_ROW = re.compile(r"^(?P<base>.+)\[(?P<n>\d+)\](?:\.(?P<field>\w+))?$")


class CellMap:
    """Sheet and cell of item paths, with fallbacks for option cells, list/table rows and repeat blocks."""

    def __init__(self, cells: dict[str, tuple[str, str]], sheet_order: list[str] | None = None):
        self.cells = dict(cells)
        self.sheet_order = list(sheet_order or [])
        if not self.sheet_order:
            for sheet, _ in self.cells.values():
                if sheet not in self.sheet_order:
                    self.sheet_order.append(sheet)

    def locate(self, path: str | None) -> tuple[str, str] | None:
        if not path:
            return None
        cells = self.cells
        if path in cells:
            return cells[path]
        for suffix in (".o1", "[1]"):
            if path + suffix in cells:
                return cells[path + suffix]
        m = _ROW.match(path)
        if m and m.group("base") in cells:  # a row of a list annex or of the 変更箇所 table
            sheet, ref = cells[m.group("base")]
            col, row = split_cell(ref)
            row += int(m.group("n")) - 1
            fld = m.group("field")
            if fld in TABLE_COLUMNS:
                col = column_letter(column_index(col) + TABLE_COLUMNS.index(fld))
            return sheet, f"{col}{row}"
        # a repeat block or a heading: its first cell
        hits = [v for k, v in cells.items() if k.startswith(path + ".") or k.startswith(path + "[")]
        if hits:
            return min(hits, key=lambda sc: (self.sheet_rank(sc[0]), row_col(sc[1])))
        return None

    def sheet_rank(self, sheet: str | None) -> int:
        try:
            return self.sheet_order.index(sheet)
        except ValueError:
            return len(self.sheet_order)


@lru_cache(maxsize=32)
def _layout(form: str, edition: str, nfiles: int) -> CellMap:
    from ..excel.writer import build_workbook

    wb, _ = build_workbook(new_document(form, files=nfiles, edition=edition))
    cells: dict[str, tuple[str, str]] = {}
    for name, dn in wb.defined_names.items():
        path = names.from_name(name)
        if path is None:
            continue
        dests = list(dn.destinations)
        if dests:
            sheet, ref = dests[0]
            cells[path] = (sheet, ref.replace("$", "").split(":")[0])
    return CellMap(cells, [ws.title for ws in wb.worksheets])


def layout_for(doc: Document) -> CellMap:
    """The cells of ``doc`` as written by ``build_workbook``."""
    return _layout(doc.form, doc.edition, len(doc.files))


def cell_map(result: ReadResult | None = None, doc: Document | None = None) -> CellMap:
    """The cell map of a read workbook (its own cells), or of a document's generated workbook."""
    if result is not None and result.cells:
        built = layout_for(result.doc)
        return CellMap(result.cells, _sheet_order(result, built))
    if doc is None and result is not None:
        doc = result.doc
    if doc is None:
        raise ValueError("cell_map needs a ReadResult or a document")
    return layout_for(doc)


def _sheet_order(result: ReadResult, built: CellMap) -> list[str]:
    order = [s for s in built.sheet_order]
    for sheet, _ in result.cells.values():
        if sheet not in order:
            order.append(sheet)
    return order


def cell_of(path: str, *, result: ReadResult | None = None, doc: Document | None = None) -> tuple[str, str] | None:
    """Sheet and cell of an item path, for a read workbook or for a document loaded from JSON/YAML."""
    return cell_map(result, doc).locate(path)
