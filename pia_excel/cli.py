"""Command line: ``pia-excel``. A thin layer over :mod:`pia_excel.api`.

Exit codes: 0 success, 1 findings (validate), 2 an input could not be read or an output not written.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__, api
from .excel.writer import PlacementError
from .spec import FORMS

FORM_HELP = "様式: juten（重点項目評価書）または zenkomoku（全項目評価書）"


class Fail(click.ClickException):
    """One clear line on stderr and exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"エラー: {self.message}", err=True)


def _guard(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except (api.WorkbookError, api.InputError, PlacementError) as e:
        raise Fail(str(e)) from None
    except PermissionError as e:
        raise Fail(f"{e.filename}: 書き込み（読み込み）の権限がありません") from None
    except OSError as e:
        raise Fail(f"{getattr(e, 'filename', '') or ''}: {e.strerror or e}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pia-excel")
def main() -> None:
    """特定個人情報保護評価書（重点項目評価書・全項目評価書）のExcelブックを作成・読込・変換します。"""


@main.command()
@click.option("--form", type=click.Choice(FORMS), required=True, help=FORM_HELP)
@click.option("--files", type=click.IntRange(1, 99), default=1, show_default=True,
              help="特定個人情報ファイルの数（Ⅱ・記録項目・Ⅲのシートをこの数だけ作ります）")
@click.option("--edition", default=None, help="様式の版（全項目: r7-05 または h30-05。省略時は最新）")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="出力先 .xlsx")
def new(form: str, files: int, edition: str | None, output: Path) -> None:
    """公式様式どおりの空のブックを作成します。"""
    doc = _guard(api.new, form, files, edition) if edition is None else _guard(_new_edition, form, files, edition)
    _guard(api.save, doc, output)
    click.echo(f"作成しました: {output}")


def _new_edition(form: str, files: int, edition: str):
    from .spec import load_spec

    try:
        load_spec(form).edition(edition)
    except KeyError as e:
        raise api.InputError(str(e.args[0])) from None
    return api.new(form, files, edition)


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="出力先（拡張子で形式を決めます: .xlsx .json .yaml）")
def convert(source: Path, output: Path) -> None:
    """ブック（.xlsx/.xlsm）とデータ（.json/.yaml）を相互に変換します。

    読み取れない値はセル番地つきで表示し、変換結果にもそのまま残します（失われません）。
    """
    if output.resolve() == source.resolve():
        raise Fail(f"{source}: 入力と同じファイルには書き込みません（別の出力先を指定してください）")
    result = _guard(api.load, source)
    for issue in result.issues:
        click.echo(f"注意: {source}: {issue}", err=True)
    problems = _guard(api.save, result.doc, output)
    for p in problems:
        click.echo(f"注意: {output}: {p}", err=True)
    click.echo(f"変換しました: {source} → {output}")


@main.command()
@click.option("--form", type=click.Choice(FORMS), required=True, help=FORM_HELP)
def schema(form: str) -> None:
    """様式のデータ形式（JSON Schema）を表示します。"""
    click.echo(json.dumps(_guard(api.json_schema, form), ensure_ascii=False, indent=2))


# Commands defined in their own modules register here (one line each).
# -- registered commands --
from .validate_cmd import rules as _rules, validate as _validate; main.add_command(_validate); main.add_command(_rules)  # noqa: E402,E702


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
