"""Sheets copied to add a 特定個人情報ファイル (Excel names the copy "Ⅱ ファイルの概要(1) (2)", LibreOffice
"…_2", openpyxl "… Copy") are read as further files, in the order of the sheets; a copy of a part a document has
once is an error naming the sheet. Never ignored."""
from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pia_excel import api
from pia_excel.errors import ERROR, WARNING
from pia_excel.excel.reader import read_workbook
from pia_excel.pdf.render import find_soffice

FIXTURES = Path(__file__).with_name("fixtures")
LO_SCRIPT = Path(__file__).with_name("lo_copy_sheets.py")


def two_files(fixture: Path):
    """The fixture and the fixture with one more file: the last file's content with some values changed (as staff
    would retype it)."""
    doc = api.load(fixture).doc
    data = api.to_data(doc)
    second = api.to_data(doc)["files"][-1]
    second["II"]["taisho_honnin_hani"] = "第二のファイルの対象者（市外からの転入者）"
    second["annex1" if doc.form == "juten" else "annex2"]["kiroku_komoku_list"] = ["1. 個人番号", "2. 氏名"]
    data["files"].append(second)
    from pia_excel.models import parse_document

    return doc, parse_document(data)


def file_sheets(doc, n: int) -> list[str]:
    from pia_excel.excel.layout import layout_of

    return [s.title for s in layout_of(doc).sheets if s.file_no == n]


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.stem)
def test_sheets_copied_with_openpyxl_read_as_a_further_file(fixture, tmp_path):
    one, two = two_files(fixture)
    api.save(one, tmp_path / "one.xlsx")
    api.save(two, tmp_path / "two.xlsx")
    wb = load_workbook(tmp_path / "one.xlsx")
    ref = load_workbook(tmp_path / "two.xlsx")
    copies = []
    n = len(one.files)
    for title, filled in zip(file_sheets(one, n), file_sheets(two, n + 1)):
        copy = wb.copy_worksheet(wb[title])  # "Ⅱ ファイルの概要(1) Copy", placed last
        for row in copy.iter_rows():  # what staff then type into the copy: file 2's values, cell by cell
            for c in row:
                if c.__class__.__name__ != "MergedCell":
                    c.value = ref[filled][c.coordinate].value
        copies.append(copy.title)
    wb.save(tmp_path / "copied.xlsx")

    result = read_workbook(tmp_path / "copied.xlsx")
    assert result.issues == []
    assert api.to_data(result.doc) == api.to_data(two)
    # the second file's cells are those of the copies, so findings point at them
    sheet, _ = result.cell_of(f"files[{n + 1}].II.taisho_honnin_hani")
    assert sheet == copies[0]
    assert result.cell_of(f"files[{n}].II.taisho_honnin_hani")[0] == file_sheets(one, n)[0]


def test_only_part_of_a_file_copied_is_read_and_the_missing_sheets_reported(kushiro_xlsx, tmp_path):
    wb = load_workbook(kushiro_xlsx)
    wb.copy_worksheet(wb["Ⅱ ファイルの概要(1)"])
    wb.save(tmp_path / "copied.xlsx")
    result = read_workbook(tmp_path / "copied.xlsx")
    assert len(result.doc.files) == 2
    assert result.doc.files[1].II == result.doc.files[0].II
    assert sorted(i.path for i in result.issues) == ["files[2].III", "files[2].annex1"]
    assert all(i.severity == WARNING and "シートがありません" in i.message for i in result.issues)


@pytest.mark.parametrize("named", [True, False], ids=["by-names", "by-labels"])
def test_copy_of_a_part_the_document_has_once_is_an_error_naming_the_sheet(kushiro_xlsx, tmp_path, named):
    wb = load_workbook(kushiro_xlsx)
    if not named:  # a workbook read by its labels (PPC's own file, sheets copied into a new book)
        for name in list(wb.defined_names.keys()):
            del wb.defined_names[name]
    copy = wb.copy_worksheet(wb["Ⅰ 基本情報"])
    copy["C3"].value = "別の事務"
    copy.title = "Ⅰ 基本情報 (2)"  # as Excel names it
    wb.save(tmp_path / "copied.xlsx")
    result = read_workbook(tmp_path / "copied.xlsx")
    doc = api.load(kushiro_xlsx).doc
    assert api.to_data(result.doc) == api.to_data(doc)  # the first Ⅰ is read, the copy is not
    report = api.validate(result)
    hits = [f for f in report.findings if f.code == "R007"]
    assert [(f.severity, f.sheet, f.cell) for f in hits] == [(ERROR, "Ⅰ 基本情報 (2)", "A1")]
    assert "「Ⅰ 基本情報 (2)」" in hits[0].message
    assert report.errors  # validate exits 1


def test_copied_sheet_in_excel_order_and_hidden_copies(kushiro_xlsx, tmp_path):
    """Copies are numbered after the named files in the order of the sheets, wherever they sit; a hidden sheet is
    not printed and not read (as the label reader never reads hidden sheets)."""
    wb = load_workbook(kushiro_xlsx)
    a = wb.copy_worksheet(wb["Ⅱ ファイルの概要(1)"])
    a.title = "Ⅱ ファイルの概要(1) (2)"
    b = wb.copy_worksheet(wb["Ⅱ ファイルの概要(1)"])
    b.title = "Ⅱ ファイルの概要(1) (3)"
    wb.move_sheet(b, offset=-(len(wb.sheetnames) - 2))  # moved to the front, before 表紙
    wb.save(tmp_path / "copied.xlsx")
    result = read_workbook(tmp_path / "copied.xlsx")
    assert len(result.doc.files) == 3
    assert result.cell_of("files[2].II.itaku_umu")[0] == "Ⅱ ファイルの概要(1) (3)"
    assert result.cell_of("files[3].II.itaku_umu")[0] == "Ⅱ ファイルの概要(1) (2)"
    wb[b.title].sheet_state = "hidden"
    wb.save(tmp_path / "hidden.xlsx")
    assert len(read_workbook(tmp_path / "hidden.xlsx").doc.files) == 2


@pytest.mark.libreoffice
def test_sheets_copied_by_libreoffice_read_as_a_further_file(tmp_path):
    """LibreOffice itself copies the three sheets of file 1 ("…_2", with sheet-local copies of every defined
    name), the second file's values are typed into the copies, and LibreOffice saves the workbook."""
    one, two = two_files(FIXTURES / "kushiro_shuno_juten.json")
    api.save(one, tmp_path / "one.xlsx")
    api.save(two, tmp_path / "two.xlsx")
    specs = [f"{t}={tmp_path / 'two.xlsx'}:{f}" for t, f in zip(file_sheets(one, 1), file_sheets(two, 2))]
    pipe = f"pia{uuid.uuid4().hex[:12]}"
    office = subprocess.Popen([find_soffice(), "--headless", "--invisible", "--norestore",
                               f"-env:UserInstallation=file://{tmp_path}/profile", f"--accept=pipe,name={pipe};urp;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        subprocess.run(["/usr/bin/python3", str(LO_SCRIPT), pipe, str(tmp_path / "one.xlsx"),
                        str(tmp_path / "copied.xlsx"), *specs], check=True, timeout=180,
                       env={**os.environ, "PYTHONPATH": ""})
    finally:
        office.terminate()
        office.wait(30)
    result = read_workbook(tmp_path / "copied.xlsx")
    assert [t for t in load_workbook(tmp_path / "copied.xlsx", read_only=True).sheetnames if t.endswith("_2")] == \
        [f"{t}_2" for t in file_sheets(one, 1)]
    assert result.issues == []
    assert api.to_data(result.doc) == api.to_data(two)
    assert result.cell_of("files[2].II.taisho_honnin_hani")[0] == "Ⅱ ファイルの概要(1)_2"


def test_pia_excels_own_sheets_are_never_taken_for_parts(kushiro_xlsx, tmp_path):
    """検証記録 lists highlighted cells by sheet name ("Ⅱ ファイルの概要(1)"); even visible (as an open book's
    snapshot shows every sheet) it is neither a further file nor a copy."""
    wb = load_workbook(kushiro_xlsx)
    rec = wb.create_sheet("検証記録")
    rec.append(["sheet", "cell", "original_fill"])
    rec.append(["Ⅱ ファイルの概要(1)", "C36", None])
    rec.append(["Ⅰ 基本情報", "C3", None])
    wb.save(tmp_path / "rec.xlsx")
    result = read_workbook(tmp_path / "rec.xlsx")
    assert len(result.doc.files) == 1 and result.issues == []
    for name in list(wb.defined_names.keys()):  # and read by labels
        del wb.defined_names[name]
    wb.save(tmp_path / "plain.xlsx")
    result = read_workbook(tmp_path / "plain.xlsx")
    assert len(result.doc.files) == 1 and result.issues == []
    assert api.to_data(result.doc) == api.to_data(api.load(kushiro_xlsx).doc)
