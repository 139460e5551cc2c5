"""Look of the generated workbooks: fonts, borders, fills, column widths, row-height estimates."""
from __future__ import annotations

import math
import unicodedata

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

#: Japanese font set explicitly on every cell (renderers substitute a serif font otherwise).
#: MS ゴシック ships with every Windows; LibreOffice maps it to Noto Sans CJK JP on Linux.
FONT_NAME = "ＭＳ ゴシック"
FONT_SIZE = 10

#: Printed straight from Excel or LibreOffice, a sheet is fitted to the width of A4 portrait (538 pt between
#: the margins). A column unit is 5.25 pt in Excel (Calibri, the default font) but 7.1 pt in LibreOffice where
#: Calibri is missing (measured: DejaVu Sans stands in on Linux), so the sheets are at most 80 units wide:
#: 10 pt text prints at 10 pt in Excel and at ≥ 9.4 pt in LibreOffice (122 units printed 9 pt text at 5.6 pt).
PRINT_WIDTH_UNITS = 80.0
#: columns: A label, B sub-label, C mark / value start, D value, E ＜選択肢＞ / detail
COLUMN_WIDTHS = {"A": 15.0, "B": 13.5, "C": 4.5, "D": 28.0, "E": 19.0}
#: 変更箇所 sheet: 変更日, 項目, 変更前の記載, 変更後の記載, 提出時期, 提出時期に係る説明
TABLE_WIDTHS = {"A": 9.0, "B": 15.0, "C": 19.0, "D": 19.0, "E": 5.0, "F": 13.0}
#: column F of the form sheets: hints for the screen (not printed)
SCREEN_WIDTH = 34.0

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
NO_TOP = Border(left=_thin, right=_thin, bottom=_thin)

FONT = Font(name=FONT_NAME, size=FONT_SIZE)
BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
TITLE = Font(name=FONT_NAME, size=14, bold=True)
SECTION = Font(name=FONT_NAME, size=11, bold=True)
SMALL = Font(name=FONT_NAME, size=FONT_SIZE)  # the ＜選択肢＞ lists: printed, so not smaller than the text
HINT_FONT = Font(name=FONT_NAME, size=FONT_SIZE, color="595959")

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

#: points per line at FONT_SIZE: LibreOffice's pitch (Noto Sans CJK, 1.448 em); Excel's ＭＳ ゴシック needs less
LINE_HEIGHT = 14.5
ROW_PAD = 4.0  # above the first and below the last line
MIN_HEIGHT = 15.0
MAX_HEIGHT = 409.0  # Excel's limit


def text_width(s: str) -> int:
    """Display width in half-width units: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in s)


def lines_needed(text: str, width_chars: float, size: float = FONT_SIZE) -> int:
    """Lines a wrapped cell of ``width_chars`` (Excel width units) needs for ``text`` in ``size`` points: a
    full-width character of 10 pt takes 2 units (1.9 in Excel, 1.4 in LibreOffice without Calibri)."""
    usable = max(width_chars - 1.0, 4.0) * 0.95 * FONT_SIZE / size  # 5 % spare: Latin glyphs vary
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in str(text).split("\n"))


def row_height(lines: int, size: float = FONT_SIZE) -> float:
    """Height of ``lines`` lines of ``size`` points, rounded up to whole pixels (as LibreOffice draws rows)."""
    h = lines * LINE_HEIGHT * size / FONT_SIZE + ROW_PAD
    return min(MAX_HEIGHT, max(MIN_HEIGHT, math.ceil(h / 0.75) * 0.75))
