"""Look of the generated workbooks: fonts, borders, fills, column widths, row-height estimates."""
from __future__ import annotations

import math
import unicodedata

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

#: Japanese font set explicitly on every cell (renderers substitute a serif font otherwise).
#: MS ゴシック ships with every Windows; LibreOffice maps it to Noto Sans CJK JP on Linux.
FONT_NAME = "ＭＳ ゴシック"
FONT_SIZE = 9

#: columns: A label, B sub-label, C mark / value start, D value, E ＜選択肢＞ / detail
COLUMN_WIDTHS = {"A": 22.0, "B": 20.0, "C": 6.0, "D": 44.0, "E": 30.0}
#: 変更箇所 sheet: 変更日, 項目, 変更前の記載, 変更後の記載, 提出時期, 提出時期に係る説明
TABLE_WIDTHS = {"A": 13.0, "B": 24.0, "C": 30.0, "D": 30.0, "E": 7.0, "F": 22.0}
#: column F of the form sheets: hints for the screen (not printed)
SCREEN_WIDTH = 34.0

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
NO_TOP = Border(left=_thin, right=_thin, bottom=_thin)

FONT = Font(name=FONT_NAME, size=FONT_SIZE)
BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
TITLE = Font(name=FONT_NAME, size=14, bold=True)
SECTION = Font(name=FONT_NAME, size=11, bold=True)
SMALL = Font(name=FONT_NAME, size=8)
HINT_FONT = Font(name=FONT_NAME, size=9, color="595959")

LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
HEADING_FILL = PatternFill("solid", fgColor="D9E1F2")
GROUP_FILL = PatternFill("solid", fgColor="E7E6E6")
INPUT_FILL = PatternFill("solid", fgColor="FFFFFF")

WRAP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
CENTER = Alignment(horizontal="center", vertical="center")

LOCKED = Protection(locked=True)
UNLOCKED = Protection(locked=False)

#: number formats that print the published look
CHOICE_FORMAT = '"[ "@" ]"'
MARK_FORMAT = "@"
DETAIL_FORMAT = '"（ "@" ）"'
COUNT_FORMAT = '"（ "0" ）件"'
TEXT_FORMAT = "@"

LINE_HEIGHT = 12.0  # points per line at FONT_SIZE
MIN_HEIGHT = 15.0
MAX_HEIGHT = 409.0  # Excel's limit


def text_width(s: str) -> int:
    """Display width in half-width units: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in s)


def lines_needed(text: str, width_chars: float) -> int:
    """Lines a wrapped cell of ``width_chars`` (Excel width units) needs for ``text``."""
    usable = max(width_chars - 1.0, 4.0)
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in str(text).split("\n"))


def row_height(lines: int) -> float:
    return min(MAX_HEIGHT, max(MIN_HEIGHT, lines * LINE_HEIGHT + 3))
