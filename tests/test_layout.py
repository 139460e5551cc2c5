"""The layout computed from the spec is exactly what the writer writes: names, sheets, texts, merges, roles."""
from __future__ import annotations

import pytest

from pia_excel.excel import layout as L
from pia_excel.excel import names
from pia_excel.excel.live import CALC_SHEET, CHECK_SHEET
from pia_excel.excel.writer import build_workbook
from pia_excel.models import new_document

CASES = [(form, edition, files) for form, edition in (("juten", "h30-05"), ("zenkomoku", "r7-05"),
                                                      ("zenkomoku", "h30-05")) for files in (1, 3)]


@pytest.fixture(scope="module", params=CASES, ids=lambda c: "-".join(map(str, c)))
def built(request):
    form, edition, files = request.param
    wb, _ = build_workbook(new_document(form, files=files, edition=edition))
    return L.layout(form, edition, files), wb


def test_map_equals_the_written_defined_names(built):
    lay, wb = built
    written = {}
    for name, dn in wb.defined_names.items():
        path = names.from_name(name)
        if path is not None:
            sheet, ref = next(iter(dn.destinations))
            written[path] = (sheet, ref.replace("$", "").split(":")[0])
    assert lay.cells == written
    assert lay.cell_map.cells == written


def test_names_texts_and_sheets_as_written(built):
    lay, wb = built
    # the 使い方 sheet first (layout.LEADING_SHEETS), the live checks' sheets before the hidden lists
    assert [L.GUIDE_SHEET] + lay.titles[:-1] + [CHECK_SHEET, CALC_SHEET, L.LISTS_SHEET] == wb.sheetnames
    expected = dict(lay.fixed_names) | lay.meta_names()
    for name, rows in lay.range_names.items():
        title = lay.range_sheets[name]
        expected[name] = f"{L.quote_sheet(title)}!{L.absolute(rows.name_ref(rows.spare))}"
    assert {name: dn.attr_text for name, dn in wb.defined_names.items()} == expected


def test_cells_roles_texts_and_merges_as_written(built):
    lay, wb = built
    for sheet in lay.sheets:
        ws = wb[sheet.title]
        merges = set()
        for c in sheet.cells:
            cell = ws.cell(row=c.row, column=c.col)
            assert cell.protection.locked is (c.role not in L.VALUE_ROLES), (sheet.title, c)
            if c.role == L.TITLE:
                assert cell.value.startswith(c.text)
            elif c.path is None:
                assert cell.value == c.text, (sheet.title, c)
            if c.merge:
                merges.add(c.merge)
        assert merges <= {str(r) for r in ws.merged_cells.ranges}
        if sheet.rows is None:
            assert {str(r) for r in ws.merged_cells.ranges} == merges
            assert ws.max_row == sheet.last_row


def test_blocks_and_rows():
    lay = L.layout("zenkomoku", "r7-05", 2)
    sheet = lay.sheet("Ⅱ ファイルの概要(2)")
    slots = [b for b in sheet.blocks if sheet.path(b.path) == "files[2].II.itaku_jiko"]
    assert [b.slot for b in slots] == list(range(1, 21))
    first = next(c for c in sheet.cells if c.row == slots[0].first_row and c.col == 1)
    assert (first.role, first.text) == (L.BLOCK_HEADER, "委託事項1")
    group = next(c for c in sheet.cells if c.row == slots[1].first_row - 1 and c.col == 1)
    assert (group.role, group.text) == (L.GROUP_ROW, "委託事項2～5")
    table = lay.sheet("別添3 変更箇所").rows
    assert [c.field for c in table.cells] == list(L.TABLE_COLUMNS)
    assert table.name_ref(3) == f"A{table.first_row}:F{table.first_row + 2}"
    assert lay.cell_map.locate("annex3.henko_kasho[2].timing") == ("別添3 変更箇所", f"E{table.first_row + 1}")
    listing = lay.sheet("別添2 記録項目(1)").rows
    assert lay.cells["files[1].annex2.kiroku_komoku_list"] == ("別添2 記録項目(1)", f"B{listing.first_row}")


def test_option_cells_and_roles():
    lay = L.layout("juten")
    by_name = {s.path(c): (s, c) for s in lay.sheets for c in s.cells if c.path}
    sheet, mark = by_name["files[1].II.nyushu_moto.o1"]
    assert mark.role == L.MARK_CELL and sheet.name(mark) == "pia.files.1.II.nyushu_moto.o1"
    by_name = {k: c for k, (s, c) in by_name.items()}
    details = [c for c in by_name.values() if c.role == L.DETAIL]
    assert details and all(c.suffix.endswith(".detail") for c in details)
    assert L.layout("juten") is L.layout("juten", "h30-05", 1)  # cached
    three = L.layout("juten", None, 3)
    assert three.sheet("Ⅱ ファイルの概要(3)").part is three.sheet("Ⅱ ファイルの概要(1)").part  # shared by the files


def test_helpers():
    assert L.ref(3, 2) == "B3" and L.row_col("B3") == (3, 2) and L.row_col("$AA$10") == (10, 27)
    assert L.col_letter(26) == "Z" and L.col_letter(27) == "AA"
    assert L.absolute("A5:F30") == "$A$5:$F$30"


def test_reader_takes_the_layout_only_for_unedited_names(tmp_path, monkeypatch):
    """Our own workbooks are read through the layout; once a name moves (as with inserted rows) every name is
    parsed."""
    from openpyxl import load_workbook

    from pia_excel.excel import reader
    from pia_excel.excel.writer import write_workbook

    parsed = []
    parse = reader._NameReader.parse_names
    monkeypatch.setattr(reader._NameReader, "parse_names", lambda self: (parsed.append(1), parse(self))[1])
    doc = new_document("juten", files=2)
    doc.I.busho = "財政部納税課"
    doc.files[1].annex1.kiroku_komoku_list = ["1. 個人番号", "2. 氏名"]
    path = tmp_path / "t.xlsx"
    write_workbook(doc, path)
    fast = reader.read_workbook(path)
    assert not parsed
    assert fast.doc == doc
    wb = load_workbook(path)
    dn = wb.defined_names["pia.I.busho"]
    sheet, ref = next(iter(dn.destinations))
    wb[sheet][ref.replace("$", "")].value = None  # the value moved to column G, and its name with it
    wb[sheet].cell(row=int(ref.split("$")[-1]), column=7).value = "財政部納税課"
    dn.attr_text = f"'{sheet}'!$G${ref.split('$')[-1]}"
    wb.save(path)
    book = reader.open_cells(path)
    try:
        assert reader._by_template(book) is None  # the names element is no longer the layout's
    finally:
        book.close()
    slow = reader.read_workbook(path)
    assert parsed
    assert slow.doc == doc
    assert slow.issues == fast.issues
    assert slow.cells["I.busho"] != fast.cells["I.busho"]
    assert {k: v for k, v in slow.cells.items() if k != "I.busho"} == {k: v for k, v in fast.cells.items()
                                                                       if k != "I.busho"}


def test_names_element_as_written_is_the_template(built, tmp_path):
    """The writer's <definedNames> element is the layout's template (so the reader parses no name), and the
    one-findall parse of plain elements gives what the general parse gives."""
    import html

    from pia_excel.excel import cells, reader

    lay, wb = built
    path = tmp_path / "t.xlsx"
    wb.save(path)
    book = reader.open_cells(path)
    try:
        known = reader._by_template(book)
        assert known is not None and known[2] is lay
        assert {k: v for k, v in known[3].items()} == {**lay.name_refs, **{k: known[3][k] for k in lay.range_names}}
        general = {}
        for attrs, text in cells._DEFINED_NAME.findall(book.workbook_xml.decode("utf-8")):
            if "localSheetId" not in attrs:
                general[html.unescape(cells._NAME_ATTR.search(attrs).group(1))] = html.unescape(text)
        assert book.defined_names == general
        assert list(book.defined_names) == list(general)
    finally:
        book.close()
