"""One failing and one passing minimal document per rule code, compared as (code, cell) pairs."""
from __future__ import annotations

import datetime as dt

import pytest

from pia_excel.models import Tick, new_document
from pia_excel.models.base import ChangeRow
from pia_excel.rules import RULES, validate
from pia_excel.rules.cells import cell_of
from pia_excel.rules.engine import INTERNAL_CODE, rule
from pia_excel.wareki import WarekiDate

TODAY = dt.date(2025, 6, 1)


def found(doc, code, today=TODAY):
    """(code, cell) pairs the rule reports."""
    return validate(doc, codes=[code], today=today).pairs()


def at(doc, code, *paths):
    """The (code, cell) pairs expected for findings at these item paths."""
    return [(code, cell_of(p, doc=doc)[1]) for p in paths]


def paths(doc, code, today=TODAY):
    return [f.path for f in validate(doc, codes=[code], today=today).findings]


def W(text):
    return WarekiDate.parse(text)


def juten(**kw):
    return new_document("juten", **kw)


def zen(**kw):
    return new_document("zenkomoku", **kw)


def test_every_rule_has_a_test():
    import re
    from pathlib import Path

    text = Path(__file__).read_text(encoding="utf-8")
    tested = set(re.findall(r"def test_(r\d{3})_", text))
    assert {c.lower() for c in RULES} | {INTERNAL_CODE.lower()} <= tested


# ---------------------------------------------------------------------------------------------- engine
def test_r000_a_raising_rule_is_reported_and_the_others_still_run(monkeypatch):
    from pia_excel.rules import engine

    saved = dict(engine.RULES)
    try:
        @rule("R999", engine.ERROR, "test", "{label}")
        def boom(ctx):
            raise RuntimeError("boom")
            yield  # pragma: no cover

        doc = juten()
        doc.I.renkei_jisshi_umu = "実施しない"
        report = validate(doc, codes=["R999", "R220"])
        codes = [f.code for f in report.findings]
        assert INTERNAL_CODE in codes and "R220" in codes
        internal = next(f for f in report.findings if f.code == INTERNAL_CODE)
        assert "R999" in internal.message and internal.cell is None
    finally:
        engine.RULES.clear()
        engine.RULES.update(saved)
    assert found(juten(), "R220") == []  # passing: nothing raises


def test_rule_codes_are_checked():
    with pytest.raises(ValueError):
        rule("X1", "エラー", "t", "m")
    with pytest.raises(ValueError):
        rule("R101", "エラー", "t", "m")(lambda ctx: [])


# ---------------------------------------------------------------------------------------------- R0xx type errors
def test_r001_choice_not_in_list():
    doc = juten()
    doc.invalid_values["I.taisho_ninzu"] = "約20万人"
    assert found(doc, "R001") == at(doc, "R001", "I.taisho_ninzu")
    assert "約20万人" in validate(doc, codes=["R001"]).findings[0].message
    assert found(juten(), "R001") == []


def test_r001_timing_other_than_jizen_jigo():
    doc = zen()
    doc.annex3.henko_kasho = [ChangeRow(date=W("令和7年1月1日"), item="表紙 公表日")]
    doc.invalid_values["annex3.henko_kasho[1].timing"] = "随時"
    f = validate(doc, codes=["R001"]).findings
    assert [(x.code, x.cell) for x in f] == [("R001", cell_of("annex3.henko_kasho[1].timing", doc=doc)[1])]
    assert f[0].cell.startswith("E") and "事前" in f[0].message
    assert f[0].message.startswith("変更箇所 1行目 提出時期:")


@pytest.mark.parametrize("form, table", [("juten", "annex2"), ("zenkomoku", "annex3")])
def test_unreadable_change_log_cells_are_named_by_row_and_column(form, table):
    """The 変更箇所 table is found by its role in either form: a bad 変更日 is R002 and a bad 提出時期 R001, each
    named by its row and column heading."""
    doc = new_document(form)
    getattr(doc, table).henko_kasho = [ChangeRow(item="表紙 公表日"), ChangeRow(item="表紙 公表日")]
    doc.invalid_values[f"{table}.henko_kasho[2].date"] = "令和7年2月30日"
    doc.invalid_values[f"{table}.henko_kasho[1].timing"] = "随時"
    f = validate(doc, codes=["R001", "R002"]).findings
    assert sorted((x.code, x.message.split(":")[0]) for x in f) == [("R001", "変更箇所 1行目 提出時期"),
                                                                    ("R002", "変更箇所 2行目 変更日")]


def test_r002_bad_date():
    doc = juten()
    doc.invalid_values["cover.kohyo_bi"] = "令和7年2月30日"
    f = validate(doc, codes=["R002"]).findings
    assert [(x.code, x.cell) for x in f] == at(doc, "R002", "cover.kohyo_bi")
    assert "存在しない日付" in f[0].message
    assert found(juten(), "R002") == []


def test_r003_count_not_a_number():
    doc = juten()
    doc.invalid_values["files[1].II.itaku_umu_count"] = "三"
    assert found(doc, "R003") == at(doc, "R003", "files[1].II.itaku_umu_count")
    assert found(juten(), "R003") == []


def test_r004_odd_tick_mark_read_from_a_workbook(tmp_path):
    from openpyxl import load_workbook

    from pia_excel import api
    from pia_excel.rules import validate_result

    path = tmp_path / "t.xlsx"
    api.save(juten(), path)
    sheet, ref = cell_of("files[1].II.nyushu_moto.o1", doc=juten())
    wb = load_workbook(path)
    wb[sheet][ref] = "x"
    wb.save(path)
    report = validate_result(api.load(path), today=TODAY, codes=["R004"])
    assert report.pairs() == [("R004", ref)]
    api.save(juten(), path)
    assert validate_result(api.load(path), codes=["R004"]).pairs() == []


def test_r005_other_invalid_value():
    doc = juten()
    doc.invalid_values["files[1].II.nyushu_moto"] = "[{'label': '近所の人'}]"
    assert found(doc, "R005") == at(doc, "R005", "files[1].II.nyushu_moto.o1")
    assert found(juten(), "R005") == []


def test_r006_reader_notices(tmp_path):
    from openpyxl import load_workbook

    from pia_excel import api
    from pia_excel.rules import validate_result

    path = tmp_path / "t.xlsx"
    api.save(juten(), path)
    sheet, ref = cell_of("cover.tokki_jiko", doc=juten())
    wb = load_workbook(path)
    wb[sheet][ref] = "あ" * 32767
    wb.save(path)
    report = validate_result(api.load(path), codes=["R006"])
    assert report.pairs() == [("R006", ref)] and "32,767" in report.findings[0].message
    api.save(juten(), path)
    assert validate_result(api.load(path), codes=["R006"]).pairs() == []


def test_r007_a_copied_sheet_of_a_part_the_document_has_once(tmp_path):
    """A copy of 変更箇所 (made in Excel: "別添2 変更箇所 (2)") is not read; the error names the copied sheet."""
    from openpyxl import load_workbook

    from pia_excel import api
    from pia_excel.rules import validate_result

    path = tmp_path / "t.xlsx"
    api.save(juten(), path)
    assert validate_result(api.load(path), codes=["R007"]).pairs() == []
    wb = load_workbook(path)
    wb.copy_worksheet(wb["別添2 変更箇所"]).title = "別添2 変更箇所 (2)"
    wb.save(path)
    report = validate_result(api.load(path), codes=["R007"])
    assert [(f.code, f.sheet, f.cell) for f in report.findings] == [("R007", "別添2 変更箇所 (2)", "A1")]
    assert "別添2 変更箇所 (2)" in report.findings[0].message


def test_type_errors_from_a_workbook_point_at_their_cells(tmp_path):
    """Values written into cells by hand come back as R001/R002 at those cells."""
    from openpyxl import load_workbook

    from pia_excel import api
    from pia_excel.rules import validate_result

    path = tmp_path / "t.xlsx"
    doc = zen()
    api.save(doc, path)
    s1, c1 = cell_of("I.taisho_ninzu", doc=doc)
    s2, c2 = cell_of("VI.kiso_jisshi_bi", doc=doc)
    wb = load_workbook(path)
    wb[s1][c1] = "約70万人"
    wb[s2][c2] = "令和7年13月1日"
    wb.save(path)
    report = validate_result(api.load(path), codes=["R001", "R002"])
    assert {(f.code, f.sheet, f.cell) for f in report.findings} == {("R001", s1, c1), ("R002", s2, c2)}


# ---------------------------------------------------------------------------------------------- R1xx required
def test_r101_required_items():
    doc = juten()
    assert ("R101", cell_of("cover.hyokasho_mei", doc=doc)[1]) in found(doc, "R101")
    assert "cover.tokki_jiko" not in paths(doc, "R101")  # optional
    doc.cover.hyokasho_mei = "収納事務 重点項目評価書"
    assert "cover.hyokasho_mei" not in paths(doc, "R101")


def test_r101_switched_off_parts_are_not_required():
    doc = zen()
    before = set(paths(doc, "R101"))
    assert "files[1].III.joho_hogo_kanri_taisei" in before and "files[1].III.III_6_risk5_measures" in before
    doc.files[0].II.itaku_umu = "委託しない"
    doc.files[0].III.III_4 = [Tick(label="委託しない")]
    doc.files[0].III.III_6 = [Tick(label="接続しない（提供）")]
    after = set(paths(doc, "R101"))
    assert "files[1].III.joho_hogo_kanri_taisei" not in after
    assert "files[1].III.III_6_risk5_measures" not in after and "files[1].III.III_6_risk1_measures" in after


def test_r101_at_least_one_system_and_third_party_or_ppc():
    doc = zen()
    assert ("R101", cell_of("I.systems[1].system_name", doc=doc)[1]) in found(doc, "R101")
    assert "VI.daisansha_jisshi_bi" in paths(doc, "R101")
    doc.VI.ppc_teishutsu_bi = W("令和7年1月1日")
    assert "VI.daisansha_jisshi_bi" not in paths(doc, "R101")


def test_r103_opinion_reflection_not_needed_without_opinions():
    doc = zen()
    doc.VI.shikiichi = "基礎項目評価及び全項目評価の実施が義務付けられる"
    assert "VI.iken_hanei" in paths(doc, "R103")
    doc.VI.iken_naiyo = "意見なし"
    assert "VI.iken_hanei" not in paths(doc, "R103")


def test_r102_fields_of_a_used_block():
    doc = juten()
    doc.files[0].II.itaku_umu = "委託する"
    block_cls = type(doc.files[0].II).model_fields["itaku_jiko"].annotation.__args__[0]
    doc.files[0].II.itaku_jiko = [block_cls(itaku_naiyo="収納業務の一部")]
    got = paths(doc, "R102")
    assert "files[1].II.itaku_jiko[1].itakusaki_mei" in got
    assert "files[1].II.itaku_jiko[1].saiitaku_jiko" not in got  # depends on 再委託する (R103)
    assert ("R102", cell_of("files[1].II.itaku_jiko[1].itakusaki_mei", doc=doc)[1]) in found(doc, "R102")
    doc.files[0].II.itaku_jiko = [block_cls(name="収納", itaku_naiyo="収納業務の一部", itakusaki_toriatsukaisha_su="10人未満",
                                            itakusaki_mei="株式会社A", saiitaku_umu="再委託しない")]
    assert found(doc, "R102") == []


def test_r103_detail_after_an_answer():
    doc = zen()
    doc.files[0].III.user_ninsho = "行っている"
    assert found(doc, "R103") == at(doc, "R103", "files[1].III.user_ninsho_hoho")
    doc.files[0].III.user_ninsho = "行っていない"
    assert found(doc, "R103") == []


def test_r103_saiitaku_details():
    doc = juten()
    block_cls = type(doc.files[0].II).model_fields["itaku_jiko"].annotation.__args__[0]
    doc.files[0].II.itaku_jiko = [block_cls(saiitaku_umu="再委託する", saiitaku_jiko="印刷")]
    assert found(doc, "R103") == at(doc, "R103", "files[1].II.itaku_jiko[1].saiitaku_kyodaku_hoho")


def test_r104_other_needs_detail():
    doc = juten()
    doc.files[0].II.nyushu_hoho = [Tick(label="その他")]
    assert found(doc, "R104") == at(doc, "R104", "files[1].II.nyushu_hoho.o8.detail")
    doc.files[0].II.nyushu_hoho = [Tick(label="その他", detail="バッチ処理")]
    assert found(doc, "R104") == []


def test_r105_option_needs_detail():
    doc = juten()
    doc.files[0].II.nyushu_moto = [Tick(label="民間事業者")]
    assert found(doc, "R105") == at(doc, "R105", "files[1].II.nyushu_moto.o5.detail")
    doc.files[0].II.nyushu_moto = [Tick(label="民間事業者", detail="金融機関")]
    assert found(doc, "R105") == []


def test_r106_detail_without_tick():
    doc = juten()
    doc.files[0].II.nyushu_moto = [Tick(label="行政機関・独立行政法人等", checked=False, detail="税務署")]
    assert found(doc, "R106") == at(doc, "R106", "files[1].II.nyushu_moto.o3")
    doc.files[0].II.nyushu_moto = [Tick(label="行政機関・独立行政法人等", detail="税務署")]
    assert found(doc, "R106") == []


# ---------------------------------------------------------------------------------------------- R2xx consistency
def _itaku_block(doc, **kw):
    cls = type(doc.files[0].II).model_fields["itaku_jiko"].annotation.__args__[0]
    return cls(**kw)


def _saki_block(doc, key, **kw):
    cls = type(doc.files[0].II).model_fields[key].annotation.__args__[0]
    return cls(**kw)


def test_r201_itaku_count():
    doc = juten()
    ii = doc.files[0].II
    ii.itaku_umu, ii.itaku_umu_count = "委託する", 2
    ii.itaku_jiko = [_itaku_block(doc, itaku_naiyo="A")]
    assert found(doc, "R201") == at(doc, "R201", "files[1].II.itaku_umu_count")
    ii.itaku_umu_count = 1
    assert found(doc, "R201") == []
    ii.itaku_umu_count = None
    assert found(doc, "R201") == at(doc, "R201", "files[1].II.itaku_umu_count")


def test_r201_more_than_the_blocks_when_they_refer_to_an_annex():
    doc = juten()
    ii = doc.files[0].II
    ii.itaku_umu, ii.itaku_umu_count = "委託する", 30
    ii.itaku_jiko = [_itaku_block(doc, itaku_naiyo="委託事項の一覧は別紙1のとおり")]
    assert found(doc, "R201") == []


def test_r202_itaku_none_but_blocks():
    doc = juten()
    ii = doc.files[0].II
    ii.itaku_umu = "委託しない"
    ii.itaku_jiko = [_itaku_block(doc), _itaku_block(doc, itakusaki_mei="株式会社A")]
    assert found(doc, "R202") == at(doc, "R202", "files[1].II.itaku_jiko[2]")
    ii.itaku_jiko = []
    assert found(doc, "R202") == []


def test_r203_itaku_vs_III4_box():
    doc = juten()
    doc.files[0].II.itaku_umu = "委託しない"
    assert found(doc, "R203") == at(doc, "R203", "files[1].III.III_4.o1")
    doc.files[0].III.III_4 = [Tick(label="委託しない")]
    assert found(doc, "R203") == []
    doc.files[0].II.itaku_umu = "委託する"
    assert found(doc, "R203") == at(doc, "R203", "files[1].III.III_4.o1")


def test_r204_III4_filled_without_itaku():
    doc = juten()
    doc.files[0].II.itaku_umu = "委託しない"
    doc.files[0].III.keiyakusho_kitei = "定めている"
    doc.files[0].III.III_4_other_measures = "－"  # a placeholder is not content
    assert found(doc, "R204") == at(doc, "R204", "files[1].III.keiyakusho_kitei")
    doc.files[0].III.keiyakusho_kitei = None
    assert found(doc, "R204") == []


def test_r205_saiitaku_none_but_details():
    doc = juten()
    doc.files[0].II.itaku_jiko = [_itaku_block(doc, saiitaku_umu="再委託しない", saiitaku_jiko="印刷業務")]
    assert found(doc, "R205") == at(doc, "R205", "files[1].II.itaku_jiko[1].saiitaku_jiko")
    doc.files[0].II.itaku_jiko[0].saiitaku_jiko = "－"
    assert found(doc, "R205") == []


def test_r210_teikyo_iten_counts():
    doc = zen()
    ii = doc.files[0].II
    ii.teikyo_iten_umu = [Tick(label="提供を行っている", count=2), Tick(label="移転を行っている", count=1)]
    ii.teikyo_saki = [_saki_block(doc, "teikyo_saki", name="A課")]
    ii.iten_saki = [_saki_block(doc, "iten_saki", name="B課")]
    assert found(doc, "R210") == at(doc, "R210", "files[1].II.teikyo_iten_umu.o1.count")
    ii.teikyo_iten_umu = [Tick(label="提供を行っている", count=1), Tick(label="移転を行っている", count=1)]
    assert found(doc, "R210") == []
    ii.teikyo_iten_umu = [Tick(label="提供を行っている", count=1)]
    assert found(doc, "R210") == at(doc, "R210", "files[1].II.teikyo_iten_umu.o2")


def test_r211_none_and_some():
    doc = juten()
    doc.files[0].II.teikyo_iten_umu = [Tick(label="提供を行っている", count=0), Tick(label="行っていない")]
    assert found(doc, "R211") == at(doc, "R211", "files[1].II.teikyo_iten_umu.o3")
    doc.files[0].II.teikyo_iten_umu = [Tick(label="行っていない")]
    assert found(doc, "R211") == []


def test_r212_teikyo_vs_III5_box():
    doc = juten()
    doc.files[0].II.teikyo_iten_umu = [Tick(label="行っていない")]
    assert found(doc, "R212") == at(doc, "R212", "files[1].III.III_5.o1")
    doc.files[0].III.III_5 = [Tick(label="提供・移転しない")]
    assert found(doc, "R212") == []


def test_r213_III5_filled_without_teikyo():
    doc = juten()
    doc.files[0].III.III_5 = [Tick(label="提供・移転しない")]
    doc.files[0].III.teikyo_iten_rule = "定めている"
    assert found(doc, "R213") == at(doc, "R213", "files[1].III.teikyo_iten_rule")
    doc.files[0].III.teikyo_iten_rule = None
    assert found(doc, "R213") == []


def test_r220_renkei_vs_III6_boxes():
    doc = zen()
    doc.I.renkei_jisshi_umu = "実施しない"
    doc.files[0].III.III_6 = [Tick(label="接続しない（入手）")]
    assert found(doc, "R220") == at(doc, "R220", "files[1].III.III_6.o2")
    doc.files[0].III.III_6 = [Tick(label="接続しない（入手）"), Tick(label="接続しない（提供）")]
    assert found(doc, "R220") == []
    doc.I.renkei_jisshi_umu = "実施する"
    assert found(doc, "R220") == at(doc, "R220", "files[1].III.III_6.o1")


def test_r220_one_connected_file_is_enough():
    doc = zen(files=2)
    doc.I.renkei_jisshi_umu = "実施する"
    doc.files[1].III.III_6 = [Tick(label="接続しない（入手）"), Tick(label="接続しない（提供）")]
    assert found(doc, "R220") == []


@pytest.mark.parametrize("form,box,filled,free", [
    ("juten", "接続しない(入手)", "III_6_risk1_sufficient", "III_6_risk2_measures"),
    ("juten", "接続しない(提供)", "III_6_risk2_measures", "III_6_risk1_measures"),
    ("zenkomoku", "接続しない（入手）", "III_6_risk4_measures", "III_6_risk5_measures"),
    ("zenkomoku", "接続しない（提供）", "III_6_risk7_sufficient", "III_6_risk1_sufficient"),
])
def test_r221_not_connected_risks_stay_empty(form, box, filled, free):
    doc = new_document(form)
    doc.files[0].III.III_6 = [Tick(label=box)]
    value = "十分である" if filled.endswith("sufficient") else "措置"
    setattr(doc.files[0].III, filled, value)
    assert found(doc, "R221") == at(doc, "R221", f"files[1].III.{filled}")
    setattr(doc.files[0].III, filled, None)
    setattr(doc.files[0].III, free, "十分である" if free.endswith("sufficient") else "措置")
    assert found(doc, "R221") == []


def test_r222_renkei_without_network():
    doc = juten()
    doc.I.renkei_jisshi_umu = "実施する"
    system_cls = type(doc.I).model_fields["systems"].annotation.__args__[0]
    doc.I.systems = [system_cls(system_name="中間サーバー", other_system_connections=[Tick(label="宛名システム等")])]
    assert found(doc, "R222") == at(doc, "R222", "I.renkei_jisshi_umu")
    doc.I.systems[0].other_system_connections = [Tick(label="情報提供ネットワークシステム")]
    assert found(doc, "R222") == []


def test_r230_accident_details():
    doc = zen()
    doc.files[0].III.juudai_jiko = "発生あり"
    doc.files[0].III.juudai_jiko_naiyo = "誤送付"
    assert found(doc, "R230") == at(doc, "R230", "files[1].III.juudai_jiko_saihatsu")
    doc.files[0].III.juudai_jiko_saihatsu = "二重チェック"
    assert found(doc, "R230") == []


def test_r231_no_accident_but_details():
    doc = juten()
    doc.files[0].III.juudai_jiko = "発生なし"
    doc.files[0].III.juudai_jiko_naiyo = "誤送付"
    assert found(doc, "R231") == at(doc, "R231", "files[1].III.juudai_jiko_naiyo")
    doc.files[0].III.juudai_jiko_naiyo = "－"
    assert found(doc, "R231") == []


# ---------------------------------------------------------------------------------------------- brackets
ZEN_FULL = "基礎項目評価及び全項目評価の実施が義務付けられる"
ZEN_JUTEN = "基礎項目評価及び重点項目評価の実施が義務付けられる（任意に全項目評価を実施）"
ZEN_KISO = "基礎項目評価の実施が義務付けられる（任意に全項目評価を実施）"
ZEN_NONE = "特定個人情報保護評価の実施が義務付けられない（任意に全項目評価を実施）"


def test_r240_shikiichi_must_match_taisho_ninzu():
    doc = zen()
    doc.I.taisho_ninzu = "30万人以上"
    doc.VI.shikiichi = ZEN_KISO
    assert found(doc, "R240") == at(doc, "R240", "VI.shikiichi")
    doc.VI.shikiichi = ZEN_FULL
    assert found(doc, "R240") == []


@pytest.mark.parametrize("ninzu,ok,bad", [
    ("1,000人未満", [ZEN_NONE], [ZEN_KISO, ZEN_FULL]),
    ("1,000人以上1万人未満", [ZEN_KISO], [ZEN_NONE, ZEN_JUTEN]),
    ("1万人以上10万人未満", [ZEN_KISO, ZEN_JUTEN], [ZEN_NONE, ZEN_FULL]),  # 取扱者数 unknown: either
    ("10万人以上30万人未満", [ZEN_JUTEN, ZEN_FULL], [ZEN_KISO]),
])
def test_r240_voluntary_choices_where_the_obligation_is_lower(ninzu, ok, bad):
    doc = zen()
    doc.I.taisho_ninzu = ninzu
    for choice in ok:
        doc.VI.shikiichi = choice
        assert found(doc, "R240") == [], choice
    for choice in bad:
        doc.VI.shikiichi = choice
        assert found(doc, "R240") == at(doc, "R240", "VI.shikiichi"), choice


def test_r240_handlers_and_accidents():
    doc = zen()
    doc.I.taisho_ninzu = "10万人以上30万人未満"
    doc.files[0].II.shiyosha_su = "500人以上1,000人未満"
    doc.VI.shikiichi = ZEN_JUTEN
    assert found(doc, "R240") == at(doc, "R240", "VI.shikiichi")  # 取扱者数 ≥ 500: 全項目
    doc.files[0].II.shiyosha_su = "10人未満"
    doc.files[0].III.juudai_jiko = "発生なし"
    assert found(doc, "R240") == []
    doc.VI.shikiichi = ZEN_FULL
    assert found(doc, "R240") == at(doc, "R240", "VI.shikiichi")  # < 500 and no accident: 重点 only
    doc.files[0].III.juudai_jiko = "発生あり"
    assert found(doc, "R240") == []


def test_r240_juten_needing_a_zenkomoku():
    doc = juten()
    doc.I.taisho_ninzu = "10万人以上30万人未満"
    doc.files[0].II.shiyosha_su = "1,000人以上"
    doc.V.shikiichi = "基礎項目評価及び重点項目評価の実施が義務付けられる"
    f = validate(doc, codes=["R240"]).findings
    assert [(x.code, x.cell) for x in f] == at(doc, "R240", "V.shikiichi") and "全項目評価書が必要" in f[0].message


def test_r250_recorded_items_bracket():
    doc = juten()
    doc.files[0].II.kiroku_komoku = "10項目未満"
    doc.files[0].annex1.kiroku_komoku_list = ["1) 収納管理情報ファイル", "【識別情報】"] + [f"{i}. 項目{i}" for i in range(1, 13)]
    assert found(doc, "R250") == at(doc, "R250", "files[1].II.kiroku_komoku")
    doc.files[0].II.kiroku_komoku = "10項目以上50項目未満"
    assert found(doc, "R250") == []
    doc.files[0].II.kiroku_komoku = "100項目以上"
    doc.files[0].annex1.kiroku_komoku_list = ["記録項目は別紙のとおり"]
    assert found(doc, "R250") == []


def test_r250_counts_several_numbered_items_on_a_line():
    from pia_excel.rules.brackets import annex_item_count

    assert annex_item_count(["- (2)本人確認情報ファイル", "- 26. 依頼管理番号 27. 操作者ID", "・氏名", "特別永住者"]) == (3, 4)


def test_r251_ninzu_vs_honnin_ranges():
    doc = juten()
    doc.I.taisho_ninzu = "1,000人未満"
    doc.files[0].II.taisho_honnin_su = "10万人以上100万人未満"
    assert found(doc, "R251") == at(doc, "R251", "files[1].II.taisho_honnin_su")
    doc.I.taisho_ninzu = "10万人以上30万人未満"
    assert found(doc, "R251") == []


# ---------------------------------------------------------------------------------------------- dates
def test_r301_dates_after_kohyo():
    doc = juten()
    doc.cover.kohyo_bi = W("令和7年2月25日")
    doc.V.kiso_jisshi_bi = W("令和7年3月1日")
    doc.annex2.henko_kasho = [ChangeRow(date=W("令和7年2月25日"), item="a", timing="事後"),
                              ChangeRow(date=W("令和7年4月1日"), item="b", timing="事後"),
                              ChangeRow(date=W("令和7年4月2日"), item="c", timing="事後")]
    assert found(doc, "R301") == at(doc, "R301", "V.kiso_jisshi_bi", "annex2.henko_kasho[2].date")
    doc.V.kiso_jisshi_bi = W("令和7年2月")  # same month: cannot be said to be later
    doc.annex2.henko_kasho = doc.annex2.henko_kasho[:1]
    assert found(doc, "R301") == []


def test_r302_reassessment_due():
    doc = juten()
    doc.cover.kohyo_bi = W("令和2年4月1日")
    doc.V.kiso_jisshi_bi = W("平成27年3月6日")
    assert found(doc, "R302", today=dt.date(2025, 4, 2)) == at(doc, "R302", "cover.kohyo_bi", "V.kiso_jisshi_bi")
    assert found(doc, "R302", today=dt.date(2025, 4, 1)) == at(doc, "R302", "V.kiso_jisshi_bi")
    doc.V.daisansha_jisshi_bi = W("令和6年1月10日")  # the last 実施日 is recent
    assert found(doc, "R302", today=dt.date(2025, 4, 1)) == []


# ---------------------------------------------------------------------------------------------- law references
#: cell texts from the seeds (reference/law_ref_occurrences.tsv, law_refs.tsv)
STALE = [
    "(※2) 番号法別表第2及び第19条第14号に基づき、事務手続きごとに情報照会者、情報提供者、照会・提供可能な特定個人情報をリスト化したもの",
    "番号法第9条第1項 別表第1第8項、第16項、第30項、第59項、第68項、口座登録法第9条",
    "番号法19条第8項、別表第2第27項、第42項、第82項、第94項",
    "・番号法別表第1の主務省令で定める事務を定める命令　第２４条",
    "①法令上の根拠 番号法第１９条第８号　別表第２の１",
    "番号法第１９条第８号　別表２以下の項",
    "・番号法第19条第8号(特定個人情報の提供の制限)及び別表第二 (別表第二における情報提供の根拠)",
    "・番号法第19条 別表第二の事務において、符号の取得に利用するため。",
    "行政手続における特定の個人を識別するための番号の利用等に関する法律(平成25年5月31日法律第27号。以下、「番号法」という。)別表第一の59項により",
    "番号法第9条第1項 別表第一の59の項 番号法別表第一の主務省令で定める事務を定める命令 第46条",
    "番号法第19条第7号に基づく情報提供",
]
CURRENT = [
    "番号法第9条第1項 別表第9項、第24項、第44項、第85項、第100項、口座登録法第9条",
    "番号法第19条第8号、番号法第19条第8号に基づく主務省令第2条の表第48項、第69項、第117項、第132項",
    "番号法第19条第8号別表 令和6年デジタル庁総務省令第9号第二条",
    "番号法第19条第8号別表に定める事務を所管する課(別紙2参照)",
    "・番号法第19条第8号(特定個人情報の提供の制限)及び別表 (別表における情報提供の根拠)",
    "番号法第9条第1項 別表第1項",  # item 1 of the new 別表
    "都番号条例別表第1 の2の項下欄に掲げ る事務",  # an ordinance's own 別表
    "区番号条例別表第2 の8の項に掲げる事 務",
    "札幌市個人番号利用条例(平成27年札幌市条例第42号) 別表第2",
    "住基法別表第1から別表第6までに掲げる事務",
    "特定個人情報保護評価指針の別表に定める重要な変更",
]


@pytest.mark.parametrize("text", STALE)
def test_r401_stale_law_reference_examples(text):
    from pia_excel.rules.law import stale_references

    assert stale_references(text)


@pytest.mark.parametrize("text", CURRENT)
def test_r401_current_law_reference_examples(text):
    from pia_excel.rules.law import stale_references

    assert stale_references(text) == []


def test_r401_stale_law_reference_after_the_amendment():
    doc = juten()
    doc.cover.kohyo_bi = W("令和7年2月25日")
    doc.files[0].III.III_6_risk2_measures = STALE[0]
    doc.I.kojin_bango_riyo_konkyo = CURRENT[0]
    doc.annex2.henko_kasho = [
        ChangeRow(date=W("令和4年12月27日"), item="I 基本情報 4.", before=STALE[1], after=STALE[1], timing="事前"),
        ChangeRow(date=W("令和7年2月25日"), item="I 基本情報 4.", before=STALE[1], after=CURRENT[0], timing="事後"),
        ChangeRow(date=W("令和7年2月25日"), item="I 基本情報 5.", before="-", after=STALE[2], timing="事後"),
    ]
    assert found(doc, "R401") == at(doc, "R401", "files[1].III.III_6_risk2_measures", "annex2.henko_kasho[3].after")
    doc.cover.kohyo_bi = W("令和6年5月26日")  # before the amendment: the old style was right
    assert found(doc, "R401") == []


# ---------------------------------------------------------------------------------------------- wording
@pytest.mark.parametrize("text,name", [
    ("課長 山田太郎", "山田太郎"), ("収納管理監 田中 正", "田中 正"), ("納税課長（佐藤）", "佐藤"),
    ("氏名：山田太郎", "氏名"), ("市民課長　やまだ はなこ", "やまだ はなこ"),
])
def test_r501_names_found(text, name):
    from pia_excel.rules.wording import personal_name

    assert personal_name(text) == name


@pytest.mark.parametrize("text", ["課長", "収納管理監", "納税課長", "課長補佐", "総務部長事務取扱", "区民部長",
                                  "健康福祉部長兼福祉事務所長", "戸籍住民課長", "税務課長 兼 収納課長", "課長（事務取扱）"])
def test_r501_titles_pass(text):
    from pia_excel.rules.wording import personal_name

    assert personal_name(text) is None


def test_r501_name_in_title():
    doc = juten()
    doc.I.shozokucho_yakushoku = "課長 山田太郎"
    assert found(doc, "R501") == at(doc, "R501", "I.shozokucho_yakushoku")
    doc.I.shozokucho_yakushoku = "課長"
    assert found(doc, "R501") == []


def test_r502_marker_left_for_the_author():
    doc = juten()
    doc.I.jimu_naiyo = "住民税の収納事務【要確認】"
    doc.files[0].II.nyushu_moto = [Tick(label="その他", detail="［要修正］関係機関")]
    doc.annex2.henko_kasho = [ChangeRow(date=W("令和7年2月25日"), item="II 特定個人情報ファイルの概要 3. ①入手元",
                                        timing="事後", explanation="【要確認】法改正によるもの")]
    assert found(doc, "R502") == at(doc, "R502", "I.jimu_naiyo", "files[1].II.nyushu_moto.o6.detail",
                                    "annex2.henko_kasho[1].explanation")
    assert found(juten(), "R502") == []
    doc = juten()
    doc.I.jimu_naiyo = "〔判読不能〕を含む転記（仮称）"
    assert found(doc, "R502") == []


# ---------------------------------------------------------------------------------------------- change log
def test_r601_important_item_afterwards_needs_explanation():
    doc = juten()
    doc.annex2.henko_kasho = [
        ChangeRow(date=W("令和4年12月27日"), item="II 特定個人情報ファイルの概要 3. ①入手元", timing="事後"),
        ChangeRow(date=W("令和4年12月28日"), item="I 基本情報 6. 評価実施機関における担当部署 ②所属長", timing="事後"),
        ChangeRow(date=W("令和4年12月29日"), item="P51 その他", timing="事後"),
        ChangeRow(date=W("令和4年12月30日"), item="Ⅲ-3 リスク2 ユーザ認証の管理", timing="事前"),
    ]
    assert found(doc, "R601") == at(doc, "R601", "annex2.henko_kasho[1].explanation")
    doc.annex2.henko_kasho[0].explanation = "記載内容の見直しのため"
    assert found(doc, "R601") == []


def test_r601_explanation_continues_from_a_merged_cell():
    doc = juten()
    doc.annex2.henko_kasho = [
        ChangeRow(date=W("令和7年2月25日"), item="I 基本情報 4. 個人番号の利用", timing="事後", explanation="法改正によるもの"),
        ChangeRow(item="II 特定個人情報ファイルの概要 3. ①入手元", timing="事後"),
    ]
    assert found(doc, "R601") == []


def test_r601_resolution_of_item_text():
    from pia_excel.rules.changelog_rows import important_item

    assert important_item("juten", "II 特定個人情報ファイルの概要 3. ①入手元") is True
    assert important_item("juten", "I 基本情報 6. 評価実施機関における担当部署") is False
    assert important_item("juten", "表紙 公表日") is False
    assert important_item("zenkomoku", "P51 その他") is None  # names no item
    assert important_item("juten", "I 基本情報 4. 法令上の根拠") is True  # Ⅰ-4 個人番号の利用 法令上の根拠 ※
    assert important_item("zenkomoku", "Ⅲ-3 その他の措置の内容") is True  # リスク1 or リスク2: both ※


def test_r601_uses_the_items_own_mark_not_the_headings():
    """※ on the heading Ⅲ covers its items except 全項目 Ⅲ-7 リスク1⑨ and 重点 Ⅲ-7 ② (and their sub-items)."""
    zen_row = "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策 ※（7. リスク1⑨を除く。） ７．特定個人情報の保管・消去 " \
              "リスク１：特定個人情報の漏えい・滅失・毀損リスク ⑨過去３年以内に、評価実施機関において、個人情報に関する重大事故が発生したか"
    doc = zen()
    doc.annex3.henko_kasho = [
        ChangeRow(date=W("令和7年2月25日"), item=zen_row, timing="事後"),
        ChangeRow(date=W("令和7年2月26日"), item="Ⅲ-7 リスク1 ⑨ その内容", timing="事後"),
        ChangeRow(date=W("令和7年2月27日"), item="Ⅲ-7 リスク1 ⑤物理的対策", timing="事後"),  # ※
    ]
    assert found(doc, "R601") == at(doc, "R601", "annex3.henko_kasho[3].explanation")
    doc = juten()
    doc.annex2.henko_kasho = [
        ChangeRow(date=W("令和7年2月25日"), item="Ⅲ リスク対策 ※（7. ②を除く。） ７．特定個人情報の保管・消去 "
                  "②過去３年以内に、評価実施機関において、個人情報に関する重大事故が発生したか", timing="事後"),
        ChangeRow(date=W("令和7年2月26日"), item="Ⅲ-7 ①事故発生時手順の策定・周知", timing="事後"),  # ※
    ]
    assert found(doc, "R601") == at(doc, "R601", "annex2.henko_kasho[2].explanation")


def test_r601_reads_rows_continuing_the_row_above():
    doc = zen()
    doc.annex3.henko_kasho = [
        ChangeRow(date=W("令和7年2月25日"), item="Ⅲ-3 リスク2 ユーザ認証の管理", timing="事後", explanation="文言の整理"),
        ChangeRow(date=W("令和7年3月1日"), item="具体的な管理方法", timing="事後"),  # Ⅲ-3 リスク2 …: ※
    ]
    assert found(doc, "R601") == at(doc, "R601", "annex3.henko_kasho[2].explanation")


def test_r603_row_naming_no_item_of_the_form():
    doc = juten()
    doc.annex2.henko_kasho = [
        ChangeRow(date=W("令和4年12月27日"), item="I 関連情報 5.①実施の有無", timing="事前"),  # 基本情報
        ChangeRow(date=W("令和4年12月27日"), item="Ⅱ-3 ①入手元", timing="事前"),
        ChangeRow(date=W("令和4年12月27日"), item="Ⅵ 評価実施手続 ３．第三者点検 ①実施日", timing="事後"),  # Ⅴ: a typo
        ChangeRow(date=W("令和4年12月27日"), item="P12", timing="事後"),
    ]
    result = validate(doc, codes=["R603"], today=TODAY)
    assert result.pairs() == at(doc, "R603", "annex2.henko_kasho[1].item", "annex2.henko_kasho[4].item")
    first = result.findings[0]
    assert first.severity == "警告"
    assert "近い項目: Ⅰ-5 ①実施の有無" in first.message, first.message
    doc.annex2.henko_kasho[0].item = "I 基本情報 5.①実施の有無"
    doc.annex2.henko_kasho[3].item = "表紙 公表日"
    assert found(doc, "R603") == []


def test_r602_incomplete_rows():
    doc = zen()
    doc.annex3.henko_kasho = [ChangeRow(item="表紙 公表日", before="a", after="b", timing="事後"),
                              ChangeRow(date=W("令和7年1月1日"), item="Ⅰ-1 ②事務の内容", timing="事前"),
                              ChangeRow(item="Ⅰ-1 ③対象人数")]  # 変更日/提出時期 merged from the row above
    assert found(doc, "R602") == at(doc, "R602", "annex3.henko_kasho[1].date")
    doc.annex3.henko_kasho[0].date = W("令和7年1月1日")
    assert found(doc, "R602") == []


def test_stale_reference_prefilter_holds_for_this_unicode():
    """stale_references skips texts without 別表 or 条第: NFKC gives these characters from themselves only."""
    import unicodedata

    from pia_excel.rules.law import stale_references

    for ch in "別表条第":
        assert [c for c in range(0x110000) if ch in unicodedata.normalize("NFKC", chr(c))] == [ord(ch)]
    assert stale_references("番号法別表第二") == ["別表第二"]
    assert stale_references("番号法の表") == []
    assert stale_references("番号法第１９条第７号") == ["第19条第7号"]


# ---------------------------------------------------------------------------------------------- issue 11
OBLIGED = "基礎項目評価及び全項目評価の実施が義務付けられる"
VOLUNTARY = "基礎項目評価及び重点項目評価の実施が義務付けられる（任意に全項目評価を実施）"


@pytest.mark.parametrize("make", [juten, zen])
def test_r103_renkei_konkyo_only_when_renkei(make):
    """Ⅰ ②法令上の根拠 applies only when ①実施の有無 is 実施する (not required otherwise, R101 included)."""
    doc = make()
    doc.I.renkei_jisshi_umu = "実施する"
    assert found(doc, "R103") == at(doc, "R103", "I.renkei_konkyo")
    for answer in ("実施しない", "未定"):
        doc.I.renkei_jisshi_umu = answer
        assert found(doc, "R103") == []
        assert "I.renkei_konkyo" not in paths(doc, "R101")


def test_r103_iken_chosyu_only_when_zenkomoku_is_obligatory():
    """全項目 Ⅵ-2 意見の聴取 applies where the しきい値判断 makes the 全項目評価 obligatory, not where it is 任意."""
    doc = zen()
    doc.VI.shikiichi = OBLIGED
    got = paths(doc, "R103")
    assert {"VI.iken_hoho", "VI.iken_kikan", "VI.iken_naiyo", "VI.iken_hanei"} <= set(got)
    doc.VI.shikiichi = VOLUNTARY
    assert not [p for p in paths(doc, "R103") + paths(doc, "R101") if p.startswith("VI.iken_")]


def test_r002_seireki_date_gives_one_finding_with_its_wareki():
    doc = juten()
    doc.invalid_values["cover.kohyo_bi"] = "2025年2月25日"
    report = validate(doc, codes=["R002", "R101"])
    mine = [f for f in report.findings if f.path == "cover.kohyo_bi"]
    assert [(f.code, f.cell) for f in mine] == at(doc, "R002", "cover.kohyo_bi")
    assert "令和7年2月25日" in mine[0].message
    doc.invalid_values["cover.kohyo_bi"] = "45713"  # an Excel date serial that lost its format
    assert "令和7年2月25日" in validate(doc, codes=["R002"]).findings[0].message
    doc.invalid_values.clear()
    doc.cover.kohyo_bi = WarekiDate.parse("令和7年2月25日")
    assert found(doc, "R002") == []


@pytest.mark.parametrize("mark", ["—", "－", "ー", "なし"])
def test_r002_optional_cell_with_a_dash_reads_as_empty(mark):
    doc = juten()
    doc.invalid_values["V.daisansha_jisshi_bi"] = mark  # 3. 第三者点検【任意】 ①実施日
    assert found(doc, "R002") == []
    doc.invalid_values["V.kiso_jisshi_bi"] = mark  # required: still not a date
    assert found(doc, "R002") == at(doc, "R002", "V.kiso_jisshi_bi")


def test_r209_count_beyond_slots_without_bessi():
    doc = juten()
    ii = doc.files[0].II
    ii.itaku_umu, ii.itaku_umu_count = "委託する", 25
    ii.itaku_jiko = [_itaku_block(doc, name=f"業務{i}", itaku_naiyo="収納") for i in range(1, 21)]
    assert found(doc, "R209") == at(doc, "R209", "files[1].II.itaku_umu_count")
    assert found(doc, "R201") == []  # the count itself is accepted
    ii.itaku_jiko[19].itaku_naiyo = "収納（委託事項21以降は別紙2のとおり）"
    assert found(doc, "R209") == []
    ii.teikyo_iten_umu = [Tick(label="提供を行っている", count=22)]
    ii.teikyo_saki = [_saki_block(doc, "teikyo_saki", name="A課")]
    assert found(doc, "R209") == at(doc, "R209", "files[1].II.teikyo_iten_umu.o1.count")
    ii.II_7 = "提供先の一覧は別添のとおり。"
    assert found(doc, "R209") == []


def test_r220_reported_per_file():
    doc = zen(files=2)
    doc.I.renkei_jisshi_umu = "実施する"
    both = [Tick(label="接続しない（入手）"), Tick(label="接続しない（提供）")]
    doc.files[0].III.III_6 = list(both)
    doc.files[1].III.III_6 = list(both)
    assert found(doc, "R220") == sorted(at(doc, "R220", "files[1].III.III_6.o1", "files[2].III.III_6.o1"))


@pytest.mark.parametrize("answer_path, answer, detail", [
    ("files[1].III.user_ninsho", "行っていない", "files[1].III.user_ninsho_hoho"),
    ("files[1].III.shokyo_rule", "定めていない", "files[1].III.shokyo_rule_naiyo"),
    ("files[1].III.shiyo_kiroku", "記録を残していない", "files[1].III.shiyo_kiroku_hoho"),
    ("files[1].III.shisha_kojin_bango", "保管していない", "files[1].III.shisha_hokan_hoho"),
    ("files[1].III.saiitakusaki_kakuho", "再委託していない", "files[1].III.saiitakusaki_kakuho_hoho"),
    ("V.filebo_kohyo", "行っていない", "V.filebo_kohyo_basho"),
    ("I.renkei_jisshi_umu", "実施しない", "I.renkei_konkyo"),
])
def test_r260_negative_answer_with_detail(answer_path, answer, detail):
    from pia_excel.spec.paths import value_at  # noqa: F401 (paths resolve through the model)

    doc = zen()

    def put(path, value):
        *parents, key = path.split(".")
        obj = doc
        for part in parents:
            obj = doc.files[int(part[6:-1]) - 1] if part.startswith("files[") else getattr(obj, part)
        setattr(obj, key, value)

    put(answer_path, answer)
    put(detail, "月1回、管理者が確認する。")
    assert found(doc, "R260") == at(doc, "R260", detail)
    put(detail, "－")
    assert found(doc, "R260") == []


def test_r260_spec_lists_every_negative_answer():
    """Each choice that says there is nothing has its items listed under empty_when (both forms)."""
    from pia_excel.rules.negatives import negatives
    from pia_excel.spec import load_spec

    nothing = ("しない", "行っていない", "定めていない", "定められていない", "残していない", "制限していない",
               "保管していない", "発生なし", "再委託していない")
    for form in ("juten", "zenkomoku"):
        listed = {(it.path, a) for it, e in negatives(form) for a in e.answers}
        for it in load_spec(form).value_items():
            for c in it.choices:
                # 十分に行っていない still describes what is done; 保管期間 定められていない is explained in その妥当性
                if c.endswith(nothing) and not c.startswith("十分に") and it.path != "II.hokan_kikan_kikan":
                    assert (it.path, c) in listed, (form, it.path, c)


def test_r270_one_organisation_written_two_ways():
    doc = zen()
    ii = doc.files[0].II
    ii.itaku_jiko = [_itaku_block(doc, name="保守", itakusaki_mei="株式会社ケー・デー・シー"),
                     _itaku_block(doc, name="運用", itakusaki_mei="（株）ケーデーシー")]
    doc.I.busho = "区民部 戸籍住民課"
    ii.jimu_tanto_busho = "区民部戸籍住民課"
    assert found(doc, "R270") == at(doc, "R270", "files[1].II.jimu_tanto_busho", "files[1].II.itaku_jiko[2].itakusaki_mei")
    ii.itaku_jiko[1].itakusaki_mei = "株式会社ケー・デー・シー"
    ii.jimu_tanto_busho = "戸籍住民課"  # a shorter form is a level of detail, not another spelling
    doc.I.busho = "区民部戸籍住民課"
    assert found(doc, "R270") == []


def test_r510_vague_measures():
    doc = juten()
    iii = doc.files[0].III
    iii.III_2_risk1_measures = "アクセスログを取得し、定期的に点検する。"
    iii.keiyakusho_kitei_naiyo = "・秘密保持義務\n・委託先を適切に管理する"
    assert found(doc, "R510") == at(doc, "R510", "files[1].III.III_2_risk1_measures",
                                    "files[1].III.keiyakusho_kitei_naiyo")
    iii.III_2_risk1_measures = "アクセスログを取得し、定期的に（毎月）点検する。"
    iii.keiyakusho_kitei_naiyo = ("・秘密保持義務\n・委託先を適切に管理するため、年1回、作業場所への立入検査を行い、"
                                  "結果を課長に報告させる")
    assert found(doc, "R510") == []
    doc.IV.seikyu_hoho = "定期的に受け付ける"  # not a risk measure (Ⅳ 開示請求 in 重点)
    assert found(doc, "R510") == []


def test_r107_opinion_period_under_30_days_needs_a_reason():
    doc = zen()
    doc.VI.shikiichi = OBLIGED
    doc.VI.iken_kikan = "令和2年6月15日～6月30日"
    doc.VI.iken_tanshuku_riyu = "期間短縮なし"
    assert found(doc, "R107") == at(doc, "R107", "VI.iken_tanshuku_riyu")
    doc.VI.shikiichi = VOLUNTARY
    assert found(doc, "R107") == []
    doc.VI.shikiichi = OBLIGED
    doc.VI.iken_tanshuku_riyu = "法令改正の施行日に間に合わせるため"
    assert found(doc, "R107") == []
    doc.VI.iken_kikan, doc.VI.iken_tanshuku_riyu = "令和2年6月15日～7月14日", None  # 30 days (seed 003)
    assert found(doc, "R107") == []


def test_vague_phrases_are_found_the_same_with_their_literal_prefix():
    """R510 rules a text out when none of the phrases' literal prefixes is in it ("定期的", "適切" after its
    lookbehind …): the same answers as the phrases' regular expressions alone, on every text of the fixtures and
    near misses."""
    import json
    from pathlib import Path

    from pia_excel.rules import adequacy

    assert [adequacy.literal_prefix(p) for p in ("定期的?に", "(定期|随時)", "[定]期", "定期.に", "ab{2}", r"\d回")] == \
        ["定期", "", "", "定期", "a", ""]
    phrases = adequacy.vague_phrases()["phrases"]
    assert all(p["needle"] for p in phrases)  # every phrase of vague.yaml has one: the fast path is taken
    texts = ["不適切な取扱い", "適切に管理する。", "定期的な点検を行う", "必要に応じて確認", "適宜、", "適切", ""]
    for fixture in sorted(Path(__file__).with_name("fixtures").glob("*.json")):
        def walk(v):
            if isinstance(v, str):
                texts.append(v)
            elif isinstance(v, dict):
                for x in v.values():
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)
        walk(json.loads(fixture.read_text(encoding="utf-8")))
    fast = [adequacy.vague_in(t) for t in texts]
    d = adequacy.vague_phrases()
    try:
        d["needles"] = False  # each phrase's regular expression alone
        assert [adequacy.vague_in(t) for t in texts] == fast
    finally:
        d["needles"] = True
    assert sum(f is not None for f in fast) >= 5
