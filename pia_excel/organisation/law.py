"""``pia-excel law-update``: the pre-2024 番号法 references of a folder of 評価書 rewritten to the new
ones, with the 変更箇所 rows they need (事後, 法改正によるもの, as the real rows of the seeds).

What is rewritten (only references that belong to 番号法: the nearest name of a norm before them is 番号法 —
the owner test of rule R401, :func:`pia_excel.rules.law.bango_owns` — so an ordinance's own 別表 is left alone):

- 別表第1第N項(、第M項 …) → 別表第N'項(、第M'項 …): 別表第一 became 別表 and its items were renumbered;
- 別表第2第N項(、第M項 …) → 番号法第19条第8号に基づく主務省令第2条の表第N'項 …: 別表第二 was deleted, its table
  moved to the 命令 (利用特定個人情報の提供に関する命令, 令和6年デジタル庁・総務省令第9号);
- 第19条第7号 → 第19条第8号.

The item numbers come from :data:`BETSUHYO1` and :data:`BETSUHYO2`, the pairs the real documents themselves
printed (seed 001 釧路市, 変更箇所 of 令和7年2月25日, lines 279–287; seed 004 足立区 line 1655 agrees; see
tests/reference/law_refs.tsv). The table is partial: a reference with an item that is not in it is left as it is
and listed as 要確認 (対応表にない項), never guessed.
"""
from __future__ import annotations

import re

from ..rules.law import bango_owns, stale_references

__all__ = ["BETSUHYO1", "BETSUHYO2", "rewrite_law"]

#: 番号法 別表第一 item → 別表 item (seed 001 lines 279, 282, 284–287)
BETSUHYO1 = {8: 9, 16: 24, 30: 44, 59: 85, 68: 100}
#: 番号法 別表第二 item → 主務省令第2条の表 item (seed 001 line 280, by list order; 27, 42, 94 confirmed by seed 004
#: line 1655, whose old list holds them and new list their pairs)
BETSUHYO2 = {27: 48, 42: 69, 82: 117, 94: 132}
MEIREI = "番号法第19条第8号に基づく主務省令第2条の表"

_D = "[0-9０-９]"
_ITEMS = rf"第\s*{_D}+\s*項(?:\s*[、，,]\s*第\s*{_D}+\s*項)*"
_REF = re.compile(rf"別表\s*第\s*(?P<table>[1１一2２二])\s*(?P<items>{_ITEMS})|第19条第7号|第１９条第７号")
_ITEM = re.compile(rf"第\s*(?P<n>{_D}+)\s*項")
_WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def _num(text: str) -> int:
    return int(text.translate(str.maketrans("０１２３４５６７８９", "0123456789")))


def rewrite_law(text: str) -> tuple[str, list[str], int]:
    """``text`` with its pre-2024 番号法 references rewritten: (new text, what was done — "旧→新" or "要確認: …",
    how many references were rewritten)."""
    if "別表" not in text and "19条" not in text and "１９条" not in text:
        return text, [], 0
    out, used, count, prev = [], [], 0, 0
    for m in _REF.finditer(text):
        if not bango_owns(text, m.start()):
            continue
        old = m.group(0)
        if m.group("table") is None:
            new = old.replace("7号", "8号").replace("７号", "８号")
        else:
            table = BETSUHYO1 if m.group("table") in "1１一" else BETSUHYO2
            items = [(i, _num(i.group("n"))) for i in _ITEM.finditer(m.group("items"))]
            missing = [n for _, n in items if n not in table]
            if missing:
                used.append(f"要確認: {old}（対応表にない項: {'、'.join(map(str, missing))}）")
                continue
            wide = any(c in "０１２３４５６７８９" for c in m.group("items"))
            parts, p = [], 0
            for i, n in items:
                s = i.start("n")
                parts += [m.group("items")[p:s], str(table[n]).translate(_WIDE) if wide else str(table[n])]
                p = i.end("n")
            parts.append(m.group("items")[p:])
            head = "別表" if table is BETSUHYO1 else MEIREI
            new = head + "".join(parts)
        out += [text[prev:m.start()], new]
        prev = m.end()
        used.append(f"{old}→{new}")
        count += 1
    out.append(text[prev:])
    new_text = "".join(out)
    # what is still in the old style without item numbers (「番号法別表第2及び…」): shown, not rewritten
    for ref in stale_references(new_text):
        if not any(ref in u for u in used):
            used.append(f"要確認: {ref}（項の指定がないため書き換えていません）")
    if not used:
        return text, [], 0
    return new_text, used, count
