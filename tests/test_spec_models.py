"""The spec holds every item of the reference schemas, in print order, and the models follow the spec."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from pia_excel.models import DOCUMENTS, new_document
from pia_excel.spec import FORMS, load_spec
from pia_excel.spec.codegen import generate, target

REFERENCE = Path(__file__).with_name("reference")


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).replace("※", "")
    return re.sub(r"\s+", "", s)


def _flatten(nodes) -> list[dict]:
    out = []
    for n in nodes:
        out.append(n)
        out.extend(_flatten(n.get("children") or []))
    return out


def _zen_reference() -> list[dict]:
    d = yaml.safe_load((REFERENCE / "zenkomoku_schema.yaml").read_text())
    return _flatten(it for s in d["document"] for it in s["items"])


def _juten_reference() -> list[dict]:
    d = yaml.safe_load((REFERENCE / "juten_schema.yaml").read_text())
    out = []
    for s in d["sections"]:
        out.extend([s] if s["kind"] in ("free_list", "table") else _flatten(s["children"]))
    return out


@pytest.mark.parametrize("form", FORMS)
def test_generated_models_are_current(form):
    assert target(form).read_text(encoding="utf-8") == generate(form), \
        "models out of date: run python -m pia_excel.spec.codegen"


def test_zenkomoku_spec_has_every_reference_item_in_order():
    spec = load_spec("zenkomoku")
    ours = [it for it in spec.walk() if not it.header and it.key != "tesuryo_detail"]
    ref = _zen_reference()
    assert [i.key for i in ours] == [r["id"] for r in ref]
    for it, r in zip(ours, ref):
        label = r["label"].replace("{n}", "")
        assert _norm(it.label) == _norm(label), it.key
        assert (it.no or None) == r.get("no"), it.key
        assert it.star == bool(r.get("star")), it.key
        assert it.important == bool(r.get("juyo_henko_item")), it.key


def test_juten_spec_has_every_reference_item_in_order():
    spec = load_spec("juten")
    ours = [it for it in spec.walk() if not it.header]
    ref = _juten_reference()
    assert len(ours) == len(ref)
    for it, r in zip(ours, ref):
        printed = _norm(r["label"]).replace("{N}", "")
        assert _norm(f"{it.no or ''}{it.label}") == printed, (it.key, r["id"])
        assert it.star == (r.get("mark") == "※"), it.key
        assert it.important == bool(r.get("important_change")), it.key
        if r.get("choices"):
            assert [f"{i}) {c}" for i, c in enumerate(it.choices, 1)] == r["choices"], it.key


def test_zenkomoku_choice_and_checkbox_lists_match_reference():
    d = yaml.safe_load((REFERENCE / "zenkomoku_schema.yaml").read_text())
    spec = load_spec("zenkomoku")
    by_key = {it.key: it for it in spec.walk()}
    for r in _zen_reference():
        it = by_key[r["id"]]
        if r.get("choices"):
            assert list(it.choices) == d["choice_lists"][r["choices"]]["options"], it.key
        if r.get("options"):
            cb = d["checkbox_lists"][r["options"]]
            opts = [o for g in cb["groups"] for o in g["options"]] if "groups" in cb else cb["options"]
            assert [(o.label, o.detail) for o in it.options] == [(o["label"], o["detail"]) for o in opts], it.key


def test_important_marks_inherited_from_headings():
    zen = load_spec("zenkomoku")
    # 全項目: Ⅰ-5, Ⅰ-6, all of Ⅲ except 7.リスク1⑨, all of Ⅳ
    assert zen.item("I.kojin_bango_riyo_konkyo").important
    assert zen.item("I.renkei_jisshi_umu").important
    assert not zen.item("I.shozokucho_yakushoku").important
    iii = [it for it in zen.section("III").walk() if it.has_value]
    assert {it.key for it in iii if not it.important} == {"juudai_jiko", "juudai_jiko_naiyo", "juudai_jiko_saihatsu"}
    assert all(it.important for it in zen.section("IV").walk() if it.has_value)
    juten = load_spec("juten")
    iii = [it for it in juten.section("III").walk() if it.has_value]
    assert {it.key for it in iii if not it.important} == {"juudai_jiko", "juudai_jiko_naiyo", "juudai_jiko_saihatsu"}
    assert juten.section("III").heading_note == "※(7. ②を除く。)"


@pytest.mark.parametrize("form", FORMS)
def test_repeat_groups_have_20_slots_and_a_name(form):
    spec = load_spec(form)
    groups = [it for it in spec.walk() if it.kind == "repeat"]
    assert {g.key for g in groups} == {"systems", "itaku_jiko", "teikyo_saki", "iten_saki"}
    for g in groups:
        assert g.max == 20
        assert g.children[0].header and g.children[0].key == "name"


@pytest.mark.parametrize("form", FORMS)
def test_models_follow_spec(form):
    """Every value item is a model field of the right section, with the printed label as title."""
    spec = load_spec(form)
    doc_cls = DOCUMENTS[form]
    doc = new_document(form, files=10)
    assert len(doc.files) == 10
    for it in spec.value_items():
        sec = it.section
        owner = getattr(doc.files[0], sec.key) if sec.per_file else getattr(doc, sec.key)
        cls = type(owner)
        for rep in [a for a in it.ancestors() if a.kind == "repeat"]:
            cls = cls.model_fields[rep.key].annotation.__args__[0]
        assert it.key in cls.model_fields, it.path
        field = cls.model_fields[it.key]
        assert field.title.replace("　※", "").endswith(it.label) or it.header, it.path
    assert doc_cls.model_json_schema()["title"].endswith("Document")


def test_editions():
    zen = load_spec("zenkomoku")
    assert [e.id for e in zen.editions] == ["r7-05", "h30-05"]
    main_items = zen.item("II.omona_kiroku_komoku")
    assert main_items.options[3].label == "5情報（氏名、氏名の振り仮名、性別、生年月日、住所）"
    assert zen.edition("h30-05").labels[main_items.options[3].label] == "4情報（氏名、性別、生年月日、住所）"
    juten = load_spec("juten")
    assert juten.item("II.omona_kiroku_komoku").options[3].label == "4情報(氏名、性別、生年月日、住所)"


def test_choice_lists_of_threshold_items():
    zen = load_spec("zenkomoku")
    assert zen.item("I.taisho_ninzu").choices[-1] == "30万人以上"
    juten = load_spec("juten")
    assert juten.item("I.taisho_ninzu").choices[-1] == "10万人以上30万人未満"
    assert juten.item("V.shikiichi").choices[0] == "基礎項目評価及び重点項目評価の実施が義務付けられる"
