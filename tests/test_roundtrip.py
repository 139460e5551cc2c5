"""model → workbook → model is identical: for the real fixtures, for generated documents, and at the edges."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from pia_excel import api
from pia_excel.excel.reader import read_workbook
from pia_excel.excel.writer import PlacementError, write_workbook
from pia_excel.models import new_document

from strategies import documents

FIXTURES = sorted(Path(__file__).with_name("fixtures").glob("*.json"))


def roundtrip(doc, tmp_path: Path, name: str = "rt.xlsx"):
    path = tmp_path / name
    write_workbook(doc, path)
    result = read_workbook(path)
    return result


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_fixture_roundtrip_through_workbook(fixture, tmp_path):
    doc = api.load(fixture).doc
    result = roundtrip(doc, tmp_path)
    assert result.issues == []
    assert api.to_data(result.doc) == api.to_data(doc)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_fixture_roundtrip_through_json_and_yaml(fixture, fmt, tmp_path):
    doc = api.load(fixture).doc
    out = tmp_path / f"doc.{fmt}"
    api.save(doc, out)
    assert api.to_data(api.load(out).doc) == api.to_data(doc)


def test_fixture_files_are_canonical():
    """Fixtures are stored as the converter writes them, so diffs of them stay readable."""
    for fixture in FIXTURES:
        doc = api.load(fixture).doc
        assert json.loads(fixture.read_text(encoding="utf-8")) == api.to_data(doc), fixture.name


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(doc=documents())
def test_generated_documents_roundtrip(doc, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("prop")
    result = roundtrip(doc, tmp)
    assert result.issues == []
    assert api.to_data(result.doc) == api.to_data(doc)


@pytest.mark.parametrize("form", ["juten", "zenkomoku"])
def test_empty_template_roundtrip_with_ten_files(form, tmp_path):
    doc = new_document(form, files=10)
    result = roundtrip(doc, tmp_path)
    assert len(result.doc.files) == 10
    assert api.to_data(result.doc) == api.to_data(doc)


def test_text_edges(tmp_path):
    doc = new_document("juten")
    doc.I.jimu_meisho = "=SUM(A1:A2)"
    doc.I.jimu_naiyo = "1行目\n・2行目\n\n　4行目（全角空白）  "
    doc.cover.tokki_jiko = "-"
    doc.files[0].annex1.kiroku_komoku_list = ["1. 個人番号", "", "=2. 氏名"]
    result = roundtrip(doc, tmp_path)
    assert result.doc.I.jimu_meisho == "=SUM(A1:A2)"
    assert result.doc.I.jimu_naiyo == doc.I.jimu_naiyo
    assert result.doc.files[0].annex1.kiroku_komoku_list == ["1. 個人番号", "", "=2. 氏名"]
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "rt.xlsx")
    dest = next(iter(wb.defined_names["pia.I.jimu_meisho"].destinations))
    cell = wb[dest[0]][dest[1].replace("$", "")]
    assert cell.data_type == "s"  # stored as text, not as a formula


def test_control_characters_and_overlong_text_are_reported_with_cells(tmp_path):
    doc = new_document("juten")
    doc.I.jimu_meisho = "収納\x1b事務"
    doc.I.jimu_naiyo = "あ" * 40_000
    with pytest.raises(PlacementError) as exc:
        write_workbook(doc, tmp_path / "bad.xlsx")
    problems = {(p.path, p.sheet, p.cell) for p in exc.value.problems}
    assert ("I.jimu_meisho", "Ⅰ 基本情報", "C3") in problems
    assert any(p[0] == "I.jimu_naiyo" for p in problems)
    assert "32,767" in str(exc.value)
    assert not (tmp_path / "bad.xlsx").exists()
    # lenient mode writes what it can and returns the problems
    problems = write_workbook(doc, tmp_path / "lenient.xlsx", strict=False)
    assert len(problems) == 2
    assert read_workbook(tmp_path / "lenient.xlsx").doc.I.jimu_meisho == "収納事務"


def test_invalid_cell_values_are_reported_and_kept(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "t.xlsx"
    write_workbook(new_document("juten"), path)
    wb = load_workbook(path)

    def cell(name):
        sheet, ref = next(iter(wb.defined_names[name].destinations))
        return wb[sheet][ref.replace("$", "")]

    cell("pia.I.taisho_ninzu").value = "たくさん"
    cell("pia.cover.kohyo_bi").value = "平成31年5月1日"
    cell("pia.cover.hyokasho_no").value = "五"
    cell("pia.files.1.II.itaku_umu").value = "2) 委託しない"  # numbered form is understood
    wb.save(path)
    result = read_workbook(path)
    issues = {i.path: (i.sheet, i.cell, i.message) for i in result.issues}
    assert issues["I.taisho_ninzu"][:2] == ("Ⅰ 基本情報", "C5")
    assert "＜選択肢＞にない値" in issues["I.taisho_ninzu"][2]
    assert "平成は31年4月30日まで" in issues["cover.kohyo_bi"][2]
    assert issues["cover.hyokasho_no"][0] == "表紙"
    assert result.doc.files[0].II.itaku_umu == "委託しない"
    assert result.doc.invalid_values == {"I.taisho_ninzu": "たくさん", "cover.kohyo_bi": "平成31年5月1日",
                                         "cover.hyokasho_no": "五"}
    # nothing lost: writing the document back puts the raw text where it was
    write_workbook(result.doc, tmp_path / "back.xlsx")
    again = read_workbook(tmp_path / "back.xlsx")
    assert again.doc.invalid_values == result.doc.invalid_values


def test_rows_inserted_by_users_do_not_break_reading(tmp_path):
    """Cells are found by defined name: inserting rows above moves them, and Excel moves the names with them."""
    from openpyxl import load_workbook

    doc = new_document("juten")
    doc.I.busho = "財政部納税課"
    path = tmp_path / "t.xlsx"
    write_workbook(doc, path)
    wb = load_workbook(path)
    ws = wb["Ⅰ 基本情報"]
    sheet, ref = next(iter(wb.defined_names["pia.I.busho"].destinations))
    row = int(ref.split("$")[-1])
    ws.insert_rows(3, amount=2)  # openpyxl does not move names; emulate what Excel does
    for name, dn in wb.defined_names.items():
        for s, r in dn.destinations:
            if s == ws.title:
                col, rr = r.replace("$", "")[0], int(r.split("$")[-1].split(":")[0])
                if rr >= 3 and ":" not in r:
                    dn.attr_text = f"'{s}'!${col}${rr + 2}"
    wb.save(path)
    assert ws.cell(row + 2, 3).value == "財政部納税課"
    assert read_workbook(path).doc.I.busho == "財政部納税課"


def test_reader_reports_overlong_text_written_by_other_tools(tmp_path):
    """Other tools can store more than 32,767 characters in a cell; openpyxl cuts them to the limit when reading,
    so a cell at the limit is reported as possibly cut."""
    from openpyxl import load_workbook

    path = tmp_path / "t.xlsx"
    write_workbook(new_document("juten"), path)
    wb = load_workbook(path)
    sheet, ref = next(iter(wb.defined_names["pia.I.jimu_naiyo"].destinations))
    wb[sheet][ref.replace("$", "")].value = "あ" * 33_000
    wb.save(path)
    result = read_workbook(path)
    assert [(i.path, i.sheet, i.cell) for i in result.issues] == [("I.jimu_naiyo", "Ⅰ 基本情報", "C4")]
    assert "32,767" in result.issues[0].message
    assert len(result.doc.I.jimu_naiyo) == 32_767


def test_strings_are_shared_as_excel_saves_them(tmp_path):
    """The writer stores the form's text in a shared string table, as Excel does (openpyxl writes each string
    inline): the form's labels repeat in every repeat slot. pia-excel's own sheets (使い方, チェック, チェック計算,
    選択肢), which reading never parses, keep their strings inline: the table is parsed whole on opening. Text with
    spaces, line breaks and XML's special characters reads back the same through python-calamine (the reader) and
    openpyxl."""
    import re
    import zipfile

    from openpyxl import load_workbook

    from pia_excel.excel.cells import sheet_parts
    from pia_excel.excel.layout import OWN_SHEETS

    doc = api.load(FIXTURES[0]).doc
    doc.I.jimu_naiyo = "  先頭と末尾に空白 <&> \"引用\"\n二行目  "
    path = tmp_path / "s.xlsx"
    write_workbook(doc, path)
    with zipfile.ZipFile(path) as z:
        parts = sheet_parts(z, z.read("xl/workbook.xml"))
        sheets = {name: z.read(part).decode() for name, part in parts.items()}
        sst = z.read("xl/sharedStrings.xml").decode()
        assert "sharedStrings" in z.read("xl/_rels/workbook.xml.rels").decode()
        assert "/xl/sharedStrings.xml" in z.read("[Content_Types].xml").decode()
    form = {name: x for name, x in sheets.items() if name not in OWN_SHEETS}
    assert len(form) >= 8 and not any("inlineStr" in x for x in form.values())
    assert all("inlineStr" in x for name, x in sheets.items() if name in ("使い方", "チェック", "選択肢"))
    assert not any(re.search(r' t="n" ?/>', x) for x in sheets.values())
    shared = sum(x.count(' t="s"><v>') for x in form.values())
    assert shared > 2 * int(re.search(r'uniqueCount="(\d+)"', sst).group(1))  # the labels stored once
    assert read_workbook(path).doc.I.jimu_naiyo == doc.I.jimu_naiyo
    info = api.describe("I.jimu_naiyo", doc.form)
    assert load_workbook(path)[info.sheet][info.cell].value == doc.I.jimu_naiyo
