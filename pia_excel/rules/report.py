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


# ---------------------------------------------------------------------------------------------- workbook
def annotate(wb: Workbook, report: Report, *, name: str | None = None) -> None:
    """The 検証結果 sheet of ``report`` written into ``wb`` (see :mod:`pia_excel.excel.result_sheet`)."""
    from ..excel import result_sheet  # openpyxl: slow import kept off the cold path (text/JSON reports)

    result_sheet.annotate(wb, report.findings, title=name or (report.source.name if report.source else ""),
                          summary=f"{FORM_NAMES[report.doc.form]}　{counts_text(report)}")


def write_annotated(report: Report, out: Path, *, source: Path | None = None, name: str | None = None) -> Path:
    """Write ``source`` (a workbook; for JSON/YAML documents a workbook generated from the document) with the
    検証結果 sheet to ``out``, atomically. ``out`` may be ``source`` itself (in place)."""
    out = Path(out)
    if source is not None and source.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm", keep_links=True)
    else:
        from ..excel.writer import build_workbook

        wb, _ = build_workbook(report.doc)
    annotate(wb, report, name=name or (source.name if source else None))
    from ..excel.writer import save_atomic

    save_atomic(wb, out)
    return out
