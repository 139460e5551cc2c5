"""Fuzz: every command fed mutated workbooks and data files (tests/fuzz_inputs.py, fixed seed) ends through the one
error path — exit 0, 1 (findings) or 2, never a traceback — and an exit 2 says so in a line that names the user's
file, never a temporary file (issue 15)."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import fuzz_inputs as fz
from pia_excel.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "kushiro_shuno_juten.xlsx"
SEED = 20261203
#: cases per command and kind of input (CI runs them all: a few seconds each)
CASES = 100
DATE = "令和7年2月25日"
#: names of this project's temporary files: a message must never show one
TEMP_NAME = re.compile(r"\.~pia-|\.tmp\b|/tmp/tmp")


@pytest.fixture(scope="module")
def sample_json(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("fuzz") / "sample.json"
    res = CliRunner().invoke(main, ["convert", str(SAMPLE), "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out.read_text(encoding="utf-8")


def _commands(path: Path, out: Path) -> dict[str, list[str]]:
    """Each command given the mutated file ``path`` (outputs under ``out``)."""
    target = ".xlsx" if path.suffix == ".json" else ".json"
    return {
        "validate": ["validate", str(path)],
        "validate-json": ["validate", str(path), "--format", "json"],
        "convert": ["convert", str(path), "-o", str(out / f"converted{target}")],
        "export": ["export", str(path), "-o", str(out / "table.csv"), "-j", "1"],
        "changelog-new": ["changelog", str(SAMPLE), str(path), "--date", DATE, "--format", "json"],
        "changelog-old": ["changelog", str(path), str(SAMPLE), "--date", DATE, "--format", "json"],
    }


COMMANDS = list(_commands(Path("x.xlsx"), Path(".")))


def _check(res, args: list[str], path: Path, case: str) -> None:
    where = f"{case}: {' '.join(args)}"
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        import traceback
        tb = "".join(traceback.format_exception(res.exception))
        pytest.fail(f"{where}: uncaught {type(res.exception).__name__}\n{tb[-3000:]}")
    assert res.exit_code in (0, 1, 2), (where, res.exit_code, res.output[-1000:], res.stderr[-1000:])
    assert "Traceback" not in res.output and "Traceback" not in res.stderr, where
    if res.exit_code == 2:
        errors = [ln for ln in res.stderr.splitlines() if ln.startswith("エラー: ")]
        assert errors, (where, res.stderr[-1000:])
        assert any(path.name in ln for ln in errors), (where, errors)
        assert not any(TEMP_NAME.search(ln) for ln in errors), (where, errors)


def _run_cases(kind: str, command: str, make, tmp_path: Path) -> dict[int, int]:
    rng = random.Random(f"{SEED}-{kind}-{command}")
    runner = CliRunner()
    codes: dict[int, int] = {}
    for case in range(CASES):
        out = tmp_path / f"case{case}"
        out.mkdir()
        path = make(rng, out)
        args = _commands(path, out)[command]
        res = runner.invoke(main, args)
        _check(res, args, path, f"{kind} case {case}")
        codes[res.exit_code] = codes.get(res.exit_code, 0) + 1
    return codes


@pytest.mark.parametrize("command", COMMANDS)
def test_mutated_workbooks(command, tmp_path):
    data = SAMPLE.read_bytes()

    def make(rng, out: Path) -> Path:
        mutate = rng.choice(fz.WORKBOOK_MUTATIONS)
        path = out / f"評価書_{mutate.__name__}.xlsx"
        path.write_bytes(mutate(rng, data))
        return path

    codes = _run_cases("workbook", command, make, tmp_path)
    assert codes.get(2, 0) > CASES // 4, codes  # most mutations break the workbook: they are refused, not ignored


@pytest.mark.parametrize("command", COMMANDS)
def test_mutated_data_files(command, tmp_path, sample_json):
    def make(rng, out: Path) -> Path:
        mutate = rng.choice(fz.DATA_MUTATIONS)
        path = out / f"評価書_{mutate.__name__}.json"
        path.write_bytes(mutate(rng, sample_json).encode("utf-8", "surrogatepass"))
        return path

    codes = _run_cases("data", command, make, tmp_path)
    assert codes.get(2, 0) > CASES // 10, codes


def test_the_mutations_break_what_they_claim(sample_json):
    """The fuzz inputs are what their names say (so the test above is not fuzzing with intact files)."""
    rng = random.Random(SEED)
    data = SAMPLE.read_bytes()
    for mutate in fz.WORKBOOK_MUTATIONS:
        assert mutate(rng, data) != data, mutate.__name__
    for mutate in fz.DATA_MUTATIONS:
        assert mutate(rng, sample_json) != sample_json, mutate.__name__
