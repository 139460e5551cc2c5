"""Validation reports: Japanese text grouped by sheet, JSON with stable field names, and a 検証結果 sheet written
into a copy of the workbook (or in place) with a link to each cell and the offending cells highlighted.

Highlights are undone before a new run: the very hidden sheet ``検証記録`` remembers every highlighted cell and its
original fill, so clearing restores it (a fill the user changed since is left alone).
"""
from __future__ import annotations

import json
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from ..errors import Issue
from ..spec import FORM_NAMES
from . import Report

if TYPE_CHECKING:
    from openpyxl import Workbook

NO_CELL = "（セル位置なし）"
#: names of the 検証結果 sheet still importable from here; they live in excel.result_sheet, which imports openpyxl
_RESULT_SHEET_NAMES = frozenset({"ERROR_RGB", "FILLS", "RECORD_SHEET", "RESULT_SHEET", "WARNING_RGB",
                                 "clear_annotations"})


def __getattr__(name: str):
    if name in _RESULT_SHEET_NAMES:
        from ..excel import result_sheet  # openpyxl: slow import kept off the cold path (text/JSON reports)

        return getattr(result_sheet, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------------------------------------- text / JSON
def counts_text(report: Report) -> str:
    return f"エラー {len(report.errors)}件、警告 {len(report.warnings)}件"


def render_text(report: Report, name: str | None = None) -> str:
    """Japanese, grouped by sheet in workbook order, one line per finding with its cell address."""
    title = name or (str(report.source) if report.source else "（文書）")
    lines = [f"■ {title}（{FORM_NAMES[report.doc.form]}）: {counts_text(report)}"]
    if not report.findings:
        lines.append("  問題は見つかりませんでした。")
    groups: OrderedDict[str, list[Issue]] = OrderedDict()
    for f in report.findings:
        groups.setdefault(f.sheet or NO_CELL, []).append(f)
    for sheet, items in groups.items():
        lines.append(f"  [{sheet}]")
        for f in items:
            where = f.cell or "-"
            kind = f"［{f.category}］" if f.category else ""
            lines.append(f"    {where:<6} {f.severity} {f.code}{kind} {f.message}")
    return "\n".join(lines) + "\n"


def report_dict(report: Report, name: str | None = None) -> dict:
    return {"file": name or (str(report.source) if report.source else None), "form": report.doc.form,
            "errors": len(report.errors), "warnings": len(report.warnings),
            "findings": [f.to_dict() for f in report.findings]}


def render_json(reports: Iterable[tuple[Report, str | None]], unreadable: Iterable[tuple[str, str]] = ()) -> str:
    """``{"findings": [...], "files": [...], "unreadable": [...]}``; every finding has code, severity, level,
    message, path, sheet, cell, file and category (適合性 / 妥当性)."""
    return render_json_dicts([report_dict(report, name) for report, name in reports], unreadable)


def render_json_dicts(dicts: Iterable[dict], unreadable: Iterable[tuple[str, str]] = ()) -> str:
    """:func:`render_json` from :func:`report_dict` results (what parallel workers send back)."""
    files, findings = [], []
    for d in dicts:
        for f in d["findings"]:
            f["file"] = d["file"]
        findings.extend(d["findings"])
        files.append({k: d[k] for k in ("file", "form", "errors", "warnings")})
    data = {"findings": findings, "files": files,
            "unreadable": [{"file": f, "message": m} for f, m in unreadable]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_across(found: list[Issue], documents: int) -> str:
    """The cross-document findings (``validate --across``) as text, grouped by document."""
    errors = sum(1 for f in found if f.is_error)
    lines = [f"■ 評価書間の照合（{documents}件）: エラー {errors}件、警告 {len(found) - errors}件"]
    if not found:
        lines.append("  問題は見つかりませんでした。")
    groups: OrderedDict[str, list[Issue]] = OrderedDict()
    for f in found:
        groups.setdefault(f.file or "", []).append(f)
    for file, items in groups.items():
        lines.append(f"  [{file}]")
        for f in items:
            lines.append(f"    {f.where:<12} {f.severity} {f.code} {f.message}")
    return "\n".join(lines) + "\n"


def json_findings(d: dict) -> tuple[str, dict]:
    """One file's part of the JSON report, for :class:`JsonStream`: its findings rendered as they appear in the
    ``findings`` list (each with its ``file``), and its row of ``files``. Runs in a worker."""
    for f in d["findings"]:
        f["file"] = d["file"]
    return _list_items(d["findings"], 4), {k: d[k] for k in ("file", "form", "errors", "warnings")}


def _list_items(items: list, n: int) -> str:
    """``items`` as they appear in a JSON list indented by ``n`` (each item's lines, joined by ",\n"): one
    ``json.dumps`` of the list, as an encoder with ``indent`` is built of closures that refer to each other — a
    reference cycle per call, left for the cyclic garbage collector — and its lines moved over."""
    if not items:
        return ""
    text = json.dumps(items, ensure_ascii=False, indent=2)
    return _indented(text[2:-2], n - 2)  # without "[\n" and "\n]"


def _indented(text: str, n: int, first: bool = True) -> str:
    pad = " " * n
    lines = text.split("\n")
    return "\n".join((pad + line) if (i or first) else line for i, line in enumerate(lines))


class JsonStream:
    """The JSON report of :func:`render_json_dicts` written piece by piece: the findings of each file as they
    come (``add``), the small ``files`` and ``unreadable`` lists at the end (``end``). The text is the same,
    byte for byte; only the rows of ``files`` are kept meanwhile."""

    def __init__(self, write):
        self._write = write
        self._files: list[dict] = []
        self._any = False
        write('{\n  "findings": [')

    def add(self, chunk: str, file_row: dict) -> None:
        if chunk:
            self._write((",\n" if self._any else "\n") + chunk)
            self._any = True
        self._files.append(file_row)

    def end(self, unreadable: Iterable[tuple[str, str]] = (), more: Iterable[dict] = ()) -> None:
        """Close the report; ``more`` are findings that come after those of the files (the folder checks of
        ``validate --across``), each a :meth:`Issue.to_dict` with its ``file``."""
        more = list(more)
        if more:
            self._write((",\n" if self._any else "\n") + _list_items(more, 4))
            self._any = True
        tail = "\n  ],\n" if self._any else "],\n"
        rows = [{"file": f, "message": m} for f, m in unreadable]
        self._write(tail + '  "files": ' + _indented(json.dumps(self._files, ensure_ascii=False, indent=2), 2, False)
                    + ',\n  "unreadable": ' + _indented(json.dumps(rows, ensure_ascii=False, indent=2), 2, False)
                    + "\n}\n")


# ---------------------------------------------------------------------------------------------- workbook
def annotate(wb: Workbook, report: Report, *, name: str | None = None) -> None:
    """The 検証結果 sheet of ``report`` written into ``wb`` (see :mod:`pia_excel.excel.result_sheet`)."""
    from ..excel import result_sheet  # openpyxl: slow import kept off the cold path (text/JSON reports)

    result_sheet.annotate(wb, report.findings, title=name or (report.source.name if report.source else ""),
                          summary=f"{FORM_NAMES[report.doc.form]}　{counts_text(report)}")


def write_annotated(report: Report, out: Path, *, source: Path | None = None, name: str | None = None) -> Path:
    """Write ``source`` (a workbook; for JSON/YAML documents a workbook generated from the document) with the
    検証結果 sheet to ``out``, atomically. ``out`` may be ``source`` itself (in place). A workbook is changed only
    in the parts the 検証結果 owns (:func:`pia_excel.excel.result_sheet.annotate_package`); every other part of
    its package is kept byte for byte, and the target is locked while it is read and written."""
    out = Path(out)
    title = name or (source.name if source else None) or (report.source.name if report.source else "")
    if source is not None and source.suffix.lower() in (".xlsx", ".xlsm"):
        from ..excel.package import edit_workbook
        from ..excel.result_sheet import annotate_package

        with edit_workbook(source, out) as pkg:
            annotate_package(pkg, report.findings, title=title,
                             summary=f"{FORM_NAMES[report.doc.form]}　{counts_text(report)}")
        return out
    from ..excel.writer import build_workbook, save_atomic

    wb, _ = build_workbook(report.doc)
    annotate(wb, report, name=name or (source.name if source else None))
    save_atomic(wb, out)
    return out
