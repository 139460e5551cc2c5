"""What a fresh process imports: ``pia-excel --help`` and a first validation (what an Excel button runs) must not
load the slow libraries they do not need. Not timed: the times are measured by bench/run.py; this keeps the
imports that make them from creeping back.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "adachi_jukijo_zenkomoku.xlsx"
HEAVY = ("openpyxl", "numpy", "pandas", "pyarrow", "xlsxwriter", "xlwings", "pia_excel.models")


def _imported(code: str) -> set[str]:
    """The heavy modules in ``sys.modules`` after ``code`` ran in a fresh interpreter on this checkout."""
    script = f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    return set(json.loads(res.stdout.strip().splitlines()[-1]))


def _cli(*args: str) -> str:
    """Run the click group in-process the way the ``pia-excel`` script does, keeping its output off stdout."""
    return ("import contextlib, io\n"
            "from pia_excel.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
            f"    try:\n        main({list(args)!r}, prog_name='pia-excel')\n"
            "    except SystemExit:\n        pass\n")


@pytest.mark.parametrize("args", [("--help",), ("validate", "--help")])
def test_help_imports_no_heavy_library(args):
    assert _imported(_cli(*args)) == set()


def test_reading_a_workbook_imports_no_openpyxl():
    """The reader takes values from python-calamine and names from workbook.xml: no openpyxl (and so no numpy)."""
    assert _imported(f"from pia_excel.storage import load\nload({str(SAMPLE)!r})") <= {"pia_excel.models"}


def test_first_validation_imports_no_openpyxl_or_pandas():
    """``pia-excel validate one.xlsx`` (what an Excel button runs first): the cells of findings come from the
    layout computed from the spec, values from python-calamine — no openpyxl, numpy, pandas, XlsxWriter, xlwings."""
    imported = _imported(_cli("validate", str(SAMPLE)))
    assert "pia_excel.models" in imported  # the run did validate
    assert not imported & {"openpyxl", "numpy", "pandas", "pyarrow", "xlsxwriter", "xlwings"}


def test_a1_helpers_agree_with_openpyxl():
    """The reading path's own A1 helpers (excel/cells.py) give what openpyxl's utilities give."""
    from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries

    from pia_excel.excel.cells import bounds, column_index, column_letter, row_col

    for n in list(range(1, 800)) + [16384]:
        assert column_letter(n) == get_column_letter(n)
        assert column_index(get_column_letter(n)) == n
    for ref in ("A1", "C52", "$C$52", "B4:F30", "$AA$10:$XFD$1048576"):
        assert bounds(ref.replace("$", "")) == range_boundaries(ref)
    assert row_col("AB7") == (7, column_index_from_string("AB"))
