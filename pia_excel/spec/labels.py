"""How an item is named: as a 変更箇所 項目 (the printed path of the item) and in a finding ("Ⅱ-4 委託事項2
③委託先名"). The one owner of item names: the change log, the rules and the readers ask here.

Printed 項目 paths
-----------------

An item's path is the chain of printed parts from its section down to the item, separated by single spaces:

    "Ⅰ 基本情報 6. 評価実施機関における担当部署 ②所属長の役職名"                       (重点, 全項目 令和7年5月)
    "Ⅱ 特定個人情報ファイルの概要 ５．特定個人情報の提供・移転 移転先1 ①法令上の根拠"  (全項目 平成30年5月)
    "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策 3. 特定個人情報の使用 リスク2：権限のない者…リスク その他の措置の内容"
    "表紙 公表日"

Conventions (chosen from the real change logs in ``tests/reference/changelog_rows.tsv``):

- the section as its heading ("Ⅰ 基本情報"); the ※ marks and notes printed beside headings are left out;
- numbered headings numbered as the document's edition prints them: "6. " in 重点 (seed 001) and the 令和7年5月
  全項目 (seed 004), "６．" in the 平成30年5月 全項目 (seed 002); their label without a trailing parenthetical
  or 【…】 note ("5. 特定個人情報の提供・移転" rather than "…（委託に伴うものを除く。）"), as 札幌市 writes them;
- risk headings as printed ("リスク1：目的外の入手が行われるリスク", "リスク１：…" in the 平成30年 全項目);
- repeat blocks as the group label and the slot number in half-width digits ("移転先1", "システム4");
- the item's own number and label ("②所属長の役職名"), preceded by the item it belongs to when it is a sub-item
  ("③対象となる本人の範囲 その必要性");
- per-file parts carry "（n）<ファイル名>" after the section when the document has more than one file.

The same chain, as :class:`Part` objects, is what :mod:`pia_excel.spec.parse` matches real (abbreviated) 項目 strings against.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from typing import TYPE_CHECKING

from .paths import file_no as _file_no, instance_path, node_for_path, split_instance_path, template_path
from .text import compact, nfkc, nospace as _nospace

if TYPE_CHECKING:  # pragma: no cover
    from . import FormSpec, Item, Section

__all__ = ["Part", "parts_of", "join", "item_label", "label_for_path", "heading_kind", "section_text",
           "finding_label", "instance_path", "node_for_path", "split_instance_path"]

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
    half: bool = False  # the edition prints heading numbers half-width ("2.", "リスク1：") where the spec has "２．"

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
            return section_text(self.node)
        if self.kind == "file":
            name = re.sub(r"^\s*[（(]\s*[0-9０-９]+\s*[)）]\s*", "", self.label or "")  # "(1)住民基本台帳ファイル"
            return f"（{self.slot}）{name}"
        if self.kind == "heading" or self.kind in ("item", "parent") and _is_numbered(self.no):
            if self.halfwidth:
                return f"{self.number}. {self.short_label}"
            return f"{self.number.translate(_FULLWIDTH)}．{self.short_label}"
        if self.kind == "risk":
            n = self.number
            if not (n and n.isdecimal()):
                return "リスク：" + self.label
            return f"リスク{n if self.halfwidth else n.translate(_FULLWIDTH)}：" + self.label
        if self.kind == "repeat":
            return f"{self.label}{self.slot}" if self.slot is not None else self.label
        return f"{self.no or ''}{self.label}"

    @property
    def halfwidth(self) -> bool:
        """Numbers as the form prints them: half-width where the spec writes them so ("2." in 重点) or the
        edition prints them so (全項目 令和7年5月)."""
        return self.half or bool(self.no) and bool(re.search(r"[0-9]", self.no))


def _is_numbered(no: str | None) -> bool:
    """A "1." / "１．" style heading number (as opposed to circled numbers or リスク numbers)."""
    return bool(no) and no[:1] in "0123456789０１２３４５６７８９"


def section_text(section: "Section") -> str:
    """A section as printed in a 項目 path: "Ⅰ 基本情報", "（別添１）事務の内容"."""
    text = re.sub(r"\s+", " ", section.heading.replace("\u3000", " ")).strip()
    return re.sub(r"([)）])\s+", r"\1", text)  # "（別添１） 事務の内容" → "（別添１）事務の内容"


def heading_kind(item: Item) -> str:
    no = item.no or ""
    if no.startswith("リスク"):
        return "risk"
    if _is_numbered(no):
        return "heading"
    return "group"


def parts_of(item: Item, slots: dict[str, int] | None = None, file: tuple[int, str | None] | None = None,
             half: bool = False) -> list[Part]:
    """The printed parts of ``item`` from its section down; ``slots`` maps repeat keys to 1-based slots and
    ``file`` is (file number, file name) to name the file of a per-file part (None: single-file document);
    ``half``: the edition prints heading numbers half-width."""
    out = _parts(item, slots or {}, file)
    return [replace(p, half=True) for p in out] if half else out


def _parts(item: Item, slots: dict[str, int], file: tuple[int, str | None] | None) -> list[Part]:
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
    return section.no is None and _nospace(item.label) in (_nospace(section.title), _nospace(section.heading))


def join(parts: list[Part]) -> str:
    return " ".join(p.text for p in parts)


def item_label(item: Item, slots: dict[str, int] | None = None,
               file: tuple[int, str | None] | None = None, half: bool = False) -> str:
    """The printed 項目 path of ``item`` (or of a heading / repeat block); ``half``: the document's edition prints
    heading numbers half-width (:attr:`pia_excel.spec.Edition.halfwidth_numbers`)."""
    return join(parts_of(item, slots, file, half))


def label_for_path(spec: FormSpec, path: str, file_names: dict[int, str | None] | None = None,
                   edition: str | None = None) -> str:
    """The 項目 text of an instance path. ``file_names`` (file number → name) is given for documents with
    more than one 特定個人情報ファイル; the file part is left out otherwise. ``edition``: see :func:`item_label`."""
    file_no, template, slots = split_instance_path(path)
    node = node_for_path(spec, template)
    file = (file_no, (file_names or {}).get(file_no)) if file_names and file_no is not None else None
    half = edition is not None and spec.edition(edition).halfwidth_numbers
    return join(parts_of(node, slots, file, half))


# ---------------------------------------------------------------------------------------------- findings
@lru_cache(maxsize=1 << 14)  # the same few hundred paths are named in the findings of every document
def finding_label(spec: "FormSpec", path: str, files: int = 1) -> str:
    """How a reviewer names the item of an instance path in a finding: "Ⅱ-4 委託事項2 ③委託先名（ファイル1）"
    (the file is named when the document has more than one, ``files``). Paths that are no item come back as they
    are."""
    try:
        item = spec.item(template_path(path))
    except KeyError:
        return path
    sec = item.section
    parts = []
    top = item.ancestors()[0] if item.parent is not None else item
    num = nfkc(top.no).rstrip(".") if top.no and top.no[:1] not in "①②③④⑤⑥⑦⑧⑨⑩" else ""
    parts.append(f"{sec.no}-{num}" if sec.no and num else (sec.no or sec.title))
    n = _file_no(path)
    in_file = f"（ファイル{n}）" if n is not None and files > 1 else ""
    if top is item and num:  # a numbered item of its own ("Ⅰ-3 特定個人情報ファイル名")
        return f"{parts[0]} {item.label}" + in_file
    _, _, slots = split_instance_path(path)
    for key, slot in slots.items():
        rep = next((a for a in item.ancestors() if a.kind == "repeat" and a.key == key), None)
        if rep is not None:
            parts.append(f"{rep.label}{slot}")
    for a in item.ancestors()[1:]:
        if a.kind == "heading" and re.match(r"リスク[0-9０-９]", a.no or ""):  # "リスク1", not a lone "リスク"
            parts.append(nfkc(a.no).rstrip(":："))
    if item.kind != "heading" or item.options:
        printed = item.printed.replace("　※", "") if item.printed_label else item.label
        if compact(printed) != compact(parts[0]):  # annexes: the section title is the item's label
            parts.append(printed)
    return " ".join(p for p in parts if p) + in_file
