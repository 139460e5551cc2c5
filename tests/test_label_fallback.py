"""Workbooks without our defined names (PPC's own file, sheets copied into a new book) are read by label."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from pia_excel import api
from pia_excel.excel.reader import read_workbook

FIXTURES = sorted(Path(__file__).with_name("fixtures").glob("*.json"))


def strip_names(src: Path, dst: Path) -> None:
    wb = load_workbook(src)
    for name in list(wb.defined_names.keys()):
        del wb.defined_names[name]
    wb.save(dst)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_fixture_read_by_labels_equals_read_by_names(fixture, tmp_path):
    doc = api.load(fixture).doc
    api.save(doc, tmp_path / "named.xlsx")
    strip_names(tmp_path / "named.xlsx", tmp_path / "plain.xlsx")
    result = read_workbook(tmp_path / "plain.xlsx")
    assert result.issues == []
    assert api.to_data(result.doc) == api.to_data(doc)
    # cells are still located (the same ones the names point at), so findings can point at them
    named = read_workbook(tmp_path / "named.xlsx")
    for path in ("cover.kohyo_bi" if doc.cover.kohyo_bi is not None else "cover.hyokasho_mei", "I.jimu_meisho", "files[1].II.itaku_umu", "files[1].III.III_7_risk1_sufficient",
                 "files[1].II.nyushu_moto.o2", "I.systems[2].system_name"):
        assert result.cell_of(path) == named.cell_of(path), path
    assert result.cell_of("cover.kohyo_bi") == ("表紙", "C7" if doc.form == "juten" else "C8")
    # every cell the label reader located, filled or empty, is the one the names point at
    assert {p: c for p, c in result.cells.items() if p in named.cells} == \
        {p: named.cells[p] for p in result.cells if p in named.cells}


def test_an_empty_value_cell_is_named_at_its_own_cell_not_beside_its_label(tmp_path):
    """Seed 002 has no 公表日: read by labels, the finding names the value cell C8 (the label is merged over A:B),
    not B8."""
    fixture = next(p for p in FIXTURES if p.stem == "setagaya_kokuho_zenkomoku")
    doc = api.load(fixture).doc
    assert doc.cover.kohyo_bi is None
    api.save(doc, tmp_path / "named.xlsx")
    strip_names(tmp_path / "named.xlsx", tmp_path / "plain.xlsx")
    result = read_workbook(tmp_path / "plain.xlsx")
    findings = [f for f in api.validate(result).findings if f.path == "cover.kohyo_bi"]
    assert [(f.sheet, f.cell) for f in findings] == [("表紙", "C8")], findings
    assert "表紙!C8" in str(findings[0])


def test_missing_labels_are_reported_not_guessed(tmp_path):
    doc = api.load(FIXTURES[0]).doc
    api.save(doc, tmp_path / "named.xlsx")
    wb = load_workbook(tmp_path / "named.xlsx")
    for name in list(wb.defined_names.keys()):
        del wb.defined_names[name]
    ws = wb["Ⅰ 基本情報"]
    ws["A3"].value = "事務名"  # a label someone reworded
    wb.save(tmp_path / "plain.xlsx")
    result = read_workbook(tmp_path / "plain.xlsx")
    assert [(i.path, i.sheet) for i in result.issues] == [("I.jimu_meisho", "Ⅰ 基本情報")]
    assert "事務の名称" in result.issues[0].message
    assert result.doc.I.jimu_meisho is None
    assert result.doc.I.jimu_naiyo == doc.I.jimu_naiyo



def test_a_sheet_whose_first_row_is_empty_is_read_at_its_own_cells(tmp_path):
    """python-calamine gives a sheet's rows from A1 even when its first value is further down: the reader used to
    pad them a second time, so every cell found by label on such a sheet was named a row too far."""
    fixture = next(p for p in FIXTURES if p.stem.startswith("adachi"))
    doc = api.load(fixture).doc
    api.save(doc, tmp_path / "named.xlsx")
    strip_names(tmp_path / "named.xlsx", tmp_path / "plain.xlsx")
    wb = load_workbook(tmp_path / "plain.xlsx")
    sheet = "別添1 事務の内容"
    assert wb[sheet]["A1"].value == wb[sheet]["A2"].value == "（別添１） 事務の内容"
    wb[sheet]["A1"].value = None  # the first value is now in row 2
    wb.save(tmp_path / "row1_empty.xlsx")
    result = read_workbook(tmp_path / "row1_empty.xlsx")
    named = read_workbook(tmp_path / "named.xlsx")
    assert api.to_data(result.doc) == api.to_data(doc)
    on_sheet = {p: c for p, c in result.cells.items() if c[0] == sheet and p in named.cells}
    assert on_sheet and on_sheet == {p: named.cells[p] for p in on_sheet}
