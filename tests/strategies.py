"""Hypothesis strategies that build random but well-typed documents of either form (shared by tests)."""
from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from pia_excel.models import new_document, parse_document
from pia_excel.spec import Item, load_spec
from pia_excel.wareki import WarekiDate

#: printable text incl. Japanese, line breaks, leading "=" and spaces; no control characters
_chars = st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn"), blacklist_characters="\u2028\u2029\x85") | \
    st.sampled_from(list("\n　・①あ漢字＝=（）［］"))
texts = st.text(_chars, min_size=1, max_size=40).map(lambda s: s if s.strip() else s + "x")
dates = st.dates(dt.date(1989, 1, 8), dt.date(2099, 12, 31)).map(lambda d: str(WarekiDate.from_date(d)))


def _value(item: Item, draw, labels: dict):
    kind = item.value_kind
    if kind == "text":
        return draw(texts)
    if kind == "choice":
        return draw(st.sampled_from(item.choices))
    if kind == "count":
        return draw(st.integers(0, 10**6))
    if kind == "date":
        return draw(dates)
    if kind == "list":
        return draw(st.lists(texts | st.just(""), max_size=5).map(lambda v: v if not v or v[-1] else v + ["x"]))
    if kind == "checkboxes":
        out = []
        for opt in item.options:
            if draw(st.booleans()):
                t = {"label": labels.get(opt.label, opt.label)}
                if opt.detail and draw(st.booleans()):
                    t["detail"] = draw(texts)
                if opt.count and draw(st.booleans()):
                    t["count"] = draw(st.integers(0, 99))
                if ("detail" in t or "count" in t) and draw(st.booleans()):
                    t["checked"] = False
                out.append(t)
        return out
    if kind == "table":
        return draw(st.lists(st.fixed_dictionaries({}, optional={
            "date": dates, "item": texts, "before": texts, "after": texts,
            "timing": st.sampled_from(["事前", "事後"]), "explanation": texts}).filter(bool), max_size=3))
    raise AssertionError(kind)


def _fields(items: list[Item], draw, density: float, labels: dict) -> dict:
    out: dict = {}
    for it in items:
        if not draw(st.floats(0, 1)) < density:
            continue
        if it.kind == "repeat":
            n = draw(st.integers(0, 3))
            blocks = [_fields(it.fields(), draw, density, labels) for _ in range(n)]
            while blocks and not blocks[-1]:
                blocks.pop()
            out[it.key] = blocks
        else:
            out[it.key] = _value(it, draw, labels)
            if it.count:
                out[f"{it.key}_count"] = draw(st.integers(0, 20))
    return out


@st.composite
def documents(draw, form: str | None = None, max_files: int = 3, density: float | None = None):
    form = form or draw(st.sampled_from(["juten", "zenkomoku"]))
    spec = load_spec(form)
    density = draw(st.sampled_from([0.1, 0.4, 0.9])) if density is None else density
    edition = draw(st.sampled_from([e.id for e in spec.editions]))
    labels = spec.edition(edition).labels
    data: dict = {"form": form, "edition": edition}
    for sec in spec.sections:
        if not sec.per_file:
            data[sec.key] = _fields(sec.fields(), draw, density, labels)
    nfiles = draw(st.integers(1, max_files))
    data["files"] = [{fs.key: _fields(fs.fields(), draw, density, labels) for fs in spec.file_sections}
                     for _ in range(nfiles)]
    return parse_document(data)


def empty(form: str):
    return new_document(form)


# ---------------------------------------------------------------------------------------------- normalisation cases
#: half-width ASCII ↔ full-width forms, space ↔ ideographic space
_WIDE = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)} | {" ": "\u3000"}
_NARROW = {v: k for k, v in _WIDE.items()}


@st.composite
def width_swapped(draw, text: str) -> str:
    """``text`` with some characters in the other width ("(" ↔ "（", "5" ↔ "５", " " ↔ "　")."""
    return "".join(draw(st.sampled_from([ch, _WIDE.get(ch) or _NARROW.get(ch) or ch])) for ch in text)


@st.composite
def spaced(draw, text: str) -> str:
    """``text`` with spaces, ideographic spaces or line breaks put between some characters."""
    out = []
    for ch in text:
        out.append(ch)
        if draw(st.integers(0, 5)) == 0:
            out.append(draw(st.sampled_from([" ", "\u3000", "\n", "\r\n"])))
    return draw(st.sampled_from(["", " ", "\u3000"])) + "".join(out) + draw(st.sampled_from(["", " ", "\n"]))


@st.composite
def choice_written(draw, choice: str, number: int) -> str:
    """A ＜選択肢＞ as staff type it: other widths, spaces and line breaks, or with the printed number "2) …"."""
    text = draw(width_swapped(choice))
    if draw(st.booleans()):
        text = draw(st.sampled_from([f"{number}) ", f"{number}）", f"[ {number}) "])) + text
        text += "]" if text.startswith("[") else ""
    return draw(spaced(text)) if draw(st.booleans()) else text


@st.composite
def count_written(draw, n: int) -> str:
    """A count as text: "５", "（ 5 ）件", " 5 "."""
    digits = draw(width_swapped(str(n)))
    return draw(st.sampled_from([digits, f"（ {digits} ）件", f"({digits})", f" {digits} ", f"{digits}件"]))


@st.composite
def date_written(draw, date: str) -> str:
    """A 和暦 date as text: 令和1年 for 令和元年 (and back), full-width digits, spaces."""
    text = date.replace("元年", "1年") if "元年" in date and draw(st.booleans()) else date
    text = draw(width_swapped(text))
    return draw(spaced(text)) if draw(st.booleans()) else text
