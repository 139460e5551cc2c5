"""``pia-excel calendar``: the re-assessment calendar of a folder of 評価書 (a thin layer over :func:`api.calendar`)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import JOBS_HELP, guard, progress_bar, refuse_inputs


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="出力先 .xlsx（表とグラフ）または .csv（表）")
@click.option("--today", default=None, help="基準日（既定: 今日。例: 2025-03-01、令和7年3月1日）")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help=JOBS_HELP)
def calendar(paths, output, today, jobs) -> None:
    """評価書ごとの再評価・見直しの期限を、期限の近い順に一覧にします。

    \b
    列: 次の期限（西暦・和暦）、その内容、状態（期限超過／6か月以内／それ以降）、公表日、
    最終評価実施日（基礎項目評価・第三者点検の実施日の遅い方）、再評価期限、見直し期限、
    事務の終了日、公表継続期限。.xlsx には状態ごとの件数のグラフ（集計シート）も入ります。
    \b
    期限の根拠:
      再評価（5年）: 特定個人情報保護評価に関する規則第15条（前回の評価から5年を経過する前に再実施）。
        最終評価実施日から数えます（実施日がなければ公表日から）。
      見直し（1年）: 特定個人情報保護評価指針（少なくとも1年に1回、評価書を見直すよう努める）。公表日から数えます。
      終了（3年）: 様式の記載要領（評価書名に【○年○月○日 終了】と記載し、終了の日から少なくとも3年間は
        評価書を公表しておく）。終了した事務の評価書は再評価・見直しの対象にせず、公表継続期限を示します。
    """
    from .. import api
    from ..batch import collect_inputs
    from ..rules.run import parse_today

    today_date = guard(parse_today, today)
    found, _ = collect_inputs(paths, (".xlsx", ".xlsm", ".json", ".yaml", ".yml"), exclude=[output])
    refuse_inputs(output, [i.path for i in found], "-o")
    with progress_bar(len(found), "読込中") as progress:
        result = guard(api.calendar, paths, output, today=today_date, jobs=jobs, progress=progress)
    counts = result.counts()
    click.echo(f"{output}: {len(result.rows)}件（" + "、".join(f"{k} {v}件" for k, v in counts.items() if v)
               + f"、基準日 {result.today.isoformat()}）")
    for message in result.unreadable:
        click.echo(f"エラー: {message}", err=True)
    if result.unreadable:
        sys.exit(2)
