"""Fast read access to a workbook's cell values and defined names.

Reading is what batch validation spends its time on. Values come from the sheets' XML as the package limits
scan inflated it (:mod:`.sheetxml`, for the shapes Excel, LibreOffice and pia-excel write) and otherwise from
python-calamine (a Rust xlsx reader, also pandas' ``engine="calamine"``); defined names straight from
``xl/workbook.xml``. openpyxl's read-only mode is the fallback when python-calamine is not installed. All give the
same plain values (str, float, bool, datetime); an empty cell is ``None``.
"""
from __future__ import annotations

import html
import re
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import WorkbookError
from . import sheetxml
from .limits import COUNTED_AT_MOST, cells_over_total, check_cells, check_part, limits
from .parts import relationships, sheet_entries, sheet_ids, sheets_element

_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
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


def column_index(letters: str) -> int:
    """``"A"`` → 1, ``"AB"`` → 28."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letter(index: int) -> str:
    """1 → ``"A"``, 28 → ``"AB"``."""
    out = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def split_cell(ref: str) -> tuple[str, int]:
    """``"C52"`` (or ``"$C$52"``) → ``("C", 52)``."""
    m = _CELL.match(ref)
    if m is None:
        raise ValueError(f"not a cell reference: {ref!r}")
    return m.group(1), int(m.group(2))


def row_col(ref: str) -> tuple[int, int]:
    """``"C52"`` → (52, 3): the sort key of a cell in reading order."""
    col, row = split_cell(ref)
    return row, column_index(col)


@lru_cache(maxsize=None)
def bounds(ref: str) -> tuple[int, int, int, int]:
    """``"B4:F30"`` (or one cell) → (min_col, min_row, max_col, max_row), 1-based (cached: the same refs recur on
    every sheet)."""
    first, _, last = ref.partition(":")
    min_row, min_col = row_col(first)
    max_row, max_col = row_col(last) if last else (min_row, min_col)
    return min_col, min_row, max_col, max_row


_DEFINED_NAME = re.compile(r"<(?:\w+:)?definedName\b([^>]*)>([^<]*)</(?:\w+:)?definedName>")
_NAME_ATTR = re.compile(r'\bname="([^"]*)"')
#: a definedName element as Excel and openpyxl write it: no namespace prefix, no attribute but the name and, for
#: sheet-scoped names (print titles, skipped), localSheetId
_PLAIN_NAME = re.compile(r'<definedName name="([^"]*)"( localSheetId="\d+")?>([^<]*)</definedName>')


def read_workbook_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/workbook.xml")


def read_defined_names(path: Path) -> dict[str, str]:
    """Workbook-scoped defined names and their text, read from ``xl/workbook.xml``."""
    return parse_defined_names(read_workbook_xml(path).decode("utf-8"))


def names_element(xml: bytes) -> tuple[int, int] | None:
    """Where the ``<definedNames>…</definedNames>`` element of workbook.xml (UTF-8) starts and ends; None when
    there is none, or "definedName" occurs anywhere outside it."""
    start = xml.find(b"<definedNames>")
    if start < 0 or xml.find(b"definedName", 0, start) >= 0:
        return None
    end = xml.find(b"</definedNames>", start)
    if end < 0:
        return None
    stop = end + len(b"</definedNames>")
    return None if xml.find(b"definedName", stop) >= 0 else (start, stop)


def parse_defined_names(xml: str) -> dict[str, str]:
    """Workbook-scoped defined names and their text in a workbook.xml text (a regex over the few thousand
    ``definedName`` elements is several times faster than an XML parse of the whole part)."""
    if "&" not in xml and ":definedName" not in xml:
        # the common case: every element plain, nothing escaped; one C-level findall gives the same dict
        plain = _PLAIN_NAME.findall(xml)
        if len(plain) == xml.count("<definedName "):
            return {name: text for name, local, text in plain if not local}
    out = {}
    for attrs, text in _DEFINED_NAME.findall(xml):
        if "localSheetId" in attrs:
            continue
        if attrs.startswith(' name="'):  # how Excel and openpyxl write it
            name = attrs[7:attrs.find('"', 7)]
        else:
            m = _NAME_ATTR.search(attrs)
            if m is None:
                continue
            name = m.group(1)
        out[html.unescape(name) if "&" in name else name] = html.unescape(text) if "&" in text else text
    return out


_FORMULA = re.compile(rb"<(?:\w+:)?f(?=[\s>/])([^>]*?)(?:/>|>([^<]*)</(?:\w+:)?f>)")
_CELL_START = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{1,3}\d{1,7})\"")
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?\bref="([A-Z]{1,3}\d{1,7}(?::[A-Z]{1,3}\d{1,7})?)"')
_BYTES_ATTR = {name: re.compile(rb"\b" + name.encode() + rb'="([^"]*)"') for name in ("t", "ref", "si")}


def sheet_parts(z: zipfile.ZipFile, workbook_xml: bytes) -> dict[str, str]:
    """Sheet title → its worksheet part ("xl/worksheets/sheet3.xml"), read from workbook.xml and its rels."""
    targets = dict(relationships(z.read("xl/_rels/workbook.xml.rels")))
    return {name: targets[rid] for name, rid in sheet_ids(workbook_xml) if name is not None and rid in targets}


def formula_cells(xml: bytes) -> dict[str, str]:
    """Cell → formula ("=2+3") of the cells of a worksheet part that hold one. A cell sharing the formula of
    another (``t="shared"``) gets that formula as it reads at its own position; a data table's cells (no formula
    text) are left out."""
    out: dict[str, str] = {}
    shared: dict[bytes, tuple[str, str]] = {}
    followers: list[tuple[str, bytes]] = []
    for m in _FORMULA.finditer(xml):
        start = max(xml.rfind(b"<c ", 0, m.start()), xml.rfind(b":c ", 0, m.start()) - 1)
        cell = _CELL_START.match(xml, start) if start >= 0 else None
        if cell is None:
            continue
        ref = cell.group(1).decode("ascii")
        attrs, text = m.group(1), m.group(2)
        kind = _BYTES_ATTR["t"].search(attrs)
        kind = kind.group(1) if kind else b"normal"
        if kind == b"dataTable":
            continue
        si = _BYTES_ATTR["si"].search(attrs)
        if text:
            formula = "=" + html.unescape(text.decode("utf-8", "replace"))
            out[ref] = formula
            if kind == b"shared" and si:
                shared[si.group(1)] = (ref, formula)
        elif kind == b"shared" and si:
            followers.append((ref, si.group(1)))
    if followers:
        from openpyxl.formula.translate import Translator  # rare: openpyxl's import kept off the common path

        for ref, si in followers:
            if si in shared:
                origin, formula = shared[si]
                try:
                    out[ref] = Translator(formula, origin=origin).translate_formula(ref)
                except Exception:  # a formula openpyxl's tokenizer cannot read: as the first cell has it
                    out[ref] = formula
    return out


def _from_a1(g: list[list[Any]], start: tuple[int, int] | None, end: tuple[int, int] | None) -> list[list[Any]]:
    """python-calamine's rows of a sheet whose used range runs from ``start`` to ``end`` (0-based) as rows from A1.
    ``to_python(skip_empty_area=False)`` gives them from A1 already (python-calamine 0.9: a sheet starting at B3
    has two empty rows first); rows that start at ``start`` are padded here."""
    if not g or start is None or end is None or (len(g) == end[0] + 1 and len(g[0]) == end[1] + 1):
        return g
    r0, c0 = start
    width = c0 + len(g[0])
    return [[""] * width for _ in range(r0)] + [[""] * c0 + row for row in g]


def _ends(xml: bytes, end_tag: bytes) -> bool:
    return xml[-len(end_tag) - 64:].rstrip().endswith(end_tag)


class SheetRows:
    """Random access on top of ``rows(sheet)`` (rows of plain values from A1)."""

    #: worksheet parts that hold a formula (limits.check_package); empty when not known
    formula_parts: frozenset[str] = frozenset()

    def formula_sheets(self) -> list[str]:
        """The sheets that hold formulas (only workbooks read from a file know them: openpyxl opened with
        ``data_only`` has none)."""
        return []

    def formulas(self, sheets: set[str]) -> dict[str, dict[str, str]]:
        """Sheet → cell → formula, for those of ``sheets`` that hold formulas."""
        return {}

    def merged(self, sheet: str) -> list[tuple[int, int, int, int]]:
        """The merged ranges of a sheet as 1-based (first row, first column, last row, last column)."""
        return []

    def rows(self, sheet: str) -> list[list[Any]]:  # pragma: no cover - implemented by subclasses
        raise NotImplementedError

    def grid(self, sheet: str) -> list[list[Any]]:
        """Rows of values from A1 as stored: like :meth:`rows`, but empty cells may be None or ""."""
        return self.rows(sheet)

    def value(self, sheet: str, row: int, col: int) -> Any:
        """Value at 1-based row/column (None outside the used range)."""
        rows = self.rows(sheet)
        if row - 1 < len(rows):
            r = rows[row - 1]
            if col - 1 < len(r):
                return r[col - 1]
        return None


class WorkbookCells(SheetRows):
    """Values of every sheet (rows of plain values, 0-based) and the defined names of one workbook file.

    Given the parts the limits scan inflated (``limits.PackageScan.parts``), a sheet's values are taken from its
    XML by :mod:`.sheetxml` when it is in the shapes that reader takes, and python-calamine is opened only for the
    other sheets (never, for a workbook pia-excel wrote and nobody broke); both give the same values."""

    def __init__(self, path: Path, workbook_xml: bytes | None = None, parts: dict[str, bytes] | None = None):
        self.path = Path(path)
        #: xl/workbook.xml as stored (UTF-8; read here unless given); its defined names are parsed when first asked
        self.workbook_xml = workbook_xml if workbook_xml is not None else read_workbook_xml(self.path)
        self._defined_names: dict[str, str] | None = None
        self._rows: dict[str, list[list[Any]]] = {}
        self._grids: dict[str, list[list[Any]]] = {}
        self._merged: dict[str, list] = {}
        self._parts: dict[str, str] | None = None
        #: sheets whose package limits were not checked on opening (title → part, limits.check_package_skipping):
        #: checked when first parsed
        self.unchecked: dict[str, str] = {}
        #: worksheet parts that hold a formula, as far as known (:attr:`formula_parts` completes it)
        self._formulas: set[str] = set()
        #: parts kept by the limits scan whose cells and formulas it left to this reader (part → its XML;
        #: limits.PackageScan.deferred): a part's are looked for before python-calamine parses it
        #: (limits.check_cells; sheetxml bounds the cells holding a value itself)
        self.deferred: dict[str, bytes] = {}
        #: the used ranges counted against the limit on all sheets (limits.PackageScan.cells), and the limits
        self.cells_counted = 0
        self._limits = None
        self._book = None
        #: inflated parts not parsed yet (member → XML), and the shared strings and plain number styles once parsed
        self._xml = parts if parts and CalamineWorkbook is not None else {}
        self._strings: list[str | None] | None = None
        self._styles: frozenset[int] | None = None
        #: sheets whose rows came from :mod:`.sheetxml` (empty cells None: :meth:`rows` is :meth:`grid`)
        self._from_xml: set[str] = set()
        listing = self._listing() if self._xml else None
        #: the workbook was listed from its XML: python-calamine is opened only if a sheet needs it
        self._lazy = listing is not None
        if listing is not None:
            self.sheetnames, self._visible = listing
        else:
            self._xml = {}
            book = self._open_book()
            if CalamineWorkbook is not None:
                self.sheetnames = list(book.sheet_names)
                self._visible = {m.name: str(m.visible).endswith("Visible") and not str(m.visible).endswith("Hidden")
                                 for m in book.sheets_metadata}
            else:  # pragma: no cover
                self.sheetnames = list(book.sheetnames)
                self._visible = {ws.title: ws.sheet_state == "visible" for ws in book.worksheets}

    def _listing(self) -> tuple[list[str], dict[str, bool]] | None:
        """The sheets and whether each is visible, from workbook.xml, when every sheet is named plainly and links to
        a part (as python-calamine needs to open the workbook); None otherwise (calamine is opened, and tells)."""
        rels = self._xml.get("xl/_rels/workbook.xml.rels")
        package_rels = self._xml.get("_rels/.rels")
        if (rels is None or package_rels is None or b"<!" in sheets_element(self.workbook_xml) or b"<!" in rels
                or not _ends(self.workbook_xml, b"</workbook>") or not _ends(rels, b"</Relationships>")
                or not _ends(package_rels, b"</Relationships>")):
            return None  # missing or cut short: python-calamine refuses the workbook on opening
        targets = dict(relationships(rels))
        names: list[str] = []
        visible: dict[str, bool] = {}
        entries = sheet_entries(self.workbook_xml)
        for name, rid, state in entries:
            if (name is None or "\ufffd" in name or rid not in targets or name in visible
                    or state not in (None, "visible", "hidden", "veryHidden")):
                return None  # no name, one that is not UTF-8, no part, twice the same, a state calamine refuses
            names.append(name)
            visible[name] = state in (None, "visible")
        self._parts = {name: targets[rid] for name, rid, _ in entries}
        return names, visible

    def _open_book(self):
        """python-calamine's workbook (openpyxl's without it), opened when first needed."""
        if self._book is None:
            if CalamineWorkbook is not None:
                try:
                    self._book = CalamineWorkbook.from_path(str(self.path))
                except Exception as e:  # calamine's errors have no common base class
                    if not self._lazy:
                        raise  # opening: the reader names the file and the error
                    raise WorkbookError(f"{self.path}: Excelブックとして読めません（{type(e).__name__}: {e}）") from None
            else:  # pragma: no cover
                from openpyxl import load_workbook  # only without python-calamine: slow import kept off the cold path

                self._book = load_workbook(self.path, read_only=True, data_only=True, keep_links=False)
        return self._book

    @property
    def defined_names(self) -> dict[str, str]:
        """Workbook-scoped defined names and their text."""
        if self._defined_names is None:
            try:
                xml = self.workbook_xml.decode("utf-8")
            except UnicodeDecodeError as e:  # as when it was decoded on opening (reader._unreadable)
                raise WorkbookError(f"{self.path}: Excelブックとして読めません（{type(e).__name__}: {e}）") from None
            self._defined_names = parse_defined_names(xml)
        return self._defined_names

    def visible(self, sheet: str) -> bool:
        return self._visible.get(sheet, True)

    def _limits_checked(self, sheet: str) -> None:
        part = self.unchecked.get(sheet)
        if part is not None:
            check_part(self.path, part)
            del self.unchecked[sheet]

    def merged(self, sheet: str) -> list[tuple[int, int, int, int]]:
        if sheet not in self._merged:
            self._limits_checked(sheet)  # read from the part: only the reader by labels asks (calamine's list of a
            # sheet's merges would cost as much for every sheet read)
            with zipfile.ZipFile(self.path) as z:
                part = self._sheet_parts(z).get(sheet)
                xml = z.read(part) if part is not None else b""
            out = []
            for ref in _MERGE_REF.findall(xml):
                min_col, min_row, max_col, max_row = bounds(ref.decode("ascii"))
                out.append((min_row, min_col, max_row, max_col))
            self._merged[sheet] = out
        return self._merged[sheet]

    def _sheet_parts(self, z: zipfile.ZipFile) -> dict[str, str]:
        if self._parts is None:
            self._parts = sheet_parts(z, self.workbook_xml)
        return self._parts

    @property
    def formula_parts(self) -> frozenset[str]:
        """The worksheet parts that hold a formula element (as found by the limits scan, by sheetxml, or looked
        for now in the XML kept of a part not parsed yet)."""
        for part in list(self.deferred):
            self._check_deferred(part)
        return frozenset(self._formulas)

    @formula_parts.setter
    def formula_parts(self, parts) -> None:
        self._formulas = set(parts)

    def _check_deferred(self, part: str) -> None:
        """The limits scan's search of a part it kept and deferred (limits.check_cells): raise when its cells are
        over a limit; note whether it holds a formula."""
        cells, formula = check_cells(self.path, part, self.deferred[part], self._lim())
        self._deferred_done(part, formula, cells)

    def _deferred_checked(self, sheet: str) -> None:
        """Before a parser other than sheetxml reads ``sheet``: the limits scan's search of its part, if the scan
        left it to this reader."""
        if self.deferred:
            with zipfile.ZipFile(self.path) as z:
                part = self._sheet_parts(z).get(sheet)
            if part in self.deferred:
                self._check_deferred(part)

    def _deferred_done(self, part: str, formula: bool, cells: int) -> None:
        del self.deferred[part]
        if formula:
            self._formulas.add(part)
        if cells > COUNTED_AT_MOST:  # beyond what the scan counted for the sheet without looking at its cells:
            lim = self._lim()        # counted again, in full
            self.cells_counted += cells
            if self.cells_counted > lim.max_cells:
                raise cells_over_total(self.path, self.cells_counted, lim)

    def _lim(self):
        if self._limits is None:
            self._limits = limits()
        return self._limits

    def formula_sheets(self) -> list[str]:
        if not self.formula_parts:
            return []
        with zipfile.ZipFile(self.path) as z:
            return [sheet for sheet, part in self._sheet_parts(z).items() if part in self.formula_parts]

    def formulas(self, sheets: set[str]) -> dict[str, dict[str, str]]:
        if not self.formula_parts:
            return {}
        out: dict[str, dict[str, str]] = {}
        with zipfile.ZipFile(self.path) as z:
            parts = self._sheet_parts(z)
            for sheet in sheets:
                part = parts.get(sheet)
                if part in self.formula_parts:
                    found = formula_cells(z.read(part))
                    if found:
                        out[sheet] = found
        return out

    def rows(self, sheet: str) -> list[list[Any]]:
        """All rows of a sheet from A1; empty cells are None."""
        if sheet not in self._rows:
            self._rows[sheet] = self._load(sheet)
        return self._rows[sheet]

    def grid(self, sheet: str) -> list[list[Any]]:
        """Rows of values from A1 as python-calamine gives them (empty cells are "", or None when read by
        :mod:`.sheetxml`); each sheet is parsed once, for :meth:`rows` too."""
        if CalamineWorkbook is None:  # pragma: no cover
            return self.rows(sheet)
        g = self._grids.get(sheet)
        if g is None:
            self._limits_checked(sheet)
            g = self._xml_grid(sheet) if self._xml else None
            if g is not None:
                self._from_xml.add(sheet)
                self._grids[sheet] = g
                return g
            self._deferred_checked(sheet)
            book = self._open_book()
            try:  # a sheet is parsed when first asked for: its XML errors come here, not when the file is opened
                s = book.get_sheet_by_name(sheet)
                g = s.to_python(skip_empty_area=False)
            except Exception as e:  # calamine's XmlError, ZipError, ... (no common base class)
                raise WorkbookError(f"{self.path}: シート「{sheet}」が読めません（{type(e).__name__}: "
                                    f"{str(e).splitlines()[0] if str(e) else ''}）") from None
            g = _from_a1(g, s.start, s.end)
            g = self._grids[sheet] = g
        return g

    def _xml_grid(self, sheet: str) -> list[list[Any]] | None:
        """The sheet's rows read by sheetxml from the XML the limits scan kept; None when it is to be read by
        python-calamine (after the scan's search of a part it deferred)."""
        part = self._parts.get(sheet) if self._parts is not None else None
        xml = self._xml.get(part) if part is not None else None
        if xml is None:
            return None
        if self._strings is None:
            self._strings = sheetxml.shared_strings(self._xml.get("xl/sharedStrings.xml"))
            self._styles = sheetxml.plain_number_styles(self._xml.get("xl/styles.xml"))
        del self._xml[part]
        if self._strings is None or self._styles is None:
            return None
        read = sheetxml.read_cells(xml, self._strings, self._styles, self._lim().max_sheet_cells)
        if read is None:
            return None
        grid, formula = read
        if part in self.deferred:
            self._deferred_done(part, formula, len(grid) * len(grid[0]) if grid else 0)
        return grid

    def _load(self, sheet: str) -> list[list[Any]]:
        if CalamineWorkbook is not None:
            g = self.grid(sheet)
            return g if sheet in self._from_xml else [[None if v == "" else v for v in row] for row in g]
        self._limits_checked(sheet)
        self._deferred_checked(sheet)  # as before python-calamine: either refuses the same workbooks
        ws = self._book[sheet]
        return [list(r) for r in ws.iter_rows(values_only=True)]

    def close(self) -> None:
        self._xml = {}
        self.deferred = {}
        close = getattr(self._book, "close", None)
        if close is not None:
            close()
