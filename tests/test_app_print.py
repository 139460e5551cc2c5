"""Printed straight from the application (not through `pia-excel pdf`): readable text, no screen hints, rows tall
enough for what is written. LibreOffice prints the workbook as a user would (File → Print of every sheet)."""
from __future__ import annotations

import html
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from pia_excel import api
from pia_excel.excel import layout as L
from pia_excel.excel.writer import write_workbook
from pia_excel.pdf.printcopy import text_height, wrap
from pia_excel.pdf.render import to_pdf

FIXTURES = Path(__file__).with_name("fixtures")
NAMES = ["kushiro_shuno_juten", "adachi_jukijo_zenkomoku"]
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
#: width of a column unit in points: Excel (Calibri) and LibreOffice where Calibri is missing (measured)
UNITS_PT = (5.25, 7.1)
#: Excel's (and LibreOffice's) tallest row
MAX_ROW = 409.0


def _cjk_sizes(pdf: Path) -> list[tuple[float, str]]:
    """(font size, word) of every word of 4+ full-width characters: a full-width character is 1 em wide."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    sizes = []
    for x0, _, x1, _, text in _WORD.findall(out):
        text = html.unescape(text)
        if len(text) >= 4 and all(unicodedata.east_asian_width(c) == "W" and c != "・" for c in text):
            sizes.append(((float(x1) - float(x0)) / len(text), text))
    return sizes


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    out = tmp_path_factory.mktemp("app_print")
    books = {}
    for name in NAMES:
        xlsx = out / f"{name}.xlsx"
        write_workbook(api.load(FIXTURES / f"{name}.json").doc, xlsx)
        books[name] = (xlsx, to_pdf(xlsx, out / f"{name}.pdf"))
    return books


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", NAMES)
def test_text_prints_at_9pt_or_more_without_screen_hints(printed, name):
    xlsx, pdf = printed[name]
    sizes = _cjk_sizes(pdf)
    assert len(sizes) > 300
    smallest = min(sizes)
    assert smallest[0] >= 9.0, smallest  # 122 units fitted to A4 printed 9 pt text at 5.6 pt
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "例：令和7年2月25日" not in text and "件：" not in text
    assert "このブックの使い方" in text  # the 使い方 sheet prints on its own pages, before the form


@pytest.mark.parametrize("name", NAMES)
def test_rows_are_tall_enough_for_their_text_in_excel_and_libreoffice(tmp_path, name):
    """Every wrapped one-row cell gets the height its text needs at the column widths of both applications
    (LibreOffice's line breaking, measured in pdf/printcopy.wrap), up to the 409 pt a row can have."""
    xlsx = tmp_path / "doc.xlsx"
    write_workbook(api.load(FIXTURES / f"{name}.json").doc, xlsx)
    wb = load_workbook(xlsx)
    checked, short = 0, []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        widths = {column_index_from_string(k): d.width for k, d in ws.column_dimensions.items() if d.width}
        spans = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
        for row in ws.iter_rows(max_col=L.FORM_COLUMNS + 1):
            for c in row:
                if not isinstance(c.value, str) or not c.value or not c.alignment.wrap_text or c.data_type == "f":
                    continue
                if c.column == L.SCREEN_COLUMN and ws.print_area:  # the screen-only hints of the form sheets
                    continue
                rng = spans.get((c.row, c.column))
                if rng is not None and rng.max_row != rng.min_row:
                    continue  # a label beside several rows: their heights add up
                units = sum(widths.get(k, 8.43) for k in range(c.column, (rng.max_col if rng else c.column) + 1))
                size = c.font.sz or 11
                height = ws.row_dimensions[c.row].height or 15
                for unit in UNITS_PT:
                    need = text_height(len(wrap(c.value, units * unit, size, bool(c.font.b))), size)
                    checked += 1
                    if need > height + 0.5 and need <= MAX_ROW:
                        short.append((ws.title, c.coordinate, unit, round(need), height))
    assert checked > 1000
    assert short == []
