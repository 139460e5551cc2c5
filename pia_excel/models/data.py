"""A document as plain data: JSON/YAML text in and out (filled values only, ``form`` and ``edition`` first)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import InputError
from . import Document, parse_document

__all__ = ["to_data", "dump_text", "read_data"]


def to_data(doc: Document) -> dict[str, Any]:
    """The document as plain JSON data: filled values only, always starting with form and edition."""
    data = doc.model_dump(mode="json", exclude_defaults=True)
    return {"form": doc.form, "edition": doc.edition, **data}


def _yaml():
    import yaml  # kept off the cold path of workbook commands

    return yaml


_DUMPER = None


def _dumper():
    global _DUMPER
    if _DUMPER is None:
        yaml = _yaml()

        class Dumper(yaml.SafeDumper):
            pass

        def str_repr(dumper, value: str):
            style = "|" if "\n" in value else None
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

        Dumper.add_representer(str, str_repr)
        _DUMPER = Dumper
    return _DUMPER


def dump_text(doc: Document, fmt: str) -> str:
    """JSON (``fmt="json"``) or YAML text of the document."""
    data = to_data(doc)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return _yaml().dump(data, Dumper=_dumper(), allow_unicode=True, sort_keys=False, width=10_000)


def read_data(path: Path) -> Document:
    """Read a JSON or YAML document file into its model; :class:`InputError` naming the file otherwise."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: ファイルがありません", path=path) from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: UTF-8 のテキストではありません", path=path) from None
    kind = path.suffix[1:].upper()
    try:
        if path.suffix.lower() == ".json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError as e:
                raise InputError(f"{path}: JSON として読めません（{e}）", path=path) from None
        else:
            yaml = _yaml()
            try:
                data = yaml.safe_load(text)
            except yaml.YAMLError as e:
                raise InputError(f"{path}: {kind} として読めません（{e}）", path=path) from None
    except RecursionError:
        raise InputError(f"{path}: {kind} の入れ子が深すぎます（評価書のデータではありません）", path=path) from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: 評価書のデータ（オブジェクト）ではありません", path=path)
    bad = _unencodable(data)
    if bad is not None:  # "\ud800" escapes: no workbook or file could hold such a text
        where, char = bad
        raise InputError(f"{path}: {where or '(最上位)'}: 文字として不正な値（U+{ord(char):04X}、対になっていないサロゲート）"
                         "が含まれています", path=path)
    from pydantic import ValidationError

    try:
        return parse_document(data)
    except ValidationError as e:
        lines = [f"{path}: {_loc(err['loc'])}: {err['msg']}" for err in e.errors()[:20]]
        raise InputError("\n".join(lines), path=path) from None
    except ValueError as e:
        raise InputError(f"{path}: {e}", path=path) from None


def _unencodable(data: Any, where: str = "") -> tuple[str, str] | None:
    """The place and character of the first lone surrogate (from a JSON ``\\ud800`` escape) in ``data``."""
    try:
        json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
        return None
    except UnicodeEncodeError:
        pass
    except (ValueError, TypeError, RecursionError):
        return None  # not JSON-like (circular YAML anchors …): the model says what is wrong

    def walk(node: Any, at: str) -> tuple[str, str] | None:
        if isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError as e:
                return at, node[e.start]
        elif isinstance(node, dict):
            for k, v in node.items():
                found = walk(k, at) or walk(v, f"{at}.{k}" if at else str(k))
                if found:
                    return found
        elif isinstance(node, list):
            for i, v in enumerate(node, start=1):
                found = walk(v, f"{at}[{i}]")
                if found:
                    return found
        return None

    return walk(data, where)


def _loc(loc) -> str:
    out = ""
    for p in loc:
        out += f"[{p + 1}]" if isinstance(p, int) else ("." if out else "") + str(p)
    return out
