"""publish / changelog_since_baseline: the published version kept inside the workbook."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pia_excel import api
from pia_excel.changelog import BaselineError, changelog_since_baseline, load_baseline, publish
from pia_excel.changelog.apply import open_for_edit
from pia_excel.changelog.baseline import BASELINE_SHEET, store_baseline
from pia_excel.cli import main
from pia_excel.excel.reader import read_workbook
from pia_excel.excel.writer import write_workbook

FIXTURES = Path(__file__).with_name("fixtures")
KUSHIRO = FIXTURES / "kushiro_shuno_juten.json"
ADACHI = FIXTURES / "adachi_jukijo_zenkomoku.json"


@pytest.fixture
def book(kushiro_xlsx) -> Path:
    return kushiro_xlsx


def _edit(path: Path, sheet: str, ref: str, value) -> None:
    wb = open_for_edit(path)
    wb[sheet][ref].value = value
    wb.save(path)


def _cell(path: Path, item: str) -> tuple[str, str]:
    return read_workbook(path).cell_of(item)


def test_publish_sets_the_date_and_stores_a_very_hidden_snapshot(book):
    res = publish(book, "令和8年4月1日")
    assert str(res.date) == "令和8年4月1日" and res.kohyo_bi_cell == _cell(book, "cover.kohyo_bi")
    result = read_workbook(book)
    assert result.issues == []
    assert str(result.doc.cover.kohyo_bi) == "令和8年4月1日"
    wb = load_workbook(book)
    assert wb[BASELINE_SHEET].sheet_state == "veryHidden"
    base = load_baseline(wb)
    assert base.date == "令和8年4月1日"
    current = api.to_data(result.doc)
    current.pop("annex2")  # the change log is not part of the snapshot
    assert api.to_data(base.doc) == current


def test_changelog_from_one_file(book):
    publish(book, "令和7年2月25日")
    sheet, ref = _cell(book, "I.shozokucho_yakushoku")
    _edit(book, sheet, ref, "納税課長")
    sheet, ref = _cell(book, "files[1].II.iten_saki[2].iten_konkyo")
    _edit(book, sheet, ref, "番号法第9条第1項 別表第100項 ")
    res = changelog_since_baseline(book, "令和7年6月1日")
    assert [p.path for p in res.proposed] == ["I.shozokucho_yakushoku", "files[1].II.iten_saki[2].iten_konkyo"]
    assert len(res.appended.added) == 2
    rows = read_workbook(book).doc.annex2.henko_kasho
    assert len(rows) == 23
    assert (rows[-2].before, rows[-2].after, rows[-2].timing) == ("収納管理監", "納税課長", "事後")
    assert rows[-1].explanation == "【要確認】重要な変更にあたらない（文言の整理）"  # a trailing space only
    again = changelog_since_baseline(book, "令和7年6月1日")
    assert again.appended.added == [] and len(again.appended.skipped) == 2
    assert len(read_workbook(book).doc.annex2.henko_kasho) == 23


def test_nothing_changed_means_no_rows(book):
    publish(book, "令和7年2月25日")
    res = changelog_since_baseline(book, "令和7年6月1日")
    assert res.proposed == [] and res.appended.added == []


def test_without_a_baseline_the_message_says_what_to_do(book):
    with pytest.raises(BaselineError, match="publish"):
        changelog_since_baseline(book, "令和7年6月1日")


def test_a_damaged_snapshot_is_reported(book):
    publish(book, "令和7年2月25日")
    wb = load_workbook(book)
    ws = wb[BASELINE_SHEET]
    ws["A2"].value = ws["A2"].value.replace("収納", "収入", 1)
    wb.save(book)
    with pytest.raises(BaselineError, match="壊れて"):
        changelog_since_baseline(book, "令和7年6月1日")


def test_large_snapshots_are_split_across_cells(tmp_path):
    """足立区 (three files, long texts) plus a very long text: far beyond one cell's 32,767 characters."""
    doc = api.load(ADACHI).doc
    doc.I.jimu_naiyo = "住民基本台帳に関する事務。" * 6000
    path = tmp_path / "adachi.xlsx"
    write_workbook(doc, path, strict=False)
    publish(path, "令和7年8月1日")
    wb = load_workbook(path)
    ws = wb[BASELINE_SHEET]
    header = json.loads(ws["A1"].value)
    assert header["chunks"] > 2
    assert all(len(ws.cell(row=r, column=1).value) <= 32_767 for r in range(2, header["chunks"] + 2))
    base = load_baseline(wb)
    assert base.doc.I.jimu_naiyo == read_workbook(path).doc.I.jimu_naiyo
    assert changelog_since_baseline(path, "令和7年9月1日", write=False).proposed == []


def test_in_memory_workbook_is_changed_but_not_saved(book):
    data = book.read_bytes()
    wb = open_for_edit(book)
    publish(wb, "令和7年2月25日")
    assert load_baseline(wb) is not None
    res = changelog_since_baseline(wb, "令和7年3月1日")
    assert res.proposed == [] and res.path is None
    assert book.read_bytes() == data


def test_baseline_replaced_by_a_new_publish(book):
    publish(book, "令和7年2月25日")
    sheet, ref = _cell(book, "I.busho")
    _edit(book, sheet, ref, "財政部納税課")
    publish(book, "令和8年2月25日")
    wb = load_workbook(book)
    assert wb.sheetnames.count(BASELINE_SHEET) == 1
    assert load_baseline(wb).doc.I.busho == "財政部納税課"
    assert changelog_since_baseline(book, "令和8年3月1日", write=False).proposed == []


def test_store_baseline_on_an_empty_workbook_round_trips():
    from openpyxl import Workbook

    from pia_excel.models import new_document

    wb = Workbook()
    doc = new_document("zenkomoku", files=2)
    doc.I.jimu_meisho = "=住民基本台帳に関する事務"  # text starting with "=" stays text
    store_baseline(wb, doc, "令和7年2月25日")
    assert load_baseline(wb).doc == doc


def test_macro_enabled_workbook(juten_xlsm):
    path = juten_xlsm
    with zipfile.ZipFile(path) as z:
        vba = z.read("xl/vbaProject.bin")
    publish(path, "令和7年2月25日")
    with zipfile.ZipFile(path) as z:
        assert z.read("xl/vbaProject.bin") == vba
    assert load_baseline(load_workbook(path, keep_vba=True)) is not None


# ------------------------------------------------------------------------------------------------- CLI
def test_cli_publish_then_changelog_in_place(book):
    runner = CliRunner()
    r = runner.invoke(main, ["publish", str(book), "--date", "令和7年2月25日"])
    assert r.exit_code == 0, r.output
    assert "令和7年2月25日" in r.output
    sheet, ref = _cell(book, "I.shozokucho_yakushoku")
    _edit(book, sheet, ref, "納税課長")
    r = runner.invoke(main, ["changelog", str(book), "--date", "令和7年6月1日", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [x["item"] for x in rows] == ["Ⅰ 基本情報 6. 評価実施機関における担当部署 ②所属長の役職名"]
    r = runner.invoke(main, ["changelog", str(book), "--date", "令和7年6月1日", "--in-place"])
    assert r.exit_code == 0, r.output
    assert "1 行を追加しました" in r.output
    assert read_workbook(book).doc.annex2.henko_kasho[-1].after == "納税課長"


def test_cli_publish_errors_are_one_line_with_exit_2(book, tmp_path):
    runner = CliRunner()
    r = runner.invoke(main, ["changelog", str(book), "--date", "令和7年6月1日", "--in-place"])
    assert r.exit_code == 2 and "publish" in r.output and len(r.output.strip().splitlines()) == 1
    r = runner.invoke(main, ["publish", str(book), "--date", "令和7年2月30日"])
    assert r.exit_code == 2 and "存在しない日付" in r.output
    r = runner.invoke(main, ["publish", str(KUSHIRO), "--date", "令和7年2月25日"])
    assert r.exit_code == 2 and ".xlsx" in r.output
    r = runner.invoke(main, ["publish", str(tmp_path / "none.xlsx"), "--date", "令和7年2月25日"])
    assert r.exit_code == 2 and "ありません" in r.output
