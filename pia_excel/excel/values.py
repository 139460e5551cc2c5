"""Cell values as the model wants them (text, ＜選択肢＞, counts, 和暦 dates), and what reading a workbook gives
(:class:`ReadResult`). Shared by the reader by defined names (``reader``) and by printed labels (``bylabel``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Issue
from ..models import Document
from ..spec import Item
from ..spec.text import XML_ILLEGAL, count_value, date_value, match_choice, nfkc, text_value
from ..wareki import WarekiDate

MAX_CELL = 32767
#: control characters Excel cannot hold in a cell (the same set as openpyxl's, which refuses to write them)
ILLEGAL_CHARACTERS_RE = XML_ILLEGAL
#: codes of the rules that report reader notices (rules/typecheck.py): a mark that is neither ○ nor a "no" mark,
#: anything else noticed. Invalid values carry no code: the rules file them by the kind of item (R001-R005).
ODD_MARK_CODE = "R004"
NOTICE_CODE = "R006"
#: the marks that tick a ○ cell: ○ and its look-alikes (compared after NFKC and without spaces)
TICK_MARKS = frozenset({"○", "〇", "◯"})
#: the marks staff write for "no": the cell is not ticked (full and half width alike)
UNTICK_MARKS = frozenset(nfkc(m) for m in (
    "×", "✕", "✖", "╳", "-", "－", "‐", "−", "–", "—", "―", "ー", "ｰ", "なし", "ナシ", "ﾅｼ", "無", "0", "０"))
#: what :func:`mark_state` says of a ○ cell
TICKED, UNTICKED, INVALID_MARK = "ticked", "unticked", "invalid"


def mark_state(text: str | None) -> str | None:
    """What a ○ cell's text means: ``TICKED`` (○ 〇 ◯), ``UNTICKED`` (a "no" mark such as ×, -, なし, 0),
    ``INVALID_MARK`` (anything else: ✔, 1, TRUE, レ, x … is never counted as a tick) or ``None`` (empty)."""
    if text is None:
        return None
    mark = "".join(nfkc(text).split())
    if not mark:
        return None
    if mark in TICK_MARKS:
        return TICKED
    if mark in UNTICK_MARKS:
        return UNTICKED
    return INVALID_MARK


def odd_mark_message(mark: str) -> str:
    """The reader's notice for a ○ cell holding an :data:`INVALID_MARK`."""
    return f"チェック欄の値 {mark!r} は○として扱いません（該当する場合は○、該当しない場合は空欄にしてください）"


@dataclass
class ReadResult:
    doc: Document
    issues: list[Issue] = field(default_factory=list)
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # instance path (+option suffix) → (sheet, ref)
    source: Path | None = None

    def cell_of(self, path: str) -> tuple[str, str] | None:
        """Sheet and cell of an item path (first option cell for checkboxes, first row for tables)."""
        if path in self.cells:
            return self.cells[path]
        for suffix in (".o1", "[1]"):
            if path + suffix in self.cells:
                return self.cells[path + suffix]
        return None


def cell_text(v: Any) -> str | None:
    """A cell's value as text (:func:`~pia_excel.spec.text.text_value`, the models' normalisation)."""
    t = text_value(v)
    return t if t is None or isinstance(t, str) else str(t)


def cell_choice(v: Any, item: Item, edition_labels: dict) -> Any:
    """A choice cell: the ＜選択肢＞ it means (:func:`~pia_excel.spec.text.match_choice`), else its text."""
    text = cell_text(v)
    if text is None:
        return None
    return match_choice(text, item.choices, {edition_labels[c]: c for c in item.choices if c in edition_labels})


def cell_count(v: Any) -> Any:
    """A count cell: an int, else its text (:func:`~pia_excel.spec.text.count_value`)."""
    return count_value(v)


def excel_date_notice(v: Any) -> str | None:
    """The reader's notice for a date cell that holds an Excel date (shown and printed in 西暦), or None."""
    if isinstance(v, (dt.datetime, dt.date)):
        return (f"Excelの日付（西暦表示）として入力されています。和暦「{WarekiDate.from_date(v)}」として読みました"
                "（和暦の文字で入力してください）")
    return None


def cell_date(v: Any) -> Any:
    """A date cell: an Excel date as 和暦 text, else its text (:func:`~pia_excel.spec.text.date_value`)."""
    return date_value(v)
