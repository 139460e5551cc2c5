"""Batch runs: deterministic order, failures per item, worker crashes, input discovery, `convert` over folders."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pia_excel import api
from pia_excel.batch import GC_THRESHOLD, Outcome, collect_inputs, default_jobs, iter_batch, run_batch
from pia_excel.cli import main

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.xlsx"))

FIXTURES = Path(__file__).with_name("fixtures")


# workers must be module-level functions (they are pickled into the worker processes)
def square_slow_first(n: int) -> int:
    if n == 0:
        time.sleep(0.3)  # finishes last, must still come first
    if n == 3:
        raise ValueError("three is bad")
    return n * n


def die_on_two(n: int) -> int:
    if n == 2:
        os._exit(1)  # a crash, not an exception: the pool breaks
    return n


def square_or_fail(n: int) -> int:
    if n % 7 == 0:
        raise ValueError(f"{n}は7の倍数です")
    return n * n


def with_pid(n: int) -> tuple[int, int]:
    return n, os.getpid()


def die_on_150(n: int) -> int:
    if n == 150:
        os._exit(1)
    return n


def faults_of_a_third_read(path: Path) -> int:
    """Page faults taken by reading and validating ``path`` after reading it twice (in a worker)."""
    import resource

    from pia_excel.rules.run import check_one

    for _ in range(2):
        check_one((path, None, False, None, "json"))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    check_one((path, None, False, None, "json"))
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def read_form(path: Path) -> str:
    return api.load(path).doc.form


@pytest.mark.parametrize("jobs", [1, 2])
def test_run_batch_keeps_input_order_and_captures_failures(jobs):
    seen: list[Outcome] = []
    outcomes = run_batch(list(range(6)), square_slow_first, jobs, seen.append)
    assert [o.item for o in outcomes] == list(range(6))
    assert [o.value for o in outcomes] == [0, 1, 4, None, 16, 25]
    assert [o.ok for o in outcomes] == [True, True, True, False, True, True]
    assert "three is bad" in outcomes[3].error and "ValueError" in outcomes[3].error
    assert outcomes[3].detail and "Traceback" in outcomes[3].detail  # unexpected errors keep their traceback
    assert len(seen) == 6  # progress saw every item once
    if jobs == 2:
        assert seen[-1].item == 0  # completion order differs from the result order


def test_a_crashing_worker_fails_only_its_own_item():
    outcomes = run_batch(list(range(5)), die_on_two, 2)
    assert [o.item for o in outcomes] == list(range(5))
    assert [o.value for o in outcomes if o.ok] == [0, 1, 3, 4]
    assert not outcomes[2].ok and "異常終了" in outcomes[2].error


def test_library_errors_are_one_line_without_traceback(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a zip")
    good = tmp_path / "good.json"
    shutil.copy(FIXTURES / "kushiro_shuno_juten.json", good)
    outcomes = run_batch([bad, good, tmp_path / "missing.xlsx"], read_form, 2)
    assert [o.ok for o in outcomes] == [False, True, False]
    assert outcomes[1].value == "juten"
    assert outcomes[0].error.startswith(str(bad)) and "\n" not in outcomes[0].error
    assert outcomes[0].detail is None
    assert "ファイルがありません" in outcomes[2].error


def test_default_jobs_is_the_cpu_count():
    assert default_jobs() == len(os.sched_getaffinity(0))


def test_collect_inputs_recurses_sorts_and_skips_lock_files(tmp_path):
    for rel in ["b/2.xlsx", "b/10.xlsx", "a.xlsx", "a.json", "~$a.xlsx", ".~pia-x.xlsx", "b/~$2.xlsx",
                ".hidden/x.xlsx", "out/old.xlsx", "C.XLSM"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"")
    found, missing = collect_inputs([tmp_path, tmp_path / "a.json", tmp_path / "nope"], (".xlsx", ".xlsm"),
                                    exclude=[tmp_path / "out"])
    rels = [str(i.relative) for i in found]
    assert rels == ["C.XLSM", "a.xlsx", "b/10.xlsx", "b/2.xlsx", "a.json"]
    assert missing == [f"{tmp_path / 'nope'}: ファイルまたはフォルダがありません"]
    again, _ = collect_inputs([tmp_path / "a.xlsx", tmp_path], (".xlsx",))
    assert [str(i.relative) for i in again].count("a.xlsx") == 1  # a file reached twice is listed once


# ---------------------------------------------------------------------------------------------- convert CLI
@pytest.fixture()
def tree(tmp_path) -> Path:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    shutil.copy(FIXTURES / "kushiro_shuno_juten.json", src / "kushiro.json")
    shutil.copy(FIXTURES / "kushiro_shuno_juten.json", src / "sub" / "copy.yaml")  # JSON is valid YAML
    (src / "sub" / "broken.json").write_text("{not json", encoding="utf-8")
    (src / "~$kushiro.json").write_text("lock", encoding="utf-8")
    return src


def test_convert_folder_to_workbooks_mirrors_paths_and_reports_failures(tree, tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["convert", str(tree), "-o", str(out), "--to", "xlsx", "-j", "2"])
    assert res.exit_code == 2, res.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["kushiro.xlsx", "sub", "sub/copy.xlsx"]
    assert "broken.json" in res.stderr and "JSON として読めません" in res.stderr
    assert "1件は失敗しました" in res.stderr
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("変換しました")]
    assert lines == [f"変換しました: {tree / 'kushiro.json'} → {out / 'kushiro.xlsx'}",
                     f"変換しました: {tree / 'sub' / 'copy.yaml'} → {out / 'sub' / 'copy.xlsx'}"]
    assert not list(out.rglob(".~*"))  # no temporary files left
    doc = api.load(out / "sub" / "copy.xlsx").doc
    assert api.to_data(doc) == api.to_data(api.load(FIXTURES / "kushiro_shuno_juten.json").doc)

    # and back: workbooks to JSON, in parallel, everything succeeds
    back = tmp_path / "back"
    res = CliRunner().invoke(main, ["convert", str(out), "-o", str(back), "--to", "json"])
    assert res.exit_code == 0, res.output
    assert sorted(p.relative_to(back).as_posix() for p in back.rglob("*.json")) == ["kushiro.json", "sub/copy.json"]
    assert "2件を変換しました" in res.stdout


def test_convert_never_overwrites_an_input(tmp_path):
    shutil.copy(FIXTURES / "kushiro_shuno_juten.json", tmp_path / "a.json")
    api.save(api.load(tmp_path / "a.json").doc, tmp_path / "a.xlsx")
    before = (tmp_path / "a.xlsx").read_bytes()
    res = CliRunner().invoke(main, ["convert", str(tmp_path / "a.xlsx"), "-o", str(tmp_path), "--to", "xlsx"])
    assert res.exit_code == 2
    assert "入力は上書きしません" in res.stderr
    assert (tmp_path / "a.xlsx").read_bytes() == before


def test_convert_refuses_two_inputs_with_one_output(tmp_path):
    for d in ("x", "y"):
        (tmp_path / d).mkdir()
        shutil.copy(FIXTURES / "kushiro_shuno_juten.json", tmp_path / d / "same.json")
    res = CliRunner().invoke(main, ["convert", str(tmp_path / "x" / "same.json"), str(tmp_path / "y" / "same.json"),
                                    "-o", str(tmp_path / "out"), "--to", "yaml"])
    assert res.exit_code == 2
    assert (tmp_path / "out" / "same.yaml").exists()
    assert "出力と重なります" in res.stderr


def test_convert_single_file_form_still_works(tmp_path):
    out = tmp_path / "k.yaml"
    res = CliRunner().invoke(main, ["convert", str(FIXTURES / "kushiro_shuno_juten.json"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert api.load(out).doc.form == "juten"


def test_convert_several_inputs_need_a_format(tmp_path):
    res = CliRunner().invoke(main, ["convert", str(FIXTURES), "-o", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert "--to" in res.stderr


def test_convert_empty_folder_fails_clearly(tmp_path):
    res = CliRunner().invoke(main, ["convert", str(tmp_path), "-o", str(tmp_path / "out"), "--to", "json"])
    assert res.exit_code == 2
    assert "見つかりません" in res.stderr


# ------------------------------------------------------------------------ empty selections, outputs not read back

@pytest.mark.parametrize("command", [["validate"], ["convert", "--to", "json", "-o", "{out}"],
                                     ["export", "-o", "{out}.csv"], ["pdf", "-o", "{out}"]])
def test_a_folder_without_workbooks_is_an_error(tmp_path, command):
    src = tmp_path / "empty"
    src.mkdir()
    (src / "notes.txt").write_text("x")
    args = [command[0], str(src)] + [a.format(out=tmp_path / "out") for a in command[1:]]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2, res.output
    assert "ブックがありません" in res.stderr and str(src) in res.stderr
    assert not (tmp_path / "out.csv").exists()


def test_validate_does_not_read_its_own_outputs_back(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copyfile(SAMPLES[0], src / "a.xlsx")
    shutil.copyfile(SAMPLES[1], src / "b.xlsx")
    args = ["validate", str(src), "-j", "1", "--report-xlsx", str(src / "out"), "--summary",
            str(src / "summary.xlsx"), "--today", "2026-11-23"]
    first = CliRunner().invoke(main, args)
    assert (src / "out" / "a_検証結果.xlsx").exists() and (src / "summary.xlsx").exists()
    shutil.copyfile(src / "out" / "a_検証結果.xlsx", src / "a_検証結果.xlsx")  # an annotated copy moved beside it
    second = CliRunner().invoke(main, args)
    assert second.exit_code == first.exit_code in (0, 1), second.output
    assert "a_検証結果" not in second.stdout and "summary.xlsx" not in second.output
    assert sorted(p.name for p in (src / "out").iterdir()) == ["a_検証結果.xlsx", "b_検証結果.xlsx"]


def test_convert_and_export_do_not_read_their_outputs_back(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copyfile(SAMPLES[0], src / "a.xlsx")
    for _ in range(2):
        res = CliRunner().invoke(main, ["convert", str(src), "-o", str(src / "conv"), "--to", "json", "-j", "1"])
        assert res.exit_code == 0, res.output
        assert sorted(p.name for p in (src / "conv").rglob("*")) == ["a.json"]
    for _ in range(2):
        res = CliRunner().invoke(main, ["export", str(src), "-o", str(src / "table.xlsx"), "-j", "1"])
        assert res.exit_code == 0, res.output
        assert res.output.count("1件のブック") == 1


def test_pdf_timeout_is_an_option():
    res = CliRunner().invoke(main, ["pdf", "--help"])
    assert "--timeout" in res.output and "300" in res.output


def test_an_in_process_batch_collects_less_and_restores_the_collector():
    """Several files in this process: the collector runs less often meanwhile, and is as it was afterwards (a
    process that goes on, such as Excel's Python, keeps its own settings)."""
    import gc

    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    seen = []
    for outcome in iter_batch([1, 2, 3], lambda n: (gc.get_threshold(), n), jobs=1):
        seen.append(outcome.value[0])
    assert seen == [GC_THRESHOLD] * 3
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen


def test_a_large_batch_sends_several_items_per_task_and_keeps_order():
    """Thousands of files go to the workers a few per task (one round trip each), small batches one by one; the
    outcomes come back one per item, in order, each with its own failure."""
    from pia_excel.batch import MAX_CHUNK, chunk_size

    assert chunk_size(20, 2) == 1 and chunk_size(2000, 2) == MAX_CHUNK and chunk_size(200, 2) == 3
    items = list(range(300))
    outcomes = run_batch(items, square_or_fail, jobs=2)
    assert [o.item for o in outcomes] == items
    assert [o.value for o in outcomes if o.ok] == [n * n for n in items if n % 7]
    assert all("7の倍数" in o.error for o in outcomes if not o.ok) and sum(not o.ok for o in outcomes) == 43
    assert len({o.value[1] for o in run_batch(items, with_pid, jobs=2)}) == 2  # both workers took part


def test_a_crash_in_a_task_of_several_items_fails_only_its_own_item():
    outcomes = run_batch(list(range(300)), die_on_150, 2)
    assert [o.item for o in outcomes] == list(range(300))
    assert [o.value for o in outcomes if o.ok] == [n for n in range(300) if n != 150]
    assert not outcomes[150].ok and "異常終了" in outcomes[150].error


@pytest.mark.skipif("GLIBC" not in os.confstr("CS_GNU_LIBC_VERSION").upper(),
                    reason="the worker keeps its heap with glibc's mallopt")
def test_a_worker_keeps_its_freed_heap_for_the_next_file():
    """A worker allocates and frees the same few MB for every workbook: it keeps them, instead of faulting
    hundreds of fresh pages in for each (~290 for a 全項目 workbook with glibc's defaults)."""
    sample = next(p for p in SAMPLES if p.name == "adachi_jukijo_zenkomoku.xlsx")
    faults = [o.value for o in run_batch([sample, sample], faults_of_a_third_read, jobs=2)]
    assert all(f < 50 for f in faults), faults
