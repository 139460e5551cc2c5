"""Fast read access to a workbook's cell values and defined names.

Reading is what batch validation spends its time on, so values come from python-calamine (a Rust xlsx reader,
also pandas' ``engine="calamine"``) and defined names straight from ``xl/workbook.xml``; openpyxl's read-only
mode is the fallback when python-calamine is not installed. Both give the same plain values (str, int/float,
bool, datetime); an empty cell is ``None``.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!(\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)$")

try:  # pragma: no cover - exercised through whichever backend is installed
    from python_calamine import CalamineWorkbook
except ImportError:  # pragma: no cover
    CalamineWorkbook = None


def parse_ref(attr_text: str) -> tuple[str, str] | None:
    """``'Ⅰ 基本情報'!$C$3`` → ``("Ⅰ 基本情報", "C3")``; None for constants and formulas."""
    m = _REF.match(attr_text.strip())
    if not m:
        return None
    sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
    return sheet, m.group(3).replace("$", "")


def read_defined_names(path: Path) -> dict[str, str]:
    """Workbook-scoped defined names and their text, read from ``xl/workbook.xml``."""
    with zipfile.ZipFile(path) as z:
        root = ElementTree.fromstring(z.read("xl/workbook.xml"))
    out = {}
    for dn in root.iterfind("m:definedNames/m:definedName", _NS):
        if dn.get("localSheetId") is None and dn.text is not None:
            out[dn.get("name")] = dn.text
    return out


class WorkbookCells:
    """Values of every sheet (rows of plain values, 0-based) and the defined names of one workbook file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.defined_names = read_defined_names(self.path)
        self._rows: dict[str, list[list[Any]]] = {}
        if CalamineWorkbook is not None:
            self._book = CalamineWorkbook.from_path(str(self.path))
            self.sheetnames = list(self._book.sheet_names)
            self._visible = {m.name: str(m.visible).endswith("Visible") and not str(m.visible).endswith("Hidden")
                             for m in self._book.sheets_metadata}
        else:  # pragma: no cover
            from openpyxl import load_workbook

            self._book = load_workbook(self.path, read_only=True, data_only=True, keep_links=False)
            self.sheetnames = list(self._book.sheetnames)
            self._visible = {ws.title: ws.sheet_state == "visible" for ws in self._book.worksheets}

    def visible(self, sheet: str) -> bool:
        return self._visible.get(sheet, True)

    def rows(self, sheet: str) -> list[list[Any]]:
        """All rows of a sheet from A1; empty cells are None."""
        if sheet not in self._rows:
            self._rows[sheet] = self._load(sheet)
        return self._rows[sheet]

    def _load(self, sheet: str) -> list[list[Any]]:
        if CalamineWorkbook is not None:
            s = self._book.get_sheet_by_name(sheet)
            data = s.to_python(skip_empty_area=False)
            r0, c0 = s.start or (0, 0)
            pad = [None] * c0
            rows = [[None] * (c0 + (len(data[0]) if data else 0))] * r0
            rows += [pad + [None if v == "" else v for v in row] for row in data]
            return rows
        ws = self._book[sheet]  # pragma: no cover
        return [list(r) for r in ws.iter_rows(values_only=True)]  # pragma: no cover

    def value(self, sheet: str, row: int, col: int) -> Any:
        """Value at 1-based row/column (None outside the used range)."""
        rows = self.rows(sheet)
        if row - 1 < len(rows):
            r = rows[row - 1]
            if col - 1 < len(r):
                return r[col - 1]
        return None

    def close(self) -> None:
        close = getattr(self._book, "close", None)
        if close is not None:
            close()
