"""R240–R251: bracket choices ("1万人以上10万人未満", "100項目以上") that must agree with other answers:
the しきい値判断結果, the number of items in the 記録項目 annex, Ⅰ 対象人数 vs Ⅱ 対象となる本人の数."""
from __future__ import annotations

import re
from typing import Iterator

from ..spec.requirements import (FORM_LEVEL, HANDLER_ITEMS, HANDLERS, HONNIN_SU, INF, JUUDAI_JIKO,  # noqa: F401
                                 LEVEL_NAMES, TAISHO_NINZU, bracket, obligation_range, overlap, shikiichi_disagrees, stated_level)
from ..spec.text import nfkc
from .engine import ERROR, WARNING, Context, Hit, norm, rule

def _handlers(ctx: Context) -> tuple[bool, bool]:
    """(certainly ≥ 500, possibly ≥ 500) for the 取扱者数, from 使用者数 and 委託先における取扱者数."""
    brackets = []
    unknown = False
    for prefix, _ in ctx.files():
        for path in HANDLER_ITEMS:
            item = ctx.item(f"{prefix}.{path}")
            if item.repeat is None:
                values = [ctx.value(f"{prefix}.{path}")]
            else:
                blocks = ctx.value(f"{prefix}.{item.repeat.path}") or []
                values = [getattr(blk, item.key) for blk in blocks if not blk.is_empty()]
            for v in values:
                b = bracket(v)
                unknown |= b is None
                brackets.append(b)
    known = [b for b in brackets if b is not None]
    certain = any(lo >= HANDLERS for lo, _ in known)
    possible = unknown or sum(hi - 1 for _, hi in known) >= HANDLERS
    return certain, possible


def obligation(ctx: Context) -> tuple[int, int] | None:
    """The range of obligation levels the document's answers allow (DESIGN §2, the PPC しきい値)."""
    b = bracket(ctx.value(TAISHO_NINZU))
    if b is None:
        return None
    certain, possible = _handlers(ctx)
    accidents = {ctx.value(f"{p}.{JUUDAI_JIKO[0]}") for p, _ in ctx.files()}
    # 重大事故 in the form covers 3 years, the しきい値 only the last year: "発生あり" makes it possible only
    possible = possible or bool(accidents & {JUUDAI_JIKO[1], None})
    return obligation_range(b[1], certain, possible)


@rule("R240", ERROR, "しきい値判断結果が対象人数・取扱者数・重大事故と合わない", "{label}: {problem}",
      reads=("I.taisho_ninzu", "role:shikiichi", "II.shiyosha_su", "II.itaku_jiko.itakusaki_toriatsukaisha_su", "III.juudai_jiko"))
def shikiichi(ctx: Context) -> Iterator[Hit]:
    """②しきい値判断結果 states the obligation that Ⅰ ③対象人数 gives (under 1,000: none; 1,000–1万: 基礎;
    1万–10万: 基礎, + 重点 when 取扱者数 ≥ 500 or a 重大事故; 10万–30万: 基礎 + 重点, 全項目 when 取扱者数 ≥ 500 or a
    重大事故; 30万 and over: 基礎 + 全項目). 取扱者数 is judged from 使用者数 and 委託先における取扱者数; where the
    answers leave it open, either result is accepted."""
    path = ctx.role("shikiichi")
    choice = ctx.value(path)
    if not choice:
        return
    level = stated_level(choice)
    rng = obligation(ctx)
    if level is None or rng is None:
        return
    lo, hi = rng
    ninzu = ctx.doc.I.taisho_ninzu
    label = ctx.label(path)
    if not shikiichi_disagrees(ctx.form, level, rng):
        return
    if lo > FORM_LEVEL[ctx.form]:
        yield Hit(path, {"label": label, "problem": f"対象人数が「{ninzu}」のため{LEVEL_NAMES[lo]}ため、"
                                                    f"{ctx.spec.name}ではなく全項目評価書が必要です"})
    elif level < lo:
        yield Hit(path, {"label": label, "problem": f"対象人数が「{ninzu}」のため{LEVEL_NAMES[lo]}はずですが、"
                                                    f"「{choice}」となっています"})
    elif level > hi:
        yield Hit(path, {"label": label, "problem": f"対象人数が「{ninzu}」の場合、義務付けられるのは「{LEVEL_NAMES[hi]}」"
                                                    f"までですが、「{choice}」となっています（任意に実施する場合はその選択肢を選んでください）"})


# ---------------------------------------------------------------------------------------------- 記録項目
_HEADING = re.compile(r"^[【＜<\[［〈《(（].*[】＞>\]］〉》)）]$|[:：]$")
_FILE_TITLE = re.compile(r"^[(（]?\s*\d+\s*[)）].*ファイル")
_NUMBERED = re.compile(r"(?:^|\s)\d+\s*[.．、)）]\s*\S")
_BULLET = re.compile(r"^[・•·\-－*＊]")
_DASH_BULLET = re.compile(r"^-\s+")


def _listed(raw: str) -> int:
    """How many names a line lists: parts separated by 全角スペース or 、 outside brackets (seed 002 writes
    "宛名番号　個人番号　法人番号　世帯番号" and "基礎所得割額、基礎均等割額、…" one group to a line)."""
    depth, parts, cur = 0, 0, ""
    for c in raw:
        depth += c in "（(【「"
        depth -= c in "）)】」"
        if depth <= 0 and c in "\u3000、":
            parts += bool(cur.strip())
            cur = ""
        else:
            cur += c
    return parts + bool(cur.strip())


def annex_item_count(entries: list[str], file_name: str | None = None) -> tuple[int, int] | None:
    """(certain, possible) number of items listed in a 記録項目 annex: numbered and bulleted lines are certainly
    items, other lines possibly (they may be group headings) and as many as the names they list (separated by
    全角スペース or 、); 【group headings】, "(1) …ファイル" titles and the file's own name are not counted. None when
    the annex refers to a 別紙 (the list is elsewhere)."""
    certain = possible = 0
    for raw in entries:
        text = nfkc(raw or "").strip()
        text = _DASH_BULLET.sub("", text)  # markdown-ish bullets of transcriptions
        if not text:
            continue
        if "別紙" in text:
            return None
        if _HEADING.search(text) or _FILE_TITLE.match(text) or (file_name and norm(text) == norm(file_name)):
            continue
        numbered = len(_NUMBERED.findall(text))
        if numbered:
            certain += numbered
        elif _BULLET.match(text):
            certain += 1
        else:
            possible += max(1, _listed(raw.strip()))
    return certain, certain + possible


@rule("R250", WARNING, "記録される項目の数の選択肢と別添の記録項目の数が合わない",
      "{label}: 「{choice}」ですが、記録項目の一覧には{count}項目あります", reads=("II.kiroku_komoku", "role:record_items"))
def kiroku_komoku_count(ctx: Context) -> Iterator[Hit]:
    """④記録される項目 agrees with the number of items in the 記録項目 annex (entries that are items, not
    【group headings】 or file-title lines; not checked when the annex refers to a 別紙)."""
    annex, key = ctx.role("record_items").split(".")
    for prefix, f in ctx.files():
        b = bracket(f.II.kiroku_komoku)
        entries = getattr(getattr(f, annex), key)
        if b is None or not entries:
            continue
        counted = annex_item_count(entries, ctx.file_name(f))
        if counted is None:
            continue
        certain, possible = counted
        lo, hi = b
        if possible < lo or certain >= hi:
            count = str(certain) if certain == possible else f"{certain}～{possible}"
            path = f"{prefix}.II.kiroku_komoku"
            yield Hit(path, {"label": ctx.label(path), "choice": f.II.kiroku_komoku, "count": count})


@rule("R251", ERROR, "Ⅰ 対象人数とⅡ 対象となる本人の数の範囲が重ならない",
      "{label}: 「{honnin}」は Ⅰ ③対象人数「{ninzu}」と範囲が重なりません", reads=("I.taisho_ninzu", "II.taisho_honnin_su"))
def ninzu_vs_honnin(ctx: Context) -> Iterator[Hit]:
    """Ⅱ ②対象となる本人の数 and Ⅰ ③対象人数 are brackets of the same people: their ranges overlap."""
    ninzu = ctx.value(TAISHO_NINZU)
    a = bracket(ninzu)
    if a is None:
        return
    for prefix, _ in ctx.files():
        path = f"{prefix}.{HONNIN_SU}"
        honnin = ctx.value(path)
        b = bracket(honnin)
        if b is None:
            continue
        if not overlap(a, b):
            yield Hit(path, {"label": ctx.label(path), "honnin": honnin, "ninzu": ninzu})
