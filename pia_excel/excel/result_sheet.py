"""The 検証結果 sheet: its layout (one owner for the button handlers, the templates and ``validate --in-place``),
writing the findings into it with a link to each cell, and highlighting the offending cells.

Highlights are undone before a new run: the very hidden sheet ``検証記録`` remembers every highlighted cell and its
original fill, so clearing restores it (a fill the user changed since is left alone).
"""
from __future__ import annotations

from typing import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.fills import Fill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.xml.functions import fromstring, tostring

from ..errors import ERROR, WARNING, Issue
from .layout import RECORD_SHEET, RESULT_SHEET  # noqa: F401 (the sheets' names are the layout's)

RESULT_TITLE = "検証結果"
RESULT_NOTE = "「検証」ボタン（または pia-excel validate --in-place）で更新されます。セル番地をクリックすると該当セルへ移動します。"
RESULT_NOTE_ROW = 2
#: the row the templates' buttons sit on (left empty by :func:`annotate`)
RESULT_BUTTON_ROW = 3
RESULT_BUTTON_ROW_HEIGHT = 27.0
RESULT_HEADER_ROW = 4
RESULT_HEADERS = ("No", "重要度", "コード", "シート", "セル", "内容", "項目パス", "区分")
RESULT_WIDTHS = {"A": 5, "B": 8, "C": 7, "D": 22, "E": 8, "F": 80, "G": 40, "H": 8}
RESULT_HEADER_FILL = "FFD9E1F2"
FONT = RESULT_FONT = "Yu Gothic"
ERROR_RGB = "FFFFC7CE"
WARNING_RGB = "FFFFEB9C"
FILLS = {ERROR: PatternFill("solid", fgColor=ERROR_RGB, bgColor=ERROR_RGB),
         WARNING: PatternFill("solid", fgColor=WARNING_RGB, bgColor=WARNING_RGB)}


def _heading(ws) -> None:
    """Header row, widths and frozen panes: what every 検証結果 sheet has, empty or filled."""
    for col, head in enumerate(RESULT_HEADERS, start=1):
        cell = ws.cell(row=RESULT_HEADER_ROW, column=col, value=head)
        cell.font = Font(name=FONT, bold=True)
        cell.fill = PatternFill("solid", fgColor=RESULT_HEADER_FILL)
    for col, width in RESULT_WIDTHS.items():
        ws.column_dimensions[col].width = width
    ws.freeze_panes = f"A{RESULT_HEADER_ROW + 1}"


def add_result_sheet(wb: Workbook, *, before: str | None = None):
    """The empty 検証結果 sheet of the macro-enabled templates (title, note, header), before sheet ``before``."""
    if RESULT_SHEET in wb.sheetnames:
        return wb[RESULT_SHEET]
    index = wb.sheetnames.index(before) if before in wb.sheetnames else len(wb.sheetnames)
    ws = wb.create_sheet(RESULT_SHEET, index=index)
    ws["A1"] = RESULT_TITLE
    ws["A1"].font = Font(name=FONT, bold=True, size=13)
    ws[f"A{RESULT_NOTE_ROW}"] = RESULT_NOTE
    ws[f"A{RESULT_NOTE_ROW}"].font = Font(name=FONT)
    ws.row_dimensions[RESULT_BUTTON_ROW].height = RESULT_BUTTON_ROW_HEIGHT
    _heading(ws)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


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


def annotate(wb: Workbook, findings: Sequence[Issue], *, title: str, summary: str) -> None:
    """Clear earlier annotations, then write the 検証結果 sheet (first, active) and highlight offending cells.
    ``title`` follows "検証結果: " in A1; ``summary`` (form and counts) is row 2."""
    clear_annotations(wb)
    rec = wb.create_sheet(RECORD_SHEET)
    rec.append(["sheet", "cell", "original_fill"])
    rec.sheet_state = "veryHidden"
    done: dict[tuple[str, str], str] = {}
    for f in findings:
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
    normal = Font(name=FONT)
    link = Font(name=FONT, color="FF0563C1", underline="single")
    ws["A1"] = f"{RESULT_TITLE}: {title}"
    ws["A1"].font = Font(name=FONT, bold=True, size=13)
    ws[f"A{RESULT_NOTE_ROW}"] = f"{summary}（セル番地をクリックするとその場所へ移動します）"
    ws[f"A{RESULT_NOTE_ROW}"].font = normal
    _heading(ws)
    for i, f in enumerate(findings, start=1):
        r = RESULT_HEADER_ROW + i
        values = (i, f.severity, f.code, f.sheet or "", f.cell or "", f.message, f.path or "", f.category or "")
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
    if not findings:
        ws.cell(row=RESULT_HEADER_ROW + 1, column=1, value="問題は見つかりませんでした。").font = normal
    for other in wb.worksheets:
        other.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    wb.active = wb.sheetnames.index(RESULT_SHEET)
