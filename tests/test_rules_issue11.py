"""Issue 11: requirements that follow the form's own logic, negative answers with details, counts above the
printed slots, per-file checks, names written two ways, vague measures, and the category of every finding."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pia_excel import api
from pia_excel.rules import CATEGORIES, RULES, validate_result
from pia_excel.rules.report import render_json, render_text, write_annotated

FIXTURES = Path(__file__).parent / "fixtures"
KUSHIRO = FIXTURES / "kushiro_shuno_juten.json"
ADACHI = FIXTURES / "adachi_jukijo_zenkomoku.json"
TODAY = dt.date(2026, 11, 23)


def _pairs(report, code):
    return {f.path for f in report.findings if f.code == code}


# ---------------------------------------------------------------------------------------------- category
def test_every_rule_has_a_category():
    assert {r.category for r in RULES.values()} == set(CATEGORIES)


def test_category_in_text_json_and_result_sheet(tmp_path):
    report = validate_result(api.load(KUSHIRO), today=TODAY)
    by_code = {f.code: f for f in report.findings}
    assert by_code["R203"].category == "適合性" and by_code["R222"].category == "妥当性"
    text = render_text(report)
    assert "R203［適合性］" in text and "R222［妥当性］" in text
    data = json.loads(render_json([(report, "k")]))
    assert {f["code"]: f["category"] for f in data["findings"]}["R222"] == "妥当性"
    out = write_annotated(report, tmp_path / "k.xlsx", source=KUSHIRO)
    ws = load_workbook(out)["検証結果"]
    heads = [c.value for c in ws[4]]
    assert heads[-1] == "区分"
    rows = {r[2]: r[7] for r in ws.iter_rows(min_row=5, values_only=True)}
    assert rows["R203"] == "適合性" and rows["R222"] == "妥当性"


# ---------------------------------------------------------------------------------------------- dates in 西暦
@pytest.mark.parametrize("written, code", [("2025年2月25日", "R002"), ("2025/2/25", "R002"),
                                           (dt.datetime(2025, 2, 25), "R006")])
def test_seireki_date_in_a_workbook_gives_one_finding_with_its_wareki(tmp_path, written, code):
    """A 公表日 typed in 西暦, or entered as an Excel date (shown and printed in 西暦): one finding at the cell,
    saying which 和暦 it means — not also "not filled in"."""
    doc = api.load(KUSHIRO).doc
    path = tmp_path / "k.xlsx"
    api.save(doc, path)
    sheet, cell = api.load(path).cells["cover.kohyo_bi"]
    wb = load_workbook(path)
    wb[sheet][cell] = written
    wb.save(path)
    report = validate_result(api.load(path), today=TODAY)
    mine = [f for f in report.findings if f.cell == cell and f.sheet == sheet]
    assert [f.code for f in mine] == [code]
    assert "令和7年2月25日" in mine[0].message
