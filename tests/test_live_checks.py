"""Live checks in the workbook (excel/live.py): recalculated by LibreOffice, an application independent of our
code, they find exactly the (rule, cell) pairs `pia-excel validate` finds for the same rules."""
from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import Workbook, load_workbook

from lo_calc import through_libreoffice
from pia_excel import api
from pia_excel.excel import layout as L
from pia_excel.excel import live
from pia_excel.excel.writer import write_workbook
from pia_excel.models import new_document
from pia_excel.rules import RULES, validate
from pia_excel.wareki import WarekiDate, WarekiError
from strategies import documents

FIXTURES = Path(__file__).with_name("fixtures")


def _live_results(path: Path, out: Path) -> tuple[set, dict[str, int]]:
    """(code, sheet, cell) the workbook's formulas flag and the counts on the チェック sheet, as LibreOffice
    computes them."""
    wb = load_workbook(through_libreoffice(path, out), data_only=True)
    flagged = {(r[0], r[1], r[2]) for r in wb[live.CALC_SHEET].iter_rows(values_only=True) if r[3] == 1}
    counts = {r[0]: r[3] for r in wb[live.CHECK_SHEET].iter_rows(min_row=5, values_only=True) if r[0]}
    return flagged, counts


def _python_results(path: Path) -> set:
    return {(f.code, f.sheet, f.cell) for f in validate(api.load(path).doc, codes=live.LIVE_CODES).findings}


def _start(fixture: str, tmp_path: Path):
    """A fixture written as a workbook: (document, workbook, layout, what its formulas flag as LibreOffice
    recalculates it, the counts on its チェック sheet); what the formulas flag is checked equal to validate's."""
    doc = api.load(FIXTURES / f"{fixture}.json").doc
    src = tmp_path / f"{fixture}.xlsx"
    write_workbook(doc, src)
    before, counts = _live_results(src, tmp_path / "lo0")
    assert before == _python_results(src)
    return doc, src, L.layout_of(doc), before, counts


def _typed_steps(wb, steps, tmp_path: Path, recalculated=None):
    """Type each step's edits ({(sheet, cell): value}) into the open workbook ``wb``, save it, have LibreOffice
    recalculate it and check the live results equal validate's; yields (live results, counts per check, the step's
    expectation). ``recalculated`` is called after each recalculation (e.g. to skip when the date changed)."""
    typed = tmp_path / "typed.xlsx"
    for n, (edits, expected) in enumerate(steps):
        for (sheet, a1), v in edits.items():
            wb[sheet][a1] = v
        wb.save(typed)
        after, counts = _live_results(typed, tmp_path / f"lo{n + 1}")
        if recalculated is not None:
            recalculated()
        assert after == _python_results(typed)
        yield after, counts, expected


def _same_day(today):
    def check() -> None:
        if dt.date.today() != today:
            pytest.skip("the date changed while LibreOffice recalculated")
    return check


def test_every_live_check_computes_a_rule_of_the_catalogue():
    for code, severity, what, _ in live.CHECKS:
        assert code in RULES and RULES[code].severity == severity and RULES[code].title == what


@pytest.mark.libreoffice
@pytest.mark.parametrize("form", ["juten", "zenkomoku"])
def test_blank_workbook_counts_only_the_required_items(tmp_path, form):
    path = tmp_path / f"{form}.xlsx"
    write_workbook(new_document(form), path)
    flagged, counts = _live_results(path, tmp_path / "lo")
    python = _python_results(path)
    assert flagged == python
    required = {tuple(where) for code, *where in python if code == "R101"}
    assert len(required) > 50 and {code for code, *_ in python} == {"R101"}
    assert counts == {code: len(required) if code == "R101" else 0 for code in sorted(live.LIVE_CODES)}


@pytest.mark.libreoffice
@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.json")))
def test_fixture_workbook_agrees_with_validate(tmp_path, fixture):
    path = tmp_path / "fixture.xlsx"
    write_workbook(api.load(FIXTURES / fixture).doc, path)
    flagged, _ = _live_results(path, tmp_path / "lo")
    assert flagged == _python_results(path)


def _cell(lay: L.Layout, title_start: str, pred) -> tuple[str, str]:
    for sheet in lay.sheets:
        if sheet.title.startswith(title_start):
            for c in sheet.cells:
                if pred(c):
                    return sheet.title, c.ref
    raise AssertionError("no such cell")


@pytest.mark.libreoffice
def test_checks_appear_when_the_user_types_a_violation_and_go_when_it_is_undone(tmp_path):
    doc, src, lay, before, counts_before = _start("kushiro_shuno_juten", tmp_path)
    assert counts_before["R106"] == 4 and counts_before["R104"] == counts_before["R502"] == 0

    other = _cell(lay, "Ⅱ", lambda c: c.role == L.MARK_CELL and c.item.options[c.option - 1].label == "その他"
                  and c.item.options[c.option - 1].detail)
    none = _cell(lay, "Ⅱ", lambda c: c.role == L.MARK_CELL and c.path == "II.teikyo_iten_umu" and c.option == 3)
    jiko = _cell(lay, "Ⅲ", lambda c: c.role == L.VALUE and c.path == "III.juudai_jiko")
    text = _cell(lay, "Ⅰ", lambda c: c.role == L.VALUE and c.kind == "text")
    edits = {other: "○", none: "○", jiko: "発生あり"}
    wb = load_workbook(src)
    undo = {where: wb[where[0]][where[1]].value for where in [*edits, text]}
    edits[text] = f"{undo[text]}【要確認】"
    steps = _typed_steps(wb, [(edits, "typed"), (undo, "undone")], tmp_path)
    after, counts, _ = next(steps)
    assert counts["R104"] == 1 and counts["R211"] == 1 and counts["R230"] == 2 and counts["R502"] == 1
    assert ("R502", *text) in after and ("R211", *none) in after

    again, counts, _ = next(steps)
    assert again == before and counts == counts_before


def test_offending_cells_carry_a_conditional_format(tmp_path):
    path = tmp_path / "b.xlsx"
    write_workbook(new_document("juten"), path)
    wb = load_workbook(path)
    lay = L.layout("juten")
    for check in live.compile_checks(lay, {s.title: s.rows.spare for s in lay.sheets if s.rows is not None}):
        assert check.targets, check.code
        for t in check.targets:
            ranges = [str(r) for cf in wb[t.sheet].conditional_formatting for r in cf.sqref.ranges]
            assert L.ref(t.row, t.col) in ranges, (check.code, t.sheet, t.row, t.col)


@pytest.mark.libreoffice
def test_itaku_blocks_written_under_itaku_shinai(tmp_path):
    """R202: the 委託事項 blocks of 足立区 (委託する, filled) under 委託しない are each flagged at their first cell."""
    doc = api.load(FIXTURES / "adachi_jukijo_zenkomoku.json").doc
    doc.files[0].II.itaku_umu = "委託しない"
    path = tmp_path / "shinai.xlsx"
    write_workbook(doc, path)
    flagged, counts = _live_results(path, tmp_path / "lo")
    python = _python_results(path)
    assert flagged == python
    assert counts["R202"] == len(doc.files[0].II.itaku_jiko) + 1  # the blocks and the count


@pytest.mark.libreoffice
def test_new_live_checks_appear_when_typed_and_go_when_undone(tmp_path):
    """R004, R101, R203, R204, R220, R231 on 釧路市's document (委託しない with Ⅲ-4 written, 接続しない(入手) ticked):
    typed in the workbook, recalculated by LibreOffice, each flags its cell as validate does; undone, they go."""
    doc, src, lay, before, counts_before = _start("kushiro_shuno_juten", tmp_path)
    box = _cell(lay, "Ⅲ", lambda c: c.role == L.MARK_CELL and c.path == "III.III_4" and c.option == 1)
    assert ("R203", *box) in before and counts_before["R204"] == 6

    mark = _cell(lay, "Ⅱ", lambda c: c.role == L.MARK_CELL and c.path == "II.nyushu_moto" and c.option == 1)
    name = _cell(lay, "Ⅰ", lambda c: c.role == L.VALUE and c.path == "I.jimu_meisho")
    naiyo = _cell(lay, "Ⅲ", lambda c: c.role == L.VALUE and c.path == "III.juudai_jiko_naiyo")
    renkei = _cell(lay, "Ⅰ", lambda c: c.role == L.VALUE and c.path == "I.renkei_jisshi_umu")
    teikyo = _cell(lay, "Ⅲ", lambda c: c.role == L.MARK_CELL and c.path == "III.III_6" and c.option == 2)
    ninzu = _cell(lay, "Ⅰ", lambda c: c.role == L.VALUE and c.path == "I.taisho_ninzu")
    shikiichi = _cell(lay, "Ⅴ", lambda c: c.role == L.VALUE and c.path == "V.shikiichi")
    edits = {box: "○", mark: "✔", name: "　", naiyo: "不正アクセスにより漏えい", renkei: "実施しない",
             ninzu: "1,000人未満"}
    wb = load_workbook(src)
    undo = {where: wb[where[0]][where[1]].value for where in edits}
    steps = _typed_steps(wb, [(edits, "typed"), (undo, "undone")], tmp_path)
    after, counts, _ = next(steps)
    assert ("R203", *box) not in after and counts["R204"] == 6  # ticked: Ⅲ-4 must stay empty either way
    assert ("R004", *mark) in after and ("R101", *name) in after and ("R231", *naiyo) in after
    assert ("R220", *teikyo) in after and counts["R220"] == 1  # 接続しない(入手) is ticked, (提供) is not
    assert ("R240", *shikiichi) in after and ("R240", *shikiichi) not in before  # under 1,000: no obligation

    again, counts, _ = next(steps)
    assert again == before and counts == counts_before


def test_marks_and_placeholders_are_every_nfkc_spelling_of_the_python_ones():
    """The formulas compare without normalising: their lists hold every spelling NFKC reads as a mark or a
    placeholder, and only those (excel/values.py, spec/text.py own the sets)."""
    from pia_excel.excel.values import TICK_MARKS, UNTICK_MARKS, mark_state
    from pia_excel.rules.engine import is_substantive

    assert {"○", "〇", "◯"} <= set(live.lists()["tick"]) and all(mark_state(m) == "ticked" for m in live.lists()["tick"])
    assert {"－", "ﾅｼ", "０", "×"} <= set(live.lists()["untick"])
    assert all(mark_state(m) == "unticked" for m in live.lists()["untick"])
    assert {"－", "該当なし", "n/a", "ｎ/ａ"} <= set(live.lists()["placeholders"])
    assert not any(is_substantive(p) for p in live.lists()["placeholders"])
    assert not set(live.lists()["tick"]) & set(live.lists()["untick"]) and TICK_MARKS and UNTICK_MARKS


#: what staff type into ○ cells and text cells: marks of every kind (wildcards of MATCH too), placeholders
ODD_MARKS = ["✔", "×", "ﾅｼ", " ○ ", "〇", "－", "1", "?", "*", "レ", "0", "ー", "x"]
ODD_TEXTS = ["－", "該当なし", "ｎ/ａ", "N/a", "　", "記入あり", "別紙1のとおり"]


@pytest.mark.libreoffice
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                              HealthCheck.function_scoped_fixture])
@given(doc=documents(max_files=2), data=st.data())
def test_random_documents_agree_with_validate(tmp_path, doc, data):
    """Random documents (tests/strategies.py), with odd marks, placeholders and dates of every spelling typed into
    some cells: the live checks flag exactly the (rule, cell) pairs validate reports for the same rules."""
    run = tmp_path / str(uuid.uuid4())
    run.mkdir()
    path = run / "doc.xlsx"
    api.save(doc, path, strict=False)
    lay = L.layout_of(doc)
    marks = [(s.title, c.ref) for s in lay.sheets for c in s.cells if c.role == L.MARK_CELL]
    texts = [(s.title, c.ref) for s in lay.sheets for c in s.cells if c.role == L.VALUE and c.kind == "text"]
    dates = [(s.title, c.ref) for s in lay.sheets for c in s.cells if c.role == L.VALUE and c.kind == "date"]
    wb = load_workbook(path)
    for sheet, a1 in data.draw(st.lists(st.sampled_from(marks), max_size=12)):
        wb[sheet][a1] = data.draw(st.sampled_from(ODD_MARKS))
    for sheet, a1 in data.draw(st.lists(st.sampled_from(texts), max_size=12)):
        wb[sheet][a1] = data.draw(st.sampled_from(ODD_TEXTS))
    for sheet, a1 in data.draw(st.lists(st.sampled_from(dates), max_size=4)):
        wb[sheet][a1] = data.draw(st.sampled_from(DATE_TEXTS))
    wb.save(path)
    flagged, _ = _live_results(path, run / "lo")
    assert flagged == _python_results(path)


@pytest.mark.libreoffice
def test_block_fields_and_details_after_answers_appear_when_typed_and_go_when_undone(tmp_path):
    """R102 and R103 on 足立区's document: a 委託事項 in use with its 委託内容 erased, a fifth 委託事項 begun with its
    name only, 再委託する without 許諾方法 / 再委託事項, 行っている without ユーザ認証の方法, and ④主な意見の内容 no longer
    saying "意見なし" (the 意見 and the なかった on two lines), so ⑤評価書への反映 is required."""
    doc, src, lay, before, counts_before = _start("adachi_jukijo_zenkomoku", tmp_path)
    assert len(doc.files[0].II.itaku_jiko) == 4 and doc.VI.iken_naiyo == "意見なし" and not doc.VI.iken_hanei
    assert counts_before["R103"] == 0

    def value(sheet: str, path: str) -> tuple[str, str]:
        return _cell(lay, sheet, lambda c: c.role == L.VALUE and c.path == path)
    naiyo = value("Ⅱ", "II.itaku_jiko[1].itaku_naiyo")
    fifth = value("Ⅱ", "II.itaku_jiko[5].name")
    saiitaku = value("Ⅱ", "II.itaku_jiko[1].saiitaku_umu")
    kyodaku, jiko = value("Ⅱ", "II.itaku_jiko[1].saiitaku_kyodaku_hoho"), value("Ⅱ", "II.itaku_jiko[1].saiitaku_jiko")
    ninsho = value("Ⅲ", "III.user_ninsho_hoho")
    iken, hanei = value("Ⅵ", "VI.iken_naiyo"), value("Ⅵ", "VI.iken_hanei")
    edits = {naiyo: None, fifth: "窓口業務", saiitaku: "再委託する", ninsho: "　", iken: "提出された意見は\nなかった"}
    wb = load_workbook(src)
    undo = {where: wb[where[0]][where[1]].value for where in edits}
    steps = _typed_steps(wb, [(edits, "typed"), (undo, "undone")], tmp_path)
    after, counts, _ = next(steps)
    assert {("R102", *naiyo), ("R103", *kyodaku), ("R103", *jiko), ("R103", *ninsho), ("R103", *hanei)} <= after
    fifth_block = {tuple(w) for c, *w in after - before if c == "R102" and w[0] == fifth[0]} - {tuple(naiyo)}
    assert len(fifth_block) >= 5 and tuple(fifth) not in fifth_block

    again, counts, _ = next(steps)
    assert again == before and counts == counts_before


@pytest.mark.libreoffice
@pytest.mark.parametrize("text", ["意見は１件もありませんでした", "意見を募集したが、提出はなかった", "特になし", "－"])
def test_no_opinions_read_alike(tmp_path, text):
    """R103 on ⑤評価書への反映 follows ④主な意見の内容 as validate reads it (意見 … なし within a few characters of a
    line, 特になし at the start, a placeholder)."""
    doc = api.load(FIXTURES / "setagaya_kokuho_zenkomoku.json").doc
    doc.VI.iken_naiyo = text
    path = tmp_path / "iken.xlsx"
    write_workbook(doc, path)
    flagged, _ = _live_results(path, tmp_path / "lo")
    python = _python_results(path)
    assert flagged == python
    hanei = _cell(L.layout_of(doc), "Ⅵ", lambda c: c.role == L.VALUE and c.path == "VI.iken_hanei")
    assert (("R103", *hanei) in flagged) == (text == "意見を募集したが、提出はなかった")


@pytest.mark.libreoffice
def test_ninzu_against_honnin_appears_when_typed_and_goes_when_undone(tmp_path):
    """R251 on 釧路市's document: Ⅰ ③対象人数 typed down to 1,000人以上1万人未満 no longer overlaps Ⅱ ②対象となる本人の数
    (10万人以上100万人未満); typed back, the check goes; a Ⅱ bracket overlapping the new one is not flagged."""
    doc, src, lay, before, counts_before = _start("kushiro_shuno_juten", tmp_path)
    assert counts_before["R251"] == 0
    ninzu = _cell(lay, "Ⅰ", lambda c: c.role == L.VALUE and c.path == "I.taisho_ninzu")
    honnin = _cell(lay, "Ⅱ", lambda c: c.role == L.VALUE and c.path == "II.taisho_honnin_su")
    wb = load_workbook(src)
    undo = {where: wb[where[0]][where[1]].value for where in (ninzu, honnin)}
    steps = [({ninzu: "1,000人以上1万人未満", honnin: undo[honnin]}, True),
             ({ninzu: "1,000人以上1万人未満", honnin: "1万人未満"}, False),
             (undo, False)]
    for after, counts, flagged in _typed_steps(wb, steps, tmp_path):
        assert (("R251", *honnin) in after) == flagged and counts["R251"] == int(flagged)
    assert after == before and counts == counts_before


@pytest.mark.libreoffice
def test_count_beyond_slots_without_reference_appears_when_typed_and_goes_when_undone(tmp_path):
    """R209 on 世田谷区's document: 提供を行っている（27）件 with 20 提供先 and Ⅱ 備考 "提供先２１～２７は別紙のとおり";
    the 備考 erased and 委託する typed as (21) 件, both counts are flagged; a 別添 reference typed into a 委託事項
    clears the 委託 count only (a block's reference covers its group, the 備考's both); undone, they go."""
    doc, src, lay, before, counts_before = _start("setagaya_kokuho_zenkomoku", tmp_path)
    assert doc.files[0].II.II_7 and len(doc.files[0].II.teikyo_saki) == 20
    assert counts_before["R209"] == 0

    def value(path: str) -> tuple[str, str]:
        return _cell(lay, "Ⅱ", lambda c: c.role in (L.VALUE, L.COUNT) and c.path == path)
    note, itaku = value("II.II_7"), value("II.itaku_umu_count")
    teikyo = _cell(lay, "Ⅱ", lambda c: c.role == L.OPTION_COUNT and c.path == "II.teikyo_iten_umu" and c.option == 1)
    bikou = value("II.itaku_jiko[2].itaku_naiyo")
    wb = load_workbook(src)
    undo = {where: wb[where[0]][where[1]].value for where in (note, itaku, bikou)}
    for after, counts, flagged in _typed_steps(wb, [({note: None, itaku: 21}, {itaku, teikyo}),
                                                    ({note: None, itaku: 21, bikou: f"{undo[bikou]}（別添2参照）"}, {teikyo}),
                                                    (undo, set())], tmp_path):
        assert {tuple(w) for c, *w in after if c == "R209"} == flagged
    assert after == before and counts == counts_before


@pytest.mark.libreoffice
def test_network_connection_appears_when_ticked_and_the_check_goes(tmp_path):
    """R222 on 釧路市's document (情報連携 実施する, no 情報提供ネットワークシステム ticked anywhere): a ✔ in a システム's
    box is no tick (still flagged), a ○ in a 提供先's 提供方法 is; removed again, the check is back."""
    doc, src, lay, before, counts_before = _start("kushiro_shuno_juten", tmp_path)
    renkei = _cell(lay, "Ⅰ", lambda c: c.role == L.VALUE and c.path == "I.renkei_jisshi_umu")
    assert ("R222", *renkei) in before and counts_before["R222"] == 1
    system = _cell(lay, "Ⅰ", lambda c: c.role == L.MARK_CELL and c.path == "I.systems[2].other_system_connections"
                   and c.option == 1)
    hoho = _cell(lay, "Ⅱ", lambda c: c.role == L.MARK_CELL and c.path == "II.teikyo_saki[3].teikyo_hoho"
                 and c.item.options[c.option - 1].label == "情報提供ネットワークシステム")
    wb = load_workbook(src)
    undo = {where: wb[where[0]][where[1]].value for where in (system, hoho)}
    for after, counts, flagged in _typed_steps(wb, [({system: "✔"}, True), ({system: "✔", hoho: "〇"}, False),
                                                    (undo, True)], tmp_path):
        assert (("R222", *renkei) in after) == flagged
    assert after == before and counts == counts_before


#: details written under a negative answer: explanations validate accepts (a reason, at most 40 characters of one
#: line and an ending close the text or its first sentence; 該当しない / 対象外 anywhere) and texts just past them
EXPLAINED = [
    "システム上該当しないため記載なし", "本事務は対象外である", "紙のみで運用しているため、ユーザ認証は行わない。",
    "紙のみで運用しているため、ユーザ認証は行わない", "紙のみで運用しているため、ユーザ認証は行わない．",
    "　紙のみで運用しているため認証は行っていない。 \n", "紙のみで運用しているため\nユーザ認証は行わない。",
    "ため" + "あ" * 40 + "ない", "ため" + "あ" * 41 + "ない", "ため、" + "あ" * 40 + "ない", "ため," + "あ" * 40 + "不要",
    "ため、" + "あ" * 41 + "ない", "ため，" + "あ" * 40 + "ない", "ため" + "あ" * 38 + "していない",
    "ので" + "あ" * 41 + "行わない", "から" + "あ" * 37 + "行わない",
    "＜選択肢の説明＞\n委託先がないため、再委託はしない。なお、今後委託する場合は契約で定める。",
    "<税務システム>　連携しないので不要。以下のとおり管理する。", "＜注\n＞ため記載しない。その他の措置を講じる。",
    "＜ため＞しない。その他", "今後定める予定はない", "ためにナイ", "ため\tしない", "ため\r\nしない",
    "手順書を整備し、保管期間経過後に消去する。", "該当", "1", "定めはないため、消去は行っていない。\n代わりに年1回点検する。",
    "〔参考〕必要がないので行わない 。", "必要がないので行わない。。", "ため。ない", "x" * 60 + "ため" + "y" * 5 + "しない",
]


@pytest.mark.libreoffice
@pytest.mark.parametrize("part", [0, 1])
def test_explained_details_read_alike(tmp_path, part):
    """R260 on 世田谷区's document with every negative answer of the form given and a detail typed under each: the
    live check accepts exactly the explanations validate accepts (spec/requirements.explains)."""
    from pia_excel.rules.negatives import negatives
    from pia_excel.rules.engine import is_substantive
    from pia_excel.spec.requirements import explains

    doc = api.load(FIXTURES / "setagaya_kokuho_zenkomoku.json").doc
    src = tmp_path / "setagaya.xlsx"
    write_workbook(doc, src)
    lay = L.layout_of(doc)

    def value(path: str) -> tuple[str, str]:
        return _cell(lay, "", lambda c: c.role == L.VALUE and c.path == path)
    wb = load_workbook(src)
    targets = []
    for item, e in negatives("zenkomoku"):
        if e.code == "R260":
            sheet, a1 = value(item.path)
            wb[sheet][a1] = e.answers[0]
            targets += [value(t) for t in e.items]
    texts = [EXPLAINED[(part * len(targets) + i) % len(EXPLAINED)] for i in range(len(targets))]
    for (sheet, a1), text in zip(targets, texts):
        wb[sheet][a1] = text
    typed = tmp_path / "typed.xlsx"
    wb.save(typed)
    flagged, _ = _live_results(typed, tmp_path / "lo")
    python = _python_results(typed)
    assert flagged == python
    hits = {tuple(w) for c, *w in python if c == "R260"}
    assert hits == {t for t, text in zip(targets, texts) if is_substantive(text) and not explains(text.replace("\r", ""))}
    assert 0 < len(hits) < len(texts)


@pytest.mark.libreoffice
def test_negative_answer_with_its_detail_appears_when_typed_and_goes_when_undone(tmp_path):
    """R260 on 釧路市's document: ユーザ認証 typed as 行っていない over its written 具体的な管理方法 is flagged; the
    method replaced by an explanation ("…ため、ユーザ認証は行わない。") is not; undone, the check goes."""
    doc, src, lay, before, counts_before = _start("kushiro_shuno_juten", tmp_path)
    assert doc.files[0].III.user_ninsho == "行っている" and doc.files[0].III.user_ninsho_hoho
    assert counts_before["R260"] == 0
    answer = _cell(lay, "Ⅲ", lambda c: c.role == L.VALUE and c.path == "III.user_ninsho")
    hoho = _cell(lay, "Ⅲ", lambda c: c.role == L.VALUE and c.path == "III.user_ninsho_hoho")
    wb = load_workbook(src)
    undo = {where: wb[where[0]][where[1]].value for where in (answer, hoho)}
    for after, counts, flagged in _typed_steps(wb, [({answer: "行っていない"}, True),
                                                    ({hoho: "紙の帳票のみで事務を行うため、ユーザ認証は行わない。"}, False),
                                                    (undo, False)], tmp_path):
        assert (("R260", *hoho) in after) == flagged and counts["R260"] == int(flagged)
    assert after == before and counts == counts_before


def _table_cell(lay: L.Layout, n: int, field: str) -> tuple[str, str]:
    """(sheet, cell) of the 変更箇所 table's row ``n`` (1-based), column ``field``."""
    for sheet in lay.sheets:
        if sheet.rows is not None and sheet.rows.item.path == lay.spec.role("changes").path:
            col = next(c.col for c in sheet.rows.cells if c.role == L.TABLE_ROW and c.field == field)
            return sheet.title, L.ref(sheet.rows.first_row + n - 1, col)
    raise AssertionError("no 変更箇所 table")


@pytest.mark.libreoffice
def test_table_row_gaps_appear_when_typed_and_go_when_undone(tmp_path):
    """R602 on 釧路市's 変更箇所 (21 rows): row 1's 変更日 erased (no row above gives one), row 3's 項目 and 提出時期
    erased (項目 first; its 提出時期 continues row 2's), a new row 23 with 変更後の記載 only (its 変更日 and 提出時期
    continue the rows above, its 項目 is missing), a row 24 with a 提出時期 of spaces only (no content)."""
    doc, src, lay, before, counts_before = _start("kushiro_shuno_juten", tmp_path)
    assert len(doc.annex2.henko_kasho) == 21
    assert counts_before["R602"] == 0
    date1, item3, timing3 = _table_cell(lay, 1, "date"), _table_cell(lay, 3, "item"), _table_cell(lay, 3, "timing")
    after23, item23, timing24 = _table_cell(lay, 23, "after"), _table_cell(lay, 23, "item"), _table_cell(lay, 24, "timing")
    edits = {date1: None, item3: "　", timing3: None, after23: "追記", timing24: "　"}
    wb = load_workbook(src)
    undo = {where: wb[where[0]][where[1]].value for where in edits}
    steps = _typed_steps(wb, [(edits, "typed"), (undo, "undone")], tmp_path)
    after, counts, _ = next(steps)
    assert {tuple(w) for c, *w in after if c == "R602"} == {date1, item3, item23}
    assert counts["R602"] == 3

    again, counts, _ = next(steps)
    assert again == before and counts == counts_before


#: 和暦 dates as staff write them, and texts that are no date (wareki.WarekiDate.parse decides)
DATE_TEXTS = ["令和7年2月25日", "令和７年２月２５日", "令和元年", "令和1年", "令和元年5月", "令和元年4月", "平成31年4月30日",
              "平成31年5月1日", "平成31年", "平成32年", "R7.2.25", "r7/2/25", "R7-2", "R7", "R7.2/25", "R7.", "R7.2.",
              "Ｒ７．２．２５", "㍻31年4月30日", "㋿7年㋁㏭", "令和 7 年 2 月", "令和７年\n２月", "明治33年2月29日",
              "明治32年2月29日", "昭和64年1月8日", "令和0年", "令和7年13月", "令和7年2月30日", "令和7年0月", "令和7年2月0日",
              "2025年2月25日", "2025/2/25", "令和", "令和年", "令和7年月", "令和7年2月日", "令和7年2", "令和7年2月25",
              "令和7年2月25日日", "H", " ", "R12345", "R0007.02.05", "令和0007年02月05日", "令和7年002月", "明治1年",
              "明治元年1月24日", "明治元年1月25日", "大正15年12月25日", "T15.12.25", "S1.12.24", "令和7981年12月31日",
              "令和7982年", "R7.2.25日", "令和７年２月２５日（火）", "M45.7.30", "H1.1.7", "h01.01.08", "令和⑦年",
              "令和7年2月25日\u3000", "令和7年\u20022月", "R7﹒2﹒25", "R7－2－25", "R7／2／25", "治大7年", "令和7年2月25日x",
              "Ｓ６４．１．７", "ｓ64.1.8", "平成２年1月１日", dt.datetime(2025, 2, 25, 13, 5), dt.datetime(1989, 1, 7)]


@pytest.mark.libreoffice
def test_date_formulas_read_dates_as_wareki_does(tmp_path):
    """The helper cells that read a 和暦 date (excel/live._date_keys), recalculated by LibreOffice, give the first
    and last day WarekiDate gives for every spelling, and nothing for a text it cannot read."""
    ctx = live._Ctx(L.layout("juten"))
    sheet = type("S", (), {"title": "D"})
    keys = [live._date_keys(ctx, sheet, (i + 1, 1)) for i in range(len(DATE_TEXTS))]
    wb = Workbook()
    wb.active.title = "D"
    for i, t in enumerate(DATE_TEXTS):
        wb["D"].cell(row=i + 1, column=1, value=t)
    calc = wb.create_sheet(live.CALC_SHEET)
    for h in ctx.helpers:
        calc.cell(row=h.row, column=h.col, value="=" + live.render(h, {}))
    src = tmp_path / "dates.xlsx"
    wb.save(src)
    out = load_workbook(through_libreoffice(src, tmp_path / "lo"), data_only=True)[live.CALC_SHEET]
    for t, pair in zip(DATE_TEXTS, keys):
        got = tuple(None if (v := out.cell(row=r, column=c).value) in ("", None) else int(v) for r, c in pair)
        try:
            w = WarekiDate.from_date(t) if isinstance(t, dt.datetime) else WarekiDate.parse(t)
            want = tuple(int(d.strftime("%Y%m%d")) for d in (w.to_date(), w.last_date()))
        except WarekiError:
            want = (None, None)
        assert got == want, t


@pytest.mark.libreoffice
def test_dates_after_kohyo_appear_when_typed_and_go_when_undone(tmp_path):
    """R301 on 釧路市's document (公表日 令和7年2月25日): the 基礎項目評価 実施日 typed as 令和7年3月 (after it), two
    変更日 later than it (flagged once, at the first), a 変更日 of 令和7年2月 (maybe the same day: not flagged); the
    公表日 typed as an Excel date in 令和8年1月 (only the 令和９年 変更日 is later); undone, the checks go."""
    doc, src, lay, before, counts_before = _start("kushiro_shuno_juten", tmp_path)
    assert counts_before["R301"] == 0
    kiso = _cell(lay, "Ⅴ", lambda c: c.role == L.VALUE and c.path == "V.kiso_jisshi_bi")
    kohyo = _cell(lay, "表紙", lambda c: c.role == L.VALUE and c.path == "cover.kohyo_bi")
    d3, d5, d9 = (_table_cell(lay, n, "date") for n in (3, 5, 9))
    wb = load_workbook(src)
    undo = {where: wb[where[0]][where[1]].value for where in (kiso, kohyo, d3, d5, d9)}
    steps = [({kiso: "令和７年３月", d3: "令和7年2月", d5: "R8.1.1", d9: "令和９年"}, {kiso, d5}),
             ({kohyo: dt.datetime(2026, 1, 10)}, {d9}),
             (undo, set())]
    for after, counts, flagged in _typed_steps(wb, steps, tmp_path):
        assert {tuple(w) for c, *w in after if c == "R301"} == flagged
    assert after == before and counts == counts_before


@pytest.mark.libreoffice
def test_reassessment_due_follows_todays_date(tmp_path):
    """R302 on 釧路市's document, dates typed relative to today (TODAY() in the workbook, the machine's date in
    validate): a 公表日 5 years and a day ago is due, a 基礎項目評価 実施日 exactly 5 years ago is not (while the
    第三者点検 of the year before is earlier); the 実施日 a day older and the 第三者点検 the same day as an Excel date:
    the 実施日 is due once, at 基礎項目評価 (the first on a tie); undone, as before."""
    today = dt.date.today()
    doc, src, lay, before, counts_before = _start("kushiro_shuno_juten", tmp_path)
    kohyo = _cell(lay, "表紙", lambda c: c.role == L.VALUE and c.path == "cover.kohyo_bi")
    kiso = _cell(lay, "Ⅴ", lambda c: c.role == L.VALUE and c.path == "V.kiso_jisshi_bi")
    dai = _cell(lay, "Ⅴ", lambda c: c.role == L.VALUE and c.path == "V.daisansha_jisshi_bi")
    assert ("R302", *kiso) in before  # 平成27年3月6日
    five = today.replace(year=today.year - 5, day=28 if (today.month, today.day) == (2, 29) else today.day)
    older = five - dt.timedelta(days=1)
    wa = WarekiDate.from_date
    wb = load_workbook(src)
    undo = {where: wb[where[0]][where[1]].value for where in (kohyo, kiso, dai)}
    year_before = wa(five.replace(year=five.year - 1, day=1))
    steps = [({kohyo: str(wa(older)), kiso: str(wa(five)), dai: f"{year_before.era}{year_before.year}年"},
              {kohyo} if (today.month, today.day) != (2, 29) else {kohyo, kiso}),
             ({kiso: str(wa(older)), dai: dt.datetime(older.year, older.month, older.day)}, {kohyo, kiso}),
             (undo, {tuple(where) for code, *where in before if code == "R302"})]
    for after, counts, flagged in _typed_steps(wb, steps, tmp_path, recalculated=_same_day(today)):
        assert {tuple(w) for c, *w in after if c == "R302"} == {tuple(x) for x in flagged}
    assert after == before and counts == counts_before
