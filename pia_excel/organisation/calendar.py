"""The re-assessment calendar of a folder of 評価書: for every document its 公表日, the last 評価 実施日, when the
5-year re-assessment and the yearly review are due, and for a 事務 that ended (【○年○月○日 終了】 after the
評価書名) until when its 評価書 stays published; a table sorted by the next due date (xlsx or csv) and, in the
xlsx, a chart of how many are overdue, due within 6 months, or later.

The periods (cited in ``pia-excel calendar --help`` and README):

- 再評価 5年: 特定個人情報保護評価に関する規則 第15条 — the 評価 is to be carried out again before 5 years have
  passed since the last one (the PPC's 「特定個人情報保護評価の5年経過前の再実施について」). Counted here from the
  last 評価 実施日 (基礎項目評価 or 第三者点検, whichever is later; the 公表日 when neither is written) — as rule
  R302 does.
- 見直し 1年: 特定個人情報保護評価指針 — the 評価書 is to be reviewed at least once a year (少なくとも1年に1回
  見直すよう努める). Counted from the 公表日 (the last publication, after a 評価 or a 修正).
- 終了後 3年: the forms' 記載要領 (評価書名) — when the 事務 ends, 【○年○月○日 終了】 is written after the 評価書名
  and the 評価書 stays published for at least 3 years from that day. An ended document has no re-assessment or
  review due; its next date is the end of those 3 years.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ..atomic import atomic_path
from ..batch import collect_inputs, iter_batch
from ..errors import InputError
from ..excel.tables import header_sheet, table_suffix, text_cells, write_csv
from ..rules.across import Facts, Place, ended_on, facts_of
from ..spec import FORM_NAMES
from ..storage import DATA_SUFFIXES, WORKBOOK_SUFFIXES, load
from ..wareki import WarekiDate, WarekiError

__all__ = ["CalendarResult", "CalendarRow", "COLUMNS", "REASSESS_YEARS", "REVIEW_YEARS", "PUBLISH_AFTER_END_YEARS",
           "STATES", "calendar_rows", "row_of", "write_calendar"]

#: re-assessment within 5 years of the last 評価 (規則第15条)
REASSESS_YEARS = 5
#: review of the 評価書 at least once a year (指針)
REVIEW_YEARS = 1
#: an ended 事務's 評価書 stays published at least 3 years (記載要領)
PUBLISH_AFTER_END_YEARS = 3
#: "due soon": within this many months of today
SOON_MONTHS = 6
#: the chart's categories, in order
STATES = ("期限超過", "6か月以内", "それ以降")
NO_DATE = "日付不明"

COLUMNS = ["次の期限", "次の期限（和暦）", "次の期限の内容", "状態", "残り日数", "ファイル", "様式", "評価書番号", "評価書名",
           "評価実施機関名", "公表日", "公表日（西暦）", "最終評価実施日", "最終評価実施日（西暦）", "再評価期限（5年）",
           "見直し期限（1年）", "事務の終了日", "公表継続期限（終了後3年）", "注記"]
#: columns holding a 西暦 date (written as dates in the xlsx)
DATE_COLUMNS = {"次の期限", "公表日（西暦）", "最終評価実施日（西暦）"}


def _years_later(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _months_later(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _wareki(text: str | None) -> WarekiDate | None:
    if not text:
        return None
    try:
        return WarekiDate.parse(text)
    except (WarekiError, ValueError):
        return None


def _w(d: dt.date | None) -> str:
    return str(WarekiDate.from_date(d)) if d else ""


@dataclass
class CalendarRow:
    """One document's dates (西暦 ``date`` objects; 和暦 text in :meth:`values`)."""

    file: str
    form: str
    number: str = ""
    title: str = ""
    kikan: str = ""
    kohyo: WarekiDate | None = None
    last_assessed: WarekiDate | None = None
    reassess_due: dt.date | None = None
    review_due: dt.date | None = None
    ended: WarekiDate | None = None
    publish_until: dt.date | None = None
    next_due: dt.date | None = None
    next_kind: str = ""
    state: str = NO_DATE
    days_left: int | None = None
    notes: list[str] = field(default_factory=list)

    def values(self) -> dict:
        """The row of the table, by :data:`COLUMNS` (dates as ``date``, 和暦 as text)."""
        return {"次の期限": self.next_due, "次の期限（和暦）": _w(self.next_due), "次の期限の内容": self.next_kind,
                "状態": self.state, "残り日数": self.days_left, "ファイル": self.file, "様式": FORM_NAMES[self.form],
                "評価書番号": self.number, "評価書名": self.title, "評価実施機関名": self.kikan,
                "公表日": str(self.kohyo) if self.kohyo else "",
                "公表日（西暦）": self.kohyo.to_date() if self.kohyo else None,
                "最終評価実施日": str(self.last_assessed) if self.last_assessed else "",
                "最終評価実施日（西暦）": self.last_assessed.to_date() if self.last_assessed else None,
                "再評価期限（5年）": _w(self.reassess_due), "見直し期限（1年）": _w(self.review_due),
                "事務の終了日": str(self.ended) if self.ended else "",
                "公表継続期限（終了後3年）": _w(self.publish_until), "注記": "；".join(self.notes)}


def row_of(facts: Facts, today: dt.date) -> CalendarRow:
    """The calendar row of one document's facts (see the module's docstring for the periods)."""
    text = lambda p: p.text if isinstance(p, Place) else ""  # noqa: E731
    row = CalendarRow(facts.file, facts.form, number=text(facts.number), title=text(facts.title),
                      kikan=text(facts.kikan))
    row.kohyo = _wareki(text(facts.kohyo_bi))
    if facts.kohyo_bi and row.kohyo is None:
        row.notes.append(f"公表日「{facts.kohyo_bi.text}」を日付として読めません")
    done = [d for d in (_wareki(text(facts.kiso_jisshi_bi)), _wareki(text(facts.daisansha_jisshi_bi))) if d]
    row.last_assessed = max(done, key=lambda d: d.last_date()) if done else None
    ended_text = ended_on(row.title)
    row.ended = _wareki(ended_text)
    if ended_text and row.ended is None:
        row.notes.append(f"終了日「{ended_text}」を日付として読めません")
    if row.ended is not None:
        row.publish_until = _years_later(row.ended.last_date(), PUBLISH_AFTER_END_YEARS)
        row.next_due, row.next_kind = row.publish_until, "公表継続期限（事務終了後3年）"
    else:
        base = row.last_assessed or row.kohyo
        if base is not None:
            row.reassess_due = _years_later(base.last_date(), REASSESS_YEARS)
            if row.last_assessed is None:
                row.notes.append("評価の実施日がないため公表日から数えています")
        if row.kohyo is not None:
            row.review_due = _years_later(row.kohyo.last_date(), REVIEW_YEARS)
        due = [(d, k) for d, k in ((row.review_due, "見直し（1年）"), (row.reassess_due, "再評価（5年）")) if d]
        if due:
            row.next_due, row.next_kind = min(due, key=lambda dk: dk[0])
    if row.next_due is not None:
        row.days_left = (row.next_due - today).days
        row.state = STATES[0] if row.next_due < today else (
            STATES[1] if row.next_due <= _months_later(today, SOON_MONTHS) else STATES[2])
    return row


@dataclass
class CalendarResult:
    rows: list[CalendarRow]
    unreadable: list[str]
    today: dt.date

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in (*STATES, NO_DATE)}
        for r in self.rows:
            out[r.state] += 1
        return out


def _facts(path: Path) -> Facts:
    return facts_of(load(path), str(path))


def calendar_rows(inputs: Sequence[str | os.PathLike], *, today: dt.date | None = None, jobs: int | None = None,
                  exclude: Sequence[str | os.PathLike] = (), progress=None) -> CalendarResult:
    """Read every document of ``inputs`` (files and folders) in ``jobs`` worker processes and compute its row;
    rows sorted by the next due date (documents without dates last)."""
    today = today or dt.date.today()
    found, missing = collect_inputs(inputs, WORKBOOK_SUFFIXES + DATA_SUFFIXES, exclude=exclude)
    if not found and not missing:
        raise InputError(f"{', '.join(map(str, inputs))}: 評価書のブックがありません")
    rows: list[CalendarRow] = []
    unreadable = list(missing)
    for o in iter_batch([i.path for i in found], _facts, jobs if len(found) > 1 else 1, progress):
        if o.ok:
            rows.append(row_of(o.value, today))
        else:
            unreadable.append(o.error if str(o.item) in (o.error or "") else f"{o.item}: {o.error}")
    rows.sort(key=lambda r: (r.next_due is None, r.next_due or dt.date.max, r.file))
    return CalendarResult(rows, unreadable, today)


def write_calendar(result: CalendarResult, out: str | os.PathLike) -> Path:
    """The table as ``.csv`` (UTF-8 with BOM, formula-safe cells) or ``.xlsx`` (sheet 評価の期限, and 集計 with the
    counts by state and a bar chart), written atomically."""
    out = Path(out)
    suffix = table_suffix(out)
    with atomic_path(out) as tmp:
        if suffix == ".csv":
            write_csv(tmp, COLUMNS, ([v[c].isoformat() if isinstance(v[c], dt.date) else ("" if v[c] is None else v[c])
                                      for c in COLUMNS] for v in (r.values() for r in result.rows)))
        else:
            _write_xlsx(result, tmp)
    return out


def _write_xlsx(result: CalendarResult, path: Path) -> None:
    from openpyxl import Workbook  # slow import, only for this output
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import PatternFill

    wb = Workbook()
    ws = wb.active
    widths = {"ファイル": 36, "評価書名": 36, "評価実施機関名": 18, "次の期限の内容": 24, "注記": 36}
    header_sheet(ws, "評価の期限", COLUMNS, widths, 16)
    fills = {STATES[0]: "FFC7CE", STATES[1]: "FFEB9C"}
    state_col = COLUMNS.index("状態") + 1
    for r in result.rows:
        v = r.values()
        ws.append([v[c] for c in COLUMNS])
        row = ws.max_row
        for i, c in enumerate(COLUMNS, start=1):
            if c in DATE_COLUMNS and v[c] is not None:
                ws.cell(row, i).number_format = "yyyy-mm-dd"
        if r.state in fills:
            ws.cell(row, state_col).fill = PatternFill("solid", fgColor=fills[r.state])
    ws.auto_filter.ref = ws.dimensions
    text_cells(ws)  # text stays text, never a formula

    summary = wb.create_sheet("集計")
    summary.append(["状態", "件数"])
    counts = result.counts()
    for s in STATES:
        summary.append([s, counts[s]])
    summary.append([NO_DATE, counts[NO_DATE]])
    summary.append([])
    summary.append(["基準日", result.today])
    summary.cell(summary.max_row, 2).number_format = "yyyy-mm-dd"
    summary.append(["基準日（和暦）", _w(result.today)])
    summary.column_dimensions["A"].width = 18
    summary.column_dimensions["B"].width = 14
    text_cells(summary)
    chart = BarChart()
    chart.type = "col"
    chart.title = "再評価・見直しの期限"
    chart.y_axis.title = "評価書の数"
    chart.x_axis.title = f"基準日 {_w(result.today)}"
    chart.legend = None
    chart.add_data(Reference(summary, min_col=2, min_row=1, max_row=1 + len(STATES)), titles_from_data=True)
    chart.set_categories(Reference(summary, min_col=1, min_row=2, max_row=1 + len(STATES)))
    chart.width, chart.height = 16, 8
    summary.add_chart(chart, "D2")
    for sheet in (ws, summary):  # A4 landscape, one page wide
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "1:1"
    wb.save(path)

