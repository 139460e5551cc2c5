"""What every command shares: the one error handler, the exit codes, shared option texts and batch reporting.

Exit codes: 0 success, 1 findings (validate), 2 an input could not be read or an output not written.
"""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from ..batch import Outcome
from ..errors import PiaError, describe_exception

FORM_HELP = "様式: juten（重点項目評価書）または zenkomoku（全項目評価書）"
JOBS_HELP = "並列に処理するプロセス数（省略時はCPU数）"
DATE_HELP = "変更日（和暦。例: 令和7年2月25日）"
#: the forms (kept here so that ``--help`` does not load the spec)
FORMS = ("juten", "zenkomoku")


class Fail(click.ClickException):
    """One clear line on stderr and exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"エラー: {self.message}", err=True)


def refuse_existing(output: Path, force: bool) -> None:
    """An existing file is replaced only when asked (``--force``)."""
    if not force and (output.exists() or output.is_symlink()):
        raise Fail(f"{output}: すでにあるファイルです（置き換えるには --force を付けてください）")


def refuse_inputs(output: Path, inputs, option: str) -> None:
    """An output never replaces one of the inputs."""
    key = output.resolve()
    for inp in inputs:
        if Path(inp).resolve() == key:
            raise Fail(f"{output}: 入力ファイルと同じです（{option} には別のファイルを指定してください。入力は上書きしません）")


def guard(fn, *args, **kwargs):
    """Call the library; its errors (and the OS's) become one line on stderr and exit code 2."""
    try:
        return fn(*args, **kwargs)
    except PiaError as e:
        raise Fail(str(e)) from None
    except OSError as e:
        raise Fail(describe_exception(e)) from None


def finish_batch(outcomes, failed: int, done: Callable, total: str) -> None:
    """Per-file lines in input order (notes, successes, failures), a total line, exit 2 when anything failed."""
    for o in outcomes:
        if o.ok:
            for note in o.value.notes:
                click.echo(f"注意: {note}", err=True)
            click.echo(done(o))
        else:
            failed += 1
            click.echo(f"エラー: {with_path(o.item.src, o.error)}", err=True)
    ok = sum(o.ok for o in outcomes)
    click.echo(f"{ok}{total}" + (f"、{failed}件は失敗しました" if failed else ""), err=bool(failed))
    if failed:
        raise SystemExit(2)


def no_inputs(sources, what: str, suffixes: str) -> Fail:
    """The error of an empty selection (exit 2): the arguments named, what was looked for."""
    return Fail(f"{', '.join(map(str, sources))}: {what}ブックがありません（{suffixes} のファイルが見つかりません）")


def with_path(path: Path, message: str) -> str:
    """Failure messages name their file; add it where the message does not."""
    return message if str(path) in message else f"{path}: {message}"


@contextlib.contextmanager
def progress_bar(total: int, label: str, *, file=None, force: bool = False) -> Iterator[Callable[[Outcome], None]]:
    """A click progress bar on stderr (drawn only on a terminal unless ``force``) as a ``progress`` callback for
    :func:`run_batch`."""
    stream = file if file is not None else sys.stderr
    show = force or (total > 1 and getattr(stream, "isatty", lambda: False)())
    if not show:
        yield lambda outcome: None
        return
    with click.progressbar(length=total, label=label, file=stream, show_pos=True, show_eta=True,
                           item_show_func=lambda o: _short(o.item) if o is not None else None) as bar:
        yield lambda outcome: bar.update(1, outcome)


def _short(item: Any, width: int = 30) -> str:
    path = item if isinstance(item, Path) else getattr(item, "src", None)
    name = Path(path).name if path is not None else str(item)
    return name if len(name) <= width else "…" + name[-width + 1:]
