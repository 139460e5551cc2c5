"""``pia-excel validate`` and ``pia-excel rules``: a thin click layer over :mod:`pia_excel.rules` and
:mod:`pia_excel.report`.

Exit codes of ``validate``: 0 no errors, 1 errors found, 2 an input could not be read (the others are still
validated) or an output could not be written.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from . import api, report as reporting
from .atomic import atomic_path
from .batch import progress_bar, run_batch
from .rules import RULES, Report, validate_result
from .rules.catalogue import rows as catalogue_rows
from .spec import FORM_NAMES
from .wareki import WarekiDate, WarekiError

SUFFIXES = (".xlsx", ".xlsm", ".json", ".yaml", ".yml")
#: show a progress bar from this many inputs on
PROGRESS_MIN = 5


class _Fail(click.ClickException):
    """One clear line on stderr and exit code 2 (like ``cli.Fail``)."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"エラー: {self.message}", err=True)


def collect(paths: tuple[Path, ...]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to validate (folders searched recursively, Excel lock files ``~$*`` skipped) and inputs that cannot
    be used, with a message each."""
    files: list[Path] = []
    bad: list[tuple[str, str]] = []
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUFFIXES and not _skipped(f):
                    files.append(f)
        elif not p.exists():
            bad.append((str(p), f"{p}: ファイルがありません"))
        elif p.suffix.lower() not in SUFFIXES + (".xls",):  # .xls: the reader explains how to convert it
            bad.append((str(p), f"{p}: 対応していない形式です（.xlsx .xlsm .json .yaml のいずれか）"))
        elif _skipped(p):
            continue
        else:
            files.append(p)
    seen, unique = set(), []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, bad


def _skipped(p: Path) -> bool:
    return p.name.startswith("~$") or p.name.startswith(".~pia-")


def parse_today(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return WarekiDate.parse(text).to_date()
    except WarekiError:
        raise click.BadParameter(f"日付として読めません: {text}（例: 2025-03-01 または 令和7年3月1日）") from None


def _annotated_name(src: Path, used: set[str]) -> str:
    suffix = src.suffix.lower() if src.suffix.lower() in (".xlsx", ".xlsm") else ".xlsx"
    base = f"{src.stem}_検証結果"
    name, n = base + suffix, 2
    while name in used:
        name, n = f"{base}_{n}{suffix}", n + 1
    used.add(name)
    return name


def _summary_row(rep: Report | None, name: str, note: str = "") -> dict:
    if rep is None:
        return {"file": name, "form": "", "評価書名": "", "評価実施機関名": "", "公表日": "", "errors": None,
                "warnings": None, "note": note}
    cover = rep.doc.cover
    return {"file": name, "form": FORM_NAMES[rep.doc.form], "評価書名": cover.hyokasho_mei or "",
            "評価実施機関名": cover.hyoka_jisshi_kikan_mei or "",
            "公表日": str(cover.kohyo_bi) if cover.kohyo_bi else rep.doc.invalid_values.get("cover.kohyo_bi", ""),
            "errors": len(rep.errors), "warnings": len(rep.warnings), "note": note}


def write_summary(rows: list[dict], out: Path) -> None:
    import pandas as pd

    df = pd.DataFrame(rows, columns=["file", "form", "評価書名", "評価実施機関名", "公表日", "errors", "warnings", "note"])
    df["errors"] = df["errors"].astype("Int64")
    df["warnings"] = df["warnings"].astype("Int64")
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise _Fail(f"{out}: 一覧の形式を拡張子から判断できません（.csv または .xlsx）")
    with atomic_path(out) as tmp:
        if suffix == ".csv":
            df.to_csv(tmp, index=False, encoding="utf-8-sig")  # BOM: Excel opens it as UTF-8
        else:
            df.to_excel(tmp, index=False, sheet_name="検証一覧")


@dataclass
class _Checked:
    """What a worker sends back for one input: rendered pieces and counts, not the document."""

    name: str
    summary: dict
    text: str | None = None
    data: dict | None = None
    errors: int = 0
    unreadable: str | None = None
    write_problem: str | None = None
    notice: str | None = None


def _check_one(job: tuple[Path, dt.date | None, bool, Path | None]) -> _Checked:
    """Read, validate and (when asked) annotate one input; runs in a worker process."""
    path, today, in_place, out = job
    name = str(path)
    try:
        result = api.load(path)
    except (api.WorkbookError, api.InputError) as e:
        return _Checked(name, _summary_row(None, name, str(e).splitlines()[0]), unreadable=str(e))
    except OSError as e:
        return _Checked(name, _summary_row(None, name, str(e)), unreadable=f"{name}: {e.strerror or e}")
    rep = validate_result(result, today=today)
    checked = _Checked(name, _summary_row(rep, name), text=reporting.render_text(rep, name),
                       data=reporting.report_dict(rep, name), errors=len(rep.errors))
    try:
        if in_place:
            if path.suffix.lower() in (".xlsx", ".xlsm"):
                reporting.write_annotated(rep, path, source=path)
            else:
                checked.notice = f"注意: {name}: ブックではないため --in-place では書き込みません"
        elif out is not None:
            if out.resolve() == path.resolve():
                checked.write_problem = f"{out}: 入力と同じファイルです（上書きするには --in-place を使ってください）"
            else:
                reporting.write_annotated(rep, out, source=path)
    except PermissionError as e:
        checked.write_problem = f"{e.filename or name}: 書き込みの権限がありません（Excelで開いていませんか）"
    except OSError as e:
        checked.write_problem = f"{getattr(e, 'filename', '') or name}: {e.strerror or e}"
    return checked


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="結果の形式（標準出力）")
@click.option("--report-xlsx", type=click.Path(path_type=Path), default=None,
              help="検証結果シートを加えたブックの保存先（入力が1つならファイル、複数ならフォルダ）")
@click.option("--in-place", is_flag=True, help="検証結果シートを入力のブックそのものに書き込みます")
@click.option("--summary", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="ブックごとに1行の一覧（.csv または .xlsx）")
@click.option("--progress/--no-progress", default=None, help="進行状況を表示する（既定: 端末で多数のとき）")
@click.option("--today", default=None, help="基準日（再評価の時期の判定に使う。例: 2025-03-01、令和7年3月1日）")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="並列に処理するプロセス数（既定: CPUの数）")
def validate(paths, fmt, report_xlsx, in_place, summary, progress, today, jobs) -> None:
    """評価書（.xlsx .xlsm .json .yaml、フォルダは中を再帰的に）を検証します。

    終了コード: 0 エラーなし、1 エラーあり、2 読めない入力があった（他の入力は検証します）。
    """
    if in_place and report_xlsx:
        raise click.UsageError("--in-place と --report-xlsx は同時に指定できません")
    today_date = parse_today(today)
    files, unreadable = collect(paths)
    rows: list[dict] = [_summary_row(None, name, message) for name, message in unreadable]
    if report_xlsx and len(files) + len(unreadable) > 1:
        if report_xlsx.exists() and not report_xlsx.is_dir():
            raise _Fail(f"{report_xlsx}: 入力が複数のときは --report-xlsx にフォルダを指定してください")
        report_xlsx.mkdir(parents=True, exist_ok=True)
    show = progress if progress is not None else (len(files) > PROGRESS_MIN and sys.stderr.isatty())
    used_names: set[str] = set()
    jobs_list = []
    for path in files:
        out = None
        if report_xlsx and not in_place:
            out = report_xlsx / _annotated_name(path, used_names) if report_xlsx.is_dir() else report_xlsx
        jobs_list.append((path, today_date, in_place, out))
    with contextlib.ExitStack() as stack:
        progress_cb = stack.enter_context(progress_bar(len(jobs_list), "検証中", force=True)) if show else None
        outcomes = run_batch(jobs_list, _check_one, jobs=jobs if len(jobs_list) > 1 else 1, progress=progress_cb)
    checked: list[_Checked] = []
    write_problems: list[str] = []
    for job, outcome in zip(jobs_list, outcomes):
        if not outcome.ok:  # an unexpected failure inside the worker: report it, go on
            name = str(job[0])
            unreadable.append((name, f"{name}: {outcome.error}"))
            rows.append(_summary_row(None, name, outcome.error))
            continue
        c = outcome.value
        rows.append(c.summary)
        if c.unreadable is not None:
            unreadable.append((c.name, c.unreadable))
            continue
        checked.append(c)
        if c.notice:
            click.echo(c.notice, err=True)
        if c.write_problem:
            write_problems.append(c.write_problem)

    if fmt == "json":
        click.echo(reporting.render_json_dicts([c.data for c in checked], unreadable), nl=False)
    else:
        for c in checked:
            click.echo(c.text)
        if len(checked) + len(unreadable) > 1:
            errors = sum(c.data["errors"] for c in checked)
            warnings = sum(c.data["warnings"] for c in checked)
            click.echo(f"合計: {len(checked)}件を検証、エラー {errors}件、警告 {warnings}件"
                       + (f"、読めないファイル {len(unreadable)}件" if unreadable else ""))
    for _, message in unreadable:
        for line in message.splitlines():
            click.echo(f"エラー: {line}", err=True)
    for message in write_problems:
        click.echo(f"エラー: {message}", err=True)
    if summary:
        try:
            write_summary(rows, summary)
        except PermissionError:
            write_problems.append(f"{summary}: 書き込みの権限がありません")
            click.echo(f"エラー: {summary}: 書き込みの権限がありません", err=True)
    if unreadable or write_problems:
        sys.exit(2)
    sys.exit(1 if any(c.errors for c in checked) else 0)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
def rules(fmt) -> None:
    """検証ルールの一覧（コード・重要度・内容）を表示します。"""
    if fmt == "markdown":
        from .rules.catalogue import render_markdown

        click.echo(render_markdown(), nl=False)
        return
    for code, severity, title, forms in catalogue_rows():
        suffix = "" if forms == "両方" else f"（{forms}のみ）"
        click.echo(f"{code}  {severity}  {title}{suffix}")
    click.echo(f"全{len(RULES) + 1}件")
