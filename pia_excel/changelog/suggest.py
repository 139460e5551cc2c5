"""提出時期 (事前/事後) and 提出時期に係る説明 suggested for each change.

The rule of the 特定個人情報保護評価指針: a change of an item marked ※ is a 重要な変更 and is submitted before
the change (事前); other changes afterwards (事後). Known exceptions, as real change logs report them 事後:

- law references rewritten to the new style only (the 2024 amendment: 番号法 別表第一 → 別表, 別表第二 →
  主務省令第2条の表): "法改正によるもの";
- changes that alter no wording (spacing, full/half-width, punctuation): "重要な変更にあたらない（文言の整理）";
- an organisation or department renamed, the rest of the text unchanged ("総務部納税課" → "財政部納税課"):
  "重要な変更にあたらない（組織の変更）".

The reason is read from the change itself: a change in a number, a period or frequency ("毎月" → "随時", "5年" →
"10年"), a choice, a tick, a count or a date is never 文言の整理 ("記載内容の変更"); a text emptied is 記載の削除,
a text where there was none 記載の追加.

Everything suggested here is a proposal: the explanation starts with :data:`REVIEW_MARK` ("【要確認】") so that
staff confirm (and remove the mark) before submission.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..models import ChangeRow
from ..spec import load_spec
from ..spec.text import nfkc
from .diff import DELETED, EMPTY, Change

__all__ = ["REVIEW_MARK", "ProposedRow", "Suggestion", "is_law_rewrite", "is_organisation_rename", "needs_review",
           "propose", "suggest"]

REVIEW_MARK = "【要確認】"

#: items whose changes are personnel or organisation changes
_PERSONNEL = {"shozokucho_yakushoku"}
_ORGANISATION = {"busho", "jimu_tanto_busho", "shiyo_busho", "seikyu_saki", "toiawase_renrakusaki"}


def _procedure_section(form: str) -> str:
    """The section with the assessment procedure (dates and results of the re-assessment itself): the one with
    しきい値判断結果 (Ⅴ in 重点, Ⅵ in 全項目)."""
    return load_spec(form).role("shikiichi").section.key


@dataclass(frozen=True)
class Suggestion:
    timing: str  # "事前" | "事後"
    explanation: str  # starts with REVIEW_MARK
    reason: str  # machine-readable: "important", "law", "wording", "personnel", "organisation", ...


def needs_review(explanation: str | None) -> bool:
    return bool(explanation) and explanation.startswith(REVIEW_MARK)


# ------------------------------------------------------------------------------------------------- law references
_OLD_STYLE = re.compile(r"別表第(?:1|一|2|二)(?![0-9〇一二三四五六七八九十])|第19条第7号|別表第(?:1|一|2|二)(?=の)")
_NEW_STYLE = re.compile(r"主務省令第2条の表|命令第2条|別表第[0-9]+(?:の[0-9]+)?項|別表(?!第)")
#: pieces of law references (after NFKC); what is left once they are removed is the surrounding wording
_LAW_ATOMS = re.compile(
    r"行政手続における特定の個人を識別するための番号の利用等に関する法律(?:第[0-9]+号)?に基づく利用特定個人情報の提供に関する命令"
    r"|番号法|住基法|口座登録法|主務省令|命令|に基づく|別表第[0-9]+(?:の[0-9]+)?項"
    r"|別表(?:第(?:[0-9]+|[一二三四五六七八九十]+))?"
    r"|第?[0-9]+条(?:の[0-9]+)*(?:の表)?|第?[0-9]+項|第?[0-9]+号|の?[0-9]+(?:の[0-9]+)?の?項|の表|及び|並びに"
    r"|[、,・\s()]"
)


def _residue(text: str) -> str:
    return _LAW_ATOMS.sub("", nfkc(text))


_LAW_NAME = re.compile(r"番号法|住基法|口座登録法|[^\s、。()「」]{1,30}?法(?=第|\()")
_ARTICLE = re.compile(r"第?([0-9]+)条(?!の表)")


def _laws_and_articles(text: str) -> tuple[frozenset, frozenset]:
    return frozenset(_LAW_NAME.findall(text)), frozenset(_ARTICLE.findall(text))


def is_law_rewrite(before: str | None, after: str | None) -> bool:
    """True when the texts differ only in law references, moved from the old style to the new one."""
    if not before or not after or before in (EMPTY, DELETED) or after in (EMPTY, DELETED) or before == after:
        return False
    b, a = nfkc(before), nfkc(after)
    if _residue(b) != _residue(a):
        return False
    if _laws_and_articles(b) != _laws_and_articles(a):
        return False  # a law or an article was added or dropped: more than a renumbering
    old_before, old_after = len(_OLD_STYLE.findall(b)), len(_OLD_STYLE.findall(a))
    return old_before > old_after and len(_NEW_STYLE.findall(a)) > len(_NEW_STYLE.findall(b))


# ------------------------------------------------------------------------------------------------- wording
_NOISE = re.compile(r"[\s、。,.・「」『』()（）\[\]［］]")


def _trivial(before: str, after: str) -> bool:
    """The same words: differences in spacing, line breaks, full/half width or punctuation only."""
    return _NOISE.sub("", nfkc(before)) == _NOISE.sub("", nfkc(after))


def _small_edit(before: str, after: str) -> bool:
    if before in (EMPTY, DELETED) or after in (EMPTY, DELETED) or _values_changed(before, after):
        return False
    m = difflib.SequenceMatcher(None, before, after, autojunk=False)
    changed = sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in m.get_opcodes() if tag != "equal")
    return changed <= max(3, len(before) // 20)


# ------------------------------------------------------------------------------------------------- what changed
#: an organisation unit as written in 評価書 ("財政部", "納税課", "情報システム部", "区民生活センター")
_ORG = re.compile(r"[一-龥々ァ-ヶー]{1,12}?(?:局|部|課|係|室|センター|事務所)")
_NOT_ORG = frozenset({"一部", "全部", "内部", "外部", "細部", "上部", "下部", "頭部", "本部局"})
#: numbers, periods and frequencies: a change in one of them is a change of content, never of wording
_PERIOD = re.compile(r"毎(?:年|月|週|日|朝|晩)|随時|定期|即時|常時|日次|週次|月次|年次|四半期|半期|半年"
                     r"|[0-9]+(?:\.[0-9]+)?(?:年|か月|ヶ月|カ月|箇月|月|週間|週|日|時間|分|回|件|人|名)?")
_VALUE_KINDS = frozenset({"choice", "checkboxes", "count", "date"})


def _orgs(text: str) -> tuple[list[str], str]:
    names: list[str] = []

    def sub(m: re.Match) -> str:
        if m.group() in _NOT_ORG:
            return m.group()
        names.append(m.group())
        return "〓"

    return names, _ORG.sub(sub, nfkc(text))


def is_organisation_rename(before: str | None, after: str | None) -> bool:
    """True when the texts differ only in the names of organisation units (部, 課, 局, 係, 室, センター …)."""
    if not before or not after or before in (EMPTY, DELETED) or after in (EMPTY, DELETED):
        return False
    names_b, rest_b = _orgs(before)
    names_a, rest_a = _orgs(after)
    return names_b != names_a and _NOISE.sub("", rest_b) == _NOISE.sub("", rest_a)


def _values_changed(before: str, after: str) -> bool:
    """A number, a period or a frequency differs between the texts."""
    from collections import Counter

    return Counter(_PERIOD.findall(nfkc(before))) != Counter(_PERIOD.findall(nfkc(after)))


# ------------------------------------------------------------------------------------------------- the rule
def suggest(change: Change, form: str | None = None) -> Suggestion:
    """The suggested 提出時期 and 説明 of one change."""
    key = change.item.key if change.item is not None else None
    section = change.item.section.key if change.item is not None else None
    value_kind = change.item.value_kind if change.item is not None and change.kind == "changed" else None
    if change.kind == "changed" and is_law_rewrite(change.before, change.after):
        return Suggestion("事後", REVIEW_MARK + "法改正によるもの", "law")
    if change.kind == "changed" and value_kind not in _VALUE_KINDS and _trivial(change.before, change.after):
        return Suggestion("事後", REVIEW_MARK + "重要な変更にあたらない（文言の整理）", "wording")
    if change.kind == "changed" and value_kind not in _VALUE_KINDS and key not in _PERSONNEL \
            and is_organisation_rename(change.before, change.after):
        return Suggestion("事後", REVIEW_MARK + "重要な変更にあたらない（組織の変更）", "organisation")
    if change.important:
        what = {"added": "記載の追加", "removed": "記載の削除"}.get(change.kind, "※の項目の変更")
        return Suggestion("事前", REVIEW_MARK + f"重要な変更にあたる（{what}）。変更の理由を記載してください", "important")
    if key in _PERSONNEL:
        return Suggestion("事後", REVIEW_MARK + "重要な変更にあたらない（人事異動）", "personnel")
    if key in _ORGANISATION:
        return Suggestion("事後", REVIEW_MARK + "重要な変更にあたらない（組織の変更）", "organisation")
    if section == "cover" and key == "kohyo_bi" or form and section == _procedure_section(form):
        return Suggestion("事後", REVIEW_MARK + "重要な変更にあたらない（評価の再実施に伴う修正）", "procedure")
    if change.kind == "added" or change.before == EMPTY:
        return Suggestion("事後", REVIEW_MARK + "重要な変更にあたらない（記載の追加）", "added")
    if change.kind == "removed" or change.after == DELETED:
        return Suggestion("事後", REVIEW_MARK + "重要な変更にあたらない（記載の削除）", "removed")
    if value_kind in _VALUE_KINDS or _values_changed(change.before, change.after):
        return Suggestion("事後", REVIEW_MARK + "重要な変更にあたらない（記載内容の変更）", "value")
    if _small_edit(change.before, change.after):
        return Suggestion("事後", REVIEW_MARK + "重要な変更にあたらない（文言の整理）", "wording")
    return Suggestion("事後", REVIEW_MARK + "重要な変更にあたらない（記載内容の見直し）", "review")


# ------------------------------------------------------------------------------------------------- rows
@dataclass(frozen=True)
class ProposedRow:
    """A change-log row ready to append, with the change and the suggestion it came from."""

    row: ChangeRow
    change: Change
    suggestion: Suggestion

    @property
    def path(self) -> str:
        return self.change.path

    def as_dict(self) -> dict:
        r = self.row
        return {"date": str(r.date) if r.date else None, "item": r.item, "before": r.before, "after": r.after,
                "timing": r.timing, "explanation": r.explanation, "path": self.change.path,
                "kind": self.change.kind, "important": self.change.important, "reason": self.suggestion.reason}


def propose(changes: list[Change], date, form: str | None = None) -> list[ProposedRow]:
    """Change-log rows for ``changes`` dated ``date`` (和暦 text or WarekiDate), with suggested 提出時期/説明."""

    out = []
    for c in changes:
        s = suggest(c, form)
        row = ChangeRow(date=date, item=c.label, before=c.before, after=c.after, timing=s.timing,
                        explanation=s.explanation)
        out.append(ProposedRow(row, c, s))
    return out
