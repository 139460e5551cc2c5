"""``pia-excel templates build``: the macro-enabled templates (workbook_templates/*.xlsm)."""
from __future__ import annotations

from pathlib import Path

import click

from .common import guard


@click.group("templates")
def templates_group() -> None:
    """マクロ付きテンプレート（workbook_templates/*.xlsm）を作成・確認します。"""


@templates_group.command("build")
@click.option("--check", is_flag=True, help="書き込まずに、コミット済みのテンプレートが最新か確認します（古ければ終了コード1）")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="出力先フォルダ（既定: workbook_templates/）")
def build_command(check: bool, directory: Path | None) -> None:
    """様式定義と macros/*.bas から、ボタン付きの .xlsm テンプレートを作ります。"""
    from ..excel.macros import build_templates

    results = guard(build_templates, directory, check=check)
    stale = False
    for r in results:
        label = {"written": "作成しました", "unchanged": "最新です", "outdated": "古くなっています",
                 "missing": "ありません"}[r.status]
        click.echo(f"{label}: {r.path}")
        if r.status in ("outdated", "missing"):
            stale = True
            for d in r.differences[:10]:
                click.echo(f"  {d}")
    if check and stale:
        click.echo("pia-excel templates build で作り直してください。", err=True)
        raise SystemExit(1)
