"""A workbook transcribed with XlsxWriter (an independent writer, as other tools and Excel add-ins make them): the
values, merges, hidden sheets and defined names of a source workbook, optionally some cells written as formulas
with the values they compute (as Excel saves them). XlsxWriter also writes docProps/app.xml with the sheet titles
and names (TitlesOfParts), as Excel does."""
from __future__ import annotations

from pathlib import Path

import openpyxl


def transcribe(src: Path, dst: Path, formulas: dict[tuple[str, str], tuple[str, object]] | None = None) -> Path:
    """``src`` written again by XlsxWriter to ``dst``; ``formulas``: (sheet, cell) → (formula, computed value)."""
    import xlsxwriter

    formulas = formulas or {}
    wb = openpyxl.load_workbook(src)
    book = xlsxwriter.Workbook(str(dst))
    for ws in wb.worksheets:
        out = book.add_worksheet(ws.title)
        covered = set()
        for rng in ws.merged_cells.ranges:
            v = ws.cell(rng.min_row, rng.min_col).value
            out.merge_range(rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1,
                            "" if v is None else v)
            covered |= {(r, c) for r in range(rng.min_row, rng.max_row + 1) for c in range(rng.min_col, rng.max_col + 1)}
        for row in ws.iter_rows():
            for cell in row:
                key = (ws.title, cell.coordinate)
                if key in formulas:
                    out.write_formula(cell.coordinate, formulas[key][0], None, formulas[key][1])
                elif cell.value is not None and (cell.row, cell.column) not in covered:
                    if isinstance(cell.value, str):
                        out.write_string(cell.coordinate, cell.value)
                    else:
                        out.write(cell.coordinate, cell.value)
        if ws.sheet_state != "visible":
            out.hide()
    for name in wb.defined_names:
        book.define_name(name, "=" + wb.defined_names[name].attr_text)
    book.close()
    return dst
