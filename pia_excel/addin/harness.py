"""Running the button handlers against workbook files, without Excel: the book's values go to xlwings' JSON book
(:func:`payload_from_workbook`), the handler runs on it, and the actions it produced are applied to the file with
openpyxl (:func:`apply_actions`). The tests check the handlers this way, and a command line without Excel can
write the same results back into a workbook (:func:`run_on_file`).
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
from ..excel.writer import save_atomic
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
            alerts.append({"prompt": args[0], "title": args[1] if len(args) > 1 else None})
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
    what it did back into the file (``output``, default the same file; macros and buttons are kept)."""

    prepare_xlwings_environment()
    path = Path(path)
    keep_vba = path.suffix.lower() == ".xlsm"
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
    target = open_workbook(path, keep_vba=keep_vba)
    # open_workbook loads values only (data_only); formulas are not part of our workbooks
    alerts = apply_actions(target, actions)
    if save:
        save_atomic(target, Path(output) if output is not None else path)
    return FileRun(value=value, actions=actions, alerts=alerts)
