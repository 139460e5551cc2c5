"""Item paths, and the one walk over a document's files and repeat slots.

A *template path* names an item without instance numbers: ``"I.systems.system_name"``,
``"II.itaku_jiko.itaku_naiyo"``. An *instance path* adds 1-based slot and file numbers as printed on the form:
``"I.systems[2].system_name"``, ``"files[1].II.itaku_jiko[3].itaku_naiyo"``. A checkbox option's cells add an
option suffix (``".o2"``, ``".o2.detail"``, ``".o2.count"``); headings are layout only and never appear in paths.

Everything here works on the spec (:mod:`pia_excel.spec`) and on documents by attribute access only, so that it
sits below the models.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, Iterator

if TYPE_CHECKING:  # pragma: no cover
    from . import FormSpec, Item

#: the key of the list of 特定個人情報ファイル in a document and in instance paths
FILES = "files"

_INDEX = re.compile(r"\[(\d+)\]")
_INSTANCE = re.compile(r"(?:files\[(\d+)\]\.)?(.*)$")
_SLOT = re.compile(r"^(\w+)\[(\d+)\]$")
_FILE = re.compile(r"^files\[(\d+)\]")
_OPTION = re.compile(r"^(?P<path>.+?)\.o(?P<index>\d+)(?:\.(?P<part>detail|count))?$")
_PARTS = re.compile(r"[^.\[\]]+|\[\d+\]")


# ---------------------------------------------------------------------------------------------- strings
@lru_cache(maxsize=1 << 16)  # the rules ask for the same few thousand paths of every document
def template_path(instance_path: str) -> str:
    """``"files[1].II.itaku_jiko[3].itaku_naiyo"`` → ``"II.itaku_jiko.itaku_naiyo"``."""
    p = _INDEX.sub("", instance_path)
    return p[len("files."):] if p.startswith("files.") else p


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


def file_prefix(n: int) -> str:
    """The instance-path prefix of file ``n`` (1-based): ``"files[2]"``."""
    return f"{FILES}[{n}]"


def file_no(path: str) -> int | None:
    """The file number of a per-file instance path (``"files[2].II.II_1"`` → 2), None outside files."""
    m = _FILE.match(path)
    return int(m.group(1)) if m else None


def join(prefix: str, key: str, slot: int | None = None) -> str:
    """``join("files[1].II", "itaku_jiko", 3)`` → ``"files[1].II.itaku_jiko[3]"``."""
    path = f"{prefix}.{key}" if prefix else key
    return f"{path}[{slot}]" if slot is not None else path


def split_option(path: str) -> tuple[str, int | None, str]:
    """``"files[1].II.nyushu_moto.o3.detail"`` → ("files[1].II.nyushu_moto", 3, "detail"); paths without an
    option suffix → (path, None, "")."""
    m = _OPTION.match(path)
    if not m:
        return path, None, ""
    return m.group("path"), int(m.group("index")), m.group("part") or ""


def option_path(path: str, index: int, part: str = "") -> str:
    """The path of a checkbox option's cell: ``option_path("II.nyushu_moto", 3, "detail")`` →
    ``"II.nyushu_moto.o3.detail"``."""
    return f"{path}.o{index}" + (f".{part}" if part else "")


# ---------------------------------------------------------------------------------------------- spec nodes
def node_for_path(spec: "FormSpec", template: str) -> "Item":
    """The spec node of a template path: value items, and repeat groups and headings (``"II.iten_saki"``)."""
    try:
        return spec.item(template)
    except KeyError:
        pass
    for it in spec.walk():
        if it.kind in ("repeat", "heading") and it.path == template:
            return it
    raise KeyError(template)


def instance_path(node: "Item", slots: dict[str, int] | None = None, file_no: int | None = None) -> str:
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
        path = f"{file_prefix(file_no or 1)}.{path}"
    return path


# ---------------------------------------------------------------------------------------------- documents
def files(doc: Any) -> Iterator[tuple[int, str, Any]]:
    """(file number, instance-path prefix, file model) of each 特定個人情報ファイル: (1, "files[1]", …)."""
    for n, f in enumerate(getattr(doc, FILES), start=1):
        yield n, file_prefix(n), f


def section_models(spec: "FormSpec", doc: Any, *, sections: Iterable[str] | None = None
                   ) -> Iterator[tuple[Any, str, Any]]:
    """(section, instance-path prefix, section model) in print order, per-file sections once per file
    ("II", "files[1].II", …) right where the form prints them."""
    want = set(sections) if sections is not None else None
    for sec in spec.sections:
        if want is not None and sec.key not in want:
            continue
        if sec.per_file:
            for _, prefix, f in files(doc):
                yield sec, f"{prefix}.{sec.key}", getattr(f, sec.key)
        else:
            yield sec, sec.key, getattr(doc, sec.key)


def walk_fields(items: Iterable["Item"], model: Any, prefix: str) -> Iterator[tuple[str, "Item", Any]]:
    """(instance path, item, value) of ``items`` in ``model`` and of every existing repeat block below them."""
    for it in items:
        path = f"{prefix}.{it.key}"
        value = getattr(model, it.key, None)
        if it.kind == "repeat":
            for n, block in enumerate(value or [], start=1):
                yield from walk_fields(it.fields(), block, f"{path}[{n}]")
        else:
            yield path, it, value


def walk(spec: "FormSpec", doc: Any, *, sections: Iterable[str] | None = None
         ) -> Iterator[tuple[str, "Item", Any]]:
    """(instance path, item, value) of every value item of ``doc`` in print order: every file, every repeat
    block that exists. ``sections`` limits the walk to these section keys."""
    for sec, prefix, model in section_models(spec, doc, sections=sections):
        yield from walk_fields(sec.fields(), model, prefix)


@lru_cache(maxsize=1 << 16)
def _steps(path: str) -> tuple[str | int, ...]:
    """The steps of an instance path: attribute names, and 0-based list indexes ("[2]" → 1). Cached: the same
    paths are asked for in every document."""
    return tuple(int(part[1:-1]) - 1 if part.startswith("[") else part for part in _PARTS.findall(path))


def value_at(doc: Any, path: str) -> Any:
    """The model value at an instance path (None when the path does not exist)."""
    node: Any = doc
    for step in _steps(path):
        if step.__class__ is int:
            if not isinstance(node, list) or not 0 <= step < len(node):
                return None
            node = node[step]
        else:
            node = getattr(node, step, None)
            if node is None:
                return None
    return node


def role_value(spec: "FormSpec", model: Any, role: str) -> Any:
    """The value of the item with ``role`` in ``model``: a document for document-wide items, one file model
    (``doc.files[n - 1]``) for per-file items."""
    item = spec.role(role)
    section = getattr(model, item.section.key, None)
    return None if section is None else getattr(section, item.key, None)


def file_name(spec: "FormSpec", doc: Any, n: int) -> str | None:
    """The 特定個人情報ファイル名 of file ``n`` (1-based) of ``doc``, None when missing or blank."""
    fs = getattr(doc, FILES)
    if not 1 <= n <= len(fs):
        return None
    return role_value(spec, fs[n - 1], "file_name") or None


def file_names(spec: "FormSpec", doc: Any) -> dict[int, str | None]:
    """File number → 特定個人情報ファイル名 of every file of ``doc``."""
    return {n: role_value(spec, f, "file_name") for n, _, f in files(doc)}


# ---------------------------------------------------------------------------------------------- selectors
#: what a selector may be (rules declare what they read with these; see :func:`select`)
SELECTOR_HELP = ('a template path ("II.itaku_umu", "files.II.itaku_jiko"), a node with everything below it '
                 '("III.III_4.*", "II.*", "files.*"), "*" (every item), "kind:<kind>", "role:<role>", "important" '
                 '(※ items) or "options:detail" / "options:count" (checkbox lists with a （　） detail or count)')


def select(spec: "FormSpec", selector: str) -> list["Item"]:
    """The value items of ``spec`` a selector names, in print order (empty when the form has none of them).

    Raises ValueError for a selector that is malformed or names a role or kind the spec does not know; a path
    that is not in this form gives an empty list (a rule may read an item of one form only)."""
    items = spec.value_items()
    if selector == "*":
        return items
    if selector == "important":
        return [it for it in items if it.important]
    head, sep, arg = selector.partition(":")
    if sep:
        if head == "kind":
            known = {it.value_kind for it in items}
            if arg not in known:
                raise ValueError(f"unknown kind in selector {selector!r}; known: {', '.join(sorted(known))}")
            return [it for it in items if it.value_kind == arg]
        if head == "role":
            try:
                return [spec.role(arg)]
            except KeyError as e:
                raise ValueError(str(e.args[0])) from None
        if head == "options" and arg in ("detail", "count"):
            return [it for it in items if any(getattr(o, arg) for o in it.options)]
        raise ValueError(f"unknown selector {selector!r}: {SELECTOR_HELP}")
    if selector == "files.*":
        return [it for it in items if it.section.per_file]
    path = selector[len("files."):] if selector.startswith("files.") else selector
    below = path.endswith(".*")
    if below:
        path = path[:-2]
    if not path or not all(seg.isidentifier() for seg in path.split(".")):
        raise ValueError(f"malformed selector {selector!r}: {SELECTOR_HELP}")
    if below and "." not in path:  # a whole section
        return [it for it in items if it.section.key == path]
    try:
        node = node_for_path(spec, path)
    except KeyError:
        return []
    if not below:
        return [node] if node.has_value else [it for it in node.walk() if it.has_value]
    under = {id(it) for it in node.walk() if it is not node}
    return [it for it in items if id(it) in under]
