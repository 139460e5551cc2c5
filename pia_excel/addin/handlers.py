"""Entry points of the Excel buttons (xlwings).

The buttons of the macro-enabled templates (``macros/PiaButtons.bas``) call::

    RunPython "import pia_excel.xl; pia_excel.xl.validate()"     ' 検証
    RunPython "import pia_excel.xl; pia_excel.xl.changelog()"    ' 変更箇所を作成
    RunPython "import pia_excel.xl; pia_excel.xl.publish()"      ' 公表版として確定
    RunPython "import pia_excel.xl; pia_excel.xl.add_file()"     ' 特定個人情報ファイルを追加

Each entry point takes the calling workbook (``xw.Book.caller()``), or the ``book`` it is given (xlwings Server,
JSON books in tests), and reads what the *open* workbook shows, unsaved edits included. The work itself is done by
the library (:mod:`pia_excel.rules`, :mod:`pia_excel.rules.report`, :mod:`pia_excel.changelog`) on an in-memory copy of
the book; the changes are then written into the open book through xlwings (:class:`pia_excel.addin.book.BookEdit`),
so the buttons and the command line (``validate --in-place``, ``changelog FILE --in-place``, ``publish FILE``) give
the same result. Whatever goes wrong is shown as a short Japanese message in Excel, never as a traceback.
"""
from __future__ import annotations

import datetime as dt
import logging
import tempfile
import traceback
from pathlib import Path
from typing import Any, Callable

from ..changelog import changelog_since_baseline, load_baseline
from ..changelog import publish as publish_workbook
from ..errors import ERROR, WARNING, PiaError
from ..excel.result_sheet import FILLS, RECORD_SHEET, RESULT_SHEET
from ..rules import validate_result
from ..rules.report import annotate, counts_text
from ..wareki import WarekiDate
from .book import BookEdit, XlError, alert, confirm, is_com

__all__ = ["validate", "changelog", "publish", "add_file", "validate_book", "changelog_book", "publish_book",
           "add_file_book", "LOG_FILE"]

#: where unexpected errors are written in full (the message in Excel names this file)
LOG_FILE = Path(tempfile.gettempdir()) / "pia-excel-error.log"
TITLE = "pia-excel"

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------- entry points
def validate(book=None) -> None:
    """検証: write the 検証結果 sheet into the open workbook, highlight the cells, show a summary."""
    _run(validate_book, book)


def changelog(book=None) -> None:
    """変更箇所を作成: append the change-log rows for the changes since the published version."""
    _run(changelog_book, book)


def publish(book=None) -> None:
    """公表版として確定: store the workbook's current content as the published version (the baseline)."""
    _run(publish_book, book)


def add_file(book=None) -> None:
    """特定個人情報ファイルを追加: copy file n's sheets in the open workbook as file n+1, emptied, with their names."""
    _run(add_file_book, book)


def _caller():
    import xlwings as xw

    return xw.Book.caller()


def _run(handler: Callable[[Any], str | None], book=None) -> str | None:
    book = book if book is not None else _caller()
    try:
        message = handler(book)
    except Exception as e:  # every failure becomes a message box: staff never see a traceback
        text = _error_message(e)
        alert(book, text, TITLE, critical=True)
        return text
    if message:
        alert(book, message, TITLE)
    return message


def _error_message(e: Exception) -> str:
    if isinstance(e, PiaError):
        return str(e)
    if isinstance(e, PermissionError):
        return f"書き込めませんでした（権限がありません）: {e.filename or e}"
    try:
        with open(LOG_FILE, "a", encoding="utf-8") as fh:
            fh.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')}\n")
            fh.write("".join(traceback.format_exception(e)))
        where = f"\n詳しい内容は {LOG_FILE} に記録しました（担当者に渡してください）。"
    except OSError:
        where = ""
    return f"予期しないエラーが起きました（{type(e).__name__}: {e}）。{where}"


def _today(today: dt.date | None):
    return WarekiDate.from_date(today or dt.date.today())


# ---------------------------------------------------------------------------------------------- handlers
def validate_book(book, *, today: dt.date | None = None) -> str:
    """Validate the open book; returns the summary shown to the user."""
    edit = BookEdit(book)
    _prime_highlights(book, edit, FILLS, RECORD_SHEET, (ERROR, WARNING))
    edit.recapture()
    result = edit.read()
    report = validate_result(result, today=today)
    annotate(edit.wb, report, name=book.name)
    edit.force_fills = [(f.sheet, f.cell) for f in report.findings if f.sheet and f.cell]
    edit.commit()
    try:
        book.sheets[RESULT_SHEET].activate()
    except Exception:  # pragma: no cover - activation is a nicety
        pass
    if not report.findings:
        return f"検証しました。問題は見つかりませんでした。（{counts_text(report)}）"
    return (f"検証しました: {counts_text(report)}。\n"
            f"「{RESULT_SHEET}」シートに一覧があります（場所をクリックすると該当セルへ移動します）。\n"
            "該当セルは色付けしてあります（エラーは赤、警告は黄）。")


def _prime_highlights(book, edit: BookEdit, fills: dict, record_sheet: str, severities: tuple) -> None:
    """Cells highlighted by the last run carry our fill in the in-memory copy too, so the library's clearing
    (which only restores cells still showing its own fill) restores them in the open book."""
    if record_sheet not in edit.wb.sheetnames:
        return
    rec = edit.wb[record_sheet]
    ours = {_hex(fills[s]): fills[s] for s in severities}
    for sheet, ref, _xml in rec.iter_rows(min_row=2, max_col=3, values_only=True):
        if not sheet or not ref or sheet not in edit.wb.sheetnames:
            continue
        fill = fills[severities[0]]
        if is_com(book):  # the real colour: a cell the user recoloured since is left alone
            try:
                color = book.sheets[sheet].range(ref).color
            except Exception:
                color = None
            if color is None:
                continue
            fill = ours.get("#%02X%02X%02X" % tuple(color))
            if fill is None:
                continue
        edit.wb[sheet][ref].fill = fill


def _hex(fill) -> str:
    return "#" + fill.fgColor.rgb[-6:].upper()


def changelog_book(book, *, today: dt.date | None = None) -> str:
    """Append the change-log rows since the stored baseline; returns the summary shown to the user."""
    date = _today(today)
    edit = BookEdit(book)
    if load_baseline(edit.wb) is None:
        raise XlError("公表版がまだ確定されていません。\n"
                      "公表した時点の内容のブックで「公表版として確定」ボタンを押しておくと、"
                      "それ以降の変更をこのボタンで変更箇所に書き出せます。")
    res = changelog_since_baseline(edit.wb, date)
    edit.commit()
    a = res.appended
    if not res.proposed:
        return "公表版から変更された項目はありません。"
    try:
        book.sheets[a.sheet].activate()
    except Exception:  # pragma: no cover
        pass
    lines = [f"変更箇所に {len(a.added)} 行を追加しました（変更日 {date}）。"]
    if a.skipped:
        lines.append(f"同じ内容の行が既にあるため {len(a.skipped)} 行は追加していません。")
    if a.conflicts:
        rows = "、".join(str(r) for _, r in a.conflicts[:5])
        lines.append(f"同じ変更日・項目で内容の違う行があります（{rows}行目）。確認してください。")
    lines.append("提出時期（事前／事後）と説明は提案です。内容を確認して直してください。")
    for w in a.warnings[:3]:
        lines.append(f"注意: {w}")
    return "\n".join(lines)


def publish_book(book, *, today: dt.date | None = None) -> str | None:
    """Store the current content as the published version; 公表日 is the one in the workbook, else today."""
    edit = BookEdit(book)
    result = edit.read()
    date = result.doc.cover.kohyo_bi or _today(today)
    if not confirm(book, f"公表日を {date} として、今の内容を公表版（次回の変更箇所の比較元）として保存します。\n"
                         "よろしいですか？", TITLE):
        return None
    res = publish_workbook(edit.wb, date)
    edit.commit()
    lines = [f"今の内容を公表版として確定しました（公表日 {res.date}）。",
             "以後の変更は「変更箇所を作成」ボタンで変更箇所に書き出せます。",
             "ブックを保存してください。"]
    if res.kohyo_bi_cell is None:
        lines.insert(1, "公表日の欄が見つからないため、公表日は書き込んでいません。")
    return "\n".join(lines)


def add_file_book(book) -> str:
    """Add file n+1 to the open book (what ``pia-excel add-file`` does to a file): Excel copies the sheets of file n
    (their look, dropdowns, protection, print setup come with them), the copies are emptied as ``new --files n+1``
    leaves them (defaults, title, unused repeat slots hidden) and get file n+1's defined names; the file count is
    updated. Returns the message shown to the user."""
    from ..excel import layout as L
    from ..excel import names
    from ..excel.addfile import plan
    from ..excel.reader import OpenpyxlCells
    from ..excel.writer import _file_title, _Values
    from ..models import new_document
    from .book import _write_values, snapshot, snapshot_workbook, unprotected

    snap = snapshot(book)
    p = plan(OpenpyxlCells(snapshot_workbook(snap)), Path(snap.name))
    empty = new_document(p.form, files=p.n + 1, edition=p.edition)
    values = _Values(empty, p.layout.edition.labels)
    prev = p.after
    for old, new in zip(p.mirrors, p.sheets):
        copy = book.sheets[old].copy(after=book.sheets[prev], name=new.title)
        prev = new.title
        for pic in list(getattr(copy, "pictures", [])):  # pictures of file n are not file n+1's
            pic.delete()
        with unprotected(book, [new.title]):
            cells: dict[tuple[int, int], object] = {}
            for c in new.cells:
                if c.role == L.TITLE:
                    cells[(c.row, c.col)] = c.text + _file_title(empty, p.n + 1)
                elif c.path is not None:
                    v = values.value(new.path(c)) if c.role == L.VALUE else None
                    cells[(c.row, c.col)] = str(v) if v is not None and c.kind == "date" else v
            _write_values(copy, cells, list(cells))
            if new.rows is not None:  # the list of file n may run longer than the spare rows: emptied to its end
                last = max(copy.used_range.last_cell.row, new.rows.first_row)
                copy.range((new.rows.first_row, new.rows.name_cols[0]), (last, new.rows.name_cols[1])).clear_contents()
            for b in new.blocks:
                if b.slot > 1:
                    copy.range((b.first_row, 1), (b.last_row, 1)).rows.hidden = True
    defined = dict(p.layout.fixed_names)
    for name, rows in p.layout.range_names.items():
        defined[name] = f"{L.quote_sheet(p.layout.range_sheets[name])}!{L.absolute(rows.name_ref(rows.spare))}"
    prefix = f"{names.PREFIX}files.{p.n + 1}."
    for name, text in defined.items():
        if name.startswith(prefix):
            book.names.add(name, "=" + text)
    book.names[names.FILES_NAME].refers_to = f"={p.n + 1}"
    try:
        book.sheets[p.sheets[0].title].activate()
    except Exception:  # pragma: no cover - activation is a nicety
        pass
    return (f"特定個人情報ファイル{p.n + 1}を追加しました（{'、'.join(s.title for s in p.sheets)}）。\n"
            "ブックを保存してください。")
