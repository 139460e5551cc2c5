"""`pia-excel add-file`: a 特定個人情報ファイル added to an existing workbook is the one `new --files n+1` makes, and
every other part of the workbook is kept byte for byte (the four parts that list the sheets, names and styles are
only added to)."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pia_excel import api
from pia_excel.excel.addfile import EDITED_PARTS
from pia_excel.excel.layout import layout
from pia_excel.excel.macros import read_buttons, read_vba_modules
from pia_excel.excel.reader import read_workbook
from pia_excel.models import parse_document

FIXTURES = Path(__file__).with_name("fixtures")
ROOT = Path(__file__).resolve().parents[1]


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pia_excel.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


def filled_two(form: str):
    """A filled document of ``form`` with two files (the fixture's first file, and a retyped copy of it)."""
    fixture = {"juten": "kushiro_shuno_juten", "zenkomoku": "adachi_jukijo_zenkomoku"}[form]
    data = api.to_data(api.load(FIXTURES / f"{fixture}.json").doc)
    first = data["files"][0]
    second = api.to_data(api.load(FIXTURES / f"{fixture}.json").doc)["files"][0]
    second["II"]["taisho_honnin_hani"] = "追加したファイルの対象者"
    data["files"] = [first, second]
    return parse_document(data)


def fill_like(target: Path, filled: Path) -> None:
    """Type every value of the workbook ``filled`` into the same cells of ``target`` (as staff would)."""
    src = load_workbook(filled)
    wb = load_workbook(target)
    for ws in src.worksheets:
        if ws.title not in wb.sheetnames or ws.sheet_state != "visible":
            continue
        dst = wb[ws.title]
        for row in ws.iter_rows():
            for c in row:
                if c.__class__.__name__ != "MergedCell" and dst[c.coordinate].value != c.value:
                    dst[c.coordinate].value = c.value
    wb.save(target)


def look(ws, ref):
    c = ws[ref]
    return (c.font.name, c.font.sz, c.font.b, c.fill.fgColor.rgb if c.fill.fill_type else None,
            getattr(c.border.left, "style", None), getattr(c.border.top, "style", None), c.number_format, c.protection.locked, c.alignment.wrap_text,
            c.alignment.horizontal)


@pytest.mark.parametrize("form", ["juten", "zenkomoku"])
def test_add_file_then_convert_equals_new_files_2_filled_the_same_way(form, tmp_path):
    doc = filled_two(form)
    api.save(doc, tmp_path / "filled.xlsx")
    assert cli("new", "--form", form, "-o", tmp_path / "added.xlsx").returncode == 0
    run = cli("add-file", tmp_path / "added.xlsx")
    assert run.returncode == 0, run.stderr
    assert "特定個人情報ファイル2を追加しました" in run.stdout
    assert cli("new", "--form", form, "--files", "2", "-o", tmp_path / "new2.xlsx").returncode == 0

    # the added sheets are those of new --files 2: cells, looks, merges, dropdowns, hidden slots, protection, names
    a, b = load_workbook(tmp_path / "added.xlsx"), load_workbook(tmp_path / "new2.xlsx")
    assert a.sheetnames == b.sheetnames
    assert {n: d.attr_text for n, d in a.defined_names.items()} == {n: d.attr_text for n, d in b.defined_names.items()}
    for s in layout(form, None, 2).sheets:
        if s.file_no != 2:
            continue
        wa, wb_ = a[s.title], b[s.title]
        assert [[c.value for c in r] for r in wa.iter_rows()] == [[c.value for c in r] for r in wb_.iter_rows()]
        assert all(look(wa, c.coordinate) == look(wb_, c.coordinate) for r in wb_.iter_rows() for c in r)
        assert sorted(map(str, wa.merged_cells.ranges)) == sorted(map(str, wb_.merged_cells.ranges))
        assert sorted((str(d.sqref), d.formula1, d.type) for d in wa.data_validations.dataValidation) == \
            sorted((str(d.sqref), d.formula1, d.type) for d in wb_.data_validations.dataValidation)
        assert {r: (d.hidden, d.height) for r, d in wa.row_dimensions.items()} == \
            {r: (d.hidden, d.height) for r, d in wb_.row_dimensions.items()}
        assert wa.protection.sheet and wa.print_title_rows == wb_.print_title_rows
        assert wa.page_setup.paperSize == wb_.page_setup.paperSize

    fill_like(tmp_path / "added.xlsx", tmp_path / "filled.xlsx")
    fill_like(tmp_path / "new2.xlsx", tmp_path / "filled.xlsx")
    for name in ("added", "new2"):
        assert cli("convert", tmp_path / f"{name}.xlsx", "-o", tmp_path / f"{name}.json").returncode == 0
    assert (tmp_path / "added.json").read_text(encoding="utf-8") == (tmp_path / "new2.json").read_text(encoding="utf-8")
    typed = api.load(tmp_path / "added.json").doc  # what was typed into the added file is read from it
    assert typed.files[1].II.taisho_honnin_hani == "追加したファイルの対象者"
    assert typed.files[1].II.model_dump(exclude={"taisho_honnin_hani"}) == \
        doc.files[1].II.model_dump(exclude={"taisho_honnin_hani"})


def only_added_to(before: str, after: str) -> None:
    """``after`` is ``before`` with elements inserted: the tags and texts of ``before`` are all in ``after``, in the
    same order; only numbers may differ (a count, a ``localSheetId`` or the active tab shifted past the new sheets,
    the meta file count)."""
    tokens = re.compile(r"<[^>]+>|[^<]+")
    rest = iter(re.sub(r"\d+", "#", t) for t in tokens.findall(after))
    for t in tokens.findall(before):
        assert re.sub(r"\d+", "#", t) in rest, f"lost or changed: {t!r}"


def check_kept(before: Path, after: Path) -> None:
    with zipfile.ZipFile(before) as zb, zipfile.ZipFile(after) as za:
        old = {n: zb.read(n) for n in zb.namelist()}
        new = {n: za.read(n) for n in za.namelist()}
    assert set(old) <= set(new)
    for name, data in old.items():
        if name not in EDITED_PARTS:
            assert new[name] == data, name
        else:
            only_added_to(data.decode("utf-8"), new[name].decode("utf-8"))
    assert all(n.startswith("xl/worksheets/sheet") for n in set(new) - set(old))


def test_every_other_part_is_kept_byte_for_byte_xlsm_buttons_and_vba(juten_xlsm, tmp_path):
    """The macro-enabled template: VBA project, VML buttons, 検証結果 sheet and every sheet stay as they were."""
    before = tmp_path / "before.xlsm"
    shutil.copy(juten_xlsm, before)
    run = cli("add-file", juten_xlsm)
    assert run.returncode == 0, run.stderr
    check_kept(before, juten_xlsm)
    assert read_buttons(juten_xlsm) == read_buttons(before)
    assert read_vba_modules(juten_xlsm) == read_vba_modules(before)
    result = read_workbook(juten_xlsm)
    assert len(result.doc.files) == 2 and result.issues == []
    # a third one, then the file reads as new --files 3 does
    assert cli("add-file", juten_xlsm).returncode == 0
    assert api.to_data(read_workbook(juten_xlsm).doc) == api.to_data(api.new("juten", 3))


def test_output_option_and_refusals(kushiro_xlsx, tmp_path):
    out = tmp_path / "out.xlsx"
    original = kushiro_xlsx.read_bytes()
    assert cli("add-file", kushiro_xlsx, "-o", out).returncode == 0
    assert kushiro_xlsx.read_bytes() == original  # -o leaves the input as it was
    again = cli("add-file", kushiro_xlsx, "-o", out)
    assert again.returncode == 2 and "--force" in again.stderr
    assert cli("add-file", kushiro_xlsx, "-o", out, "--force").returncode == 0

    # a workbook without our names (PPC's own file): refused, nothing written
    wb = load_workbook(kushiro_xlsx)
    for name in list(wb.defined_names.keys()):
        del wb.defined_names[name]
    wb.save(tmp_path / "plain.xlsx")
    plain = (tmp_path / "plain.xlsx").read_bytes()
    run = cli("add-file", tmp_path / "plain.xlsx")
    assert run.returncode == 2 and "コピー" in run.stderr and (tmp_path / "plain.xlsx").read_bytes() == plain

    # the name of a sheet to add is taken; files added by copying sheets: refused with the reason
    wb = load_workbook(kushiro_xlsx)
    wb.create_sheet("Ⅱ ファイルの概要(2)")
    wb.save(tmp_path / "taken.xlsx")
    run = cli("add-file", tmp_path / "taken.xlsx")
    assert run.returncode == 2 and "「Ⅱ ファイルの概要(2)」" in run.stderr
    wb = load_workbook(kushiro_xlsx)
    wb.copy_worksheet(wb["Ⅱ ファイルの概要(1)"])
    wb.save(tmp_path / "copied.xlsx")
    run = cli("add-file", tmp_path / "copied.xlsx")
    assert run.returncode == 2 and "コピー" in run.stderr


def _png(path: Path) -> None:
    """A small real PNG (a red and blue block), written with zlib: the picture staff paste."""
    import struct
    import zlib

    w, h = 40, 20
    raw = b"".join(b"\x00" + (b"\xff\x00\x00" * 20 + b"\x00\x00\xff" * 20) for _ in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.mark.libreoffice
def test_a_workbook_libreoffice_saved_with_a_picture_shape_and_comment(kushiro_xlsx, tmp_path):
    """LibreOffice adds a picture, a drawn shape and a comment and saves; add-file keeps them (every part but the
    four it adds to is byte-identical), LibreOffice still opens the result and prints the picture."""
    import os
    import uuid

    from pia_excel.pdf.render import find_soffice

    _png(tmp_path / "flow.png")
    pipe = f"pia{uuid.uuid4().hex[:12]}"
    office = subprocess.Popen([find_soffice(), "--headless", "--invisible", "--norestore",
                               f"-env:UserInstallation=file://{tmp_path}/profile", f"--accept=pipe,name={pipe};urp;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        subprocess.run(["/usr/bin/python3", str(Path(__file__).with_name("lo_staff_edits.py")), pipe, str(kushiro_xlsx),
                        str(tmp_path / "staff.xlsx"), str(tmp_path / "flow.png"), "Ⅱ ファイルの概要(1)"],
                       check=True, timeout=180, env={**os.environ, "PYTHONPATH": ""})
    finally:
        office.terminate()
        office.wait(30)
    staff = tmp_path / "staff.xlsx"
    with zipfile.ZipFile(staff) as z:
        parts = z.namelist()
    assert any(p.startswith("xl/media/") for p in parts) and any(p.startswith("xl/drawings/drawing") for p in parts)
    assert any("comments" in p for p in parts)
    before = tmp_path / "before.xlsx"
    shutil.copy(staff, before)
    assert read_workbook(staff).issues == []

    run = cli("add-file", staff)
    assert run.returncode == 0, run.stderr
    check_kept(before, staff)
    result = read_workbook(staff)
    assert len(result.doc.files) == 2 and result.issues == []
    assert api.to_data(result.doc)["files"][0] == api.to_data(read_workbook(before).doc)["files"][0]

    # LibreOffice opens the result; the picture is printed
    subprocess.run([find_soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/profile2",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(staff)],
                   check=True, timeout=300, capture_output=True)
    pdf = tmp_path / "pdf" / "staff.pdf"
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) > 2  # header lines and at least one image
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "事務の流れ図" in text and text.count("特定個人情報ファイルの概要") >= 2


def test_the_excel_button_adds_the_same_file(juten_xlsm, tmp_path):
    """The 特定個人情報ファイルを追加 button (run on xlwings' JSON book, its actions applied to the file as Excel
    would: Excel copies file n's sheets) gives the document, names and sheets that add-file and new --files 2 give."""
    from pia_excel.addin import handlers

    cli_copy = tmp_path / "cli.xlsm"
    shutil.copy(juten_xlsm, cli_copy)
    assert cli("add-file", cli_copy).returncode == 0
    run = _run_button(handlers.add_file_book, juten_xlsm)
    assert "特定個人情報ファイル2を追加しました" in run["value"]
    assert any(a["func"] == "copySheet" for a in run["actions"])
    by_button, by_cli = read_workbook(juten_xlsm), read_workbook(cli_copy)
    assert by_button.issues == [] and api.to_data(by_button.doc) == api.to_data(by_cli.doc) == \
        api.to_data(api.new("juten", 2))
    a, b = load_workbook(juten_xlsm), load_workbook(cli_copy)
    assert a.sheetnames == b.sheetnames
    assert {n: d.attr_text for n, d in a.defined_names.items()} == {n: d.attr_text for n, d in b.defined_names.items()}
    for s in layout("juten", None, 2).sheets:
        if s.file_no != 2:
            continue
        wa, wb_ = a[s.title], b[s.title]
        assert [[c.value for c in r] for r in wa.iter_rows()] == [[c.value for c in r] for r in wb_.iter_rows()]
        assert sorted(map(str, wa.merged_cells.ranges)) == sorted(map(str, wb_.merged_cells.ranges))
        assert len(wa.data_validations.dataValidation) == len(wb_.data_validations.dataValidation)
        assert {r for r, d in wa.row_dimensions.items() if d.hidden} == {r for r, d in wb_.row_dimensions.items() if d.hidden}
    assert read_buttons(juten_xlsm) == read_buttons(cli_copy)
    # the button of a workbook it cannot extend says why (a message, not a traceback)
    shutil.copy(FIXTURES.parent / "fixtures" / "kushiro_shuno_juten.json", tmp_path / "x.json")
    wb = load_workbook(juten_xlsm)
    wb.create_sheet("Ⅱ ファイルの概要(3)")
    wb.save(tmp_path / "taken.xlsx")
    run = _run_button(handlers.add_file, tmp_path / "taken.xlsx", save=False)
    assert run["alerts"] and "「Ⅱ ファイルの概要(3)」" in run["alerts"][0]["prompt"]


def _run_button(handler, path: Path, save: bool = True) -> dict:
    """The handler run on the file as the no-Excel path of the buttons runs it (``harness.run_on_file``)."""
    from pia_excel.addin import harness

    run = harness.run_on_file(handler, path, save=save)
    return {"value": run.value, "actions": run.actions, "alerts": run.alerts}

def app_lists(path: Path) -> tuple[list[tuple[str, int]], list[str]]:
    """docProps/app.xml: the (heading, count) pairs of HeadingPairs and the entries of TitlesOfParts."""
    with zipfile.ZipFile(path) as z:
        xml = z.read("docProps/app.xml").decode("utf-8")
    heads = re.search(r"<HeadingPairs>(.*?)</HeadingPairs>", xml, re.S).group(1)
    values = re.findall(r"<vt:(?:lpstr|i4)>([^<]*)<", heads)
    titles = re.search(r'<TitlesOfParts><vt:vector size="(\d+)"[^>]*>(.*?)</vt:vector>', xml, re.S)
    entries = re.findall(r"<vt:lpstr>([^<]*)</vt:lpstr>", titles.group(2))
    assert int(titles.group(1)) == len(entries)
    return [(values[i], int(values[i + 1])) for i in range(0, len(values), 2)], entries


def test_add_file_lists_the_new_sheets_and_names_in_the_document_properties(tmp_path):
    """Excel (and XlsxWriter) list the sheets and names in docProps/app.xml; after add-file the lists say what
    the workbook holds, and LibreOffice opens the result."""
    from lo_calc import through_libreoffice
    from xlsxwriter_copy import transcribe

    book = transcribe(ROOT / "samples" / "kushiro_shuno_juten.xlsx", tmp_path / "xw.xlsx")
    before_heads, before = app_lists(book)
    assert before_heads[0] == ("Worksheets", 12)
    run = cli("add-file", book)
    assert run.returncode == 0, run.stderr
    wb = load_workbook(book)
    heads, entries = app_lists(book)
    assert [h for h, _ in heads] == ["Worksheets", "Named Ranges"]
    assert heads[0][1] == len(wb.sheetnames) == 15
    assert entries[:15] == wb.sheetnames  # in the order of the tabs: file 2's sheets after file 1's
    ranges = {n for n in wb.defined_names if not n.startswith("pia.meta.")}  # XlsxWriter lists the ranges only
    assert heads[1][1] == len(ranges) and set(entries[15:]) == ranges
    assert set(entries) - set(before) == {"Ⅱ ファイルの概要(2)", "別添1 記録項目(2)", "Ⅲ リスク対策(2)"} | {
        n for n in ranges if n.startswith("pia.files.2.")}
    # a conditional format of the new sheets uses a look the workbook has (XlsxWriter wrote none: added)
    styles = zipfile.ZipFile(book).read("xl/styles.xml").decode()
    assert re.search(r'<dxfs count="2">', styles)
    lo = api.load(through_libreoffice(book, tmp_path / "lo"))
    assert len(lo.doc.files) == 2


def test_add_file_sets_the_file_count_property(tmp_path):
    book = tmp_path / "b.xlsx"
    assert cli("new", "--form", "juten", "-o", book).returncode == 0
    assert cli("add-file", book).returncode == 0
    with zipfile.ZipFile(book) as z:
        custom = z.read("docProps/custom.xml").decode()
    assert re.search(r'name="pia-excel\.files"[^>]*><vt:lpwstr>2</vt:lpwstr>', custom), custom
