"""R801–R808: checks across the documents of one organisation (``pia-excel validate --across``).

A worker reads each document and keeps a few facts of it (:class:`Facts`: names, numbers, dates, the 請求先 and
問合せ先, system and 委託先 names, with their sheets and cells); :func:`check` compares the facts of all documents
and returns findings that name both documents and both cells. Documents belong to the same organisation when
their 評価実施機関名 are the same after :func:`key` (NFKC, no spaces, one dash).

The rules have codes in the same catalogue as the per-document rules (``pia-excel rules``, docs/rules.md), but
they are not run by :func:`pia_excel.rules.validate` (they need the other documents).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from ..errors import ERROR, WARNING, Issue
from ..excel.values import ReadResult
from ..spec import FORM_NAMES, load_spec
from ..spec import paths
from ..spec.text import nfkc, nospace, unify_dashes
from .brackets import FORM_LEVEL, stated_level
from .cells import cell_map
from .engine import CONFORMITY

__all__ = ["ACROSS_RULES", "AcrossRule", "Facts", "Place", "check", "ended_on", "facts_of", "key"]


@dataclass(frozen=True)
class AcrossRule:
    code: str
    severity: str
    title: str  # one line, Japanese (catalogue)
    description: str  # English, for docs/rules.md
    reads: tuple[str, ...]
    category: str = CONFORMITY  # all of them: how the documents are written and numbered (第三者点検 区分)


ACROSS_RULES: dict[str, AcrossRule] = {}


def _rule(code: str, severity: str, title: str, description: str, reads: Iterable[str]) -> None:
    ACROSS_RULES[code] = AcrossRule(code, severity, title, " ".join(description.split()), tuple(reads))


_rule("R801", ERROR, "評価書番号が同じ評価実施機関の別の評価書と重複している（評価書間）",
      "Within one 評価実施機関 (the same 評価実施機関名 after normalisation), two documents of different 事務 carry "
      "the same 評価書番号 (the number of the 特定個人情報保護評価計画管理書, one per 評価書). Two documents of the "
      "same 事務 are R807.", ("cover.hyokasho_no", "cover.hyoka_jisshi_kikan_mei", "I.jimu_meisho"))
_rule("R802", WARNING, "評価実施機関名の書き方が評価書によって違う（評価書間）",
      "The 評価実施機関名 is written differently (spaces, full/half width, dashes) in documents of one "
      "organisation; each spelling other than the most frequent one is reported with a document that uses that one.",
      ("cover.hyoka_jisshi_kikan_mei",))
_rule("R803", WARNING, "請求先の書き方が評価書によって違う（評価書間）",
      "The 開示請求 請求先 of two documents of one organisation is the same after normalisation but written "
      "differently; the less frequent spelling is reported.", ("IV.seikyu_saki", "V.seikyu_saki"))
_rule("R804", WARNING, "問合せ先（連絡先）の書き方が評価書によって違う（評価書間）",
      "As R803, for the 特定個人情報ファイルの取扱いに関する問合せ 連絡先.",
      ("IV.toiawase_renrakusaki", "V.toiawase_renrakusaki"))
_rule("R805", WARNING, "同じシステムの名称の書き方が評価書によって違う（評価書間）",
      "Ⅰ システムの名称 values of one organisation that are the same after normalisation but written "
      "differently (in two documents, or twice in one).", ("I.systems.system_name",))
_rule("R806", WARNING, "同じ委託先名の書き方が評価書によって違う（評価書間）",
      "委託先名 values of one organisation that are the same after normalisation but written differently; "
      "(株) and ㈱ count as 株式会社 in its place (前株 and 後株 stay different companies).",
      ("II.itaku_jiko.itakusaki_mei",))
_rule("R807", WARNING, "同じ事務が2つの評価書で評価されている（評価書間）",
      "Two documents of one organisation assess the same 事務 (the same Ⅰ 事務の名称 after normalisation) and "
      "neither is marked 【○年○月○日 終了】: one 事務 has one 評価書. Often an older version left in the folder.",
      ("I.jimu_meisho", "cover.hyokasho_mei"))
_rule("R808", ERROR, "しきい値判断結果が評価書の様式と合わない（評価書間）",
      "The ②しきい値判断結果 names a different 評価 than the form the document uses: 基礎項目評価及び全項目評価の実施が"
      "義務付けられる on a 重点項目評価書 (a 全項目評価書 is due), or 任意に重点項目評価 on a 全項目評価書 / 任意に全項目"
      "評価 on a 重点項目評価書. Reported in the folder run with the other documents' forms, also when the "
      "choice is not one of the form's (R001).", ("V.shikiichi", "VI.shikiichi"))

#: the forms' own word for their 評価, as printed in the しきい値判断結果 choices
_VOLUNTARY = {"juten": "任意に重点項目評価", "zenkomoku": "任意に全項目評価"}
_ENDED = re.compile(r"[【\[［]\s*((?:令和|平成|R|H)\s*[0-9０-９元]+\s*年\s*[0-9０-９]+\s*月\s*[0-9０-９]+\s*日)\s*終了\s*[】\]］]")


@dataclass(frozen=True)
class Place:
    """One value of one document: its text, item path, sheet and cell."""

    text: str
    path: str
    sheet: str | None = None
    cell: str | None = None

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.sheet and self.cell else self.path


@dataclass
class Facts:
    """What the folder checks and the calendar need of one document (small: sent back by a worker)."""

    file: str
    form: str
    kikan: Place | None = None
    number: Place | None = None
    title: Place | None = None
    jimu: Place | None = None
    kohyo_bi: Place | None = None
    kiso_jisshi_bi: Place | None = None
    daisansha_jisshi_bi: Place | None = None
    seikyu: Place | None = None
    toiawase: Place | None = None
    shikiichi: Place | None = None
    systems: list[Place] = field(default_factory=list)
    itakusaki: list[Place] = field(default_factory=list)


def key(text: str | None) -> str:
    """What stays when only the way of writing differs: NFKC, no whitespace, one dash, 株式会社 for (株)."""
    t = nospace(unify_dashes(nfkc(text or "")))
    return t.replace("(株)", "株式会社").replace("(有)", "有限会社").rstrip("。")


def ended_on(title: str | None) -> str | None:
    """The date of 【令和5年3月31日 終了】 written after a 評価書名 (the 記載要領: 事務の実施をやめた日), as written."""
    m = _ENDED.search(title or "")
    return nospace(m.group(1)) if m else None


def facts_of(result: ReadResult, name: str) -> Facts:
    """The facts of one read document (cells from the workbook, or the generated layout's for JSON/YAML)."""
    doc = result.doc
    spec = load_spec(doc.form)
    cells = cell_map(result)
    invalid = doc.invalid_values

    def place(path: str, *, keep_invalid: bool = False) -> Place | None:
        value = paths.value_at(doc, path)
        if value is None and keep_invalid:
            value = invalid.get(path)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        at = cells.locate(path)
        return Place(str(value), path, *(at or (None, None)))

    section = "IV" if doc.form == "juten" else "V"
    facts = Facts(name, doc.form, kikan=place("cover.hyoka_jisshi_kikan_mei"), number=place("cover.hyokasho_no"),
                  title=place("cover.hyokasho_mei"), jimu=place("I.jimu_meisho"),
                  kohyo_bi=place("cover.kohyo_bi", keep_invalid=True),
                  kiso_jisshi_bi=place(spec.role("kiso_jisshi_bi").path, keep_invalid=True),
                  daisansha_jisshi_bi=place(spec.role("daisansha_jisshi_bi").path, keep_invalid=True),
                  seikyu=place(f"{section}.seikyu_saki"), toiawase=place(f"{section}.toiawase_renrakusaki"),
                  shikiichi=place(spec.role("shikiichi").path, keep_invalid=True))
    for n, _ in enumerate(doc.I.systems, start=1):
        p = place(f"I.systems[{n}].system_name")
        if p:
            facts.systems.append(p)
    for _, prefix, f in paths.files(doc):
        for n, _ in enumerate(f.II.itaku_jiko, start=1):
            p = place(f"{prefix}.II.itaku_jiko[{n}].itakusaki_mei")
            if p:
                facts.itakusaki.append(p)
    return facts


# ---------------------------------------------------------------------------------------------- the checks
def _finding(code: str, facts: Facts, at: Place, message: str) -> Issue:
    r = ACROSS_RULES[code]
    return Issue(code, r.severity, message, path=at.path, sheet=at.sheet, cell=at.cell, file=facts.file)


def _ref(facts: Facts, at: Place) -> str:
    return f"{facts.file} の {at.where}"


def _spellings(code: str, label: str, occurrences: list[tuple[Facts, Place]]) -> Iterator[Issue]:
    """Values equal by :func:`key` but written differently: each less frequent spelling is reported with the
    first place of the most frequent one (ties: the one seen first)."""
    groups: dict[str, list[tuple[Facts, Place]]] = defaultdict(list)
    for facts, at in occurrences:
        groups[key(at.text)].append((facts, at))
    for _, occ in groups.items():
        counts = Counter(at.text for _, at in occ)
        if len(counts) < 2:
            continue
        first_seen = {}
        for i, (_, at) in enumerate(occ):
            first_seen.setdefault(at.text, i)
        ref_text = max(counts, key=lambda t: (counts[t], -first_seen[t]))
        ref_facts, ref_at = occ[first_seen[ref_text]]
        for facts, at in occ:
            if at.text != ref_text:
                mine, theirs = _around_difference(at.text, ref_text)
                yield _finding(code, facts, at, f"{label}「{mine}」は、{_ref(ref_facts, ref_at)} では"
                                                f"「{theirs}」と書かれています（同じものなら書き方をそろえてください）")


def _short(text: str, width: int = 40) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[:width - 1] + "…"


def _around_difference(a: str, b: str, width: int = 40) -> tuple[str, str]:
    """Both texts, or for long ones the part around their first difference (so the message shows it)."""
    a, b = a.replace("\n", "⏎"), b.replace("\n", "⏎")
    if max(len(a), len(b)) <= width:
        return a, b
    p = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    start = max(0, p - 12)

    def cut(t: str) -> str:
        part = t[start:start + width]
        return ("…" if start else "") + part + ("…" if start + width < len(t) else "")

    return cut(a), cut(b)


def organisations(facts: list[Facts]) -> dict[str, list[Facts]]:
    """Documents by organisation (the :func:`key` of the 評価実施機関名; "" for documents without one)."""
    out: dict[str, list[Facts]] = defaultdict(list)
    for f in facts:
        out[key(f.kikan.text) if f.kikan else ""].append(f)
    return out


def _ended(f: Facts) -> bool:
    return ended_on(f.title.text if f.title else None) is not None


def check(facts: list[Facts]) -> list[Issue]:
    """Every cross-document finding over ``facts`` (in the order of the documents, then of the codes)."""
    found: list[Issue] = []
    order = {f.file: i for i, f in enumerate(facts)}
    found += _spellings("R802", "評価実施機関名", [(f, f.kikan) for f in facts if f.kikan])
    for org, docs in organisations(facts).items():
        found += _spellings("R803", "請求先", [(f, f.seikyu) for f in docs if f.seikyu])
        found += _spellings("R804", "問合せ先の連絡先", [(f, f.toiawase) for f in docs if f.toiawase])
        found += _spellings("R805", "システムの名称", [(f, p) for f in docs for p in f.systems])
        found += _spellings("R806", "委託先名", [(f, p) for f in docs for p in f.itakusaki])
        if not org:
            continue
        found += _numbers(docs)
        found += _twice(docs)
    found += [i for f in facts for i in _threshold(f)]
    found.sort(key=lambda i: (order.get(i.file, 0), i.code))
    return found


def _same_jimu(a: Facts, b: Facts) -> bool:
    return bool(a.jimu and b.jimu and key(a.jimu.text) == key(b.jimu.text))


def _numbers(docs: list[Facts]) -> Iterator[Issue]:
    seen: dict[str, Facts] = {}
    for f in docs:
        if not f.number:
            continue
        first = seen.setdefault(key(f.number.text), f)
        if first is not f and not _same_jimu(first, f):
            yield _finding("R801", f, f.number,
                           f"評価書番号 {f.number.text} は {_ref(first, first.number)}（"
                           f"{_short(first.title.text if first.title else '評価書名なし', 30)}）と同じです"
                           "（評価書番号は評価書ごとに1つ、特定個人情報保護評価計画管理書の番号です）")


def _twice(docs: list[Facts]) -> Iterator[Issue]:
    seen: dict[str, Facts] = {}
    for f in docs:
        if not f.jimu or _ended(f):
            continue
        first = seen.setdefault(key(f.jimu.text), f)
        if first is not f:
            yield _finding("R807", f, f.jimu,
                           f"事務「{_short(f.jimu.text, 30)}」は {_ref(first, first.jimu)} でも評価されています"
                           "（古い版ならフォルダから除き、終了した事務なら評価書名に【○年○月○日 終了】と記載してください）")


def _threshold(f: Facts) -> Iterator[Issue]:
    if not f.shikiichi:
        return
    text = f.shikiichi.text
    level = stated_level(text)
    own = FORM_NAMES[f.form]
    other = "zenkomoku" if f.form == "juten" else "juten"
    if level is not None and level > FORM_LEVEL[f.form]:
        yield _finding("R808", f, f.shikiichi, f"しきい値判断結果「{_short(text)}」では全項目評価書が必要ですが、"
                                               f"この評価書は{own}です")
    elif _VOLUNTARY[other] in key(text):
        yield _finding("R808", f, f.shikiichi, f"しきい値判断結果「{_short(text)}」は{FORM_NAMES[other]}の選択肢です"
                                               f"が、この評価書は{own}です")


def rule_rows() -> list[tuple[str, str, str, str]]:
    """(code, severity, category, title, forms) for the catalogue."""
    return [(r.code, r.severity, r.category, r.title, "両方") for r in ACROSS_RULES.values()]
