"""Run one function over many input files in parallel, with per-file failures captured.

Used by ``pia-excel convert``/``export``/``pdf`` (and ``validate``) for folders of thousands of workbooks::

    from pia_excel.batch import collect_inputs, run_batch
    from pia_excel.cli.common import progress_bar     # the command line's progress bar

    inputs = collect_inputs([Path("評価書")], suffixes=(".xlsx", ".xlsm"))
    with progress_bar(len(inputs), "検証中") as progress:
        outcomes = run_batch([i.path for i in inputs], check_one, jobs=None, progress=progress)
    for o in outcomes:            # always in the order of ``paths``
        if o.ok: use(o.value)
        else: print(o.path, o.error)

SIGINT (Ctrl-C) and SIGTERM stop a batch: :func:`run_batch` stops its workers (each first unwinds what it was
doing, so ``atomic_path`` removes its temporary file; one that does not end within :data:`STOP_GRACE` seconds
is killed) and re-raises; the command line exits 130 / 143 (:func:`sigterm_raises` turns SIGTERM into
:class:`Interrupted`, a ``KeyboardInterrupt``).

``fn`` runs in worker processes, so it must be a module-level function (picklable) and should return something
small (a summary, not a whole document). Whatever ``fn`` raises is caught and reported in
:attr:`Outcome.error` as one line; the batch goes on. A worker process that dies (killed, out of memory) loses
only the files it had: those are retried one at a time in a fresh process and reported if they fail again.
"""
from __future__ import annotations

import contextlib
import gc
import itertools
import os
import re
import signal
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Generic, Iterable, Iterator, Sequence, TypeVar

from .errors import PiaError, describe_exception

__all__ = ["Input", "Interrupted", "Outcome", "collect_inputs", "default_jobs", "describe_error", "iter_batch",
           "run_batch", "sigterm_raises"]

#: seconds a worker gets to unwind (and remove its temporary files) after SIGTERM before it is killed
STOP_GRACE = 3.0

T = TypeVar("T")
P = TypeVar("P")


@dataclass
class Outcome(Generic[T]):
    """The result of ``fn(item)`` for one input: ``value`` on success, ``error`` (one line, Japanese) on failure."""

    item: Any
    value: T | None = None
    error: str | None = None
    seconds: float = 0.0
    #: the traceback of an unexpected exception (a bug rather than a bad input), for ``--debug`` style output
    detail: str | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def path(self) -> Any:
        """The input (usually a :class:`~pathlib.Path`); alias of ``item``."""
        return self.item


@dataclass(frozen=True)
class Input:
    """A file found by :func:`collect_inputs`: its path and its path relative to the argument it came from."""

    path: Path
    relative: Path  # mirrors the folder structure below an argument folder; the file name for file arguments


def default_jobs() -> int:
    """Worker processes by default: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


#: the annotated copies ``validate --report-xlsx`` writes (``NAME_検証結果.xlsx``, ``NAME_検証結果_2.xlsx``): outputs,
#: never read back as inputs when a folder is searched
OUTPUT_NAME = re.compile(r"_検証結果(?:_\d+)?\.xls[xm]$", re.IGNORECASE)


def _skipped(name: str) -> bool:
    # ~$book.xlsx: Excel's lock file of an open workbook; .~pia-*: our own half-written temporary files;
    # .~lock.*#: LibreOffice's lock files; NAME_検証結果.xlsx: our own annotated copies
    return name.startswith("~$") or name.startswith(".~") or OUTPUT_NAME.search(name) is not None


def collect_inputs(args: Iterable[str | os.PathLike], suffixes: Sequence[str], *,
                   exclude: Iterable[str | os.PathLike] = ()) -> tuple[list[Input], list[str]]:
    """Expand files and folders (recursively) into the input files, in a deterministic order.

    Folders contribute files whose suffix is in ``suffixes`` (case-insensitive), sorted by their relative path;
    Excel lock files (``~$*``), temporary files (``.~*``) and annotated copies (``*_検証結果.xlsx``) are skipped,
    as is an ``exclude`` file and anything below an ``exclude`` folder (the outputs of this run). File arguments are taken as given (any suffix) in argument order. A file
    reached twice is listed once. Returns the inputs and one message per argument that does not exist.
    """
    wanted = {s.lower() for s in suffixes}
    excluded = [Path(e).resolve() for e in exclude]
    seen: set[Path] = set()
    out: list[Input] = []
    missing: list[str] = []

    def add(path: Path, rel: Path) -> None:
        key = path.resolve()
        if key in seen:
            return
        seen.add(key)
        out.append(Input(path, rel))

    for arg in args:
        arg = Path(arg)
        if arg.is_dir():
            found = []
            for dirpath, dirnames, filenames in os.walk(arg):
                here = Path(dirpath)
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                                     and (here / d).resolve() not in excluded)
                for name in filenames:
                    if _skipped(name) or Path(name).suffix.lower() not in wanted:
                        continue
                    if excluded and (here / name).resolve() in excluded:
                        continue
                    found.append(here / name)
            for path in sorted(found, key=lambda p: p.relative_to(arg).parts):
                add(path, path.relative_to(arg))
        elif arg.exists():
            add(arg, Path(arg.name))
        else:
            missing.append(f"{arg}: ファイルまたはフォルダがありません")
    return out, missing


class Interrupted(KeyboardInterrupt):
    """A signal asked this process to stop (SIGTERM; Ctrl-C stays a plain ``KeyboardInterrupt``). A
    ``KeyboardInterrupt`` so that ``except Exception`` does not swallow it and ``finally`` blocks run."""

    def __init__(self, signum: int = signal.SIGTERM):
        super().__init__(signum)
        self.signum = int(signum)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """While the block runs, SIGTERM raises :class:`Interrupted` in the main thread (instead of ending the process
    on the spot, leaving workers and temporary files behind); the previous handler is restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Interrupted(signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


#: in a worker process: whether a task is running (SIGTERM then unwinds it first)
_in_task = False


class _WorkerStop(BaseException):
    """Raised in a worker by SIGTERM while a task runs: its ``finally`` blocks run, then the worker exits."""


def _worker_stop(signum, frame) -> None:
    if _in_task:
        raise _WorkerStop()
    os._exit(128 + signum)


#: the cyclic garbage collector's thresholds while files are processed one after another (Python's default is
#: (700, 10, 10)): reading a 全項目 workbook allocates ~10^5 objects, nearly all freed by reference counting, and
#: with the default the collector ran ~9 times per workbook and took ~5 ms of its ~45 ms; with what was imported
#: frozen (never scanned again) and these thresholds, < 1 ms (bench/README.md)
GC_THRESHOLD = (10_000, 20, 20)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect cycles less often while many files are processed in this process; restored afterwards."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _worker_init() -> None:
    """A worker ignores Ctrl-C (the terminal sends it to the whole process group: the main process decides) and
    stops on SIGTERM, unwinding its task first. It only processes files: the objects it inherited are frozen and
    cycles are collected less often (:data:`GC_THRESHOLD`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_stop)
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
    _keep_heap()


#: glibc's mallopt parameters, and what a worker sets them to (:func:`_keep_heap`)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
HEAP_KEPT = 64 << 20
MMAP_THRESHOLD = 32 << 20


def _keep_heap() -> None:
    """Keep freed memory in the worker's heap for the next file (glibc only; elsewhere nothing changes).

    Reading a 全項目 workbook allocates a few MB in buffers of 0.1–0.5 MB (inflated sheets, their reversed copies,
    joined texts). By default glibc maps each buffer of this size on its own or returns the top of the heap to the
    system when it is freed, and the next file faults the same pages in again: ~290 page faults and ~1.3 ms of system
    CPU per workbook, ~5 % of its cost (bench/README.md). A worker only ever processes files one after another, so
    it keeps up to :data:`HEAP_KEPT` free and maps only buffers over :data:`MMAP_THRESHOLD` on their own."""
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt  # the process's C library: glibc has mallopt, macOS and musl none
    except Exception:  # noqa: BLE001 - no C library to load or no mallopt in it: leave the allocator as it is
        return
    mallopt(_M_TRIM_THRESHOLD, HEAP_KEPT)
    mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def describe_error(exc: BaseException) -> str:
    """One line for a failed file (see :func:`pia_excel.errors.describe_exception`)."""
    return describe_exception(exc)


def _call(fn: Callable[[Any], T], item: Any) -> Outcome[T]:
    """Run ``fn(item)`` and capture the result or the failure (runs inside the worker)."""
    global _in_task
    start = time.perf_counter()
    _in_task = True
    try:
        value = fn(item)
    except _WorkerStop:
        os._exit(128 + signal.SIGTERM)  # the task has unwound (temporary files removed); nothing more to report
    except Exception as exc:  # noqa: BLE001 - every failure is reported per file
        known = isinstance(exc, (PiaError, OSError, MemoryError))
        return Outcome(item, error=describe_error(exc), seconds=time.perf_counter() - start,
                       detail=None if known else traceback.format_exc())
    finally:
        _in_task = False
    return Outcome(item, value=value, seconds=time.perf_counter() - start)


def _call_each(fn: Callable[[Any], T], items: list) -> list[Outcome[T]]:
    """:func:`_call` for each of a chunk of items (one task of the pool: one round trip for several files)."""
    return [_call(fn, item) for item in items]


#: files per task of a pool: one task is a round trip between this process and a worker (~1 ms of this process's
#: time per file when each file is its own task); small batches and slow tasks (PDFs) keep one file per task so
#: that the workers finish together
MAX_CHUNK = 8


def chunk_size(items: int, jobs: int) -> int:
    """Files per task: up to :data:`MAX_CHUNK`, with at least 32 tasks per worker."""
    return max(1, min(MAX_CHUNK, items // (jobs * 32)))


def run_batch(items: Sequence[P], fn: Callable[[P], T], jobs: int | None = None,
              progress: Callable[[Outcome[T]], None] | None = None, *,
              max_pending: int | None = None) -> list[Outcome[T]]:
    """``fn`` over ``items`` in ``jobs`` worker processes; outcomes in the order of ``items``.

    ``jobs`` defaults to :func:`default_jobs`; with ``jobs=1`` (or a single item) everything runs in this process.
    ``progress`` is called in this process with each outcome as it completes (completion order). Large batches
    send a worker several items per task (:func:`chunk_size`). At most ``max_pending`` items (default 4 tasks per
    worker) are in flight at once. The list holds every outcome: for thousands of inputs whose results are printed
    and dropped, use :func:`iter_batch`.
    """
    return list(iter_batch(items, fn, jobs, progress, max_pending=max_pending))


def iter_batch(items: Sequence[P], fn: Callable[[P], T], jobs: int | None = None,
               progress: Callable[[Outcome[T]], None] | None = None, *,
               max_pending: int | None = None) -> Iterator[Outcome[T]]:
    """:func:`run_batch` as a stream: yields each outcome in the order of ``items`` as soon as it and all before
    it are done, so a caller that prints and drops them keeps its memory flat in the number of items.

    Items done ahead of a slower earlier one wait here; together with those in flight they are at most
    ``max_pending`` (default 4 tasks per worker), so the stream never holds more than that many outcomes.
    """
    items = list(items)
    jobs = default_jobs() if jobs is None else max(1, int(jobs))
    if jobs == 1 or len(items) <= 1:
        with fewer_collections() if len(items) > 1 else contextlib.nullcontext():
            for item in items:
                outcome = _call(fn, item)
                if progress is not None:
                    progress(outcome)
                yield outcome
        return

    held: dict[int, Outcome[T]] = {}
    state = {"next": 0}

    def done(i: int, outcome: Outcome[T]) -> None:
        held[i] = outcome
        if progress is not None:
            progress(outcome)

    def ready() -> Iterator[Outcome[T]]:
        while state["next"] in held:
            yield held.pop(state["next"])
            state["next"] += 1

    lost: list[int] = []
    chunk = chunk_size(len(items), jobs)
    yield from _run_pool(items, range(len(items)), fn, min(jobs, len(items)), max_pending or 4 * jobs * chunk, done,
                         ready, lambda: len(held), lost, chunk)
    # A worker died (killed, out of memory, a crash in a C extension): the pool is unusable and the files in
    # flight are lost. Retry those alone, one fresh process each, so one bad file cannot fail its neighbours.
    for i in sorted(set(lost)):
        again: list[int] = []
        yield from _run_pool(items, [i], fn, 1, 1, done, ready, lambda: 0, again)
        if again:
            done(i, Outcome(items[i], error="処理中に作業プロセスが異常終了しました（メモリ不足などの可能性があります）"))
            yield from ready()
    yield from ready()


def _run_pool(items: Sequence[P], indexes: Iterable[int], fn: Callable[[P], T], jobs: int, max_pending: int,
              done: Callable[[int, Outcome[T]], None], ready: Callable[[], Iterator[Outcome[T]]],
              held: Callable[[], int], lost: list[int], chunk: int = 1) -> Iterator[Outcome[T]]:
    """Run ``fn`` over ``items[indexes]``, ``chunk`` items per task, yielding what ``ready`` releases as outcomes
    arrive; the indexes lost to a broken pool are appended to ``lost`` (all those of a task that was lost)."""
    # multiprocessing: slow import kept off the cold path (one file, --help, an Excel button run in this process)
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    todo: Iterator[int] = iter(indexes)
    broken: list[int] = []
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init)
    try:
        pending: dict = {}  # future → the indexes of its items

        def submit_more() -> None:
            # outcomes waiting for an earlier one count against the window too: memory stays bounded
            while not broken and (len(pending) * chunk + held() < max_pending or not pending):
                task = list(itertools.islice(todo, chunk))
                if not task:
                    return
                try:
                    pending[pool.submit(_call_each, fn, [items[i] for i in task])] = task
                except BrokenProcessPool:
                    broken.extend(task)

        submit_more()
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                task = pending.pop(fut)
                try:
                    outcomes = fut.result()
                except BrokenProcessPool:
                    broken.extend(task)
                    continue
                for i, outcome in zip(task, outcomes):
                    done(i, outcome)
            if broken:
                # nothing more can run in this pool; everything still queued is lost too
                for fut, task in pending.items():
                    fut.cancel()
                    broken.extend(task)
                pending.clear()
                broken.extend(todo)
                break
            submit_more()
            yield from ready()
    except BaseException:  # Ctrl-C, SIGTERM (Interrupted) or a failure here (or the consumer stopped): stop the
        _stop(pool)        # workers, do not wait for them
        raise
    pool.shutdown()
    lost.extend(broken)


def _stop(pool) -> None:
    """Stop a pool's workers now: SIGTERM (each unwinds its task and exits), then SIGKILL after
    :data:`STOP_GRACE` seconds for any left."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for p in procs:
        with contextlib.suppress(Exception):
            p.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + STOP_GRACE
    for p in procs:
        with contextlib.suppress(Exception):
            p.join(max(0.0, deadline - time.monotonic()))
    for p in procs:
        with contextlib.suppress(Exception):
            if p.is_alive():
                p.kill()
                p.join(1.0)
