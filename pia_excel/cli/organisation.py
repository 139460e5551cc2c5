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


@click.command()
@click.argument("args", nargs=-1, required=True)
@click.option("--table", "table", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="置換表（.csv または .xlsx。1行目に old,new[,kind]。kind: rename＝名称変更（既定）/ change）。"
                   "指定したときは引数はすべて評価書のファイル・フォルダです")
@click.option("--items", "selectors", multiple=True,
              help="置換する項目を絞る（項目のパス・セレクタ。例: II.jimu_tanto_busho、IV.seikyu_saki、kind:text。"
                   "複数指定可。pia-excel item を参照）")
@click.option("--date", default=None, help="変更箇所の変更日（和暦。既定: 今日）")
@click.option("--reason", default="組織の変更", show_default=True,
              help="名称変更（rename）の変更箇所に書く提出時期に係る説明（例: 組織の変更、法改正）")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="確認用の表の保存先（.xlsx または .csv）")
@click.option("--apply", "apply", is_flag=True,
              help="評価書そのものに書き込む（変更したセルと変更箇所の行。書き込み後に検証します）")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help=JOBS_HELP)
def replace(args, table, selectors, date, reason, report, apply, jobs) -> None:
    """評価書の文中の語をフォルダの評価書すべてで置き換えます（既定は箇所の一覧のみ、--apply で書き込み）。

    \b
    使い方: pia-excel replace 旧 新 評価書... / pia-excel replace --table 置換表.csv 評価書...
    自由記述の項目（変更箇所の表を除く）を、日本語の語の区切りで探します（「都市民部」の中の「市民部」は
    対象外、「市民部長」「釧路市市民部」の「市民部」は対象）。項目ごとにセル、変更前・変更後、付け加える
    変更箇所の行（項目、提出時期、説明）を示します。名称変更は事後（説明は --reason）、kind=change の行は
    ※の項目なら事前【要確認】を提案します。既定では確認のみで、--apply を付けると各評価書に変更したセルと
    変更項目ごとに1行の変更箇所を書き込み（同じ行がすでにあれば追加しません。再実行しても変わりません）、
    書き込んだ評価書を検証します。
    """
    from ..organisation import replace as rp
    from ..rules.run import parse_today
    from ..wareki import WarekiDate

    if table is not None:
        pairs, inputs = guard(rp.read_pairs, table), list(args)
    else:
        if len(args) < 3:
            raise click.UsageError("旧 新 評価書... の順に指定してください（または --table）")
        pairs, inputs = [rp.Pair(args[0], args[1])], list(args[2:])
    when = str(WarekiDate.from_date(guard(parse_today, date) or __import__("datetime").date.today()))
    exclude = [report] if report else []
    result = guard(rp.dry_run, [Path(a) for a in inputs], pairs, date=when, reason=reason,
                   selectors=list(selectors), jobs=jobs, exclude=exclude, apply=apply)
    _finish(result, report, apply)


@click.command(name="law-update")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--date", default=None, help="変更箇所の変更日（和暦。既定: 今日）")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="確認用の表の保存先（.xlsx または .csv）")
@click.option("--apply", "apply", is_flag=True,
              help="評価書そのものに書き込む（変更したセルと変更箇所の行。書き込み後に検証します）")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help=JOBS_HELP)
def law_update(paths, date, report, apply, jobs) -> None:
    """改正前（令和6年5月27日より前）の番号法の引用を新しい引用に書き換えます（既定は一覧のみ、--apply で書き込み）。

    \b
    別表第1第N項 → 別表第N'項、別表第2第N項 → 番号法第19条第8号に基づく主務省令第2条の表第N'項、
    第19条第7号 → 第19条第8号。番号法の別表だけが対象で、条例などの別表はそのままです。
    項番号の対応表は実際の評価書の変更箇所から取ったもので一部の項だけです。対応表にない項を含む引用は
    書き換えず「要確認」として示します。変更箇所は事後（法改正によるもの）を提案します。
    既定では確認のみで、--apply を付けると各評価書に書き込みます（replace --apply と同じ）。
    """
    from ..organisation import replace as rp
    from ..organisation.law import rewrite_law
    from ..rules.run import parse_today
    from ..wareki import WarekiDate

    when = str(WarekiDate.from_date(guard(parse_today, date) or __import__("datetime").date.today()))
    result = guard(rp.dry_run, list(paths), rewrite_law, date=when, reason="法改正によるもの", jobs=jobs,
                   exclude=[report] if report else [], apply=apply)
    _finish(result, report, apply)


def _finish(result, report, apply: bool) -> None:
    """What replace and law-update print after their one library call: the places, the report table, the files
    that could not be read (exit 2)."""
    from ..organisation import replace as rp

    _print_places(result, apply)
    if report:
        guard(rp.write_table, result, report)
        click.echo(f"確認用の表: {report}")
    for message in result.unreadable:
        click.echo(f"エラー: {message}", err=True)
    if result.unreadable:
        sys.exit(2)


def _print_places(result, apply: bool = False) -> None:
    last = None
    for p in result.places:
        if p.file != last:
            click.echo(f"■ {p.file}")
            last = p.file
        where = f"{p.sheet}!{p.cell}" if p.sheet and p.cell else p.path
        click.echo(f"  {where}  {p.label}  （{'、'.join(p.pairs)}、{p.count}か所）  変更箇所: {p.timing or '-'}")
        if p.before != p.after:
            click.echo(f"    変更前: {' '.join(p.before.split())}")
            click.echo(f"    変更後: {' '.join(p.after.split())}")
    docs = len({p.file for p in result.places if p.before != p.after})
    changed = sum(1 for p in result.places if p.before != p.after)
    click.echo(f"合計: {result.documents}件のうち {docs}件の評価書、{changed}項目を書き換え"
               + ("ました" if apply else "ます")
               + (f"、{len(result.places) - changed}項目は要確認" if len(result.places) > changed else "")
               + ("" if apply else "（確認のみ。書き込みはしていません。書き込むには --apply）"))
    for a in result.applied:
        click.echo(f"書き込みました: {a.file}（{a.changed}項目、変更箇所 {a.rows_added}行を追加"
                   + (f"、{a.rows_skipped}行は既にあり" if a.rows_skipped else "")
                   + f"。検証: エラー {a.errors}件、警告 {a.warnings}件）")
        for note in a.notes:
            click.echo(f"注意: {a.file}: {note}", err=True)
