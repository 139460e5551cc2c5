"""R601–R602: rows of the 変更箇所 table (別添2 in 重点, 別添3 in 全項目). A 提出時期 other than 事前/事後 is a
type error (R001)."""
from __future__ import annotations

from functools import lru_cache
from typing import Iterator

from ..spec import load_spec
from .engine import ERROR, Context, Hit, is_filled, norm, rule

#: printed labels shorter than this are too common to identify an item ("名称", "期間", "結果")
MIN_LABEL = 3


@lru_cache(maxsize=None)
def _labels(form: str) -> tuple[tuple[str, bool], ...]:
    """(normalised printed label, important) of every item and heading of the form, edition labels included."""
    spec = load_spec(form)
    out = set()
    for it in spec.walk():
        if it.kind in ("static", "table", "list"):
            continue
        names = {it.label} | {e.labels.get(it.label, it.label) for e in spec.editions}
        for name in names:
            key = norm(name)
            if len(key) >= MIN_LABEL:
                out.add((key, it.important))
    return tuple(sorted(out))


def important_item(form: str, text: str) -> bool | None:
    """Whether the 項目 text of a change row names an important (※) item: True / False, or None when it cannot
    be told. The longest printed labels found in the text decide; a tie between ※ and non-※ items is None."""
    t = norm(text)
    hits = [(label, imp) for label, imp in _labels(form) if label in t]
    if not hits:
        return None
    longest = max(len(label) for label, _ in hits)
    kinds = {imp for label, imp in hits if len(label) == longest}
    return kinds.pop() if len(kinds) == 1 else None


@rule("R601", ERROR, "※（重要な変更）の項目を事後としたのに提出時期に係る説明がない",
      "{label}: ※の項目（{item}）の変更を「事後」としていますが、提出時期に係る説明がありません",
      reads=("role:changes", "important"))
def important_change_afterwards(ctx: Context) -> Iterator[Hit]:
    """A change of a ※ item is a 重要な変更 and is submitted 事前; when it is reported 事後 (wording fixes, law
    renumbering …) the 提出時期に係る説明 says why. The item is recognised by the printed labels in 項目; rows whose
    項目 cannot be matched are not flagged; an empty 説明 under a row of the same 変更日 continues it (merged cell)."""
    table, rows = ctx.changes()
    for n, row, explanation in _with_merged(rows):
        if row.timing != "事後" or is_filled(explanation) or not row.item:
            continue
        if important_item(ctx.form, row.item):
            path = f"{table}[{n}].explanation"
            yield Hit(path, {"label": f"変更箇所 {n}行目", "item": row.item.strip()[:40]})


def _with_merged(rows):
    """(row number, row, 提出時期に係る説明) where an empty 説明 continues the row above when the row has no 変更日
    of its own or the same one (real documents merge these cells over several rows)."""
    prev = None
    for n, row in enumerate(rows, start=1):
        explanation = row.explanation
        if not is_filled(explanation) and prev is not None and (row.date is None or row.date == prev[0]):
            explanation = prev[1]
        prev = (row.date or (prev[0] if prev else None), explanation)
        yield n, row, explanation


@rule("R602", ERROR, "変更箇所の行に変更日・項目・提出時期の記入漏れ", "{label}: {missing}が記入されていません",
      reads=("role:changes",))
def incomplete_row(ctx: Context) -> Iterator[Hit]:
    """A 変更箇所 row that has any content also has its 変更日, 項目 and 提出時期 (values that could not be read are
    reported by R001/R002 instead). An empty 変更日 or 提出時期 below a filled one is taken as a merged cell."""
    table, rows = ctx.changes()
    invalid = ctx.doc.invalid_values or {}
    seen: set[str] = set()  # columns given in some row above (a merged cell continues downwards)
    for n, row in enumerate(rows, start=1):
        base = f"{table}[{n}]"
        if row.is_empty() and not any(k.startswith(base + ".") for k in invalid):
            continue
        missing = [(f, name) for f, name in (("date", "変更日"), ("item", "項目"), ("timing", "提出時期"))
                   if not is_filled(getattr(row, f)) and f"{base}.{f}" not in invalid
                   and not (f in ("date", "timing") and f in seen)]
        seen |= {f for f in ("date", "timing") if is_filled(getattr(row, f)) or f"{base}.{f}" in invalid}
        if missing:
            yield Hit(f"{base}.{missing[0][0]}", {"label": f"変更箇所 {n}行目",
                                                   "missing": "・".join(name for _, name in missing)})
