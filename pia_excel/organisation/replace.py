"""One change repeated across an organisation's 評価書 (``pia-excel replace``): a department renamed in an 組織改正
(「市民部」→「市民生活部」) found in every text item of every document, shown item by item with its cell, the text
before and after, and the 変更箇所 row the change would need (項目, 提出時期 and explanation as
``pia-excel changelog`` proposes them, from the document changed in memory).

By default a dry run: nothing is written. With ``apply`` each changed document is written in place with its
変更箇所 rows through :func:`pia_excel.changelog.append_to_file` (the library's in-place verb) and validated again.

Matching: the text of every free-text item (not the 変更箇所 table itself), compared as written. A match is a
whole word in Japanese text: it does not continue a word of the same script on its left (「市民部」 is not found in
「都市民部」: kanji before kanji) — except after the last character of an organisation's or unit's name
(市 町 村 区 県 道 府 部 課 局 室 係 所 署 庁: 「釧路市総合政策部」 holds 「総合政策部」; 都 is left out, 「都市」 being a
word), nor, when it ends in katakana or Latin letters/digits, on its right
(「システム」 is not found in 「システムズ」). Compounds to the right stay matches (「市民部長」 holds 「市民部」),
as in the real 組織改正 rows of the seeds.
"""
from __future__ import annotations

import csv
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from functools import partial
from typing import Any, Callable, Sequence

from ..atomic import atomic_path
from ..batch import collect_inputs, iter_batch
from ..changelog import changelog_rows
from ..changelog.suggest import REVIEW_MARK
from ..errors import InputError
from ..excel.tables import header_sheet, table_suffix, text_cells, write_csv
from ..models import Document
from ..rules.cells import cell_map
from ..spec import load_spec, paths
from ..spec.labels import finding_label
from ..storage import DATA_SUFFIXES, WORKBOOK_SUFFIXES, load

__all__ = ["COLUMNS", "Applied", "Pair", "Place", "ReplaceResult", "apply_pairs", "dry_run", "find", "read_pairs", "replace_in",
           "replacements", "write_table"]

_PART = re.compile(r"[^.\[\]]+|\[\d+\]")
#: kanji that end the name of an organisation or unit: a name may follow them directly (釧路市総合政策部)
UNIT_ENDS = frozenset("市町村区県道府部課局室係所署庁")

COLUMNS = ["ファイル", "項目", "シート", "セル", "置換", "件数", "変更前", "変更後", "変更箇所の項目", "提出時期",
           "提出時期に係る説明"]


@dataclass(frozen=True)
class Pair:
    """OLD → NEW; ``kind`` "rename" (a pure renaming: 事後) or "change" (the ※ rule decides)."""

    old: str
    new: str
    kind: str = "rename"


@dataclass
class Place:
    """One changed item of one document."""

    file: str
    path: str
    label: str
    sheet: str | None
    cell: str | None
    pairs: list[str]
    count: int
    before: str
    after: str
    changelog_item: str = ""
    timing: str = ""
    explanation: str = ""

    def values(self) -> dict:
        return {"ファイル": self.file, "項目": self.label, "シート": self.sheet or "", "セル": self.cell or "",
                "置換": "、".join(self.pairs), "件数": self.count, "変更前": self.before, "変更後": self.after,
                "変更箇所の項目": self.changelog_item, "提出時期": self.timing, "提出時期に係る説明": self.explanation}


@dataclass
class ReplaceResult:
    places: list[Place] = field(default_factory=list)
    documents: int = 0
    unreadable: list[str] = field(default_factory=list)
    #: with ``apply``: what was written, per document
    applied: list = field(default_factory=list)


def _script(ch: str) -> str:
    if not ch:
        return ""
    name = unicodedata.name(ch, "")
    if name.startswith("CJK UNIFIED") or ch in "々〆ヶ":
        return "kanji"
    if name.startswith(("KATAKANA", "HALFWIDTH KATAKANA")) or ch == "ー":
        return "katakana"
    if ch.isalnum() and ch.isascii() or name.startswith("FULLWIDTH LATIN") or name.startswith("FULLWIDTH DIGIT"):
        return "latin"
    return "other"


def find(text: str, old: str) -> list[int]:
    """Start offsets of ``old`` in ``text`` as a whole word (see the module's docstring)."""
    if not old:
        return []
    out, start = [], 0
    first, last = _script(old[0]), _script(old[-1])
    while True:
        i = text.find(old, start)
        if i < 0:
            return out
        before = text[i - 1] if i > 0 else ""
        after = text[i + len(old)] if i + len(old) < len(text) else ""
        ok_left = not (first in ("kanji", "katakana", "latin") and _script(before) == first) or before in UNIT_ENDS
        ok_right = not (last in ("katakana", "latin") and _script(after) == last)
        if ok_left and ok_right:
            out.append(i)
            start = i + len(old)
        else:
            start = i + 1


def replace_in(text: str, pair: Pair) -> tuple[str, int]:
    """``text`` with every whole-word ``pair.old`` replaced, and how many."""
    hits = find(text, pair.old)
    if not hits:
        return text, 0
    parts, prev = [], 0
    for i in hits:
        parts += [text[prev:i], pair.new]
        prev = i + len(pair.old)
    parts.append(text[prev:])
    return "".join(parts), len(hits)


def _set(doc: Any, path: str, value: Any) -> None:
    parts = _PART.findall(path)
    node = doc
    for part in parts[:-1]:
        node = node[int(part[1:-1]) - 1] if part.startswith("[") else getattr(node, part)
    setattr(node, parts[-1], value)


def apply_pairs(pairs: Sequence[Pair], text: str) -> tuple[str, list[str], int]:
    """``text`` with every pair applied in turn: (new text, the pairs used as "旧→新", how many places)."""
    used, count = [], 0
    for pair in pairs:
        text, n = replace_in(text, pair)
        if n:
            used.append(f"{pair.old}→{pair.new}")
            count += n
    return text, used, count


def replacements(doc: Document, pairs: Sequence[Pair] | Callable[[str], tuple[str, list[str], int]],
                 selectors: Sequence[str] = ()) -> tuple[Document, dict]:
    """A copy of ``doc`` with the pairs (or a rewriting function: text → (text, what was used, how many)) applied
    to its text items (those ``selectors`` name, or all), and per changed path (used, count, before, after)."""
    rewrite = pairs if callable(pairs) else partial(apply_pairs, tuple(pairs))
    spec = load_spec(doc.form)
    wanted = None
    if selectors:
        wanted = {it.path for s in selectors for it in paths.select(spec, s)}
    changes_table = spec.role("changes").path
    new = doc.model_copy(deep=True)
    changed: dict[str, tuple[list[str], int, str, str]] = {}
    for path, item, value in paths.walk(spec, doc):
        if item.value_kind != "text" or not isinstance(value, str) or path.startswith(changes_table):
            continue
        if wanted is not None and paths.template_path(path) not in wanted:
            continue
        text, used, count = rewrite(value)
        if used:  # also what was found but left as it is (law-update: 要確認)
            if text != value:
                _set(new, path, text)
            changed[path] = (used, count, value, text)
    return new, changed


@dataclass(frozen=True)
class _Job:
    path: Path
    pairs: tuple[Pair, ...] | Callable[[str], tuple[str, list[str], int]]
    selectors: tuple[str, ...]
    date: str
    reason: str
    apply: bool = False


@dataclass
class Applied:
    """What ``--apply`` did to one document: 変更箇所 rows added (or already there) and the validation after."""

    file: str
    changed: int
    rows_added: int
    rows_skipped: int
    errors: int
    warnings: int
    notes: list[str] = field(default_factory=list)


def _one(job: _Job) -> tuple[list[Place], Applied | None]:
    result = load(job.path)
    doc = result.doc
    spec = load_spec(doc.form)
    new, changed = replacements(doc, job.pairs, job.selectors)
    if not changed:
        return [], None
    cells = cell_map(result)
    rows = {r.path: r for r in changelog_rows(doc, new, job.date)}
    renames = set() if callable(job.pairs) else {f"{p.old}→{p.new}" for p in job.pairs if p.kind == "rename"}
    changes = set() if callable(job.pairs) else {f"{p.old}→{p.new}" for p in job.pairs if p.kind == "change"}
    out = []
    for path, (used, count, before, after) in changed.items():
        sheet, cell = cells.locate(path) or (None, None)
        place = Place(str(job.path), path, finding_label(spec, path, len(doc.files)), sheet, cell, used, count,
                      before, after)
        row = rows.get(path)
        if row is not None:
            place.changelog_item = row.row.item
            place.timing, place.explanation = row.row.timing or "", row.row.explanation or ""
            if set(used) <= renames:  # a pure renaming (組織の変更): 事後 whatever the ※
                place.timing = "事後"
                place.explanation = job.reason
            elif row.change.important and set(used) & changes:
                # a change, not declared a renaming, of a ※ item: 事前 for the author to confirm (the text alone
                # may look like a renaming, the table says it is not)
                place.timing = "事前"
                place.explanation = REVIEW_MARK + "重要な変更にあたる（※の項目の変更）。変更の理由を記載してください"
        elif before == after:
            place.explanation = "書き換えていません（要確認）"
        out.append(place)
    applied = _apply(job, new, out, rows) if job.apply else None
    return out, applied


def _apply(job: _Job, new: Document, places: list[Place], proposed: dict) -> Applied | None:
    """Write the changes into the document itself, with one 変更箇所 row per changed item, through the library's
    in-place verb (:func:`pia_excel.changelog.append_to_file`: the changed cells and the rows in one atomic save;
    JSON/YAML: the model, :func:`append_to_document`, saved), then validate it again."""
    from ..changelog import append_to_document, append_to_file
    from ..rules import validate_result
    from ..storage import save

    changed = [p for p in places if p.before != p.after]
    if not changed:
        return None
    rows = []
    for p in changed:
        row = proposed.get(p.path)
        if row is not None:
            rows.append(row.row.model_copy(update={"timing": p.timing or row.row.timing,
                                                   "explanation": p.explanation or row.row.explanation}))
    notes: list[str] = []
    if job.path.suffix.lower() in WORKBOOK_SUFFIXES:
        missing = [p.path for p in changed if not (p.sheet and p.cell)]
        if missing:
            raise InputError(f"{job.path}: セルの位置が分からない項目があるため書き込みません: {', '.join(missing)}")
        res = append_to_file(job.path, rows, values={(p.sheet, p.cell): p.after for p in changed})
        added, skipped = len(res.added), len(res.skipped)
        notes += list(res.warnings)
    else:
        added, skipped = append_to_document(new, rows)
        notes += [str(x) for x in save(new, job.path) or []]
    report = validate_result(load(job.path))
    return Applied(str(job.path), len(changed), added, skipped, len(report.errors), len(report.warnings), notes)


def dry_run(inputs: Sequence[str | os.PathLike], pairs: Sequence[Pair] | Callable, *, date: str,
            reason: str = "組織の変更", selectors: Sequence[str] = (), jobs: int | None = None,
            exclude: Sequence[str | os.PathLike] = (), progress=None, apply: bool = False) -> ReplaceResult:
    """Every place ``pairs`` (or a module-level rewriting function, see :func:`replacements`) would change in the
    documents of ``inputs`` (files and folders), read in ``jobs`` worker processes. Nothing is written unless
    ``apply``: then each changed document is written in place with its 変更箇所 rows (:func:`_apply`)."""
    if not callable(pairs):
        if not pairs:
            raise InputError("置換する語がありません")
        for p in pairs:
            if not p.old or p.old == p.new:
                raise InputError(f"置換の指定が正しくありません: 「{p.old}」→「{p.new}」")
        pairs = tuple(pairs)
    for s in selectors:  # a wrong selector is an input error before anything is read
        try:
            any(paths.select(load_spec(f), s) for f in ("juten", "zenkomoku"))
        except ValueError as e:
            raise InputError(f"--items: {e}") from None
    found, missing = collect_inputs(inputs, WORKBOOK_SUFFIXES + DATA_SUFFIXES, exclude=exclude)
    if not found and not missing:
        raise InputError(f"{', '.join(map(str, inputs))}: 評価書のブックがありません")
    result = ReplaceResult(unreadable=list(missing))
    jobs_list = [_Job(i.path, pairs, tuple(selectors), date, reason, apply) for i in found]
    for o in iter_batch(jobs_list, _one, jobs if len(jobs_list) > 1 else 1, progress):
        if o.ok:
            result.documents += 1
            places, applied = o.value
            result.places += places
            if applied is not None:
                result.applied.append(applied)
        else:
            result.unreadable.append(o.error if str(o.item.path) in (o.error or "") else f"{o.item.path}: {o.error}")
    return result


def read_pairs(path: str | os.PathLike) -> list[Pair]:
    """A rename table: CSV (UTF-8, BOM allowed) or xlsx, columns old, new and optionally kind (rename/change;
    Japanese headers 変更前, 変更後, 種類 work too); a header row is required."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = [r for r in csv.reader(fh)]
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        rows = [["" if v is None else str(v) for v in r] for r in wb.worksheets[0].iter_rows(values_only=True)]
        wb.close()
    else:
        raise InputError(f"{path}: 置換表は .csv または .xlsx です", path=path)
    if not rows:
        raise InputError(f"{path}: 置換表が空です", path=path)
    head = [h.strip().lower() for h in rows[0]]
    names = {"old": ("old", "変更前", "旧"), "new": ("new", "変更後", "新"), "kind": ("kind", "種類")}
    col = {k: next((i for i, h in enumerate(head) if h in v), None) for k, v in names.items()}
    if col["old"] is None or col["new"] is None:
        raise InputError(f"{path}: 1行目に old と new（または 変更前 と 変更後）の列が必要です", path=path)
    out = []
    for n, r in enumerate(rows[1:], start=2):
        cells = r + [""] * len(head)
        old, new = cells[col["old"]].strip(), cells[col["new"]].strip()
        if not old and not new:
            continue
        kind = cells[col["kind"]].strip() if col["kind"] is not None else ""
        kind = {"": "rename", "rename": "rename", "名称変更": "rename", "change": "change", "変更": "change"}.get(kind)
        if kind is None or not old:
            raise InputError(f"{path}: {n}行目を読めません（old が空か、kind が rename/change 以外）", path=path)
        out.append(Pair(old, new, kind))
    return out


def write_table(result: ReplaceResult, out: str | os.PathLike) -> Path:
    """The dry run as a table: .csv (formula-safe) or .xlsx (text cells)."""
    out = Path(out)
    suffix = table_suffix(out)
    with atomic_path(out) as tmp:
        if suffix == ".csv":
            write_csv(tmp, COLUMNS, ([v[c] for c in COLUMNS] for v in (p.values() for p in result.places)))
        else:
            from openpyxl import Workbook
            from openpyxl.styles import Alignment

            wb = Workbook()
            ws = wb.active
            widths = {"ファイル": 30, "項目": 36, "変更前": 50, "変更後": 50, "変更箇所の項目": 40, "提出時期に係る説明": 30}
            header_sheet(ws, "置換の確認", COLUMNS, widths, 10)
            for p in result.places:
                v = p.values()
                ws.append([v[c] for c in COLUMNS])
            for row in ws.iter_rows(min_row=2):
                for cell in row:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            text_cells(ws)
            wb.save(tmp)
    return out

