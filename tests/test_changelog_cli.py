"""pia-excel changelog OLD NEW: print, write to a copy, write in place, never twice."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pia_excel import api
from pia_excel.cli import main
from pia_excel.excel.reader import read_workbook
from pia_excel.excel.writer import write_workbook

from test_changelog_support import set_path

KUSHIRO = Path(__file__).with_name("fixtures") / "kushiro_shuno_juten.json"
DATE = "令和7年2月25日"


@pytest.fixture(scope="module")
def _pair(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    new = api.load(KUSHIRO).doc
    write_workbook(new, d / "new.xlsx")
    old = new.model_copy(deep=True)
    set_path(old, "I.shozokucho_yakushoku", "納税課長")
    set_path(old, "files[1].II.iten_saki[2].iten_konkyo", "番号法第9条第1項 別表第1第68項")
    set_path(old, "I.renkei_jisshi_umu", "実施しない")
    api.save(old, d / "old.json")
    return d


@pytest.fixture
def pair(_pair, tmp_path):
    for name in ("new.xlsx", "old.json"):
        shutil.copy(_pair / name, tmp_path / name)
    return tmp_path / "old.json", tmp_path / "new.xlsx"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_json_output(pair):
    old, new = pair
    r = run("changelog", old, new, "--date", DATE, "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [(x["path"], x["timing"]) for x in rows] == [
        ("I.renkei_jisshi_umu", "事前"), ("I.shozokucho_yakushoku", "事後"),
        ("files[1].II.iten_saki[2].iten_konkyo", "事後")]
    assert rows[0]["before"] == "実施しない" and rows[0]["after"] == "実施する"
    assert rows[2]["explanation"] == "【要確認】法改正によるもの"
    assert all(x["date"] == DATE for x in rows)


def test_text_output_is_the_default(pair):
    old, new = pair
    r = run("changelog", old, new, "--date", DATE)
    assert r.exit_code == 0, r.output
    assert "Ⅰ 基本情報 6. 評価実施機関における担当部署 ②所属長の役職名" in r.stdout
    assert "変更前: 納税課長" in r.stdout
    assert "-o" in r.stderr  # says how to write


def test_output_copy_then_in_place_never_twice(pair, tmp_path):
    old, new = pair
    out = tmp_path / "out.xlsx"
    data = new.read_bytes()
    r = run("changelog", old, new, "--date", DATE, "-o", out)
    assert r.exit_code == 0, r.output
    assert "3 行を追加しました" in r.stdout and "事前 1 行" in r.stdout
    assert new.read_bytes() == data  # NEW untouched
    rows = read_workbook(out).doc.annex2.henko_kasho
    assert len(rows) == 24 and rows[-1].item.endswith("移転先2 ①法令上の根拠")
    r = run("changelog", old, out, "--date", DATE, "--in-place")
    assert r.exit_code == 0, r.output
    assert "追加しませんでした" in r.stdout
    assert len(read_workbook(out).doc.annex2.henko_kasho) == 24


def test_new_as_json_writes_json_or_a_workbook(pair, tmp_path):
    old, new = pair
    new_json = tmp_path / "new.json"
    api.save(read_workbook(new).doc, new_json)
    r = run("changelog", old, new_json, "--date", DATE, "-o", tmp_path / "out.json")
    assert r.exit_code == 0, r.output
    doc = api.load(tmp_path / "out.json").doc
    assert len(doc.annex2.henko_kasho) == 24
    r = run("changelog", old, tmp_path / "out.json", "--date", DATE, "--in-place")
    assert r.exit_code == 0 and len(api.load(tmp_path / "out.json").doc.annex2.henko_kasho) == 24


@pytest.mark.parametrize("args,message", [
    (["--date", "令和7年2月30日"], "存在しない日付"),
    (["--date", DATE, "--format", "json", "--in-place"], "--format"),
    (["--date", DATE, "-o", "x.xlsx", "--in-place"], "どちらか"),
    (["--date", DATE, "-o", "x.json"], "同じ形式"),
])
def test_usage_errors_exit_2_with_one_line(pair, args, message):
    old, new = pair
    r = run("changelog", old, new, *args)
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert len(r.stderr.strip().splitlines()) == 1


def test_other_form_or_unreadable_input(pair, tmp_path):
    old, new = pair
    z = tmp_path / "z.json"
    api.save(api.new("zenkomoku"), z)
    r = run("changelog", z, new, "--date", DATE)
    assert r.exit_code == 2 and "様式が違う" in r.output
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    r = run("changelog", old, bad, "--date", DATE)
    assert r.exit_code == 2 and "bad.xlsx" in r.output
    r = run("changelog", old, new, "--date", DATE, "-o", old)
    assert r.exit_code == 2 and "比較元" in r.output
