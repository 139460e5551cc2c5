"""Cell values read straight from a worksheet's XML, for the shapes Excel, LibreOffice and pia-excel write.

python-calamine parses every element of a sheet, the ~15,000 empty styled cells of a 全項目 workbook's hidden
slots included, and builds a Python object for each of them (~14 ms per workbook, half of validating one). The
limits scan has already inflated each sheet (``limits.PackageScan.parts``); here the few thousand cells that hold
a value are taken from that XML with one regular expression, and the grid is built with None for empty cells.

:func:`read_cells` also says whether a cell holds a formula and refuses (None) a sheet whose cells holding a
value span more than a given number of cells: the limits scan does not look for cells in the sheets it keeps
(``limits.PackageScan.deferred``), as this reader makes rows only up to the last cell holding a value.

This reader is strict on purpose: it gives exactly what python-calamine gives (rows from A1, numbers as float,
shared strings with phonetic runs left out, the used range bounded by the cells that hold a value) or None, and
then python-calamine reads that sheet. None is given for anything outside the common shapes: a valued cell
whose attributes are not ``r``, ``s``, ``t`` in that order or that is not written on one line, an inline string
of rich text runs (one of a single text is taken: openpyxl writes every string so), an error or ISO date cell, a number in a date or time format (or any format not plainly numeric), a shared
string with ``_x…_`` escapes, CDATA, a raw CR or edge whitespace calamine would trim, a worksheet or shared
string table whose elements have a namespace prefix. tests/test_sheetxml.py compares both readers on the
workbooks of calamine's own tests, on pia-excel's, LibreOffice's and XlsxWriter's, and on sheets edited by hand
into each shape.

Not looked for, as no spreadsheet program writes them inside <sheetData> and each would cost a search of the
whole sheet: XML comments and processing instructions, and cells with a namespace prefix in a sheet whose other
elements have none. A cell written inside a comment would be read; a prefixed cell would not.
"""
from __future__ import annotations

import re
from operator import itemgetter
from typing import Any
from xml.parsers import expat

__all__ = ["shared_strings", "plain_number_styles", "cell_grid", "read_cells"]

#: one shared string that is a single plain text (pia-excel's writer, XlsxWriter, LibreOffice for plain text)
_PLAIN_SI = re.compile(r'<si><t>([^<]*)</t></si>|<si><t xml:space="preserve">([^<]*)</t></si>')
_SI = re.compile(r"<si>(.*?)</si>", re.S)
#: a phonetic run (振り仮名 Excel keeps for text typed through the IME): calamine leaves it out
_RPH = re.compile(r"<rPh\b[^>]*>.*?</rPh>", re.S)
_T = re.compile(r'<t(?: xml:space="(preserve)")?>([^<]*)</t>')
_ANY_T = re.compile(r"<t\b")
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6}));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_EDGE = " \t\r\n"
#: characters XML 1.0 does not allow raw (calamine refuses the part)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _unescape(text: str) -> str | None:
    """The text of an XML text node with its character references decoded; None when it holds something else
    (an unknown entity, a character XML does not allow)."""
    out = []
    pos = 0
    for m in _ENTITY.finditer(text):
        out.append(text[pos:m.start()])
        name, dec, hexa = m.groups()
        if name:
            out.append(_NAMED[name])
        else:
            code = int(dec) if dec else int(hexa, 16)
            if not (code in (9, 10, 13) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
                    or 0x10000 <= code <= 0x10FFFF):
                return None
            out.append(chr(code))
        pos = m.end()
    rest = text[pos:]
    if "&" in rest or any("&" in part for part in out[::2]):
        return None  # an "&" that starts no reference the pattern knows
    out.append(rest)
    return "".join(out)


def _text_node(preserve: bool, raw: str) -> str | None:
    """The text of a <t> (or <v>) element; None for what calamine reads in ways that differ between versions: raw
    CRs (line ends normalised), ``_xHHHH_`` escapes, and edge whitespace of a <t> without xml:space="preserve"
    (trimmed, after the references are decoded); and for raw characters XML does not allow."""
    if "\r" in raw or "_x" in raw or _CONTROL.search(raw):
        return None
    text = _unescape(raw) if "&" in raw else raw
    if text and not preserve and (text[0] in _EDGE or text[-1] in _EDGE):
        return None
    return text


def _well_formed(xml: bytes) -> bool:
    """Whether expat parses the part (no DOCTYPE: callers refuse "<!" first). python-calamine parses the shared
    strings and styles whole when it opens a workbook and refuses it when they are not well-formed."""
    try:
        expat.ParserCreate().Parse(xml, True)
    except expat.ExpatError:
        return False
    return True


def shared_strings(xml: bytes | None) -> list[str | None] | None:
    """The shared string table (xl/sharedStrings.xml) as python-calamine reads it: each item's text runs joined,
    phonetic runs left out; [] when the workbook has none. An item this reader leaves to calamine (see
    :func:`_text_node`) is None, and a sheet showing it goes to calamine; the whole table is None when its items
    cannot be counted as calamine counts them (``<si/>``, comments, CDATA) or it is not well-formed UTF-8 XML."""
    if xml is None:
        return []
    if b"<!" in xml or b"<sst" not in xml or not _well_formed(xml):
        return None
    try:
        text = xml.decode("utf-8")
    except UnicodeDecodeError:
        return None
    n = text.count("<si")
    plain = _PLAIN_SI.findall(text)
    if len(plain) == n:  # every item one <t>: Excel for text typed without the IME, LibreOffice, XlsxWriter
        out: list[str | None] = []
        for a, b in plain:
            raw = b or a
            if "&" in raw or "_x" in raw or "\r" in raw or (not b and raw and (raw[0] in _EDGE or raw[-1] in _EDGE)):
                raw = _text_node(bool(b), raw)
            out.append(raw)
        return out  # (expat refused raw characters XML does not allow: only references are checked, above)
    items = _SI.findall(text)
    if len(items) != n:
        return None  # <si/>, <si attr="…">: calamine skips or reads these differently
    out = []
    for item in items:
        if "<rPh" in item:
            item = _RPH.sub("", item)
        runs = _T.findall(item)
        texts = [_text_node(bool(p), raw) for p, raw in runs]
        # <t/> or a <t> with other attributes: left to calamine
        out.append(None if None in texts or len(runs) != len(_ANY_T.findall(item)) else "".join(texts))
    return out


_XF = re.compile(rb"<xf\b([^>]*?)/?>")
_NUMFMT = re.compile(rb'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"\s*/>')
_NUMFMT_ID = re.compile(rb'\bnumFmtId="(\d+)"')
#: built-in number formats every calamine version reads as plain numbers: General, 0, 0.00, #,##0, #,##0.00,
#: currency, percent, scientific, fractions, accounting, text (14-22, 45-47 are dates and times; 27-36 and
#: 50-58 are Japanese date formats some versions may read as dates)
_PLAIN_BUILTIN = frozenset(range(0, 14)) | frozenset(range(37, 45)) | {48, 49}
#: quoted text and escaped characters of a format code, which never make it a date
_LITERALS = re.compile(r'"[^"]*"|\\.|_.|\*.')
#: what may make a format code a date, time or duration for some reader
_DATE_TOKENS = re.compile(r"[dmhysegbaDMHYSEGBA\[]")


def plain_number_styles(xml: bytes | None) -> frozenset[int] | None:
    """The cell formats (indexes of <cellXfs>) whose number format is plainly not a date, time or duration, so a
    number in them is read as a float by every python-calamine version (none when styles.xml is not in the
    common shape: then only numbers without a style are read here); None when it is not well-formed XML, which
    python-calamine refuses."""
    if xml is None:
        return frozenset()
    if b"<!" in xml or not _well_formed(xml):
        return None
    start, end = xml.find(b"<cellXfs"), xml.find(b"</cellXfs>")
    if start < 0 or end < start or xml.find(b"<cellXfs", start + 1) >= 0:
        return frozenset()
    formats = {}
    fmts_end = xml.find(b"</numFmts>")
    if fmts_end >= 0:
        block = xml[xml.find(b"<numFmts"):fmts_end]
        found = _NUMFMT.findall(block)
        if len(found) != block.count(b"<numFmt "):
            return frozenset()
        for fid, code in found:
            try:
                formats[int(fid)] = _unescape(code.decode("utf-8")) or "["
            except UnicodeDecodeError:
                return frozenset()
    plain = set()
    for i, attrs in enumerate(_XF.findall(xml, start, end)):
        m = _NUMFMT_ID.search(attrs)
        fid = int(m.group(1)) if m else 0
        code = formats.get(fid)
        if code is None and fid not in formats:
            if fid in _PLAIN_BUILTIN:
                plain.add(i)
        elif not _DATE_TOKENS.search(_LITERALS.sub("", code)):
            plain.add(i)
    return frozenset(plain)


#: a cell that holds a value, written backwards (the XML is searched reversed: searched forwards, every one of the
#: ~20,000 empty cells of a 全項目 workbook would start a match attempt; backwards only "</c>" does): ``<c r="B2"
#: s="5" t="s">`` then an optional <f> formula, then ``<v>…</v></c>``; anything else ending in "</c>" matches the
#: empty last alternative. Groups: the value, its formula if any, the type, the style, the reference ("2B"), all
#: reversed
_VALUE = (rb'>v/<([^<>&]+)>v<(>f/<[^<>]*>[^<>]*f<|>/[^<>]*f<)?>(?:"(s|n|rts|b)"=t )?(?:"(\d{1,6})"=s )?'
          rb'"(\d{1,7}[A-Z]{1,3})"=r c<')
_CELL_REVERSED = re.compile(rb">c/<(?:" + _VALUE + rb"|())")
#: the same, and an inline string of one text (``<c r="A1" s="5" t="inlineStr"><is><t>…</t></is></c>``, as
#: openpyxl writes every string): tried when the first pattern finds a cell it does not take
_CELL_OR_INLINE_REVERSED = re.compile(
    rb">c/<(?:" + _VALUE + rb'|>si/<>t/<([^<>]*)(>t<|>"evreserp"=ecaps:lmx t<)>si<>"rtSenilni"=t (?:"(\d{1,6})"=s )?'
    rb'"(\d{1,7}[A-Z]{1,3})"=r c<|())')
_NUMBER = re.compile(rb"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d{1,3})?")
#: reversed cell reference → 0-based (row, column), and reversed digits → int: the same few thousand recur in
#: every workbook of a form; kept across workbooks, emptied when they grow past :data:`_CACHE_MAX`
_PLACES: dict[bytes, tuple[int, int]] = {}
_INTS: dict[bytes, int] = {}
_CACHE_MAX = 200_000


def _place(ref: bytes) -> tuple[int, int] | None:
    """``b"21BA"`` (AB12 reversed) → (11, 27); None for row 0."""
    i = 0
    while ref[i] < 65:
        i += 1
    row = int(ref[i - 1::-1])
    if row == 0:
        return None
    col = 0
    for ch in ref[:i - 1:-1]:
        col = col * 26 + ch - 64
    if len(_PLACES) > _CACHE_MAX:
        _PLACES.clear()
    place = _PLACES[ref] = (row - 1, col - 1)
    return place


def _int(digits: bytes) -> int:
    """Reversed decimal digits → their value; -1 when they are not digits."""
    if not digits.isdigit():
        return -1
    if len(_INTS) > _CACHE_MAX:
        _INTS.clear()
    n = _INTS[digits] = int(digits[::-1])
    return n


def cell_grid(xml: bytes, strings: list[str | None], plain_styles: frozenset[int]) -> list[list[Any]] | None:
    """Rows of values from A1 of a worksheet part, as python-calamine gives them but with None for every empty
    cell (an empty text included); None when the sheet is not in the shapes this reader takes (see the module
    docstring)."""
    read = read_cells(xml, strings, plain_styles)
    return read[0] if read is not None else None


def read_cells(xml: bytes, strings: list[str | None], plain_styles: frozenset[int], max_cells: int | None = None
               ) -> tuple[list[list[Any]], bool] | None:
    """:func:`cell_grid`, and whether a cell holds a formula; None also when the rows × columns from A1 to the
    last cell holding a value are more than ``max_cells`` (nothing that large is made: the caller's limits
    check then tells)."""
    root = xml.find(b"<worksheet")
    if root < 0 or xml.find(b"<!", 0, root) >= 0:
        return None  # a prefixed root, a DOCTYPE
    start = xml.find(b"<sheetData>", root)
    if start < 0:
        return ([], False) if xml.find(b"<sheetData/>", root) >= 0 else None
    try:
        xml[:start].decode("utf-8")  # what calamine parses before the cells (after them it reads nothing)
    except UnicodeDecodeError:
        return None
    end = xml.find(b"</sheetData>", start)
    if end < 0:
        return None
    backwards = xml[end - 1:start - 1:-1]
    values = _values(_CELL_REVERSED.findall(backwards), strings, plain_styles)
    if values is None:
        values = _values_or_inline(_CELL_OR_INLINE_REVERSED.findall(backwards), strings, plain_styles)
        if values is None:
            return None
    places, xs, formulas = values
    if not places:
        return [], formulas
    last_row = max(places)[0]
    last_col = max([c for _, c in places])
    if max_cells is not None and (last_row + 1) * (last_col + 1) > max_cells:
        return None
    grid = [[None] * (last_col + 1) for _ in range(last_row + 1)]
    for (row, col), x in zip(reversed(places), reversed(xs)):  # in the order of the XML: of two cells at one
        grid[row][col] = None if x == "" else x                 # place, the later counts
    return grid, formulas


def _values(found: list[tuple], strings: list[str | None], plain_styles: frozenset[int]
            ) -> tuple[list[tuple[int, int]], list[Any], bool] | None:
    """The 0-based places and the values of the cells :data:`_CELL_REVERSED` found (last first), and whether one
    has a formula; None when one is not taken. This loop runs for every cell that holds a value: a shared string
    is tried first."""
    places_of, ints = _PLACES, _INTS
    n = len(strings)
    places: list[tuple[int, int]] = []
    xs: list[Any] = []
    place_append, x_append = places.append, xs.append
    for v, _, t, s, ref, _ in found:
        if t == b"s":
            i = ints.get(v)
            if i is None:
                i = _int(v)
            if not 0 <= i < n:
                return None
            x = strings[i]
            if x is None:
                return None
        elif not ref:
            return None  # a cell the pattern does not take
        else:
            x = _other_value(v, t, s, plain_styles)
            if x is None:
                return None
        place = places_of.get(ref)
        if place is None:
            place = _place(ref)
            if place is None:
                return None
        place_append(place)
        x_append(x)
    return places, xs, any(map(itemgetter(1), found))


def _other_value(v: bytes, t: bytes, s: bytes, plain_styles: frozenset[int]) -> Any:
    """The value of a number, boolean or formula text cell (``v``, ``t``, ``s`` as matched, reversed); None when
    not taken."""
    v = v[::-1]
    if not t or t == b"n":
        if s and int(s[::-1]) not in plain_styles or _NUMBER.fullmatch(v) is None:
            return None
        return float(v)
    if t == b"rts":
        try:
            return _text_node(True, v.decode("utf-8"))
        except UnicodeDecodeError:
            return None
    return v != b"0"  # b


def _values_or_inline(found: list[tuple], strings: list[str | None], plain_styles: frozenset[int]
                      ) -> tuple[list[tuple[int, int]], list[Any], bool] | None:
    """:func:`_values` for the matches of :data:`_CELL_OR_INLINE_REVERSED` (inline strings too)."""
    places: list[tuple[int, int]] = []
    xs: list[Any] = []
    formulas = False
    for v, f, t, s, ref, text, tag, inline_s, inline_ref, other in found:
        if ref:
            cell = _values([(v, f, t, s, ref, other)], strings, plain_styles)
            if cell is None:
                return None
            places += cell[0]
            xs += cell[1]
            formulas = formulas or cell[2]
            continue
        if not inline_ref:
            return None
        try:
            x = _text_node(tag != b">t<", text[::-1].decode("utf-8"))
        except UnicodeDecodeError:
            return None
        place = _PLACES.get(inline_ref) or _place(inline_ref)
        if x is None or place is None:
            return None
        places.append(place)
        xs.append(x)
    return places, xs, formulas
