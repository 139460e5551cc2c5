"""R270, R510: what a reviewer (第三者点検) questions about the content rather than the form (category 妥当性):
one organisation written in different ways within a document, and measures worded too vaguely to check
(定期的に with no frequency, 適切に with nothing concrete; the phrases are data in ``rules/vague.yaml``)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from ..spec.packaged import load_yaml
from .engine import ADEQUACY, WARNING, Context, Hit, rule
from .required import instances_of


# ---------------------------------------------------------------------------------------------- R510 vague
@lru_cache(maxsize=None)
def vague_phrases() -> dict:
    """``rules/vague.yaml``: sections per form, the frequency expression and the phrases (compiled)."""
    d = load_yaml(Path(__file__).with_name("vague.yaml"))
    d["frequency"] = re.compile(d["frequency"])
    for p in d["phrases"]:
        p["regex"] = re.compile(p["pattern"])
        p["needle"] = literal_prefix(p["pattern"])
    d["any"] = re.compile("|".join(f"(?:{p['pattern']})" for p in d["phrases"]))
    d["needles"] = all(p["needle"] for p in d["phrases"])
    return d


_LOOKBEHIND = re.compile(r"\A\(\?<[!=][^()\\]*\)")
_QUANTIFIER = "?*+{"


def literal_prefix(pattern: str) -> str:
    """Text every match of ``pattern`` starts with ("定期的" of "定期的[にな]", "適切" of "(?<!不)適切[にな]"): the
    plain characters it begins with, after a leading lookbehind, up to the first special character (a character
    followed by a quantifier is left out); "" when there is none or the pattern has an alternative (|). A text
    without it cannot match: ``str.find`` rules out most texts far faster than the regex, which has no prefix."""
    if "|" in pattern:
        return ""
    rest = _LOOKBEHIND.sub("", pattern, count=1)
    out = ""
    for i, ch in enumerate(rest):
        if ch in "\\.^$[]()|" or ch in _QUANTIFIER:
            break
        if rest[i + 1:i + 2] and rest[i + 1] in _QUANTIFIER:
            break
        out += ch
    return out


_SENTENCE_END = re.compile(r"[。\n]|(?:^|\s)[・･]")
_NOISE = re.compile(r"[\s、。・･,，.（）()「」『』〔〕<>＜＞]")


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence or bullet around text[start:end]."""
    a = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    m = _SENTENCE_END.search(text, end)
    return text[a: m.start() if m else len(text)]


def vague_in(text: str) -> tuple[str, str] | None:
    """(phrase, what to ask) of the first vague phrase of a measure text, or None."""
    d = vague_phrases()
    phrases = d["phrases"]
    if d["needles"]:
        phrases = [p for p in phrases if p["needle"] in text]
        if not phrases:
            return None
    elif not d["any"].search(text):
        return None
    has_frequency = None
    for p in phrases:
        for m in p["regex"].finditer(text):
            if p.get("frequency"):
                if has_frequency is None:
                    has_frequency = bool(d["frequency"].search(unicodedata.normalize("NFKC", text)))
                if not has_frequency:
                    return p["name"], p["ask"]
            elif "max_sentence" in p:
                rest = _NOISE.sub("", _sentence(text, m.start(), m.end()).replace(m.group(0), "", 1))
                if len(rest) <= p["max_sentence"]:
                    return p["name"], p["ask"]
    return None


@rule("R510", WARNING, "あいまいな措置の記載（頻度のない「定期的に」、具体性のない「適切に」など）",
      "{label}: 「{phrase}」とありますが、{ask}が書かれていません（第三者点検で確認を求められる記載です）",
      reads=("III.*", "IV.*"), category=ADEQUACY)
def vague_measures(ctx: Context) -> Iterator[Hit]:
    """A risk measure (Ⅲ, and 全項目 Ⅳ) worded so vaguely that a reviewer cannot check it: 定期的に with no
    frequency anywhere in the cell, or 適切に / 適宜 / 必要に応じて in a sentence that says little else. The phrases
    and what makes them concrete are data (``pia_excel/rules/vague.yaml``). One warning per cell."""
    sections = set(vague_phrases()["sections"][ctx.form])
    for path, item, value in ctx.instances():
        if item.kind != "text" or not isinstance(value, str) or item.section.key not in sections:
            continue
        found = vague_in(value)
        if found:
            yield Hit(path, {"label": ctx.label(path), "phrase": found[0], "ask": found[1]})


# ---------------------------------------------------------------------------------------------- R270 names
#: items that name organisations (委託先, 部署, 提供先・移転先) and checkbox lists whose （　） names one
NAME_ITEMS = ("I.busho", "II.jimu_tanto_busho", "II.shiyo_busho", "II.itaku_jiko.itakusaki_mei",
              "II.teikyo_saki.name", "II.iten_saki.name", "II.nyushu_moto")
_SPLIT = re.compile(r"[、,，\n/／;；]|及び|並びに")
_ORG = re.compile(r"課|部|局|室|係|所|センター|会社|法人|機構|協会|組合|委員会|庁|省|署|団体|病院|\((株|有)\)|㈱|㈲")
_CORP = re.compile(r"\((株|有|合)\)|株式会社|有限会社|合同会社")
_KE = re.compile(r"(?<=[一-龥])[ヶケヵカが](?=[一-龥])")


def org_key(name: str) -> str:
    """What stays of an organisation name when the ways of writing it are taken out: width (NFKC), spaces, the
    company form and its place (株式会社ABC, (株)ABC, ㈱ABC, ABC株式会社), ヶ/ケ/が between kanji, ・ and -."""
    t = unicodedata.normalize("NFKC", name)
    t = re.sub(r"\s+", "", t)
    t = _CORP.sub("", t)
    t = _KE.sub("ケ", t)
    return re.sub(r"[・･\-‐ー－]", "", t)


def _unbracketed(part: str) -> str:
    """A part without the bracket it was cut from: "（東京都国民健康保険団体連合会は" and "(東京都…連合会は" of
    "（…は、国保中央会に再委託する。）" are one name (seed 002 L1283, L1687); "（株）ABC" keeps its brackets."""
    if part[:1] in "(（" and not any(c in part[1:] for c in ")）"):
        part = part[1:]
    if part[-1:] in ")）" and not any(c in part[:-1] for c in "(（"):
        part = part[:-1]
    return part.strip()


def _names(ctx: Context) -> Iterator[tuple[str, str]]:
    """(path, name) of every organisation name in print order."""
    spec = ctx.spec
    for tpath in NAME_ITEMS:
        item = spec.item(tpath)
        for _, path in instances_of(ctx, item):
            value = ctx.value(path)
            if item.value_kind == "checkboxes":
                texts = [(f"{path}.o{ctx.option_index(item, t.label)}.detail", t.detail)
                         for t in value or [] if getattr(t, "detail", None) and ctx.option_index(item, t.label)]
            else:
                texts = [(path, value)] if isinstance(value, str) else []
            for where, text in texts:
                for part in _SPLIT.split(text):
                    part = _unbracketed(part.strip())
                    plain = unicodedata.normalize("NFKC", part)
                    if len(part) >= 3 and _ORG.search(plain) and not re.search(r"\d|〒|電話", plain):
                        yield where, part


@rule("R270", WARNING, "同じ組織（委託先・部署など）が文書内で異なる書き方をされている",
      "{label}: 「{name}」は{first_label}の「{first}」と同じ組織と思われますが、書き方が異なります（表記を統一してください）",
      reads=NAME_ITEMS, category=ADEQUACY)
def organisation_spellings(ctx: Context) -> Iterator[Hit]:
    """One organisation written in different ways within a document: a 委託先 written 株式会社ABC in one block
    and (株)ＡＢＣ or ABC株式会社 in another, an office written "市民部 市民課" in one item and "市民部市民課" in
    another (width, spaces, the company form and its place, ヶ/ケ, ・ are compared away; a shorter form such as
    "市民課" for "市民部市民課" is a different level of detail and is accepted). Names are read from Ⅰ ①部署,
    Ⅱ ⑥事務担当部署, 使用部署, 委託先名, the 提供先・移転先 names and the （　） of ①入手元. Each other spelling
    is reported once, at its first cell, naming the first spelling."""
    first: dict[str, tuple[str, str]] = {}
    reported: set[tuple[str, str]] = set()
    for path, name in _names(ctx):
        key = org_key(name)
        if len(key) < 2:
            continue
        if key not in first:
            first[key] = (path, name)
            continue
        p0, n0 = first[key]
        if name != n0 and (key, name) not in reported:
            reported.add((key, name))
            yield Hit(path, {"label": ctx.label(path.removesuffix(".detail").rsplit(".o", 1)[0]
                                                if path.endswith(".detail") else path),
                             "name": name, "first": n0,
                             "first_label": ctx.label(p0.rsplit(".o", 1)[0] if p0.endswith(".detail") else p0)})
