"""pia-excel's own cell parser (pia_excel/excel/sheetxml.py) gives the values python-calamine gives.

Every workbook is read twice: through ``WorkbookCells`` with the parts the limits scan inflated (sheetxml where it
takes the sheet, python-calamine where it does not) and through python-calamine alone. Sheet names, visibility,
rows and grids must be equal, value types included (a float stays a float). The workbooks: pia-excel's samples and
templates, the same saved again by LibreOffice, workbooks from calamine's own test suite (most saved by Excel:
phonetic runs, rich text, entities, dates, errors, inline strings, …), one made with XlsxWriter holding each kind
of value, and sheets edited by hand into each shape sheetxml leaves to calamine.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from pia_excel.errors import WorkbookError
from pia_excel.excel import sheetxml
from pia_excel.excel.cells import WorkbookCells
from pia_excel.excel.layout import OWN_SHEETS
from pia_excel.excel.limits import check_package_skipping
from pia_excel.excel.reader import open_cells, read_opened
from pia_excel.pdf.render import find_soffice

ROOT = Path(__file__).resolve().parents[1]
CALAMINE = sorted((ROOT / "tests" / "fixtures" / "calamine").glob("*.xlsx"))
SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))
TEMPLATES = sorted((ROOT / "workbook_templates").glob("*.xls[xm]"))


def _typed(rows):
    return [[None if v is None or v == "" else (type(v).__name__, v) for v in row] for row in rows]


def assert_same_as_calamine(path: Path) -> WorkbookCells:
    """Read ``path`` both ways; return the book read with the inflated parts (every sheet read)."""
    scan = check_package_skipping(path, frozenset(), keep=True)
    assert scan.parts, "the scan kept no part"
    own = WorkbookCells(path, scan.workbook_xml, scan.parts)
    alone = WorkbookCells(path)
    assert alone._lazy is False
    assert own.sheetnames == alone.sheetnames
    for sheet in alone.sheetnames:
        assert own.visible(sheet) == alone.visible(sheet), sheet
        assert _typed(own.rows(sheet)) == _typed(alone.rows(sheet)), sheet
        assert _typed(own.grid(sheet)) == _typed(alone.grid(sheet)), sheet
    return own


def _xml_sheets(book: WorkbookCells) -> set[str]:
    return set(book._from_xml)


@pytest.mark.parametrize("path", CALAMINE, ids=[p.stem for p in CALAMINE])
def test_calamines_own_test_workbooks_read_the_same(path):
    assert_same_as_calamine(path)


def test_calamines_test_workbooks_mostly_read_by_sheetxml():
    """Phonetic runs, rich text, entities and sheets starting below A1 are read by sheetxml itself (so the shapes
    Excel writes for Japanese text are fast too), while dates, errors, inline strings and _x000D_ go to calamine."""
    read = {p.stem: _xml_sheets(assert_same_as_calamine(p)) for p in CALAMINE}
    for stem in ("rph", "richtext-after-plain", "no-header", "header-row", "non_monotonic_si",
                 "shared_formula_simple", "empty_shared_string", "issues"):
        assert read[stem], stem
    for stem in ("has_x000D_", "inlineStr_cdata", "inlineStr_with_value", "date", "date_1904", "date_iso",
                 "nonstandard-xml-ns-prefix"):
        assert not read[stem], stem


@pytest.mark.parametrize("path", SAMPLES + TEMPLATES, ids=[p.name for p in SAMPLES + TEMPLATES])
def test_pia_excel_workbooks_read_the_same(path):
    book = assert_same_as_calamine(path)
    # every sheet of the form is read by sheetxml; only pia-excel's own sheets (inline strings) go to calamine
    assert set(book.sheetnames) - _xml_sheets(book) <= OWN_SHEETS | {"検証結果"}


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_reading_a_pia_excel_workbook_never_opens_calamine(path):
    book = open_cells(path)
    try:
        result = read_opened(book, path)
        assert book._book is None
        assert result.doc is not None
    finally:
        book.close()


def test_workbooks_saved_by_openpyxl_read_the_same(tmp_path):
    """openpyxl writes every string inline (t="inlineStr"): what a script that edits a workbook leaves."""
    from openpyxl import load_workbook

    for sample in SAMPLES:
        wb = load_workbook(sample)
        wb.save(tmp_path / sample.name)
        book = assert_same_as_calamine(tmp_path / sample.name)
        assert set(book.sheetnames) - OWN_SHEETS <= _xml_sheets(book), sample.name


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is installed by scripts/install_system_deps.sh")
def test_workbooks_saved_by_libreoffice_read_the_same(tmp_path):
    from lo_calc import through_libreoffice

    for sample in SAMPLES[:2]:
        saved = through_libreoffice(sample, tmp_path / sample.stem)
        book = assert_same_as_calamine(saved)
        assert _xml_sheets(book), f"LibreOffice's {sample.name}: no sheet read by sheetxml"


def test_every_kind_of_value_from_xlsxwriter(tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "kinds.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("値")
    bold = wb.add_format({"bold": True})
    count = wb.add_format({"num_format": '"（ "0" ）件"'})
    percent = wb.add_format({"num_format": "0.0%"})
    date = wb.add_format({"num_format": "yyyy/mm/dd"})
    wareki = wb.add_format({"num_format": '[$-ja-JP]ggge"年"m"月"d"日"'})
    texts = ["住民基本台帳に関する事務", " 前後に空白 ", "改行\nあり", "<&>\"'", "タブ\tあり", "", "①②③", "ｶﾀｶﾅ"]
    for i, t in enumerate(texts):
        ws.write_string(i, 0, t)
    for i, n in enumerate([1, -2.5, 1e-7, 12345678901234567890, 0, 3.14159265358979]):
        ws.write_number(i, 1, n)
    ws.write_number(0, 2, 5, count)
    ws.write_number(1, 2, 0.25, percent)
    ws.write_boolean(2, 2, True)
    ws.write_boolean(3, 2, False)
    ws.write_formula(4, 2, '="文字"&"列"', None, "文字列")
    ws.write_formula(5, 2, "=1+2", None, 3)
    ws.write_rich_string(6, 2, "普通", bold, "太字", "普通")
    ws.write_blank(7, 2, None, bold)
    ws.write_string(8, 2, "書式つき", bold)
    later = wb.add_worksheet("日付")
    later.write_number(0, 0, 45383, date)
    later.write_number(1, 0, 45383, wareki)
    later.write_string(2, 0, "令和6年4月1日")
    later.write_string(3, 0, "_x000D_ は文字のまま")  # XlsxWriter escapes it as _x005F_x000D_: calamine reads it
    below = wb.add_worksheet("C3から")
    below.write_string(2, 2, "C3")
    below.write_number(4, 3, 7)
    hidden = wb.add_worksheet("非表示")
    hidden.write_string(0, 0, "隠し")
    hidden.hide()
    wb.add_worksheet("空")
    wb.close()
    book = assert_same_as_calamine(path)
    assert book.rows("値")[0][0] == "住民基本台帳に関する事務"
    assert book.rows("値")[0][2] == 5.0 and type(book.rows("値")[0][2]) is float
    assert book.rows("C3から")[2][2] == "C3" and book.rows("C3から")[4][3] == 7.0
    assert book.visible("非表示") is False and book.rows("空") == []
    assert "値" in _xml_sheets(book) and "C3から" in _xml_sheets(book)
    assert "日付" not in _xml_sheets(book)  # dates: calamine
    assert isinstance(book.rows("日付")[0][0], (dt.date, dt.datetime))


def _edit(src: Path, dst: Path, edits: dict[str, callable]) -> Path:
    """``src`` with some members' XML changed (member → function of its text)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in edits:
                data = edits[info.filename](data.decode("utf-8")).encode("utf-8")
            zout.writestr(info, data)
    return dst


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path_factory.mktemp("small") / "small.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("表紙")
    ws.write_string(0, 0, "特定個人情報保護評価書")
    ws.write_string(1, 0, "足立区長")
    ws.write_number(1, 1, 3, wb.add_format({"num_format": "0"}))
    wb.close()
    return path


SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"

#: hand edits of the small workbook: (name, member, edit, read by sheetxml)
EDITS = [
    ("phonetic run", STRINGS, lambda x: x.replace(
        "<t>足立区長</t>", '<t>足立区長</t><rPh sb="0" eb="3"><t>アダチクチョウ</t></rPh><phoneticPr fontId="1"/>'), True),
    ("rich text runs", STRINGS, lambda x: x.replace(
        "<t>足立区長</t>", '<r><t>足立</t></r><r><rPr><b/></rPr><t xml:space="preserve">区長 </t></r>'), True),
    ("entity and numeric references", STRINGS, lambda x: x.replace("足立区長", "A&amp;B&#12354;&#x3042;"), True),
    ("edge space in a plain <t>", STRINGS, lambda x: x.replace("<t>足立区長</t>", "<t> 足立区長</t>"), False),
    ("_x000D_ escape", STRINGS, lambda x: x.replace("足立区長", "足立_x000D_区長"), False),
    ("CDATA", STRINGS, lambda x: x.replace("<t>足立区長</t>", "<t><![CDATA[足立区長]]></t>"), False),
    ("<si/>", STRINGS, lambda x: x.replace("<si><t>足立区長</t></si>", "<si/><si><t>足立区長</t></si>")
     .replace('uniqueCount="2"', 'uniqueCount="3"'), False),
    ("attributes in another order", SHEET, lambda x: x.replace('<c r="B2" s="1"><v>3</v></c>',
                                                               '<c s="1" r="B2"><v>3</v></c>'), False),
    ("inline string", SHEET, lambda x: x.replace(
        '<c r="B2" s="1"><v>3</v></c>', '<c r="B2" t="inlineStr"><is><t>インライン</t></is></c>'), True),
    ("inline string kept spaces", SHEET, lambda x: x.replace(
        '<c r="B2" s="1"><v>3</v></c>', '<c r="B2" s="1" t="inlineStr"><is><t xml:space="preserve"> 空白 </t></is></c>'),
     True),
    ("inline string of rich text runs", SHEET, lambda x: x.replace(
        '<c r="B2" s="1"><v>3</v></c>', '<c r="B2" t="inlineStr"><is><r><t>a</t></r><r><t>b</t></r></is></c>'), False),
    ("error value", SHEET, lambda x: x.replace('<c r="B2" s="1"><v>3</v></c>', '<c r="B2" t="e"><v>#N/A</v></c>'), False),
    ("boolean", SHEET, lambda x: x.replace('<c r="B2" s="1"><v>3</v></c>', '<c r="B2" t="b"><v>1</v></c>'), True),
    ("formula text result", SHEET, lambda x: x.replace(
        '<c r="B2" s="1"><v>3</v></c>', '<c r="B2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'), True),
    ("shared formula follower", SHEET, lambda x: x.replace(
        '<c r="B2" s="1"><v>3</v></c>', '<c r="B2"><f t="shared" si="0"/><v>4</v></c>'), True),
    ("pretty-printed cell", SHEET, lambda x: x.replace('<c r="B2" s="1"><v>3</v></c>', '<c r="B2">\n  <v>3</v>\n</c>'), False),
    ("a cell without r", SHEET, lambda x: x.replace('<c r="B2" s="1"><v>3</v></c>', '<c><v>3</v></c>'), False),
    ("number not in plain notation", SHEET, lambda x: x.replace("<v>3</v>", "<v> 3</v>"), False),
    ("row 10 and column AA", SHEET, lambda x: x.replace(
        '<c r="B2" s="1"><v>3</v></c>', '<c r="B2" s="1"><v>3</v></c></row><row r="10"><c r="AA10"><v>1.5E+3</v></c>')
     .replace('<dimension ref="A1:B2"/>', '<dimension ref="A1:AA10"/>'), True),
    ("two cells at one place", SHEET, lambda x: x.replace(
        '<c r="B2" s="1"><v>3</v></c>', '<c r="B2" s="1"><v>3</v></c><c r="B2" s="1"><v>4</v></c>'), True),
    ("an empty shared string", STRINGS, lambda x: x.replace("<t>足立区長</t>", "<t></t>"), True),
    ("a number in a date style", "xl/styles.xml", lambda x: x.replace('<xf numFmtId="1" ', '<xf numFmtId="14" '),
     False),
    ("a number in a custom date style", "xl/styles.xml", lambda x: x.replace('<xf numFmtId="1" ', '<xf numFmtId="164" ')
     .replace("<fonts ", '<numFmts count="1"><numFmt numFmtId="164" formatCode="ge&quot;年&quot;"/></numFmts><fonts '),
     False),
    ("a number in a custom plain style", "xl/styles.xml", lambda x: x.replace('<xf numFmtId="1" ', '<xf numFmtId="164" ')
     .replace("<fonts ", '<numFmts count="1"><numFmt numFmtId="164" formatCode="&quot;（ &quot;0&quot; ）件&quot;"/>'
              "</numFmts><fonts "), True),
]


@pytest.mark.parametrize("name,member,edit,by_sheetxml", EDITS, ids=[e[0] for e in EDITS])
def test_hand_edited_shapes(small, tmp_path, name, member, edit, by_sheetxml):
    path = _edit(small, tmp_path / "edited.xlsx", {member: edit})
    with zipfile.ZipFile(small) as z:
        assert z.read(member) != zipfile.ZipFile(path).read(member), f"the edit '{name}' changed nothing"
    book = assert_same_as_calamine(path)
    assert ("表紙" in _xml_sheets(book)) is by_sheetxml


def test_sheetxml_gives_none_rather_than_guess():
    strings, plain = ["a"], frozenset({0})
    ws = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{}</sheetData></worksheet>'

    def grid(cells):
        return sheetxml.cell_grid(ws.format(cells).encode(), strings, plain)

    assert grid('<row r="2"><c r="B2" t="s"><v>0</v></c><c r="C2" s="0"><v>2</v></c></row>') == [
        [None, None, None], [None, "a", 2.0]]
    assert grid('<row r="1"><c r="A1" t="s"><v>1</v></c></row>') is None  # no such shared string
    assert grid('<row r="1"><c r="A1" s="1"><v>2</v></c></row>') is None  # a style not known to be plain
    assert grid('<row r="1"><c r="A1" t="d"><v>2024-04-01</v></c></row>') is None
    assert grid('<row r="1"><c r="A0"><v>1</v></c></row>') is None
    assert grid("") == []
    assert sheetxml.cell_grid(b'<x:worksheet xmlns:x="urn:x"><x:sheetData/></x:worksheet>', strings, plain) is None
    assert sheetxml.plain_number_styles(
        b'<styleSheet><numFmts count="2"><numFmt numFmtId="164" formatCode="&quot;\xef\xbc\x88 &quot;0&quot; \xef\xbc\x89'
        b'\xe4\xbb\xb6&quot;"/><numFmt numFmtId="165" formatCode="yyyy&quot;\xe5\xb9\xb4&quot;"/></numFmts>'
        b'<cellXfs count="4"><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="14"/><xf numFmtId="49"/>'
        b"</cellXfs></styleSheet>") == frozenset({0, 3})
    # numFmt attributes in another order: no style is taken as plain (numbers with a style go to calamine)
    assert sheetxml.plain_number_styles(
        b'<styleSheet><numFmts count="1"><numFmt formatCode="0" numFmtId="164"/></numFmts>'
        b'<cellXfs count="1"><xf numFmtId="0"/></cellXfs></styleSheet>') == frozenset()
    assert sheetxml.plain_number_styles(b"<styleSheet><cellXfs><xf numFmtId=\"0\"/></styleSheet>") is None


def test_a_damaged_sheet_is_left_to_calamine(small, tmp_path):
    """A sheet whose deflate stream is cut short is not kept by the scan: calamine reads it (and reports it)."""
    data = bytearray(small.read_bytes())
    with zipfile.ZipFile(small) as z:
        info = z.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10:start + info.compress_size] = b"\0" * (info.compress_size - 10)
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))
    scan = check_package_skipping(path, frozenset(), keep=True)
    assert SHEET not in scan.parts
    assert STRINGS in scan.parts


def test_a_sheet_whose_bytes_do_not_match_its_crc_is_refused(small, tmp_path):
    """A value changed on disk under an intact zip directory (bit rot, a broken copy): the scan that keeps the
    sheet checks its CRC (python-calamine's zip reader checks it only when a part is read to its end, and calamine
    stops after </sheetData>)."""
    stored = tmp_path / "stored.xlsx"
    with zipfile.ZipFile(small) as zin, zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info), compress_type=zipfile.ZIP_STORED)
    data = stored.read_bytes()
    at = data.index(b'<c r="B2" s="1"><v>3</v>') + len(b'<c r="B2" s="1"><v>')
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(data[:at] + b"4" + data[at + 1:])
    with pytest.raises(WorkbookError, match=r"damaged\.xlsx: ファイルが壊れています（xl/worksheets/sheet1\.xml の CRC"):
        check_package_skipping(damaged, frozenset(), keep=True)
    with pytest.raises(WorkbookError, match="damaged.xlsx"):
        open_cells(damaged)
