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

Values (one normalisation for the reader by defined names, the reader by labels and the JSON/YAML reader, which
all end in the models' validators, so the same input gives the same document whichever way it comes in):

- :func:`text_value` — free text: line breaks as "\n", "" is no value, a number, truth value or date a cell (or
  YAML) holds as such becomes its text; width and spaces are the author's and are kept.
- :func:`match_choice` — a ＜選択肢＞ (or checkbox label) written with other widths, spaces, line breaks, a printed
  number ("2) 委託する") or an edition's wording is the choice itself; anything else is left as written.
- :func:`count_value` — "５", "（ 5 ）件", 5.0 → 5; anything else left as written (refused, or kept verbatim).
- dates: :meth:`pia_excel.wareki.WarekiDate.parse` (NFKC, no whitespace, 元年 = 1年, "R7.2.25"), the one parser of
  the models' ``Wareki`` type; :func:`date_value` gives a cell's date as its 和暦 text.
"""
from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from functools import lru_cache
from typing import Any, Iterable

from ..wareki import WarekiDate

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


#: cell texts that mean "nothing here" in real documents ("－", "該当なし" …); treated as empty where a rule
#: asks whether a cell that should stay empty was filled in (rules.engine.is_substantive and the live checks)
PLACEHOLDERS = frozenset({"-", "ー", "－", "―", "‐", "−", "—", "なし", "無し", "該当なし", "該当無し", "特になし",
                          "記載なし", "対象外", "なし。", "該当なし。", "特になし。", "N/A", "n/a", "ー。", "／", "/"})

#: the words of a marker left for the author ("【要確認】", "［TODO］", "★要修正"): rule R502 and its live check
AUTHOR_MARKER_WORDS = ("要確認", "要修正", "要検討", "要記入", "要調整", "要更新", "確認中", "検討中", "調整中", "修正中",
                       "作成中", "未確定", "TODO", "TBD", "FIXME", "XXX")


# ---------------------------------------------------------------------------------------------- values
def text_value(value: Any) -> Any:
    """Free text as a document keeps it: "\r\n" and "\r" as "\n", an empty text as None; a number, truth value
    or date given as such (an Excel cell, a YAML scalar) as its text: 5.0 → "5", True → "TRUE", a date → its 和暦.
    Other values (lists, mappings) are returned as they are, for the model to refuse."""
    if value is None or isinstance(value, str):
        if value and "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return str(WarekiDate.from_date(value))
    if isinstance(value, (int, float, dt.time)):
        return str(value)
    return value


def date_value(value: Any) -> Any:
    """A date cell as text: an Excel date as its 和暦 ("令和7年2月25日"), text as :func:`text_value` gives it (the
    models' ``Wareki`` type parses it: "令和1年" and "令和元年" are one date)."""
    if isinstance(value, (dt.datetime, dt.date)):
        return str(WarekiDate.from_date(value))
    return text_value(value)


#: what the printed form puts around a choice: "[ 2) 委託する ]"
_CHOICE_PREFIX = re.compile(r"^\s*[\[［]?\s*(\d+\s*[)）]\s*)?")
_CHOICE_SUFFIX = re.compile(r"[\]］\s]+$")


def choice_key(text: str) -> str:
    """The key two ways of writing one choice share: without a printed number and brackets, NFKC, no whitespace."""
    return compact(_CHOICE_SUFFIX.sub("", _CHOICE_PREFIX.sub("", text)))


def match_choice(value: Any, choices: tuple[str, ...], aliases: dict[str, str] | None = None) -> Any:
    """The ＜選択肢＞ (or checkbox label) of ``choices`` that ``value`` means: the same text; or the same
    :func:`choice_key` as a choice or as one of ``aliases`` (an edition's wording → the choice). Otherwise
    ``value`` as it is (the model refuses it; a workbook reader keeps it verbatim in ``invalid_values``)."""
    if not isinstance(value, str) or value in choices:
        return value
    key = choice_key(value)
    for c in choices:
        if compact(c) == key:
            return c
    for alias, c in (aliases or {}).items():
        if compact(alias) == key:
            return c
    return value


def count_value(value: Any) -> Any:
    """A count as a document keeps it: an int ("５", "（ 5 ）件", " 5 ", 5.0 → 5); "" is no value; anything else as
    text ("約5", "三", "5.5"), which the model refuses and a workbook reader keeps verbatim."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = nfkc(str(value)).strip().strip("（()）件 ")
    return int(text) if text.isdigit() else (value if isinstance(value, str) else str(value))


@lru_cache(maxsize=1)
def _nfkc_sources() -> dict[str, frozenset[str]]:
    """Character → the characters of the Basic Multilingual Plane whose NFKC is that one character."""
    out: dict[str, set[str]] = {}
    for cp in range(0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        c = chr(cp)
        n = unicodedata.normalize("NFKC", c)
        if len(n) == 1:
            out.setdefault(n, set()).add(c)
    return {k: frozenset(v) for k, v in out.items()}


def nfkc_variants(words: Iterable[str]) -> tuple[str, ...]:
    """Every way of writing one of ``words`` character by character in the Basic Multilingual Plane that
    :func:`compact` reads as that word ("－", "﹣", "₋" for "-"; "ﾅｼ" for "ナシ"), sorted: for comparisons that
    cannot normalise (worksheet formulas, excel/live.py)."""
    sources = _nfkc_sources()
    out: set[str] = set()
    for w in words:
        want = compact(w)
        out.add(w)
        for combo in itertools.product(*(sorted(sources.get(ch, frozenset()) | {ch}) for ch in w)):
            s = "".join(combo)
            if compact(s) == want:
                out.add(s)
    return tuple(sorted(out))


#: control characters an .xlsx cell cannot hold (XML 1.0), never in a workbook's text (the reader reports them,
#: the package writer drops them)
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@lru_cache(maxsize=8)
def compact_replacements(chars: str) -> tuple[tuple[str, str], ...]:
    """(character, what :func:`compact` makes of it) for every character of the Basic Multilingual Plane that
    compact changes into nothing but ``chars`` (whitespace into ""): replaced one by one, they read a text as
    compact does wherever compact gives a text of ``chars`` alone — for formulas that cannot normalise
    (excel/live.py). Characters an .xlsx cell cannot hold are left out."""
    out = []
    for cp in range(0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        c = chr(cp)
        t = compact(c)
        if t != c and all(ch in chars for ch in t) and not XML_ILLEGAL.match(c):
            out.append((c, t))
    return tuple(out)
