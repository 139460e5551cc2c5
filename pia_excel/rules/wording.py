"""R501: a personal name where the form asks for a title only (②所属長の役職名)."""
from __future__ import annotations

import re
from typing import Iterator

from ..spec.text import nfkc
from .engine import WARNING, Context, Hit, rule

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
