"""R601–R603: rows of the 変更箇所 table (別添2 in 重点, 別添3 in 全項目). A 提出時期 other than 事前/事後 is a
type error (R001)."""
from __future__ import annotations

from typing import Iterator

from ..spec.labels import finding_label
from ..spec.parse import ParsedItem, parse_item, resolve_history
from ..spec.paths import template_path
from .engine import ERROR, WARNING, Context, Hit, is_filled, rule


def _own_important(spec, path: str) -> bool:
    """The ※ of the item at ``path`` itself (a repeat block: any ※ item in it)."""
    node = spec.item(template_path(path))
    if node.kind == "repeat":
        return any(it.important for it in node.walk() if it.has_value)
    return node.important


def important_of(spec, parsed: ParsedItem) -> bool | None:
    """Whether a 変更箇所 row's resolved 項目 is a ※ item: the resolved item's own ※ (never the ※ printed on a
    heading above it that excludes it: 全項目 Ⅲ-7 リスク1⑨, 重点 Ⅲ-7 ②); several items or a heading: any of
    them. A string that does not resolve but reads as parts of the form (ambiguous, or an author slip with
    candidates): True / False when all its candidates agree; one that matches nothing of the form (candidates by
    likeness only): None."""
    if not parsed.resolved and parsed.status != "ambiguous":
        return None
    names = parsed.named
    if not names:
        return None
    flags = {_own_important(spec, p) for p in names}
    if parsed.resolved:
        return True in flags
    return flags.pop() if len(flags) == 1 else None


def important_item(form: str, text: str) -> bool | None:
    """:func:`important_of` the 項目 text of a change row, read on its own."""
    from ..spec import load_spec

    return important_of(load_spec(form), parse_item(text, form))


def _history(ctx: Context) -> list[ParsedItem]:
    """The document's 変更箇所 rows read by the parser, rows continuing the one above included (once per document)."""
    return ctx.once("changelog_rows.history", lambda: [p for _, p in resolve_history(ctx.doc)])


@rule("R601", ERROR, "※（重要な変更）の項目を事後としたのに提出時期に係る説明がない",
      "{label}: ※の項目（{item}）の変更を「事後」としていますが、提出時期に係る説明がありません",
      reads=("role:changes", "important"))
def important_change_afterwards(ctx: Context) -> Iterator[Hit]:
    """A change of a ※ item is a 重要な変更 and is submitted 事前; when it is reported 事後 (wording fixes, law
    renumbering …) the 提出時期に係る説明 says why. The item is the one the 項目 resolves to (the 項目 parser, rows
    continuing the row above included) with its own ※: an item excluded from its heading's ※ (全項目 Ⅲ-7 リスク1⑨,
    重点 Ⅲ-7 ②) is not a ※ item; a 項目 that does not resolve is flagged when every item it may name (its
    candidates) is a ※ item, and one that matches nothing of the form is not (R603 reports both); an empty 説明 under a row of the same 変更日 continues it (merged cell)."""
    table, rows = ctx.changes()
    parsed = _history(ctx)
    for n, row, explanation in _with_merged(rows):
        if row.timing != "事後" or is_filled(explanation) or not row.item:
            continue
        if important_of(ctx.spec, parsed[n - 1]):
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


@rule("R603", WARNING, "変更箇所の項目が様式のどの項目にも当たらない",
      "{label}: 項目「{item}」が様式のどの項目か特定できません{closest}",
      reads=("role:changes",))
def changelog_item_unresolved(ctx: Context) -> Iterator[Hit]:
    """A 変更箇所 row whose 項目 names no item of the form (a wrong section title, a label filed under another
    heading, a label no item has), read by the 項目 parser as a reviewer would: short forms ("Ⅲ-3 リスク2 …"), page
    references, cut-off labels, small typos, another script's numerals, several items in one row and rows continuing
    the row above all resolve. The message lists the closest items as candidates. A row that leaves out which
    特定個人情報ファイル it is about, in a document with several, is not reported (the item itself is named)."""
    table, rows = ctx.changes()
    parsed = _history(ctx)
    files = len(ctx.doc.files)
    for n, (row, p) in enumerate(zip(rows, parsed), start=1):
        if not is_filled(row.item) or p.resolved:
            continue
        if p.candidates and len({template_path(c) for c in p.candidates}) == 1 and files > 1:
            continue  # the same item in each file
        closest = "、".join(dict.fromkeys(finding_label(ctx.spec, c, files) for c in p.candidates[:3]))
        yield Hit(f"{table}[{n}].item", {"label": f"変更箇所 {n}行目", "item": row.item.strip()[:60],
                                         "closest": f"（近い項目: {closest}）" if closest else ""})
