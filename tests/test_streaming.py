"""Folder commands stream: outcomes come out in input order as soon as they can, the parent holds at most a
window of them, and ``validate --format json`` writes the same report piece by piece."""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from click.testing import CliRunner

from pia_excel import api
from pia_excel.batch import iter_batch
from pia_excel.cli import main
from pia_excel.rules import report, validate_result

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))


def slow_first(n: int) -> int:  # module level: pickled into the workers
    if n == 0:
        time.sleep(1.0)
    return n


def die_on_three(n: int) -> int:
    if n == 3:
        os._exit(1)
    return n


def test_iter_batch_holds_at_most_its_window_while_an_early_item_is_slow():
    done_before_first: list[int] = []
    finished: list[int] = []
    stream = iter_batch(list(range(30)), slow_first, 2, lambda o: finished.append(o.item), max_pending=4)
    first = next(stream)
    done_before_first.append(len(finished))
    rest = list(stream)
    assert [first.item, *(o.item for o in rest)] == list(range(30))
    # while item 0 slept, the other worker could finish only what the window let in: not the other 29 items
    assert done_before_first[0] <= 4


def test_iter_batch_survives_a_dying_worker_in_order():
    outcomes = list(iter_batch(list(range(8)), die_on_three, 2))
    assert [o.item for o in outcomes] == list(range(8))
    assert [o.ok for o in outcomes] == [True, True, True, False, True, True, True, True]
    assert "異常終了" in outcomes[3].error


def _stream_text(dicts, unreadable):
    parts: list[str] = []
    s = report.JsonStream(parts.append)
    for d in dicts:
        s.add(*report.json_findings(json.loads(json.dumps(d))))
    s.end(unreadable)
    return "".join(parts)


def test_json_stream_is_the_same_text_as_the_whole_report():
    reps = [validate_result(api.load(p)) for p in SAMPLES]
    dicts = [report.report_dict(r, p.name) for r, p in zip(reps, SAMPLES)]
    clean = {**dicts[0], "findings": [], "errors": 0, "warnings": 0}
    for chosen, unreadable in (([], []), ([clean], []), (dicts, [("x.xlsx", "x.xlsx: 読めません")]),
                               ([clean, *dicts], [])):
        whole = report.render_json_dicts(json.loads(json.dumps(chosen)), unreadable)
        assert _stream_text(chosen, unreadable) == whole
        json.loads(whole)


def test_validate_folder_json_in_parallel_reports_every_file(tmp_path):
    for i in range(6):
        for p in SAMPLES:
            shutil.copy(p, tmp_path / f"{i}_{p.name}")
    (tmp_path / "broken.xlsx").write_text("not a workbook")
    res = CliRunner().invoke(main, ["validate", str(tmp_path), "--format", "json", "-j", "2",
                                    "--today", "2026-12-01"])
    assert res.exit_code == 2, res.output
    data = json.loads(res.stdout)
    names = [Path(f["file"]).name for f in data["files"]]
    assert names == sorted(names) and len(names) == 12  # input order, every readable file
    assert [Path(u["file"]).name for u in data["unreadable"]] == ["broken.xlsx"]
    one = validate_result(api.load(SAMPLES[0]), today=__import__("datetime").date(2026, 12, 1))
    per_file = [f for f in data["findings"] if Path(f["file"]).name == f"0_{SAMPLES[0].name}"]
    assert [(f["code"], f["cell"]) for f in per_file] == one.pairs()
