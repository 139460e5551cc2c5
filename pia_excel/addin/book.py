"""Our document model through an xlwings ``Book``: the same code for Excel (``xw.Book.caller()`` on Windows/macOS),
xlwings Server (Excel on the web / Mac) and xlwings' JSON book (tests, the CLI fallback).

Reading: the values of every sheet and the workbook's defined names are taken from the *open* book (so unsaved
edits are what is checked), put into an in-memory openpyxl workbook and read by :mod:`pia_excel.excel.reader`,
exactly as a file on disk would be.

Writing: only through the xlwings API (``range.value``, ``range.color``, ``add_hyperlink``, ``sheets.add``,
``app.alert``), which xlwings turns into Excel calls (COM) or into *actions* (``book.json()``) for the JSON book and
xlwings Server; :mod:`pia_excel.addin.harness` applies such actions to a workbook file (how the tests check the
handlers without Excel).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.workbook.defined_name import DefinedName

from ..errors import PiaError
from ..excel import names
from ..excel import reader
from ..excel.reader import ReadResult
from ..excel.result_sheet import RESULT_SHEET  # noqa: F401 (the sheet the 検証 button writes)
from ..spec import FORMS, load_spec



class XlError(PiaError):
    """A problem to show to the user as a message in Excel (Japanese, one or a few lines)."""


def prepare_xlwings_environment() -> None:
    """Settings for xlwings' JSON book (``xw.Book(json=…)``), which lives in ``xlwings.pro``.

    ``XLWINGS_LICENSE_KEY=noncommercial`` is xlwings' PolyForm Noncommercial licence, which covers government
    institutions; ``XLWINGS_ON_SERVER`` keeps xlwings from looking for Excel. Must run before xlwings is imported
    where only JSON books are used (tests, the server, :func:`run_on_file`).
    """

    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    os.environ.setdefault("XLWINGS_ON_SERVER", "true")
    xw = sys.modules.get("xlwings")
    if xw is not None and "remote" not in [e.name for e in xw.engines]:
        # xlwings was imported before the licence key was set: register the JSON-book engine now
        from xlwings.pro import _xlremote

        xw.engines.add(xw.Engine(impl=_xlremote.engine))


# ---------------------------------------------------------------------------------------------- reading
@dataclass
class Snapshot:
    """What the open book holds: values of every sheet (rows from A1) and the defined names (``=…`` formulas)."""

    name: str
    sheets: dict[str, list[list[Any]]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)  # sheet → visible / hidden / veryHidden

    def value(self, sheet: str, ref: str) -> Any:
        col, row = coordinate_from_string(ref)

        rows = self.sheets.get(sheet) or []
        c = column_index_from_string(col)
        if row - 1 < len(rows) and c - 1 < len(rows[row - 1]):
            return rows[row - 1][c - 1]
        return None


def _sheet_values(sheet) -> list[list[Any]]:
    used = sheet.used_range
    last = used.last_cell
    if last.row == 1 and last.column == 1 and used.value is None:
        return []
    return sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value or []


def _sheet_state(sheet) -> str:
    api = sheet.api
    if isinstance(api, dict):
        return {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryHidden"}.get(
            api.get("visibility", "Visible"), "visible")
    try:
        return _SHEET_STATES.get(api.Visible, "visible")
    except Exception:  # pragma: no cover - macOS engine
        return "visible" if sheet.visible else "hidden"


def snapshot(book) -> Snapshot:
    """Values and defined names of an xlwings Book (Excel via COM/AppleScript, or a JSON book)."""
    snap = Snapshot(name=book.name)
    for sheet in book.sheets:
        snap.sheets[sheet.name] = _sheet_values(sheet)
        snap.states[sheet.name] = _sheet_state(sheet)
    for n in book.names:
        try:
            name = n.name
            if "!" in name:  # sheet-scoped: never ours
                continue
            if not name.startswith(names.PREFIX):
                continue
            refers_to = n.refers_to
        except Exception:  # a broken name (#REF!) must not stop reading
            continue
        if refers_to:
            snap.names[name] = refers_to
    return snap


def _guess_meta(snap: Snapshot) -> dict[str, str]:
    """pia.meta.* when the book did not give them (clients send only names that refer to ranges)."""
    out = {}
    texts = set()
    for sheet, rows in list(snap.sheets.items())[:3]:
        for row in rows[:15]:
            for v in row:
                if isinstance(v, str):
                    texts.add(v.strip())
    for form in FORMS:
        spec = load_spec(form)
        if any(spec.name in t and "特定個人情報保護評価書" in t for t in texts):
            out[names.FORM_NAME] = f'="{form}"'
            for ed in spec.editions:
                if ed.stamp and ed.stamp in texts:
                    out[names.EDITION_NAME] = f'="{ed.id}"'
            break
    return out


def snapshot_workbook(snap: Snapshot) -> Workbook:
    """An in-memory openpyxl workbook with the snapshot's values and names, for the reader."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in snap.sheets.items():
        ws = wb.create_sheet(title)
        ws.sheet_state = snap.states.get(title, "visible")
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is None or v == "":
                    continue
                cell = ws.cell(row=r, column=c)
                cell.value = v
                if isinstance(v, str):
                    cell.data_type = "s"
    defined = dict(snap.names)
    if names.FORM_NAME not in defined:
        defined.update({k: v for k, v in _guess_meta(snap).items() if k not in defined})
    for name, refers_to in defined.items():
        text = refers_to[1:] if refers_to.startswith("=") else refers_to
        wb.defined_names[name] = DefinedName(name, attr_text=text)
    return wb


def read_book(book, snap: Snapshot | None = None) -> ReadResult:
    """The document in an open xlwings Book, read as :func:`pia_excel.api.load` reads a file."""

    snap = snap or snapshot(book)
    wb = snapshot_workbook(snap)
    return reader.read_opened(wb, Path(snap.name))


# ---------------------------------------------------------------------------------------------- writing
def is_com(book) -> bool:
    """True for a book in a running Excel (classic RunPython), False for JSON books / xlwings Server."""
    return not isinstance(book.api, dict)


class unprotected:
    """In desktop Excel, lift the (password-less) protection of sheets while writing, then restore it.

    Our sheets are protected so that labels stay put; Excel refuses to write or format locked cells otherwise. JSON
    books have no protection to lift (the templates allow formatting cells on their protected sheets)."""

    _FLAGS = ("AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows", "AllowInsertingColumns",
              "AllowInsertingRows", "AllowInsertingHyperlinks", "AllowDeletingColumns", "AllowDeletingRows",
              "AllowSorting", "AllowFiltering", "AllowUsingPivotTables")

    def __init__(self, book, sheet_names: Iterable[str]):
        self.book = book
        self.sheet_names = list(dict.fromkeys(sheet_names))
        self.saved: list[tuple[Any, dict]] = []

    def __enter__(self):
        if not is_com(self.book):
            return self
        for title in self.sheet_names:
            try:
                api = self.book.sheets[title].api
                if not api.ProtectContents:
                    continue
                prot = api.Protection
                flags = {f: getattr(prot, f) for f in self._FLAGS}
                api.Unprotect()
                self.saved.append((api, flags))
            except Exception:  # protected with a password, or not there: the write itself reports it
                continue
        return self

    def __exit__(self, *exc):
        for api, flags in self.saved:
            try:
                api.Protect(DrawingObjects=True, Contents=True, Scenarios=True, **flags)
            except Exception:
                pass
        return False


def sheet_names(book) -> list[str]:
    return [s.name for s in book.sheets]


def alert(book, message: str, title: str = "pia-excel", *, critical: bool = False) -> None:
    book.app.alert(message, title=title, buttons="ok", mode="critical" if critical else "info")


def confirm(book, message: str, title: str = "pia-excel") -> bool:
    """Ask yes/no in desktop Excel; xlwings Server and JSON books cannot wait for an answer (True)."""
    if not is_com(book):
        return True
    return book.app.alert(message, title=title, buttons="yes_no", mode="info") == "yes"


# ---------------------------------------------------------------------------------------------- sync
_SHEET_STATES = {-1: "visible", 0: "hidden", 2: "veryHidden", True: "visible"}  # False == 0
_XL_STATES = {"visible": "Visible", "hidden": "Hidden", "veryHidden": "VeryHidden"}
_COM_STATES = {"visible": -1, "hidden": 0, "veryHidden": 2}
#: characters that make Excel read a typed value as a formula: such text is written to cells formatted as text
_FORMULA_START = ("=", "+", "-", "@")
#: longer strings are written cell by cell (arrays of very long strings are fragile over COM)
_LONG_TEXT = 8000


@dataclass
class _SheetState:
    ws: Any
    state: str
    values: dict[tuple[int, int], Any]
    fills: dict[tuple[int, int], str | None]
    links: dict[tuple[int, int], str]
    fonts: dict[tuple[int, int], tuple]
    widths: dict[str, float]


def _rgb(fill) -> str | None:
    if fill is None or getattr(fill, "fill_type", None) != "solid":
        return None
    rgb = getattr(getattr(fill, "fgColor", None), "rgb", None)
    if not isinstance(rgb, str):
        return None
    return "#" + rgb[-6:].upper()


def _capture(wb) -> tuple[dict[str, _SheetState], dict[str, str]]:
    sheets = {}
    for ws in wb.worksheets:
        values, fills, links, fonts = {}, {}, {}, {}
        for row in ws.iter_rows():
            for c in row:
                key = (c.row, c.column)
                if c.value is not None:
                    values[key] = c.value
                if c.has_style:
                    color = _rgb(c.fill)
                    if color:
                        fills[key] = color
                    f = c.font
                    fonts[key] = (bool(f.b), f.sz, getattr(f.color, "rgb", None) if f.color is not None else None,
                                  f.u)
                if c.hyperlink is not None:
                    links[key] = "#" + c.hyperlink.location if c.hyperlink.location else (c.hyperlink.target or "")
        widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
        sheets[ws.title] = _SheetState(ws, ws.sheet_state, values, fills, links, fonts, widths)
    names_ = {n: dn.attr_text for n, dn in wb.defined_names.items()}
    return sheets, names_


def _runs(keys: Iterable[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(row, first column, last column) runs of adjacent cells."""
    out = []
    for r, c in sorted(keys):
        if out and out[-1][0] == r and out[-1][2] == c - 1:
            out[-1] = (r, out[-1][1], c)
        else:
            out.append((r, c, c))
    return out


def _cell_address(r: int, c: int) -> str:
    return f"{get_column_letter(c)}{r}"


def _write_values(sheet, values: dict[tuple[int, int], Any], keys: Iterable[tuple[int, int]]) -> None:
    keys = list(keys)
    for key in keys:
        v = values.get(key)
        if isinstance(v, str) and v.startswith(_FORMULA_START):
            sheet.range(_cell_address(*key)).number_format = "@"
    long_keys = {k for k in keys if isinstance(values.get(k), str) and len(values[k]) > _LONG_TEXT}
    for r, c1, c2 in _runs(k for k in keys if k not in long_keys):
        row = [_to_excel(values.get((r, c))) for c in range(c1, c2 + 1)]
        sheet.range((r, c1), (r, c2)).value = [row]
    for key in sorted(long_keys):
        sheet.range(_cell_address(*key)).value = values[key]


def _to_excel(v: Any) -> Any:
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return v.isoformat() if isinstance(v, dt.time) else v
    return v


def _set_state(sheet, state: str) -> None:
    if is_com(sheet.book):
        sheet.api.Visible = _COM_STATES[state]
    elif state == "veryHidden":
        sheet.impl.append_json_action(func="setSheetVisibility", args="VeryHidden")
    else:
        sheet.visible = state == "visible"


def _apply_fonts(sheet, fonts: dict[tuple[int, int], tuple], keys: Iterable[tuple[int, int]]) -> None:
    for key in keys:
        bold, size, color, underline = fonts[key]
        rng = sheet.range(_cell_address(*key))
        if bold:
            rng.font.bold = True
        if size and float(size) != 11.0:
            rng.font.size = float(size)


def sync_book(book, before: tuple[dict[str, _SheetState], dict[str, str]], wb, *,
              force_fills: Iterable[tuple[str, str]] = ()) -> None:
    """Make the open ``book`` show what ``wb`` (an in-memory copy that a library function changed) now holds,
    given the state ``before`` that change (from :func:`_capture`): values, fills, hyperlinks, added and removed
    sheets, their visibility and the defined names. Formatting beyond fills, bold and size is not carried over."""
    old_sheets, old_names = before
    new_sheets, new_names = _capture(wb)
    titles = sheet_names(book)
    touched = [t for t in new_sheets if t in titles]
    forced = {(s, ref) for s, ref in force_fills}
    with unprotected(book, touched):
        for title in [t for t in old_sheets if t not in new_sheets and t in titles]:
            _delete_sheet(book, title)
        order = [ws.title for ws in wb.worksheets]
        for title, new in new_sheets.items():
            old = old_sheets.get(title)
            fresh = title not in sheet_names(book)
            if fresh:
                sheet = _add_sheet(book, title, order)
            else:
                sheet = book.sheets[title]
            recreated = fresh or old is None or old.ws is not new.ws
            if recreated:
                if not fresh:
                    used = sheet.used_range
                    used.clear()
                keys = list(new.values)
                _write_values(sheet, new.values, keys)
                for key, color in new.fills.items():
                    sheet.range(_cell_address(*key)).color = color
                _apply_fonts(sheet, new.fonts, [k for k, f in new.fonts.items() if f[0] or (f[1] and f[1] != 11)])
                for key, target in new.links.items():
                    sheet.range(_cell_address(*key)).add_hyperlink(target, _display(new.values.get(key)))
                for letter, width in new.widths.items():
                    if old is None or old.widths.get(letter) != width:
                        sheet.range(f"{letter}1").column_width = width
            else:
                changed = [k for k in set(old.values) | set(new.values) if old.values.get(k) != new.values.get(k)]
                _write_values(sheet, new.values, changed)
                for key in set(old.fills) | set(new.fills):
                    ref = _cell_address(*key)
                    if old.fills.get(key) != new.fills.get(key) or (title, ref) in forced:
                        sheet.range(ref).color = new.fills.get(key)
                for key, target in new.links.items():
                    if old.links.get(key) != target:
                        sheet.range(_cell_address(*key)).add_hyperlink(target, _display(new.values.get(key)))
            if (old.state if old and not fresh else "visible") != new.state:
                _set_state(sheet, new.state)
        book_names = {n.name for n in book.names}
        for name, text in new_names.items():
            if old_names.get(name) == text and name in book_names:
                continue
            if name in book_names:
                book.names[name].refers_to = "=" + text
            else:
                book.names.add(name, "=" + text)


def _display(v: Any) -> str | None:
    return None if v is None else str(v)


def _add_sheet(book, title: str, order: list[str]):
    titles = sheet_names(book)
    pos = order.index(title)
    following = [t for t in order[pos + 1:] if t in titles]
    if following:
        return book.sheets.add(title, before=book.sheets[following[0]])
    return book.sheets.add(title, after=book.sheets[len(titles) - 1])


def _delete_sheet(book, title: str) -> None:
    app = book.app
    if is_com(book):
        alerts = app.display_alerts
        app.display_alerts = False
        try:
            book.sheets[title].delete()
        finally:
            app.display_alerts = alerts
    else:
        book.sheets[title].delete()


class BookEdit:
    """An in-memory openpyxl copy of the open book for a library function to change, then :meth:`commit` to
    write the changes into the book::

        with BookEdit(book) as edit:
            publish(edit.wb, date)
        # the open book now shows the new 公表日 and holds the baseline sheet
    """

    def __init__(self, book, snap: Snapshot | None = None):
        self.book = book
        self.snap = snap or snapshot(book)
        self.wb = snapshot_workbook(self.snap)
        self.before = _capture(self.wb)
        self.force_fills: list[tuple[str, str]] = []

    def recapture(self) -> None:
        """Take the state *now* as the starting point (after priming the copy with what the book shows)."""
        self.before = _capture(self.wb)

    def read(self) -> ReadResult:

        return reader.read_opened(self.wb, Path(self.snap.name))

    def commit(self) -> None:
        sync_book(self.book, self.before, self.wb, force_fills=self.force_fills)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            self.commit()
        return False


def json_book(payload: dict):
    """``xw.Book(json=payload)``: an xlwings Book that records what is written as actions (``book.json()``)."""
    prepare_xlwings_environment()
    import xlwings as xw

    return xw.Book(json=json.loads(json.dumps(payload, default=str)))
