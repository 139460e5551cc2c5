"""Real change pairs from the seeds' change logs, rebuilt as old/new models, give the real rows back.

For each chosen row of ``shared/reference/changelog_rows.tsv`` the new model is the base document with the row's
変更後 at the item, the old model the same with its 変更前. The diff must give exactly one row whose 変更前 and
変更後 are the real texts, whose 項目 names the same item as the real 項目 (the parser reads the real string back
to our path) and whose suggested 提出時期 is the real one.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pia_excel import api
from pia_excel.changelog import changelog_rows, parse_item
from pia_excel.models import new_document

from test_changelog_support import FORMS, reference_rows, set_path

FIXTURES = Path(__file__).with_name("fixtures")
KUSHIRO = FIXTURES / "kushiro_shuno_juten.json"

#: (seed file prefix, seed line, instance path); "-" in the real text means empty
CASES = [
    ("001", 269, "I.shozokucho_yakushoku"),  # 所属長 (personnel), 項目 abbreviated "②所属長"
    ("001", 271, "files[1].II.jimu_tanto_busho"),
    ("001", 272, "files[1].II.shiyo_busho"),
    ("001", 273, "I.kojin_bango_riyo_konkyo"),  # 公金受取口座: 口座登録法 added, 事前
    ("001", 274, "I.renkei_jisshi_umu"),  # 公金受取口座: 実施しない → 実施する (choice), 事前
    ("001", 275, "I.renkei_konkyo"),  # 公金受取口座: "-" → text, 事前
    ("001", 278, "files[1].II.shiyo_hoho"),
    ("001", 279, "I.kojin_bango_riyo_konkyo"),  # 法改正: 別表第1 → 別表
    ("001", 280, "I.renkei_konkyo"),  # 法改正: 別表第2 → 主務省令第2条の表
    ("001", 281, "I.shozokucho_yakushoku"),
    ("001", 282, "files[1].II.iten_saki[1].iten_konkyo"),
    ("001", 283, "files[1].II.iten_saki[1].iten_yoto"),
    ("001", 284, "files[1].II.iten_saki[2].iten_konkyo"),
    ("001", 287, "files[1].II.iten_saki[5].iten_konkyo"),
    ("001", 288, "IV.seikyu_saki"),
    ("001", 289, "IV.toiawase_renrakusaki"),
    ("002", 5112, "files[1].II.itaku_jiko[2].itaku_hani"),  # choice, 項目 cut off mid-label
    ("002", 5157, "files[1].II.itaku_jiko[1].itakusaki_mei"),
    ("003", 10, "cover.kohyo_bi"),  # 和暦 dates
    ("003", 15, "I.shozokucho_yakushoku"),
    ("003", 73, "files[1].II.itaku_jiko[1].itakusaki_mei"),
    ("003", 74, "files[1].II.iten_saki[2].iten_konkyo"),
    ("003", 165, "VI.kiso_jisshi_bi"),
    ("003", 166, "VI.iken_kikan"),
    ("003", 171, "VI.daisansha_jisshi_bi"),
]


#: author slips in the real 項目 that the parser rightly refuses ("I 関連情報" for "I 基本情報", see the
#: fixture notes): the test checks the corrected string instead
CORRECTED = {
    ("001", 274): "I 基本情報 5.①実施の有無",
    ("001", 275): "I 基本情報 5.②法令上の根拠",
    ("001", 280): "I 基本情報 5.②法令上の根拠",
}


def _row(prefix: str, line: int) -> dict:
    for r in reference_rows():
        if r["file"].startswith(prefix) and int(r["line_start"]) == line:
            return r
    raise KeyError((prefix, line))


def _base(form: str, prefix: str):
    if prefix == "001":
        return api.load(KUSHIRO).doc
    return new_document(form)


def _value(text: str):
    return None if text.strip() in ("-", "ー", "") else text


@pytest.mark.parametrize("prefix,line,path", CASES, ids=[f"{p}-L{n}" for p, n, _ in CASES])
def test_real_row_is_reproduced(prefix, line, path):
    real = _row(prefix, line)
    form = FORMS[real["form"]]
    new = _base(form, prefix)
    set_path(new, path, _value(real["変更後"]))
    old = new.model_copy(deep=True)
    set_path(old, path, _value(real["変更前"]))
    rows = changelog_rows(old, new, real["変更日"])
    assert len(rows) == 1, [r.row.item for r in rows]
    got = rows[0]
    assert got.path == path
    assert got.row.before == real["変更前"]
    assert got.row.after == real["変更後"]
    assert str(got.row.date) == real["変更日"]
    # 項目: the real (abbreviated, typo'd) string and ours name the same item
    if (prefix, line) in CORRECTED:  # not guessed: the item is a candidate
        slip = parse_item(real["項目"], form)
        assert not slip.resolved and path in slip.candidates
    assert parse_item(CORRECTED.get((prefix, line), real["項目"]), form).path == path, real["項目"]
    assert parse_item(got.row.item, form).path == path, got.row.item
    assert got.row.timing == real["提出時期"]
    assert got.row.explanation.startswith("【要確認】")


def test_law_rewrites_are_explained_as_such():
    for prefix, line, path in CASES:
        real = _row(prefix, line)
        if real["説明"] != "法改正によるもの" or "別表" not in real["変更前"]:
            continue
        new = api.load(KUSHIRO).doc
        set_path(new, path, real["変更後"])
        old = new.model_copy(deep=True)
        set_path(old, path, real["変更前"])
        (row,) = changelog_rows(old, new, real["変更日"])
        assert row.row.explanation == "【要確認】法改正によるもの", real["項目"]


def test_koukin_uketori_koza_rows_are_jizen_together():
    """The 令和4年12月27日 change (公金受取口座) touched three ※ items at once: all three are 事前."""
    new = api.load(KUSHIRO).doc
    old = new.model_copy(deep=True)
    for line in (273, 274, 275):
        path = dict(((p, n), q) for p, n, q in CASES)[("001", line)]
        real = _row("001", line)
        set_path(new, path, _value(real["変更後"]))
        set_path(old, path, _value(real["変更前"]))
    rows = changelog_rows(old, new, "令和4年12月27日")
    assert [(r.path, r.row.timing) for r in rows] == [
        ("I.kojin_bango_riyo_konkyo", "事前"), ("I.renkei_jisshi_umu", "事前"), ("I.renkei_konkyo", "事前")]
    assert [r.row.before for r in rows] == [_row("001", n)["変更前"] for n in (273, 274, 275)]


def test_combined_real_row_splits_into_its_items():
    """L270 reports ①部署 and ②所属長の役職名 in one row; we give one row per item, each text inside it."""
    real = _row("001", 270)
    new = api.load(KUSHIRO).doc
    set_path(new, "I.busho", "財政部納税課")
    set_path(new, "I.shozokucho_yakushoku", "納税課長")
    old = new.model_copy(deep=True)
    set_path(old, "I.busho", "総務部納税課")
    set_path(old, "I.shozokucho_yakushoku", "収納管理監")
    rows = changelog_rows(old, new, real["変更日"])
    assert [r.path for r in rows] == ["I.busho", "I.shozokucho_yakushoku"]
    for r in rows:
        assert r.row.before in real["変更前"] and r.row.after in real["変更後"]
        assert r.row.timing == "事後"
    parsed = parse_item(real["項目"], "juten")
    assert parsed.status == "group" and set(parsed.paths) == {"I.busho", "I.shozokucho_yakushoku"}


def test_checkbox_detail_change_shows_the_detail():
    """L276: the real row gives the detail text of 評価実施機関内の他部署; ours shows the tick with it."""
    real = _row("001", 276)
    new = api.load(KUSHIRO).doc
    set_path(new, "files[1].II.nyushu_moto", [{"label": "評価実施機関内の他部署", "detail": real["変更後"]}])
    old = new.model_copy(deep=True)
    set_path(old, "files[1].II.nyushu_moto", [{"label": "評価実施機関内の他部署", "detail": real["変更前"]}])
    (row,) = changelog_rows(old, new, real["変更日"])
    assert row.row.before == f"[○]評価実施機関内の他部署（{real['変更前']}）"
    assert row.row.after == f"[○]評価実施機関内の他部署（{real['変更後']}）"
    assert row.row.timing == "事前"  # 入手元 is a ※ item; the real row says 事後 (staff judged it), so 【要確認】
    assert parse_item(real["項目"], "juten").path == "files[1].II.nyushu_moto"


ADACHI_CASES = [  # 足立区 (全項目, three files): rows given in full (no "(略)") on per-file ※ items, 事前
    (1687, "files[1].III.access_hakko_shikko_hoho"),
    (1688, "files[1].III.access_kanri_hoho"),
    (1696, "files[1].III.III_7_risk2_measures"),
]


@pytest.mark.parametrize("line,path", ADACHI_CASES)
def test_real_rows_of_a_three_file_document(line, path):
    real = _row("004", line)
    new = api.load(FIXTURES / "adachi_jukijo_zenkomoku.json").doc
    assert len(new.files) == 3
    set_path(new, path, real["変更後"])
    old = new.model_copy(deep=True)
    set_path(old, path, real["変更前"])
    (got,) = changelog_rows(old, new, "令和7年8月1日")
    assert (got.path, got.row.before, got.row.after, got.row.timing) == (path, real["変更前"], real["変更後"], "事前")
    assert real["提出時期"] == "事前"
    # ours names the file; the real one does not, so it only reads back in a single-file reading
    assert "（1）住民基本台帳ファイル" in got.row.item
    names = {n: f.II.II_1 for n, f in enumerate(new.files, start=1)}
    assert parse_item(got.row.item, "zenkomoku", files=3, file_names=names).path == path
    unnamed = parse_item(real["項目"], "zenkomoku", files=3)  # which file? each is a candidate
    assert not unnamed.resolved and path in unnamed.candidates
    assert parse_item(real["項目"], "zenkomoku").path == path


# ------------------------------------------------------------------------------------------------- reasons
def _one_row(path, before, after, form="zenkomoku"):
    new = new_document(form)
    set_path(new, path, after)
    old = new.model_copy(deep=True)
    set_path(old, path, before)
    (row,) = changelog_rows(old, new, "令和7年2月25日")
    return row


def test_an_organisation_renamed_is_an_organisation_change():
    """札幌市 (seed 003 L9) renamed 情報化推進部 in Ⅳ-1 ② 具体的な内容 (a ※ item), reported 事後; 釧路市 (seed 001
    L272) 総務部納税課 → 財政部納税課."""
    real = _row("003", 9)
    row = _one_row("IV.kansa_naiyo", "総務局情報化推進部が年1回監査を行う。", "総務局情報システム部が年1回監査を行う。")
    assert (row.row.timing, row.suggestion.reason) == (real["提出時期"], "organisation")
    assert row.row.explanation == "【要確認】重要な変更にあたらない（組織の変更）"
    row = _one_row("files[1].II.shiyo_hoho", "総務部納税課において賦課情報を管理する。", "財政部納税課において賦課情報を管理する。",
                   "juten")
    assert row.suggestion.reason == "organisation"


def test_numbers_periods_frequencies_and_choices_are_never_wording():
    for path, before, after in [
        ("files[1].II.nyushu_jiki", "月次の頻度で入手する。", "日次の頻度で入手する。"),  # frequency (seed 003 L59 kind)
        ("files[1].II.hokan_kikan_datosei", "保管期間は5年とする。", "保管期間は10年とする。"),  # period
        ("files[1].II.nyushu_jiki", "毎月入手する。", "随時入手する。"),
    ]:
        row = _one_row(path, before, after)
        assert row.suggestion.reason not in ("wording",), (before, after, row.suggestion)
        assert "文言の整理" not in row.row.explanation
    row = _one_row("files[1].II.hokan_kikan_kikan", "5年", "6年以上10年未満")  # a choice
    assert "文言の整理" not in row.row.explanation
    # the same text with a word changed: wording
    row = _one_row("files[1].II.nyushu_jiki", "月次の頻度で入手する。", "月次の頻度で取得する。")
    assert row.suggestion.reason == "wording"
