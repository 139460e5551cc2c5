"""No command replaces what it was not asked to (issue 10, item 7): outputs onto an input are refused, an existing
file is replaced only with --force, a new PDF replaces the old one only once checked, in-place writes follow
symlinks and refuse read-only files. Each refusal: exit 2, one line, the input unchanged byte for byte."""
from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from pia_excel import api
from pia_excel.cli import main

KUSHIRO = Path(__file__).with_name("fixtures") / "kushiro_shuno_juten.json"


@pytest.fixture(scope="module")
def _book(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("outputs") / "評価書.xlsx"
    api.save(api.load(KUSHIRO).doc, path)
    return path


@pytest.fixture
def book(_book, tmp_path) -> Path:
    path = tmp_path / _book.name
    shutil.copy(_book, path)
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def refused(r, path: Path, data: bytes, *words: str) -> None:
    assert r.exit_code == 2, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert str(path) in lines[0] and all(w in lines[0] for w in words), lines[0]
    assert path.read_bytes() == data


@pytest.mark.parametrize("args", [
    ("validate", "{in}", "--summary", "{in}"),
    ("export", "{in}", "-o", "{in}"),
    ("convert", "{in}", "-o", "{in}"),
    ("convert", "{in}", "-o", "{in}", "--force"),
], ids=["validate-summary", "export", "convert", "convert-force"])
def test_an_output_never_replaces_an_input(book, args):
    data = book.read_bytes()
    r = run(*[str(book) if a == "{in}" else a for a in args])
    refused(r, book, data, "入力")


@pytest.mark.parametrize("cmd", ["new", "convert"])
def test_replacing_an_existing_file_needs_force(book, tmp_path, cmd):
    data = book.read_bytes()
    src = tmp_path / "src.json"
    shutil.copy(KUSHIRO, src)
    args = ("new", "--form", "juten", "-o", book) if cmd == "new" else ("convert", src, "-o", book)
    refused(run(*args), book, data, "--force")
    r = run(*args, "--force")
    assert r.exit_code == 0, r.output
    assert book.read_bytes() != data
    api.load(book)


def test_in_place_follows_a_symlink(book, tmp_path):
    link = tmp_path / "link.xlsx"
    link.symlink_to(book)
    data = book.read_bytes()
    r = run("validate", link, "--in-place")
    assert r.exit_code in (0, 1), r.output
    assert link.is_symlink() and os.readlink(link) == str(book)
    assert book.read_bytes() != data  # the target got the 検証結果 sheet
    from openpyxl import load_workbook

    assert "検証結果" in load_workbook(book, read_only=True).sheetnames


@pytest.mark.parametrize("cmd", ["validate", "publish", "changelog"])
def test_in_place_refuses_a_read_only_file(book, cmd, tmp_path):
    old = api.load(KUSHIRO).doc
    old.I.shozokucho_yakushoku = "納税課長"
    api.save(old, tmp_path / "old.json")
    data = book.read_bytes()
    os.chmod(book, stat.S_IRUSR | stat.S_IRGRP)
    try:
        args = {"validate": ("validate", book, "--in-place"),
                "publish": ("publish", book, "--date", "令和7年2月25日"),
                "changelog": ("changelog", tmp_path / "old.json", book, "--date", "令和7年2月25日", "--in-place")}[cmd]
        r = run(*args)
        assert r.exit_code == 2, r.output
        errors = [line for line in r.stderr.strip().splitlines() if line.startswith("エラー")]
        assert len(errors) == 1 and str(book) in errors[0] and "読み取り専用" in errors[0], r.stderr
        assert book.read_bytes() == data
    finally:
        os.chmod(book, stat.S_IRUSR | stat.S_IWUSR)


def test_atomic_path_follows_links_and_refuses_read_only(tmp_path):
    from pia_excel.atomic import ReadOnlyError, write_text

    target = tmp_path / "a.txt"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "b.txt"
    link.symlink_to(target)
    write_text(link, "new")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"
    os.chmod(target, stat.S_IRUSR)
    with pytest.raises(ReadOnlyError, match="読み取り専用"):
        write_text(link, "newer")
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]  # no temporary file left


@pytest.mark.libreoffice
def test_pdf_replaces_the_old_pdf_only_after_checking_the_new(book, tmp_path, monkeypatch):
    from pia_excel.pdf import printcopy

    out = tmp_path / "評価書.pdf"
    out.write_bytes(b"%PDF-old")
    # a new PDF that poppler cannot read: the old one stays
    monkeypatch.setattr(printcopy, "to_pdf", lambda src, dst, timeout=0: (Path(dst).write_bytes(b"broken"), dst)[1])
    r = run("pdf", book, "-o", out)
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1
    assert out.read_bytes() == b"%PDF-old"
    monkeypatch.undo()
    r = run("pdf", book, "-o", out)
    assert r.exit_code == 0, r.output
    assert out.read_bytes()[:5] == b"%PDF-" and out.read_bytes() != b"%PDF-old"
    # a read-only PDF is refused before LibreOffice runs
    os.chmod(out, stat.S_IRUSR)
    data = out.read_bytes()
    refused(run("pdf", book, "-o", out), out, data, "読み取り専用")


def test_every_output_gets_its_folder_created_alike(book, tmp_path):
    """An output in a folder that does not exist yet: every command creates the folder (none fails on it, none
    writes elsewhere)."""
    new = tmp_path / "新しいフォルダ" / "下"
    cases = {
        "new": (["new", "--form", "juten", "-o", new / "a" / "n.xlsx"], new / "a" / "n.xlsx"),
        "convert": (["convert", book, "-o", new / "b" / "c.json"], new / "b" / "c.json"),
        "export": (["export", book, "-o", new / "c" / "t.csv", "-j", "1"], new / "c" / "t.csv"),
        "validate --summary": (["validate", book, "--summary", new / "d" / "s.csv"], new / "d" / "s.csv"),
        "validate --report-xlsx": (["validate", book, "--report-xlsx", new / "e" / "r.xlsx"], new / "e" / "r.xlsx"),
        "changelog -o": (["changelog", book, book, "--date", "令和7年2月25日", "-o", new / "f" / "c.xlsx"],
                         new / "f" / "c.xlsx"),
    }
    for name, (args, out) in cases.items():
        r = run(*args)
        assert r.exit_code in (0, 1), (name, r.output, r.stderr)
        assert out.is_file(), name


def test_an_output_folder_that_cannot_be_made_is_one_line(book, tmp_path):
    blocker = tmp_path / "ファイル"
    blocker.write_text("x")
    r = run("convert", book, "-o", blocker / "sub" / "c.json")
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("エラー: ") and str(blocker) in lines[0], lines
