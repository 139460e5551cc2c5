"""Text normalisation, in one place: how printed labels, cell texts and 変更箇所 項目 strings are compared.

- :func:`nfkc` — Unicode NFKC ("１．" → "1.", "（" → "("); ``None`` → "".
- :func:`nfkc_keep_circled` — NFKC except circled numbers ("②" stays "②", NFKC would make it "2").
- :func:`nospace` — every whitespace character removed (full-width spaces included), nothing else changed.
- :func:`compact` — NFKC, then no whitespace: for comparing labels, choices and texts.
- :func:`label_key` — :func:`compact` without ※: the key of a printed label found in a workbook (section
  numerals come out Latin either way: "Ⅱ 特定個人情報 ※" and "II 特定個人情報" → "II特定個人情報").
- :func:`item_text_key` — the key of a printed 項目 string of a 変更箇所 row (page prefixes, ※ notes, "(略)" and
  trailing qualifiers dropped, dashes unified, circled numbers kept).
- :func:`unify_dashes` — the dash variants as "-".
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

_WS = re.compile(r"\s+")
#: circled numbers keep their identity (NFKC would turn "②" into "2")
_CIRCLED = frozenset(chr(c) for c in range(0x2460, 0x2474))
_CIRCLED_SPLIT = re.compile(r"([\u2460-\u2473])")
_DASHES = str.maketrans({c: "-" for c in "—―−‐–－"})

# 変更箇所 項目 strings
_PAGE = re.compile(r"^\s*(?:P|p|Ｐ|ｐ)\s*\.?\s*\d+\s*")
_NOTE = re.compile(r"※\s*[(（][^)）]*[)）]")
_OMIT = re.compile(r"[(（]\s*略\s*[)）]")
_TRAILING_QUALIFIER = re.compile(r"(?:<[^<>]*>|《[^《》]*》|〈[^〈〉]*〉|【[^【】]*】)$")


def nfkc(text: str | None) -> str:
    """Unicode NFKC of ``text`` ("" for None)."""
    return unicodedata.normalize("NFKC", text or "")


def nfkc_keep_circled(text: str) -> str:
    """NFKC, circled numbers (①–⑳) kept as they are."""
    if not any(ch in _CIRCLED for ch in text):
        return unicodedata.normalize("NFKC", text)
    return "".join(chunk if chunk in _CIRCLED else unicodedata.normalize("NFKC", chunk)
                   for chunk in _CIRCLED_SPLIT.split(text))


def nospace(text: str) -> str:
    """``text`` without any whitespace."""
    return _WS.sub("", text)


def compact(text: str) -> str:
    """NFKC, no whitespace: for comparing printed labels and texts."""
    return _WS.sub("", unicodedata.normalize("NFKC", text))


def unify_dashes(text: str) -> str:
    """The dash variants (—―−‐–－) as "-"."""
    return text.translate(_DASHES)


def label_key(value: Any) -> str:
    """The key of a printed label as found in a workbook cell: NFKC, no ※, no whitespace. (The by-label reader
    used to turn a leading "II " into "Ⅱ" before a second NFKC turned it back; the result is the same.)"""
    return compact(unicodedata.normalize("NFKC", str(value)).replace("※", ""))


def item_text_key(text: str) -> str:
    """The key of a printed 変更箇所 項目: NFKC (circled numbers kept), without whitespace, page prefixes ("P51"),
    ※ notes and "(略)"; dashes unified; trailing <…>, 《…》, 〈…〉 and 【…】 qualifiers dropped; an OCR "1" read for
    Ⅰ before 基本情報 restored."""
    t = nfkc_keep_circled(text)
    t = _PAGE.sub("", t)
    t = _NOTE.sub("", t)
    t = _OMIT.sub("", t)
    t = t.replace("※", "")
    t = nospace(t)
    t = unify_dashes(t)
    while True:
        stripped = _TRAILING_QUALIFIER.sub("", t)
        if stripped == t or not stripped:
            break
        t = stripped
    # OCR reads the numeral Ⅰ as the digit 1 ("1 基本情報 2 …")
    return re.sub(r"^[1lｌ|](?=基本情報)", "I", t)


def part_key(text: str) -> str:
    """The key of one printed part of a 項目 path (as matched by the parser): NFKC, no whitespace, dashes
    unified, circled numbers kept."""
    return unify_dashes(nospace(nfkc_keep_circled(text)))


#: the words of a marker left for the author ("【要確認】", "［TODO］", "★要修正"): rule R502 and its live check
AUTHOR_MARKER_WORDS = ("要確認", "要修正", "要検討", "要記入", "要調整", "要更新", "確認中", "検討中", "調整中", "修正中",
                       "作成中", "未確定", "TODO", "TBD", "FIXME", "XXX")
