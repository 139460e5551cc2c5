"""Read the 項目 column of existing change logs back into item paths.

Real documents name items in many ways: "Ⅲ-3 リスク2 その他の措置の内容", "Ⅱ-5 移転先1 ①",
"I 基本情報 6. 評価実施機関における担当部署 ②所属長", "P51 Ⅲ 特定個人情報ファイルの 取扱いプロセスにおけるリス
ク対策 ※(7. リスク1⑨を除 く。) 7. 特定個人情報の保管・消 去 ⑤物理的対策". :func:`parse_item` matches such a
string against the printed parts of every item of the form (:mod:`pia_excel.spec.labels`): each part may be written in full,
by its number only, by its label only, or (headings, risk headings, owning items) left out; separators, page
prefixes ("P51"), ※ notes, line breaks inside words and small OCR slips in long labels are tolerated.

A string resolves only when exactly one item (or one heading / repeat block) explains *all* of it. Each
resolution says how sure it is (:attr:`ParsedItem.sure`):

- "exact": every part read as printed (numbers in another script, "3" or "III" for Ⅲ, count as printed);
- "typo": a label read with one or more small spelling differences, or a section numeral that is not the section
  of the labels that follow ("Ⅵ 評価実施手続" in a 重点, whose section is Ⅴ);
- "truncated": the string ends inside a label (the cell cut it off): the item or heading that label begins;
- "continuation" (:func:`parse_rows`): the row leaves out what the row above said ("具体的な管理方法" under a row
  naming Ⅲ-3 リスク2 …);
- "ambiguous": the string reads as several items equally well ("Ⅲ-3 その他の措置の内容": リスク1 or リスク2; a
  per-file item without its file in a document with several): :attr:`ParsedItem.candidates` are all of them;
- "candidates": no reading explains all of it; :attr:`ParsedItem.candidates` are the closest items (author slips
  such as a wrong section title or a label filed under the wrong heading), never taken as the answer.

Several items in one row ("委託事項3 ①②④") resolve to all of them (status "items").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from . import Item, Section, load_spec
from .labels import Part, instance_path, parts_of
from .paths import file_names, node_for_path, split_instance_path, value_at
from .text import item_text_key, part_key

__all__ = ["ParsedItem", "parse_item", "parse_rows", "resolution_stats", "resolve_history"]

#: characters skipped between parts (dash variants incl. the OCR "一" for "—", colons, commas)
_SEPARATORS = frozenset("-—―−‐–ー一:・,、/.")
@dataclass(frozen=True)
class ParsedItem:
    """What a 項目 string names.

    ``status``: "item" (``path`` is the item's instance path), "items" (several items named in one row:
    ``paths``), "group" (a heading or a whole repeat block: ``path`` is the block path for blocks, ``paths`` the
    value items under it), "ambiguous" (no single reading: ``candidates``, closest first) or "unresolved" (nothing
    close). ``sure`` says how the resolution was reached: "exact", "typo", "truncated", "continuation",
    "ambiguous", "candidates" or "none" (see the module docstring).
    """

    text: str
    status: str
    path: str | None = None
    paths: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()
    sure: str = "none"

    @property
    def resolved(self) -> bool:
        return self.status in ("item", "items", "group")

    @property
    def fuzzy(self) -> bool:
        """Resolved, but not as printed (a typo, a cut-off label or a wrong numeral)."""
        return self.resolved and self.sure in ("typo", "truncated")

    @property
    def named(self) -> tuple[str, ...]:
        """The items this string names when resolved (the item, the several items, or a group's items), else the
        candidates."""
        if self.status == "item":
            return (self.path,)
        return self.paths if self.resolved else self.candidates


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
    prefix_of: tuple[tuple[str, str], ...] = ()  # (no, label): a number followed by the start of its label
    titles: tuple[str, ...] = ()  # sections: titles without the numeral (read after another numeral)
    skippable: bool = False

    @property
    def starts(self) -> frozenset[str]:
        """The characters a reading of this part without typos can begin with (a reading with typos may begin
        with any): most parts are ruled out at a position by its first character alone."""
        try:
            return self._starts
        except AttributeError:
            pass
        if self.kind == "file":
            chars = {"("}
        else:
            chars = {x[0] for x in (*self.exact, *self.labels) if x}
            chars |= {(no or label)[0] for no, label in self.prefix_of if no or label}
            if self.kind == "section" and self.titles:
                chars |= {m[0] for m in ("V", "I", *"12345678")}
        self._starts = frozenset(chars)
        return self._starts

    @property
    def near_starts(self) -> frozenset[str]:
        """The first two characters of every surface: a reading with typos has one of them as its first or second
        character (one edit at the start leaves the other in place)."""
        try:
            return self._near
        except AttributeError:
            pass
        surfaces = (*self.exact, *self.labels, *(no + label for no, label in self.prefix_of))
        self._near = frozenset(ch for x in surfaces for ch in x[:2]) | self.starts
        return self._near

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


_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")


def _section_surfaces(section: Section) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    exact: list[str] = []
    labels: list[str] = []
    titles: list[str] = []
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
        if num in _ROMAN:  # the numeral in another script: "3" for Ⅲ
            exact.append(str(_ROMAN.index(num) + 1))
        titles = list(dict.fromkeys(t for t in titles if len(t) >= 4))
    else:
        heading = part_key(section.heading)
        labels.append(heading)
        m = re.match(r"^\((別添\d+)\)(.*)$", heading)
        if m:  # "(別添1)事務の内容" is filed under Ⅰ by some documents: "I 基本情報 (別添1)事務の内容"
            exact.append(heading)
            labels.append(m.group(2))
            labels.append("I基本情報" + heading)
        titles = []
    return tuple(dict.fromkeys(exact)), tuple(dict.fromkeys(labels)), tuple(titles)


def _part_surfaces(p: Part) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]]:
    """(exact, fuzzy labels, prefix) surfaces of a heading / risk / group / parent / item part."""
    label, short = part_key(p.label), part_key(p.short_label)
    num = p.number
    exact: list[str] = []
    labels: list[str] = []
    prefix: list[tuple[str, str]] = []
    if p.kind == "risk":
        head = f"リスク{num}" if num and num.isdecimal() else "リスク"
        for lab in (label, short):
            labels += [f"{head}:{lab}", f"{head}{lab}", lab]
        exact += [f"{head}:", head]
        if head != "リスク":  # "リスク2:権限のない者(元職" cut off
            prefix += [(f"{head}:", label), (head, label)]
        prefix.append(("", label))
    elif num and num.isdecimal():  # "6." headings (and numbered items such as "3. 特定個人情報ファイル名")
        for lab in (label, short):
            labels += [f"{num}.{lab}", f"{num}{lab}", lab]
        exact += [f"{num}.", num]
        prefix += [(f"{num}.", label), (num, label), ("", label)]
    else:
        no = part_key(p.no or "")
        for lab in (label, short):
            if no:
                labels.append(no + lab)
            labels.append(lab)
        if no:
            exact.append(no)
            prefix.append((no, label))
        prefix.append(("", label))
    return tuple(dict.fromkeys(exact)), tuple(dict.fromkeys(labels)), tuple(prefix)


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
                    n.exact, n.labels, n.titles = _section_surfaces(p.node)
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
#: costs of a reading, the cheapest reading wins: a label cut off at the end of the string TRUNCATED, each edit of a
#: label EDIT, a wrong section numeral NUMERAL (with anything else wrong, the reading is a candidate only); text that
#: belongs to no part (author slips) JUNK plus EDIT per character: such readings are candidates only
TRUNCATED = 5
EDIT = 10
NUMERAL = 1000
JUNK = 10000
_MAX_JUNK = 24  # characters of one skipped stretch
_NUMERAL = re.compile(r"VIII|VII|VI|IV|V|III|II|I|[1-8]")


def _tolerance(n: int) -> int:
    if n < 5:
        return 0
    if n < 12:
        return 1
    if n < 24:
        return 2
    if n < 40:
        return 3
    return 4


@lru_cache(maxsize=65536)
def _bigrams(s: str) -> frozenset[str]:
    return frozenset(s[i:i + 2] for i in range(len(s) - 1))


@lru_cache(maxsize=4096)
def _label_bigrams(label: str) -> frozenset[str]:
    return _bigrams(label)


def _fuzzy_ends(s: str, pos: int, label: str, d: int) -> list[tuple[int, int]]:
    """(end, edit distance) for every s[pos:end] within ``d`` edits of ``label``."""
    n = len(label)
    window = s[pos:pos + n + d]
    if len(window) < n - d:
        return []
    # q-gram filter: each edit destroys at most two bigrams of the label
    if len(_label_bigrams(label) & _bigrams(window)) < len(_label_bigrams(label)) - 2 * d:
        return []
    out: list[tuple[int, int]] = []
    # edit distance of label against each prefix of window, only within the band |i - j| <= d (a cell outside it
    # is over d: kept at d + 1, which changes no distance up to d)
    big = d + 1
    prev = [j if j <= d else big for j in range(n + 1)]
    for i, ch in enumerate(window, start=1):
        lo, hi = max(1, i - d), min(n, i + d)
        cur = [big] * (n + 1)
        cur[0] = i if i <= d else big
        best = cur[0]
        for j in range(lo, hi + 1):
            v = prev[j - 1] + (ch != label[j - 1])
            if prev[j] + 1 < v:
                v = prev[j] + 1
            if cur[j - 1] + 1 < v:
                v = cur[j - 1] + 1
            if v > big:
                v = big
            cur[j] = v
            if v < best:
                best = v
        if i >= n - d and cur[n] <= d:
            out.append((pos + i, cur[n]))
        if best > d:
            break
        prev = cur
    return out


def _fuzzy_prefix(rest: str, label: str, d: int) -> int | None:
    """Edit distance of ``rest`` to the closest prefix of ``label`` (None when above ``d``)."""
    n, m = len(rest), len(label)
    big = d + 1  # cells outside the band |i - j| <= d are over d (see _fuzzy_ends)
    prev = [j if j <= d else big for j in range(m + 1)]
    for i, ch in enumerate(rest, start=1):
        cur = [big] * (m + 1)
        cur[0] = i if i <= d else big
        for j in range(max(1, i - d), min(m, i + d) + 1):
            v = prev[j - 1] + (ch != label[j - 1])
            if prev[j] + 1 < v:
                v = prev[j] + 1
            if cur[j - 1] + 1 < v:
                v = cur[j - 1] + 1
            cur[j] = v if v < big else big
        prev = cur
    best = min(prev[max(0, n - d):n + d + 1] or [big])
    return best if best <= d else None


class _Matcher:
    def __init__(self, s: str, file_names: dict[int, str] | None, fuzzy: bool = True):
        self.s = s
        #: whether labels may be read with typos (costly: most real 項目 are printed labels, read exactly first)
        self.fuzzy = fuzzy
        # names as printed in 項目 (a leading "(1)" of the name itself is dropped there, see labels.Part)
        self.file_names = {k: re.sub(r"^\(\d+\)", "", part_key(v)) for k, v in (file_names or {}).items() if v}
        self.memo: dict = {}
        self.matches: dict = {}

    def seps(self, pos: int) -> list[int]:
        """``pos`` and each position after the separators that follow it."""
        out = [pos]
        s = self.s
        while pos < len(s) and s[pos] in _SEPARATORS:
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
        if node.kind == "section" and node.titles:  # another section's numeral: "VI評価実施手続" in a 重点 (Ⅴ)
            m = _NUMERAL.match(s, pos)
            if m and not any(s.startswith(e, pos) and len(e) >= m.end() - pos for e in node.exact):
                out.append((m.end(), None, NUMERAL))
        for lab in node.labels:
            if s.startswith(lab, pos):
                out.append((pos + len(lab), None, 0))
                continue
            d = _tolerance(len(lab)) if self.fuzzy else 0
            if d and not ((lab[0] in _CIRCLED or s[pos:pos + 1] in _CIRCLED) and s[pos:pos + 1] != lab[0]):
                # a circled number is read as printed: "①…" is never "②…"
                out.extend((end, None, cost * EDIT) for end, cost in _fuzzy_ends(s, pos, lab, d))
        for no, label in node.prefix_of:  # a label cut off by the cell: the string ends inside it
            if s.startswith(no, pos):
                rest = s[pos + len(no):].rstrip("".join(_SEPARATORS))
                if len(rest) >= (2 if no else 4) and label.startswith(rest) and rest != label:
                    out.append((len(s), None, TRUNCATED))
                elif self.fuzzy and 6 <= len(rest) < len(label):
                    best = _fuzzy_prefix(rest, label, _tolerance(len(rest)))
                    if best is not None:
                        out.append((len(s), None, TRUNCATED + best * EDIT))
        return out

    def at_end(self, pos: int) -> bool:
        return self.seps(pos)[-1] == len(self.s)

    def after(self, node: _Node, pos: int, matched: bool, junk: bool = False) -> list[tuple[_Node, tuple, int]]:
        """Complete readings below ``node`` from ``pos``: (terminal node, captures, cost). With ``junk``, one
        stretch of text that belongs to no part may be skipped (at a cost of JUNK and its length)."""
        key = (id(node), pos, matched, junk)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = []  # guards against loops through empty matches
        results: list[tuple[_Node, tuple, int]] = []
        s = self.s
        if matched and node.terminal and self.at_end(pos):
            results.append((node, (), 0))
        plain = [(p, 0, junk) for p in self.seps(pos)]
        skips = range(pos + 1, min(len(self.s), pos + _MAX_JUNK + 1)) if junk else ()
        for child in node.children:
            starts = plain
            if skips:  # the part after a skipped stretch begins as printed (its first character)
                first = child.starts
                starts = plain + [(p, JUNK + EDIT * (p - pos), False) for p in skips if self.s[p] in first]
            near = child.near_starts if self.fuzzy else ()
            for p, extra, j in starts:
                ch = s[p:p + 1]
                if ch not in child.starts and ch not in near and s[p + 1:p + 2] not in near:
                    continue  # cannot begin here (see _Node.starts, near_starts)
                for end, num, cost in self.match(child, p):
                    if end == p:
                        continue
                    cap = ((child, num),) if num is not None else ()
                    for term, caps, c in self.after(child, end, True, j):
                        results.append((term, cap + caps, cost + c + extra))
            if child.skippable:
                for term, caps, c in self.after(child, pos, False, junk):
                    results.append((term, caps, c))
        if junk and matched and node.terminal and pos < len(self.s):  # trailing text that names nothing
            results.append((node, (), JUNK + EDIT * (len(self.s) - pos)))
        self.memo[key] = results
        return results


def parse_item(text: str, form: str, *, files: int = 1, file_names: dict[int, str] | None = None) -> ParsedItem:
    """Resolve a 項目 string of form ``form`` ("juten" / "zenkomoku") to an item path where unambiguous.

    ``files`` is the number of 特定個人情報ファイル of the document: with more than one, a per-file item must
    name its file ("（2）…"), else it is ambiguous. ``file_names`` (file number → name) helps to read the name.
    """
    return _parse(text, form, files, file_names, loose=True)


def _parse(text: str, form: str, files: int, file_names, loose: bool, several: bool = True) -> ParsedItem:
    """:func:`_parse_text`, remembered: the same 項目 strings come back with every validation of a document (the
    Excel buttons, a batch of one organisation's documents), and a string naming no item costs a search."""
    names = tuple(sorted(file_names.items())) if file_names else ()
    return _parse_cached(text, form, files, names, loose, several)


@lru_cache(maxsize=8192)
def _parse_cached(text: str, form: str, files: int, names: tuple, loose: bool, several: bool) -> ParsedItem:
    return _parse_text(text, form, files, dict(names) or None, loose, several)


def _parse_text(text: str, form: str, files: int, file_names, loose: bool, several: bool = True) -> ParsedItem:
    s = item_text_key(text or "")
    if not s:
        return ParsedItem(text, "unresolved")
    exact = _readings(s, form, files, file_names, junk=False, fuzzy=False)
    if exact and min(exact.values()) == 0:  # read as printed: no reading with a typo costs as little
        return _pick(text, exact, form)
    found = _readings(s, form, files, file_names, junk=False)
    if found:
        return _pick(text, found, form)
    many = _several(text, s, form, files, file_names) if several else None
    if many is not None or not loose:
        return many or ParsedItem(text, "unresolved")
    found = _readings(s, form, files, file_names, junk=True)
    if found:
        return _pick(text, found, form)
    return ParsedItem(text, "unresolved", candidates=_closest(s, form), sure="candidates")


def _readings(s: str, form: str, files: int, file_names, junk: bool, fuzzy: bool = True) -> dict[tuple[str, str], int]:
    """(terminal kind, instance path) → cost of the cheapest complete reading of ``s`` (``fuzzy``: labels may be
    read with typos)."""
    m = _Matcher(s, file_names, fuzzy)
    readings = m.after(_trie(form), 0, False, junk)
    found: dict[tuple[str, str], int] = {}
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
        numbers: list[int | None] = [None]
        if spec_node.section.per_file:
            if file_no is None:  # not named: each file of the document (ambiguous when there are several)
                numbers = list(range(1, files + 1))
            elif file_no > files:
                continue
            else:
                numbers = [file_no]
        reps = [a for a in spec_node.ancestors() if a.kind == "repeat"] + ([spec_node] if spec_node.kind == "repeat" else [])
        if any(r.key not in slots for r in reps):
            continue
        kind = "item" if term.terminal == "item" and spec_node.kind != "repeat" else "group"
        for n in numbers:
            k = (kind, instance_path(spec_node, slots, n))
            found[k] = min(found.get(k, cost), cost)
    return found


def _sure(cost: int) -> str:
    if cost == 0:
        return "exact"
    if cost >= JUNK or NUMERAL < cost < 2 * NUMERAL:
        return "candidates"  # text skipped, or a wrong numeral and something else wrong
    if cost == NUMERAL:
        return "typo"
    return "truncated" if cost % EDIT >= TRUNCATED else "typo"


def _pick(text: str, found: dict[tuple[str, str], int], form: str) -> ParsedItem:
    best = min(found.values())
    if _sure(best) == "candidates":  # the closest readings, never the answer
        ranked = sorted(found.items(), key=lambda kv: (kv[1], kv[0][0] != "item", kv[0][1]))
        cands = tuple(p for (_, p), c in ranked if c < best + 12 * EDIT)
        cands = tuple(dict.fromkeys(cands[:3] + _closest(item_text_key(text), form)))[:5]
        return ParsedItem(text, "ambiguous", candidates=cands, sure="candidates")
    top = [(k, p) for (k, p), c in found.items() if c == best]
    if any(k == "item" for k, _ in top):
        top = [(k, p) for k, p in top if k == "item"]
    if len(top) > 1:
        return ParsedItem(text, "ambiguous", candidates=tuple(sorted(p for _, p in top)), sure="ambiguous")
    kind, path = top[0]
    sure = _sure(best)
    if kind == "item":
        return ParsedItem(text, "item", path=path, paths=(path,), sure=sure)
    members = _group_members(form, path)
    if len(members) == 1 and members[0] != path:  # a heading with a single item: that item
        return ParsedItem(text, "item", path=members[0], paths=tuple(members), sure=sure)
    return ParsedItem(text, "group", path=path, paths=tuple(members), sure=sure)


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_SEVERAL = re.compile(rf"^(.*?)((?:[{_CIRCLED}][^{_CIRCLED}]*){{2,}})$")


def _several(text: str, s: str, form: str, files: int, file_names) -> ParsedItem | None:
    """"委託事項3 ①②④" or "Ⅰ-6 ①部署 ②所属長の役職名": each numbered item after the common part, when every one of
    them resolves."""
    m = _SEVERAL.match(s)
    if not m:
        return None
    paths: list[str] = []
    sures: list[str] = []
    for piece in re.findall(rf"[{_CIRCLED}][^{_CIRCLED}]*", m.group(2)):
        piece = piece.rstrip("".join(_SEPARATORS))
        found = _readings(m.group(1) + piece, form, files, file_names, junk=False)
        if not found:
            return None
        one = _pick(text, found, form)
        if one.status != "item":
            return None
        paths.append(one.path)
        sures.append(one.sure)
    sure = "exact" if all(x == "exact" for x in sures) else "typo"
    return ParsedItem(text, "items", paths=tuple(dict.fromkeys(paths)), sure=sure)


@lru_cache(maxsize=None)
def _targets(form: str) -> tuple[tuple[str, frozenset[str], str], ...]:
    """(template path, bigrams of the printed 項目 path, key of the item's own label) of every value item; a printed
    text that is no item (the title above the cover's 宣言) stands for the value item printed next below it."""
    from .labels import item_label

    spec = load_spec(form)
    out = []
    pending: list = []
    for it in spec.walk():
        if it is spec.changes_item or it.kind == "table":
            continue
        if it.kind == "static" and it.label:
            pending = [it]
            continue
        if not it.has_value:
            continue
        for st in pending:  # up to the next printed text
            if st.section is it.section:
                text = part_key(st.section.heading + st.label) if st.section.no is None else part_key(st.label)
                out.append((it.path, frozenset(_bigrams(text)), part_key(st.label)))
        out.append((it.path, frozenset(_bigrams(part_key(item_label(it)))), part_key(it.label)))
    return tuple(out)


def _closest(s: str, form: str, n: int = 3) -> tuple[str, ...]:
    """The items whose printed 項目 path is closest to ``s`` (bigram overlap with the whole path, and how much of
    the item's own label is in ``s``): candidates for a string no reading explains."""
    grams = _bigrams(s)
    if not grams:
        return ()
    scored = []
    for path, label_grams, own in _targets(form):
        own_grams = _label_bigrams(own)
        score = 2 * len(grams & label_grams) / len(grams | label_grams)
        if own_grams:
            score += len(grams & own_grams) / len(own_grams)
        scored.append((score, path))
    scored.sort(key=lambda t: -t[0])  # ties in print order
    best = scored[0][0]
    if best < 0.5:
        return ()
    spec = load_spec(form)
    out: list[str] = []
    for score, path in scored:
        if score < best * 0.8 or len(out) == n:
            break
        if path in out:
            continue
        out.append(path)
    return tuple(instance_path(node, {a.key: 1 for a in node.ancestors() if a.kind == "repeat"},
                               1 if node.section.per_file else None)
                 for node in (node_for_path(spec, p) for p in out))


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


def parse_rows(texts: list[str | None], form: str, *, files: int = 1,
               file_names: dict[int, str] | None = None) -> list[ParsedItem]:
    """:func:`parse_item` of the 項目 column of a 変更箇所 table, row by row, where a row may continue the one
    above: a row that does not resolve exactly on its own is read again after the printed parts of the item (or
    heading) the row above resolved to, deepest first ("具体的な管理方法" under "Ⅲ-3 リスク2 ユーザ認証の管理"); such a
    resolution says ``sure == "continuation"``. An empty 項目 (a merged cell) repeats the row above."""
    spec = load_spec(form)
    out: list[ParsedItem] = []
    prev: ParsedItem | None = None
    for text in texts:
        if not (text or "").strip():
            r = (replace(prev, text=text or "", sure="continuation") if prev is not None
                 else ParsedItem(text or "", "unresolved"))
        else:
            r = parse_item(text, form, files=files, file_names=file_names)
            if prev is not None and not (r.resolved and r.sure == "exact") and not _names_section(text, form):
                r = _continued(spec, prev, text, r, files, file_names) or r
        out.append(r)
        prev = r if r.resolved else None
    return out


def _names_section(text: str, form: str) -> bool:
    """Whether ``text`` begins with a section's title ("Ⅱ ファイルの概要 …"): such a row names its own section and
    never continues the row above (reading it after the row above's parts cannot succeed, and costs a search)."""
    s = item_text_key(text)
    return any(s.startswith(e) for e in _section_titles(form))


@lru_cache(maxsize=None)
def _section_titles(form: str) -> tuple[str, ...]:
    out = []
    for node in _trie(form).children:
        if node.kind == "section":
            out += [e for e in (*node.exact, *node.labels) if len(e) >= 4]
    return tuple(dict.fromkeys(out))


def _continued(spec, prev: ParsedItem, text: str, alone: ParsedItem, files: int, file_names) -> ParsedItem | None:
    """``text`` read after the parts of ``prev``'s path, deepest first; None when that reads no better."""
    from .labels import join

    path = prev.path or (prev.paths[0] if prev.paths else None)
    if path is None:
        return None
    file_no, template, slots = split_instance_path(path)
    node = node_for_path(spec, template)
    file = (file_no, (file_names or {}).get(file_no)) if files > 1 and file_no is not None else None
    parts = parts_of(node, slots, file)
    fallback = None
    for k in range(len(parts), 0, -1):
        r = _parse(join(parts[:k]) + " " + text, spec.form, files, file_names, loose=False, several=False)
        if not r.resolved:
            continue
        if r.sure == "exact":
            return replace(r, text=text, sure="continuation")
        fallback = fallback or replace(r, text=text, sure="continuation")
    if fallback is not None and not alone.resolved:
        return fallback
    return None


def resolve_history(doc) -> list[tuple[object, ParsedItem]]:
    """The rows of a document's own 変更箇所 table with what their 項目 names (for reports and checks), rows
    continuing the one above read as such (:func:`parse_rows`)."""
    spec = load_spec(doc.form)
    rows = value_at(doc, spec.role("changes").path) or []
    names = file_names(spec, doc)
    parsed = parse_rows([row.item for row in rows], doc.form, files=len(doc.files), file_names=names)
    return list(zip(rows, parsed))


def resolution_stats(rows: list[tuple[str, str]]) -> dict:
    """For (項目, form) pairs: counts by status (used by the measurement test and script)."""
    stats: dict = {"total": 0, "item": 0, "items": 0, "group": 0, "ambiguous": 0, "unresolved": 0}
    for text, form in rows:
        r = parse_item(text, form)
        stats["total"] += 1
        stats[r.status] += 1
    stats["resolved"] = stats["item"] + stats["items"] + stats["group"]
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
        shown = r.path or " + ".join(r.paths) or (" / ".join(r.candidates[:3]) if r.candidates else "")
        print(f"{r.status:10} {r.sure:12} {text}\t{shown}")
    s = resolution_stats(rows)
    print(f"resolved {s['resolved']}/{s['total']} = {s['fraction']:.1%} (item {s['item']}, group {s['group']}, "
          f"ambiguous {s['ambiguous']}, unresolved {s['unresolved']})")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
