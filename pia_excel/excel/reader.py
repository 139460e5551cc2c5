"""Read a filled workbook into the document model.

Cells are found by their defined names (``names.py``), so rows users insert or move do not break reading;
workbooks without our names (e.g. made from the PPC's own file, or sheets copied into a new book) are read by
matching the printed labels (``labels.py``). Values that do not fit the model (a choice not in its list, a
count that is not a number, an impossible 和暦 date) do not stop reading: they are kept verbatim in
``doc.invalid_values`` (so writing the document back loses nothing) and reported with their cell.

pia-excel's own workbooks are read fastest: when the ``<definedNames>`` element of ``xl/workbook.xml`` is, character
for character, the one the writer gives the workbook's layout (``layout.Layout.names_template``), no name is
parsed; when the parsed names are exactly the layout's, they are not looked up one by one. In both cases each
sheet is read once and value cells are taken by the layout's row and column, following a plan compiled once per
part (``_plan``). Otherwise every name is parsed and each value cell found by its name. The three ways give the
same document, issues and cells (tests/test_fast_read.py).
"""
from __future__ import annotations

import unicodedata
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import ERROR, WARNING, Issue, WorkbookError
from ..models import DOCUMENTS, Document
from ..spec import FORM_NAMES, FormSpec, Item, load_spec
from . import names
from .bylabel import read_by_labels, read_extra_sheets
from .cells import SheetRows, WorkbookCells, bounds, names_element, parse_ref, row_col
from .layout import GUIDE_SHEET, OWN_SHEETS, TABLE_COLUMNS, Layout, col_letter, layout, part, sheet_name
from .limits import check_package, check_package_skipping
from .values import (ILLEGAL_CHARACTERS_RE, INVALID_MARK, MAX_CELL, NOTICE_CODE, ODD_MARK_CODE, TICK_MARKS, TICKED,  # noqa: F401
                     ReadResult, cell_choice, cell_count, cell_date, cell_text, excel_date_notice, mark_state,
                     odd_mark_message)

#: more 特定個人情報ファイル than any real document has: such meta values are not trusted for the fast path
MAX_FILES = 999


def check_file(path: Path) -> frozenset[str]:
    """Raise one clear :class:`WorkbookError` for files that cannot be an xlsx/xlsm workbook; return the worksheet
    parts that hold formulas (:func:`~pia_excel.excel.limits.check_package`)."""
    _check_kind(path)
    return check_package(path)  # sizes and used ranges, before python-calamine or openpyxl allocates anything


def _check_kind(path: Path) -> None:
    if not path.exists():
        raise WorkbookError(f"{path}: ファイルがありません")
    if path.is_dir():
        raise WorkbookError(f"{path}: フォルダです（ファイルを指定してください）")
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if _is_encrypted_ooxml(path):
            raise WorkbookError(f"{path}: パスワードで保護されたファイルは読めません（Excelでパスワードを解除して保存し直してください）")
        raise WorkbookError(f"{path}: Excel 97-2003 形式（.xls）は読めません（Excelで .xlsx 形式で保存し直してください）")
    if not head.startswith(b"PK"):
        raise WorkbookError(f"{path}: Excelブック（.xlsx/.xlsm）ではありません")


def _unreadable(path: Path, e: Exception) -> WorkbookError:
    if isinstance(e, zipfile.BadZipFile):
        return WorkbookError(f"{path}: ファイルが壊れています（ZIPとして読めません）")
    if isinstance(e, KeyError):
        return WorkbookError(f"{path}: Excelブックとして読めません（{e.args[0]} がありません）")
    return WorkbookError(f"{path}: Excelブックとして読めません（{type(e).__name__}: {e}）")


def open_workbook(path: Path, *, keep_vba: bool = False, read_only: bool = False):
    """Open with openpyxl (for editing), turning every kind of unreadable file into one :class:`WorkbookError`."""
    from openpyxl import load_workbook  # slow import (pulls numpy in) kept off the cold path: reading uses calamine

    path = Path(path)
    check_file(path)
    try:
        return load_workbook(path, data_only=True, keep_vba=keep_vba, read_only=read_only, keep_links=False)
    except Exception as e:  # openpyxl raises many kinds on malformed files
        raise _unreadable(path, e) from None


def open_cells(path: Path) -> WorkbookCells:
    """Open for reading values only (fast path of :func:`read_workbook`)."""
    path = Path(path)
    _check_kind(path)
    # pia-excel's own sheets are not read as values (the live checks' チェック計算 is the largest part of the
    # workbook): their limits are checked only if something asks for their cells (WorkbookCells.grid)
    scan = check_package_skipping(path, OWN_SHEETS, keep=True)
    try:
        book = WorkbookCells(path, scan.workbook_xml, scan.parts)
    except Exception as e:  # zipfile, XML and calamine errors
        raise _unreadable(path, e) from None
    book.formula_parts = scan.formula_parts
    book.unchecked = scan.unchecked
    book.deferred = {part: scan.parts[part] for part in scan.deferred}
    book.cells_counted = scan.cells
    return book


class OpenpyxlCells(SheetRows):
    """The :class:`WorkbookCells` interface over a workbook already open in openpyxl (e.g. one being edited)."""

    def __init__(self, wb):
        self.wb = wb
        self.sheetnames = list(wb.sheetnames)
        self.defined_names = {name: dn.attr_text for name, dn in wb.defined_names.items()}
        self._rows: dict[str, list[list[Any]]] = {}

    def visible(self, sheet: str) -> bool:
        return self.wb[sheet].sheet_state == "visible"

    def rows(self, sheet: str) -> list[list[Any]]:
        if sheet not in self._rows:
            self._rows[sheet] = [list(r) for r in self.wb[sheet].iter_rows(values_only=True)]
        return self._rows[sheet]

    def merged(self, sheet: str) -> list[tuple[int, int, int, int]]:
        ranges = getattr(self.wb[sheet], "merged_cells", None)  # none in read-only mode
        return [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ranges.ranges] if ranges is not None else []


def _is_encrypted_ooxml(path: Path) -> bool:
    with open(path, "rb") as fh:  # the head of the file only, however large it is
        data = fh.read(1 << 16)
    return "EncryptionInfo".encode("utf-16-le") in data or b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00" in data


def detect_form(cells, path: Path) -> tuple[str, str | None]:
    """The form (and edition) of a workbook: from our defined names, else from the printed title."""
    dn = cells.defined_names
    form = dn.get(names.FORM_NAME, "").strip('"')
    if form in DOCUMENTS:
        return form, dn[names.EDITION_NAME].strip('"') if names.EDITION_NAME in dn else None
    for sheet in cells.sheetnames[:3]:
        for row in cells.rows(sheet)[:15]:
            for v in row:
                if not isinstance(v, str):
                    continue
                t = unicodedata.normalize("NFKC", v)
                if "重点項目評価書" in t and "特定個人情報保護評価書" in t:
                    return "juten", _printed_edition(cells, "juten")
                if "全項目評価書" in t and "特定個人情報保護評価書" in t:
                    return "zenkomoku", _printed_edition(cells, "zenkomoku")
                if "基礎項目評価書" in t and "特定個人情報保護評価書" in t:
                    raise WorkbookError(f"{path}: 基礎項目評価書にはまだ対応していません（重点項目評価書・全項目評価書のみ）")
    raise WorkbookError(f"{path}: 特定個人情報保護評価書（{'・'.join(FORM_NAMES.values())}）のブックではありません")


def _printed_edition(cells, form: str) -> str | None:
    """The edition whose stamp (e.g. "[平成30年５月　様式４]") the cover prints, for books without our names;
    None (the default edition) when no stamp is found."""
    def key(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split())

    stamps = [(key(e.stamp), e.id) for e in load_spec(form).editions if e.stamp]
    for sheet in [s for s in cells.sheetnames if s != GUIDE_SHEET][:1]:  # the cover (after our 使い方 sheet)
        for row in cells.rows(sheet)[:60]:
            for v in row:
                if isinstance(v, str):
                    t = key(v)
                    for stamp, edition in stamps:
                        if stamp in t:
                            return edition
    return None


# ---------------------------------------------------------------------------------------------- reading
class _NameReader:
    """Reads values through the workbook's defined names."""

    def __init__(self, book, spec: FormSpec, edition_labels: dict, result: ReadResult,
                 known: tuple[Layout, dict] | None = None):
        self.book, self.spec, self.edition_labels, self.result = book, spec, edition_labels, result
        #: defined name → (sheet, first cell, (min_col, min_row, max_col, max_row))
        self.refs: dict[str, tuple[str, str, tuple[int, int, int, int]]] = {}
        self.nfiles = 0
        #: ○ cells holding a mark that is neither ○ nor a "no" mark: option cell path → the mark as written
        self.invalid: dict[str, str] = {}
        #: the layout the workbook's names match exactly (then values are read by row and column)
        self.layout: Layout | None = None
        if known is not None:  # the names element is the layout's, as written (see _by_template)
            self.layout, self.refs = known
            self.nfiles = self.layout.files
        elif not self.from_layout():
            self.parse_names()

    def from_layout(self) -> bool:
        """Take the refs from the layout when the workbook's defined names are exactly those the writer gives
        a workbook of its form, edition and number of files (pia-excel's own workbooks, unedited in structure)."""
        dn = self.book.defined_names
        files = dn.get(names.FILES_NAME, "")
        edition = dn.get(names.EDITION_NAME, "").strip('"')
        if not files.isdigit() or not 0 < int(files) <= MAX_FILES or edition not in {e.id for e in self.spec.editions}:
            return False
        lay = layout(self.spec.form, edition, int(files))
        fixed = lay.fixed_names
        ranges = lay.range_names
        if len(dn) != len(fixed) + len(ranges) + len(lay.meta_names()) or not fixed.items() <= dn.items():
            return False
        refs = _layout_refs(lay, dn, self.book)
        if refs is None:
            return False
        self.refs, self.nfiles, self.layout = refs, lay.files, lay
        return True

    def parse_names(self) -> None:
        """Parse every defined name (workbooks whose rows were moved, or made by other tools)."""
        book = self.book
        for name, text in book.defined_names.items():
            if not name.startswith(names.PREFIX) or name.startswith("pia.meta."):
                continue
            ref = parse_ref(text)
            if ref is None or ref[0] not in book.sheetnames:
                continue
            self.refs[name] = (ref[0], ref[1].split(":")[0], bounds(ref[1]))
            if name.startswith("pia.files."):
                n = name[len("pia.files."):].split(".", 1)[0]
                if n.isdigit():
                    self.nfiles = max(self.nfiles, int(n))

    def files(self) -> int:
        return self.nfiles

    def cell(self, path: str, suffix: str = "") -> Any:
        ref = self.refs.get(names.to_name(path, suffix))
        if ref is None:
            return None
        sheet, first, (min_col, min_row, _, _) = ref
        self.result.cells[path + suffix] = (sheet, first)
        value = self.book.value(sheet, min_row, min_col)
        if isinstance(value, str):
            self.check_text(path + suffix, value)
        return value

    def check_text(self, path: str, text: str) -> None:
        """Report cell text Excel itself would not hold (files written by other tools can contain it)."""
        if len(text) >= MAX_CELL:  # openpyxl cuts longer cells to the limit when reading
            self.issue(path, "Excelの1セルの上限 32,767文字に達しています（それ以降が切り捨てられている可能性があります）")
        if ILLEGAL_CHARACTERS_RE.search(text):
            self.issue(path, "制御文字が含まれています（Excelで保存できません）")

    def range_rows(self, path: str) -> list[tuple]:
        ref = self.refs.get(names.to_name(path))
        if ref is None:
            return []
        sheet, first, (min_col, min_row, max_col, max_row) = ref
        self.result.cells[path] = (sheet, first)
        rows = [tuple(self.book.value(sheet, r, c) for c in range(min_col, max_col + 1))
                for r in range(min_row, max_row + 1)]
        for i, row in enumerate(rows, start=1):
            for v in row:
                if isinstance(v, str):
                    self.check_text(f"{path}[{i}]", v)
        return rows

    # ---- structure
    def fields(self, items: list[Item], prefix: str) -> dict:
        out: dict = {}
        for it in items:
            path = f"{prefix}.{it.key}"
            kind = it.value_kind
            if kind == "repeat":
                blocks = []
                for slot in range(1, it.max + 1):
                    blocks.append(self.fields(it.fields(), f"{path}[{slot}]"))
                while blocks and not any(v not in (None, []) for v in blocks[-1].values()):
                    blocks.pop()
                out[it.key] = blocks
            elif kind == "checkboxes":
                out[it.key] = self.ticks(it, path)
            elif kind == "list":
                out[it.key] = _list(self.range_rows(path))
            elif kind == "table":
                out[it.key] = _table(self.range_rows(path))
            elif kind == "choice":
                out[it.key] = cell_choice(self.cell(path), it, self.edition_labels)
            elif kind == "count":
                out[it.key] = cell_count(self.cell(path))
            elif kind == "date":
                v = self.cell(path)
                out[it.key] = cell_date(v)
                if v.__class__ is not str and excel_date_notice(v):
                    self.issue(path, excel_date_notice(v))
            else:
                out[it.key] = cell_text(self.cell(path))
            if it.count:
                out[f"{it.key}_count"] = cell_count(self.cell(f"{path}_count"))
        return out

    def ticks(self, item: Item, path: str) -> list[dict]:
        out = []
        for i, opt in enumerate(item.options, start=1):
            mark = cell_text(self.cell(path, names.option_suffix(i)))
            detail = cell_text(self.cell(path, names.option_suffix(i, "detail"))) if opt.detail else None
            count = cell_count(self.cell(path, names.option_suffix(i, "count"))) if opt.count else None
            tick = self.tick(path + names.option_suffix(i), self.edition_labels.get(opt.label, opt.label), mark,
                             detail, count)
            if tick is not None:
                out.append(tick)
                if count is not None and not isinstance(count, int):  # "約5", "三": reported at the count cell
                    where = self.result.cells.get(path + names.option_suffix(i, "count"))
                    if where is not None:
                        self.result.cells[f"{path}[{len(out)}].count"] = where
        return out

    def tick(self, path: str, label: str, mark: str | None, detail: str | None, count: Any) -> dict | None:
        """One option of a checkbox list as the model holds it (None when nothing is written for it). A mark that
        is neither ○ nor a "no" mark is never a tick: kept as written (``invalid_values``), an error at its cell."""
        state = mark_state(mark)
        if state == INVALID_MARK:
            self.invalid[path] = mark
            self.issue(path, odd_mark_message(mark), mark, code=ODD_MARK_CODE, severity=ERROR)
        if state != TICKED and detail is None and count is None:
            return None
        tick: dict = {"label": label}
        if state != TICKED:
            tick["checked"] = False
        if detail is not None:
            tick["detail"] = detail
        if count is not None:
            tick["count"] = count
        return tick

    def issue(self, path: str, message: str, value: Any = None, code: str = NOTICE_CODE, severity: str = WARNING) -> None:
        sheet, cell = self.result.cells.get(path, (None, None))
        self.result.issues.append(Issue(code, severity, message, path, sheet, cell, value=value))


def _layout_refs(lay: Layout, texts: dict[str, str], book) -> dict | None:
    """The reader's refs of a workbook whose fixed names are the layout's and whose data-dependent ranges have
    ``texts``: None when a range does not start at the layout's first cell, or a sheet is missing."""
    refs = dict(lay.name_refs)
    for name, rows in lay.range_names.items():
        ref = parse_ref(texts.get(name, ""))
        first = f"{col_letter(rows.name_cols[0])}{rows.first_row}"
        if ref is None or ref[1].split(":")[0] != first or ref[0] != lay.range_sheets[name]:
            return None
        refs[name] = (ref[0], first, bounds(ref[1]))
    if not set(lay.titles) <= set(book.sheetnames):
        return None
    return refs


def _name_text(xml: bytes, span: tuple[int, int], name: str) -> str:
    head = f'<definedName name="{name}">'.encode()
    i = xml.rfind(head, *span)
    return "" if i < 0 else xml[i + len(head):xml.find(b"<", i + len(head))].decode("utf-8", "replace")


def _by_template(book) -> tuple[str, str, Layout, dict] | None:
    """(form, edition, layout, refs) when the workbook's ``<definedNames>`` element is, character for
    character, the one the writer gives its form, edition and number of files (pia-excel's own workbooks as
    written): the names are then known without parsing them. None otherwise (the names are parsed)."""
    xml = getattr(book, "workbook_xml", None)
    span = names_element(xml) if xml is not None else None
    if span is None:
        return None
    form = _name_text(xml, span, names.FORM_NAME).strip('"')
    edition = _name_text(xml, span, names.EDITION_NAME).strip('"')
    files = _name_text(xml, span, names.FILES_NAME)
    if form not in DOCUMENTS or not files.isdigit() or not 0 < int(files) <= MAX_FILES:
        return None
    if edition not in {e.id for e in load_spec(form).editions}:
        return None
    lay = layout(form, edition, int(files))
    chunks, ranges = lay.names_template
    texts: dict[str, str] = {}
    pos, stop = span
    for i, chunk in enumerate(chunks):
        if not xml.startswith(chunk, pos):
            return None
        pos += len(chunk)
        if i < len(ranges):
            end = xml.find(b"<", pos, stop)
            texts[ranges[i]] = xml[pos:end].decode("utf-8", "replace")
            pos = end
    if pos != stop:
        return None
    refs = _layout_refs(lay, texts, book)
    return None if refs is None else (form, edition, lay, refs)


def _list(rows: list[tuple]) -> list[str]:
    vals = [cell_text(r[0]) for r in rows]
    while vals and vals[-1] is None:
        vals.pop()
    return ["" if v is None else v for v in vals]


def _table(range_rows: list[tuple]) -> list[dict]:
    rows = []
    n = len(TABLE_COLUMNS)
    for r in range_rows:
        row = dict(zip(TABLE_COLUMNS, [cell_text(v) for v in r[:n]] + [None] * (n - len(r[:n]))))
        row["date"] = cell_date(r[0]) if r else None
        row["timing"] = row["timing"].strip() if row["timing"] else None
        rows.append(row)
    while rows and all(v is None for v in rows[-1].values()):
        rows.pop()
    return rows


# ---- the fast path: value cells by the layout's row and column
# A part's plan lists, in the order _NameReader.fields visits them, what to read: (op, key, path within the
# sheet, 0-based (row, col) or None, item) for single cells, the slots' plans of a repeat group, the options of
# a checkbox list, the path of a list or table range. Computed once per form, edition and part.
_TEXT, _CHOICE, _COUNT, _DATE, _REPEAT, _TICKS, _LIST, _TABLE = range(8)
_illegal = ILLEGAL_CHARACTERS_RE.search
_SIMPLE = {"text": _TEXT, "choice": _CHOICE, "count": _COUNT, "date": _DATE}


@lru_cache(maxsize=64)
def _plan(form: str, edition_id: str, section_key: str) -> tuple:
    spec = load_spec(form)
    pos = part(form, edition_id, section_key).positions
    labels = spec.edition(edition_id).labels

    def at(path: str):
        rc = pos.get(path)
        return None if rc is None else (rc[0] - 1, rc[1] - 1)

    def compile_items(items: list[Item], prefix: str) -> tuple:
        ops: list[tuple] = []
        for it in items:
            path = f"{prefix}.{it.key}"
            kind = it.value_kind
            if kind == "repeat":
                slots = []
                for slot in range(1, it.max + 1):
                    slot_ops = compile_items(it.fields(), f"{path}[{slot}]")
                    slots.append((slot_ops, _cells_of(slot_ops), tuple(op[1] for op in slot_ops),
                                  tuple(op[1] for op in slot_ops if op[0] in (_REPEAT, _TICKS))))
                ops.append((_REPEAT, it.key, path, None, tuple(slots)))
            elif kind == "checkboxes":
                opts = []
                for i, opt in enumerate(it.options, start=1):
                    mark = names.option_suffix(i)
                    detail = at(path + names.option_suffix(i, "detail")) if opt.detail else None
                    count = at(path + names.option_suffix(i, "count")) if opt.count else None
                    opts.append((mark, at(path + mark), detail, count, labels.get(opt.label, opt.label)))
                cells = tuple(rc for opt in opts for rc in opt[1:4] if rc is not None)
                ops.append((_TICKS, it.key, path, None, (tuple(opts), cells)))
            elif kind == "list":
                ops.append((_LIST, it.key, path, None, it))
            elif kind == "table":
                ops.append((_TABLE, it.key, path, None, it))
            else:
                ops.append((_SIMPLE.get(kind, _TEXT), it.key, path, at(path), it))
            if it.count:
                ops.append((_COUNT, f"{it.key}_count", f"{path}_count", at(f"{path}_count"), it))
        return tuple(ops)

    return compile_items(spec.section(section_key).fields(), section_key)


def _cells_of(ops: tuple) -> tuple | None:
    """Every cell a plan reads (None when it reads a range)."""
    out: list = []
    for op, _, _, rc, arg in ops:
        if op < _REPEAT:
            if rc is not None:
                out.append(rc)
        elif op == _REPEAT:
            for _, cells, _, _ in arg:
                if cells is None:
                    return None
                out += cells
        elif op == _TICKS:
            out += arg[1]
        else:
            return None
    return tuple(out)


class _GridReader:
    """Reads one sheet's values by the row and column of the layout (the workbook's names are exactly the
    layout's): the same values, issues and order as :class:`_NameReader`, without a lookup per cell."""

    def __init__(self, names_reader: _NameReader, sheet: str, prefix: str):
        self.nr, self.sheet, self.prefix = names_reader, sheet, prefix
        self.data = names_reader.book.grid(sheet)
        self.labels = names_reader.edition_labels

    def text(self, rc: tuple[int, int] | None, path: str, suffix: str = "") -> Any:
        """The value at 0-based ``rc`` (None when empty); text Excel would not hold is reported at ``path`` +
        ``suffix`` (within the sheet)."""
        if rc is None or rc[0] >= len(self.data):
            return None
        row = self.data[rc[0]]
        if rc[1] >= len(row):
            return None
        v = row[rc[1]]
        if v.__class__ is str:
            if v == "":
                return None
            if len(v) >= MAX_CELL or _illegal(v):
                self.nr.check_text(self.prefix + path + suffix, v)
        return v

    def run(self, ops: tuple) -> dict:
        data, n = self.data, len(self.data)
        out: dict = {}
        for op, key, path, rc, arg in ops:
            if op < _REPEAT:  # one cell (inlined: this runs for every value cell)
                v = None
                if rc is not None and rc[0] < n:
                    row = data[rc[0]]
                    if rc[1] < len(row):
                        v = row[rc[1]]
                        if v.__class__ is str:
                            if v == "":
                                v = None
                            elif len(v) >= MAX_CELL or _illegal(v):
                                self.nr.check_text(self.prefix + path, v)
                if v is None:
                    out[key] = None
                elif op == _TEXT:
                    out[key] = v if v.__class__ is str else cell_text(v)
                elif op == _CHOICE:
                    out[key] = cell_choice(v, arg, self.labels)
                elif op == _COUNT:
                    out[key] = cell_count(v)
                else:
                    out[key] = cell_date(v)
                    if v.__class__ is not str and excel_date_notice(v):
                        self.nr.issue(self.prefix + path, excel_date_notice(v))
            elif op == _REPEAT:
                blocks, blank = [], []
                for slot_ops, cells, keys, list_keys in arg:
                    if cells is not None and self.blank(cells):  # most slots of a document are
                        block = dict.fromkeys(keys)
                        for k in list_keys:
                            block[k] = []
                        blank.append(True)
                    else:
                        block = self.run(slot_ops)
                        blank.append(False)
                    blocks.append(block)
                while blocks and (blank[-1] or not any(v not in (None, []) for v in blocks[-1].values())):
                    blocks.pop()
                    blank.pop()
                out[key] = blocks
            elif op == _TICKS:
                out[key] = [] if self.blank(arg[1]) else self.ticks(path, arg[0])
            elif op == _LIST:
                out[key] = _list(self.range_rows(path))
            else:
                out[key] = _table(self.range_rows(path))
        return out

    def blank(self, cells: tuple) -> bool:
        """All these cells are empty: what :meth:`run` gives for them is None for every value, [] for every
        checkbox list and repeat group, and no issue."""
        data, n = self.data, len(self.data)
        for r, c in cells:
            if r < n:
                row = data[r]
                if c < len(row) and row[c] not in ("", None):
                    return False
        return True

    def ticks(self, path: str, options: tuple) -> list[dict]:
        out = []
        text = self.text
        for suffix, mark_rc, detail_rc, count_rc, label in options:
            mark = text(mark_rc, path, suffix)
            if mark is not None and mark.__class__ is not str:
                mark = cell_text(mark)
            detail = cell_text(text(detail_rc, path, suffix + ".detail")) if detail_rc is not None else None
            count = cell_count(text(count_rc, path, suffix + ".count")) if count_rc is not None else None
            tick = self.nr.tick(self.prefix + path + suffix, label, mark, detail, count)
            if tick is not None:
                out.append(tick)
                if count is not None and not isinstance(count, int):  # "約5", "三": reported at the count cell
                    cells = self.nr.result.cells
                    where = cells.get(self.prefix + path + suffix + ".count")
                    if where is not None:
                        cells[f"{self.prefix}{path}[{len(out)}].count"] = where
        return out

    def range_rows(self, path: str) -> list[tuple]:
        full = self.prefix + path
        ref = self.nr.refs.get(names.to_name(full))
        if ref is None:
            return []
        _, _, (min_col, min_row, max_col, max_row) = ref
        data = self.data
        rows = []
        for r in range(min_row - 1, max_row):
            row = data[r] if r < len(data) else ()
            rows.append(tuple(None if c >= len(row) or row[c] == "" else row[c] for c in range(min_col - 1, max_col)))
        for i, row in enumerate(rows, start=1):
            for v in row:
                if v.__class__ is str and (len(v) >= MAX_CELL or _illegal(v)):
                    self.nr.check_text(f"{full}[{i}]", v)
        return rows


def _read_by_layout(reader: _NameReader, spec: FormSpec, data: dict) -> None:
    """Fill ``data`` from the sheets of ``reader.layout`` (the fast path of :func:`read_opened`)."""
    lay = reader.layout
    reader.result.cells.update(lay.cells)
    edition = lay.edition.id
    for sec in spec.sections:
        if sec.per_file:
            continue
        data[sec.key] = _GridReader(reader, sheet_name(sec, None), "").run(_plan(spec.form, edition, sec.key))
    data["files"] = [{fs.key: _GridReader(reader, sheet_name(fs, n), f"files[{n}].").run(
                          _plan(spec.form, edition, fs.key)) for fs in spec.file_sections}
                     for n in range(1, max(lay.files, 1) + 1)]


def read_workbook(path: str | Path) -> ReadResult:
    """Read a workbook into its document model. Raises :class:`WorkbookError` for files that are not
    readable 評価書 workbooks; everything else is reported in ``ReadResult.issues``."""
    path = Path(path)
    book = open_cells(path)
    try:
        return read_opened(book, path)
    finally:
        book.close()


def read_opened(book, path: Path) -> ReadResult:
    """Read from a :class:`WorkbookCells` or from an openpyxl workbook that is open (e.g. being edited)."""
    if not isinstance(book, SheetRows):
        book = OpenpyxlCells(book)
    known = _by_template(book)
    if known is not None:
        form, edition = known[0], known[1]
    else:
        form, edition = detect_form(book, path)
    spec = load_spec(form)
    try:
        ed = spec.edition(edition)
    except KeyError:
        ed = spec.default_edition
    doc_cls = DOCUMENTS[form]
    result = ReadResult(doc=doc_cls(), source=path)
    reader = _NameReader(book, spec, ed.labels, result, known=known[2:] if known is not None else None)
    if not reader.refs:
        data = read_by_labels(book, spec, ed, result)
    elif reader.layout is not None and ed.id == reader.layout.edition.id:
        data = {"form": form, "edition": ed.id}
        _read_by_layout(reader, spec, data)
    else:
        data: dict = {"form": form, "edition": ed.id}
        nfiles = reader.files()
        for sec in spec.sections:
            if sec.per_file:
                continue
            data[sec.key] = reader.fields(sec.fields(), sec.key)
        data["files"] = [{fs.key: reader.fields(fs.fields(), f"files[{n}].{fs.key}") for fs in spec.file_sections}
                         for n in range(1, max(nfiles, 1) + 1)]
    if reader.refs:  # sheets added beside the named ones (copies of Ⅱ/記録項目/Ⅲ …): further files, or errors
        read = set(reader.layout.titles) if reader.layout is not None else {ref[0] for ref in reader.refs.values()}
        read_extra_sheets(book, spec, ed, result, data, read)
    if reader.invalid:
        data["invalid_values"] = {**reader.invalid, **(data.get("invalid_values") or {})}
    if book.formula_parts:
        _read_formulas(book, reader, result, data)
    result.doc = validate_leniently(doc_cls, data, result)
    return result


def _read_formulas(book, reader: _NameReader, result: ReadResult, data: dict) -> None:
    """Value cells holding a formula: its computed value (the value Excel saved with it) is what was read; the
    formula is kept in ``data["formulas"]`` by the cell's item path, so that writing the document to a workbook
    writes it back with that value, and reported at its cell."""
    sheets = {s for s in book.formula_sheets() if s not in OWN_SHEETS}  # pia-excel's checks are formulas: not values
    if not sheets:
        return
    found = book.formulas(sheets)
    if not found:
        return
    where: dict[tuple[str, str], str] = {}  # (sheet, cell) → the path of the value cell
    for path, cell in result.cells.items():
        if cell[0] in found:
            where.setdefault(cell, path)  # the cell's own path first (a tick's "[k].count" alias follows it)
    ranges = [(path, ref) for path, ref in reader.refs.items()
              if ref[0] in found and (ref[2][0] != ref[2][2] or ref[2][1] != ref[2][3])]  # lists, tables: by row
    range_paths = {}
    for name, (sheet, _, (c1, r1, c2, r2)) in ranges:
        path = names.from_name(name)
        for cell in found[sheet]:
            r, c = row_col(cell)
            if r1 <= r <= r2 and c1 <= c <= c2 and (c1 == c2 or c - c1 < len(TABLE_COLUMNS)):
                i = r - r1 + 1
                range_paths[(sheet, cell)] = (f"{path}[{i}]" if c1 == c2 else f"{path}[{i}].{TABLE_COLUMNS[c - c1]}")
    formulas: dict[str, str] = {}
    for sheet, cells in found.items():
        for cell, formula in sorted(cells.items(), key=lambda kv: row_col(kv[0])):
            path = where.get((sheet, cell)) or range_paths.get((sheet, cell))
            if path is None:
                continue  # a formula outside the value cells (a sum in the margin, …): not part of the document
            formulas[path] = formula
            value = book.value(sheet, *row_col(cell))
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if value in (None, ""):
                how = "計算結果が保存されていないため空欄として読みました（Excelで開いて保存し直すと計算結果が保存されます）"
            else:
                how = f"保存されている計算結果「{value}」を値として読みました"
            result.issues.append(Issue(NOTICE_CODE, WARNING, f"数式 {formula} のセルです。{how}（数式は変換後のデータと"
                                       "ブックにも残ります）", path, sheet, cell, value=formula))
    if formulas:
        data["formulas"] = formulas


def _loc_path(loc: tuple) -> str:
    out = ""
    for step in loc:
        if isinstance(step, int):
            out += f"[{step + 1}]"
        else:
            out += ("." if out else "") + str(step)
    return out


def validate_leniently(doc_cls, data: dict, result: ReadResult) -> Document:
    """Validate; values the model rejects move to ``invalid_values`` with an issue at their cell."""
    invalid: dict[str, str] = dict(data.get("invalid_values") or {})
    for _ in range(50):
        try:
            data["invalid_values"] = invalid
            return doc_cls.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = list(err["loc"])
                # descend to the offending value, dropping validator-internal loc parts
                parent, key, keys = None, None, []
                node: Any = data
                for part in loc:
                    if isinstance(node, dict) and part in node:
                        parent, key, node = node, part, node[part]
                        keys.append(part)
                    elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                        parent, key, node = node, part, node[part]
                        keys.append(part)
                    else:
                        break
                if parent is None:
                    raise
                path = _loc_path(tuple(keys))
                raw = node
                if isinstance(parent, dict):
                    parent[key] = [] if isinstance(raw, list) else None
                    if isinstance(raw, dict):
                        parent[key] = {}
                else:
                    parent[key] = {} if isinstance(raw, dict) else None
                if raw is not None:
                    invalid[path] = raw if isinstance(raw, str) else str(raw)
                sheet, cell = result.cell_of(path) or (None, None)
                result.issues.append(Issue(None, ERROR, _message(err, raw), path, sheet, cell, value=raw))
    raise RuntimeError("validation did not converge")  # pragma: no cover


def _message(err: dict, raw: Any) -> str:
    t = err["type"]
    if t == "literal_error":
        return f"＜選択肢＞にない値です: {raw!r}"
    if t in ("int_parsing", "int_type", "greater_than_equal"):
        return f"0以上の整数を入力してください: {raw!r}"
    if t == "value_error":
        return str(err.get("ctx", {}).get("error", err["msg"]))
    if t == "too_long":
        return f"件数が多すぎます（最大 {err.get('ctx', {}).get('max_length')}）"
    return f"{err['msg']}: {raw!r}"
