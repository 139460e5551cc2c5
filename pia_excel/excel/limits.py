"""Resource limits checked on a workbook package before anything parses it.

python-calamine (and openpyxl) trust what a workbook says about itself: calamine allocates each sheet's used
range as one dense grid (a 77 KB workbook with one cell at XFD1048576 asks for 512 GiB and aborts the process),
and a zip member may inflate to gigabytes. :func:`check_package` reads the zip directory and streams the
worksheet parts (nothing is kept in memory; inflated with ISA-L when python-isal is installed, ~4x faster than
zlib), looks for cells only inside <sheetData> where every reader takes them from, and raises one
:class:`~pia_excel.errors.WorkbookError` naming the file and the limit that was exceeded.

The limits are settings (:class:`Limits`); the defaults are sized for the largest real 評価書 — a 全項目評価書 with
99 特定個人情報ファイル: ~6.5 MB on disk, ~200 sheets of ~60 rows × 6 columns, hundreds of rows at most in 記録項目
and 変更箇所 — with a wide margin. Each can be changed by an environment variable (``PIA_EXCEL_MAX_CELLS=…``):

============================  =============  =====================================================================
environment variable          default        what
============================  =============  =====================================================================
PIA_EXCEL_MAX_TOTAL_BYTES     1 GiB          all members of the package, uncompressed (as the zip directory says)
PIA_EXCEL_MAX_PART_BYTES      256 MiB        one member, uncompressed
PIA_EXCEL_MAX_RATIO           200            uncompressed / compressed size of a member larger than 1 MiB
PIA_EXCEL_MAX_SHEETS          2000           worksheets
PIA_EXCEL_MAX_SHEET_CELLS     2000000        one sheet's used range from A1 (rows × columns), both as its
                                             <dimension> says and as its cells are placed
PIA_EXCEL_MAX_CELLS           20000000       the used ranges of all sheets together (a sheet whose cells all lie
                                             within A1:Z9999 counts as its <dimension> says, at most 259,974)
============================  =============  =====================================================================

The reader leaves out pia-excel's own sheets that it never reads as values (:func:`check_package_skipping`:
使い方, チェック, the live checks' チェック計算 — 1.5 MB of formulas in a 3-file 全項目 workbook, a third of its
sheet XML) and checks such a sheet only if something asks for its cells; opening for editing (openpyxl parses
every sheet) checks them all.

For the reader, the scan also keeps what it inflated (``keep``: the sheets, shared strings, styles and
relationships, up to :data:`KEEP_BYTES`), each checked against its zip CRC, so that the reader takes the values
from that XML (``sheetxml``) instead of inflating and parsing every sheet again with python-calamine. In a sheet
it keeps, the scan checks the size and the <dimension> but does not look for cells or formulas
(:attr:`PackageScan.deferred`; the regex over every cell was a twentieth of reading a 全項目 workbook): sheetxml
makes rows only up to the last cell holding a value and refuses more than ``PIA_EXCEL_MAX_SHEET_CELLS`` of them,
and the reader runs the scan's search (:func:`check_cells`) before python-calamine (without it, openpyxl) parses
such a sheet, and on the sheets it did not read when it looks for formulas. So an
empty cell far away in a sheet sheetxml reads is no longer refused by the reader, which never makes it; opening
for editing checks every sheet as before.

Real workbooks are far below: the 99-file workbook (6.5 MB) unpacks to 57 MB in 313 members (its largest,
workbook.xml with the defined names, 13 MB; the most compressed, 35:1), has 305 sheets, and its used ranges total
~200,000 cells. Checking it streams its 44 MB of sheet XML once (~0.2 s); a 全項目 workbook of 3 files, ~4 ms.
"""
from __future__ import annotations

import contextlib
import os
import re
import zipfile
from dataclasses import dataclass, fields
from pathlib import Path
from typing import BinaryIO, Iterator, NamedTuple

from ..errors import WorkbookError
from .parts import INFLATE_ERRORS, crc32, member_chunks, read_member, relationships, sheet_ids, sheets_element

__all__ = ["Limits", "PackageScan", "limits", "check_package", "check_package_skipping", "check_part", "check_cells",
           "cells_over_total"]

_MIB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """The limits a workbook package is checked against (see the module docstring for the defaults)."""

    max_total_bytes: int = 1 << 30
    max_part_bytes: int = 256 * _MIB
    max_ratio: int = 200
    max_sheets: int = 2000
    max_sheet_cells: int = 2_000_000
    max_cells: int = 20_000_000

    @classmethod
    def from_env(cls, environ=None) -> "Limits":
        """The defaults, each overridden by ``PIA_EXCEL_<NAME>`` (e.g. ``PIA_EXCEL_MAX_CELLS``) when set."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            key = "PIA_EXCEL_" + f.name.upper()
            if environ.get(key, "").strip():
                try:
                    values[f.name] = int(environ[key].replace("_", "").strip())
                except ValueError:
                    raise WorkbookError(f"環境変数 {key} の値が整数ではありません: {environ[key]!r}") from None
        return cls(**values)


def limits() -> Limits:
    """The limits in force (the environment is read on each call, so a long-running process can be re-tuned)."""
    return Limits.from_env()


#: the most a deflate stream can inflate (1032:1): a member compressed smaller than limit / this cannot exceed it
_DEFLATE_MAX_RATIO = 1100
_RATIO_MIN_BYTES = _MIB
_CHUNK = 1 << 20
_DIMENSION = re.compile(rb'dimension ref="([^"]*)"')
#: a cell beyond column Z or row 9999 (any element, any attribute order: ' r="' followed by letters is a cell
#: reference): normal sheets have none, so the exact scan of cell positions runs only for unusual sheets
_OUTLIER = re.compile(rb' r="(?:[A-Z]{2}|[A-Z]\d{5})')
_CELL_COL = re.compile(rb' r="([A-Z]{1,3})\d')
_CELL_ROW = re.compile(rb' r="[A-Z]{1,3}(\d{1,7})"')
#: the used range of a sheet whose cells all lie within A1:Z9999 when its <dimension> says nothing smaller
_SMALL = (9999, 26)
#: the most a sheet counts against ``PIA_EXCEL_MAX_CELLS`` when its cells were not looked for (only its <dimension>)
COUNTED_AT_MOST = _SMALL[0] * _SMALL[1]
_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d{1,7})$")


def _col(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        n = n * 26 + ord(ch) - 64
    return n


def _extent(ref: str) -> tuple[int, int] | None:
    """``"A1:XFD1048576"`` → (1048576, 16384): the last row and column of a range (None when unreadable)."""
    m = _REF.match(ref.strip().rpartition(":")[2])
    return (int(m.group(2)), _col(m.group(1))) if m else None


def _fmt(n: int) -> str:
    if n >= _MIB and n % _MIB == 0:
        return f"{n // _MIB:,} MiB"
    return f"{n:,}"


class PackageScan(NamedTuple):
    """What :func:`check_package_skipping` found besides the limits."""

    #: worksheet parts holding a formula element
    formula_parts: frozenset[str]
    #: sheets left unchecked (title → part): :func:`check_part` before anything parses them
    unchecked: dict[str, str]
    #: xl/workbook.xml as read to find them (None when nothing was to be left out or it was unreadable): the reader
    #: need not read it again
    workbook_xml: bytes | None
    #: with ``keep``: the worksheet parts checked, xl/sharedStrings.xml, xl/styles.xml and the package's and
    #: workbook's relationships as inflated by the scan
    #: (member → bytes; at most :data:`KEEP_BYTES` in all), for the reader's own cell parser (``sheetxml``)
    parts: dict[str, bytes] = {}
    #: with ``keep``: the worksheet parts kept whose cells and formulas were not looked for (only their size and
    #: <dimension> were checked): the reader runs :func:`check_cells` on one before anything but ``sheetxml``
    #: parses it, and ``sheetxml`` bounds the cells holding a value itself; not in ``formula_parts`` either way
    deferred: frozenset[str] = frozenset()
    #: the used ranges of the sheets checked, in cells (as counted against ``PIA_EXCEL_MAX_CELLS``)
    cells: int = 0


def check_package(path: Path, lim: Limits | None = None) -> frozenset[str]:
    """Raise :class:`WorkbookError` when the package at ``path`` (a zip) exceeds a limit; otherwise return the
    worksheet parts that hold a formula (``<f>`` element: the reader reports formulas in value cells).

    Only the zip directory is read, plus each worksheet part streamed in 1 MiB chunks (its <dimension> and the
    positions of its cells); nothing is parsed as XML and nothing is allocated in proportion to what a part
    claims. A zip that cannot be read is left to the reader's own messages.
    """
    return check_package_skipping(path, frozenset(), lim).formula_parts


def check_package_skipping(path: Path, skip: frozenset[str], lim: Limits | None = None, *, keep: bool = False
                           ) -> PackageScan:
    """:func:`check_package`, leaving out the worksheets titled in ``skip`` that the caller will not parse;
    return the formula parts, the sheets left unchecked (title → part), which must go through :func:`check_part`
    before anything parses them (``cells.WorkbookCells`` does so), and workbook.xml (:class:`PackageScan`); with
    ``keep``, also the parts inflated on the way, so that the reader need not inflate them again.

    Used by the reader for pia-excel's own sheets (the live checks' チェック計算: 1.5 MB of formulas in a 3-file
    全項目 workbook, more than the sheets read): a sheet is left out only when the workbook names it plainly — one
    <sheet> element with that title, one relationship to its part, no other sheet on that part, no comment in
    either list — so the part skipped is the one any reader would open under that title."""
    lim = lim or limits()
    with _opened(path) as (z, fh):
        if z is None:
            return PackageScan(frozenset(), {}, None)  # the reader reports it in its own words
        return _check(z, fh, path, lim, skip, keep)


def check_part(path: Path, part: str, lim: Limits | None = None) -> None:
    """Check one worksheet part left out by :func:`check_package_skipping` (raise when over a limit)."""
    lim = lim or limits()
    with _opened(path) as (z, fh):
        for info in z.infolist() if z is not None else ():
            if info.filename == part:
                _stream(z, fh, info, path, lim, part)


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[tuple[zipfile.ZipFile | None, BinaryIO | None]]:
    """The package as a zip and the file it is read from (members are inflated straight from the file:
    parts.member_chunks); (None, None) when it is no readable zip."""
    try:
        fh = open(path, "rb")
    except OSError:
        yield None, None
        return
    with fh:
        try:
            z = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, OSError, ValueError):
            yield None, None
            return
        with z:
            yield z, fh


def _skippable(z: zipfile.ZipFile, fh: BinaryIO, skip: frozenset[str]) -> tuple[dict[str, str], bytes | None]:
    """Title → worksheet part of the sheets of ``skip`` that are named plainly (see :func:`check_package_skipping`),
    anything unusual leaving the sheet checked; and xl/workbook.xml as read for it (None when unreadable)."""
    try:
        workbook_xml = read_member(z, fh, "xl/workbook.xml")
        rels = read_member(z, fh, "xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError
            ) + INFLATE_ERRORS:
        return {}, None
    return _plainly_named(z, skip, sheets_element(workbook_xml), rels), workbook_xml


def _plainly_named(z: zipfile.ZipFile, skip: frozenset[str], wb: bytes, rels: bytes) -> dict[str, str]:
    if b"<!" in wb or b"<!" in rels or b"&" in rels:
        return {}
    targets: dict[str, list[str]] = {}
    for rid, part in relationships(rels):
        targets.setdefault(rid, []).append(part)
    parts: dict[str, list[str | None]] = {}  # part → titles of the sheets on it
    for name, rid in sheet_ids(wb):
        found = targets.get(rid, []) if rid is not None else []
        if len(found) != 1:
            return {}
        parts.setdefault(found[0], []).append(name)
    members: dict[str, int] = {}
    for n in z.namelist():
        members[n] = members.get(n, 0) + 1
    return {titles[0]: part for part, titles in parts.items()
            if len(titles) == 1 and titles[0] in skip and _PLAIN_PART.match(part) and members.get(part) == 1}


#: a worksheet part as Excel, LibreOffice and openpyxl name it (no "..", no folder below worksheets/)
_PLAIN_PART = re.compile(r"xl/worksheets/[A-Za-z0-9_]+\.xml\Z")


#: the most :func:`check_package_skipping` keeps of the parts it inflates (a 3-file 全項目 workbook: ~2 MB; the
#: 99-file one: ~45 MB); parts beyond are read again by whoever parses them
KEEP_BYTES = 64 * _MIB
#: the parts besides the worksheets that the reader's cell parser needs
_KEPT_PARTS = ("xl/sharedStrings.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels", "_rels/.rels")


def _check(z: zipfile.ZipFile, fh: BinaryIO, path: Path, lim: Limits, skip: frozenset[str], keep: bool
           ) -> PackageScan:
    infos = z.infolist()
    total = 0
    sheets = []
    others = []
    for info in infos:
        size = info.file_size
        total += size
        if size > lim.max_part_bytes:
            raise _over(path, f"{info.filename} が展開すると {_fmt(size)} バイトになります", "PIA_EXCEL_MAX_PART_BYTES",
                        lim.max_part_bytes)
        if size > _RATIO_MIN_BYTES and size > lim.max_ratio * max(1, info.compress_size):
            raise _over(path, f"{info.filename} の圧縮率が {size // max(1, info.compress_size):,} 倍です（ZIP爆弾の疑い）",
                        "PIA_EXCEL_MAX_RATIO", lim.max_ratio)
        name = info.filename.lower()
        if name.startswith("xl/worksheets/") and name.endswith(".xml") and "/_rels/" not in name:
            sheets.append(info)
            continue
        if keep and info.filename in _KEPT_PARTS:
            others.append(info)
        if info.compress_size * _DEFLATE_MAX_RATIO > lim.max_part_bytes and info.compress_type != zipfile.ZIP_STORED:
            # a directory may lie about a member's size: inflate the few members large enough to matter
            _stream(z, fh, info, path, lim, None)
    if total > lim.max_total_bytes:
        raise _over(path, f"展開すると合計 {_fmt(total)} バイトになります", "PIA_EXCEL_MAX_TOTAL_BYTES", lim.max_total_bytes)
    if len(sheets) > lim.max_sheets:
        raise _over(path, f"シートが {len(sheets):,} 枚あります", "PIA_EXCEL_MAX_SHEETS", lim.max_sheets)
    # the sizes are checked: workbook.xml and its rels can be read to find the sheets to leave out
    unchecked, workbook_xml = _skippable(z, fh, skip) if skip else ({}, None)
    skipped = set(unchecked.values())
    cells = 0
    formulas: set[str] = set()
    kept = _Kept(path, infos) if keep else None
    deferred: set[str] = set()
    for info in sheets:
        if info.filename in skipped:
            continue
        chunks = kept.start(info) if kept is not None else None
        # a part kept for the reader: its cells and formulas are looked for in the XML kept (check_cells), and
        # only if something other than sheetxml parses it (sheetxml reads cells holding a value, and bounds them)
        later = chunks is not None
        n = _stream(z, fh, info, path, lim, info.filename, formulas, chunks, look=not later)
        if later:
            kept.done(info, chunks)
            if info.filename in kept.parts:
                deferred.add(info.filename)
            else:  # damaged or cut short: not kept after all, so checked now
                n = _stream(z, fh, info, path, lim, info.filename, formulas)
        cells += n
        if cells > lim.max_cells:
            raise cells_over_total(path, cells, lim)
    for info in others:
        chunks = kept.start(info)
        _stream(z, fh, info, path, lim, None, None, chunks)
        kept.done(info, chunks)
    return PackageScan(frozenset(formulas), unchecked, workbook_xml, kept.parts if kept is not None else {},
                       frozenset(deferred), cells)


def cells_over_total(path: Path, cells: int, lim: Limits) -> WorkbookError:
    """The error for a workbook whose sheets' used ranges total more than ``PIA_EXCEL_MAX_CELLS``."""
    return _over(path, f"シートの使用範囲が合計 {cells:,} セルを超えます", "PIA_EXCEL_MAX_CELLS", lim.max_cells)


def check_cells(path: Path, part: str, xml: bytes, lim: Limits | None = None) -> tuple[int, bool]:
    """The search :func:`check_package` makes in a worksheet part, on one the scan kept and deferred
    (:attr:`PackageScan.deferred`): raise when its cells lie beyond the limit; otherwise return its used range
    from A1 in cells (as counted against ``PIA_EXCEL_MAX_CELLS``) and whether it holds a formula element."""
    lim = lim or limits()
    cells = _Cells(path, part, lim, set())
    cells.feed(xml)
    return cells.count(), bool(cells.formulas)


class _Kept:
    """The parts :func:`_check` keeps as it inflates them: at most :data:`KEEP_BYTES` in all, each only when its
    name is unique in the package (which of two members of one name a reader takes is its own choice) and it
    inflated whole to the size the zip directory gives. A part kept is checked against its CRC (python-calamine's
    zip reader checks it only when it reads a part to its end, and calamine stops after </sheetData>): a damaged
    file is refused rather than read as whatever its bytes inflate to."""

    def __init__(self, path: Path, infos: list[zipfile.ZipInfo]):
        self.path = path
        self.parts: dict[str, bytes] = {}
        self.budget = KEEP_BYTES
        seen: set[str] = set()
        self.twice = {i.filename for i in infos if i.filename in seen or seen.add(i.filename)}

    def start(self, info: zipfile.ZipInfo) -> list[bytes] | None:
        if info.filename in self.twice or info.file_size > self.budget:
            return None
        self.budget -= info.file_size
        return []

    def done(self, info: zipfile.ZipInfo, chunks: list[bytes] | None) -> None:
        if chunks is not None and chunks[-1:] != [None]:
            data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
            if len(data) == info.file_size:
                if crc32(data) != info.CRC:
                    raise WorkbookError(f"{self.path}: ファイルが壊れています（{info.filename} の CRC が一致しません）",
                                        path=self.path)
                self.parts[info.filename] = data


def _stream(z: zipfile.ZipFile, fh: BinaryIO, info: zipfile.ZipInfo, path: Path, lim: Limits, sheet: str | None,
            formulas: set[str] | None = None, chunks: list | None = None, *, look: bool = True) -> int:
    """Inflate one member chunk by chunk (never more than its limit); for a worksheet, return its used range from
    A1 in cells (the larger of its <dimension> and the cells present) and raise when it is over the limit, and add
    its name to ``formulas`` when it holds a formula element. The chunks are appended to ``chunks`` when given,
    and None after them when the member is damaged. Without ``look``, a worksheet's cells and formulas are not
    looked for (:func:`check_cells` does it later): its used range is what its <dimension> says, at most A1:Z9999.

    Cells and formulas are looked for inside <sheetData> only, where every reader takes them from (the conditional
    formats, merges and validations after it are a third of a form sheet's XML); a sheet whose elements have a
    namespace prefix is searched whole."""
    seen = 0
    cells = _Cells(path, sheet, lim, formulas if formulas is not None else set(), look) if sheet is not None else None
    try:
        for chunk in member_chunks(z, fh, info, _CHUNK):
            seen += len(chunk)
            if seen > lim.max_part_bytes:
                raise _over(path, f"{info.filename} が展開すると {_fmt(lim.max_part_bytes)} バイトを超えます",
                            "PIA_EXCEL_MAX_PART_BYTES", lim.max_part_bytes)
            if chunks is not None:
                chunks.append(chunk)
            if cells is not None:
                cells.feed(chunk)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) + INFLATE_ERRORS:
        if chunks is not None:
            chunks.append(None)
        return 0  # a truncated or damaged member, an unknown compression: left to the reader
    return cells.count() if cells is not None else 0


class _Cells:
    """The <dimension>, cells and formulas of one worksheet part, fed chunk by chunk (:func:`_stream`) or whole
    (:func:`check_cells`); raises when its used range is over the limit. ``part`` names it in messages and in
    ``formulas``; without ``look``, only its <dimension> is read."""

    def __init__(self, path: Path, part: str, lim: Limits, formulas: set[str], look: bool = True):
        self.path, self.part, self.lim, self.formulas, self.look = path, part, lim, formulas, look
        self.rows = self.cols = 0
        self.dim = _SMALL
        self.exact = False
        self.tail = b""
        self.first = True
        self.plain = True
        self.inside = True  # in a <sheetData> element, or before the first one: searched

    def count(self) -> int:
        return self.rows * self.cols if self.exact else self.dim[0] * self.dim[1]

    def feed(self, chunk: bytes) -> None:
        data = self.tail + chunk if self.tail else chunk
        path, part, lim = self.path, self.part, self.lim
        if self.first:
            self.first = False
            self.plain = data.find(b"<worksheet", 0, 65536) >= 0  # else its elements have a namespace prefix (rare)
            m = _DIMENSION.search(data, 0, 65536)
            ext = _extent(m.group(1).decode("ascii", "replace")) if m else None
            if ext:
                _check_sheet(path, part, ext[0], ext[1], lim, "dimension")
                self.dim = (min(ext[0], _SMALL[0]), min(ext[1], _SMALL[1]))
        if not self.look:
            return
        span, self.inside = _sheet_data(data, self.inside) if self.plain else ((0, len(data)), True)
        if span is not None:
            start, stop = span
            if part not in self.formulas and (
                    data.find(b"</f>", start, stop) >= 0 if self.plain else
                    _PREFIXED_F.search(data, start, stop) is not None):
                self.formulas.add(part)
            if self.exact or _OUTLIER.search(data, start, stop):
                self.exact = True
                self.cols = max(self.cols, max(map(_col, set(_CELL_COL.findall(data, start, stop))), default=0))
                self.rows = max(self.rows, max(map(int, set(_CELL_ROW.findall(data, start, stop))), default=0))
                _check_sheet(path, part, self.rows, self.cols, lim, "cells")
        cut = data.rfind(b"<", max(0, len(data) - 256))
        self.tail = data[cut:] if cut >= 0 else b""


def _sheet_data(data: bytes, inside: bool) -> tuple[tuple[int, int] | None, bool]:
    """The span of ``data`` (one chunk of a worksheet part) from the first <sheetData> start tag to the last end
    tag (from the chunk's start when ``inside`` one, as at the part's start; to its end when "sheetData" occurs
    anywhere after the last end tag, prefixed or not), and whether the chunk ends inside one; None when nothing of
    it is in one. A tag cut by the chunk's end is found whole with the next chunk (which starts with this one's
    tail): bytes may be searched twice, never skipped."""
    start = 0
    if not inside:
        start = data.find(b"sheetData")
        if start < 0:
            return None, False
    end = data.rfind(b"</sheetData>")  # near the end of the part: searched from there
    if end < start or data.find(b"sheetData", end + 12) >= 0:
        return (start, len(data)), True
    return (start, end), False


#: a formula in a sheet whose elements have a namespace prefix; in a plain one, b"</f>" is searched: the end tag
#: of an <f> element (a cell sharing another's formula, <f t="shared" si="0"/>, has none, but the first cell of
#: its group has; <formula1> of a data validation does not count). A needle ending in "f>" is found 3x faster
#: than "<f": "<" and ">" are every few bytes in XML
_PREFIXED_F = re.compile(rb"</\w+:f>")


def _check_sheet(path: Path, sheet: str, rows: int, cols: int, lim: Limits, how: str) -> None:
    if rows * cols > lim.max_sheet_cells:
        what = "の使用範囲（dimension）" if how == "dimension" else "のセルの範囲"
        raise _over(path, f"{sheet}{what}が {rows:,} 行 × {cols:,} 列 = {rows * cols:,} セルです",
                    "PIA_EXCEL_MAX_SHEET_CELLS", lim.max_sheet_cells)


def _over(path: Path, what: str, setting: str, limit: int) -> WorkbookError:
    return WorkbookError(f"{path}: 大きすぎるため読みません（{what}。上限 {setting}={limit:,}）", path=path)
