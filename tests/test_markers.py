"""Markers left for the author (【要確認】 written by `changelog` into 説明, 【要修正】 …): an error in `validate`
(R502 at the cell), and `pdf` refuses the document unless `--draft` (then every page carries 下書き)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from pia_excel import api
from pia_excel.changelog import REVIEW_MARK
from pia_excel.cli import main
from pia_excel.excel.writer import write_workbook
from pia_excel.pdf.render import pdf_page_count
from pia_excel.rules import validate_result
from pia_excel.rules.wording import author_markers

from test_changelog_support import set_path

KUSHIRO = Path(__file__).with_name("fixtures") / "kushiro_shuno_juten.json"
DATE = "令和7年2月25日"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def _marked(tmp_path_factory) -> Path:
    """The Kushiro workbook after `changelog` appended rows: the 法改正 row's 説明 starts with 【要確認】."""
    d = tmp_path_factory.mktemp("markers")
    new = api.load(KUSHIRO).doc
    write_workbook(new, d / "new.xlsx")
    old = new.model_copy(deep=True)
    set_path(old, "files[1].II.iten_saki[2].iten_konkyo", "番号法第9条第1項 別表第1第68項")
    api.save(old, d / "old.json")
    r = run("changelog", d / "old.json", d / "new.xlsx", "--date", DATE, "-o", d / "marked.xlsx")
    assert r.exit_code == 0, r.output
    return d / "marked.xlsx"


@pytest.fixture
def marked(_marked, tmp_path) -> Path:
    path = tmp_path / "評価書.xlsx"
    shutil.copy(_marked, path)
    return path


def test_review_mark_is_a_marker():
    assert author_markers(REVIEW_MARK + "法改正によるもの") == [REVIEW_MARK]
    assert author_markers("［要修正］委託先") == ["[要修正]"]
    assert author_markers("〔判読不能〕") == [] and author_markers("（仮称）宛名システム") == []
    assert author_markers("要確認事項を整理する") == []


def test_validate_finds_the_marker_by_code_and_cell(marked):
    result = api.load(marked)
    rows = result.doc.annex2.henko_kasho
    n = next(i for i, r in enumerate(rows, start=1) if (r.explanation or "").startswith(REVIEW_MARK))
    report = validate_result(result, codes=["R502"])
    sheet, first = result.cell_of("annex2.henko_kasho")  # the table's first row, column A (変更日)
    assert sheet == "別添2 変更箇所"
    row = int(first.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) + n - 1
    assert report.pairs() == [("R502", f"F{row}")]  # F: 提出時期に係る説明
    assert report.findings[0].severity == "エラー" and report.findings[0].sheet == sheet
    assert REVIEW_MARK in report.findings[0].message
    # the command line: exit 1, the code and the cell in the JSON report
    r = run("validate", marked, "--format", "json")
    assert r.exit_code == 1
    found = [(f["code"], f["cell"]) for f in json.loads(r.stdout)["findings"] if f["code"] == "R502"]
    assert found == report.pairs()


@pytest.mark.libreoffice
def test_pdf_refuses_a_document_with_a_marker(marked, tmp_path):
    out = tmp_path / "評価書.pdf"
    r = run("pdf", marked, "-o", out)
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1
    finding = validate_result(api.load(marked), codes=["R502"]).findings[0]
    assert str(marked) in lines[0] and f"{finding.sheet}!{finding.cell}" in lines[0] and REVIEW_MARK in lines[0]
    assert "--draft" in lines[0]
    assert not out.exists()
    # an older PDF at the output stays as it was
    out.write_bytes(b"%PDF-old")
    assert run("pdf", marked, "-o", out).exit_code == 2
    assert out.read_bytes() == b"%PDF-old"
    # the same from JSON, and in a folder run (the other files are made)
    (tmp_path / "in").mkdir()
    api.save(api.load(marked).doc, tmp_path / "in" / "marked.json")
    api.save(api.load(KUSHIRO).doc, tmp_path / "in" / "clean.json")
    r = run("pdf", tmp_path / "in", "-o", tmp_path / "pdfs")
    assert r.exit_code == 2
    assert sorted(p.name for p in (tmp_path / "pdfs").iterdir()) == ["clean.pdf"]
    assert "marked.json" in r.stderr and REVIEW_MARK in r.stderr


@pytest.mark.libreoffice
def test_pdf_draft_marks_every_page(marked, tmp_path):
    out = tmp_path / "評価書.pdf"
    r = run("pdf", marked, "-o", out, "--draft")
    assert r.exit_code == 0, r.output
    pages = pdf_page_count(out)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, check=True).stdout
    per_page = text.decode().split("\f")[:pages]
    assert len(per_page) == pages and all("下書き" in p for p in per_page)
    # a finished document carries no draft mark
    clean = tmp_path / "clean.pdf"
    assert run("pdf", KUSHIRO, "-o", clean).exit_code == 0
    assert "下書き" not in subprocess.run(["pdftotext", "-enc", "UTF-8", str(clean), "-"], capture_output=True,
                                          check=True).stdout.decode()


def test_the_quick_opener_check_knows_every_character_that_can_open_a_marker():
    """author_markers skips texts holding none of wording._OPENERS: that set must be every character whose NFKC
    contains an opening bracket or star of the marker pattern (else a marker written with it would be missed)."""
    import sys
    import unicodedata

    from pia_excel.rules import wording

    assert all(ch in wording._MARKER.pattern for ch in wording._OPENING)
    expected = {c for c in map(chr, range(sys.maxunicode + 1))
                if any(o in unicodedata.normalize("NFKC", c) for o in wording._OPENING)}
    assert wording._OPENERS == expected
    for opener in ("︻", "﹇", "﹝", "［"):  # vertical / small / full-width forms that NFKC turns into openers
        assert wording.author_markers(f"委託先{opener}要確認{'】' if opener == '︻' else ']' if opener in '﹇［' else '〕'}")
