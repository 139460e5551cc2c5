"""`pia-excel export`: a row per workbook and per 特定個人情報ファイル, as CSV, XLSX and Parquet."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pia_excel import api
from pia_excel.cli import main
from pia_excel.export import FILE_COLUMNS, WORKBOOK_COLUMNS, export

FIXTURES = Path(__file__).with_name("fixtures")


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> Path:
    """Both fixtures as workbooks (one in a subfolder) and one file that is not a workbook."""
    root = tmp_path_factory.mktemp("books")
    (root / "juten").mkdir()
    api.save(api.load(FIXTURES / "adachi_jukijo_zenkomoku.json").doc, root / "adachi.xlsx")
    api.save(api.load(FIXTURES / "kushiro_shuno_juten.json").doc, root / "juten" / "kushiro.xlsx")
    (root / "juten" / "~$kushiro.xlsx").write_bytes(b"lock")
    return root


@pytest.fixture(scope="module")
def result(books):
    return export([books], jobs=2)


def test_one_row_per_workbook_with_the_key_items(result, books):
    wb = result.workbooks
    assert list(wb.columns) == WORKBOOK_COLUMNS
    assert list(wb["ファイル"]) == [str(books / "adachi.xlsx"), str(books / "juten" / "kushiro.xlsx")]
    adachi = wb.iloc[0]
    assert adachi["様式"] == "zenkomoku" and adachi["様式の版"] == "r7-05"
    assert adachi["評価書番号"] == 40
    assert adachi["評価書名"] == "住民基本台帳に関する事務 全項目評価書"
    assert adachi["評価実施機関名"] == "足立区長"
    assert adachi["公表日"] == "令和7年2月25日" and adachi["公表日(ISO)"] == "2025-02-25"
    assert adachi["対象人数"] == "30万人以上"
    assert adachi["しきい値判断結果"] == "基礎項目評価及び全項目評価の実施が義務付けられる"
    assert adachi["情報連携 実施の有無"] == "実施する"
    assert adachi["特定個人情報ファイル数"] == 3
    kushiro = wb.iloc[1]
    assert kushiro["様式"] == "juten" and kushiro["しきい値判断結果"] == "基礎項目評価及び重点項目評価の実施が義務付けられる"
    # validation is available: the counts are those of `pia-excel validate`
    from pia_excel.rules import validate_result

    report = validate_result(api.load(books / "adachi.xlsx"))
    assert result.validated
    assert (adachi["エラー数"], adachi["警告数"]) == (len(report.errors), len(report.warnings))
    assert wb["読取エラー"].isna().all()


def test_one_row_per_file(result, books):
    files = result.files
    assert list(files.columns) == FILE_COLUMNS
    assert list(files["ファイル番号"]) == [1, 2, 3, 1]
    first = files.iloc[0]
    assert first["ファイル"] == str(books / "adachi.xlsx")
    assert first["特定個人情報ファイル名"] == "(1)住民基本台帳ファイル"
    assert first["委託の有無"] == "委託する" and first["委託件数"] == 4
    assert first["保有開始日"] == "令和4年9月" and first["保有開始日(ISO)"] == "2022-09"
    kushiro = files.iloc[3]
    assert kushiro["委託の有無"] == "委託しない" and pd.isna(kushiro["委託件数"])
    assert kushiro["移転件数"] == 5 and pd.isna(kushiro["提供件数"])
    assert kushiro["対象となる本人の数"] == "10万人以上100万人未満" and kushiro["記録される項目"] == "100項目以上"


def test_csv_is_two_files_excel_can_open(books, tmp_path):
    res = CliRunner().invoke(main, ["export", str(books), "-o", str(tmp_path / "一覧.csv"), "-j", "1"])
    assert res.exit_code == 0, res.output
    raw = (tmp_path / "一覧.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())  # BOM: Excel reads the Japanese as UTF-8
    wb = pd.read_csv(tmp_path / "一覧.csv", encoding="utf-8-sig")
    files = pd.read_csv(tmp_path / "一覧_files.csv", encoding="utf-8-sig")
    assert len(wb) == 2 and len(files) == 4
    assert "2件のブック、4件の特定個人情報ファイル" in res.stdout


def test_xlsx_has_two_sheets(books, tmp_path):
    out = tmp_path / "一覧.xlsx"
    res = CliRunner().invoke(main, ["export", str(books), "-o", str(out), "--no-validate"])
    assert res.exit_code == 0, res.output
    assert "検証なし" in res.stdout
    wb = load_workbook(out, read_only=True)
    assert wb.sheetnames == ["評価書", "特定個人情報ファイル"]
    sheets = pd.read_excel(out, sheet_name=None, engine="openpyxl")
    assert list(sheets["評価書"].columns) == WORKBOOK_COLUMNS
    assert sheets["評価書"]["エラー数"].isna().all()  # not validated
    assert len(sheets["特定個人情報ファイル"]) == 4


def test_parquet_is_two_typed_files(books, tmp_path):
    res = CliRunner().invoke(main, ["export", str(books), "-o", str(tmp_path / "t.parquet")])
    assert res.exit_code == 0, res.output
    wb = pd.read_parquet(tmp_path / "t.parquet")
    files = pd.read_parquet(tmp_path / "t_files.parquet")
    assert str(wb["評価書番号"].dtype) == "Int64" and list(wb["評価書番号"]) == [40, 5]
    assert list(files["ファイル番号"]) == [1, 2, 3, 1]


def test_unreadable_workbook_gets_a_row_and_exit_2(books, tmp_path):
    bad = tmp_path / "壊れた.xlsx"
    bad.write_bytes(b"PK not really")
    res = CliRunner().invoke(main, ["export", str(bad), str(books / "adachi.xlsx"), "-o", str(tmp_path / "o.csv")])
    assert res.exit_code == 2
    assert "壊れた.xlsx" in res.stderr
    wb = pd.read_csv(tmp_path / "o.csv", encoding="utf-8-sig")
    assert list(wb["ファイル"]) == [str(bad), str(books / "adachi.xlsx")]
    assert "壊れています" in wb["読取エラー"][0] and pd.isna(wb["読取エラー"][1])


def test_unknown_output_format(books, tmp_path):
    res = CliRunner().invoke(main, ["export", str(books), "-o", str(tmp_path / "t.txt")])
    assert res.exit_code == 2
    assert ".csv .xlsx .parquet" in res.stderr
