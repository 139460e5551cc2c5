"""Read the 項目 column of existing change logs back into item paths.

Real documents name items in many ways: "Ⅲ-3 リスク2 その他の措置の内容", "Ⅱ-5 移転先1 ①",
"I 基本情報 6. 評価実施機関における担当部署 ②所属長", "P51 Ⅲ 特定個人情報ファイルの 取扱いプロセスにおけるリス
ク対策 ※(7. リスク1⑨を除 く。) 7. 特定個人情報の保管・消 去 ⑤物理的対策". :func:`parse_item` matches such a
string against the printed parts of every item of the form (:mod:`pia_excel.spec.labels`): each part may be written in full,
by its number only, by its label only, or (headings, risk headings, owning items) left out; separators, page
prefixes ("P51"), ※ notes, line breaks inside words and small OCR slips in long labels are tolerated.

A string resolves only when exactly one item (or one heading / repeat block) explains *all* of it; anything else
is reported as ambiguous or unresolved, never guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import Item, Section, load_spec
from .labels import Part, instance_path, parts_of
from .paths import file_names, node_for_path, split_instance_path, value_at
from .text import item_text_key, part_key

__all__ = ["ParsedItem", "parse_item", "resolution_stats", "resolve_history"]

#: characters skipped between parts (dash variants incl. the OCR "一" for "—", colons, commas)
_SEPARATORS = frozenset("-—―−‐–ー一:・,、/.")
@dataclass(frozen=True)
class ParsedItem:
    """What a 項目 string names.

    ``status``: "item" (``path`` is the item's instance path), "group" (a heading or a whole repeat block:
    ``path`` is the block path for blocks, ``paths`` the value items under it), "ambiguous" (several items fit:
    ``candidates``) or "unresolved".
    """

    text: str
    status: str
    path: str | None = None
    paths: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()
    fuzzy: bool = False  # some label matched only with small spelling differences

    @property
    def resolved(self) -> bool:
        return self.status in ("item", "group")


# ------------------------------------------------------------------------------------------------- the trie
@dataclass(eq=False)
class _Node:
    kind: str
    part: Part | None
    children: list["_Node"] = field(default_factory=list)
    terminal: str | None = None  # "item" | "group"
    spec_node: Item | Section | None = None
    exact: tuple[str, ...] = ()  # surfaces matched exactly
    labels: tuple[str, ...] = ()  # surfaces matched with a small edit distance
    prefix_of: tuple[str, ...] = ()  # (no, label): the item's number followed by the start of its label
    skippable: bool = False

    def child(self, key, make) -> "_Node":
        for c in self.children:
            if c._key == key:
                return c
        c = make()
        c._key = key
        self.children.append(c)
        return c


_SECTION_ALIASES = {
    # older editions and common abbreviations of section titles
    "II": ("ファイルの概要", "特定個人情報ファイル概要"),
    "III": ("リスク対策(プロセス)", "リスク対策", "特定個人情報ファイルの取扱いプロセスにおけるリスク対策"),
    "IV": ("リスク対策(その他)", "その他のリスク対策"),
    "VI": ("評価実施手続き",),
    "V": ("評価実施手続き",),
}


def _section_surfaces(section: Section) -> tuple[tuple[str, ...], tuple[str, ...]]:
    exact: list[str] = []
    labels: list[str] = []
    if section.no:
        num = part_key(section.no)  # "Ⅲ" → "III"
        titles = [part_key(section.title), *(part_key(a) for a in _SECTION_ALIASES.get(num, ()))]
        sheet_title = part_key(section.sheet)
        if sheet_title.startswith(num):
            titles.append(sheet_title[len(num):])
        for t in dict.fromkeys(titles):
            exact.append(num + t)
            labels.append(num + t)
            labels.append(t)
        exact.append(num)
    else:
        heading = part_key(section.heading)
        labels.append(heading)
        m = re.match(r"^\((別添\d+)\)(.*)$", heading)
        if m:  # "(別添1)事務の内容" is filed under Ⅰ by some documents: "I 基本情報 (別添1)事務の内容"
            exact.append(heading)
            labels.append(m.group(2))
            labels.append("I基本情報" + heading)
    return tuple(dict.fromkeys(exact)), tuple(dict.fromkeys(labels))


def _part_surfaces(p: Part) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(exact, fuzzy labels, prefix) surfaces of a heading / risk / group / parent / item part."""
    label, short = part_key(p.label), part_key(p.short_label)
    num = p.number
    exact: list[str] = []
    labels: list[str] = []
    prefix: tuple[str, ...] = ()
    if p.kind == "risk":
        head = f"リスク{num}" if num and num.isdecimal() else "リスク"
        for lab in (label, short):
            labels += [f"{head}:{lab}", f"{head}{lab}", lab]
        exact += [f"{head}:", head]
    elif num and num.isdecimal():  # "6." headings (and numbered items such as "3. 特定個人情報ファイル名")
        for lab in (label, short):
            labels += [f"{num}.{lab}", f"{num}{lab}", lab]
        exact += [f"{num}.", num]
    else:
        no = part_key(p.no or "")
        for lab in (label, short):
            if no:
                labels.append(no + lab)
            labels.append(lab)
        if no:
            exact.append(no)
            if p.kind == "item":
                prefix = (no, label)
    return tuple(dict.fromkeys(exact)), tuple(dict.fromkeys(labels)), prefix


@lru_cache(maxsize=None)
def _trie(form: str) -> _Node:
    spec = load_spec(form)
    root = _Node("root", None)
    targets: list[tuple[Item, str]] = []
    table = spec.changes_item
    for it in spec.walk():
        if it is table or it.kind == "static":
            continue
        if it.has_value:
            targets.append((it, "item"))
        elif it.kind == "heading":
            targets.append((it, "group"))
    for node, terminal in targets:
        parts = parts_of(node, file=(0, None) if node.section.per_file else None)
        cur = root
        section_node = None
        for p in parts:
            key = (p.kind, id(p.node) if p.node is not None else "file")

            def make(p=p):
                n = _Node(p.kind, p)
                if p.kind == "section":
                    n.exact, n.labels = _section_surfaces(p.node)
                elif p.kind == "file":
                    n.skippable = True
                elif p.kind == "repeat":
                    n.labels = (part_key(p.label),)
                else:
                    n.exact, n.labels, n.prefix_of = _part_surfaces(p)
                    n.skippable = p.kind in ("heading", "risk", "group", "parent")
                return n

            cur = cur.child(key, make)
            if p.kind == "section":
                section_node = cur
        cur.terminal = "group" if node.kind == "repeat" else terminal
        cur.spec_node = node
        if cur.kind == "file":  # an annex named by its title only: the file may be left out
            section_node.terminal, section_node.spec_node = terminal, node
    return root


# ------------------------------------------------------------------------------------------------- matching
def _tolerance(n: int) -> int:
    if n < 6:
        return 0
    if n < 12:
        return 1
    if n < 24:
        return 2
    if n < 40:
        return 3
    return 4


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)}


@lru_cache(maxsize=4096)
def _label_bigrams(label: str) -> frozenset[str]:
    return frozenset(_bigrams(label))


def _fuzzy_ends(s: str, pos: int, label: str, d: int) -> list[tuple[int, int]]:
    """(end, edit distance) for every s[pos:end] within ``d`` edits of ``label``."""
    n = len(label)
    window = s[pos:pos + n + d]
    if len(window) < n - d:
        return []
    # q-gram filter: each edit destroys at most two bigrams of the label
    if len(_label_bigrams(label) & _bigrams(window)) < len(_label_bigrams(label)) - 2 * d:
        return []
    prev = list(range(n + 1))
    out: list[tuple[int, int]] = []
    for i, ch in enumerate(window, start=1):
        cur = [i] + [0] * n
        for j in range(1, n + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ch != label[j - 1]))
        if i >= n - d and cur[n] <= d:
            out.append((pos + i, cur[n]))
        if min(cur) > d:
            break
        prev = cur
    return out


def _fuzzy_prefix(rest: str, label: str, d: int) -> int | None:
    """Edit distance of ``rest`` to the closest prefix of ``label`` (None when above ``d``)."""
    n = len(rest)
    prev = list(range(len(label) + 1))
    for i, ch in enumerate(rest, start=1):
        cur = [i] + [0] * len(label)
        for j in range(1, len(label) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ch != label[j - 1]))
        prev = cur
    best = min(prev[max(0, n - d):n + d + 1] or [d + 1])
    return best if best <= d else None


class _Matcher:
    def __init__(self, s: str, file_names: dict[int, str] | None):
        self.s = s
        # names as printed in 項目 (a leading "(1)" of the name itself is dropped there, see labels.Part)
        self.file_names = {k: re.sub(r"^\(\d+\)", "", part_key(v)) for k, v in (file_names or {}).items() if v}
        self.memo: dict = {}
        self.matches: dict = {}

    def seps(self, pos: int) -> list[int]:
        out = [pos]
        while pos < len(self.s) and self.s[pos] in _SEPARATORS:
            pos += 1
            out.append(pos)
        return out

    def match(self, node: _Node, pos: int) -> list[tuple[int, int | None, int]]:
        """(end, captured number, cost) for each way ``node`` can be read at ``pos``."""
        key = (id(node), pos)
        if key not in self.matches:
            self.matches[key] = self._match(node, pos)
        return self.matches[key]

    def _match(self, node: _Node, pos: int) -> list[tuple[int, int | None, int]]:
        s = self.s
        out: list[tuple[int, int | None, int]] = []
        if node.kind == "repeat":
            label = node.labels[0]
            if s.startswith(label, pos):
                m = re.match(r"\d+", s[pos + len(label):])
                if m:
                    out.append((pos + len(label) + m.end(), int(m.group()), 0))
            return out
        if node.kind == "file":
            m = re.match(r"\((\d+)\)", s[pos:])
            if m:
                n = int(m.group(1))
                end = pos + m.end()
                out.append((end, n, 0))
                name = self.file_names.get(n)
                if name and s.startswith(name, end):
                    out.append((end + len(name), n, 0))
                k = s.find("ファイル", end)  # a file name not known (or renamed): up to a "…ファイル"
                while k != -1:
                    if k + len("ファイル") != end + len(name or ""):
                        out.append((k + len("ファイル"), n, 0))
                    k = s.find("ファイル", k + 1)
            return out
        for e in node.exact:
            if s.startswith(e, pos):
                out.append((pos + len(e), None, 0))
        for lab in node.labels:
            if s.startswith(lab, pos):
                out.append((pos + len(lab), None, 0))
                continue
            d = _tolerance(len(lab))
            if d:
                out.extend((end, None, cost) for end, cost in _fuzzy_ends(s, pos, lab, d))
        if node.prefix_of:
            no, label = node.prefix_of
            if s.startswith(no, pos):
                rest = s[pos + len(no):].rstrip("".join(_SEPARATORS))
                if len(rest) >= 2 and label.startswith(rest) and rest != label:
                    out.append((len(s), None, 0))
                elif 6 <= len(rest) < len(label):
                    best = _fuzzy_prefix(rest, label, _tolerance(len(rest)))
                    if best is not None:
                        out.append((len(s), None, best))
        return out

    def at_end(self, pos: int) -> bool:
        return self.seps(pos)[-1] == len(self.s)

    def after(self, node: _Node, pos: int, matched: bool) -> list[tuple[_Node, tuple, int]]:
        """Complete readings below ``node`` from ``pos``: (terminal node, captures, cost)."""
        key = (id(node), pos, matched)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = []  # guards against loops through empty matches
        results: list[tuple[_Node, tuple, int]] = []
        if matched and node.terminal and self.at_end(pos):
            results.append((node, (), 0))
        for child in node.children:
            for p in self.seps(pos):
                for end, num, cost in self.match(child, p):
                    if end == p:
                        continue
                    cap = ((child, num),) if num is not None else ()
                    for term, caps, c in self.after(child, end, True):
                        results.append((term, cap + caps, cost + c))
            if child.skippable:
                for term, caps, c in self.after(child, pos, False):
                    results.append((term, caps, c))
        self.memo[key] = results
        return results


def parse_item(text: str, form: str, *, files: int = 1, file_names: dict[int, str] | None = None) -> ParsedItem:
    """Resolve a 項目 string of form ``form`` ("juten" / "zenkomoku") to an item path where unambiguous.

    ``files`` is the number of 特定個人情報ファイル of the document: with more than one, a per-file item must
    name its file ("（2）…"), else it is ambiguous. ``file_names`` (file number → name) helps to read the name.
    """
    s = item_text_key(text or "")
    if not s:
        return ParsedItem(text, "unresolved")
    m = _Matcher(s, file_names)
    readings = m.after(_trie(form), 0, False)
    found: dict[tuple[str, str], int] = {}  # (terminal kind, path) → cost
    for term, caps, cost in readings:
        slots: dict[str, int] = {}
        file_no = None
        ok = True
        for node, num in caps:
            if node.kind == "file":
                file_no = num
            else:
                rep = node.part.node
                if not 1 <= num <= rep.max:
                    ok = False
                slots[rep.key] = num
        spec_node = term.spec_node
        if not ok or spec_node is None:
            continue
        if spec_node.section.per_file:
            if file_no is None:
                if files > 1:
                    continue
                file_no = 1
            elif file_no > files:
                continue
        reps = [a for a in spec_node.ancestors() if a.kind == "repeat"] + ([spec_node] if spec_node.kind == "repeat" else [])
        if any(r.key not in slots for r in reps):
            continue
        path = instance_path(spec_node, slots, file_no)
        kind = "item" if term.terminal == "item" and spec_node.kind != "repeat" else "group"
        k = (kind, path)
        found[k] = min(found.get(k, cost), cost)
    items = {p: c for (k, p), c in found.items() if k == "item"}
    groups = {p: c for (k, p), c in found.items() if k == "group"}
    if items:
        return _pick(text, items, "item", form, files)
    if groups:
        return _pick(text, groups, "group", form, files)
    return ParsedItem(text, "unresolved")


def _pick(text: str, found: dict[str, int], kind: str, form: str, files: int) -> ParsedItem:
    best = min(found.values())
    top = sorted(p for p, c in found.items() if c == best)
    if len(top) > 1:
        return ParsedItem(text, "ambiguous", candidates=tuple(top), fuzzy=best > 0)
    path = top[0]
    if kind == "item":
        return ParsedItem(text, "item", path=path, paths=(path,), fuzzy=best > 0)
    members = _group_members(form, path)
    if len(members) == 1 and members[0] != path:  # a heading with a single item: that item
        return ParsedItem(text, "item", path=members[0], paths=tuple(members), fuzzy=best > 0)
    return ParsedItem(text, "group", path=path, paths=tuple(members), fuzzy=best > 0)


def _group_members(form: str, path: str) -> list[str]:
    """Value items under a heading or repeat block (instance paths)."""
    spec = load_spec(form)
    file_no, template, slots = split_instance_path(path)
    node = node_for_path(spec, template)
    if node.kind == "repeat":
        return [path]
    out = []
    for it in node.walk():
        if it is node or not it.has_value:
            continue
        if it.repeat is not None and it.repeat is not node and it.repeat.key not in slots:
            # a repeat group under the heading: the group as a whole
            if it.kind == "repeat":
                out.append(instance_path(it, slots, file_no))
            continue
        out.append(instance_path(it, slots, file_no))
    return out


def resolve_history(doc) -> list[tuple[object, ParsedItem]]:
    """The rows of a document's own 変更箇所 table with what their 項目 names (for reports and checks)."""
    spec = load_spec(doc.form)
    rows = value_at(doc, spec.role("changes").path) or []
    names = file_names(spec, doc)
    return [(row, parse_item(row.item or "", doc.form, files=len(doc.files), file_names=names)) for row in rows]


def resolution_stats(rows: list[tuple[str, str]]) -> dict:
    """For (項目, form) pairs: counts by status (used by the measurement test and script)."""
    stats: dict = {"total": 0, "item": 0, "group": 0, "ambiguous": 0, "unresolved": 0}
    for text, form in rows:
        r = parse_item(text, form)
        stats["total"] += 1
        stats[r.status] += 1
    stats["resolved"] = stats["item"] + stats["group"]
    stats["fraction"] = stats["resolved"] / stats["total"] if stats["total"] else 0.0
    return stats


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - measurement helper
    """``python -m pia_excel.spec.parse changelog_rows.tsv``: how many 項目 strings resolve."""
    import csv
    import sys

    args = sys.argv[1:] if argv is None else argv
    forms = {"重点": "juten", "全項目": "zenkomoku", "juten": "juten", "zenkomoku": "zenkomoku"}
    with open(args[0], encoding="utf-8") as fh:
        rows = [(r["項目"], forms[r["form"]]) for r in csv.DictReader(fh, delimiter="\t")]
    for text, form in rows:
        r = parse_item(text, form)
        shown = r.path or (" / ".join(r.candidates[:3]) if r.candidates else "")
        print(f"{r.status:10} {'~' if r.fuzzy else ' '} {text}\t{shown}")
    s = resolution_stats(rows)
    print(f"resolved {s['resolved']}/{s['total']} = {s['fraction']:.1%} (item {s['item']}, group {s['group']}, "
          f"ambiguous {s['ambiguous']}, unresolved {s['unresolved']})")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
