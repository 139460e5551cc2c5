"""Tables written for people (CSV and xlsx): text stays text, never a formula.

A value taken from a workbook — a 評価書名, a file name — may begin with ``=``, ``+``, ``-`` or ``@``; written
as it is into a CSV, a spreadsheet opening it runs it as a formula (``=HYPERLINK(…)`` on a reviewer's PC), and
openpyxl stores a string beginning with ``=`` as a live formula cell. Every table pia-excel writes for people
goes through this module:

* :func:`csv_cell` — the one rule for CSV (OWASP "CSV injection"): a text cell beginning with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return gets a single quote in front (``'=1+2``), which spreadsheets show as
  text. Plain numbers written as text (``-1``, ``+81``, ``-``) are left alone: they cannot be formulas.
* :func:`text_cells` — for an openpyxl worksheet (also one written by pandas' ``to_excel``): every string cell
  is stored as text (``data_type = "s"``), never as a formula.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import InputError

__all__ = ["FORMULA_START", "csv_cell", "csv_frame", "header_sheet", "table_suffix", "text_cells", "write_csv"]

#: what makes a spreadsheet read a CSV cell as a formula (or split it into one)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*)?(?:\.\d+)?(?:[eE][+-]?\d+)?")


def table_suffix(out: Path, what: str = "") -> str:
    """".csv" or ".xlsx", the format of a table's output file ``out`` (``what`` names the table in the message);
    InputError for any other suffix."""
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError(f"{out}: {what}形式を拡張子から判断できません（.csv または .xlsx）", path=out)
    return suffix


def header_sheet(ws, title: str, columns, widths: dict[str, float], default_width: float) -> None:
    """An openpyxl sheet titled ``title`` starting with ``columns`` as a bold, frozen header row, each column
    ``widths[name]`` (else ``default_width``) wide."""
    from openpyxl.styles import Font

    ws.title = title
    ws.append(list(columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, c in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = widths.get(c, default_width)
    ws.freeze_panes = "A2"


def csv_cell(value: Any) -> Any:
    """``value`` as it should go into a CSV cell: text that a spreadsheet would take as a formula is prefixed
    with ``'``; anything else (numbers, None, ordinary text) is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_csv(path, columns, rows) -> None:
    """A table for people as CSV (UTF-8 with BOM, which Excel needs to read Japanese): the header ``columns``, then
    ``rows`` (sequences in the columns' order), every cell through :func:`csv_cell`."""
    import csv

    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([csv_cell(c) for c in columns])
        w.writerows([csv_cell(v) for v in row] for row in rows)


def csv_frame(df):
    """A copy of a pandas DataFrame with :func:`csv_cell` applied to every text cell (and the column names)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype.kind in "OSUT":  # object and pandas' string dtypes ("str", "string"); not numbers or dates
            out[col] = out[col].map(csv_cell)
    out.columns = [csv_cell(c) for c in out.columns]
    return out


def text_cells(ws) -> None:
    """Store every string cell of an openpyxl worksheet as text: a value beginning with ``=`` written by pandas
    or openpyxl would otherwise be saved as a formula."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
