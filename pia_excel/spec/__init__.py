"""The official forms as data.

One YAML file per form under ``spec/data`` lists every printed item in print order: its number, printed label,
kind, ＜選択肢＞ list, checkbox options, ※ mark and repeat structure. Everything else (models, workbook layout,
reader, change-log labels, the ※ → 事前 suggestion) is derived from these declarations.

Item paths
----------
A *template path* names an item without instance numbers: ``"I.systems.system_name"``. An *instance path*
adds 1-based slot and file numbers as printed on the form: ``"I.systems[2].system_name"``,
``"files[1].II.itaku_jiko[3].itaku_naiyo"``. Headings are layout only and never appear in paths. Every helper
for paths, and the one walk over a document's files and repeat slots, is in :mod:`.paths` (``template_path`` …); how an item is named
in print and in a 変更箇所 table is in :mod:`.labels`.

Roles
-----
Items that code needs to find whatever their key in a form carry a ``role:`` in the YAML (:data:`ROLES`):
``spec.role("file_name")`` is Ⅱ 1.特定個人情報ファイル名 in both forms, ``spec.role("changes")`` the 変更箇所
table (別添2 in 重点, 別添3 in 全項目).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from .packaged import load_yaml

_DATA = Path(__file__).with_name("data")

FORMS = ("juten", "zenkomoku")
FORM_NAMES = {"juten": "重点項目評価書", "zenkomoku": "全項目評価書"}

#: kinds that hold a value in the model
VALUE_KINDS = frozenset({"text", "date", "count", "choice", "checkboxes", "list", "table", "repeat"})

#: role → what it names; every form declares each role on exactly one item (checked on loading)
ROLES = {
    "file_name": "特定個人情報ファイル名 (per file; names the file in labels and reports)",
    "changes": "the 変更箇所 table (別添2 in 重点, 別添3 in 全項目)",
    "shikiichi": "しきい値判断結果",
    "record_items": "the 特定個人情報ファイル記録項目 annex list (per file)",
    "kiso_jisshi_bi": "基礎項目評価の実施日",
    "daisansha_jisshi_bi": "第三者点検の実施日",
}


@dataclass(frozen=True)
class Option:
    """One checkbox of a checkbox list ("[ ○ ] 民間事業者 （ … ）")."""

    label: str
    detail: bool = False  # takes a "（　）" free-text detail
    count: bool = False  # takes a "（　）件" count
    group: str | None = None  # printed sub-group heading (主な記録項目: 識別情報 / 連絡先等情報 / 業務関係情報)


@dataclass(frozen=True)
class Condition:
    """``applies_when`` in the YAML: the item applies only under an answer to another item (the form's "…の場合":
    ⑤再委託の許諾方法 when 再委託する, ②法令上の根拠 when 情報連携を実施する …). It is required only then, and not
    while the other item is unanswered (that item is reported itself)."""

    item: str  # template path of the answering item (same file and repeat block as the dependent item)
    answers: tuple[str, ...] = ()  # applies when the answer is one of these …
    unless: tuple[str, ...] = ()  # … or when it is anything but these (neither: once answered at all)
    why: str = ""  # where the condition comes from (the form's wording, the 規則 / 指針)

    def holds(self, answer) -> bool:
        if answer is None or answer == "":
            return False
        if self.answers:
            return answer in self.answers
        return answer not in self.unless


@dataclass(frozen=True)
class EmptyWhen:
    """``empty_when`` in the YAML, on an answering item: an answer that says there is nothing (しない, 行っていない,
    定めていない, 発生なし, a ticked 提供・移転しない …) makes the items that describe that thing empty."""

    answers: tuple[str, ...] = ()  # choice answers meaning "nothing" …
    tick: int = 0  # … or the 1-based checkbox option that means it (Ⅲ-5 提供・移転しない)
    items: tuple[str, ...] = ()  # template paths that stay empty (same file and repeat block)
    under: tuple[str, ...] = ()  # or every item under these heading keys
    count: bool = False  # the answer's own "（　）件" count stays empty or 0 too
    code: str = "R260"  # the rule that reports it (R202, R205, R213, R231 keep their codes)


@dataclass(frozen=True, eq=False)
class Item:
    key: str
    label: str
    kind: str
    no: str | None = None
    multiline: bool = False
    star: bool = False  # ※ printed right after this label
    important: bool = False  # effective ※: a change is a 重要な変更 (own mark or inherited from a heading)
    choices: tuple[str, ...] = ()
    choice_numbering: str = "half"
    options: tuple[Option, ...] = ()
    count: bool = False  # a choice followed by "（　）件"
    default: str | None = None
    entries: tuple[str, ...] = ()  # printed lines of a static item (項目一覧 …)
    max: int = 0  # repeat slots
    law_reference: bool = False
    printed_label: bool = True
    header: bool = False  # printed on the repeat block's header row ("委託事項1　<名称>")
    role: str | None = None  # what code finds this item by (see ROLES)
    applies_when: Condition | None = None  # required only under an answer to another item
    empty_when: tuple[EmptyWhen, ...] = ()  # negative answers that make other items empty
    src: dict = field(default_factory=dict)
    children: tuple["Item", ...] = ()
    parent: "Item | None" = field(default=None, repr=False)
    section: "Section | None" = field(default=None, repr=False)

    @property
    def has_value(self) -> bool:
        """Holds a value in the model (headings with checkboxes, e.g. Ⅲ-4 委託しない, do too)."""
        return self.kind in VALUE_KINDS or (self.kind == "heading" and bool(self.options))

    @property
    def value_kind(self) -> str:
        return "checkboxes" if self.kind == "heading" and self.options else self.kind

    @property
    def printed(self) -> str:
        """The label as printed, with its number and ※: "①ファイルの種類　※"."""
        no = self.no or ""
        text = f"{no} {self.label}" if no.endswith(".") else f"{no}{self.label}"
        return f"{text}　※" if self.star else text

    @property
    def repeat(self) -> "Item | None":
        """The repeat group this item belongs to (None outside groups)."""
        p = self.parent
        while p is not None:
            if p.kind == "repeat":
                return p
            p = p.parent
        return None

    @property
    def path(self) -> str:
        """Template path, e.g. ``"II.itaku_jiko.itaku_naiyo"``."""
        parts = [self.key]
        p = self.parent
        while p is not None:
            if p.kind == "repeat":
                parts.append(p.key)
            p = p.parent
        parts.append(self.section.key)
        return ".".join(reversed(parts))

    def ancestors(self) -> list["Item"]:
        out = []
        p = self.parent
        while p is not None:
            out.append(p)
            p = p.parent
        return list(reversed(out))

    def walk(self) -> Iterator["Item"]:
        yield self
        for c in self.children:
            yield from c.walk()

    def fields(self) -> list["Item"]:
        """Value items directly owned by this repeat block (headings flattened)."""
        cached = self.__dict__.get("_fields")
        if cached is None:  # computed once: readers and rules ask for every slot of every document
            cached = tuple(_fields(self.children))
            object.__setattr__(self, "_fields", cached)
        return list(cached)


def _fields(items) -> list[Item]:
    out: list[Item] = []
    for it in items:
        if it.has_value:
            out.append(it)
        if it.kind != "repeat":
            out.extend(_fields(it.children))
    return out


@dataclass(frozen=True, eq=False)
class Section:
    key: str
    title: str
    heading: str
    sheet: str  # worksheet name ("(n)" is appended per file)
    no: str | None = None
    per_file: bool = False
    heading_note: str | None = None
    items: tuple[Item, ...] = ()

    def fields(self) -> list[Item]:
        """Value items of the section in print order (headings flattened, repeat groups as one field)."""
        cached = self.__dict__.get("_fields")
        if cached is None:
            cached = tuple(_fields(self.items))
            object.__setattr__(self, "_fields", cached)
        return list(cached)

    def walk(self) -> Iterator[Item]:
        for it in self.items:
            yield from it.walk()

    @property
    def printed(self) -> str:
        return self.heading


@dataclass(frozen=True)
class Edition:
    id: str
    label: str
    stamp: str | None
    evidence: str
    labels: dict = field(default_factory=dict)  # canonical option/label text -> this edition's text
    halfwidth_numbers: bool = False  # headings printed "2." / "リスク1：" where the spec writes "２．" / "リスク１："


@dataclass(frozen=True, eq=False)
class FormSpec:
    form: str
    title: str
    yoshiki: str
    editions: tuple[Edition, ...]
    sections: tuple[Section, ...]

    @property
    def name(self) -> str:
        return FORM_NAMES[self.form]

    @property
    def default_edition(self) -> Edition:
        return self.editions[0]

    def edition(self, edition_id: str | None) -> Edition:
        if edition_id is None:
            return self.default_edition
        for e in self.editions:
            if e.id == edition_id:
                return e
        raise KeyError(f"{self.name}: unknown edition {edition_id!r}; known: {[e.id for e in self.editions]}")

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    @property
    def file_sections(self) -> list[Section]:
        return [s for s in self.sections if s.per_file]

    def walk(self) -> Iterator[Item]:
        for s in self.sections:
            yield from s.walk()

    @property
    def changes_item(self) -> Item:
        """The 変更箇所 table (別添2 in 重点, 別添3 in 全項目)."""
        return self.role("changes")

    @property
    def by_role(self) -> dict[str, Item]:
        """Role → item (see :data:`ROLES`)."""
        cached = self.__dict__.get("_by_role")
        if cached is None:
            cached = {it.role: it for it in self.walk() if it.role}
            object.__setattr__(self, "_by_role", cached)
        return cached

    def role(self, name: str) -> Item:
        """The item with role ``name``: ``spec.role("file_name").path`` → ``"II.II_1"``."""
        try:
            return self.by_role[name]
        except KeyError:
            raise KeyError(f"{self.form}: no item has role {name!r}; roles: {', '.join(ROLES)}") from None

    def item(self, path: str) -> Item:
        """The value item of a template path (KeyError when there is none)."""
        return self._by_path()[path]

    @lru_cache(maxsize=None)
    def _by_path(self) -> dict[str, Item]:
        out = {}
        for it in self.walk():
            if it.has_value:
                if it.path in out:
                    raise ValueError(f"{self.form}: duplicate item path {it.path}")
                out[it.path] = it
        return out

    def value_items(self) -> list[Item]:
        return list(self._by_path().values())


def _option(d: dict) -> Option:
    return Option(label=d["label"], detail=bool(d.get("detail")), count=bool(d.get("count")), group=d.get("group"))


def _condition(d: dict) -> Condition:
    return Condition(item=d["item"], answers=tuple(d.get("answers") or ()), unless=tuple(d.get("unless") or ()),
                     why=d.get("why", ""))


def _empty_when(d: dict) -> EmptyWhen:
    return EmptyWhen(answers=tuple(d.get("answers") or ()), tick=int(d.get("tick") or 0),
                     items=tuple(d.get("items") or ()), under=(d["under"],) if isinstance(d.get("under"), str) else tuple(d.get("under") or ()), count=bool(d.get("count")),
                     code=d.get("code", "R260"))


def _item(d: dict) -> Item:
    kids = tuple(_item(c) for c in d.get("children") or ())
    it = Item(
        key=d["key"], label=d["label"], kind=d["kind"], no=d.get("no"), multiline=bool(d.get("multiline")),
        star=bool(d.get("star")), important=bool(d.get("important")), choices=tuple(d.get("choices") or ()),
        choice_numbering=d.get("choice_numbering", "half"),
        options=tuple(_option(o) for o in d.get("options") or ()), count=bool(d.get("count")),
        default=d.get("default"), entries=tuple(d.get("entries") or ()), max=int(d.get("max") or 0), law_reference=bool(d.get("law_reference")),
        printed_label=d.get("printed_label", True), header=bool(d.get("header")), role=d.get("role"),
        applies_when=_condition(d["applies_when"]) if d.get("applies_when") else None,
        empty_when=tuple(_empty_when(e) for e in d.get("empty_when") or ()), src=dict(d.get("src") or {}), children=kids,
    )
    for k in kids:
        object.__setattr__(k, "parent", it)
    return it


def _set_section(item: Item, section: Section) -> None:
    object.__setattr__(item, "section", section)
    for c in item.children:
        _set_section(c, section)


@lru_cache(maxsize=None)
def load_spec(form: str) -> FormSpec:
    if form not in FORMS:
        raise KeyError(f"unknown form {form!r}; known: {', '.join(FORMS)}")
    d = load_yaml(_DATA / f"{form}.yaml")
    sections = []
    for s in d["sections"]:
        sec = Section(key=s["key"], title=s["title"], heading=s["heading"], sheet=s["sheet"], no=s.get("no"),
                      per_file=bool(s.get("per_file")), heading_note=s.get("heading_note"),
                      items=tuple(_item(i) for i in s["items"]))
        for it in sec.items:
            _set_section(it, sec)
        sections.append(sec)
    editions = tuple(Edition(id=e["id"], label=e["label"], stamp=e.get("stamp"), evidence=e.get("evidence", ""),
                             labels=dict(e.get("labels") or {}),
                             halfwidth_numbers=bool(e.get("halfwidth_numbers"))) for e in d["editions"])
    spec = FormSpec(form=d["form"], title=d["title"], yoshiki=d["yoshiki"], editions=editions,
                    sections=tuple(sections))
    spec.value_items()  # fail early on duplicate paths
    _check_roles(spec)
    _check_conditions(spec)
    return spec


def _check_roles(spec: FormSpec) -> None:
    seen: dict[str, str] = {}
    for it in spec.walk():
        if it.role is None:
            continue
        if it.role not in ROLES:
            raise ValueError(f"{spec.form}: {it.path}: unknown role {it.role!r}; known: {', '.join(ROLES)}")
        if it.role in seen:
            raise ValueError(f"{spec.form}: role {it.role!r} on both {seen[it.role]} and {it.path}")
        seen[it.role] = it.path
    missing = [r for r in ROLES if r not in seen]
    if missing:
        raise ValueError(f"{spec.form}: no item has role {', '.join(missing)}")



def _check_conditions(spec: FormSpec) -> None:
    """``applies_when`` and ``empty_when`` name items of the form and answers among their ＜選択肢＞."""
    for it in spec.walk():
        c = it.applies_when
        if c is not None:
            other = spec.item(c.item)  # KeyError names the path
            bad = [a for a in c.answers + c.unless if a not in other.choices]
            if bad or (c.answers and c.unless):
                raise ValueError(f"{spec.form}: {it.path}: applies_when: give answers or unless among "
                                 f"{other.choices} (got {bad or 'both'})")
        for e in it.empty_when:
            bad = [a for a in e.answers if a not in it.choices]
            if e.tick and not 0 < e.tick <= len(it.options):
                bad.append(f"tick {e.tick}")
            for t in e.items:
                spec.item(t)
            if bad or not (e.items or e.under):
                raise ValueError(f"{spec.form}: {it.path}: empty_when: {bad or 'no items'}")
