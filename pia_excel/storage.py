"""Documents in files: read and write a 評価書 by the suffix of its path (workbook, JSON or YAML).

The layer between the features (rules, changelog, pdf, export, batch runs) and the formats (excel, models.data).
"""
from __future__ import annotations

import os
from pathlib import Path

from .atomic import write_text
from .errors import InputError, Issue, TemplateError
from .excel.reader import ReadResult, read_workbook
from .models import Document
from .models.data import dump_text, read_data

__all__ = ["WORKBOOK_SUFFIXES", "DATA_SUFFIXES", "load", "save"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
DATA_SUFFIXES = (".json", ".yaml", ".yml")


def load(path: str | os.PathLike) -> ReadResult:
    """Read a workbook (.xlsx/.xlsm) or a JSON/YAML document into its model."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES or suffix == ".xls":
        return read_workbook(path)
    if suffix in DATA_SUFFIXES:
        return ReadResult(doc=read_data(path), source=path)
    raise InputError(f"{path}: 対応していない形式です（.xlsx .xlsm .json .yaml のいずれか）", path=path)


def save(doc: Document, path: str | os.PathLike, *, strict: bool = True) -> list[Issue]:
    """Write ``doc`` to ``path`` (format from the suffix), atomically; returns what could not be placed as given
    (with ``strict``, such content raises :class:`~pia_excel.errors.PlacementError` and nothing is written)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsm":  # macro-enabled, with the Excel buttons
        from .excel.macros import write_xlsm  # writing imports openpyxl: kept off the cold path of reading

        try:
            return write_xlsm(doc, path, strict=strict)
        except TemplateError as e:
            raise InputError(f"{path}: {e}", path=path) from None
    if suffix == ".xlsx":
        from .excel.writer import write_workbook  # (as above)

        return write_workbook(doc, path, strict=strict)
    if suffix in DATA_SUFFIXES:
        write_text(path, dump_text(doc, "json" if suffix == ".json" else "yaml"))
        return []
    raise InputError(f"{path}: 出力形式を拡張子から判断できません（.xlsx .xlsm .json .yaml のいずれか）", path=path)
