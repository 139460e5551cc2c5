"""The 検証結果 sheet: its layout (one owner for the button handlers, the templates and ``validate --in-place``),
writing the findings into it with a link to each cell, and highlighting the offending cells.

Highlights are undone before a new run: the very hidden sheet ``検証記録`` remembers every highlighted cell and its
original fill, so clearing restores it (a fill the user changed since is left alone).
"""
from __future__ import annotations

import re
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
        for col, v in enumerate(result_row(i, f), start=1):
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


def result_row(i: int, f: Issue) -> tuple:
    """The values of the 検証結果 row of finding number ``i``, in the order of :data:`RESULT_HEADERS`."""
    return (i, f.severity, f.code, f.sheet or "", f.cell or "", f.message, f.path or "", f.category or "")


# ---------------------------------------------------------------------------------------------- in a package
def _is_our_fill_xml(xml: str) -> bool:
    return (re.search(r'patternType="solid"', xml) is not None
            and re.search(rf'<(?:\w+:)?fgColor\b[^>]*\brgb="(?:{ERROR_RGB}|{WARNING_RGB})"', xml) is not None)


def _fill_xml_of(p: str, rgb: str) -> str:
    return (f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="{rgb}"/><{p}bgColor rgb="{rgb}"/>'
            f'</{p}patternFill></{p}fill>')


def _result_cells(findings: Sequence[Issue], title: str, summary: str, sheetnames) -> tuple[list, list]:
    """The cells of a filled 検証結果 sheet, ``(row, column, value, kind)``, and its links ``(cell, target, text)``;
    ``kind`` names the look (title, note, header, cell, wrap, error/warning, link)."""
    cells: list[tuple[int, int, object, str]] = [
        (1, 1, f"{RESULT_TITLE}: {title}", "title"),
        (RESULT_NOTE_ROW, 1, f"{summary}（セル番地をクリックするとその場所へ移動します）", "note")]
    cells += [(RESULT_HEADER_ROW, col, head, "header") for col, head in enumerate(RESULT_HEADERS, start=1)]
    links = []
    for i, f in enumerate(findings, start=1):
        r = RESULT_HEADER_ROW + i
        values = result_row(i, f)
        linked = bool(f.sheet and f.cell and f.sheet in sheetnames)
        for col, v in enumerate(values, start=1):
            kind = {2: f.severity, 6: "wrap"}.get(col, "link" if col == 5 and linked else "cell")
            cells.append((r, col, v, kind))
        if linked:
            links.append((f"E{r}", "'" + f.sheet.replace("'", "''") + "'!" + f.cell, f.cell))
    if not findings:
        cells.append((RESULT_HEADER_ROW + 1, 1, "問題は見つかりませんでした。", "cell"))
    return cells, links


def annotate_package(pkg, findings: Sequence[Issue], *, title: str, summary: str) -> int:
    """:func:`annotate` on a workbook package (:mod:`pia_excel.excel.package`), changing only what it owns: the
    検証結果 sheet's cells and links (a sheet already there keeps its buttons, widths and setup), the very hidden
    検証記録 sheet, and the fill of the highlighted cells (their value, formula and every other part of their style
    kept). Earlier highlights are restored first; returns the cells restored."""
    from .package import SheetEdit, Styles, col_letters, escape, escape_attr

    styles = Styles(pkg)
    p = styles.p
    edits: dict[str, SheetEdit] = {}

    def edit(sheet: str) -> SheetEdit:
        if sheet not in edits:
            edits[sheet] = SheetEdit(pkg.text(pkg.sheet(sheet).part))
        return edits[sheet]

    names = [s.name for s in pkg.sheets()]
    styled: dict[tuple[str, str], int] = {}
    restored = 0
    if pkg.sheet(RECORD_SHEET) is not None:
        values = pkg.values(RECORD_SHEET)
        r = 2
        while f"A{r}" in values or f"B{r}" in values:
            sheet, ref, xml = values.get(f"A{r}"), values.get(f"B{r}"), values.get(f"C{r}")
            r += 1
            if not sheet or sheet not in names or not ref or sheet in (RESULT_SHEET, RECORD_SHEET):
                continue
            ref = str(ref).replace("$", "")
            ed = edit(sheet)
            style = styled.get((sheet, ref), ed.style_of(ref))
            if _is_our_fill_xml(styles.fill_of(style)):  # the user did not recolour it since
                original = str(xml) if xml else f"<{p}fill><{p}patternFill/></{p}fill>"
                styled[(sheet, ref)] = styles.with_fill(style, original)
                ed.style_cell(ref, styled[(sheet, ref)])
                restored += 1

    records: list[tuple[str, str, str]] = []
    done: dict[tuple[str, str], str] = {}
    for f in findings:
        if not (f.sheet and f.cell) or f.sheet not in names or f.sheet in (RESULT_SHEET, RECORD_SHEET):
            continue
        key = (f.sheet, f.cell)
        prev = done.get(key)
        if prev == ERROR or prev == f.severity:
            continue
        ed = edit(f.sheet)
        base = styled.get(key, ed.style_of(f.cell))
        if prev is None:
            records.append((f.sheet, f.cell, styles.fill_of(base)))
            styled[key] = base
        ed.style_cell(f.cell, styles.with_fill(base, _fill_xml_of(p, ERROR_RGB if f.severity == ERROR else WARNING_RGB)))
        done[key] = f.severity
    # the record of this run's highlights
    rec = [("sheet", "cell", "original_fill"), *records]
    rows = "".join(f'<row r="{i}">' + "".join(
        f'<c r="{col_letters(j)}{i}" t="inlineStr"><is><t>{escape(v)}</t></is></c>' for j, v in enumerate(row, 1))
        + "</row>" for i, row in enumerate(rec, 1))
    rec_xml = _sheet_xml(f"<sheetData>{rows}</sheetData>")
    pkg.put_sheet(RECORD_SHEET, rec_xml, state="veryHidden")

    # the 検証結果 sheet
    def font(b: bool = False, sz: int = 11, link: bool = False) -> int:
        bold = f"<{p}b/>" if b else ""
        under = f"<{p}u/>" if link else ""
        color = f'<{p}color rgb="FF0563C1"/>' if link else ""
        return styles.font(f'<{p}font>{bold}{under}<{p}sz val="{sz}"/>{color}<{p}name val="{FONT}"/>'
                           f'<{p}family val="3"/></{p}font>')

    def xf(font_id: int, fill_rgb: str | None = None, wrap: bool | None = None) -> int:
        fill_id = styles.add("fills", "fill", _fill_xml_of(p, fill_rgb)) if fill_rgb else 0
        wrap_attr = ' wrapText="1"' if wrap else ""
        align = "" if wrap is None else f'<{p}alignment vertical="top"{wrap_attr}/>'
        attrs = (f'numFmtId="0" fontId="{font_id}" fillId="{fill_id}" borderId="0" xfId="0" applyFont="1"'
                 + (' applyFill="1"' if fill_rgb else "") + (' applyAlignment="1"' if align else ""))
        return styles.add("cellXfs", "xf", f"<{p}xf {attrs}>{align}</{p}xf>" if align else f"<{p}xf {attrs}/>")

    normal = font()
    look = {"title": xf(font(b=True, sz=13)), "note": xf(normal), "header": xf(font(b=True), RESULT_HEADER_FILL),
            "cell": xf(normal, wrap=False), "wrap": xf(normal, wrap=True),
            ERROR: xf(normal, ERROR_RGB, wrap=False), WARNING: xf(normal, WARNING_RGB, wrap=False),
            "link": xf(font(link=True), wrap=False)}
    cells, links = _result_cells(findings, title, summary, names)
    info = pkg.sheet(RESULT_SHEET)
    old = pkg.text(info.part) if info is not None else None
    by_row: dict[int, list[str]] = {}
    for r, c, v, kind in cells:
        ref = f"{col_letters(c)}{r}"
        s = look[kind]
        if isinstance(v, (int, float)):
            by_row.setdefault(r, []).append(f'<c r="{ref}" s="{s}"><v>{v}</v></c>')
        else:
            by_row.setdefault(r, []).append(f'<c r="{ref}" s="{s}" t="inlineStr"><is><t xml:space="preserve">'
                                            f"{escape(str(v))}</t></is></c>")
    kept: dict[int, str] = {}  # rows of an existing sheet that have a height or are hidden (the buttons' row)
    if old is not None:
        for m in re.finditer(r"<(?:\w+:)?row\b[^>]*?>", old):
            tag = m.group(0)
            if re.search(r'\s(ht|hidden)="', tag):
                rn = re.search(r'\sr="(\d+)"', tag)
                if rn:
                    kept[int(rn.group(1))] = re.sub(r'\sspans="[^"]*"', "", tag).rstrip("/>").rstrip() + ">"
    data = "".join((kept.get(r) or f'<row r="{r}">') + "".join(by_row.get(r, [])) + "</row>"
                   for r in sorted(set(by_row) | set(kept)))
    hyperlinks = ("<hyperlinks>" + "".join(
        f'<hyperlink ref="{ref}" location="{escape_attr(target)}" display="{escape_attr(text)}"/>'
        for ref, target, text in links) + "</hyperlinks>") if links else ""
    last = RESULT_HEADER_ROW + max(1, len(findings))
    if old is None:
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                       for i, w in enumerate(RESULT_WIDTHS.values(), start=1))
        xml = _sheet_xml(
            f"<sheetData>{data}</sheetData>{hyperlinks}"
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            '<pageSetup paperSize="9" orientation="landscape" fitToHeight="0"/>',
            head=(f'<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="A1:G{last}"/>'
                  f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{RESULT_HEADER_ROW}" '
                  f'topLeftCell="A{RESULT_HEADER_ROW + 1}" activePane="bottomLeft" state="frozen"/>'
                  '<selection pane="bottomLeft" activeCell="A5" sqref="A5"/></sheetView></sheetViews>'
                  f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols>'))
        pkg.add_sheet(RESULT_SHEET, xml, index=0)
    else:
        pkg.write(info.part, _replace_sheet_data(old, data, hyperlinks, f"A1:G{last}"))
    for sheet, ed in edits.items():
        pkg.write(pkg.sheet(sheet).part, ed.render())
    return restored


def _sheet_xml(body: str, head: str = "") -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{head}{body}</worksheet>')


def _replace_sheet_data(old: str, data: str, hyperlinks: str, dimension: str) -> str:
    """An existing 検証結果 sheet with new cells and links; everything else in it (widths, views, setup, buttons)
    kept. Cells are written without a namespace prefix only into a part that uses none."""
    m = re.search(r"<(\w+:)?worksheet\b", old)
    p = (m.group(1) or "") if m else ""
    if p:
        data = re.sub(r"<(/?)(row|c|is|t|v)\b", lambda x: f"<{x.group(1)}{p}{x.group(2)}", data)
        hyperlinks = re.sub(r"<(/?)(hyperlinks?)\b", lambda x: f"<{x.group(1)}{p}{x.group(2)}", hyperlinks)
    sheet_data = f"<{p}sheetData>{data}</{p}sheetData>"
    new = re.sub(rf"<{p}sheetData\b[^>]*?/>|<{p}sheetData\b.*?</{p}sheetData>", lambda _m: sheet_data, old, count=1,
                 flags=re.S)
    new = re.sub(rf"<{p}hyperlinks\b.*?</{p}hyperlinks>|<{p}hyperlinks\b[^>]*?/>", "", new, count=1, flags=re.S)
    if hyperlinks:
        from .package import HYPERLINKS_BEFORE, insert_before

        new = insert_before(new, p, hyperlinks, HYPERLINKS_BEFORE)
    new = re.sub(rf'(<{p}dimension\b[^>]*?\bref=")[^"]*(")', lambda x: x.group(1) + dimension + x.group(2), new, count=1)
    return new
