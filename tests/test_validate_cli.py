"""`pia-excel validate` / `pia-excel rules` and the reports they write."""
from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.styles import PatternFill

from pia_excel import api
from pia_excel.cli import main
from pia_excel.models import Tick
from pia_excel.rules.report import RECORD_SHEET, RESULT_SHEET
from pia_excel.rules.cells import cell_of

FIXTURES = Path(__file__).parent / "fixtures"
KUSHIRO = FIXTURES / "kushiro_shuno_juten.json"
DOCS = Path(__file__).parent.parent / "docs" / "rules.md"
TODAY = ["--today", "2026-11-23"]


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)), catch_exceptions=False)


@pytest.fixture()
def kushiro():
    return api.load(KUSHIRO).doc


def clean(doc):
    """釧路市 with its errors fixed (warnings stay)."""
    ii, iii = doc.files[0].II, doc.files[0].III
    ii.nyushu_moto = [Tick(label=t.label, detail=t.detail) for t in ii.nyushu_moto]
    ii.nyushu_hoho = [Tick(label=t.label, detail=t.detail) for t in ii.nyushu_hoho]
    iii.III_4 = [Tick(label="委託しない")]
    for key in ("keiyakusho_kitei", "keiyakusho_kitei_naiyo", "saiitakusaki_kakuho", "saiitakusaki_kakuho_hoho",
                "III_4_sufficient", "III_4_other_risks", "III_6_risk1_sufficient"):
        setattr(iii, key, None)
    return doc


def book(doc, path: Path) -> Path:
    api.save(doc, path)
    return path


# ---------------------------------------------------------------------------------------------- exit codes, text
def test_errors_exit_1_with_a_japanese_text_report_grouped_by_sheet(tmp_path, kushiro):
    path = book(kushiro, tmp_path / "kushiro.xlsx")
    r = run("validate", path, *TODAY)
    assert r.exit_code == 1
    out = r.output
    assert "エラー 10件、警告 13件" in out  # 3 of them R603: "I 関連情報" rows of the 変更箇所, 3 R510
    assert "[Ⅲ リスク対策(1)]" in out and "C18" in out and "R203" in out
    assert out.index("[Ⅱ ファイルの概要(1)]") < out.index("[Ⅲ リスク対策(1)]")


def test_no_errors_exit_0_even_with_warnings(tmp_path, kushiro):
    path = book(clean(kushiro), tmp_path / "clean.xlsx")
    r = run("validate", path, *TODAY)
    assert r.exit_code == 0, r.output
    assert "エラー 0件" in r.output and "R302" in r.output


def test_json_has_stable_field_names(tmp_path, kushiro):
    path = book(kushiro, tmp_path / "k.xlsx")
    r = run("validate", path, "--format", "json", *TODAY)
    data = json.loads(r.output)
    f = next(x for x in data["findings"] if x["code"] == "R221")
    assert {"code", "severity", "message", "path", "sheet", "cell", "file"} <= set(f)
    assert (f["sheet"], f["cell"], f["severity"], f["level"]) == ("Ⅲ リスク対策(1)", "C38", "エラー", "error")
    assert f["file"] == str(path) and data["files"][0]["errors"] == 10 and data["unreadable"] == []


def test_folders_recursively_lock_files_skipped_unreadable_exit_2(tmp_path, kushiro):
    (tmp_path / "sub").mkdir()
    book(kushiro, tmp_path / "sub" / "a.xlsx")
    shutil.copy(KUSHIRO, tmp_path / "b.json")
    (tmp_path / "~$a.xlsx").write_bytes(b"lock")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    (tmp_path / "notes.txt").write_text("x")
    r = run("validate", tmp_path, tmp_path / "missing.xlsx", "--format", "json", *TODAY)
    assert r.exit_code == 2
    data = json.loads(r.stdout)
    assert sorted(Path(f["file"]).name for f in data["files"]) == ["a.xlsx", "b.json"]
    assert sorted(Path(u["file"]).name for u in data["unreadable"]) == ["broken.xlsx", "missing.xlsx"]
    assert "~$a.xlsx" not in r.output


def test_today_is_injectable(tmp_path, kushiro):
    path = book(clean(kushiro), tmp_path / "c.xlsx")
    early = json.loads(run("validate", path, "--format", "json", "--today", "平成31年1月1日").output)
    assert "R302" not in {f["code"] for f in early["findings"]}
    assert run("validate", path, "--today", "yesterday").exit_code == 2


# ---------------------------------------------------------------------------------------------- annotated workbooks
def test_report_xlsx_writes_an_annotated_copy_and_leaves_the_input_alone(tmp_path, kushiro):
    src = book(kushiro, tmp_path / "k.xlsx")
    before = src.read_bytes()
    out = tmp_path / "k_checked.xlsx"
    r = run("validate", src, "--report-xlsx", out, *TODAY)
    assert r.exit_code == 1
    assert src.read_bytes() == before
    wb = load_workbook(out)
    assert wb.sheetnames[0] == RESULT_SHEET and wb[RECORD_SHEET].sheet_state == "veryHidden"
    ws = wb[RESULT_SHEET]
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    assert len(rows) == 23  # 10 errors, 13 warnings (3 of them R603, 3 R510)
    link = next(c for c in ws["E"] if c.value == "C18")
    assert link.hyperlink.location == "'Ⅲ リスク対策(1)'!C18"
    assert wb["Ⅲ リスク対策(1)"]["C18"].fill.fgColor.rgb == "FFFFC7CE"  # error
    assert wb["Ⅴ 評価実施手続"]["C3"].fill.fgColor.rgb == "FFFFEB9C"  # warning
    # the annotated copy still reads as the same document with the same findings
    again = json.loads(run("validate", out, "--format", "json", *TODAY).output)
    assert [(f["code"], f["cell"]) for f in again["findings"]] == \
           [(f["code"], f["cell"]) for f in json.loads(run("validate", src, "--format", "json", *TODAY).output)["findings"]]


def test_report_xlsx_for_several_inputs_is_a_directory(tmp_path, kushiro):
    a = book(kushiro, tmp_path / "a.xlsx")
    b = tmp_path / "b.json"
    shutil.copy(KUSHIRO, b)
    out = tmp_path / "reports"
    r = run("validate", a, b, "--report-xlsx", out, *TODAY)
    assert r.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["a_検証結果.xlsx", "b_検証結果.xlsx"]
    assert RESULT_SHEET in load_workbook(out / "b_検証結果.xlsx", read_only=True).sheetnames


def test_in_place_rerun_clears_old_highlights_and_restores_fills(tmp_path, kushiro):
    path = book(kushiro, tmp_path / "k.xlsx")
    sheet, ref = cell_of("files[1].III.III_6_risk1_sufficient", doc=kushiro)
    wb = load_workbook(path)
    wb[sheet][ref].fill = PatternFill("solid", fgColor="FF00B0F0")  # the user's own colour
    wb.save(path)
    assert run("validate", path, "--in-place", *TODAY).exit_code == 1
    wb = load_workbook(path)
    assert wb[sheet][ref].fill.fgColor.rgb == "FFFFC7CE"
    wb[sheet][ref].value = None  # the user fixes the cell
    wb.save(path)
    r = run("validate", path, "--in-place", *TODAY)
    wb = load_workbook(path)
    assert wb.sheetnames.count(RESULT_SHEET) == 1
    assert wb[sheet][ref].fill.fgColor.rgb == "FF00B0F0"  # restored
    assert "R221" not in r.output


def test_in_place_and_report_xlsx_exclude_each_other(tmp_path, kushiro):
    path = book(kushiro, tmp_path / "k.xlsx")
    assert run("validate", path, "--in-place", "--report-xlsx", tmp_path / "o.xlsx").exit_code == 2


def test_xlsm_keeps_its_vba_project(tmp_path, kushiro):
    from pia_excel.excel.writer import build_workbook

    wb, _ = build_workbook(kushiro)
    plain = io.BytesIO()
    wb.save(plain)
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as src_zip, zipfile.ZipFile(buf, "w") as z:
        for name in src_zip.namelist():
            z.writestr(name, src_zip.read(name))
        z.writestr("xl/vbaProject.bin", b"VBA-PROJECT-BYTES" * 50)
    wb.vba_archive = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    src = tmp_path / "k.xlsm"
    wb.save(src)
    out = tmp_path / "out.xlsm"
    assert run("validate", src, "--report-xlsx", out, *TODAY).exit_code == 1
    with zipfile.ZipFile(out) as z:
        assert z.read("xl/vbaProject.bin") == b"VBA-PROJECT-BYTES" * 50
    assert api.load(out).doc.cover.hyokasho_mei == kushiro.cover.hyokasho_mei


# ---------------------------------------------------------------------------------------------- summary, progress
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_summary_one_row_per_workbook(tmp_path, kushiro, suffix):
    import pandas as pd

    book(kushiro, tmp_path / "a.xlsx")
    book(clean(kushiro.model_copy(deep=True)), tmp_path / "b.xlsx")
    (tmp_path / "bad.xlsx").write_bytes(b"x")
    out = tmp_path / f"summary{suffix}"
    r = run("validate", tmp_path / "a.xlsx", tmp_path / "b.xlsx", tmp_path / "bad.xlsx", "--summary", out, *TODAY)
    assert r.exit_code == 2
    df = pd.read_csv(out, encoding="utf-8-sig") if suffix == ".csv" else pd.read_excel(out, engine="openpyxl")
    assert list(df.columns)[:7] == ["file", "form", "評価書名", "評価実施機関名", "公表日", "errors", "warnings"]
    rows = {Path(f).name: row for f, row in zip(df["file"], df.to_dict("records"))}
    assert rows["a.xlsx"]["errors"] == 10 and rows["b.xlsx"]["errors"] == 0
    assert rows["a.xlsx"]["評価実施機関名"] == "北海道釧路市長" and rows["a.xlsx"]["公表日"] == "令和7年2月25日"
    assert rows["a.xlsx"]["form"] == "重点項目評価書"
    assert pd.isna(rows["bad.xlsx"]["errors"])


def test_progress_bar_on_request(tmp_path, kushiro):
    for i in range(6):
        shutil.copy(KUSHIRO, tmp_path / f"d{i}.json")
    r = CliRunner().invoke(main, ["validate", str(tmp_path), "--progress", *TODAY])
    assert "検証中" in r.stderr
    r = CliRunner().invoke(main, ["validate", str(tmp_path), *TODAY])
    assert "検証中" not in r.stderr  # not a tty
    assert "合計: 6件を検証" in r.stdout


# ---------------------------------------------------------------------------------------------- rules, catalogue
def test_rules_command_lists_every_rule():
    from pia_excel.rules import RULES

    r = run("rules")
    assert r.exit_code == 0
    for code, rule in RULES.items():
        assert f"{code}  {rule.severity}  {rule.category}  {rule.title}" in r.output
    assert "R000" in r.output


def test_docs_rules_md_is_up_to_date():
    from pia_excel.rules.catalogue import render_markdown

    assert DOCS.read_text(encoding="utf-8") == render_markdown(), \
        "docs/rules.md is out of date: run python -m pia_excel.cli.docs rules -o docs/rules.md"


def test_catalogue_check_mode(tmp_path):
    from pia_excel.cli.docs import main

    def catalogue(args):
        return main(["rules", *args])

    stale = tmp_path / "rules.md"
    stale.write_text("old", encoding="utf-8")
    assert catalogue(["--check", str(stale)]) == 1
    assert catalogue(["-o", str(stale)]) == 0 and catalogue(["--check", str(stale)]) == 0


def test_parallel_validation_gives_the_same_report_in_input_order(tmp_path):
    for i in range(4):
        shutil.copy(KUSHIRO, tmp_path / f"k{i}.json")
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    serial = CliRunner().invoke(main, ["validate", str(tmp_path), "--format", "json", "-j", "1", *TODAY])
    parallel = CliRunner().invoke(main, ["validate", str(tmp_path), "--format", "json", "-j", "2", *TODAY])
    assert serial.exit_code == parallel.exit_code == 2  # one input unreadable, the others validated
    assert serial.stdout == parallel.stdout
    data = json.loads(parallel.stdout)
    assert [Path(f["file"]).name for f in data["files"]] == ["k0.json", "k1.json", "k2.json", "k3.json"]
    assert [Path(u["file"]).name for u in data["unreadable"]] == ["broken.xlsx"]
