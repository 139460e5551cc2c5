"""``pia-excel validate`` and ``pia-excel rules``: a thin click layer over :mod:`pia_excel.rules.run`.

Exit codes of ``validate``: 0 no errors, 1 errors found, 2 an input could not be read (the others are still
validated) or an output could not be written.
"""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from .common import Fail, guard, no_inputs, progress_bar, refuse_inputs

#: show a progress bar from this many inputs on
PROGRESS_MIN = 5


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="結果の形式（標準出力）")
@click.option("--report-xlsx", type=click.Path(path_type=Path), default=None,
              help="検証結果シートを加えたブックの保存先（入力が1つならファイル、複数ならフォルダ）")
@click.option("--in-place", is_flag=True, help="検証結果シートを入力のブックそのものに書き込みます（ほかの内容はそのまま。Excel等で開いているブックには書き込みません）")
@click.option("--summary", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="ブックごとに1行の一覧（.csv または .xlsx）")
@click.option("--progress/--no-progress", default=None, help="進行状況を表示する（既定: 端末で多数のとき）")
@click.option("--today", default=None, help="基準日（再評価の時期の判定に使う。例: 2025-03-01、令和7年3月1日）")
@click.option("--across", is_flag=True,
              help="評価書どうしも照合する（R801–R808: 同じ評価実施機関での評価書番号の重複、評価実施機関名・請求先・"
                   "問合せ先・システム名・委託先名の書き方の違い、同じ事務の重複評価、しきい値判断結果と様式）")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="並列に処理するプロセス数（既定: CPUの数）")
def validate(paths, fmt, report_xlsx, in_place, summary, progress, today, across, jobs) -> None:
    """評価書（.xlsx .xlsm .json .yaml、フォルダは中を再帰的に）を検証します。

    ファイルごとの結果は検証が済んだ順に（入力の順を保って）出力します。--across を付けると、最後に
    評価書間の照合結果を出力します（各指摘は両方の評価書とセルを示します）。

    終了コード: 0 エラーなし、1 エラーあり、2 読めない入力があった（他の入力は検証します）。
    """
    if in_place and report_xlsx:
        raise click.UsageError("--in-place と --report-xlsx は同時に指定できません")
    from ..batch import iter_batch
    from ..rules import report, run

    today_date = guard(run.parse_today, today)
    files, unreadable = run.collect(paths, exclude=tuple(p for p in (report_xlsx, summary) if p is not None))
    if not files and not unreadable:
        raise no_inputs(paths, "検証する", ".xlsx .xlsm .json .yaml")
    if summary:
        refuse_inputs(summary, [*files, *(p for p in paths if p.is_file())], "--summary")
    rows: list[dict] = [run.summary_row(None, name, message) for name, message in unreadable]
    if report_xlsx and len(files) + len(unreadable) > 1:
        if report_xlsx.exists() and not report_xlsx.is_dir():
            raise Fail(f"{report_xlsx}: 入力が複数のときは --report-xlsx にフォルダを指定してください")
        report_xlsx.mkdir(parents=True, exist_ok=True)
    show = progress if progress is not None else (len(files) > PROGRESS_MIN and sys.stderr.isatty())
    used_names: set[str] = set()
    jobs_list = []
    for path in files:
        out = None
        if report_xlsx and not in_place:
            out = report_xlsx / run.annotated_name(path, used_names) if report_xlsx.is_dir() else report_xlsx
        jobs_list.append((path, today_date, in_place, out, fmt, across))
    # streamed: each file's report is printed as soon as it and those before it are done, then dropped, so the
    # memory of this process stays flat however many files there are (only the --summary rows are kept)
    write_problems: list[str] = []
    stream = report.JsonStream(lambda text: click.echo(text, nl=False)) if fmt == "json" else None
    n_checked = n_errors = n_warnings = 0
    any_errors = False
    facts: list = []  # --across: a few names and dates per document, not the documents
    with contextlib.ExitStack() as stack:
        progress_cb = stack.enter_context(progress_bar(len(jobs_list), "検証中", force=True)) if show else None
        for job, outcome in zip(jobs_list, iter_batch(jobs_list, run.check_one, jobs=jobs if len(jobs_list) > 1 else 1,
                                                      progress=progress_cb)):
            if not outcome.ok:  # an unexpected failure inside the worker: report it, go on
                name = str(job[0])
                unreadable.append((name, f"{name}: {outcome.error}"))
                if summary:
                    rows.append(run.summary_row(None, name, outcome.error))
                continue
            c = outcome.value
            if summary:
                rows.append(c.summary)
            if c.unreadable is not None:
                unreadable.append((c.name, c.unreadable))
                continue
            n_checked += 1
            n_errors += c.errors
            n_warnings += c.warnings
            any_errors = any_errors or bool(c.errors)
            if c.facts is not None:
                facts.append(c.facts)
            if stream is not None:
                stream.add(c.json_chunk, c.file_row)
            else:
                click.echo(c.text)
            if c.notice:
                click.echo(c.notice, err=True)
            if c.write_problem:
                write_problems.append(c.write_problem)

    found = []
    if across:
        from ..rules.across import check

        found = check(facts)
        any_errors = any_errors or any(i.is_error for i in found)
    if stream is not None:
        stream.end(unreadable, [i.to_dict() for i in found])
    else:
        if across:
            click.echo(report.render_across(found, len(facts)))
        if n_checked + len(unreadable) > 1:
            click.echo(f"合計: {n_checked}件を検証、エラー {n_errors}件、警告 {n_warnings}件"
                       + (f"、読めないファイル {len(unreadable)}件" if unreadable else "")
                       + (f"、評価書間 {len(found)}件" if across else ""))
    for _, message in unreadable:
        for line in message.splitlines():
            click.echo(f"エラー: {line}", err=True)
    for message in write_problems:
        click.echo(f"エラー: {message}", err=True)
    if summary:
        try:
            guard(run.write_summary, rows, summary)
        except PermissionError:
            write_problems.append(f"{summary}: 書き込みの権限がありません")
            click.echo(f"エラー: {summary}: 書き込みの権限がありません", err=True)
    if unreadable or write_problems:
        sys.exit(2)
    sys.exit(1 if any_errors else 0)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
def rules(fmt) -> None:
    """検証ルールの一覧（コード・重要度・区分・内容）を表示します。"""
    if fmt == "markdown":
        from ..rules.catalogue import render_markdown

        click.echo(render_markdown(), nl=False)
        return
    from ..rules import RULES
    from ..rules.catalogue import rows as catalogue_rows

    for code, severity, category, title, forms in catalogue_rows():
        suffix = "" if forms == "両方" else f"（{forms}のみ）"
        click.echo(f"{code}  {severity}  {category}  {title}{suffix}")
    from ..rules.across import ACROSS_RULES

    click.echo(f"全{len(RULES) + 1 + len(ACROSS_RULES)}件（R8xx は評価書間の照合: validate --across）")
