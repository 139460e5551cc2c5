"""Reading a workbook package's parts before anything parses it.

- Which worksheet part holds which sheet: the <sheet> elements of ``xl/workbook.xml`` and the relationships of
  ``xl/_rels/workbook.xml.rels``, read with regular expressions (workbook.xml may hold megabytes of defined names;
  only its <sheets> element is searched).
- A member inflated chunk by chunk (:func:`member_chunks`), for the package limits' scan.

Used by the package limits and by the reader's cells."""
from __future__ import annotations

import html
import re
import zipfile
import zlib
from typing import BinaryIO, Iterator

try:  # ISA-L inflates ~4x faster than zlib (bench/README.md: the limits scan of every workbook read)
    from isal import isal_zlib as _inflater
except ImportError:  # pragma: no cover - python-isal is a dependency; zlib does the same, slower
    _inflater = zlib

__all__ = ["sheets_element", "sheet_ids", "sheet_entries", "relationships", "member_chunks", "read_member", "crc32",
           "INFLATE_ERRORS"]

#: what :func:`member_chunks` raises on a damaged member besides zipfile.BadZipFile, EOFError and OSError
INFLATE_ERRORS: tuple[type[Exception], ...] = (zlib.error, _inflater.error)
#: a zip member's checksum (ISA-L's: ~10x faster than zlib's)
crc32 = _inflater.crc32

_SHEET_ELEMENT = re.compile(rb"<(?:\w+:)?sheet\s([^>]*?)/?>")
_NAME_ATTR = re.compile(rb'\bname="([^"]*)"')
_RID_ATTR = re.compile(rb'\b(?:\w+:)?id="([^"]*)"')
_STATE_ATTR = re.compile(rb'\bstate="([^"]*)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s([^>]*?)/?>")
_ID_ATTR = re.compile(rb'\bId="([^"]*)"')
_TARGET_ATTR = re.compile(rb'\bTarget="([^"]*)"')


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    return html.unescape(text) if "&" in text else text


def sheets_element(workbook_xml: bytes) -> bytes:
    """The <sheets> element of workbook.xml (any namespace prefix), or the whole text when it has none."""
    start, end = workbook_xml.find(b"sheets>"), workbook_xml.find(b"/sheets>")
    return workbook_xml[start:end] if 0 <= start < end else workbook_xml


def sheet_entries(workbook_xml: bytes) -> list[tuple[str | None, str | None, str | None]]:
    """(title, relationship id, state) of each <sheet> element, in order; None for an attribute that is missing
    (the state is "hidden" or "veryHidden" when there is one)."""
    out = []
    for m in _SHEET_ELEMENT.finditer(sheets_element(workbook_xml)):
        attrs = m.group(1)
        name = _NAME_ATTR.search(attrs)
        rid = _RID_ATTR.search(attrs.replace(name.group(0), b"") if name else attrs)
        state = _STATE_ATTR.search(attrs)
        out.append((_text(name.group(1)) if name else None, _text(rid.group(1)) if rid else None,
                    _text(state.group(1)) if state else None))
    return out


def sheet_ids(workbook_xml: bytes) -> list[tuple[str | None, str | None]]:
    """(title, relationship id) of each <sheet> element, in order; None for an attribute that is missing."""
    return [(name, rid) for name, rid, _ in sheet_entries(workbook_xml)]


def relationships(rels: bytes) -> list[tuple[str, str]]:
    """(id, zip member the target names) of each relationship with both, in order ("worksheets/sheet1.xml" →
    "xl/worksheets/sheet1.xml"; an absolute "/xl/…" loses its slash)."""
    out = []
    for m in _RELATIONSHIP.finditer(rels):
        rid, target = _ID_ATTR.search(m.group(1)), _TARGET_ATTR.search(m.group(1))
        if rid and target:
            t = _text(target.group(1))
            out.append((_text(rid.group(1)), t.lstrip("/") if t.startswith("/") else "xl/" + t))
    return out


def member_chunks(z: zipfile.ZipFile, fh: BinaryIO, info: zipfile.ZipInfo, size: int) -> Iterator[bytes]:
    """A member of the zip ``z`` (opened on the file ``fh``) inflated, in chunks of at most ``size`` bytes.

    A stored or deflated member is read straight from ``fh`` after its local header and inflated here (with
    ISA-L when installed); its CRC is not checked here: the limits scan checks those it keeps for the reader
    (:data:`crc32`), and needs nothing but sizes and cell positions of the others. Anything else (encrypted, another compression method) goes through
    zipfile. A damaged member raises zipfile.BadZipFile, EOFError (truncated), OSError or one of
    :data:`INFLATE_ERRORS`."""
    if info.flag_bits & 1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        with z.open(info) as member:
            while chunk := member.read(size):
                yield chunk
        return
    fh.seek(info.header_offset)
    head = fh.read(30)
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local file header: {info.filename}")
    fh.seek(info.header_offset + 30 + int.from_bytes(head[26:28], "little") + int.from_bytes(head[28:30], "little"))
    left = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        while left > 0:
            chunk = fh.read(min(left, size))
            if not chunk:
                raise EOFError(f"truncated member: {info.filename}")
            left -= len(chunk)
            yield chunk
        return
    inflate = _inflater.decompressobj(-15)
    while not inflate.eof:
        data = inflate.unconsumed_tail
        if not data and left > 0:
            data = fh.read(min(left, size))
            left -= len(data)
        chunk = inflate.decompress(data, size)  # with no input left, what the inflater still holds
        if chunk:
            yield chunk
        elif not data:
            raise EOFError(f"truncated member: {info.filename}")


def read_member(z: zipfile.ZipFile, fh: BinaryIO, name: str) -> bytes:
    """``z.read(name)``, inflated by :func:`member_chunks` (ISA-L: workbook.xml with its thousands of defined names
    is ~0.4 MB in a 全項目 workbook); raises KeyError when there is no such member, zipfile.BadZipFile when it does
    not inflate to the size and CRC the zip directory gives, and what :func:`member_chunks` raises."""
    info = z.getinfo(name)
    data = b"".join(member_chunks(z, fh, info, 1 << 24))
    if len(data) != info.file_size or crc32(data) != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 or size for file {name!r}")
    return data
