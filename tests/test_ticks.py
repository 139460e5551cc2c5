"""The tick-cell table: what each mark typed into a ○ cell means, in the reader (by defined names and by printed
labels), the validator (R004 at the cell), a written-back workbook, the PDF print copy and the Excel buttons.

A ○ cell is ticked only by ○ and its look-alikes; the marks staff use for "no" leave it unticked; anything else is
an error at its cell, never counted as a tick, and kept as written."""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil

import pytest

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # xlwings' noncommercial licence: JSON books
os.environ.setdefault("XLWINGS_ON_SERVER", "true")

from openpyxl import load_workbook  # noqa: E402

from pia_excel import api  # noqa: E402
from pia_excel.errors import ERROR  # noqa: E402
from pia_excel.excel.reader import read_workbook  # noqa: E402
from pia_excel.models import new_document  # noqa: E402
from pia_excel.pdf.printcopy import build_print_workbook  # noqa: E402
from pia_excel.rules import validate_result  # noqa: E402
from pia_excel.rules.engine import Context  # noqa: E402

TODAY = dt.date(2025, 6, 1)
BASE = "files[1].II.nyushu_moto"

TICKED, UNTICKED, INVALID = "ticked", "unticked", "invalid"
#: (what is typed, what it means); numbers and booleans as Excel stores them
TABLE = [
    ("○", TICKED), ("〇", TICKED), ("◯", TICKED), (" ○ ", TICKED), ("○\n", TICKED),
    ("×", UNTICKED), ("✕", UNTICKED), ("✖", UNTICKED), ("-", UNTICKED), ("ー", UNTICKED), ("－", UNTICKED),
    ("―", UNTICKED), ("ｰ", UNTICKED), ("なし", UNTICKED), ("無", UNTICKED), ("0", UNTICKED), ("０", UNTICKED),
    (0, UNTICKED), (" ", UNTICKED), ("　", UNTICKED),
    ("✔", INVALID), ("✓", INVALID), ("1", INVALID), ("１", INVALID), (1, INVALID), ("TRUE", INVALID),
    (True, INVALID), ("レ", INVALID), ("x", INVALID), ("X", INVALID), ("●", INVALID), ("有", INVALID),
    ("あり", INVALID), ("○×", INVALID),
]
IDS = [f"{i}-{m!r}" for i, (m, _) in enumerate(TABLE)]


def as_read(mark) -> str:
    """The text of the mark as the reader reads it (the value kept in invalid_values)."""
    if isinstance(mark, bool):
        return "TRUE" if mark else "FALSE"
    return str(mark)


def mark_cells(result) -> list[str]:
    """The ○ cells of the juten form outside repeat groups, in form order."""
    return [p for p in result.cells if re.search(r"\.o\d+$", p) and "[" not in p.replace("files[1]", "")]


@pytest.fixture(scope="module")
def marked(tmp_path_factory) -> dict:
    """One workbook with every mark of the table in its own ○ cell; read by names, by labels, written back."""
    d = tmp_path_factory.mktemp("ticks")
    blank = d / "blank.xlsx"
    api.save(new_document("juten"), blank)
    cells = mark_cells(read_workbook(blank))
    assert len(cells) >= len(TABLE)
    where = read_workbook(blank).cells
    wb = load_workbook(blank)
    for (mark, _), p in zip(TABLE, cells):
        sheet, ref = where[p]
        wb[sheet][ref] = mark
    wb.save(d / "named.xlsx")
    for name in list(wb.defined_names.keys()):
        del wb.defined_names[name]
    wb.save(d / "plain.xlsx")
    out = {"dir": d, "cells": cells[:len(TABLE)], "where": where,
           "named": api.load(d / "named.xlsx"), "plain": api.load(d / "plain.xlsx")}
    api.save(out["named"].doc, d / "back.xlsx")
    out["back"] = load_workbook(d / "back.xlsx")
    out["reread"] = api.load(d / "back.xlsx")
    return out


CASES = [(m, meaning, i) for i, (m, meaning) in enumerate(TABLE)]


def is_ticked(doc, path: str) -> bool:
    """Whether the option of ``path`` ("….nyushu_moto.o2") is read as ticked."""
    base, _, opt = path.rpartition(".o")
    ctx = Context(doc)
    item = ctx.item(base)
    return any(ctx.option_index(item, t.label) == int(opt) and t.checked is not False for t in ctx.value(base) or [])


@pytest.mark.parametrize(("mark", "meaning", "n"), CASES, ids=IDS)
@pytest.mark.parametrize("how", ["named", "plain"], ids=["by-names", "by-labels"])
def test_reader_and_validator(marked, mark, meaning, n, how):
    result = marked[how]
    path = marked["cells"][n]
    sheet, ref = marked["where"][path]
    # the reader: ticked only by ○ and its look-alikes
    assert is_ticked(result.doc, path) == (meaning == TICKED)
    # an unreadable mark is kept as written and reported at its cell as an error
    assert result.doc.invalid_values.get(path) == (as_read(mark) if meaning == INVALID else None)
    odd = [(i.code, i.severity, i.sheet, i.cell) for i in result.issues if i.path == path]
    assert odd == ([("R004", ERROR, sheet, ref)] if meaning == INVALID else [])
    # the validator: R004, an error, at the cell; nothing else about the cell
    report = validate_result(result, today=TODAY, codes=["R004", "R005", "R106"])
    here = [(f.code, f.severity, f.sheet, f.cell) for f in report.findings if f.path == path]
    assert here == ([("R004", ERROR, sheet, ref)] if meaning == INVALID else [])


def test_every_invalid_mark_and_nothing_else_is_an_r004(marked):
    expected = sorted(marked["where"][p] for (_, meaning), p in zip(TABLE, marked["cells"]) if meaning == INVALID)
    for how in ("named", "plain"):
        report = validate_result(marked[how], today=TODAY, codes=["R004", "R005", "R106"])
        assert sorted((f.sheet, f.cell) for f in report.findings) == expected
        assert {f.code for f in report.findings} == {"R004"}


@pytest.mark.parametrize(("mark", "meaning", "n"), CASES, ids=IDS)
def test_written_back(marked, mark, meaning, n):
    sheet, ref = marked["where"][marked["cells"][n]]
    # ○ for a tick, nothing for "no", the unreadable mark as it was read
    assert marked["back"][sheet][ref].value == {TICKED: "○", UNTICKED: None, INVALID: as_read(mark)}[meaning]


def test_written_back_reads_the_same(marked):
    assert api.to_data(marked["reread"].doc) == api.to_data(marked["named"].doc)


def test_print_copy_shows_only_real_ticks(marked):
    """"[ ○ ]" once per real tick; an unreadable mark prints as an empty box, never as itself."""
    wb, _ = build_print_workbook(marked["named"].doc)
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    # options print two or three to a line: count the boxes inside the texts
    assert sum(t.count("[ ○ ]") for t in texts) == sum(meaning == TICKED for _, meaning in TABLE)
    for mark, meaning in TABLE:
        if meaning == INVALID:
            assert not any(f"[ {as_read(mark)} ]" in t for t in texts)


def test_a_detail_beside_a_no_mark_or_an_unreadable_mark_is_kept_unticked(tmp_path):
    doc = new_document("juten")
    path = tmp_path / "t.xlsx"
    api.save(doc, path)
    result = read_workbook(path)
    # 入手元 その他 (the option with a （　） detail)
    sheet, ref = result.cell_of(f"{BASE}.o6")
    dsheet, dref = result.cell_of(f"{BASE}.o6.detail")
    wb = load_workbook(path)
    for mark, codes in (("×", ["R106"]), ("✔", ["R004"])):
        wb[sheet][ref] = mark
        wb[dsheet][dref] = "関係機関"
        wb.save(tmp_path / "m.xlsx")
        got = api.load(tmp_path / "m.xlsx")
        ticks = got.doc.files[0].II.nyushu_moto
        assert [(t.label, t.checked, t.detail) for t in ticks] == [("その他", False, "関係機関")]
        assert [c for c, _ in validate_result(got, today=TODAY, codes=["R004", "R106"]).pairs()] == codes


def test_buttons_read_marks_the_same_way(marked, tmp_path):
    """The 検証 button (through the same reader) reports every unreadable mark at its cell, and nothing else."""
    from pia_excel.addin import handlers as xl, harness
    from pia_excel.rules.report import RESULT_SHEET

    path = tmp_path / "book.xlsx"
    shutil.copy(marked["dir"] / "named.xlsx", path)
    harness.run_on_file(lambda b: xl.validate_book(b, today=TODAY), path)
    after = load_workbook(path)
    rows = [tuple(c.value for c in row[:7]) for row in after[RESULT_SHEET].iter_rows(min_row=5)]
    odd = sorted((r[3], r[4]) for r in rows if r[2] == "R004")
    expected = sorted(marked["where"][p] for (_, meaning), p in zip(TABLE, marked["cells"]) if meaning == INVALID)
    assert odd == expected
    assert {r[1] for r in rows if r[2] == "R004"} == {"エラー"}
    # the button writes its own sheet; the marks stay as typed
    for (mark, _), p in zip(TABLE, marked["cells"]):
        sheet, ref = marked["where"][p]
        assert after[sheet][ref].value == mark, (p, mark)
