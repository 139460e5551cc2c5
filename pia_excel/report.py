"""Validation reports: Japanese text grouped by sheet, JSON with stable field names, and a 検証結果 sheet written
into a copy of the workbook (or in place) with a link to each cell and the offending cells highlighted.

Highlights are undone before a new run: the very hidden sheet ``検証記録`` remembers every highlighted cell and its
original fill, so clearing restores it (a fill the user changed since is left alone).
"""
from __future__ import annotations

import json
from collections import OrderedDict
from pathlib import Path
from typing import Iterable

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.fills import Fill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.xml.functions import fromstring, tostring

from .excel.writer import save_atomic
from .rules import ERROR, WARNING, Finding, Report
from .spec import FORM_NAMES

RESULT_SHEET = "検証結果"
RECORD_SHEET = "検証記録"
ERROR_RGB = "FFFFC7CE"
WARNING_RGB = "FFFFEB9C"
FILLS = {ERROR: PatternFill("solid", fgColor=ERROR_RGB, bgColor=ERROR_RGB),
         WARNING: PatternFill("solid", fgColor=WARNING_RGB, bgColor=WARNING_RGB)}
FONT = "Yu Gothic"
NO_CELL = "（セル位置なし）"


# ---------------------------------------------------------------------------------------------- text / JSON
def counts_text(report: Report) -> str:
    return f"エラー {len(report.errors)}件、警告 {len(report.warnings)}件"


def render_text(report: Report, name: str | None = None) -> str:
    """Japanese, grouped by sheet in workbook order, one line per finding with its cell address."""
    title = name or (str(report.source) if report.source else "（文書）")
    lines = [f"■ {title}（{FORM_NAMES[report.doc.form]}）: {counts_text(report)}"]
    if not report.findings:
        lines.append("  問題は見つかりませんでした。")
    groups: OrderedDict[str, list[Finding]] = OrderedDict()
    for f in report.findings:
        groups.setdefault(f.sheet or NO_CELL, []).append(f)
    for sheet, items in groups.items():
        lines.append(f"  [{sheet}]")
        for f in items:
            where = f.cell or "-"
            lines.append(f"    {where:<6} {f.severity} {f.code} {f.message}")
    return "\n".join(lines) + "\n"


def report_dict(report: Report, name: str | None = None) -> dict:
    return {"file": name or (str(report.source) if report.source else None), "form": report.doc.form,
            "errors": len(report.errors), "warnings": len(report.warnings),
            "findings": [f.to_dict() for f in report.findings]}


def render_json(reports: Iterable[tuple[Report, str | None]], unreadable: Iterable[tuple[str, str]] = ()) -> str:
    """``{"findings": [...], "files": [...], "unreadable": [...]}``; every finding has code, severity, level,
    message, path, sheet, cell and file."""
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
def _fill_xml(fill) -> str:
    return tostring(fill.to_tree()).decode("utf-8")


def _fill_from_xml(text: str):
    return Fill.from_tree(fromstring(text))


def _is_our_fill(fill) -> bool:
    rgb = getattr(getattr(fill, "fgColor", None), "rgb", None)
    return getattr(fill, "fill_type", None) == "solid" and rgb in (ERROR_RGB, WARNING_RGB)


def clear_annotations(wb: Workbook) -> int:
    """Remove an earlier run's 検証結果 sheet and restore the fills it highlighted; returns the cells restored."""
    restored = 0
    if RECORD_SHEET in wb.sheetnames:
        rec = wb[RECORD_SHEET]
        for sheet, ref, xml in rec.iter_rows(min_row=2, max_col=3, values_only=True):
            if not sheet or sheet not in wb.sheetnames or not ref:
                continue
            cell = wb[sheet][ref]
            if _is_our_fill(cell.fill):  # the user did not recolour it since
                cell.fill = _fill_from_xml(xml) if xml else PatternFill()
                restored += 1
        wb.remove(rec)
    if RESULT_SHEET in wb.sheetnames:
        # cleared in place, not removed: in the macro-enabled templates this sheet carries buttons
        ws = wb[RESULT_SHEET]
        for row in ws.iter_rows():
            for cell in row:
                cell.value = None
                cell.hyperlink = None
                cell.fill = PatternFill()
                cell.font = Font(name=FONT)
        ws._hyperlinks = []
    return restored


def annotate(wb: Workbook, report: Report, *, name: str | None = None) -> None:
    """Clear earlier annotations, then write the 検証結果 sheet (first, active) and highlight offending cells."""
    clear_annotations(wb)
    rec = wb.create_sheet(RECORD_SHEET)
    rec.append(["sheet", "cell", "original_fill"])
    rec.sheet_state = "veryHidden"
    done: dict[tuple[str, str], str] = {}
    for f in report.findings:
        if not (f.sheet and f.cell) or f.sheet not in wb.sheetnames:
            continue
        key = (f.sheet, f.cell)
        prev = done.get(key)
        if prev == ERROR or prev == f.severity:
            continue
        cell = wb[f.sheet][f.cell]
        if prev is None:
            rec.append([f.sheet, f.cell, _fill_xml(cell.fill)])
        cell.fill = FILLS[f.severity]  # an error outranks a warning on the same cell
        done[key] = f.severity

    ws = wb[RESULT_SHEET] if RESULT_SHEET in wb.sheetnames else wb.create_sheet(RESULT_SHEET, 0)
    bold = Font(name=FONT, bold=True)
    normal = Font(name=FONT)
    link = Font(name=FONT, color="FF0563C1", underline="single")
    ws["A1"] = f"検証結果: {name or (report.source.name if report.source else '')}"
    ws["A1"].font = Font(name=FONT, bold=True, size=13)
    ws["A2"] = f"{FORM_NAMES[report.doc.form]}　{counts_text(report)}（セル番地をクリックするとその場所へ移動します）"
    ws["A2"].font = normal
    heads = ("No", "重要度", "コード", "シート", "セル", "内容", "項目パス")
    for col, h in enumerate(heads, start=1):
        c = ws.cell(row=4, column=col, value=h)
        c.font = bold
        c.fill = PatternFill("solid", fgColor="FFD9E1F2")
    for i, f in enumerate(report.findings, start=1):
        r = 4 + i
        values = (i, f.severity, f.code, f.sheet or "", f.cell or "", f.message, f.path or "")
        for col, v in enumerate(values, start=1):
            c = ws.cell(row=r, column=col, value=v)
            c.font = normal
            c.alignment = Alignment(wrap_text=col == 6, vertical="top")
            if isinstance(v, str):
                c.data_type = "s"
        ws.cell(row=r, column=2).fill = FILLS[f.severity]
        if f.sheet and f.cell and f.sheet in wb.sheetnames:
            c = ws.cell(row=r, column=5)
            target = "'" + f.sheet.replace("'", "''") + "'!" + f.cell
            c.hyperlink = Hyperlink(ref=c.coordinate, location=target, display=f.cell)
            c.font = link
    if not report.findings:
        ws.cell(row=5, column=1, value="問題は見つかりませんでした。").font = normal
    for col, w in zip("ABCDEFG", (5, 8, 7, 22, 8, 80, 40)):
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "A5"
    for other in wb.worksheets:
        other.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    wb.active = wb.sheetnames.index(RESULT_SHEET)


def write_annotated(report: Report, out: Path, *, source: Path | None = None, name: str | None = None) -> Path:
    """Write ``source`` (a workbook; for JSON/YAML documents a workbook generated from the document) with the
    検証結果 sheet to ``out``, atomically. ``out`` may be ``source`` itself (in place)."""
    out = Path(out)
    if source is not None and source.suffix.lower() in (".xlsx", ".xlsm"):
        wb = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm", keep_links=True)
    else:
        from .excel.writer import build_workbook

        wb, _ = build_workbook(report.doc)
    annotate(wb, report, name=name or (source.name if source else None))
    save_atomic(wb, out)
    return out
