"""Hostile workbooks for the resource-limit tests, built with real tools: a workbook written by openpyxl whose zip
members are then rewritten (tests/test_hostile.py)."""
from __future__ import annotations

import re
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "kushiro_shuno_juten.xlsx"


def _rewrite(src: Path, dst: Path, edit) -> Path:
    """Copy the zip ``src`` to ``dst`` with ``edit(name, data) -> data`` applied to every member."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, edit(info.filename, zin.read(info)))
    return dst


def small_workbook(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "特定個人情報保護評価書（重点項目評価書）"
    wb.save(path)
    return path


#: the part of the sample's cover sheet (表紙, after the 使い方 sheet): a sheet the reader parses
COVER = "xl/worksheets/sheet2.xml"


def far_cell(dst: Path, ref: str = "XFD1048576", src: Path = SAMPLE, member: str = COVER) -> Path:
    """One more cell at ``ref`` in the sheet stored as ``member``; the <dimension> left as it was."""
    row = re.match(r"[A-Z]+(\d+)", ref).group(1)

    def edit(name, data):
        if name == member:
            data = data.replace(b"</sheetData>", f'<row r="{row}"><c r="{ref}" t="n"><v>1</v></c></row></sheetData>'
                                .encode(), 1)
        return data
    return _rewrite(src, dst, edit)


def huge_dimension(dst: Path, src: Path = SAMPLE, member: str = COVER) -> Path:
    """The <dimension> of the sheet stored as ``member`` says A1:XFD1048576; its cells are as they were."""
    def edit(name, data):
        if name == member:
            data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data, count=1)
        return data
    return _rewrite(src, dst, edit)


def zip_bomb(dst: Path, member: str = "xl/workbook.xml", gib: float = 3.0, src: Path = SAMPLE) -> Path:
    """``member`` replaced by one that inflates to ``gib`` GiB of spaces, written stream-wise: a deflate block of
    1 MiB after a full flush is the same bytes every time, so it is compressed once and repeated."""
    block = b" " * (1 << 20)
    n = int(gib * 1024)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    end = comp.flush()
    crc = 0
    for _ in range(n):
        crc = zlib.crc32(block, crc)
    size = n << 20
    assert size < 1 << 32  # no zip64 needed
    members = []
    with zipfile.ZipFile(src) as zin:
        for info in zin.infolist():
            if info.filename == member:
                continue
            data = zin.read(info)
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            members.append((info.filename.encode(), [c.compress(data) + c.flush()], zlib.crc32(data), len(data)))
    members.append((member.encode(), [first] + [again] * (n - 1) + [end], crc, size))
    central = b""
    with open(dst, "wb") as out:
        for name, chunks, crc_, usize in members:
            csize = sum(len(c) for c in chunks)
            offset = out.tell()
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc_, csize, usize, len(name), 0) + name)
            for c in chunks:
                out.write(c)
            central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc_, csize, usize,
                                   len(name), 0, 0, 0, 0, 0, offset) + name
        start = out.tell()
        out.write(central)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), start, 0))
    return dst


def copy(dst: Path, src: Path = SAMPLE) -> Path:
    shutil.copyfile(src, dst)
    return dst
