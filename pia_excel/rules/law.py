"""R401: law references in the pre-2024 style in a document dated after the amendment.

The 改正番号法 (令和5年法律第48号) took effect on this point on 令和6年5月27日: 番号法 別表第一 became "別表"
(items renumbered: 別表第1第16項 → 別表第24項) and 別表第二 was deleted, its table moving to
"番号法第19条第8号に基づく主務省令（利用特定個人情報の提供に関する命令）第2条の表". "第19条第7号" is older still
(now 第8号). An ordinance's own 別表 ("区番号条例別表第2の8の項") and 住基法's 別表 are not affected.
"""
from __future__ import annotations

import re
from typing import Iterator

from ..wareki import WarekiDate
from ..spec.text import nfkc
from .engine import WARNING, Context, Hit, rule

#: 改正番号法 施行日 for 別表第一/別表第二 (令和5年法律第48号; 利用特定個人情報の提供に関する命令 施行)
AMENDMENT_DATE = WarekiDate("令和", 6, 5, 27)

#: old-style references: 別表第1 / 別表第一 / 別表第2 / 別表二 (not "別表第24項" nor "別表第1項", new-style items)
_STALE = re.compile(r"別表\s*第?\s*[12一二](?![0-9〇一二三四五六七八九十項号])|第19条第7号")
#: names of laws and other norms; the nearest one before a 別表 decides whose 別表 it is
_NORMS = re.compile(
    r"(?P<bango>番号法|番号利用法|行政手続における特定の個人を識別するための番号の利用等に関する法律)"
    r"|(?P<other>条例|規則|省令|命令|政令|告示|要綱|規程|住基法|住民基本台帳法|[一-龥]{1,12}(?<!番号)(?<!番号利用)法(?=\s*(?:第|別表)))")
#: how far back (characters, same line) a reference looks for the norm it belongs to
LOOKBACK = 80


def bango_owns(text: str, pos: int) -> bool:
    """Whether a reference at ``pos`` in ``text`` belongs to 番号法: the nearest name of a norm before it on its
    line (within :data:`LOOKBACK` characters) is 番号法's (used by ``pia-excel law-update``)."""
    start = max(text.rfind("\n", 0, pos) + 1, pos - LOOKBACK)
    owner = None
    for n in _NORMS.finditer(nfkc(text[start:pos])):
        owner = n
    return owner is not None and owner.group("bango") is not None


def stale_references(text: str) -> list[str]:
    """The pre-2024 番号法 references in ``text`` ("別表第1", "別表第二", "第19条第7号"), as written."""
    if "別表" not in text and "条第" not in text:
        # every match has "別表" or "第19条第7号"; NFKC makes 別, 表, 条 and 第 of no other character (a test checks)
        # and keeps characters in place, so the text holds them side by side already
        return []
    t = nfkc(text)
    found = []
    for m in _STALE.finditer(t):
        start = max(t.rfind("\n", 0, m.start()) + 1, m.start() - LOOKBACK)
        window = t[start:m.start()]
        owner = None
        for n in _NORMS.finditer(window):
            owner = n
        if owner is not None and owner.group("bango") and m.group(0) not in found:
            found.append(m.group(0))
    return found


def document_date(ctx: Context) -> WarekiDate | None:
    """The date a document speaks for: its 公表日, else its latest 変更日 or 実施日."""
    if ctx.doc.cover.kohyo_bi is not None:
        return ctx.doc.cover.kohyo_bi
    dates = [r.date for r in ctx.changes()[1] if r.date is not None]
    dates += [d for d in (ctx.value(ctx.role("kiso_jisshi_bi")), ctx.value(ctx.role("daisansha_jisshi_bi")))
              if d is not None]
    return max(dates, key=lambda d: d.last_date()) if dates else None


@rule("R401", WARNING, "改正前（令和6年5月27日より前）の番号法の引用が残っている",
      "{label}: 改正前の番号法の引用「{refs}」があります（令和6年5月27日から、別表第一は「別表」、別表第二は"
      "「番号法第19条第8号に基づく主務省令第2条の表」です）", reads=("kind:text", "role:changes"))
def stale_law_reference(ctx: Context) -> Iterator[Hit]:
    """A document dated on or after 令和6年5月27日 does not cite 番号法 別表第1/別表第2 or 第19条第7号 (an ordinance's
    own 別表 is fine). The change log is checked only in rows dated on or after that day, 変更後の記載 only."""
    when = document_date(ctx)
    if when is None or when.last_date() < AMENDMENT_DATE.to_date():
        return
    for path, item, value in ctx.instances():
        if item.value_kind == "text" and isinstance(value, str):
            refs = stale_references(value)
            if refs:
                yield Hit(path, {"label": ctx.label(path), "refs": "」「".join(refs)})
    table, rows = ctx.changes()
    for n, row in enumerate(rows, start=1):
        if row.date is not None and row.date.to_date() >= AMENDMENT_DATE.to_date() and row.after:
            refs = stale_references(row.after)
            if refs:
                yield Hit(f"{table}[{n}].after",
                          {"label": f"変更箇所 {n}行目 変更後の記載", "refs": "」「".join(refs)})
