"""The re-assessment calendar (pia-excel calendar) on copies of the real fixtures, with --today."""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pia_excel.cli import main
from pia_excel.pdf.render import find_soffice

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def _data(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def folder(tmp_path):
    docs = tmp_path / "評価書"
    docs.mkdir()
    shutil.copy(ROOT / "samples" / "kushiro_shuno_juten.xlsx", docs / "kushiro.xlsx")
    shutil.copy(FIXTURES / "adachi_jukijo_zenkomoku.json", docs / "adachi.json")
    later = _data("adachi_jukijo_zenkomoku.json")  # published later, assessed in a month only (平成30年5月)
    later["cover"]["hyokasho_mei"] = "=HYPERLINK(\"x\") 国民健康保険に関する事務 全項目評価書"
    later["cover"]["kohyo_bi"] = "令和7年11月1日"
    later["VI"]["kiso_jisshi_bi"] = "平成30年5月"
    later["VI"].pop("daisansha_jisshi_bi", None)
    (docs / "later.json").write_text(json.dumps(later, ensure_ascii=False), encoding="utf-8")
    ended = _data("kushiro_shuno_juten.json")
    ended["cover"]["hyokasho_mei"] = "収納事務 重点項目評価書【令和6年3月31日 終了】"
    (docs / "ended.json").write_text(json.dumps(ended, ensure_ascii=False), encoding="utf-8")
    return docs


def _run(args):
    res = CliRunner().invoke(main, ["calendar", *map(str, args)])
    assert res.exit_code == 0, res.output
    return res


def test_dates_and_states_for_the_fixtures(folder, tmp_path):
    out = tmp_path / "cal.csv"
    res = _run([folder, "-o", out, "--today", "令和7年12月1日"])
    assert "4件（期限超過 2件、6か月以内 1件、それ以降 1件、基準日 2025-12-01）" in res.stdout
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by = {Path(r["ファイル"]).name: r for r in rows}
    assert [Path(r["ファイル"]).name for r in rows] == ["kushiro.xlsx", "later.json", "adachi.json", "ended.json"]
    k = by["kushiro.xlsx"]  # 基礎項目評価 平成27年3月6日 (seed 001): 5 years → 令和2年3月6日, long overdue
    assert (k["公表日"], k["最終評価実施日"], k["再評価期限（5年）"], k["見直し期限（1年）"]) == (
        "令和7年2月25日", "平成27年3月6日", "令和2年3月6日", "令和8年2月25日")
    assert (k["次の期限"], k["次の期限の内容"], k["状態"], k["残り日数"]) == ("2020-03-06", "再評価（5年）", "期限超過", "-2096")
    a = by["adachi.json"]  # 第三者点検 令和7年9月26日 is the later 実施日 (seed 004)
    assert (a["最終評価実施日"], a["最終評価実施日（西暦）"], a["再評価期限（5年）"]) == ("令和7年9月26日", "2025-09-26", "令和12年9月26日")
    assert (a["次の期限"], a["次の期限（和暦）"], a["状態"]) == ("2026-02-25", "令和8年2月25日", "6か月以内")
    lt = by["later.json"]  # month precision: the month's last day counts; 平成30年5月 + 5 years = 令和5年5月31日
    assert (lt["再評価期限（5年）"], lt["見直し期限（1年）"], lt["次の期限"], lt["状態"]) == (
        "令和5年5月31日", "令和8年11月1日", "2023-05-31", "期限超過")
    assert lt["評価書名"].startswith("'=")  # formula-safe CSV
    e = by["ended.json"]
    assert (e["事務の終了日"], e["公表継続期限（終了後3年）"], e["次の期限の内容"], e["再評価期限（5年）"]) == (
        "令和6年3月31日", "令和9年3月31日", "公表継続期限（事務終了後3年）", "")
    assert e["状態"] == "それ以降"


def test_xlsx_has_the_table_the_counts_and_a_chart_libreoffice_opens(folder, tmp_path):
    out = tmp_path / "cal.xlsx"
    _run([folder, "-o", out, "--today", "2025-12-01", "-j", "2"])
    wb = openpyxl.load_workbook(out)
    ws = wb["評価の期限"]
    header = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(header)}
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[col["次の期限"]].date().isoformat() for r in rows] == sorted(
        r[col["次の期限"]].date().isoformat() for r in rows)
    title_cells = [c for c in ws[ws.cell(1, col["評価書名"] + 1).column_letter] if str(c.value).startswith("=")]
    assert title_cells and all(c.data_type == "s" for c in title_cells)  # text, never a formula
    counts = {r[0]: r[1] for r in wb["集計"].iter_rows(min_row=2, max_row=5, values_only=True)}
    assert counts == {"期限超過": 2, "6か月以内": 1, "それ以降": 1, "日付不明": 0}
    assert len(wb["集計"]._charts) == 1


@pytest.mark.libreoffice
def test_calendar_xlsx_opens_in_libreoffice_with_its_chart(folder, tmp_path):
    out = tmp_path / "cal.xlsx"
    _run([folder, "-o", out, "--today", "2025-12-01"])
    subprocess.run([find_soffice(), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "ods", "--outdir", str(tmp_path / "lo"), str(out)],
                   check=True, capture_output=True, timeout=180)
    with zipfile.ZipFile(tmp_path / "lo" / "cal.ods") as z:
        chart = z.read("Object 1/content.xml").decode()
        content = z.read("content.xml").decode()
    assert "chart:chart" in chart and "chart:bar" in chart
    assert "期限超過" in content and "令和9年3月31日" in content


def test_unreadable_input_is_reported_and_the_rest_written(folder, tmp_path):
    (folder / "broken.xlsx").write_text("not a workbook")
    out = tmp_path / "cal.csv"
    res = CliRunner().invoke(main, ["calendar", str(folder), "-o", str(out), "--today", "2025-12-01"])
    assert res.exit_code == 2
    assert "broken.xlsx" in res.stderr
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 5
