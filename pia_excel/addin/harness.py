"""Running the button handlers against workbook files, without Excel: the book's values go to xlwings' JSON book
(:func:`payload_from_workbook`), the handler runs on it, and the actions it produced are applied as Excel would
apply them: to an openpyxl workbook (:func:`apply_actions`, for tests) or into the file's package
(:func:`apply_actions_to_package`), so a command line without Excel writes the same results back into a workbook
(:func:`run_on_file`) changing only the cells, sheets and names the actions name; every other part of the
package (pictures, shapes, comments, extended dropdowns, VBA and buttons …) keeps its bytes.
"""
from __future__ import annotations

import datetime as dt
from copy import copy
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.hyperlink import Hyperlink

from ..excel.reader import open_workbook
from .book import json_book, prepare_xlwings_environment

def payload_from_workbook(wb, name: str) -> dict:
    """The JSON xlwings sends from Excel (``client``, ``version``, ``book``, ``names``, ``sheets`` with ``values``)
    for an openpyxl workbook, so ``xw.Book(json=payload)`` is that workbook as a handler sees it in Excel."""
    prepare_xlwings_environment()
    import xlwings as xw

    sheets = []
    index = {}
    for i, ws in enumerate(wb.worksheets):
        index[ws.title] = i
        rows = []
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column, values_only=True):
            rows.append([_json_value(v) for v in row])
        sheets.append({"name": ws.title, "values": rows or [[]], "pictures": [], "tables": []})
    payload_names = []
    for dname, dn in wb.defined_names.items():
        entry = {"name": dname, "book_scope": True, "scope_sheet_name": None, "scope_sheet_index": None,
                 "refers_to": "=" + dn.attr_text, "sheet_index": None, "address": None}
        dests = list(dn.destinations) if "!" in dn.attr_text else []
        if len(dests) == 1 and dests[0][0] in index:
            entry["sheet_index"] = index[dests[0][0]]
            entry["address"] = dests[0][1].replace("$", "")
        payload_names.append(entry)
    active = wb.active.title if wb.active is not None else wb.worksheets[0].title
    return {
        "client": "VBA",
        "version": xw.__version__,
        "book": {"name": name, "active_sheet_index": index.get(active, 0), "selection": "A1"},
        "names": payload_names,
        "sheets": sheets,
    }


def _json_value(v: Any) -> Any:
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    if isinstance(v, dt.time):
        return v.isoformat()
    return v


def apply_actions(wb, actions: list[dict]) -> list[dict]:
    """Apply xlwings actions (``book.json()["actions"]``) to an openpyxl workbook, as Excel would.

    Returns the ``alert`` actions (what Excel would have shown). Unknown actions raise ``ValueError``.
    """
    alerts = []
    for action in actions:
        func = action["func"]
        args = action.get("args") or []
        if func == "alert":
            alerts.append(_alert(args))
            continue
        if func == "addSheet":
            pos, title = args[0], args[1]
            ws = wb.create_sheet(title, index=pos)
            continue
        if func == "copySheet":  # Excel copies the whole sheet: cells, looks, merges, dropdowns, protection, print setup
            position, target_ix, title = args
            src = wb.worksheets[action["sheet_position"]]
            ws = wb.copy_worksheet(src)
            ws.title = title
            for dv in src.data_validations.dataValidation:
                ws.add_data_validation(copy(dv))
            ws.protection = copy(src.protection)
            ws.print_title_rows = src.print_title_rows
            ws.sheet_view.showGridLines = src.sheet_view.showGridLines
            new_ix = target_ix if position == "Before" else target_ix + 1
            wb.move_sheet(ws, offset=new_ix - wb.index(ws))
            continue
        if func == "setSheetName":
            wb.worksheets[action["sheet_position"]].title = args[0]
            continue
        if func == "activateSheet":
            wb.active = args[0]
            continue
        if func == "setSheetVisibility":
            ws = wb.worksheets[action["sheet_position"]]
            ws.sheet_state = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryHidden"}[args[0]]
            continue
        if func == "sheetDelete":
            wb.remove(wb.worksheets[action["sheet_position"]])
            continue
        if func in ("namesAdd", "setNameRefersTo"):
            name, refers_to = (args[0], args[1]) if func == "namesAdd" else (args[0], args[3])
            wb.defined_names[name] = DefinedName(name, attr_text=refers_to.lstrip("="))
            continue
        ws = wb.worksheets[action["sheet_position"]]
        r0, c0 = action["start_row"] + 1, action["start_column"] + 1
        nrows, ncols = action["row_count"], action["column_count"]
        cells = [ws.cell(row=r, column=c) for r in range(r0, r0 + nrows) for c in range(c0, c0 + ncols)]
        if func == "setValues":
            for i, row in enumerate(action["values"]):
                for j, v in enumerate(row):
                    cell = ws.cell(row=r0 + i, column=c0 + j)
                    if cell.coordinate in ws.merged_cells and not _is_anchor(ws, cell):
                        continue
                    cell.value = v
                    if isinstance(v, str):
                        cell.data_type = "s"
        elif func == "rangeClearContents":
            for cell in cells:
                if not _is_merged_child(ws, cell):
                    cell.value = None
        elif func == "rangeClear":
            for cell in cells:
                if not _is_merged_child(ws, cell):
                    cell.value = None
                cell.hyperlink = None
                cell.style = "Normal"
        elif func == "setRangeColor":
            color = args[0]
            for cell in cells:
                rgb = None if color is None else "FF" + color.lstrip("#").upper()[-6:]
                cell.fill = PatternFill() if rgb is None else PatternFill("solid", fgColor=rgb, bgColor=rgb)
        elif func == "addHyperlink":
            address, text = args[0], args[1]
            cell = ws.cell(row=r0, column=c0)
            if address.startswith("#"):
                cell.hyperlink = Hyperlink(ref=cell.coordinate, location=address[1:], display=text)
            else:
                cell.hyperlink = address
            if text is not None:
                cell.value = text
            cell.font = Font(name=cell.font.name, size=cell.font.sz, color="0563C1", underline="single")
        elif func == "setNumberFormat":
            for cell in cells:
                cell.number_format = args[0]
        elif func == "setFontProperty":
            prop, value = args[0], args[1]
            for cell in cells:
                f = copy(cell.font)
                if prop == "bold":
                    f = Font(name=f.name, sz=f.sz, b=bool(value), i=f.i, color=f.color, u=f.u)
                elif prop == "size":
                    f = Font(name=f.name, sz=value, b=f.b, i=f.i, color=f.color, u=f.u)
                elif prop == "italic":
                    f = Font(name=f.name, sz=f.sz, b=f.b, i=bool(value), color=f.color, u=f.u)
                elif prop == "color":
                    f = Font(name=f.name, sz=f.sz, b=f.b, i=f.i, color=str(value).lstrip("#"), u=f.u)
                cell.font = f
        elif func == "setColumnWidth":
            for c in range(c0, c0 + ncols):
                ws.column_dimensions[get_column_letter(c)].width = args[0]
        elif func == "setColumnHidden":
            for c in range(c0, c0 + ncols):
                ws.column_dimensions[get_column_letter(c)].hidden = bool(args[0])
        elif func == "setRowHidden":
            for r in range(r0, r0 + nrows):
                ws.row_dimensions[r].hidden = bool(args[0])
        else:
            raise ValueError(f"unsupported xlwings action: {func}")
    return alerts


def _is_merged_child(ws, cell) -> bool:
    for rng in ws.merged_cells.ranges:
        if cell.coordinate in rng:
            return not (cell.row == rng.min_row and cell.column == rng.min_col)
    return False


def _is_anchor(ws, cell) -> bool:
    return not _is_merged_child(ws, cell)


@dataclass
class FileRun:
    """What running a handler against a file did."""

    value: Any
    actions: list[dict]
    alerts: list[dict]


def run_on_file(handler: Callable[[Any], Any], path: str | os.PathLike, output: str | os.PathLike | None = None, *,
                save: bool = True) -> FileRun:
    """Run an xlwings handler (``handler(book)``) against a workbook file as if Excel had called it, and write
    what it did back into the file (``output``, default the same file), through its package
    (:func:`apply_actions_to_package`): locked from reading to writing, refused while Excel or LibreOffice has
    it open, atomically."""
    from ..excel.package import Package, edit_workbook

    prepare_xlwings_environment()
    path = Path(path)

    def run() -> tuple[Any, list[dict]]:
        values = open_workbook(path, read_only=True)
        try:
            payload = payload_from_workbook(values, path.name)
        finally:
            values.close()
        book = json_book(payload)
        try:
            value = handler(book)
            actions = list(book.json()["actions"])
        finally:
            book.close()
        return value, actions

    if not save:
        value, actions = run()
        if _copies_sheets(actions):
            return FileRun(value=value, actions=actions, alerts=_alerts(actions))
        return FileRun(value=value, actions=actions, alerts=apply_actions_to_package(Package.open(path), actions))
    try:
        with edit_workbook(path, output) as pkg:
            value, actions = run()
            if _copies_sheets(actions):
                raise _AddFile(value, actions)  # leaves the workbook as it was
            alerts = apply_actions_to_package(pkg, actions)
    except _AddFile as done:
        # Excel's sheet copy is the 特定個人情報ファイルを追加 button (the only handler that copies sheets); on a file
        # its equivalent is add-file, which splices file n+1's sheets into the package and keeps every other part
        from ..excel.addfile import add_file as add_file_to_workbook

        add_file_to_workbook(path, output)
        return FileRun(value=done.value, actions=done.actions, alerts=_alerts(done.actions))
    return FileRun(value=value, actions=actions, alerts=alerts)


class _AddFile(Exception):
    def __init__(self, value, actions):
        super().__init__("add-file")
        self.value, self.actions = value, actions


def _alerts(actions: list[dict]) -> list[dict]:
    return [_alert(a.get("args") or []) for a in actions if a.get("func") == "alert"]


def _alert(args: list) -> dict:
    """What Excel shows for an ``alert`` action."""
    return {"prompt": args[0], "title": args[1] if len(args) > 1 else None}


def _copies_sheets(actions: list[dict]) -> bool:
    return any(a.get("func") == "copySheet" for a in actions)


_EMPTY_SHEET = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<sheetData/><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
                '</worksheet>')
_NUMBER_FORMATS = {"@": "49", "General": "0"}


def apply_actions_to_package(pkg, actions: list[dict]) -> list[dict]:
    """:func:`apply_actions` into a workbook package (:mod:`pia_excel.excel.package`): values, clears, fills,
    fonts, number formats "@"/General, links within the workbook, column widths, hidden rows and columns, added
    sheets, their visibility and defined names. The view (which sheet is active) is left as the user had it.
    Actions that cannot be applied this way (deleting a sheet, a link out of the workbook, another number format)
    raise :class:`~pia_excel.excel.package.PackageError`; unknown actions ``ValueError``."""
    from ..excel.package import PackageError, SheetEdit, Styles, col_letters

    styles = Styles(pkg)
    edits: dict[str, SheetEdit] = {}
    alerts = []

    def sheet_at(pos: int) -> tuple[str, SheetEdit]:
        info = pkg.sheets()[pos]
        if info.name not in edits:
            edits[info.name] = SheetEdit(pkg.text(info.part))
        return info.name, edits[info.name]

    for action in actions:
        func = action["func"]
        args = action.get("args") or []
        if func == "alert":
            alerts.append(_alert(args))
            continue
        if func == "activateSheet":
            continue
        if func == "addSheet":
            pkg.add_sheet(args[1], _EMPTY_SHEET, index=args[0])
            continue
        if func == "setSheetVisibility":
            name, _ = sheet_at(action["sheet_position"])
            pkg.set_sheet_state(name, {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryHidden"}[args[0]])
            continue
        if func == "sheetDelete":
            raise PackageError("シートの削除はブックの部品の書き換えでは行いません")
        if func in ("namesAdd", "setNameRefersTo"):
            name, refers_to = (args[0], args[1]) if func == "namesAdd" else (args[0], args[3])
            pkg.set_defined_name(name, refers_to)
            continue
        known = ("setValues", "rangeClearContents", "rangeClear", "setRangeColor", "addHyperlink", "setNumberFormat",
                 "setFontProperty", "setColumnWidth", "setColumnHidden", "setRowHidden")
        if func not in known:
            raise ValueError(f"unsupported xlwings action: {func}")
        _title, ed = sheet_at(action["sheet_position"])
        r0, c0 = action["start_row"] + 1, action["start_column"] + 1
        nrows, ncols = action["row_count"], action["column_count"]
        refs = [f"{col_letters(c)}{r}" for r in range(r0, r0 + nrows) for c in range(c0, c0 + ncols)]
        if func == "setValues":
            merged = ed.merged()
            for i, row in enumerate(action["values"]):
                for j, v in enumerate(row):
                    r, c = r0 + i, c0 + j
                    if any(r1 <= r <= r2 and c1 <= c <= c2 and (r, c) != (r1, c1) for r1, c1, r2, c2 in merged):
                        continue
                    ref = f"{col_letters(c)}{r}"
                    if v is None or v == "":
                        ed.clear(r, c, r, c, whole=False)
                    elif isinstance(v, bool):
                        ed.text_cell(ref, "TRUE" if v else "FALSE")
                    elif isinstance(v, (int, float)):
                        ed.number_cell(ref, v)
                    else:
                        ed.text_cell(ref, str(v))
        elif func in ("rangeClearContents", "rangeClear"):
            ed.clear(r0, c0, r0 + nrows - 1, c0 + ncols - 1, whole=func == "rangeClear")
        elif func == "setRangeColor":
            color = args[0]
            if color is None:
                fill = f"<{styles.p}fill><{styles.p}patternFill/></{styles.p}fill>"
            else:
                rgb = "FF" + color.lstrip("#").upper()[-6:]
                fill = (f'<{styles.p}fill><{styles.p}patternFill patternType="solid"><{styles.p}fgColor rgb="{rgb}"/>'
                        f'<{styles.p}bgColor rgb="{rgb}"/></{styles.p}patternFill></{styles.p}fill>')
            for ref in refs:
                ed.style_cell(ref, lambda s, fill=fill: styles.with_fill(s, fill))
        elif func == "addHyperlink":
            address, text = args[0], args[1]
            if not address.startswith("#"):
                raise PackageError(f"ブックの外へのリンク（{address}）は書き込みません")
            ref = refs[0]
            ed.add_link(ref, address[1:], text)
            if text is not None:
                ed.text_cell(ref, str(text))

            def link_font(font: str) -> str:
                font = styles.font_with(font, "color", "FF0563C1", "rgb")
                return styles.font_with(font, "u", "")

            ed.style_cell(ref, lambda s: styles.with_font(s, link_font))
        elif func == "setNumberFormat":
            fmt = _NUMBER_FORMATS.get(args[0])
            if fmt is None:
                raise PackageError(f"表示形式 {args[0]} は書き込みません")
            for ref in refs:
                ed.style_cell(ref, lambda s, fmt=fmt: styles.derive(s, numFmtId=fmt, applyNumberFormat="1"))
        elif func == "setFontProperty":
            prop, value = args[0], args[1]
            local, val, attr = {"bold": ("b", "" if value else None, "val"),
                                "italic": ("i", "" if value else None, "val"),
                                "size": ("sz", f"{float(value):g}", "val"),
                                "color": ("color", "FF" + str(value).lstrip("#").upper()[-6:], "rgb")}[prop]
            for ref in refs:
                ed.style_cell(ref, lambda s, a=(local, val, attr): styles.with_font(
                    s, lambda f: styles.font_with(f, *a)))
        elif func == "setColumnWidth":
            for c in range(c0, c0 + ncols):
                ed.set_col(c, width=f"{float(args[0]):g}", customWidth="1")
        elif func == "setColumnHidden":
            for c in range(c0, c0 + ncols):
                ed.set_col(c, hidden="1" if args[0] else None)
        elif func == "setRowHidden":
            for r in range(r0, r0 + nrows):
                ed.set_row(r, hidden="1" if args[0] else None)
    for name, ed in edits.items():
        pkg.write(pkg.sheet(name).part, ed.render())
    return alerts
