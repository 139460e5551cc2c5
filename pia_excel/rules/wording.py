"""R501: a personal name where the form asks for a title only (②所属長の役職名). R502: a marker left for the
author (【要確認】 written by ``changelog`` into 説明, 【要修正】, ［TODO］ …) in any text cell."""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import Callable, Iterator

from ..excel.layout import TABLE_COLUMNS, TABLE_HEADS
from ..spec.text import AUTHOR_MARKER_WORDS, nfkc
from .engine import ERROR, WARNING, Context, Hit, rule

#: words that end a title ("納税課長", "収納管理監", "部長事務取扱" …); longest first
TITLE_WORDS = tuple(sorted({
    "課長", "部長", "局長", "室長", "所長", "係長", "館長", "園長", "校長", "院長", "署長", "区長", "市長", "町長", "村長",
    "知事", "次長", "参事", "主幹", "主査", "主任", "主事", "理事", "監", "管理監", "統括", "総括", "センター長",
    "事務局長", "担当課長", "担当部長", "課長補佐", "補佐", "代理", "心得", "事務取扱", "事務代理", "兼務", "専門員",
    "参与", "長", "官", "審議官", "調整官", "管理者", "責任者", "首長", "委員長", "会長", "議長", "副市長", "副区長",
}, key=len, reverse=True))
#: a name must not contain these (they belong to titles or organisation names)
_NOT_NAME = re.compile("|".join(map(re.escape, TITLE_WORDS + (
    "課", "部", "局", "室", "係", "所", "兼", "担当", "事務", "管理", "センター", "グループ", "チーム", "本部", "支所",
    "及び", "並びに", "等", "同上", "不在", "未定", "なし"))))
_NAME_CHARS = r"[一-龥々〆ぁ-んァ-ヶー]"
_NAME = re.compile(rf"^[\s　:：（(]*(?P<name>{_NAME_CHARS}{{1,4}}(?:[\s　]{_NAME_CHARS}{{1,4}})?)[\s　)）]*$")
_SHIMEI = re.compile(r"氏\s*名|名\s*前")


def personal_name(text: str) -> str | None:
    """The personal name in a title text ("課長 山田太郎" → "山田太郎"), or None. Conservative: a known title word
    followed (to the end) by 2–6 kanji/kana that are no title or organisation words, or an explicit 氏名."""
    t = nfkc(text).strip()
    if not t:
        return None
    if _SHIMEI.search(t):
        return _SHIMEI.search(t).group(0)
    for line in t.splitlines():
        for word in TITLE_WORDS:
            for m in re.finditer(re.escape(word), line):
                rest = line[m.end():]
                n = _NAME.match(rest)
                if not n:
                    continue
                name = n.group("name")
                bare = re.sub(r"\s", "", name)
                if 2 <= len(bare) <= 6 and not _NOT_NAME.search(bare):
                    return name
    return None


@rule("R501", WARNING, "所属長の役職名に個人名が書かれている",
      "{label}: 役職名のみを記入します（個人名「{name}」は記入しません）", reads=("I.shozokucho_yakushoku",))
def name_in_title(ctx: Context) -> Iterator[Hit]:
    """②所属長の役職名 holds the title only ("課長"), not a person ("課長 山田太郎", "氏名：…"): a known title word
    followed by 2–6 kanji/kana that are not title words, or the word 氏名."""
    text = ctx.doc.I.shozokucho_yakushoku
    if text:
        name = personal_name(text)
        if name:
            yield Hit("I.shozokucho_yakushoku", {"label": ctx.label("I.shozokucho_yakushoku"), "name": name})


#: markers left for the author: a bracketed 要確認/要修正/TODO … (after NFKC: 【要確認】, ［要修正］, 〔TODO: …〕,
#: [確認中]); ``changelog`` writes 【要確認】 (:data:`pia_excel.changelog.REVIEW_MARK`) into 説明. Not 〔判読不能〕
#: (a transcription note) nor （仮称）.
_MARKER_WORDS = AUTHOR_MARKER_WORDS  # (spec/text.py: the workbook's live check reads them too)
_MARKER = re.compile(r"[【\[〔〖〘]\s*(?:" + "|".join(_MARKER_WORDS) + r")[^】\]〕〗〙\n]{0,40}[】\]〕〗〙]"
                     r"|[★☆]\s*(?:" + "|".join(_MARKER_WORDS) + ")", re.IGNORECASE)


#: every character whose NFKC holds a marker's opening bracket or star (a test recomputes this over all of
#: Unicode): a text without any of them has no marker, whatever its length — most texts are ruled out by this
_OPENERS = frozenset("[\u2605\u2606\u3010\u3014\u3016\u3018\ufe17\ufe39\ufe3b\ufe47\ufe5d\uff3b\U0001f12a"
                     "\U0001f240\U0001f241\U0001f242\U0001f243\U0001f244\U0001f245\U0001f246\U0001f247\U0001f248")
_OPENING = "【[〔〖〘★☆"


def author_markers(text: str | None) -> list[str]:
    """The markers left for the author in ``text`` ("【要確認】", "［TODO］" …), as written (after NFKC)."""
    if not text or _OPENERS.isdisjoint(text):
        return []
    return list(dict.fromkeys(m.group(0) for m in _MARKER.finditer(nfkc(text))))


def _texts(ctx: Context) -> Iterator[tuple[str, str, str | None, str]]:
    """(path of the cell, path of its item, its label, text) of every text the author wrote: values, （　）
    details, list entries, 変更箇所 rows. The label is None where it is the item's: naming an item takes time, and
    most texts hold no marker."""
    for path, item, value in ctx.instances():
        if isinstance(value, str):
            yield path, path, None, value
        elif isinstance(value, list):
            for n, v in enumerate(value, start=1):
                if isinstance(v, str):
                    yield f"{path}[{n}]", path, None, v
                elif hasattr(v, "detail") and hasattr(v, "label"):  # a tick: its （　） detail
                    idx = ctx.option_index(item, v.label) if item is not None else None
                    if isinstance(v.detail, str) and idx is not None:
                        yield f"{path}.o{idx}.detail", path, None, v.detail
    table, rows = ctx.changes()
    for n, row in enumerate(rows, start=1):
        for fld, head in zip(TABLE_COLUMNS, TABLE_HEADS):
            v = getattr(row, fld, None)
            if isinstance(v, str):
                yield f"{table}[{n}].{fld}", table, f"変更箇所 {n}行目 {head}", v
    for path, raw in (ctx.doc.invalid_values or {}).items():
        yield path, path, None, raw


MARKER_CODE = "R502"


@rule(MARKER_CODE, ERROR, "作成者向けの印（【要確認】など）が残っている",
      "{label}: 作成者向けの印「{markers}」が残っています（確認して印を消してください）", reads=("*",))
def author_marker_left(ctx: Context) -> Iterator[Hit]:
    """A marker left for the author is still in a text: 【要確認】 (which ``changelog`` writes into 提出時期に係る説明
    of the rows it proposes), or a bracketed 要修正, 要検討, 確認中, TODO … (【】, ［］, 〔〕) or ★要確認. ``pdf``
    refuses such a document unless ``--draft`` is given."""
    texts = list(_texts(ctx))
    # one search over all texts for the characters a marker can open with (~1,000 texts in a 全項目評価書, a few
    # dozen with a 【 in them): only those texts are searched for markers
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t[3]) + 1
    joined = "\n".join([t[3] for t in texts])
    found = set()
    for ch in _OPENERS:  # str.find per character: ~20x faster than a regex character class over the whole text
        at = joined.find(ch)
        while at >= 0:
            found.add(bisect_right(starts, at) - 1)
            at = joined.find(ch, at + 1)
    seen = set()
    for i in sorted(found):
        path, item_path, label, text = texts[i]
        markers = author_markers(text)
        if markers and path not in seen:
            seen.add(path)
            yield Hit(path, {"label": label or ctx.label(item_path), "markers": "」「".join(markers)})
