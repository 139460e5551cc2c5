"""The official forms as data.

One YAML file per form under ``spec/data`` lists every printed item in print order: its number, printed label,
kind, ＜選択肢＞ list, checkbox options, ※ mark and repeat structure. Everything else (models, workbook layout,
reader, change-log labels, the ※ → 事前 suggestion) is derived from these declarations.

Item paths
----------
A *template path* names an item without instance numbers: ``"I.systems.system_name"``. An *instance path*
adds 1-based slot and file numbers as printed on the form: ``"I.systems[2].system_name"``,
``"files[1].II.itaku_jiko[3].itaku_naiyo"``. Headings are layout only and never appear in paths.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Iterator

import yaml

#: libyaml's parser when PyYAML was built with it (about 5x faster on the spec files than the pure-Python one)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FORMS = ("juten", "zenkomoku")
FORM_NAMES = {"juten": "重点項目評価書", "zenkomoku": "全項目評価書"}

#: kinds that hold a value in the model
VALUE_KINDS = frozenset({"text", "date", "count", "choice", "checkboxes", "list", "table", "repeat"})


@dataclass(frozen=True)
class Option:
    """One checkbox of a checkbox list ("[ ○ ] 民間事業者 （ … ）")."""

    label: str
    detail: bool = False  # takes a "（　）" free-text detail
    count: bool = False  # takes a "（　）件" count
    group: str | None = None  # printed sub-group heading (主な記録項目: 識別情報 / 連絡先等情報 / 業務関係情報)


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
        return next(it for it in self.walk() if it.kind == "table")

    def item(self, template_path: str) -> Item:
        return self._by_path()[template_path]

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


def _item(d: dict) -> Item:
    kids = tuple(_item(c) for c in d.get("children") or ())
    it = Item(
        key=d["key"], label=d["label"], kind=d["kind"], no=d.get("no"), multiline=bool(d.get("multiline")),
        star=bool(d.get("star")), important=bool(d.get("important")), choices=tuple(d.get("choices") or ()),
        choice_numbering=d.get("choice_numbering", "half"),
        options=tuple(_option(o) for o in d.get("options") or ()), count=bool(d.get("count")),
        default=d.get("default"), entries=tuple(d.get("entries") or ()), max=int(d.get("max") or 0), law_reference=bool(d.get("law_reference")),
        printed_label=d.get("printed_label", True), header=bool(d.get("header")), src=dict(d.get("src") or {}), children=kids,
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
    text = resources.files(__package__).joinpath("data", f"{form}.yaml").read_text(encoding="utf-8")
    d = yaml.load(text, Loader=_YAML_LOADER)
    sections = []
    for s in d["sections"]:
        sec = Section(key=s["key"], title=s["title"], heading=s["heading"], sheet=s["sheet"], no=s.get("no"),
                      per_file=bool(s.get("per_file")), heading_note=s.get("heading_note"),
                      items=tuple(_item(i) for i in s["items"]))
        for it in sec.items:
            _set_section(it, sec)
        sections.append(sec)
    editions = tuple(Edition(id=e["id"], label=e["label"], stamp=e.get("stamp"), evidence=e.get("evidence", ""),
                             labels=dict(e.get("labels") or {})) for e in d["editions"])
    spec = FormSpec(form=d["form"], title=d["title"], yoshiki=d["yoshiki"], editions=editions,
                    sections=tuple(sections))
    spec.value_items()  # fail early on duplicate paths
    return spec


_INDEX = re.compile(r"\[(\d+)\]")


def template_path(instance_path: str) -> str:
    """``"files[1].II.itaku_jiko[3].itaku_naiyo"`` → ``"II.itaku_jiko.itaku_naiyo"``."""
    p = _INDEX.sub("", instance_path)
    return p[len("files."):] if p.startswith("files.") else p
