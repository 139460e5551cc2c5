"""``pia-excel changelog`` and ``pia-excel publish``: thin layers over :mod:`pia_excel.changelog`."""
from __future__ import annotations

import json
from pathlib import Path

import click

from .common import DATE_HELP, Fail, guard

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def _date(text: str):
    from ..wareki import WarekiError, parse_wareki

    try:
        return parse_wareki(text)
    except WarekiError as e:
        raise Fail(f"--date: {e}") from None


def _is_workbook(path: Path) -> bool:
    return path.suffix.lower() in WORKBOOK_SUFFIXES


def _print_rows(rows: list, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("変更はありません")
        return
    for i, p in enumerate(rows, start=1):
        r = p.row
        click.echo(f"[{i}] {r.date}  {r.timing}  {r.item}")
        click.echo(f"    変更前: {_indent(r.before)}")
        click.echo(f"    変更後: {_indent(r.after)}")
        click.echo(f"    説明:   {r.explanation}")


def _indent(text: str | None) -> str:
    return (text or "").replace("\n", "\n            ")


def _report(rows: list, added: int, skipped: int, conflicts, out: Path) -> None:
    before = sum(1 for p in rows if p.row.timing == "事前")
    if not rows:
        click.echo(f"変更はありません: {out}")
        return
    if added:
        msg = f"変更箇所に {added} 行を追加しました: {out}"
        if skipped:
            msg += f"（同じ行が既にある {skipped} 行は追加しませんでした）"
    else:
        msg = f"変更箇所の行はすべて記載済みです（同じ行が既にある {skipped} 行は追加しませんでした）: {out}"
    click.echo(msg)
    for row, r in conflicts:
        click.echo(f"注意: 同じ変更日・項目の行が既にあります（{r}行目）。内容を確認してください: {row.item}", err=True)
    if added:
        note = f"提出時期は※の有無からの提案です（事前 {before} 行）。" if before else "提出時期は※の有無からの提案です。"
        click.echo(note + "説明の「【要確認】」を確認して消してから提出してください。")


def _issues(result, source: Path) -> None:
    for issue in result.issues:
        click.echo(f"注意: {source}: {issue}", err=True)


@click.command("changelog")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path), required=False)
@click.option("--date", "date_text", required=True, help=DATE_HELP)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="出力先（NEW に変更箇所の行を追加したもの）")
@click.option("--in-place", is_flag=True, help="NEW（1つだけ指定したときはそのブック）に直接追加します")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), help="書き込まずに行を表示します")
def changelog(old: Path, new: Path | None, date_text: str, output: Path | None, in_place: bool,
              fmt: str | None) -> None:
    """変更箇所（別添）の行を作ります。

    \b
    OLD NEW: 2つの版（ブック .xlsx/.xlsm、または .json/.yaml）を比べます。
    FILE だけ: publish で保存した前回公表時の内容と、今の内容を比べます。
    提出時期は※の付いた項目の変更を「事前」、それ以外を「事後」として提案し、
    説明の先頭に「【要確認】」を付けます。既にある行は変更せず、同じ行は二重に追加しません。
    """
    date = _date(date_text)
    if fmt and (output or in_place):
        raise Fail("--format は表示だけを行います（-o / --in-place と一緒には使えません）")
    if output and in_place:
        raise Fail("-o と --in-place はどちらか一方を指定してください")
    if not fmt and not output and not in_place:
        fmt = "text"
        click.echo("（表示のみ。ブックに書き込むには -o 出力先 または --in-place を指定してください）", err=True)
    target = new if new is not None else old
    if output is not None and output.exists() and output.resolve() == target.resolve():
        output, in_place = None, True
    if output is not None and new is not None and output.resolve() == old.resolve():
        raise Fail(f"{old}: 比較元のファイルには書き込みません（別の出力先を指定してください）")

    if new is None:
        _baseline_changelog(old, date, output, in_place, fmt)
        return

    from .. import api
    from ..changelog import append_to_document, append_to_file

    old_result = guard(api.load, old)
    new_result = guard(api.load, new)
    _issues(old_result, old)
    _issues(new_result, new)
    if old_result.doc.form != new_result.doc.form:
        raise Fail(f"様式が違う評価書は比較できません（{old}: {old_result.doc.form}、{new}: {new_result.doc.form}）")
    rows = api.changelog(old_result.doc, new_result.doc, date)
    if fmt:
        _print_rows(rows, fmt)
        return
    out = new if in_place else output
    if _is_workbook(new):
        if not _is_workbook(out) or out.suffix.lower() != new.suffix.lower():
            raise Fail(f"{out}: 出力は NEW と同じ形式（{new.suffix}）にしてください")
        res = guard(append_to_file, new, [p.row for p in rows], out)
        _report(rows, len(res.added), len(res.skipped), res.conflicts, out)
        for w in res.warnings:
            click.echo(f"注意: {out}: {w}", err=True)
        return
    # NEW is data (.json/.yaml): add the rows to the model and save it (any supported format)
    doc = new_result.doc
    added, skipped = append_to_document(doc, [p.row for p in rows])
    problems = guard(api.save, doc, out)
    for pr in problems:
        click.echo(f"注意: {out}: {pr}", err=True)
    _report(rows, added, skipped, [], out)


def _baseline_changelog(path: Path, date, output: Path | None, in_place: bool, fmt: str | None) -> None:
    if not _is_workbook(path):
        raise Fail(f"{path}: 1つだけ指定するときは publish 済みのブック（.xlsx/.xlsm）を指定してください")
    if output is not None and output.suffix.lower() != path.suffix.lower():
        raise Fail(f"{output}: 出力は入力と同じ形式（{path.suffix}）にしてください")
    from .. import api

    if fmt:
        res = guard(api.changelog_since_publish, path, date, write=False)
        _issues(res, path)
        _print_rows(res.proposed, fmt)
        return
    res = guard(api.changelog_since_publish, path, date, output=output)
    _issues(res, path)
    a = res.appended
    _report(res.proposed, len(a.added), len(a.skipped), a.conflicts, output or path)
    for w in a.warnings:
        click.echo(f"注意: {output or path}: {w}", err=True)


@click.command("publish")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--date", "date_text", required=True, help="公表日（和暦。例: 令和7年2月25日）")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="出力先（省略時は FILE に上書き保存）")
def publish(file: Path, date_text: str, output: Path | None) -> None:
    """公表日を設定し、今の内容を次回の変更箇所の比較元としてブックに保存します。

    保存した内容は非表示のシートに入り、「pia-excel changelog FILE --date …」で使われます。
    """
    date = _date(date_text)
    if not _is_workbook(file):
        raise Fail(f"{file}: publish はブック（.xlsx/.xlsm）に対して行います")
    if output is not None and output.suffix.lower() != file.suffix.lower():
        raise Fail(f"{output}: 出力は入力と同じ形式（{file.suffix}）にしてください")
    from .. import api

    res = guard(api.publish, file, date, output=output)
    _issues(res, file)
    where = output or file
    if res.kohyo_bi_cell is None:
        click.echo(f"注意: {file}: 公表日の欄が見つからないため、公表日は書き込んでいません", err=True)
        click.echo(f"今の内容を比較元として保存しました: {where}")
    else:
        click.echo(f"公表日を{date}にし、今の内容を次回の変更箇所の比較元として保存しました: {where}")
