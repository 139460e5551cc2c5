"""parse_item(): real 項目 strings of the seeds' change logs read back into item paths, never guessed."""
from __future__ import annotations

import pytest

from pia_excel.spec.parse import parse_item, resolution_stats
from pia_excel.spec.text import item_text_key as normalize

from test_changelog_support import FORMS, reference_rows

#: hand-checked readings of real strings (all from changelog_rows.tsv unless marked)
EXPECTED = [
    # the examples
    ("Ⅲ-3 リスク2 その他の措置の内容", "zenkomoku", "files[1].III.III_3_risk2_other_measures"),
    ("Ⅱ-5 移転先1 ①", "zenkomoku", "files[1].II.iten_saki[1].iten_konkyo"),
    ("I 基本情報 6. 評価実施機関における担当部署 ②所属長", "juten", "I.shozokucho_yakushoku"),
    ("表紙 公表日", "zenkomoku", "cover.kohyo_bi"),
    # 釧路市 (重点)
    ("II 特定個人情報ファイルの概要 2. ⑥事務担当部署", "juten", "files[1].II.jimu_tanto_busho"),
    ("II 特定個人情報ファイルの概要 3. ④使用の主体-使用部署", "juten", "files[1].II.shiyo_busho"),
    ("II 特定個人情報ファイルの概要 5. 移転先1①法令上の根拠", "juten", "files[1].II.iten_saki[1].iten_konkyo"),
    ("II 特定個人情報ファイルの概要 5. 移転先3①法令上の根拠", "juten", "files[1].II.iten_saki[3].iten_konkyo"),
    ("IV 開示請求、問合せ 2. ①連絡先", "juten", "IV.toiawase_renrakusaki"),
    # 世田谷区 (全項目, 平成30年様式): full-width numbers and spaces, a cut-off label, a stray 」
    ("Ⅰ 基本情報　２．特定個人情報ファイルを取り扱う事務において使用するシステム　システム４　①システムの名称", "zenkomoku",
     "I.systems[4].system_name"),
    ("Ⅱファイルの概要　４．特定個人情報ファイルの取扱いの委託　委託事項２　②取扱いを委託する」特定個人情報ファイ", "zenkomoku",
     "files[1].II.itaku_jiko[2].itaku_hani"),
    ("Ⅱファイルの概要　４．特定個人情報ファイルの取扱いの委託　委託事項２　再委託　⑧再委託の許諾方法", "zenkomoku",
     "files[1].II.itaku_jiko[2].saiitaku_kyodaku_hoho"),
    ("Ⅱファイルの概要　３．特定個人情報の入手・使用　④入手に係る妥当性　＜国保連合会からの入手＞", "zenkomoku",
     "files[1].II.nyushu_datosei"),
    ("Ⅲリスク対策（プロセス）　２．特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。） リスク３：　"
     "入手した特定個人情報が不正確であるリスク　個人番号の真正性確認の措置の内容", "zenkomoku",
     "files[1].III.III_2_risk3_shinseisei"),
    ("Ⅲリスク対策（プロセス）　4．特定個人情報ファイルの取扱いの委託　特定個人情報の提供ルール　"
     "委託元と委託先間の提供に間するルールの内容及びルール遵守の確認方法", "zenkomoku",
     "files[1].III.teikyo_rule_itakumoto_saki"),
    # 札幌市 (全項目, older edition): short forms, OCR "1" for Ⅰ, old section titles, small typos
    ("Ⅲ-3 リスク2 アクセス権限の発行・失効の管理 具体的な管理方法", "zenkomoku", "files[1].III.access_hakko_shikko_hoho"),
    ("Ⅳ-1 ② 具体的な内容", "zenkomoku", "IV.kansa_naiyo"),
    ("I-5", "zenkomoku", "I.kojin_bango_riyo_konkyo"),
    ("I-7 ②所属長の役職名", "zenkomoku", "I.shozokucho_yakushoku"),
    ("1 基本情報 2 特定個人情報ファイルを取り扱う事務において使用するシステム システム5 ②システムの機能", "zenkomoku",
     "I.systems[5].system_function"),
    ("I 基本情報 (別添1)事務の内容 (備考)", "zenkomoku", "annex1.jimu_naiyo_biko"),
    ("II 特定個人情報ファイルの概要 2 基本情報 ③対象となる本人の範囲—その必要性", "zenkomoku",
     "files[1].II.taisho_honnin_hitsuyosei"),
    ("II 特定個人情報ファイルの概要 6 特定個人情報の保管・消去 ②保管期間一その妥当性", "zenkomoku",
     "files[1].II.hokan_kikan_datosei"),
    ("Ⅲリスク対策(プロセス) 3 特定個人情報の使用 リスク2 ユーザー認証の管理", "zenkomoku", "files[1].III.user_ninsho"),
    ("Ⅲリスク対策(プロセス) 7 特定個人情報の保管・消去 リスク3 消去手順—手順の内容", "zenkomoku",
     "files[1].III.shokyo_tejun_naiyo"),
    ("IVリスク対策(その他) 3 その他のリスク対策", "zenkomoku", "IV.IV_3"),
    ("VI評価実施手続き 3 第三者点検実施日", "zenkomoku", "VI.daisansha_jisshi_bi"),
    # 足立区 (全項目, OCR): page prefixes, words broken by line ends, ※ notes, OCR slips (村定, おスク)
    ("P5 I -2 システム2 ②システムの機能", "zenkomoku", "I.systems[2].system_function"),
    ("P33 (別添1)事務の内容", "zenkomoku", "annex1.jimu_naiyo_figure"),
    ("P51 Ⅲ 特定個人情報ファイルの 取扱いプロセスにおけるリス ク対策 ※(7. リスク1⑨を除 く。) 7. 特定個人情報の保管・消 去 "
     "⑤物理的対策", "zenkomoku", "files[1].III.butsuriteki"),
    ("P14 II 特定個人情報ファイル概要 6. 特定個人情報の保管・消 去 ①保管場所", "zenkomoku", "files[1].II.hokan_basho"),
    ("P46 Ⅲ-3 村定個人情報の使用 リスク2:権限のない者(元職 員、アクセス権のない職員 等)によって不正に使用され おスク "
     "特定個人情報の使用の記録 具体的な方法", "zenkomoku", "files[1].III.shiyo_kiroku_hoho"),
    ("P11 Ⅱ-3 特定個人情報の入手・使用 ⑧使用方法 情報の突合", "zenkomoku", "files[1].II.joho_totsugo"),
]

#: whole headings and repeat blocks
GROUPS = [
    ("I 基本情報 6. 評価実施機関における担当部署", "juten", None, {"I.busho", "I.shozokucho_yakushoku"}),
    ("P7 I-2 特定個人情報ファイルを取り 扱う事務において使用するシ ステム システム6", "zenkomoku", "I.systems[6]",
     {"I.systems[6]"}),
    ("Ⅱファイルの概要　４．特定個人情報フ５ァイルの取扱いの委託　委託事項５", "zenkomoku", "files[1].II.itaku_jiko[5]",
     {"files[1].II.itaku_jiko[5]"}),
]

#: never guessed: author slips resolve to candidates (the intended item among them), never to an item
NOT_GUESSED = [
    ("I 関連情報 5.①実施の有無", "juten", "I.renkei_jisshi_umu"),  # wrong section title
    ("表紙 特定個人情報保護評価書(全項目評価書)", "zenkomoku", "cover.privacy_declaration"),  # the title, not an item
    ("IVその他のリスク対策　2．従業者に対する教育・啓発　従業者に対する教育・啓発　具体的な内容", "zenkomoku",
     "IV.kyoiku_keihatsu_hoho"),  # 具体的な方法
    ("Ⅲリスク対策(プロセス) 4 特定個人情報ファイルの取扱いの委託 特定個人情報ファイルの取扱いの記録 "
     "委託先から他者への提供に関するルール内容及びルール順守の確認方法", "zenkomoku",
     "files[1].III.teikyo_rule_tasha"),  # filed under the wrong item
    ("", "juten", None),
    ("その他", "juten", None),
]

AMBIGUOUS = [
    ("Ⅲ-3 その他の措置の内容", "zenkomoku"),  # リスク1 or リスク2
    ("Ⅲ リスクへの対策は十分か", "juten"),
    ("Ⅱ-5 ①法令上の根拠", "juten"),  # 提供先 or 移転先, and no slot: not even a candidate
]


@pytest.mark.parametrize("text,form,path", EXPECTED, ids=[t[:30] for t, _, _ in EXPECTED])
def test_real_strings_resolve(text, form, path):
    r = parse_item(text, form)
    assert (r.status, r.path) == ("item", path)


@pytest.mark.parametrize("text,form,path,members", GROUPS)
def test_headings_and_blocks_resolve_to_groups(text, form, path, members):
    r = parse_item(text, form)
    assert r.status == "group"
    assert set(r.paths) == members
    if path:
        assert r.path == path


@pytest.mark.parametrize("text,form,candidate", NOT_GUESSED)
def test_unclear_strings_are_not_guessed(text, form, candidate):
    r = parse_item(text, form)
    assert not r.resolved and r.path is None and not r.paths
    assert r.sure in ("candidates", "none")
    if candidate:
        assert candidate in r.candidates, r.candidates
    else:
        assert r.status == "unresolved"


@pytest.mark.parametrize("text,form", AMBIGUOUS)
def test_ambiguous_strings_are_reported(text, form):
    r = parse_item(text, form)
    assert r.path is None
    assert r.status in ("ambiguous", "unresolved")
    if text.startswith("Ⅲ"):
        assert r.status == "ambiguous" and len(r.candidates) >= 2


def test_multi_file_documents_need_the_file():
    unnamed = parse_item("Ⅱ-2 ⑥事務担当部署", "zenkomoku", files=3)  # which file? each is a candidate
    assert not unnamed.resolved
    assert unnamed.candidates == tuple(f"files[{n}].II.jimu_tanto_busho" for n in (1, 2, 3))
    assert parse_item("Ⅱ 特定個人情報ファイルの概要 （2）本人確認情報ファイル ２．基本情報 ⑥事務担当部署", "zenkomoku",
                      files=3).path == "files[2].II.jimu_tanto_busho"
    assert not parse_item("Ⅱ 特定個人情報ファイルの概要 （4）その他ファイル ２．基本情報 ⑥事務担当部署", "zenkomoku",
                          files=3).resolved


def test_normalize():
    assert normalize("P51 Ⅲ 特定個人情報ファイルの 取扱い ※(7. リスク1⑨を除 く。) 7.") == "III特定個人情報ファイルの取扱い7."
    assert normalize("Ⅱ-5 移転先１ ①") == "II-5移転先1①"  # circled numbers survive NFKC


def test_resolution_of_the_reference_change_logs():
    """Measured on all 206 real rows (the 項目 column of changelog_rows.tsv): at least 90% resolve.

    Measured when written: 197/206 = 95.6% (185 items, 12 headings or blocks, 9 unresolved, 0 ambiguous); with the
    generalised parser 198/206 = 96.1% (186 items, 12 headings or blocks, 7 author slips given as candidates, 1
    unresolved with candidates). Whether each resolves to the *right* item: tests/test_changelog_items.py."""
    rows = [(r["項目"], FORMS[r["form"]]) for r in reference_rows()]
    stats = resolution_stats(rows)
    print(f"\nparser resolution: {stats['resolved']}/{stats['total']} = {stats['fraction']:.1%} "
          f"(item {stats['item']}, group {stats['group']}, ambiguous {stats['ambiguous']}, "
          f"unresolved {stats['unresolved']})")
    assert stats["total"] == 206
    assert stats["fraction"] >= 0.9


def test_history_of_the_fixtures_is_read_in_the_documents_own_context():
    from pathlib import Path

    from pia_excel import api
    from pia_excel.spec.parse import resolve_history

    fixtures = Path(__file__).with_name("fixtures")
    kushiro = resolve_history(api.load(fixtures / "kushiro_shuno_juten.json").doc)
    assert len(kushiro) == 21
    assert sum(p.resolved for _, p in kushiro) == 18  # the three "I 関連情報" rows are not guessed
    adachi = resolve_history(api.load(fixtures / "adachi_jukijo_zenkomoku.json").doc)
    # three files: rows that do not say which file are not given one
    assert all(p.path is None or not p.path.startswith("files[") for _, p in adachi)
    assert sum(p.resolved for _, p in adachi) == 8
