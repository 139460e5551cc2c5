"""A value cell holding a formula: the reader takes the value the formula computed (saved with it), reports the
cell and its formula, and keeps the formula in the document (``doc.formulas``), so that JSON/YAML round trips and
writing the document to a new workbook (``convert``, ``api.save``) put the formula back with its value."""
from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from lo_calc import through_libreoffice
from xlsxwriter_copy import transcribe
from pia_excel import api
from pia_excel.cli import main
from pia_excel.errors import PlacementError
from pia_excel.excel.cells import formula_cells
from pia_excel.pdf.render import find_soffice

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "kushiro_shuno_juten.xlsx"
COUNT = "pia.files.1.II.teikyo_iten_umu.o2.count"  # "（ 5 ）件" of 移転を行っている
NAME = "pia.cover.hyokasho_mei"  # 評価書名
ROW_ITEM = "pia.annex2.henko_kasho"  # the 変更箇所 table (its first row's 項目 cell is column B)
SUFFIX = "（写し）"
needs_soffice = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) not installed")


def where(wb, name: str) -> tuple[str, str]:
    sheet, ref = list(wb.defined_names[name].destinations)[0]
    return sheet, ref.replace("$", "").split(":")[0]


def targets(wb) -> dict[str, tuple[str, str, str]]:
    """path → (sheet, cell, formula) of the three formulas the tests put into the sample."""
    sheet, ref = where(wb, ROW_ITEM)
    row = int(ref[1:])
    return {"files[1].II.teikyo_iten_umu.o2.count": (*where(wb, COUNT), "=2+3"),
            "cover.hyokasho_mei": (*where(wb, NAME), f'=A1&"{SUFFIX}"'),
            "annex2.henko_kasho[1].item": (sheet, f"B{row}", '="Ⅰ "&"基本情報"')}


def xlsxwriter_book(dst: Path) -> Path:
    """The sample transcribed with XlsxWriter, three value cells written as formulas with the values they compute
    (as Excel saves them)."""
    src = openpyxl.load_workbook(SAMPLE)
    title = src["表紙"]["A1"].value
    computed = {"=2+3": 5, f'=A1&"{SUFFIX}"': title + SUFFIX, '="Ⅰ "&"基本情報"': "Ⅰ 基本情報"}
    return transcribe(SAMPLE, dst, {(s, c): (f, computed[f]) for s, c, f in targets(src).values()})


def libreoffice_book(tmp: Path) -> Path:
    """The sample with the three formulas typed in (openpyxl: no computed values), opened and saved by
    LibreOffice Calc, which computes them and saves each formula with its value."""
    src = tmp / "typed.xlsx"
    wb = openpyxl.load_workbook(SAMPLE)
    for sheet, cell, formula in targets(wb).values():
        wb[sheet][cell].value = formula
    wb.save(src)
    return through_libreoffice(src, tmp / "lo")


def check_read(book: Path):
    read = api.load(book)
    wb = openpyxl.load_workbook(SAMPLE)
    title = wb["表紙"]["A1"].value
    assert read.doc.files[0].II.teikyo_iten_umu[0].count == 5
    assert read.doc.cover.hyokasho_mei == title + SUFFIX
    assert read.doc.annex2.henko_kasho[0].item == "Ⅰ 基本情報"
    expected = targets(wb)
    assert read.doc.formulas == {path: formula for path, (_, _, formula) in expected.items()}
    for path, (sheet, cell, formula) in expected.items():
        notices = [i for i in read.issues if (i.sheet, i.cell) == (sheet, cell) and formula in i.message]
        assert len(notices) == 1, (path, read.issues)
        assert notices[0].path == path and notices[0].code == "R006" and "計算結果" in notices[0].message
    return read


def check_written(read, out: Path) -> None:
    """``out`` (a workbook written from the document) holds each formula in its cell with its computed value,
    and reads as the same document."""
    wb = openpyxl.load_workbook(SAMPLE)
    formulas = openpyxl.load_workbook(out)
    values = openpyxl.load_workbook(out, data_only=True)
    for sheet, cell, formula in targets(wb).values():
        assert formulas[sheet][cell].value == formula
    count_sheet, count_cell, _ = targets(wb)["files[1].II.teikyo_iten_umu.o2.count"]
    assert values[count_sheet][count_cell].value == 5
    name_sheet, name_cell, _ = targets(wb)["cover.hyokasho_mei"]
    assert values[name_sheet][name_cell].value == read.doc.cover.hyokasho_mei
    again = api.load(out)
    assert again.doc == read.doc


def test_formulas_of_an_xlsxwriter_book_are_reported_and_kept(tmp_path):
    book = xlsxwriter_book(tmp_path / "xw.xlsx")
    read = check_read(book)
    # convert to JSON and back to a workbook (the CLI), and the document straight to a workbook (api.save)
    r = CliRunner().invoke(main, ["convert", str(book), "-o", str(tmp_path / "doc.json")])
    assert r.exit_code == 0, r.output
    data = json.loads((tmp_path / "doc.json").read_text(encoding="utf-8"))
    assert data["formulas"]["files[1].II.teikyo_iten_umu.o2.count"] == "=2+3"
    r = CliRunner().invoke(main, ["convert", str(tmp_path / "doc.json"), "-o", str(tmp_path / "back.xlsx")])
    assert r.exit_code == 0, r.output
    check_written(read, tmp_path / "back.xlsx")
    api.save(read.doc, tmp_path / "direct.xlsx")
    check_written(read, tmp_path / "direct.xlsx")
    api.save(read.doc, tmp_path / "doc.yaml")
    assert api.load(tmp_path / "doc.yaml").doc == read.doc


def without_names(src: Path, dst: Path) -> Path:
    """``src`` with its defined names removed from xl/workbook.xml, nothing else changed (the computed values of
    its formulas stay): read by its labels, as the 委員会's own file or sheets copied into a new book are."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = re.sub(rb"<definedNames>.*?</definedNames>", b"", data, flags=re.S)
            zout.writestr(info.filename, data)
    return dst


def test_formulas_of_a_book_read_by_its_labels_are_reported_and_kept(tmp_path):
    """Read by labels, the formulas of an option's count and of a 変更箇所 row are found at their cells too (the
    reader by labels records those cells)."""
    book = without_names(xlsxwriter_book(tmp_path / "xw.xlsx"), tmp_path / "plain.xlsx")
    read = check_read(book)
    assert b"definedName" not in zipfile.ZipFile(book).read("xl/workbook.xml")  # nothing to read by names
    api.save(read.doc, tmp_path / "direct.xlsx")
    check_written(read, tmp_path / "direct.xlsx")


@needs_soffice
def test_formulas_of_a_libreoffice_book_are_reported_and_kept(tmp_path):
    book = libreoffice_book(tmp_path)
    read = check_read(book)
    api.save(read.doc, tmp_path / "doc.json")
    api.save(api.load(tmp_path / "doc.json").doc, tmp_path / "back.xlsx")
    check_written(read, tmp_path / "back.xlsx")
    # LibreOffice opens what the writer made and computes the same values from the formulas
    again = api.load(through_libreoffice(tmp_path / "back.xlsx", tmp_path / "lo2"))
    assert again.doc.formulas == read.doc.formulas
    assert again.doc.files[0].II.teikyo_iten_umu[0].count == 5
    assert again.doc.cover.hyokasho_mei == read.doc.cover.hyokasho_mei


def test_formula_saved_without_its_value_is_reported_as_read_empty(tmp_path):
    book = tmp_path / "typed.xlsx"
    shutil.copy(SAMPLE, book)
    wb = openpyxl.load_workbook(book)
    sheet, cell = where(wb, "pia.cover.hyokasho_no")
    wb[sheet][cell].value = "=2+3"  # openpyxl saves no computed value
    wb.save(book)
    read = api.load(book)
    assert read.doc.cover.hyokasho_no is None
    notice = next(i for i in read.issues if (i.sheet, i.cell) == (sheet, cell))
    assert "=2+3" in notice.message and "保存されていない" in notice.message
    assert read.doc.formulas == {"cover.hyokasho_no": "=2+3"}


def test_a_formula_no_cell_can_hold_is_refused_when_writing(tmp_path):
    doc = api.load(SAMPLE).doc
    doc.formulas = {"cover.no_such_item": "=1"}
    with pytest.raises(PlacementError, match="no_such_item"):
        api.save(doc, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def test_shared_formulas_read_at_each_cell():
    xml = (b'<worksheet><sheetData><row r="2"><c r="C2"><f t="shared" ref="C2:C4" si="0">A2+1</f><v>2</v></c>'
           b'</row><row r="3"><c r="C3"><f t="shared" si="0"/><v>3</v></c><c r="D3" t="str"><f>"a"&amp;"b"</f>'
           b'<v>ab</v></c></row></sheetData><dataValidations><dataValidation><formula1>"x,y"</formula1>'
           b'</dataValidation></dataValidations></worksheet>')
    assert formula_cells(xml) == {"C2": "=A2+1", "C3": "=A3+1", "D3": '="a"&"b"'}


def test_the_package_check_finds_the_sheets_holding_formulas(tmp_path):
    """limits.check_package (which streams every sheet part anyway) says which parts hold formulas; the data
    validation formulas (<formula1>) of the other sheets do not count."""
    from pia_excel.excel.cells import sheet_parts
    from pia_excel.excel.limits import check_package

    book = xlsxwriter_book(tmp_path / "xw.xlsx")
    with zipfile.ZipFile(book) as z:
        parts = sheet_parts(z, z.read("xl/workbook.xml"))
    assert check_package(book) == {parts[s] for s in ("表紙", "Ⅱ ファイルの概要(1)", "別添2 変更箇所")}
    with zipfile.ZipFile(SAMPLE) as z:
        parts = sheet_parts(z, z.read("xl/workbook.xml"))
    assert check_package(SAMPLE) == {parts[s] for s in ("チェック", "チェック計算")}  # pia-excel's live checks
