"""Hostile and oversized workbooks: each is refused before anything parses it, with one line naming the file and
the limit, exit 2, within a memory cap (issue 15). The files are built by tests/hostile_files.py."""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import hostile_files as hf
from pia_excel.errors import WorkbookError
from pia_excel.excel.layout import OWN_SHEETS
from pia_excel.excel.limits import Limits, check_package, check_package_skipping
from pia_excel.excel.reader import check_file, open_cells

ROOT = Path(__file__).resolve().parent.parent
MEMORY_CAP = 3 << 29  # 1.5 GiB of address space for the whole CLI process
TIME_CAP = 120  # seconds: a limit for a stuck process, not a benchmark


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_cli(*args, env=None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PIA_EXCEL_")}
    environ["PYTHONPATH"] = str(ROOT)
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "pia_excel.cli", *map(str, args)], cwd=ROOT, env=environ,
                          preexec_fn=_cap, capture_output=True, text=True, timeout=TIME_CAP)


HOSTILE = {
    "cell at XFD1048576": (lambda p: hf.far_cell(p, "XFD1048576"), "PIA_EXCEL_MAX_SHEET_CELLS"),
    "cell at XFD5000": (lambda p: hf.far_cell(p, "XFD5000"), "PIA_EXCEL_MAX_SHEET_CELLS"),
    "dimension A1:XFD1048576": (hf.huge_dimension, "PIA_EXCEL_MAX_SHEET_CELLS"),
    "workbook.xml inflating to 3 GiB": (lambda p: hf.zip_bomb(p, "xl/workbook.xml", 3.0), "PIA_EXCEL_MAX_PART_BYTES"),
    "sheet inflating to 1 GiB": (lambda p: hf.zip_bomb(p, "xl/worksheets/sheet2.xml", 1.0), "PIA_EXCEL_MAX_PART_BYTES"),
}


@pytest.fixture(scope="module", params=sorted(HOSTILE))
def hostile(request, tmp_path_factory):
    build, setting = HOSTILE[request.param]
    path = build(tmp_path_factory.mktemp("hostile") / "hostile.xlsx")
    assert path.stat().st_size < 8 << 20  # the test files stay small
    return path, setting


def _one_error_line(res, path: Path, setting: str) -> None:
    assert res.returncode == 2, (res.returncode, res.stderr[-2000:])
    lines = res.stderr.strip().splitlines()
    assert "Traceback" not in res.stderr and "panicked" not in res.stderr
    assert [ln for ln in lines if ln.startswith("エラー: ")], lines
    err = [ln for ln in lines if str(path) in ln]
    assert len(err) == 1 and setting in err[0] and "大きすぎる" in err[0], lines


@pytest.mark.parametrize("command", [["validate"], ["convert", "-o", "{out}.json"], ["validate", "-j", "1", "{dir}"]])
def test_hostile_workbook_is_refused_with_one_line_and_exit_2(hostile, command, tmp_path):
    path, setting = hostile
    args = [a.format(out=tmp_path / "out", dir=path.parent) for a in command]
    if "{dir}" not in " ".join(command):
        args.insert(1, str(path))
    res = run_cli(*args)
    _one_error_line(res, path, setting)


def test_batch_goes_on_after_a_hostile_workbook(tmp_path):
    hf.far_cell(tmp_path / "a_far.xlsx")
    hf.copy(tmp_path / "b_good.xlsx")
    res = run_cli("validate", "-j", "1", tmp_path)
    assert res.returncode == 2, res.stderr
    assert "b_good.xlsx" in res.stdout and "b_good.xlsx" not in res.stderr  # validated, with its findings
    assert "Traceback" not in res.stderr


def test_limits_from_environment():
    assert Limits.from_env({}) == Limits()
    assert Limits.from_env({"PIA_EXCEL_MAX_CELLS": "1_000", "PIA_EXCEL_MAX_RATIO": " 50 "}) == \
        Limits(max_cells=1000, max_ratio=50)
    with pytest.raises(WorkbookError, match="PIA_EXCEL_MAX_SHEETS"):
        Limits.from_env({"PIA_EXCEL_MAX_SHEETS": "many"})


def test_real_workbooks_are_far_below_the_limits():
    for sample in sorted((ROOT / "samples").glob("*.xlsx")):
        check_file(sample)
        # a tenth of each default still passes: the margin is wide
        check_package(sample, Limits(max_total_bytes=(1 << 30) // 10, max_part_bytes=(256 << 20) // 10,
                                     max_sheets=200, max_sheet_cells=200_000, max_cells=2_000_000))


def test_each_limit_names_its_setting(tmp_path):
    sample = hf.SAMPLE
    cases = {"PIA_EXCEL_MAX_TOTAL_BYTES": Limits(max_total_bytes=1000),
             "PIA_EXCEL_MAX_PART_BYTES": Limits(max_part_bytes=1000),
             "PIA_EXCEL_MAX_SHEETS": Limits(max_sheets=1),
             "PIA_EXCEL_MAX_SHEET_CELLS": Limits(max_sheet_cells=10),
             "PIA_EXCEL_MAX_CELLS": Limits(max_cells=100)}
    for setting, lim in cases.items():
        with pytest.raises(WorkbookError, match=setting) as e:
            check_package(sample, lim)
        assert str(sample) in str(e.value)
    with pytest.raises(WorkbookError, match="PIA_EXCEL_MAX_RATIO"):
        check_package(hf.zip_bomb(tmp_path / "b.xlsx", gib=0.01), Limits(max_ratio=100))


def test_encryption_check_reads_only_the_head(tmp_path):
    big = tmp_path / "big.xlsx"
    with open(big, "wb") as fh:  # an OLE header and a sparse 2 GiB tail: read whole, it would not fit the cap
        fh.write(b"\xd0\xcf\x11\xe0" + b"\0" * 1000)
        fh.truncate(2 << 30)
    res = run_cli("validate", big)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert ".xls" in res.stderr and str(big) in res.stderr


def _small_files() -> None:
    import signal

    _cap()
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG instead of killing us
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_a_write_that_fails_names_the_output_not_a_temporary_file(tmp_path, suffix):
    """The OS refuses the write (here: a file size limit, as a full disk would): one line in Japanese naming the
    file asked for — not the temporary file beside it — exit 2, and nothing left behind."""
    sample = ROOT / "samples" / "adachi_jukijo_zenkomoku.xlsx"
    src = tmp_path / "in.json"
    assert run_cli("convert", sample, "-o", src).returncode == 0
    out = tmp_path / f"out{suffix}"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PIA_EXCEL_")}
    environ["PYTHONPATH"] = str(ROOT)
    res = subprocess.run([sys.executable, "-m", "pia_excel.cli", "convert", str(sample if suffix == ".json" else src),
                          "-o", str(out)], cwd=ROOT, env=environ, preexec_fn=_small_files, capture_output=True,
                         text=True, timeout=TIME_CAP)
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"エラー: {out}: "), lines
    assert "上限を超える" in lines[0] and ".~pia-" not in lines[0], lines
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json"]


GUIDE_PART = "xl/worksheets/sheet1.xml"  # the sample's 使い方 sheet, one of pia-excel's own


def test_an_own_sheet_is_checked_only_when_something_parses_it(tmp_path):
    """pia-excel's own sheets (使い方, the live checks' チェック計算 …) are not read as values, so the reader leaves
    their limits unchecked (the live checks are the largest part of a workbook): a far cell there does not stop
    the document being read, but whatever parses that sheet meets the limit first."""
    path = hf.far_cell(tmp_path / "guide.xlsx", member=GUIDE_PART)
    res = run_cli("validate", path)
    assert res.returncode in (0, 1) and "Traceback" not in res.stderr, res.stderr
    book = open_cells(path)
    assert book.unchecked == {s: p for s, p in book.unchecked.items() if s in OWN_SHEETS} and "使い方" in book.unchecked
    book.grid("表紙")
    with pytest.raises(WorkbookError, match="PIA_EXCEL_MAX_SHEET_CELLS") as e:
        book.grid("使い方")
    assert str(path) in str(e.value)
    with pytest.raises(WorkbookError, match="PIA_EXCEL_MAX_SHEET_CELLS"):
        book.merged("使い方")
    with pytest.raises(WorkbookError, match="PIA_EXCEL_MAX_SHEET_CELLS"):
        check_file(path)  # openpyxl parses every sheet: opening for editing checks them all


@pytest.mark.parametrize("edit", ["comment in the rels", "two titles on one part", "part named twice"])
def test_an_own_sheet_is_skipped_only_when_plainly_named(tmp_path, edit):
    def rewrite(name, data):
        if edit == "comment in the rels" and name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"<Relationship ", b"<!-- x --><Relationship ", 1)
        if edit == "two titles on one part" and name == "xl/workbook.xml":  # 表紙's element points at 使い方's part
            return data.replace('name="表紙" sheetId="2" state="visible" r:id="rId2"'.encode(),
                                'name="表紙" sheetId="2" state="visible" r:id="rId1"'.encode())
        return data
    path = hf.far_cell(tmp_path / "a.xlsx", member=GUIDE_PART)
    if edit == "part named twice":  # a second member of the same name: which one a reader opens is not known
        with zipfile.ZipFile(path, "a") as z, pytest.warns(UserWarning):
            z.writestr(GUIDE_PART, "<worksheet/>")
    else:
        path = hf._rewrite(path, tmp_path / "b.xlsx", rewrite)
    with pytest.raises(WorkbookError, match="PIA_EXCEL_MAX_SHEET_CELLS"):
        check_package_skipping(path, OWN_SHEETS)


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _after_sheet_data(tmp_path, name: str, extra: str) -> Path:
    def edit(member, data):
        if member == hf.COVER:
            data = data.replace(b"</sheetData>", b"</sheetData>" + extra.encode(), 1)
        return data
    return hf._rewrite(hf.SAMPLE, tmp_path / name, edit)


@pytest.mark.parametrize("chunk", [61, 997, 1 << 20])
def test_cells_are_searched_in_every_sheet_data_whatever_the_chunks(tmp_path, monkeypatch, chunk):
    """The scan looks for cells and formulas inside <sheetData> only (what follows it — conditional formats,
    merges — is a third of a form sheet), but in every one: a far cell in a second, prefixed <sheetData> after the
    first is found, however the part is cut into chunks; so is a formula."""
    import pia_excel.excel.limits as limits

    monkeypatch.setattr(limits, "_CHUNK", chunk)
    second = (f'<x:sheetData xmlns:x="{MAIN_NS}"><x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c>'
              f'</x:row></x:sheetData>')
    with pytest.raises(WorkbookError, match="PIA_EXCEL_MAX_SHEET_CELLS"):
        check_package(_after_sheet_data(tmp_path, "second.xlsx", second))
    with pytest.raises(WorkbookError, match="PIA_EXCEL_MAX_SHEET_CELLS"):
        check_package(hf.far_cell(tmp_path / "far.xlsx"))
    formula = hf._rewrite(hf.SAMPLE, tmp_path / "f.xlsx", lambda m, d: d.replace(
        b"</sheetData>", b'<row r="99"><c r="A99"><f>1+1</f><v>2</v></c></row></sheetData>', 1) if m == hf.COVER else d)
    assert hf.COVER in check_package(formula)


def test_what_follows_the_sheet_data_is_not_taken_for_cells(tmp_path):
    """Text after the last </sheetData> that looks like a far cell is no cell for the readers either: python-calamine
    reads the sheet as it was, so the scan lets it pass."""
    path = _after_sheet_data(tmp_path, "ext.xlsx", '<extLst><ext uri="x"><c r="XFD1048576"><f>1</f></c></ext></extLst>')
    assert hf.COVER not in check_package(path)
    book = open_cells(path)
    assert len(book.grid("表紙")) == len(open_cells(hf.SAMPLE).grid("表紙"))


@pytest.mark.parametrize("size", [1, 4096, 1 << 20])
def test_member_chunks_inflate_as_zipfile_reads(tmp_path, size):
    from pia_excel.excel.parts import INFLATE_ERRORS, member_chunks

    stored = tmp_path / "stored.xlsx"
    with zipfile.ZipFile(hf.SAMPLE) as zin, zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist()[:6]:
            zout.writestr(info.filename, zin.read(info))
    for path in (hf.SAMPLE, stored):
        with open(path, "rb") as fh, zipfile.ZipFile(fh) as z:
            for info in z.infolist()[:6]:
                chunks = list(member_chunks(z, fh, info, size))
                assert b"".join(chunks) == z.read(info) and all(len(c) <= size for c in chunks)
    cut = tmp_path / "cut.xlsx"  # the first member's data cut short, the directory left as it was
    data = bytearray(hf.SAMPLE.read_bytes())
    with zipfile.ZipFile(hf.SAMPLE) as z:
        info = max(z.infolist(), key=lambda i: i.compress_size)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    cut.write_bytes(bytes(data[:start + info.compress_size // 2]) + bytes(data[start + info.compress_size:]))
    with open(cut, "rb") as fh, zipfile.ZipFile(fh) as z:
        with pytest.raises((EOFError, zipfile.BadZipFile, *INFLATE_ERRORS)):
            b"".join(member_chunks(z, fh, z.getinfo(info.filename), size))


def _cover_edit(tmp_path, name: str, cells: str) -> Path:
    """The sample with ``cells`` (rows of <c> elements) added at the end of its cover sheet's <sheetData>."""
    return hf._rewrite(hf.SAMPLE, tmp_path / name, lambda m, d: d.replace(
        b"</sheetData>", cells.encode() + b"</sheetData>", 1) if m == hf.COVER else d)


def test_the_reader_looks_for_far_cells_where_something_would_allocate_them(tmp_path):
    """The reader takes values from the XML the scan kept (sheetxml), which makes rows only up to the last cell
    holding a value: there the scan does not look for cells (the regex over every cell was ~1.3 ms per 全項目
    workbook). An empty styled cell at XFD1048576 costs sheetxml nothing, and the document is read as it was; a
    far cell holding a value is refused before any row is made. Opening for editing (openpyxl) and a sheet that
    python-calamine reads are checked as before."""
    empty_far = _cover_edit(tmp_path, "empty_far.xlsx", '<row r="1048576"><c r="XFD1048576" s="1"/></row>')
    assert hf.COVER in check_package_skipping(empty_far, OWN_SHEETS, keep=True).deferred
    from pia_excel import api

    assert api.load(empty_far).doc == api.load(hf.SAMPLE).doc
    with pytest.raises(WorkbookError, match="PIA_EXCEL_MAX_SHEET_CELLS"):
        check_file(empty_far)  # openpyxl would make every cell of the range: refused when opening for editing
    with pytest.raises(WorkbookError, match="PIA_EXCEL_MAX_SHEET_CELLS"):
        check_package(empty_far)

    # the same empty cell on a sheet sheetxml leaves to python-calamine (an error value): checked before calamine
    calamine_far = _cover_edit(tmp_path, "calamine_far.xlsx",
                               '<row r="99"><c r="A99" t="e"><v>#N/A</v></c></row>'
                               '<row r="1048576"><c r="XFD1048576" s="1"/></row>')
    with pytest.raises(WorkbookError, match="PIA_EXCEL_MAX_SHEET_CELLS") as e:
        open_cells(calamine_far).grid("表紙")
    assert str(calamine_far) in str(e.value)
    with pytest.raises(WorkbookError, match="PIA_EXCEL_MAX_SHEET_CELLS"):
        api.load(calamine_far)
    near = _cover_edit(tmp_path, "calamine_near.xlsx", '<row r="99"><c r="A99" t="e"><v>#N/A</v></c></row>')
    book = open_cells(near)
    assert len(book.grid("表紙")) == 99 and "表紙" not in book._from_xml  # read by python-calamine


def test_without_python_calamine_the_far_cells_are_looked_for_before_openpyxl_reads(tmp_path, monkeypatch):
    """Where python-calamine is not installed, openpyxl reads the sheets: the scan's search of the parts it left
    to the reader runs before, as before python-calamine, so the same workbook is refused with either."""
    from pia_excel.excel import cells

    empty_far = _cover_edit(tmp_path, "empty_far.xlsx", '<row r="1048576"><c r="XFD1048576" s="1"/></row>')
    monkeypatch.setattr(cells, "CalamineWorkbook", None)
    assert open_cells(hf.SAMPLE).grid("表紙")  # the fallback reads
    with pytest.raises(WorkbookError, match="PIA_EXCEL_MAX_SHEET_CELLS") as e:
        open_cells(empty_far).grid("表紙")
    assert str(empty_far) in str(e.value)


def test_deferred_sheets_count_against_the_total_when_their_values_reach_far(tmp_path, monkeypatch):
    """A sheet whose cells holding a value reach beyond A1:Z9999 counts in full against PIA_EXCEL_MAX_CELLS, as
    when the scan looked at its cells."""
    path = _cover_edit(tmp_path, "wide.xlsx", '<row r="20000"><c r="AZ20000" t="n"><v>1</v></c></row>')
    book = open_cells(path)
    assert len(book.grid("表紙")) == 20000  # 20,000 rows × 52 columns: under the sheet's limit
    monkeypatch.setenv("PIA_EXCEL_MAX_CELLS", str(20000 * 52))
    with pytest.raises(WorkbookError, match="PIA_EXCEL_MAX_CELLS"):
        open_cells(path).grid("表紙")


def test_a_formula_in_a_sheet_read_from_the_kept_xml_is_found(tmp_path):
    """The scan does not look for formulas in the parts it defers; sheetxml meets every formula of a sheet it
    reads, and an unread deferred part is searched when the formulas are asked for."""
    path = _cover_edit(tmp_path, "f.xlsx", '<row r="99"><c r="A99"><f>1+1</f><v>2</v></c></row>')
    scan = check_package_skipping(path, OWN_SHEETS, keep=True)
    assert hf.COVER in scan.deferred and hf.COVER not in scan.formula_parts
    book = open_cells(path)
    book.grid("表紙")
    assert hf.COVER in book.formula_parts
    unread = open_cells(path)
    assert hf.COVER in unread.formula_parts and "表紙" in unread.formula_sheets()
    assert hf.COVER not in open_cells(hf.SAMPLE).formula_parts
