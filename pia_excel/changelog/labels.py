"""Printed 項目 paths of items, as written in the 変更箇所 annex.

An item's path is the chain of printed parts from its section down to the item, separated by single spaces:

    "Ⅰ 基本情報 ６．評価実施機関における担当部署 ②所属長の役職名"
    "Ⅱ 特定個人情報ファイルの概要 ５．特定個人情報の提供・移転 移転先1 ①法令上の根拠"
    "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策 ３．特定個人情報の使用 リスク２：権限のない者…リスク その他の措置の内容"
    "表紙 公表日"

Conventions (chosen from the real change logs in ``shared/reference/changelog_rows.tsv``):

- the section as its heading ("Ⅰ 基本情報"); the ※ marks and notes printed beside headings are left out;
- numbered headings with a full-width number and "．" ("６．"), their label without a trailing parenthetical or
  【…】 note ("５．特定個人情報の提供・移転" rather than "…（委託に伴うものを除く。）"), as 札幌市 and the issue's
  examples write them;
- risk headings as printed ("リスク１：目的外の入手が行われるリスク");
- repeat blocks as the group label and the slot number in half-width digits ("移転先1", "システム4");
- the item's own number and label ("②所属長の役職名"), preceded by the item it belongs to when it is a sub-item
  ("③対象となる本人の範囲 その必要性");
- per-file parts carry "（n）<ファイル名>" after the section when the document has more than one file.

The same chain, as :class:`Part` objects, is what :mod:`.parse` matches real (abbreviated) 項目 strings against.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..spec import FormSpec, Item, Section

_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_HALFWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_TRAILING_NOTE = re.compile(r"\s*(?:[（(][^（）()]*[）)]|【[^【】]*】)\s*$")


@dataclass(frozen=True)
class Part:
    """One printed part of an item's path.

    ``kind``: "section", "file", "heading" (numbered "６．…"), "risk" ("リスク１：…"), "group" (an unnumbered or
    circled-number heading grouping rows: "④使用の主体", "再委託"), "repeat" (a block of a repeat group),
    "parent" (the value item a sub-item belongs to) or "item".
    """

    kind: str
    no: str | None  # as printed in the spec ("６．" / "6." / "リスク１：" / "②"), None when unnumbered
    label: str
    node: Item | Section | None = None
    slot: int | None = None  # repeat slot or file number

    @property
    def number(self) -> str | None:
        """The bare number in half-width digits ("6", "2" for リスク２, "②" for circled numbers)."""
        if self.no is None:
            return None
        digits = re.sub(r"\D", "", self.no.translate(_HALFWIDTH))
        if digits:
            return digits
        return self.no.strip() or None

    @property
    def short_label(self) -> str:
        """The label without a trailing parenthetical or 【…】 note."""
        label = self.label
        while True:
            short = _TRAILING_NOTE.sub("", label)
            if short == label or not short:
                return label
            label = short

    @property
    def text(self) -> str:
        if self.kind == "section":
            return _section_text(self.node)
        if self.kind == "file":
            name = re.sub(r"^\s*[（(]\s*[0-9０-９]+\s*[)）]\s*", "", self.label or "")  # "(1)住民基本台帳ファイル"
            return f"（{self.slot}）{name}"
        if self.kind == "heading":
            return f"{self.number.translate(_FULLWIDTH)}．{self.short_label}"
        if self.kind == "risk":
            n = self.number
            head = f"リスク{n.translate(_FULLWIDTH)}：" if n and n.isdecimal() else "リスク："
            return head + self.label
        if self.kind == "repeat":
            return f"{self.label}{self.slot}" if self.slot is not None else self.label
        if self.kind in ("item", "parent") and _is_numbered(self.no):
            return f"{self.number.translate(_FULLWIDTH)}．{self.short_label}"
        return f"{self.no or ''}{self.label}"


def _is_numbered(no: str | None) -> bool:
    """A "1." / "１．" style heading number (as opposed to circled numbers or リスク numbers)."""
    return bool(no) and no[:1] in "0123456789０１２３４５６７８９"


def _section_text(section: Section) -> str:
    text = re.sub(r"\s+", " ", section.heading.replace("\u3000", " ")).strip()
    return re.sub(r"([)）])\s+", r"\1", text)  # "（別添１） 事務の内容" → "（別添１）事務の内容"


def heading_kind(item: Item) -> str:
    no = item.no or ""
    if no.startswith("リスク"):
        return "risk"
    if _is_numbered(no):
        return "heading"
    return "group"


def parts_of(item: Item, slots: dict[str, int] | None = None, file: tuple[int, str | None] | None = None) -> list[Part]:
    """The printed parts of ``item`` from its section down; ``slots`` maps repeat keys to 1-based slots and
    ``file`` is (file number, file name) to name the file of a per-file part (None: single-file document)."""
    slots = slots or {}
    section = item.section
    out = [Part("section", section.no, section.title, section)]
    if file is not None and section.per_file:
        out.append(Part("file", None, file[1] or "", None, file[0]))
    for anc in item.ancestors():
        if anc.kind == "repeat":
            out.append(Part("repeat", None, anc.label, anc, slots.get(anc.key)))
        elif anc.kind == "heading" and not anc.options:
            out.append(Part(heading_kind(anc), anc.no, anc.label, anc))
        else:  # a value item owning sub-items (also a heading with checkboxes: Ⅲ-4 委託しない)
            out.append(Part("parent", anc.no, anc.label, anc))
    if item.kind == "repeat":
        out.append(Part("repeat", None, item.label, item, slots.get(item.key)))
    elif item.kind == "heading" and not item.options:
        out.append(Part(heading_kind(item), item.no, item.label, item))
    elif not _same_as_section(item, section):
        out.append(Part("item", item.no, item.label, item))
    return out


def _same_as_section(item: Item, section: Section) -> bool:
    """Annex items printed as the annex title itself ("（別添２） 特定個人情報ファイル記録項目")."""
    def canon(s: str) -> str:
        return re.sub(r"\s+", "", s)

    return section.no is None and canon(item.label) in (canon(section.title), canon(section.heading))


def join(parts: list[Part]) -> str:
    return " ".join(p.text for p in parts)


def item_label(item: Item, slots: dict[str, int] | None = None,
               file: tuple[int, str | None] | None = None) -> str:
    """The printed 項目 path of ``item`` (or of a heading / repeat block)."""
    return join(parts_of(item, slots, file))


_INSTANCE = re.compile(r"(?:files\[(\d+)\]\.)?(.*)$")
_SLOT = re.compile(r"^(\w+)\[(\d+)\]$")


def split_instance_path(path: str) -> tuple[int | None, str, dict[str, int]]:
    """``"files[2].II.iten_saki[1].iten_konkyo"`` → (2, "II.iten_saki.iten_konkyo", {"iten_saki": 1})."""
    m = _INSTANCE.match(path)
    file_no = int(m.group(1)) if m.group(1) else None
    slots: dict[str, int] = {}
    keys = []
    for seg in m.group(2).split("."):
        sm = _SLOT.match(seg)
        if sm:
            slots[sm.group(1)] = int(sm.group(2))
            keys.append(sm.group(1))
        else:
            keys.append(seg)
    return file_no, ".".join(keys), slots


def node_for_path(spec: FormSpec, template: str) -> Item:
    """The spec node of a template path: value items, and repeat groups (``"II.iten_saki"``)."""
    try:
        return spec.item(template)
    except KeyError:
        pass
    for it in spec.walk():
        if it.kind in ("repeat", "heading") and it.path == template:
            return it
    raise KeyError(template)


def instance_path(node: Item, slots: dict[str, int] | None = None, file_no: int | None = None) -> str:
    """The instance path of a spec node with its repeat slots (and file number for per-file parts)."""
    slots = slots or {}
    segs = []
    chain = [a for a in node.ancestors() if a.kind == "repeat"] + [node]
    for it in chain:
        seg = it.key
        if it.kind == "repeat" and it.key in slots:
            seg += f"[{slots[it.key]}]"
        segs.append(seg)
    path = node.section.key + "." + ".".join(segs)
    if node.section.per_file:
        path = f"files[{file_no or 1}].{path}"
    return path


def label_for_path(spec: FormSpec, path: str, file_names: dict[int, str | None] | None = None) -> str:
    """The 項目 text of an instance path. ``file_names`` (file number → name) is given for documents with
    more than one 特定個人情報ファイル; the file part is left out otherwise."""
    file_no, template, slots = split_instance_path(path)
    node = node_for_path(spec, template)
    file = (file_no, (file_names or {}).get(file_no)) if file_names and file_no is not None else None
    return item_label(node, slots, file)
