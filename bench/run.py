"""Benchmark: reading, validating, diffing and writing many realistic workbooks (not a test).

    python bench/run.py                 # a few minutes on 2 idle cores: 12 workbooks, memory at 12 and 36
    python bench/run.py --n 1000 --memory-n 0 --form zenkomoku   # the 1,000 全項目 workbooks target
    python bench/run.py --folder 500 2000   # pia-excel validate of 500 and 2,000 全項目 copies: wall, parent memory

Builds N workbooks from the two real fixtures (釧路市 重点, 足立区 全項目), each with varied texts so no two files
are alike, then measures per workbook, in worker processes (``--jobs``, default the CPU count):

- ``openpyxl``:   ``openpyxl.load_workbook(path)`` (default mode): the baseline every ratio is against
- ``calamine``:   python-calamine reading every cell of every sheet (second baseline)
- ``read``:       ``pia_excel.api.load`` (the reader: python-calamine values, defined names)
- ``read+validate``: ``api.load`` then ``rules.validate_result`` (what ``pia-excel validate`` does per file)
- ``diff``:       two versions read + ``changelog.changelog_rows`` (what ``pia-excel changelog OLD NEW`` does)
- ``write``:      ``api.save`` of the document as a workbook (template generation with the values filled in)
- ``new``:        a blank template (``pia-excel new``)

and prints the medians, the ratios, the wall time of validating all N files with ``--jobs`` workers, and the
peak RSS of a worker for N and for ``--memory-n`` files (memory must not grow with N).

Cold start (``--cold-only`` for just this part, ``--skip-cold`` without it): whole fresh processes, each run
``--cold-repeat`` times, medians of wall time and the peak RSS of the process: ``python -c pass``,
``python -c "import openpyxl"``, ``pia-excel --help``, ``pia-excel validate`` of the 全項目 sample workbook and of
a 全項目 workbook with 99 特定個人情報ファイル (the 足立区 fixture's three files repeated), as seconds and as ratios to
the two baselines measured in the same run. ``pia-excel`` runs as ``python -m pia_excel.cli`` on this checkout.
"""
from __future__ import annotations

import argparse
import compileall
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pia_excel import api  # noqa: E402
from pia_excel.batch import default_jobs, run_batch  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
ZENKOMOKU_SAMPLE = ROOT / "samples" / "adachi_jukijo_zenkomoku.xlsx"
COLD_FILES = 99
#: interleaved repetitions of calamine and read+validate per baseline workbook for the warm ratio
WARM_REPEAT = 7
SOURCES = {"juten": FIXTURES / "kushiro_shuno_juten.json", "zenkomoku": FIXTURES / "adachi_jukijo_zenkomoku.json"}

try:
    from pia_excel.rules import validate_result
except ImportError:  # validation not available in this checkout
    validate_result = None
try:
    from pia_excel.changelog import changelog_rows
except ImportError:
    changelog_rows = None
try:
    import python_calamine
except ImportError:
    python_calamine = None

_WORDS = ["住民", "税務", "福祉", "保険", "年金", "介護", "児童", "教育", "防災", "窓口", "システム", "委託先", "照会",
          "帳票", "端末", "点検", "監査", "研修", "記録", "消去"]


# ---------------------------------------------------------------------------------------------- corpus
def _vary(text: str, rng: random.Random) -> str:
    words = "".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 6)))
    return f"{text}（{words}に係る記載{rng.randint(1, 999)}）" if rng.random() < 0.5 else f"{words}：{text}"


def _varied(doc, rng: random.Random):
    """A copy of ``doc`` with roughly a third of its free texts changed."""
    from pia_excel.models import parse_document
    from pia_excel.spec import load_spec

    text_keys = {it.key for it in load_spec(doc.form).value_items() if it.value_kind == "text"}
    data = api.to_data(doc)

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in text_keys and isinstance(v, str) and rng.random() < 0.35:
                    node[k] = _vary(v, rng)
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(data)
    data["cover"]["hyokasho_no"] = rng.randint(1, 999)
    return parse_document(data)


@dataclass(frozen=True)
class _Make:
    form: str
    index: int
    dst: Path
    dst_v2: Path | None


def _make(task: _Make) -> str:
    rng = random.Random(task.index)
    doc = _varied(api.load(SOURCES[task.form]).doc, rng)
    api.save(doc, task.dst)
    if task.dst_v2 is not None:
        api.save(_varied(doc, random.Random(10_000 + task.index)), task.dst_v2)
    return task.form


def build_corpus(folder: Path, n: int, form: str, jobs: int, with_v2: bool) -> list[tuple[Path, Path | None]]:
    tasks = []
    for i in range(n):
        f = form if form != "mixed" else ("zenkomoku" if i % 2 else "juten")
        dst = folder / f"{i:05d}_{f}.xlsx"
        tasks.append(_Make(f, i, dst, folder / f"{i:05d}_{f}.v2.xlsx" if with_v2 else None))
    for o in run_batch(tasks, _make, jobs):
        if not o.ok:
            raise SystemExit(f"could not build {o.item.dst}: {o.error}")
    return [(t.dst, t.dst_v2) for t in tasks]


# ---------------------------------------------------------------------------------------------- measuring
def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _openpyxl(path: Path) -> None:
    from openpyxl import load_workbook

    load_workbook(path).close()


def _calamine(path: Path) -> None:
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()


def _read_validate(path: Path) -> None:
    result = api.load(path)
    if validate_result is not None:
        validate_result(result)


def _diff(pair: tuple[Path, Path]) -> None:
    old, new = api.load(pair[0]).doc, api.load(pair[1]).doc
    changelog_rows(old, new, "令和8年4月1日")


@dataclass
class _Measure:
    path: Path
    v2: Path | None
    ops: tuple[str, ...]
    out: Path


@dataclass
class _Times:
    form: str
    seconds: dict[str, float] = field(default_factory=dict)
    rss_kib: int = 0


def _measure(task: _Measure) -> _Times:
    times = _Times(form="zenkomoku" if "zenkomoku" in task.path.name else "juten")
    _openpyxl(task.path)  # warm the page cache so every reader sees the same disk
    doc = None
    for op in task.ops:
        if op == "openpyxl":
            t = _timed(lambda: _openpyxl(task.path))
        elif op == "calamine":
            t = _timed(lambda: _calamine(task.path))
        elif op == "read":
            t = _timed(lambda: api.load(task.path))
        elif op == "read+validate":
            t = _timed(lambda: _read_validate(task.path))
        elif op == "diff":
            t = _timed(lambda: _diff((task.path, task.v2)))
        elif op == "write":
            doc = doc or api.load(task.path).doc
            t = _timed(lambda: api.save(doc, task.out))
        elif op == "new":
            t = _timed(lambda: api.save(api.new(times.form), task.out))
        else:
            raise ValueError(op)
        times.seconds[op] = t
    if "calamine" in task.ops and "read+validate" in task.ops:
        # the warm ratio: both again, interleaved, after everything else ran once (caches filled, no openpyxl
        # heap just built), medians of WARM_REPEAT
        pairs = [(_timed(lambda: _calamine(task.path)), _timed(lambda: _read_validate(task.path)))
                 for _ in range(WARM_REPEAT)]
        times.seconds["warm calamine"] = statistics.median(c for c, _ in pairs)
        times.seconds["warm read+validate"] = statistics.median(r for _, r in pairs)
    times.rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return times


def _validate_only(path: Path) -> int:
    _read_validate(path)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _rss_of_run(paths: list[Path], jobs: int) -> tuple[float, int]:
    """Wall time of read+validate over ``paths`` with ``jobs`` workers, and the largest worker peak RSS (KiB)."""
    start = time.perf_counter()
    outcomes = run_batch(paths, _validate_only, jobs)
    wall = time.perf_counter() - start
    bad = [o for o in outcomes if not o.ok]
    if bad:
        raise SystemExit(f"{len(bad)} files failed, e.g. {bad[0].item}: {bad[0].error}")
    return wall, max(o.value for o in outcomes)


# ---------------------------------------------------------------------------------------------- cold start
#: runs one command and prints its wall time, exit code and peak RSS. The measured process is started from this
#: small interpreter, not from the bench process: Linux carries the peak RSS of the process that forks over into
#: the child's (across exec), so a child of the bench would report the bench's own memory.
_TIMER = """
import os, sys, time
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ,
                     file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def _process(cmd: list[str]) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB) of one whole process, run on this checkout."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-c", _TIMER, *cmd], cwd=ROOT, env=env, capture_output=True, text=True)
    wall, code, rss = res.stdout.split()
    if res.returncode != 0 or int(code) not in (0, 1):  # 1: validate found errors in the workbook
        raise SystemExit(f"{' '.join(cmd)} failed (exit {code}):\n{res.stderr}")
    return float(wall), int(rss)


def _cold(cmd: list[str], repeat: int) -> tuple[float, int]:
    runs = [_process(cmd) for _ in range(repeat)]
    return statistics.median(w for w, _ in runs), max(r for _, r in runs)


def build_many_files(path: Path, files: int) -> None:
    """A 全項目 workbook with ``files`` 特定個人情報ファイル: the 足立区 fixture's three files over and over."""
    doc = api.load(SOURCES["zenkomoku"]).doc
    own = doc.files
    doc.files = [own[i % len(own)].model_copy(deep=True) for i in range(files)]
    api.save(doc, path)


def cold_start(folder: Path, repeat: int) -> None:
    py = sys.executable
    cli = [py, "-m", "pia_excel.cli"]
    many = folder / f"zenkomoku_{COLD_FILES}_files.xlsx"
    t0 = time.perf_counter()
    # built in a worker process: this one stays small (its peak RSS would carry over into the workers forked later)
    with ProcessPoolExecutor(max_workers=1) as pool:
        pool.submit(build_many_files, many, COLD_FILES).result()
    # as installed: pip byte-compiles a package when it installs it, and the parsed form specs are in the user's
    # cache after the first run of a release (pia_excel/spec/packaged.py); this machine may set
    # PYTHONDONTWRITEBYTECODE, which would leave a checkout's modules compiled again by every process
    compileall.compile_dir(str(ROOT / "pia_excel"), quiet=1)
    _process(cli + ["validate", str(ZENKOMOKU_SAMPLE)])  # writes the spec cache if this release has none yet
    print(f"cold start: whole processes on this checkout (byte-compiled, spec cache warm), median of {repeat} runs each "
          f"({min(repeat, 3)} for the {COLD_FILES}-file workbook, built in {time.perf_counter() - t0:.1f} s, "
          f"{many.stat().st_size / 1024:.0f} KiB)")
    rows = [
        ("python -c pass", [py, "-c", "pass"], repeat, None),
        ('python -c "import openpyxl"', [py, "-c", "import openpyxl"], repeat, None),
        ("pia-excel --help", cli + ["--help"], repeat, None),
        (f"pia-excel validate {ZENKOMOKU_SAMPLE.name} (3 files)", cli + ["validate", str(ZENKOMOKU_SAMPLE)], repeat,
         "target 0.4 s"),
        (f"pia-excel validate, {COLD_FILES} files (filled)", cli + ["validate", str(many)], min(repeat, 3),
         "target 3 s, 250 MiB"),
    ]
    results = [(label, *_cold(cmd, n), note) for label, cmd, n, note in rows]
    base, openpyxl_time = results[0][1], results[1][1]
    print(f"{'':<60}{'seconds':>9}{'×pass':>8}{'×openpyxl':>11}{'peak RSS':>11}")
    for label, wall, rss, note in results:
        print(f"{label:<60}{wall:>9.3f}{wall / base:>8.1f}{wall / openpyxl_time:>11.2f}{rss / 1024:>8.0f} MiB"
              + (f"   ({note})" if note else ""))
    print()


def _wall(cmd: list[str], env: dict | None = None) -> float:
    """Wall time of one whole process (its output discarded); fails loudly."""
    t = time.perf_counter()
    res = subprocess.run(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if res.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed (exit {res.returncode}):\n{res.stderr[-2000:]}")
    return wall


def _cold_soffice(files: list[Path], out: Path, parallel: int) -> float:
    """Wall time of plain ``soffice --convert-to pdf`` of ``files``, each a cold office with a new profile,
    ``parallel`` at a time."""
    from pia_excel.pdf.render import find_soffice

    soffice = find_soffice()

    def one(i_path: tuple[int, Path]) -> None:
        i, path = i_path
        with tempfile.TemporaryDirectory(prefix="pia-bench-profile-") as prof:
            _wall([soffice, "--headless", "--norestore", f"-env:UserInstallation={Path(prof).as_uri()}",
                   "--convert-to", "pdf", "--outdir", str(out / f"cold{i}"), str(path)])

    from concurrent.futures import ThreadPoolExecutor

    t = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, enumerate(files)))
    return time.perf_counter() - t


def pdf_bench(folder: Path, n: int, jobs: int) -> None:
    """``pia-excel pdf`` (whole processes) against plain cold ``soffice --convert-to pdf`` of the same workbooks,
    measured in this run: one file of each sample, then a batch of ``n`` varied workbooks with ``-j jobs``."""
    py = sys.executable
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cli = [py, "-m", "pia_excel.cli", "pdf"]
    print("pdf: whole processes, seconds per file; cold = plain `soffice --convert-to pdf` with a new profile")
    print(f"{'':<44}{'pia-excel pdf':>14}{'cold soffice':>14}{'ratio':>8}")
    for sample in sorted((ROOT / "samples").glob("*.xlsx")):
        ours = statistics.median(_wall(cli + [str(sample), "-o", str(folder / f"one{i}.pdf")], env)
                                 for i in range(3))
        cold = statistics.median(_cold_soffice([sample], folder / f"cold_one{i}", 1) for i in range(3))
        print(f"{'one file: ' + sample.name:<44}{ours:>14.2f}{cold:>14.2f}{ours / cold:>8.2f}  (median of 3)")
    batch = folder / "pdf_batch"
    batch.mkdir(exist_ok=True)
    pairs = build_corpus(batch, n, "mixed", jobs, with_v2=False)
    files = [p for p, _ in pairs]
    ours = _wall(cli + [str(batch), "-o", str(folder / "pdf_out"), "-j", str(jobs)], env) / n
    cold_seq = _cold_soffice(files, folder / "cold_seq", 1) / n
    cold_par = _cold_soffice(files, folder / "cold_par", jobs) / n
    print(f"{f'batch of {n} (-j {jobs})':<44}{ours:>14.2f}{cold_seq:>14.2f}{ours / cold_seq:>8.2f}  "
          f"(cold one after another; target ≤ 0.5)")
    print(f"{'':<44}{'':>14}{cold_par:>14.2f}{ours / cold_par:>8.2f}  (cold {jobs} at a time)")


# ---------------------------------------------------------------------------------------------- folder
def _status_kib(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def cli_folder_run(folder: Path, jobs: int, extra: list[str] | None = None) -> tuple[float, int, int, int]:
    """``pia-excel validate FOLDER --format json -j JOBS`` as a whole process (output to /dev/null): wall time,
    exit code, the parent's peak RSS (VmHWM, KiB) and its RSS when 10 % of the run's time had passed (KiB),
    read from /proc while it runs (the workers are separate processes and not counted)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "pia_excel.cli", "validate", str(folder), "--format", "json", "-j", str(jobs),
           *(extra or [])]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    samples: list[tuple[float, int]] = []
    hwm = 0
    while proc.poll() is None:
        rss, peak = _status_kib(proc.pid, "VmRSS"), _status_kib(proc.pid, "VmHWM")
        if rss is not None:
            samples.append((time.perf_counter() - start, rss))
        hwm = max(hwm, peak or 0)
        time.sleep(0.1)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed (exit {proc.returncode}):\n{err}")
    early = next((r for t, r in samples if t >= wall * 0.1), samples[-1][1] if samples else 0)
    return wall, proc.returncode, hwm, early


def folder_bench(sizes: list[int], jobs: int, folder: Path) -> None:
    """The folder target of the organisation issue: N copies of the 全項目 sample validated by the CLI, real wall
    time and the parent's memory, for each N of ``sizes``."""
    import shutil

    print(f"pia-excel validate FOLDER --format json -j {jobs}: copies of {ZENKOMOKU_SAMPLE.name} "
          f"({ZENKOMOKU_SAMPLE.stat().st_size / 1024:.0f} KiB), whole process, output to /dev/null")
    print(f"{'workbooks':>10}{'wall s':>9}{'files/s':>9}{'parent peak':>13}{'parent at 10%':>15}")
    for n in sizes:
        sub = folder / f"folder_{n}"
        sub.mkdir(parents=True, exist_ok=True)
        for i in range(n):
            dst = sub / f"z{i:05d}.xlsx"
            if not dst.exists():
                shutil.copyfile(ZENKOMOKU_SAMPLE, dst)
        wall, _, hwm, early = cli_folder_run(sub, jobs)
        print(f"{n:>10}{wall:>9.1f}{n / wall:>9.1f}{hwm / 1024:>10.0f} MiB{early / 1024:>12.0f} MiB")
    print()


# ---------------------------------------------------------------------------------------------- report
def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=12, help="workbooks to build and measure (default 12)")
    p.add_argument("--baseline-n", type=int, default=2,
                   help="workbooks per form also read with openpyxl's default mode and calamine (default 2; "
                        "openpyxl's default mode takes 5-15 s per workbook of this layout)")
    p.add_argument("--form", choices=["mixed", "juten", "zenkomoku"], default="mixed",
                   help="mixed: half 重点 (釧路市), half 全項目 (足立区)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: CPU count)")
    p.add_argument("--memory-n", type=int, default=None,
                   help="validate this many files (the N workbooks over again) to compare a worker's peak memory "
                        "with that for N (default 3×N, 0: skip)")
    p.add_argument("--dir", type=Path, default=None, help="where to build the workbooks (default: a temp folder)")
    p.add_argument("--cold-repeat", type=int, default=5,
                   help="runs of each cold-start process (medians; the 99-file workbook at most 3; default 5)")
    p.add_argument("--cold-only", action="store_true", help="measure the cold start only")
    p.add_argument("--skip-cold", action="store_true", help="do not measure the cold start")
    p.add_argument("--pdf", type=int, default=0, metavar="N",
                   help="also measure pia-excel pdf against cold soffice: one file of each sample and a batch of "
                        "N workbooks (e.g. 20)")
    p.add_argument("--pdf-only", action="store_true", help="measure the PDFs only (with --pdf N)")
    p.add_argument("--folder", type=int, nargs="*", default=None, metavar="N",
                   help="only the folder run: pia-excel validate of N copies of the 全項目 sample, for each N "
                        "(e.g. --folder 500 2000): wall time and the parent's peak memory")
    args = p.parse_args(argv)
    jobs = args.jobs or default_jobs()
    memory_n = 3 * args.n if args.memory_n is None else args.memory_n
    baseline_ops = ["openpyxl"] + (["calamine"] if python_calamine else [])

    with tempfile.TemporaryDirectory(prefix="pia-bench-") as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if args.folder is not None:
            folder_bench(args.folder or [500, 2000], jobs, folder)
            return
        ops = baseline_ops + ["read", "read+validate"]
        ops += (["diff"] if changelog_rows else []) + ["write", "new"]
        print(f"pia-excel bench: {args.n} workbooks ({args.form}), {jobs} worker processes, "
              f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        if args.pdf:
            pdf_bench(folder, args.pdf, jobs)
        if args.pdf_only:
            return
        if not args.skip_cold:
            cold_start(folder, args.cold_repeat)
        if args.cold_only:
            return
        if validate_result is None:
            print("  validation (pia_excel.rules) not available: read+validate is the read only")
        if python_calamine is None:
            print("  python-calamine not installed: no calamine baseline")
        if changelog_rows is None:
            print("  pia_excel.changelog not available: no diff timing")

        t0 = time.perf_counter()
        pairs = build_corpus(folder, args.n, args.form, jobs, with_v2=changelog_rows is not None)
        print(f"  built {args.n} workbooks{' (+ a second version each)' if changelog_rows else ''} "
              f"in {time.perf_counter() - t0:.1f} s")
        sizes = [p.stat().st_size for p, _ in pairs]
        print(f"  workbook size: median {statistics.median(sizes) / 1024:.0f} KiB")

        tasks, per_form = [], {}
        for i, (p, v2) in enumerate(pairs):
            form = "zenkomoku" if "zenkomoku" in p.name else "juten"
            per_form[form] = per_form.get(form, 0) + 1
            want = ops if per_form[form] <= args.baseline_n else [o for o in ops if o not in baseline_ops]
            tasks.append(_Measure(p, v2, tuple(want), folder / f"out_{i}.xlsx"))
        outcomes = run_batch(tasks, _measure, jobs)
        bad = [o for o in outcomes if not o.ok]
        if bad:
            raise SystemExit(f"{len(bad)} measurements failed, e.g. {bad[0].item.path}: {bad[0].error}")
        results = [o.value for o in outcomes]

        forms = sorted({r.form for r in results})
        print()
        header = f"{'per workbook (median)':<24}" + "".join(f"{f:>34}" for f in forms)
        print(header)
        print(f"{'':<24}" + "".join(f"{'seconds':>12}{'×openpyxl':>11}{'×calamine':>11}" for _ in forms))
        for op in ops:
            line = f"{op:<24}"
            for f in forms:
                med = {o: statistics.median(r.seconds[o] for r in results if r.form == f and o in r.seconds)
                       for o in ops}
                cal = f"{med[op] / med['calamine']:>11.2f}" if "calamine" in med else f"{'-':>11}"
                line += f"{med[op]:>12.3f}{med[op] / med['openpyxl']:>11.2f}{cal}"
            print(line)
        if "zenkomoku" in forms and "calamine" in ops:
            zen = {o: statistics.median(r.seconds[o] for r in results if r.form == "zenkomoku" and o in r.seconds)
                   for o in ("warm calamine", "warm read+validate")}
            print(f"warm: read+validate of a 全項目 workbook {zen['warm read+validate']:.3f} s = "
                  f"{zen['warm read+validate'] / zen['warm calamine']:.2f} × python-calamine reading all its cells "
                  f"({zen['warm calamine']:.3f} s) (target: within 1.5×; both {WARM_REPEAT}× interleaved in one "
                  f"worker after the table's runs, medians, on the {args.baseline_n} baseline workbooks)")
        print(f"  (openpyxl and calamine on {args.baseline_n} workbooks per form, the rest on all {args.n};")
        if "diff" in ops:
            print("   diff reads two workbooks and diffs them: compare it with 2 × read)")
        else:
            print("  )")

        print()
        files = [p for p, _ in pairs]
        wall, rss = _rss_of_run(files, jobs)
        label = "read+validate" if validate_result else "read (no validation available)"
        print(f"{label} of all {len(files)} workbooks with {jobs} workers: {wall:.1f} s "
              f"({len(files) / wall:.2f} workbooks/s)")
        zen = [p for p in files if "zenkomoku" in p.name]
        if zen:
            zwall, _ = _rss_of_run(zen, jobs)
            print(f"  全項目 only: {len(zen)} in {zwall:.1f} s ({len(zen) / zwall:.1f} workbooks/s with {jobs} workers; "
                  f"the 1,000-workbook target: --n 1000 --form zenkomoku, or pia-excel validate on 1,000 files)")
        print(f"peak RSS of a worker after N={len(files)} workbooks: {rss / 1024:.0f} MiB")
        if memory_n:
            again = (files * (memory_n // len(files) + 1))[:memory_n]
            wall2, rss2 = _rss_of_run(again, jobs)
            print(f"peak RSS of a worker after N={memory_n} workbooks: {rss2 / 1024:.0f} MiB "
                  f"({wall2:.1f} s; {rss2 / rss:.2f} × that for N={len(files)}: flat when close to 1)")


if __name__ == "__main__":
    main()
