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


def test_first_validation_imports_no_pandas():
    """``pia-excel validate one.xlsx``. Not asserted yet: openpyxl (and numpy, which openpyxl imports when
    installed) — the cell map of rules/cells.py still builds a blank workbook with the writer; the layout computed
    from the spec replaces it, and then this test should also forbid openpyxl and numpy."""
    imported = _imported(_cli("validate", str(SAMPLE)))
    assert "pia_excel.models" in imported  # the run did validate
    assert not imported & {"pandas", "pyarrow", "xlsxwriter", "xlwings"}
