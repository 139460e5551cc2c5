"""The library's verbs. The CLI (``cli.py``) and the Excel buttons (``xl.py``) are thin layers over these."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .atomic import write_text
from .excel.reader import ReadIssue, ReadResult, WorkbookError, read_workbook
from .excel.writer import Problem, write_workbook
from .models import DOCUMENTS, Document, new_document, parse_document

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
DATA_SUFFIXES = (".json", ".yaml", ".yml")

__all__ = ["InputError", "ReadIssue", "ReadResult", "WorkbookError", "load", "new", "save", "to_data",
           "json_schema", "dump_text"]


class InputError(Exception):
    """An input that cannot be used; the message names the file (one line per problem)."""


def new(form: str, files: int = 1, edition: str | None = None) -> Document:
    if not 1 <= files <= 99:
        raise InputError(f"特定個人情報ファイルの数は1～99で指定してください（{files}）")
    return new_document(form, files=files, edition=edition)


def load(path: str | os.PathLike) -> ReadResult:
    """Read a workbook (.xlsx/.xlsm) or a JSON/YAML document into its model."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES or suffix == ".xls":
        return read_workbook(path)
    if suffix in DATA_SUFFIXES:
        return ReadResult(doc=_load_data(path), source=path)
    raise InputError(f"{path}: 対応していない形式です（.xlsx .xlsm .json .yaml のいずれか）")


def _load_data(path: Path) -> Document:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: ファイルがありません") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: UTF-8 のテキストではありません") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as e:
        raise InputError(f"{path}: {path.suffix[1:].upper()} として読めません（{e}）") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: 評価書のデータ（オブジェクト）ではありません")
    try:
        return parse_document(data)
    except ValueError as e:
        if isinstance(e, ValidationError):
            lines = [f"{path}: {_loc(err['loc'])}: {err['msg']}" for err in e.errors()[:20]]
            raise InputError("\n".join(lines)) from None
        raise InputError(f"{path}: {e}") from None


def _loc(loc) -> str:
    out = ""
    for p in loc:
        out += f"[{p + 1}]" if isinstance(p, int) else ("." if out else "") + str(p)
    return out


def to_data(doc: Document) -> dict[str, Any]:
    """The document as plain JSON data: filled values only, always starting with form and edition."""
    data = doc.model_dump(mode="json", exclude_defaults=True)
    return {"form": doc.form, "edition": doc.edition, **data}


class _Dumper(yaml.SafeDumper):
    pass


def _str_repr(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_repr)


def dump_text(doc: Document, fmt: str) -> str:
    data = to_data(doc)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)


def save(doc: Document, path: str | os.PathLike, *, strict: bool = True) -> list[Problem]:
    """Write ``doc`` to ``path`` (format from the suffix), atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        if suffix == ".xlsm":  # macro-enabled, with the Excel buttons (templates.py)
            from .templates import TemplateError, write_xlsm

            try:
                return write_xlsm(doc, path, strict=strict)
            except TemplateError as e:
                raise InputError(f"{path}: {e}") from None
        return write_workbook(doc, path, strict=strict)
    if suffix in DATA_SUFFIXES:
        text = dump_text(doc, "json" if suffix == ".json" else "yaml")
        write_text(path, text)
        return []
    raise InputError(f"{path}: 出力形式を拡張子から判断できません（.xlsx .json .yaml のいずれか）")


def json_schema(form: str) -> dict:
    if form not in DOCUMENTS:
        raise InputError(f"未知の様式です: {form}")
    return DOCUMENTS[form].model_json_schema()
