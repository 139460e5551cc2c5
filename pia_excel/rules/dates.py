"""R301–R302: 和暦 dates in order and not too old. (Dates that are not valid 和暦 at all are R002.)"""
from __future__ import annotations

import datetime as dt
from typing import Iterator

from ..spec.requirements import REASSESS_YEARS, dates_before_kohyo
from ..wareki import WarekiDate
from .engine import WARNING, ERROR, Context, Hit, rule


def definitely_after(a: WarekiDate, b: WarekiDate) -> bool:
    """``a`` is later than ``b`` whatever days their month/year precision stands for."""
    return a.to_date() > b.last_date()


@rule("R301", ERROR, "日付の前後関係が誤っている（実施日・変更日が公表日より後）",
      "{label}（{date}）が公表日（{kohyo}）より後になっています", reads=("cover.kohyo_bi", "role:kiso_jisshi_bi",
                                                              "role:daisansha_jisshi_bi", "VI.ppc_teishutsu_bi",
                                                              "cover.ppc_shonin_bi", "role:changes"))
def dates_after_kohyo(ctx: Context) -> Iterator[Hit]:
    """変更日, 基礎項目評価 実施日, 第三者点検 実施日 (and for 全項目 the 個人情報保護委員会 提出日/承認日) are not
    later than the 公表日. Late 変更日 are reported once, at the first late row."""
    kohyo = ctx.doc.cover.kohyo_bi
    if kohyo is None:
        return
    for path, label in dates_before_kohyo(ctx.form):
        d = ctx.value(path)
        if isinstance(d, WarekiDate) and definitely_after(d, kohyo):
            yield Hit(path, {"label": label, "date": str(d), "kohyo": str(kohyo)})
    # change-log rows: one finding at the first late row (a stale 公表日 makes them all late)
    table, rows = ctx.changes()
    late = [(n, r.date) for n, r in enumerate(rows, start=1)
            if r.date is not None and definitely_after(r.date, kohyo)]
    if late:
        n, d = late[0]
        label = f"変更箇所 {n}行目の変更日" if len(late) == 1 else f"変更箇所 {n}行目ほか{len(late) - 1}行の変更日"
        yield Hit(f"{table}[{n}].date", {"label": label, "date": str(d), "kohyo": str(kohyo)})


def _years_later(d: dt.date, years: int) -> dt.date:
    if d.year + years > dt.MAXYEAR:  # 令和7981年: never due
        return dt.date.max
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


@rule("R302", WARNING, "前回の評価から5年以上経過（再評価の時期）",
      "{label}（{date}）から{years}年以上経過しています（{today}時点）。再評価（評価の再実施）を検討してください",
      reads=("cover.kohyo_bi", "role:kiso_jisshi_bi", "role:daisansha_jisshi_bi"))
def reassessment_due(ctx: Context) -> Iterator[Hit]:
    """The 公表日, and the last 実施日 (基礎項目評価 or 第三者点検), are less than 5 years before today (today is
    injectable for tests: ``validate(..., today=…)``, CLI ``--today``)."""
    today = ctx.today
    candidates = [("cover.kohyo_bi", "公表日")]
    jisshi = [(p, lbl) for p, lbl in dates_before_kohyo(ctx.form)[:2] if isinstance(ctx.value(p), WarekiDate)]
    if jisshi:
        candidates.append(max(jisshi, key=lambda pl: ctx.value(pl[0]).last_date()))
    for path, label in candidates:
        d = ctx.value(path)
        if isinstance(d, WarekiDate) and _years_later(d.last_date(), REASSESS_YEARS) < today:
            yield Hit(path, {"label": label, "date": str(d), "years": REASSESS_YEARS,
                             "today": str(WarekiDate.from_date(today))})
