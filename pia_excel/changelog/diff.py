"""Differences between two versions of a document, item by item, in form order.

Items are matched by identity (their path in the model), never by cell position: repeat-group blocks
(システム, 委託事項, 提供先, 移転先) by slot number, 特定個人情報ファイル by file number. A block or file present on
one side only is one "added"/"removed" change; an empty block counts as absent. The 変更箇所 table itself is not
compared.

Values are compared as data (a choice by its value, checkboxes by their ticks, dates as 和暦 dates), then written
as readable text for the change log: choices by label, checkboxes as the ticked labels with their details,
dates in 和暦, counts as numbers; an empty 変更前 as "-", an empty 変更後 as "削除". Free text of several paragraphs
gives only the paragraphs that changed, "（略）" standing for the unchanged ones. A value the reader could not fit
into the model (kept verbatim in ``invalid_values``) takes part with its raw text.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from ..models import Document, PiaModel, Tick
from ..spec import FormSpec, Item, load_spec
from ..spec.labels import Part, item_label, section_text
from ..spec.paths import file_name as _file_name, role_value

__all__ = ["Change", "diff", "render_value", "DELETED", "EMPTY"]

EMPTY = "-"  # 変更前 of something added
DELETED = "削除"  # 変更後 of something deleted, as real change logs write it (seed 003)


@dataclass(frozen=True)
class Change:
    """One changed item (or one added / removed repeat block or file)."""

    path: str  # instance path: "I.shozokucho_yakushoku", "files[1].II.iten_saki[2]", "files[2]"
    kind: str  # "changed" | "added" | "removed"
    label: str  # the 項目 text
    before: str
    after: str
    item: Item | None  # spec node (the repeat group for blocks, None for whole files)
    old: Any = None  # compared values (None for absent)
    new: Any = None
    important: bool = False  # effective ※ (for blocks and files: any ※ item in them is filled)

    @property
    def template(self) -> str | None:
        return self.item.path if self.item is not None else None


# ------------------------------------------------------------------------------------------------- values
def _empty(v: Any) -> bool:
    return v is None or v == "" or v == [] or (isinstance(v, PiaModel) and v.is_empty())


def _tick_text(t: Tick) -> str:
    mark = "[○]" if t.checked else "[ ]"
    text = f"{mark}{t.label}"
    if t.detail:
        text += f"（{t.detail}）"
    if t.count is not None:
        text += f"（{t.count}件）"
    return text


def render_value(item: Item, value: Any, count: Any = None) -> str:
    """Readable text of an item's value (``count``: the "（　）件" beside a choice such as 委託の有無)."""
    if isinstance(value, _Raw):
        text = value.text
    elif _empty(value):
        text = None
    elif item.value_kind == "checkboxes":
        text = "\n".join(_tick_text(t) for t in value)
    elif item.value_kind == "list":
        text = "\n".join(value)
    else:
        text = str(value)
    if text:
        text = _literal(text)
    if count is not None:
        c = count.text if isinstance(count, _Raw) else str(count)
        text = f"{text or ''}（{c}件）"
    return text if text not in (None, "") else EMPTY


def _literal(text: str) -> str:
    """A value whose line reads exactly as one of the table's markers ("-", "削除", "（略）") is bracketed
    (「削除」), so that a value written "削除" is never taken for a deletion."""
    return "\n".join(f"「{line}」" if line in _MARKERS else line for line in text.split("\n"))


@dataclass(frozen=True)
class _Raw:
    """A cell text the model could not hold (from ``invalid_values``)."""

    text: str


def _value(model: PiaModel, item: Item, path: str, invalid: dict) -> tuple[Any, Any]:
    value = getattr(model, item.key, None)
    if _empty(value) and path in invalid:
        value = _Raw(invalid[path])
    count = None
    if item.count:
        count = getattr(model, f"{item.key}_count", None)
        if count is None and f"{path}_count" in invalid:
            count = _Raw(invalid[f"{path}_count"])
    return value, count


def _canon(value: Any, count: Any) -> Any:
    def one(v):
        if isinstance(v, _Raw):
            return ("raw", v.text)
        if _empty(v):
            return None
        if isinstance(v, list):
            return tuple(x.model_dump(mode="json") if isinstance(x, PiaModel) else x for x in v)
        return str(v)

    return one(value), one(count)


# ------------------------------------------------------------------------------------------------- walking
class _Differ:
    def __init__(self, spec: FormSpec, old: Document, new: Document):
        self.spec, self.old, self.new = spec, old, new
        self.table = spec.changes_item
        self.multi = max(len(old.files), len(new.files)) > 1
        self.half = spec.edition(new.edition).halfwidth_numbers  # heading numbers as this edition prints them
        self.changes: list[Change] = []

    def file_name(self, n: int) -> str | None:
        for doc in (self.new, self.old):
            if n <= len(doc.files):
                name = _file_name(self.spec, doc, n)
                if name:
                    return name
        return None

    def file(self, n: int | None):
        return (n, self.file_name(n)) if self.multi and n is not None else None

    def run(self) -> list[Change]:
        spec = self.spec
        for section in spec.sections:
            if section.per_file:
                if section is spec.file_sections[0]:
                    self.files()
                continue
            self.fields(section.fields(), getattr(self.old, section.key), getattr(self.new, section.key),
                        section.key, None, {})
        return self.changes

    def files(self) -> None:
        old, new = self.old.files, self.new.files
        for n in range(1, max(len(old), len(new)) + 1):
            fo = old[n - 1] if n <= len(old) and not _empty(old[n - 1]) else None
            fn = new[n - 1] if n <= len(new) and not _empty(new[n - 1]) else None
            if fo is None and fn is None:
                continue
            if fo is None or fn is None:
                self.whole_file(n, fo, fn)
                continue
            for fs in self.spec.file_sections:
                self.fields(fs.fields(), getattr(fo, fs.key), getattr(fn, fs.key), f"files[{n}].{fs.key}", n, {})

    def whole_file(self, n: int, fo, fn) -> None:
        first = self.spec.file_sections[0]
        label = f"{section_text(first)} {Part('file', None, self.file_name(n) or '', None, n).text}"
        present = fo if fo is not None else fn
        text = self.summary_of_file(present, n)
        important = any(self.important_filled(fs.fields(), getattr(present, fs.key)) for fs in self.spec.file_sections)
        kind = "added" if fo is None else "removed"
        before, after = (EMPTY, text) if kind == "added" else (text, DELETED)
        self.changes.append(Change(f"files[{n}]", kind, label, before, after, None, fo, fn, important))

    def summary_of_file(self, f, n: int) -> str:
        name = role_value(self.spec, f, "file_name")
        return f"特定個人情報ファイル名：{name}" if name else f"特定個人情報ファイル（{n}）"

    def fields(self, items: list[Item], mo: PiaModel, mn: PiaModel, prefix: str, file_no: int | None,
               slots: dict[str, int]) -> None:
        for it in items:
            if it is self.table:
                continue
            path = f"{prefix}.{it.key}"
            if it.kind == "repeat":
                self.blocks(it, getattr(mo, it.key), getattr(mn, it.key), path, file_no, slots)
                continue
            vo, co = _value(mo, it, path, self.old.invalid_values)
            vn, cn = _value(mn, it, path, self.new.invalid_values)
            if _canon(vo, co) == _canon(vn, cn):
                continue
            before, after = render_value(it, vo, co), render_value(it, vn, cn)
            if it.value_kind == "list":
                before, after = _list_change(vo, vn, before, after)
            elif it.value_kind == "text":
                before, after = _paragraph_change(before, after)
            if after == EMPTY and before != EMPTY:
                after = DELETED
            if before == after:
                continue
            label = item_label(it, slots, self.file(file_no), self.half)
            self.changes.append(Change(path, "changed", label, before, after, it, _plain(vo), _plain(vn),
                                       it.important))

    def blocks(self, rep: Item, bo: list, bn: list, path: str, file_no: int | None, slots: dict) -> None:
        for slot in range(1, max(len(bo), len(bn)) + 1):
            xo = bo[slot - 1] if slot <= len(bo) and not _empty(bo[slot - 1]) else None
            xn = bn[slot - 1] if slot <= len(bn) and not _empty(bn[slot - 1]) else None
            bpath = f"{path}[{slot}]"
            inner = {**slots, rep.key: slot}
            if xo is None and xn is None:
                continue
            if xo is not None and xn is not None:
                self.fields(rep.fields(), xo, xn, bpath, file_no, inner)
                continue
            present = xo if xo is not None else xn
            doc = self.old if xo is not None else self.new
            text = self.summary_of_block(rep, present, bpath, doc.invalid_values)
            kind = "added" if xo is None else "removed"
            before, after = (EMPTY, text) if kind == "added" else (text, DELETED)
            label = item_label(rep, inner, self.file(file_no), self.half)
            self.changes.append(Change(bpath, kind, label, before, after, rep, _plain(xo), _plain(xn),
                                       self.important_filled(rep.fields(), present)))

    def summary_of_block(self, rep: Item, block: PiaModel, bpath: str, invalid: dict) -> str:
        lines = []
        for it in rep.fields():
            v, c = _value(block, it, f"{bpath}.{it.key}", invalid)
            if _empty(v) and c is None:
                continue
            lines.append(f"{it.no or ''}{it.label}：{render_value(it, v, c)}")
        return "\n".join(lines)

    def important_filled(self, items: list[Item], model: PiaModel) -> bool:
        for it in items:
            v = getattr(model, it.key, None)
            if it.kind == "repeat":
                if any(self.important_filled(it.fields(), b) for b in v or []):
                    return True
            elif it.important and not _empty(v):
                return True
        return False


OMITTED = "（略）"
_MARKERS = frozenset({EMPTY, DELETED, OMITTED})


def _list_change(old: Any, new: Any, before: str, after: str) -> tuple[str, str]:
    """記録項目 lists: only the entries removed and added, after "（略）" for the unchanged rest (a list has a
    hundred entries or more). Lists that only changed order, and empty or unreadable ones, are given in full."""
    if not isinstance(old, list) or not isinstance(new, list) or not old or not new:
        return before, after
    from collections import Counter

    removed_count = Counter(old) - Counter(new)
    added_count = Counter(new) - Counter(old)
    if not removed_count and not added_count:
        return before, after

    def pick(values: list[str], wanted: Counter) -> list[str]:
        out = []
        for v in values:
            if wanted[v] > 0:
                out.append(v)
                wanted[v] -= 1
        return out

    removed = [_literal(v) for v in pick(old, removed_count)]
    added = [_literal(v) for v in pick(new, added_count)]
    return (OMITTED + "\n" + ("\n".join(removed) if removed else EMPTY),
            OMITTED + "\n" + ("\n".join(added) if added else DELETED))


def _paragraph_change(before: str, after: str) -> tuple[str, str]:
    """Free text of several paragraphs (lines) of which some are unchanged: only the changed paragraphs, with
    "（略）" where unchanged ones are left out (as real change logs quote them, seed 004); a paragraph deleted with
    nothing in its place is written 削除. Texts with no unchanged paragraph are given in full."""
    if before == EMPTY or after == EMPTY:
        return before, after
    old, new = before.split("\n"), after.split("\n")
    if len(old) < 2 and len(new) < 2:
        return before, after
    m = difflib.SequenceMatcher(None, old, new, autojunk=False)
    ops = m.get_opcodes()
    if not any(tag == "equal" and i2 > i1 for tag, i1, i2, _, _ in ops):
        return before, after
    b: list[str] = []
    a: list[str] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            b.append(OMITTED)
            a.append(OMITTED)
            continue
        b.extend(old[i1:i2] or [EMPTY])
        a.extend(new[j1:j2] or [DELETED])
    return "\n".join(b), "\n".join(a)


def _plain(v: Any) -> Any:
    if isinstance(v, _Raw):
        return v.text
    if isinstance(v, PiaModel):
        return v.model_dump(mode="json", exclude_defaults=True)
    if isinstance(v, list):
        return [x.model_dump(mode="json", exclude_defaults=True) if isinstance(x, PiaModel) else x for x in v]
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def diff(old: Document, new: Document) -> list[Change]:
    """The changes from ``old`` to ``new`` (same form), one per changed item, in form order."""
    if old.form != new.form:
        raise ValueError(f"様式が違う評価書は比較できません（{old.form} と {new.form}）")
    return _Differ(load_spec(new.form), old, new).run()
