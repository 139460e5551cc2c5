"""``pia-excel item``: what the form says about one item (a thin layer over :func:`pia_excel.api.describe`).
docs/items.md is made by the same function (:mod:`.docs`)."""
from __future__ import annotations

import json

import click

from .common import FORM_HELP, FORMS, guard


@click.command()
@click.argument("item")
@click.option("--form", "form", type=click.Choice(FORMS), required=True, help=FORM_HELP)
@click.option("--files", type=click.IntRange(1, 99), default=1, show_default=True,
              help="特定個人情報ファイルの数（セルの位置はこの数のブックで示します）")
@click.option("--edition", default=None, help="様式の版（省略時は最新）")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="出力の形式")
def item(item, form, files, edition, fmt) -> None:
    """項目（項目パス、または変更箇所の「項目」の記載）の印字ラベル・シートとセル・※・選択肢・検証ルールを表示します。

    例: pia-excel item files[1].II.itaku_umu --form juten
        pia-excel item "Ⅱ-5 移転先1 ①" --form zenkomoku
    """
    from .. import api

    info = guard(api.describe, item, form, files=files, edition=edition)
    if fmt == "json":
        click.echo(json.dumps(info.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(info.to_text(), nl=False)
