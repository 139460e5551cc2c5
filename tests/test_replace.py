"""pia-excel replace (dry run): one renaming found in every document of a folder, with cells and 変更箇所 rows."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from pia_excel.cli import main
from pia_excel.organisation.replace import Pair, dry_run, find, read_pairs
from pia_excel.rules.cells import cell_of

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def _folder(tmp_path: Path) -> Path:
    docs = tmp_path / "評価書"
    docs.mkdir()
    for p in SAMPLES.glob("*.xlsx"):
        shutil.copy(p, docs / p.name)
    return docs


def _digest(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_whole_words_in_japanese_text():
    assert find("都市民部", "市民部") == []  # kanji before kanji: another word
    assert find("市民部長", "市民部") == [0]  # a compound to the right is the same unit
    assert find("釧路市総合政策部市民協働推進課", "総合政策部") == [3]  # after the name of the city
    assert find("システムズ", "システム") == [] and find("宛名システム", "システム") == [2]


def test_dry_run_lists_every_place_and_writes_nothing(tmp_path):
    docs = _folder(tmp_path)
    before = _digest(docs)
    report = tmp_path / "確認.xlsx"
    res = CliRunner().invoke(main, ["replace", "戸籍住民課", "市民課", str(docs), "--date", "令和8年4月1日",
                                    "--report", str(report), "-j", "2"])
    assert res.exit_code == 0, res.output
    assert _digest(docs) == before  # a dry run
    assert "合計: 2件のうち 1件の評価書" in res.stdout
    wb = openpyxl.load_workbook(report)
    ws = wb["置換の確認"]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    cells = {(r["シート"], r["セル"]) for r in rows}
    # the 足立区 sample (seed 004): 事務担当部署 of files 1 and 2, 使用部署 of all three, the 委託事項1 名称, the
    # 問合せ先 (「足立区戸籍住民課」: after the ward's name) …
    assert {("Ⅱ ファイルの概要(1)", "C34"), ("Ⅱ ファイルの概要(2)", "C34"), ("Ⅱ ファイルの概要(3)", "C55"),
            ("Ⅱ ファイルの概要(1)", "C65"), ("Ⅴ 開示請求、問合せ", "C14")} <= cells
    toiawase = next(r for r in rows if r["セル"] == "C14" and r["シート"] == "Ⅴ 開示請求、問合せ")
    assert toiawase["件数"] == 2 and "足立区市民課" in toiawase["変更後"] and "戸籍住民課" not in toiawase["変更後"]
    assert all(r["提出時期"] == "事後" and r["提出時期に係る説明"] == "組織の変更" for r in rows)
    assert all(r["変更箇所の項目"] for r in rows)
    # the same places as the library finds, one row per changed item
    lib = dry_run([docs], [Pair("戸籍住民課", "市民課")], date="令和8年4月1日", jobs=1)
    assert len(lib.places) == len(rows)


def test_a_table_of_renames_and_changes_to_marked_items(tmp_path):
    docs = _folder(tmp_path)
    table = tmp_path / "置換表.csv"
    table.write_text("old,new,kind\n総合政策部,総合企画部,rename\n戸籍住民課,市民課,change\n", encoding="utf-8-sig")
    assert read_pairs(table) == [Pair("総合政策部", "総合企画部", "rename"), Pair("戸籍住民課", "市民課", "change")]
    result = dry_run([docs], read_pairs(table), date="令和8年4月1日", jobs=1)
    by_file = {Path(p.file).name for p in result.places}
    assert by_file == {"kushiro_shuno_juten.xlsx", "adachi_jukijo_zenkomoku.xlsx"}
    kushiro = [p for p in result.places if "kushiro" in p.file]
    assert {(p.sheet, p.cell) for p in kushiro} == {("Ⅳ 開示請求、問合せ", "C3"), ("Ⅳ 開示請求、問合せ", "C8")}
    assert all(p.timing == "事後" for p in kushiro)
    # a change (not a pure renaming) of a ※ item (all of Ⅲ) is proposed 事前, for the author to confirm
    marked = [p for p in result.places if p.sheet and p.sheet.startswith("Ⅲ")]
    assert marked and all(p.timing == "事前" and "【要確認】" in p.explanation for p in marked)


def test_wrong_selector_and_empty_pair_are_input_errors(tmp_path):
    docs = _folder(tmp_path)
    res = CliRunner().invoke(main, ["replace", "戸籍住民課", "市民課", str(docs), "--items", "kind:nothing"])
    assert res.exit_code == 2 and "--items" in res.output
    res = CliRunner().invoke(main, ["replace", "同じ", "同じ", str(docs)])
    assert res.exit_code == 2


def test_items_narrow_the_search(tmp_path):
    docs = _folder(tmp_path)
    result = dry_run([docs], [Pair("戸籍住民課", "市民課")], date="令和8年4月1日", jobs=1,
                     selectors=["II.jimu_tanto_busho"])
    assert {(Path(p.file).name, p.path) for p in result.places} == {
        ("adachi_jukijo_zenkomoku.xlsx", "files[1].II.jimu_tanto_busho"),
        ("adachi_jukijo_zenkomoku.xlsx", "files[2].II.jimu_tanto_busho"),
        ("adachi_jukijo_zenkomoku.xlsx", "files[3].II.jimu_tanto_busho")}


def _cells(path: Path) -> dict:
    wb = openpyxl.load_workbook(path, read_only=True)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None and hasattr(c, "coordinate"):
                    out[(ws.title, c.coordinate)] = c.value
    wb.close()
    return out


def test_apply_changes_exactly_those_cells_adds_one_row_per_item_and_reruns_as_a_no_op(tmp_path):
    from pia_excel import api

    docs = _folder(tmp_path)
    shutil.copy(ROOT / "tests" / "fixtures" / "adachi_jukijo_zenkomoku.json", docs / "adachi.json")
    adachi = docs / "adachi_jukijo_zenkomoku.xlsx"
    cells_before = _cells(adachi)
    rows_before = len(api.load(adachi).doc.annex3.henko_kasho)
    kushiro_before = _digest(docs)["kushiro_shuno_juten.xlsx"]
    plan = dry_run([adachi], [Pair("戸籍住民課", "市民課")], date="令和8年4月1日", jobs=1).places

    res = CliRunner().invoke(main, ["replace", "戸籍住民課", "市民課", str(docs), "--date", "令和8年4月1日",
                                    "--apply", "-j", "2"])
    assert res.exit_code == 0, res.output
    assert "書き込みました" in res.stdout
    cells_after = _cells(adachi)
    changes_sheet = cell_of("annex3.henko_kasho", result=api.load(adachi))[0]
    diff = {k for k in set(cells_before) | set(cells_after) if cells_before.get(k) != cells_after.get(k)}
    assert {k for k in diff if k[0] != changes_sheet} == {(p.sheet, p.cell) for p in plan}
    assert not [k for k in diff if k[0] == changes_sheet and k in cells_before]  # rows appended, none rewritten
    for p in plan:
        assert cells_after[(p.sheet, p.cell)] == p.after
    doc = api.load(adachi).doc
    new_rows = doc.annex3.henko_kasho[rows_before:]
    assert len(new_rows) == len(plan)  # one 変更箇所 row per changed item
    assert all(str(r.date) == "令和8年4月1日" and r.timing == "事後" and r.explanation == "組織の変更" for r in new_rows)
    assert {r.item for r in new_rows} == {p.changelog_item for p in plan}
    assert _digest(docs)["kushiro_shuno_juten.xlsx"] == kushiro_before  # nothing to change there
    data = api.load(docs / "adachi.json").doc
    assert data.files[0].II.jimu_tanto_busho.startswith("市民課") and len(data.annex3.henko_kasho) == len(doc.annex3.henko_kasho)

    # a second run finds nothing left to change and writes nothing
    again_before = _digest(docs)
    res = CliRunner().invoke(main, ["replace", "戸籍住民課", "市民課", str(docs), "--date", "令和8年4月1日", "--apply"])
    assert res.exit_code == 0 and "0項目" in res.stdout
    assert _digest(docs) == again_before


def test_a_rename_table_in_xlsx_through_the_cli(tmp_path):
    docs = _folder(tmp_path)
    table = tmp_path / "置換表.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["変更前", "変更後", "種類"])
    wb.active.append(["総合政策部", "総合企画部", "名称変更"])
    wb.save(table)
    assert read_pairs(table) == [Pair("総合政策部", "総合企画部", "rename")]
    res = CliRunner().invoke(main, ["replace", "--table", str(table), str(docs), "--date", "令和8年4月1日"])
    assert res.exit_code == 0, res.output
    assert "Ⅳ 開示請求、問合せ!C3" in res.stdout and "合計: 2件のうち 1件の評価書、2項目を書き換えます" in res.stdout
