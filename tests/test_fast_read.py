"""The reader's three ways to find value cells give the same result: the document, the issues (with their cells)
and the cell map, and so the same findings.

1. ``template``: the workbook's ``<definedNames>`` element is the one the writer gives its layout, character for
   character: no name is parsed, values are read by the layout's row and column.
2. ``layout``: the names, once parsed, are exactly the layout's (e.g. after a tool wrote them in another order):
   values by the layout's row and column.
3. ``names``: every name is parsed and every value cell looked up by its name (workbooks whose rows were moved).
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from pia_excel.excel import layout as L
from pia_excel.excel import reader
from pia_excel.rules import validate_result

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))
WAYS = ("template", "layout", "names")


def read(path: Path, way: str, monkeypatch) -> reader.ReadResult:
    with monkeypatch.context() as m:
        taken = []
        by_template = reader._by_template
        m.setattr(reader, "_by_template", lambda book: (taken.append("template"), by_template(book))[1]
                  if way == "template" else None)
        if way == "names":
            m.setattr(reader._NameReader, "from_layout", lambda self: False)
        parsed = []
        parse = reader._NameReader.parse_names
        m.setattr(reader._NameReader, "parse_names", lambda self: (parsed.append(1), parse(self))[1])
        result = reader.read_workbook(path)
    assert bool(parsed) == (way == "names")
    return result


def same(a: reader.ReadResult, b: reader.ReadResult) -> None:
    assert a.doc == b.doc
    assert a.doc.invalid_values == b.doc.invalid_values
    assert a.issues == b.issues
    assert a.cells == b.cells
    assert validate_result(a).findings == validate_result(b).findings


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_the_three_ways_agree_on_the_samples(path, monkeypatch):
    assert _template_taken(path)  # as written: the names element is the layout's
    results = [read(path, way, monkeypatch) for way in WAYS]
    for other in results[1:]:
        same(results[0], other)


def _cells(lay: L.Layout, role: str, kind: str | None = None, sheet: str | None = None):
    for s in lay.sheets:
        if sheet is not None and not s.title.startswith(sheet):
            continue
        for c in s.cells:
            if c.role == role and (kind is None or c.kind == kind):
                yield s, c


@pytest.fixture(scope="module")
def invalid_xlsx(tmp_path_factory) -> Path:
    """The 足立区 全項目 workbook (3 files) with values the model rejects, notices the reader gives, and cells in
    places the reader must not skip (a repeat slot after empty ones, a detail beside an unticked box)."""
    from openpyxl import load_workbook

    src = ROOT / "samples" / "adachi_jukijo_zenkomoku.xlsx"
    path = tmp_path_factory.mktemp("invalid") / "invalid.xlsx"
    shutil.copy(src, path)
    lay = L.layout("zenkomoku", reader.read_workbook(src).doc.edition, 3)
    wb = load_workbook(path)

    def put(sheet_cell, value):
        s, c = sheet_cell
        wb[s.title].cell(row=c.row, column=c.col).value = value

    choices = list(_cells(lay, L.VALUE, "choice"))
    put(choices[0], "どれでもない")  # not a choice
    put(choices[1], "2) " + choices[1][1].item.choices[-1])  # numbered form, understood
    put(next(_cells(lay, L.VALUE, "count")), "約20万")  # not a number
    counts = list(_cells(lay, L.COUNT))  # the （　）件 beside a choice
    put(counts[0], 12.0)  # a float that is an integer
    put(counts[1], "（ 3 ）件")
    dates = list(_cells(lay, L.VALUE, "date"))
    put(dates[0], "令和7年2月30日")  # no such day
    put(dates[1], dt.datetime(2025, 3, 1))  # a real date cell
    texts = list(_cells(lay, L.VALUE, "text"))
    put(texts[0], 1234.5)  # a number in a text cell
    put(texts[1], True)
    put(texts[2], "あ" * reader.MAX_CELL)  # at Excel's limit: reported
    marks = list(_cells(lay, L.MARK_CELL))
    put(marks[0], "×")  # an odd mark, read as ticked
    put(marks[1], 1)
    details = [(s, c) for s, c in _cells(lay, L.DETAIL, sheet="Ⅱ")]
    put(details[-1], "○のない選択肢の内容")  # a detail beside an unticked box
    counts = [(s, c) for s, c in _cells(lay, L.OPTION_COUNT)]
    if counts:
        put(counts[0], "三")
    # a repeat slot after empty ones: the 5th 委託事項 of file 2
    slot5 = [(s, c) for s, c in _cells(lay, L.VALUE, sheet="Ⅱ ファイルの概要(2)") if "itaku_jiko[5]" in c.path]
    put(slot5[0], "5番目の委託事項")
    put(slot5[3], "不明な選択" if slot5[3][1].kind == "choice" else "記入")
    # the 記録項目 list and the 変更箇所 table
    annex = wb["別添2 記録項目(1)"]
    rows = lay.sheet("別添2 記録項目(1)").rows
    annex.cell(row=rows.first_row + 1, column=2).value = "い" * reader.MAX_CELL
    table = lay.sheet("別添3 変更箇所")
    ws = wb[table.title]
    ws.cell(row=table.rows.first_row, column=1).value = dt.datetime(2024, 6, 1)
    ws.cell(row=table.rows.first_row, column=5).value = "随時"  # not 事前 / 事後
    ws.cell(row=table.rows.first_row + 1, column=1).value = "令和99年1月1日"
    wb.save(path)
    return path


def _template_taken(path: Path) -> bool:
    book = reader.open_cells(path)
    try:
        return reader._by_template(book) is not None
    finally:
        book.close()


def test_the_three_ways_agree_on_invalid_values(invalid_xlsx, monkeypatch):
    assert _template_taken(invalid_xlsx)  # openpyxl wrote the names back as they were
    results = [read(invalid_xlsx, way, monkeypatch) for way in WAYS]
    first = results[0]
    # what the workbook holds is there: rejected values kept with an issue at their cell, notices
    assert len(first.doc.invalid_values) >= 5
    codes = {i.code for i in first.issues}
    assert reader.ODD_MARK_CODE in codes and reader.NOTICE_CODE in codes and None in codes
    assert {i.path: i.cell for i in first.issues}["I.taisho_ninzu"] == "C5"
    assert len(first.doc.files[1].II.itaku_jiko) >= 5
    for other in results[1:]:
        same(first, other)


def test_a_moved_name_leaves_the_template(tmp_path, monkeypatch):
    """Once a name moves (inserted rows), the element is no longer the layout's: the names are parsed, and
    everything but the moved cell reads the same."""
    from openpyxl import load_workbook

    path = tmp_path / "moved.xlsx"
    shutil.copy(SAMPLES[0], path)
    fast = read(path, "template", monkeypatch)
    wb = load_workbook(path)
    name = next(n for n in wb.defined_names if n.startswith("pia.files.1.") and n.endswith("jimu_naiyo")
                or n == "pia.I.jimu_meisho")
    dn = wb.defined_names[name]
    sheet, ref = next(iter(dn.destinations))
    row = int(ref.split("$")[-1])
    ws = wb[sheet]
    value = ws[ref.replace("$", "")].value
    ws[ref.replace("$", "")].value = None
    ws.cell(row=row, column=7).value = value
    dn.attr_text = f"'{sheet}'!$G${row}"
    wb.save(path)
    assert not _template_taken(path)
    slow = read(path, "names", monkeypatch)
    assert slow.doc == fast.doc
    path_of = reader.names.from_name(name)
    assert slow.cells[path_of] == (sheet, f"G{row}")
    assert {k: v for k, v in slow.cells.items() if k != path_of} == {k: v for k, v in fast.cells.items()
                                                                     if k != path_of}
    assert slow.issues == fast.issues
