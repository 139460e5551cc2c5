"""Every printed text of the spec stands in a real published document: the seeds are the evidence."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from pia_excel.spec import load_spec

SEEDS = Path(__file__).with_name("seeds")


def _flat(name: str) -> str:
    return re.sub(r"\s+", "", next(SEEDS.glob(f"{name}_*.txt")).read_text(encoding="utf-8"))


def _printed_texts(form: str):
    for it in load_spec(form).walk():
        if it.header or it.kind == "static":
            continue
        yield it.key, it.label
        for o in it.options:
            yield it.key, o.label
        for c in it.choices:
            yield it.key, c


def test_juten_texts_are_verbatim_in_kushiro_document():
    seed = _flat("001")
    missing = [(k, t) for k, t in _printed_texts("juten") if re.sub(r"\s+", "", t) not in seed]
    assert missing == []


def test_zenkomoku_texts_are_verbatim_in_the_published_documents():
    """Character for character in 世田谷区 (PDF text layer, 平成30年 edition); the 令和7年 wording in 足立区 (OCR)."""
    exact = _flat("002")
    ocr = unicodedata.normalize("NFKC", _flat("004"))
    only_r7 = []
    for key, text in _printed_texts("zenkomoku"):
        t = re.sub(r"\s+", "", text)
        if t in exact:
            continue
        assert unicodedata.normalize("NFKC", t) in ocr, (key, text)
        only_r7.append(text)
    assert only_r7 == ["5情報（氏名、氏名の振り仮名、性別、生年月日、住所）"]


@pytest.mark.parametrize("label", ["4情報（氏名、性別、生年月日、住所）"])
def test_older_edition_wording_is_in_the_older_document(label):
    assert label in _flat("002")
    assert load_spec("zenkomoku").edition("h30-05").labels["5情報（氏名、氏名の振り仮名、性別、生年月日、住所）"] == label
