"""Writers of one workbook never lose each other's work, never write behind Excel's or LibreOffice's back, and an
interrupted write leaves the workbook as it was."""
from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from pia_excel import api
from pia_excel.changelog import append_to_file
from pia_excel.cli import main
from pia_excel.excel.package import LockError, edit_workbook, workbook_lock
from pia_excel.models import ChangeRow
from pia_excel.rules import report as reports
from pia_excel.wareki import WarekiDate

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "kushiro_shuno_juten.xlsx"
DATE = "令和7年6月1日"


@pytest.fixture
def book(tmp_path) -> Path:
    path = tmp_path / "評価書.xlsx"
    shutil.copy(SAMPLE, path)
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def row(text: str) -> ChangeRow:
    return ChangeRow(date=WarekiDate.parse(DATE), item=f"Ⅰ 基本情報 {text}", before="旧", after=text, timing="事後",
                     explanation="文言の整理")


def items(path: Path) -> list[str]:
    return [r.item for r in api.load(path).doc.annex2.henko_kasho]


@pytest.mark.parametrize("lock_name", ["~$評価書.xlsx", ".~lock.評価書.xlsx#"])
@pytest.mark.parametrize("command", ["validate", "changelog", "publish"])
def test_a_workbook_open_in_excel_or_libreoffice_is_not_written(book, tmp_path, lock_name, command):
    (book.parent / lock_name).write_text("someone,PC01,2025/06/01")
    before = book.read_bytes()
    args = {"validate": ("validate", book, "--in-place"),
            "changelog": ("changelog", tmp_path / "old.json", book, "--date", DATE, "--in-place"),
            "publish": ("publish", book, "--date", DATE)}[command]
    if command == "changelog":
        doc = api.load(book).doc
        doc.cover.hyokasho_mei += "（旧）"
        api.save(doc, tmp_path / "old.json")
    r = run(*args)
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.output.splitlines() if lock_name in ln]
    assert len(lines) == 1 and "開かれています" in lines[0], r.output
    assert book.read_bytes() == before


def test_a_second_writer_waits_then_stops_with_one_line(book, tmp_path, monkeypatch):
    monkeypatch.setenv("PIA_EXCEL_LOCK_TIMEOUT", "0.5")
    before = book.read_bytes()
    with workbook_lock(book):
        t0 = time.monotonic()
        r = run("publish", book, "--date", DATE)
        waited = time.monotonic() - t0
    assert r.exit_code == 2
    assert "書き込み中" in r.output and len(r.output.strip().splitlines()) == 1
    assert waited >= 0.5
    assert book.read_bytes() == before
    assert run("publish", book, "--date", DATE).exit_code == 0  # released: the next one goes through
    assert not list(book.parent.glob(".~pia-lock.*"))  # and leaves no lock file behind


def test_lock_is_released_when_the_holder_dies(book):
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Event()

    def hold():
        with workbook_lock(book):
            ready.set()
            time.sleep(60)

    p = ctx.Process(target=hold)
    p.start()
    assert ready.wait(30)
    with pytest.raises(LockError):
        with workbook_lock(book, timeout=0.2):
            pass
    os.kill(p.pid, signal.SIGKILL)
    p.join()
    with workbook_lock(book, timeout=5):  # the lock file is still there; its lock went with the process
        pass


def _append(path: str, text: str, start) -> None:
    start.wait()
    append_to_file(Path(path), [row(text)])


def _validate(path: str, start) -> None:
    start.wait()
    rep = api.validate(api.load(Path(path)))
    reports.write_annotated(rep, Path(path), source=Path(path))


def test_two_writers_at_once_lose_nothing_20_times(book, monkeypatch):
    """Two change logs and a validation started together on one workbook, 20 times: every row and the 検証結果
    sheet are there every time."""
    ctx = multiprocessing.get_context("fork")
    original = book.read_bytes()
    for trial in range(20):
        book.write_bytes(original)
        start = ctx.Event()
        procs = [ctx.Process(target=_append, args=(str(book), f"追加A{trial}", start)),
                 ctx.Process(target=_append, args=(str(book), f"追加B{trial}", start)),
                 ctx.Process(target=_validate, args=(str(book), start))]
        for p in procs:
            p.start()
        start.set()
        for p in procs:
            p.join(120)
            assert p.exitcode == 0, f"trial {trial}: a writer failed"
        got = items(book)
        assert f"Ⅰ 基本情報 追加A{trial}" in got and f"Ⅰ 基本情報 追加B{trial}" in got, f"trial {trial}: {got[-3:]}"
        with zipfile.ZipFile(book) as z:
            assert "検証結果".encode() in z.read("xl/workbook.xml"), f"trial {trial}"
    assert not list(book.parent.glob(".~pia-*"))


def _slow_writer(path: str) -> None:
    append_to_file(Path(path), [row("中断")])


def test_an_interrupted_write_leaves_the_workbook_whole(book):
    """A writer killed at any moment: the workbook is the old one or the new one, never a broken one."""
    ctx = multiprocessing.get_context("fork")
    original = book.read_bytes()
    outcomes = set()
    for delay in [0.05 * i for i in range(1, 31, 3)]:
        book.write_bytes(original)
        p = ctx.Process(target=_slow_writer, args=(str(book),))
        p.start()
        time.sleep(delay)
        os.kill(p.pid, signal.SIGKILL)
        p.join()
        data = book.read_bytes()
        if data == original:
            outcomes.add("old")
            continue
        assert "Ⅰ 基本情報 中断" in items(book)
        outcomes.add("new")
        for tmp in book.parent.glob(".~pia-*"):  # a killed writer's temporary file (the workbook is whole)
            tmp.unlink()
    assert "old" in outcomes


def test_edit_workbook_writes_nothing_when_nothing_changed(book):
    before = book.stat().st_mtime_ns
    with edit_workbook(book):
        pass
    assert book.stat().st_mtime_ns == before
