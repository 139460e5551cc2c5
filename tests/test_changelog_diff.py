"""diff(): properties on generated documents, and the behaviour at blocks, files, invalid values and labels."""
from __future__ import annotations

from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pia_excel.changelog import EMPTY, diff, parse_item
from pia_excel.changelog.diff import DELETED
from pia_excel.spec.labels import instance_path, item_label
from pia_excel.models import new_document
from pia_excel.spec import load_spec

from strategies import documents
from test_changelog_support import set_path

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
#: parsing every label of a generated pair is slow-ish; the deterministic test below covers every item
FEW = settings(SETTINGS, max_examples=6)
KIND_MIRROR = {"changed": "changed", "added": "removed", "removed": "added"}


@st.composite
def pairs(draw):
    form = draw(st.sampled_from(["juten", "zenkomoku"]))
    a = draw(documents(form=form))
    b = draw(documents(form=form))
    return a, b


@SETTINGS
@given(doc=documents())
def test_diff_of_a_document_with_itself_is_empty(doc):
    assert diff(doc, doc) == []
    assert diff(doc, doc.model_copy(deep=True)) == []


@SETTINGS
@given(pair=pairs())
def test_diff_mirrors_and_lists_real_changes_in_form_order(pair):
    a, b = pair
    ab, ba = diff(a, b), diff(b, a)
    assert [c.path for c in ab] == [c.path for c in ba]
    for x, y in zip(ab, ba):
        assert y.kind == KIND_MIRROR[x.kind]
        # mirrored, an emptied text ("削除") reads as an added one ("-")
        assert (_unmark(x.before), _unmark(x.after)) == (_unmark(y.after), _unmark(y.before))
        assert x.important == y.important
        if not _file_names_differ(a, b) and a.edition == b.edition:  # numbered as the new version's edition
            assert x.label == y.label
    assert len({c.path for c in ab}) == len(ab)
    for c in ab:
        assert c.before != c.after
        assert c.before and c.after  # empty is written "-" before, "削除" after
        assert DELETED not in c.before.split("\n") and EMPTY not in c.after.split("\n")
        assert c.label
    order = _form_order(a.form, max(len(a.files), len(b.files)))
    keys = [order.index(_order_key(c.path)) for c in ab]
    assert keys == sorted(keys)


def _unmark(text: str) -> str:
    return "\n".join(EMPTY if line == DELETED else line for line in text.split("\n"))


def _file_names_differ(a, b) -> bool:
    names = lambda d: [f.II.II_1 for f in d.files]  # noqa: E731
    return names(a)[:len(b.files)] != names(b)[:len(a.files)]


def _order_key(path: str) -> str:
    """The item (or block/file) a change belongs to, without the repeat slot: form order is by item first."""
    import re

    if re.fullmatch(r"files\[\d+\]", path):
        return path
    m = re.match(r"^(files\[\d+\]\.)?(.*)$", path)
    file_part = m.group(1) or ""
    rest = re.sub(r"\[\d+\].*$", "", m.group(2))  # a block's fields sort with their repeat group
    if not m.group(2):
        return file_part
    return file_part + rest


@lru_cache(maxsize=None)
def _form_order(form: str, files: int) -> list[str]:
    spec = load_spec(form)
    out = []
    for s in spec.sections:
        if s.per_file:
            if s is spec.file_sections[0]:
                for n in range(1, files + 1):
                    out.append(f"files[{n}]")
                    for fs in spec.file_sections:
                        out += [f"files[{n}].{it.path}" for it in spec.value_items() if it.section is fs
                                and it.repeat is None]
            continue
        out += [it.path for it in spec.value_items() if it.section is s and it.repeat is None]
    return out


@FEW
@given(pair=pairs())
def test_every_label_parses_back_to_its_path(pair):
    a, b = pair
    files = max(len(a.files), len(b.files))
    names = {n: (b.files[n - 1].II.II_1 if n <= len(b.files) else None) or
             (a.files[n - 1].II.II_1 if n <= len(a.files) else None) for n in range(1, files + 1)}
    for c in diff(a, b):
        if c.path.startswith("files[") and c.item is None:
            continue  # whole files are named by number and name only
        r = parse_item(c.label, a.form, files=files, file_names=names)
        assert r.path == c.path, (c.label, r)


@pytest.mark.parametrize("form", ["juten", "zenkomoku"])
def test_printed_paths_are_unique_and_parse_back(form):
    """Every item of the form, in slot 2 and in file 2 of 3, prints a path that reads back to it."""
    spec = load_spec(form)
    seen = {}
    for it in spec.value_items():
        if it is spec.changes_item:
            continue
        slots = {r.key: 2 for r in ([it.repeat] if it.repeat else [])}
        if it.kind == "repeat":
            slots[it.key] = 2
        file = (2, "本人確認情報ファイル") if it.section.per_file else None
        label = item_label(it, slots, file)
        assert label not in seen, (label, it.path, seen.get(label))
        seen[label] = it.path
        path = instance_path(it, slots, 2)
        r = parse_item(label, form, files=3, file_names={2: "本人確認情報ファイル"})
        assert r.path == path and not r.fuzzy, (label, r)
        single = item_label(it, slots, None)
        assert parse_item(single, form).path == instance_path(it, slots, 1), single


def test_label_style():
    spec = load_spec("juten")
    # 重点 (seed 001) prints "6." and "リスク1："; numbers are written as the form prints them
    assert item_label(spec.item("I.shozokucho_yakushoku")) == "Ⅰ 基本情報 6. 評価実施機関における担当部署 ②所属長の役職名"
    assert item_label(spec.item("II.iten_saki.iten_konkyo"), {"iten_saki": 1}) == \
        "Ⅱ 特定個人情報ファイルの概要 5. 特定個人情報の提供・移転 移転先1 ①法令上の根拠"
    assert item_label(spec.item("cover.kohyo_bi")) == "表紙 公表日"
    assert item_label(spec.item("II.shiyo_busho")) == "Ⅱ 特定個人情報ファイルの概要 3. 特定個人情報の入手・使用 ④使用の主体 使用部署"
    # 全項目: "３．" and "リスク２：" in the 平成30年 edition (seed 002), "3." and "リスク2：" in 令和7年 (seed 004)
    z = load_spec("zenkomoku")
    assert item_label(z.item("III.III_3_risk2_other_measures")) == (
        "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策 ３．特定個人情報の使用 "
        "リスク２：権限のない者（元職員、アクセス権限のない職員等）によって不正に使用されるリスク その他の措置の内容")
    assert item_label(z.item("III.III_3_risk2_other_measures"), half=True) == (
        "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策 3. 特定個人情報の使用 "
        "リスク2：権限のない者（元職員、アクセス権限のない職員等）によって不正に使用されるリスク その他の措置の内容")
    assert item_label(z.item("II.taisho_honnin_hitsuyosei")) == \
        "Ⅱ 特定個人情報ファイルの概要 ２．基本情報 ③対象となる本人の範囲 その必要性"
    assert item_label(z.item("annex2.kiroku_komoku_list")) == "（別添２）特定個人情報ファイル記録項目"
    assert item_label(z.item("II.II_1"), file=(2, "(2)本人確認情報ファイル")) == \
        "Ⅱ 特定個人情報ファイルの概要 （2）本人確認情報ファイル １．特定個人情報ファイル名"


def test_value_texts():
    new = new_document("zenkomoku")
    old = new.model_copy(deep=True)
    set_path(new, "cover.kohyo_bi", "令和7年2月25日")
    set_path(old, "cover.kohyo_bi", "R6.10.1")
    set_path(new, "files[1].II.itaku_umu", "委託する")
    set_path(new, "files[1].II.itaku_umu_count", 2)
    set_path(old, "files[1].II.itaku_umu", "委託する")
    set_path(old, "files[1].II.itaku_umu_count", 1)
    set_path(new, "files[1].II.nyushu_hoho", [{"label": "専用線"}, {"label": "その他", "detail": "住基ネット"}])
    set_path(new, "I.taisho_ninzu", "30万人以上")
    changes = {c.path: c for c in diff(old, new)}
    assert (changes["cover.kohyo_bi"].before, changes["cover.kohyo_bi"].after) == ("令和6年10月1日", "令和7年2月25日")
    assert (changes["files[1].II.itaku_umu"].before, changes["files[1].II.itaku_umu"].after) == \
        ("委託する（1件）", "委託する（2件）")
    assert changes["files[1].II.nyushu_hoho"].before == EMPTY
    assert changes["files[1].II.nyushu_hoho"].after == "[○]専用線\n[○]その他（住基ネット）"
    assert changes["I.taisho_ninzu"].after == "30万人以上"
    assert changes["files[1].II.itaku_umu"].important


def test_blocks_are_matched_by_slot_and_added_or_removed_as_a_whole():
    new = new_document("juten")
    set_path(new, "I.systems[1].system_name", "収納管理システム")
    set_path(new, "I.systems[2].system_name", "共通宛名システム")
    set_path(new, "I.systems[3].system_name", "中間サーバー")
    set_path(new, "I.systems[3].system_function", "符号管理")
    old = new.model_copy(deep=True)
    old.I.systems = old.I.systems[:2]
    set_path(old, "I.systems[2].system_name", "宛名システム")
    changes = diff(old, new)
    assert [(c.path, c.kind) for c in changes] == [("I.systems[2].system_name", "changed"), ("I.systems[3]", "added")]
    added = changes[1]
    assert added.label == "Ⅰ 基本情報 2. 特定個人情報ファイルを取り扱う事務において使用するシステム システム3"
    assert (added.before, added.after) == (EMPTY, "①システムの名称：中間サーバー\n②システムの機能：符号管理")
    back = diff(new, old)
    assert back[1].kind == "removed" and (back[1].before, back[1].after) == (added.after, DELETED)


def test_an_emptied_block_counts_as_removed():
    new = new_document("juten")
    set_path(new, "files[1].II.itaku_jiko[1].itaku_naiyo", "システム保守")
    set_path(new, "files[1].II.itaku_jiko[2].itaku_naiyo", "印刷")
    old = new.model_copy(deep=True)
    new.files[0].II.itaku_jiko[0] = type(new.files[0].II.itaku_jiko[0])()
    (c,) = diff(old, new)
    assert (c.path, c.kind) == ("files[1].II.itaku_jiko[1]", "removed")


def test_per_file_parts_are_named_by_their_file_and_files_added():
    new = new_document("zenkomoku", files=2)
    set_path(new, "files[1].II.II_1", "(1)住民基本台帳ファイル")
    set_path(new, "files[2].II.II_1", "(2)本人確認情報ファイル")
    set_path(new, "files[2].II.jimu_tanto_busho", "戸籍住民課")
    old = new.model_copy(deep=True)
    set_path(old, "files[2].II.jimu_tanto_busho", "戸籍住民課住民記録係")
    (c,) = diff(old, new)
    assert c.label == "Ⅱ 特定個人情報ファイルの概要 （2）本人確認情報ファイル 2. 基本情報 ⑥事務担当部署"
    assert parse_item(c.label, "zenkomoku", files=2).path == "files[2].II.jimu_tanto_busho"
    # without the file the item is ambiguous in a two-file document: never guessed
    assert not parse_item("Ⅱ-2 ⑥事務担当部署", "zenkomoku", files=2).resolved
    one = new.model_copy(deep=True)
    one.files = one.files[:1]
    (added,) = diff(one, new)
    assert (added.path, added.kind) == ("files[2]", "added")
    assert added.label == "Ⅱ 特定個人情報ファイルの概要 （2）本人確認情報ファイル"
    assert added.important is False  # nothing marked ※ is filled in the added file


def test_invalid_values_take_part_with_their_raw_text():
    new = new_document("juten")
    old = new.model_copy(deep=True)
    old.invalid_values["I.taisho_ninzu"] = "約20万人"
    set_path(new, "I.taisho_ninzu", "10万人以上30万人未満")
    (c,) = diff(old, new)
    assert (c.before, c.after) == ("約20万人", "10万人以上30万人未満")


def test_the_change_table_is_not_compared():
    new = new_document("juten")
    old = new.model_copy(deep=True)
    set_path(new, "annex2.henko_kasho", [{"date": "令和7年2月25日", "item": "表紙 公表日"}])
    assert diff(old, new) == []


def test_forms_must_match():
    with pytest.raises(ValueError):
        diff(new_document("juten"), new_document("zenkomoku"))


def test_record_item_lists_show_only_the_changed_entries():
    new = new_document("juten")
    entries = [f"{i}. 項目{i}" for i in range(1, 121)]
    set_path(new, "files[1].annex1.kiroku_komoku_list", entries)
    old = new.model_copy(deep=True)
    set_path(old, "files[1].annex1.kiroku_komoku_list", entries[:50] + ["51. 旧項目"] + entries[51:119])
    (c,) = diff(old, new)
    assert c.label == "(別添1)特定個人情報ファイル記録項目"
    assert (c.before, c.after) == ("（略）\n51. 旧項目", "（略）\n51. 項目51\n120. 項目120")
    set_path(old, "files[1].annex1.kiroku_komoku_list", [])
    (c,) = diff(old, new)
    assert c.before == EMPTY and c.after == "\n".join(entries)  # a new list is given in full


# ------------------------------------------------------------------------------------------------- written as an author would
def test_heading_numbers_as_the_edition_prints_them():
    """"2." and "リスク1：" in 重点 and the 令和7年 全項目 (seeds 001, 004), "２．" in the 平成30年 全項目 (seed 002)."""
    for form, edition, expected in [
        ("juten", "h30-05", "Ⅲ リスク対策 3. 特定個人情報の使用 リスク1："),
        ("zenkomoku", "r7-05", "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策 3. 特定個人情報の使用 リスク1："),
        ("zenkomoku", "h30-05", "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策 ３．特定個人情報の使用 リスク１："),
    ]:
        new = new_document(form, edition=edition)
        old = new.model_copy(deep=True)
        set_path(new, "files[1].III.III_3_risk1_other_systems" if form == "zenkomoku" else
                 "files[1].III.III_3_risk1_measures", "アクセス権限を設定する。")
        (c,) = diff(old, new)
        assert c.label.startswith(expected), c.label
        assert parse_item(c.label, form).path == c.path


def test_only_the_changed_paragraph_is_quoted():
    new = new_document("zenkomoku")
    paragraphs = ["1 資格に関する事務", "① 届出を受け付ける。", "2 医療給付に関する事務", "① 療養費の届出を受け付ける。"]
    set_path(new, "I.jimu_naiyo", "\n".join(paragraphs))
    old = new.model_copy(deep=True)
    set_path(old, "I.jimu_naiyo", "\n".join(paragraphs[:3] + ["① 療養費等の届出の受付を行う。"]))
    (c,) = diff(old, new)
    assert (c.before, c.after) == ("（略）\n① 療養費等の届出の受付を行う。", "（略）\n① 療養費の届出を受け付ける。")
    # a paragraph deleted: 削除
    set_path(old, "I.jimu_naiyo", "\n".join(paragraphs + ["3 保険料の賦課に関する事務"]))
    (c,) = diff(old, new)
    assert (c.before, c.after) == ("（略）\n3 保険料の賦課に関する事務", "（略）\n削除")
    # nothing unchanged: the whole text
    set_path(old, "I.jimu_naiyo", "後期高齢者医療の資格管理")
    (c,) = diff(old, new)
    assert (c.before, c.after) == ("後期高齢者医療の資格管理", "\n".join(paragraphs))


def test_a_deleted_text_is_written_sakujo():
    old = new_document("zenkomoku")
    set_path(old, "files[1].III.III_6_other_risks", "情報提供ネットワークシステムとの連携は中間サーバーが行う。")
    new = old.model_copy(deep=True)
    set_path(new, "files[1].III.III_6_other_risks", None)
    (c,) = diff(old, new)
    assert c.after == "削除" and c.before.startswith("情報提供")


@pytest.mark.parametrize("value", ["削除", "-", "（略）", "旧条例第3条\n削除"])
def test_a_value_written_like_a_marker_is_never_taken_for_one(value):
    """Found by the mirror property: an 法令上の根拠 written "削除" read as the deletion of the item."""
    old, new = new_document("juten"), new_document("juten")
    set_path(old, "I.kojin_bango_riyo_konkyo", value)
    set_path(new, "I.kojin_bango_riyo_konkyo", "番号法第9条第1項")
    (c,) = diff(old, new)
    (m,) = diff(new, old)
    quoted = "\n".join(f"「{line}」" if line in ("削除", "-", "（略）") else line for line in value.split("\n"))
    assert (c.before, c.after) == (quoted, "番号法第9条第1項") == (m.after, m.before)
    assert c.kind == m.kind == "changed"


def test_a_record_item_written_like_a_marker_is_bracketed_in_the_list_change():
    old, new = new_document("zenkomoku"), new_document("zenkomoku")
    set_path(old, "files[1].annex2.kiroku_komoku_list", ["氏名", "住所"])
    set_path(new, "files[1].annex2.kiroku_komoku_list", ["氏名", "住所", "削除"])
    (c,) = diff(old, new)
    assert (c.before, c.after) == ("（略）\n-", "（略）\n「削除」")
