"""Where an item instance path sits in a workbook: "files[1].II.itaku_umu" → ("Ⅱ ファイルの概要(1)", "C52").

Workbooks read by the reader carry their own map (``ReadResult.cells``). Documents loaded from JSON/YAML have
none: their cells are those of the generated workbook, known from the layout (``excel/layout.py``).
"""
from __future__ import annotations

from operator import itemgetter

from ..excel.layout import TABLE_COLUMNS, CellMap, layout_of  # noqa: F401
from ..excel.values import ReadResult
from ..models import Document


def layout_for(doc: Document) -> CellMap:
    """The cells of ``doc`` as written by ``build_workbook``."""
    return layout_of(doc).cell_map


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
    order = list(built.sheet_order)
    known = set(order)
    if set(map(itemgetter(0), result.cells.values())) <= known:  # a workbook of the layout's sheets
        return order
    for sheet in dict.fromkeys([sheet for sheet, _ in result.cells.values()]):
        if sheet not in known:
            order.append(sheet)
    return order


def cell_of(path: str, *, result: ReadResult | None = None, doc: Document | None = None) -> tuple[str, str] | None:
    """Sheet and cell of an item path, for a read workbook or for a document loaded from JSON/YAML."""
    return cell_map(result, doc).locate(path)
