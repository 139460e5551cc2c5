"""Commands on documents: ``new``, ``add-file``, ``convert``, ``export``, ``pdf``, ``schema`` — each a thin layer over the library.

The library is imported inside each command, so that ``pia-excel --help`` stays fast (no openpyxl, pandas or models).
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import PiaError, PlacementError, describe_exception
from .common import FORM_HELP, FORMS, JOBS_HELP, Fail, finish_batch, guard, no_inputs, progress_bar, refuse_existing, with_path


@click.command()
@click.option("--form", type=click.Choice(FORMS), required=True, help=FORM_HELP)
@click.option("--files", type=click.IntRange(1, 99), default=1, show_default=True,
              help="特定個人情報ファイルの数（Ⅱ・記録項目・Ⅲのシートをこの数だけ作ります）")
@click.option("--edition", default=None, help="様式の版（全項目: r7-05 または h30-05。省略時は最新）")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="出力先 .xlsx")
@click.option("--force", is_flag=True, help="出力先のファイルがすでにあっても置き換える")
def new(form: str, files: int, edition: str | None, output: Path, force: bool) -> None:
    """公式様式どおりの空のブックを作成します。"""
    from .. import api

    refuse_existing(output, force)

    doc = guard(api.new, form, files, edition)
    guard(api.save, doc, output)
    click.echo(f"作成しました: {output}")


@click.command("add-file")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="出力先 .xlsx/.xlsm（省略時は入力のブックに書き込みます）")
@click.option("--force", is_flag=True, help="出力先のファイルがすでにあっても置き換える（-o のとき）")
def add_file(source: Path, output: Path | None, force: bool) -> None:
    """ブックに特定個人情報ファイルを1つ追加します（Ⅱ・記録項目・Ⅲのシート、名前、ファイル数）。

    \b
    pia-excel add-file 評価書.xlsx
    pia-excel add-file 評価書.xlsx -o 評価書_ファイル追加.xlsx
    入力した内容、図・画像、コメント、入力規則、マクロなど、ブックのほかの部分はそのまま残ります。
    """
    from .. import api

    if output is not None:
        if output.resolve() == source.resolve():
            output = None
        else:
            refuse_existing(output, force)
    result = guard(api.add_file, source, output)
    click.echo(f"特定個人情報ファイル{result.file_no}を追加しました（{'、'.join(result.sheets)}）: {result.path}")


@click.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="出力先。1ファイルなら出力ファイル（拡張子で形式を決めます: .xlsx .json .yaml）、"
                   "複数・フォルダなら出力フォルダ")
@click.option("--to", "fmt", type=click.Choice(["json", "yaml", "xlsx"]), default=None,
              help="出力形式（フォルダ・複数ファイルの変換で指定）")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None, help=JOBS_HELP)
@click.option("--force", is_flag=True, help="出力先のファイルがすでにあっても置き換える（1ファイルのとき。入力は置き換えません）")
def convert(sources: tuple[Path, ...], output: Path, fmt: str | None, jobs: int | None, force: bool) -> None:
    """ブック（.xlsx/.xlsm）とデータ（.json/.yaml）を相互に変換します。

    \b
    1ファイル:   pia-excel convert 評価書.xlsx -o 評価書.json
    まとめて:   pia-excel convert 評価書フォルダ/ -o 出力フォルダ/ --to json
    フォルダは下の階層まで探し（--to json/yaml ならブック、--to xlsx なら .json/.yaml を変換）、
    出力フォルダに同じ階層・同じ名前で書き出します。入力ファイルは上書きしません。
    1件が失敗しても残りを続け、失敗があれば最後に終了コード2で終わります。

    読み取れない値はセル番地つきで表示し、変換結果にもそのまま残します（失われません）。
    """
    single = len(sources) == 1 and fmt is None and not sources[0].is_dir() and not output.is_dir()
    if single:
        _convert_single(sources[0], output, force)
        return
    if fmt is None:
        raise Fail("複数のファイルやフォルダを変換するときは --to json|yaml|xlsx で出力形式を指定してください")
    if output.exists() and not output.is_dir():
        raise Fail(f"{output}: 出力先はフォルダを指定してください（複数のファイルを書き出します）")
    _convert_batch(sources, output, fmt, jobs)


def _convert_single(source: Path, output: Path, force: bool = False) -> None:
    if output.resolve() == source.resolve():
        raise Fail(f"{source}: 入力と同じファイルには書き込みません（別の出力先を指定してください）")
    refuse_existing(output, force)
    from .. import api

    result = guard(api.load, source)
    for issue in result.issues:
        click.echo(f"注意: {source}: {issue}", err=True)
    try:
        problems = api.save(result.doc, output)
    except PlacementError as e:  # what cannot be written comes from the input: name it too
        raise Fail(with_path(source, str(e))) from None
    except (PiaError, OSError) as e:
        raise Fail(describe_exception(e)) from None
    for p in problems:
        click.echo(f"注意: {output}: {p}", err=True)
    click.echo(f"変換しました: {source} → {output}")


def _convert_batch(sources: tuple[Path, ...], outdir: Path, fmt: str, jobs: int | None) -> None:
    from .. import api
    from ..batch import run_batch

    p = api.convert_plan(sources, outdir, fmt)
    if not p.tasks and not p.refused:
        for m in p.missing:
            click.echo(f"エラー: {m}", err=True)
        raise no_inputs(sources, "変換する", "変換元の形式")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise Fail(f"{outdir}: 出力フォルダを作れません（{e.strerror or e}）") from None
    with progress_bar(len(p.tasks), "変換中") as progress:
        outcomes = run_batch(p.tasks, api.convert_one, jobs, progress)
    failed = len(p.missing) + len(p.refused)
    for m in p.missing:
        click.echo(f"エラー: {m}", err=True)
    for _, message in p.refused:
        click.echo(f"エラー: {message}", err=True)
    finish_batch(outcomes, failed, lambda o: f"変換しました: {o.item.src} → {o.item.dst}", "件を変換しました")


@click.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="出力先 .csv .xlsx .parquet（csv・parquet は NAME と NAME_files の2ファイル、xlsx は2シート）")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None, help=JOBS_HELP)
@click.option("--no-validate", is_flag=True, help="検証しない（エラー数・警告数の列は空になります）")
def export(sources: tuple[Path, ...], output: Path, jobs: int | None, no_validate: bool) -> None:
    """フォルダ内の評価書ブックを一覧表にします（1ブック1行、1特定個人情報ファイル1行の2表）。

    \b
    pia-excel export 評価書フォルダ/ -o 一覧.xlsx
    評価書番号・評価書名・評価実施機関名・公表日・対象人数・しきい値判断結果・情報連携の有無・
    ファイル数・エラー数/警告数と、ファイルごとの対象となる本人の数・記録される項目・委託・提供/移転・
    保有開始日を書き出します。読めないブックも「読取エラー」の行として残し、最後に終了コード2で終わります。
    """
    from .. import api

    found = guard(_count_workbooks, sources, output)
    if not found and all(Path(s).exists() for s in sources):  # nothing to export: no empty tables are written
        raise no_inputs(sources, "一覧にする評価書の", ".xlsx .xlsm")
    with progress_bar(found, "集計中") as progress:
        result = guard(api.export, sources, output, jobs=jobs, progress=progress,
                        validate=not no_validate)
    for m in result.missing:
        click.echo(f"エラー: {m}", err=True)
    for o in result.failed:
        click.echo(f"エラー: {with_path(o.item.path, o.error)}", err=True)
    if not result.outcomes and not result.missing:
        raise no_inputs(sources, "一覧にする評価書の", ".xlsx .xlsm")
    ok = len(result.outcomes) - len(result.failed)
    note = "" if result.validated else "（検証なし）"
    click.echo(f"{ok}件のブック、{len(result.files)}件の特定個人情報ファイルを書き出しました{note}: "
               + "、".join(map(str, result.written)))
    if result.failed or result.missing:
        raise SystemExit(2)


def _count_workbooks(sources, output: Path) -> int:
    from ..batch import collect_inputs
    from ..export import files_path
    from ..storage import WORKBOOK_SUFFIXES

    return len(collect_inputs(sources, WORKBOOK_SUFFIXES, exclude=[output, files_path(output)])[0])


#: how long LibreOffice may take for one PDF (seconds) unless --timeout says otherwise
PDF_TIMEOUT = 300


@click.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="出力先。1ファイルなら .pdf、複数・フォルダなら出力フォルダ")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help=JOBS_HELP)
@click.option("--keep-xlsx", is_flag=True, help="PDFにした印刷用ブックも .print.xlsx として残す（1ファイルのとき）")
@click.option("--timeout", type=click.FloatRange(min=1), default=PDF_TIMEOUT, show_default=True,
              help="LibreOffice が1ファイルをPDFにするのを待つ秒数")
@click.option("--draft", is_flag=True,
              help="下書きとして作る（【要確認】など作成者向けの印が残っていても作成し、各ページに「下書き」と入れる）")
def pdf(sources: tuple[Path, ...], output: Path, jobs: int | None, keep_xlsx: bool, timeout: float,
        draft: bool) -> None:
    """公表用のPDFを作ります（LibreOffice で印刷。A4縦、部ごとに改ページ）。

    \b
    pia-excel pdf 評価書.xlsx -o 評価書.pdf
    pia-excel pdf 評価書フォルダ/ -o PDFフォルダ/
    入力はブック（.xlsx/.xlsm）またはデータ（.json/.yaml）。フォルダは下の階層まで探し、
    出力フォルダに同じ階層・同じ名前（.pdf）で書き出します。
    【要確認】など作成者向けの印が残っている文書は作成しません（--draft なら下書きとして作成）。
    """
    from .. import api

    single = len(sources) == 1 and not sources[0].is_dir() and output.suffix.lower() == ".pdf"
    if single:
        src = sources[0]
        if not src.exists():
            raise Fail(f"{src}: ファイルがありません")
        keep = output.with_suffix(".print.xlsx") if keep_xlsx else None
        result = guard(api.pdf, src, output, keep_xlsx=keep, timeout=timeout, draft=draft)
        for note in result.notes:
            click.echo(f"注意: {note}", err=True)
        click.echo(f"PDFを作成しました: {output}（{result.pages}ページ）")
        return
    if output.exists() and not output.is_dir():
        raise Fail(f"{output}: 出力先はフォルダを指定してください（複数のPDFを書き出します）")
    _pdf_batch(sources, output, jobs, timeout, draft)


def _pdf_batch(sources: tuple[Path, ...], outdir: Path, jobs: int | None, timeout: float = PDF_TIMEOUT,
               draft: bool = False) -> None:
    from ..batch import collect_inputs, run_batch
    from ..pdf import PdfTask, pdf_one
    from ..storage import DATA_SUFFIXES, WORKBOOK_SUFFIXES

    found, missing = collect_inputs(sources, WORKBOOK_SUFFIXES + DATA_SUFFIXES, exclude=[outdir])
    tasks, refused, taken = [], [], {}
    for inp in found:
        dst = outdir / inp.relative.with_suffix(".pdf")
        if dst.resolve() in taken:
            refused.append(f"{inp.path}: 出力先 {dst} が {taken[dst.resolve()]} の出力と重なります")
            continue
        taken[dst.resolve()] = inp.path
        tasks.append(PdfTask(inp.path, dst, draft=draft, timeout=timeout))
    if not tasks and not refused:
        for m in missing:
            click.echo(f"エラー: {m}", err=True)
        raise no_inputs(sources, "PDFにする", ".xlsx .xlsm .json .yaml")
    with progress_bar(len(tasks), "PDF作成中") as progress:
        outcomes = run_batch(tasks, pdf_one, jobs, progress)
    failed = len(missing) + len(refused)
    for m in missing + refused:
        click.echo(f"エラー: {m}", err=True)
    finish_batch(outcomes, failed, lambda o: f"PDFを作成しました: {o.item.src} → {o.item.dst}（{o.value.pages}ページ）",
                  "件のPDFを作成しました")


@click.command()
@click.option("--form", type=click.Choice(FORMS), required=True, help=FORM_HELP)
def schema(form: str) -> None:
    """様式のデータ形式（JSON Schema）を表示します。"""
    from .. import api

    click.echo(json.dumps(guard(api.json_schema, form), ensure_ascii=False, indent=2))
