"""Print-ready PDF of a 評価書: our workbook, laid out for paper, rendered by headless LibreOffice.

The document is first written by our writer (``build_workbook``); a *print copy* of that workbook is then
adjusted for paper and converted with :func:`pia_excel.pdf.render.to_pdf`; what each cell is (a choice, a mark,
an input hint, a heading, a group row, the list or table rows) comes from the layout (``excel/layout.py``).
The copy is never read back, so it may change anything that only matters on screen:

- one font that the install script guarantees (Noto Sans CJK JP), so the text metrics below are the ones
  LibreOffice really uses (``ＭＳ ゴシック`` falls back to a mix of DejaVu Sans and Noto glyphs on Linux, or to
  IPA fonts where those are installed);
- narrower columns and an explicit scale, so 9 pt text prints at about 8.3 pt on A4 instead of 5.7 pt;
- row heights from a line-wrapping model measured against LibreOffice (the writer's estimate is for Excel and
  cuts text off in LibreOffice, and no row can be taller than 409 pt);
- a text too tall for one row is continued in further rows (no borders between them), so nothing is cut off
  and pages can break inside it;
- the published look: "[ 値 ]" for choices, "[ ○ ]" / "[ 　 ]" for checkboxes (two or three to a line), "（ 詳細 ）" and "（ 3 ）件";
  input hints ("例：令和7年2月25日") dropped;
- unused repeat slots and the spare rows kept for typing in the list and change-log sheets hidden (hidden rows
  do not print: no blank pages); the group rows ("委託事項6～10") print, empty, as on the published form;
- explicit page breaks: every sheet (part) starts a page, a heading never ends a page, and a block under a
  heading (a システム/委託事項/提供先 slot, a リスク block) that fits on one page is not split;
- the user's drawn shapes (which openpyxl's save drops) copied back into the saved copy at package level, on the
  rows they were drawn over;
- the document information LibreOffice writes into the PDF: title = 評価書名, author = 評価実施機関名.
"""
from __future__ import annotations

import math
import os
import re
import shutil
import tempfile
import unicodedata
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Border, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.worksheet import Worksheet

from .. import storage
from ..atomic import atomic_path, check_writable
from ..errors import Issue, RenderError, UnfinishedError
from ..excel import layout as L
from ..excel.package import DrawnShapes, Package, PackageError, drawn_shapes
from ..excel.styles import FONT_SIZE
from ..excel.writer import build_workbook
from ..models import Document
from ..rules import validate, validate_result
from ..rules.wording import MARKER_CODE
from .render import pdf_page_count, to_pdf

__all__ = ["DRAFT_MARK", "PdfResult", "PdfTask", "PrintPlan", "build_print_workbook", "check_finished", "pdf_one", "wrap",
           "write_pdf"]

#: what every page of a draft PDF carries (``pdf --draft``: a document that still has markers for its author)
DRAFT_MARK = "下書き"

#: the font of the print copy: installed by scripts/install_system_deps.sh (fonts-noto-cjk)
PRINT_FONT = "Noto Sans CJK JP"
#: the size of the text in the print copy (the workbook's FONT_SIZE text is printed at this size)
TEXT_SIZE = 9.0
#: width of one Excel column unit in points when the workbook's default font is PRINT_FONT 11 pt (measured)
UNIT_PT = 6.1
#: inner padding of a cell (left + right), points
CELL_PAD = 2.6
#: line pitch of PRINT_FONT in em (ascender + descender of Noto Sans CJK)
LINE_EM = 1.448
#: space above the first and below the last line of a cell, points
ROW_PAD = 3.75
MIN_ROW = 15.0
#: a cell taller than this is continued in further rows (Excel's and LibreOffice's limit is 409 pt); in the
#: change-log table only when it must be, so that 変更前 and 変更後 side by side stay in one row
CHUNK_MAX = 260.0
TABLE_CHUNK_MAX = 400.0

A4_WIDTH, A4_HEIGHT = 595.3, 841.9
MARGIN_LR, MARGIN_TB = 0.4, 0.6  # inches, as the writer sets them
#: distance of the header and footer from the paper's edge, inches
HEADER_FOOTER = 0.2
#: keep a block under a heading together when it takes at most this share of a page
KEEP_SHARE = 0.6
#: LibreOffice draws row heights in whole 1/96 inch pixels: heights are rounded up to them
PIXEL = 0.75

#: print column widths: the form sheets (label, sub-label, mark, value, ＜選択肢＞) and the change-log table
FORM_COLUMNS = {"A": 19.0, "B": 17.0, "C": 5.0, "D": 32.0, "E": 22.0}
TABLE_COLUMNS = {"A": 12.5, "B": 17.0, "C": 22.0, "D": 22.0, "E": 5.5, "F": 16.0}

_EMPTY_MARK = "[ 　 ]"  # as wide as "[ ○ ]", so options line up in columns
_EMPTY_CHOICE = "[　　　]"
_EMPTY_DETAIL = "（　　）"
#: how the 記録項目 entries are joined into the published paragraph, per form: 重点 "1. 個人番号、2. …" (seed 001),
#: 全項目 one entry a line (seeds 002, 004)
LIST_JOIN = {"juten": "、", "zenkomoku": "\n"}
#: rows a block under them is kept with on a page
_HEADING_ROLES = frozenset({L.TITLE, L.HEADING, L.GROUP_ROW, L.BLOCK_HEADER})


# ---------------------------------------------------------------------------------------------- metrics
_NARROW = set("iljI.,:;'|!`")
_WIDE_LATIN = set("mwMW@%&")


def char_em(ch: str) -> float:
    """Advance width of ``ch`` in em in PRINT_FONT (measured; slightly generous)."""
    eaw = unicodedata.east_asian_width(ch)
    if eaw in "WFA":
        return 1.0
    if eaw == "H":
        return 0.5
    if ch == " ":
        return 0.23
    if ch.isdigit():
        return 0.56
    if ch in _NARROW:
        return 0.28
    if ch in _WIDE_LATIN:
        return 0.9
    if ch.isupper():
        return 0.68
    if ch.isalpha():
        return 0.53
    return 0.45


#: characters that may not begin a line (LibreOffice's Japanese line-breaking rules move the one before along)
_NO_START = set("、。，．,.・：；:;？！?!゛゜ヽヾゝゞ々ー）］｝」』〕〉》】’”)]}%‰℃ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
#: characters that may not end a line
_NO_END = set("（［｛「『〔〈《【‘“([{")


def _tokens(line: str) -> list[str]:
    """Break opportunities: every CJK character alone, runs of other non-space characters as words, spaces."""
    out: list[str] = []
    word = ""
    for ch in line:
        if ch == " " or unicodedata.east_asian_width(ch) in "WFA":
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        else:
            word += ch
    if word:
        out.append(word)
    return out


def wrap(text: str, width_pt: float, size: float = 9.0, bold: bool = False) -> list[str]:
    """The lines LibreOffice breaks ``text`` into in a wrapped cell ``width_pt`` wide (greedy, kinsoku-aware)."""
    return [line for line, _ in wrap_marked(text, width_pt, size, bold)]


def wrap_marked(text: str, width_pt: float, size: float = 9.0, bold: bool = False) -> list[tuple[str, bool]]:
    """Like :func:`wrap`, each line with True where a paragraph (a source line) ends. The lines of a paragraph
    joined with "" give the paragraph back exactly."""
    scale = size * (1.04 if bold else 1.0)
    usable = max(width_pt - CELL_PAD, size) * 0.985
    out: list[tuple[str, bool]] = []
    for para in str(text).split("\n"):
        lines: list[str] = []
        cur, w = "", 0.0
        for tok in _tokens(para):
            tw = sum(char_em(c) for c in tok) * scale
            if tok == " " or w + tw <= usable:
                cur += tok
                w += tw
                continue
            if not cur.strip():  # a word longer than a line: broken by characters
                for ch in tok:
                    cw = char_em(ch) * scale
                    if w + cw > usable and cur.strip():
                        lines.append(cur)
                        cur, w = "", 0.0
                    cur += ch
                    w += cw
                continue
            # the token starts a new line; kinsoku: characters that may not begin or end a line move along
            keep = len(cur)
            # the next line may not start with 、。）… : characters move along until it does not
            while keep > 1 and (cur[keep] if keep < len(cur) else tok[0]) in _NO_START:
                keep -= 1
            while keep > 1 and cur[keep - 1] in _NO_END:
                keep -= 1
            lines.append(cur[:keep])
            cur = cur[keep:] + tok
            w = sum(char_em(c) for c in cur) * scale
        lines.append(cur)
        out += [(line, i == len(lines) - 1) for i, line in enumerate(lines)]
    return out


def text_width(text: str, size: float = 9.0, bold: bool = False) -> float:
    return sum(char_em(c) for c in text) * size * (1.04 if bold else 1.0)


def _columns(entries: list[tuple[bool, str]], width_pt: float, size: float, bold: bool) -> str:
    """Checkbox options laid out in 3 or 2 columns (the most that most of them fit), padded to the columns with
    spaces measured as :func:`wrap` measures; an option too wide for a column takes a line of its own; a group
    line (``True``) is a line of its own. Lines are joined with newlines."""
    usable = (width_pt - CELL_PAD) * 0.985
    gap = size / 2  # at least half an em between columns
    options = [t for g, t in entries if not g]
    n = 1
    for cols in (3, 2):
        fit = [t for t in options if text_width(t, size, bold) <= usable / cols - gap]
        if len(fit) >= 0.75 * len(options):
            n = cols
            break
    col_w = usable / n
    lines: list[str] = []
    cur: list[str] = []

    def flush() -> None:
        if not cur:
            return
        line = ""
        for i, t in enumerate(cur):
            line += t
            if i < len(cur) - 1:  # pad to the next column: ideographic spaces, then spaces
                room = (i + 1) * col_w - text_width(line, size, bold)
                line += "\u3000" * int(room // size)
                line += " " * int((room % size) // (char_em(" ") * size))
        lines.append(line)
        cur.clear()

    for group, t in entries:
        if group or text_width(t, size, bold) > col_w - gap:
            flush()
            lines.append(t)
            continue
        cur.append(t)
        if len(cur) == n:
            flush()
    flush()
    return "\n".join(lines)


def pitch(size: float) -> float:
    """Distance between two lines of text of ``size`` points."""
    return size * LINE_EM


def text_height(lines: int, size: float) -> float:
    return lines * pitch(size) + ROW_PAD


def _px(h: float) -> float:
    """Round up to LibreOffice's whole pixels (it draws a 10 pt row 9.75 pt high)."""
    return math.ceil(h / PIXEL - 1e-6) * PIXEL


def _join(chunk: list[tuple[str, bool]]) -> str:
    """The text of a run of wrapped lines, each line ended by a line break: LibreOffice breaks the lines where
    :func:`wrap` does, with the Japanese rules (kinsoku) it does not apply itself to cells read from a workbook
    (no line starting with 、。）」, none ending with （「)."""
    out = []
    for i, (line, para_end) in enumerate(chunk):
        if i and not chunk[i - 1][1]:
            line = line.lstrip(" ")  # a space at a soft wrap is not printed
        out.append(line if para_end else line.rstrip(" "))
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- results
@dataclass
class SheetPlan:
    title: str
    scale: int
    pages: int
    breaks: list[int] = field(default_factory=list)  # rows after which a page ends
    #: row of the workbook → its row in the print copy (continuation and heading rows were inserted), 1-based
    rows: dict[int, int] = field(default_factory=dict)
    #: how far rows after the last mapped one moved
    shift: int = 0

    def row_of(self, row0: int) -> int:
        """The print copy's row (0-based, as drawing anchors count) of the workbook's row ``row0`` (0-based)."""
        return self.rows.get(row0 + 1, row0 + 1 + self.shift) - 1


@dataclass
class PrintPlan:
    """What the print copy looks like: per printed sheet its scale and the pages it should take."""

    sheets: list[SheetPlan] = field(default_factory=list)
    problems: list[Issue] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return sum(s.pages for s in self.sheets)


# ---------------------------------------------------------------------------------------------- the print copy
def print_order(layout: L.Layout) -> list[L.Sheet]:
    """The layout's sheets in the published order: the parts of the 特定個人情報ファイル part by part
    (Ⅱ(1…n), then 別添(1…n), then Ⅲ(1…n)), as the published documents and the cover's 項目一覧 run."""
    out: list[L.Sheet] = []
    per_file: dict[str, list[L.Sheet]] = {}
    for sheet in layout.sheets:
        if sheet.file_no is None:
            out.append(sheet)
            continue
        key = sheet.part.section.key
        if not per_file:
            out.append(None)  # type: ignore[arg-type] - where the files' parts go
        per_file.setdefault(key, []).append(sheet)
    at = out.index(None) if None in out else len(out)  # type: ignore[arg-type]
    return out[:at] + [s for sheets in per_file.values() for s in sheets] + out[at + 1:]


def user_workbook(result, src: Path) -> Workbook | None:
    """The user's own workbook ``src`` (read into ``result``) opened for a print copy, when it is laid out as our
    writer lays it out (every cell the reader took is where the layout puts it, every part's sheet is there);
    None otherwise (a workbook read by its labels, or one whose rows were moved), which is then printed from a
    workbook our writer builds from the data."""
    if src.suffix.lower() not in storage.WORKBOOK_SUFFIXES:
        return None
    lay = L.layout_of(result.doc)
    cells = lay.cells
    if not result.cells or any(cells.get(p) != v for p, v in result.cells.items()):
        return None
    wb = _load_fast(src)
    if not {s.title for s in lay.sheets} <= set(wb.sheetnames):
        return None
    return wb


def _load_fast(src: Path) -> Workbook:
    """openpyxl's ``load_workbook`` without its redistribution of a merged range's borders over its covered cells
    (quadratic in the number of styles: 15 s for a 全項目 workbook; the covered cells keep the borders the file
    gives them, which is what Excel and LibreOffice draw anyway)."""
    from openpyxl import load_workbook
    from openpyxl.worksheet.merge import MergedCellRange

    def start_cell_only(self) -> None:
        self.start_cell = self.ws._cells.get((self.min_row, self.min_col)) or self.ws.cell(self.min_row,
                                                                                           self.min_col)

    saved = Worksheet._clean_merge_range, MergedCellRange._get_borders
    Worksheet._clean_merge_range = lambda self, mcr: None
    MergedCellRange._get_borders = start_cell_only
    try:
        return load_workbook(src, rich_text=False, keep_links=False)
    finally:
        Worksheet._clean_merge_range, MergedCellRange._get_borders = saved


def build_print_workbook(doc: Document, *, draft: bool = False, workbook: Workbook | None = None
                         ) -> tuple[Workbook, PrintPlan]:
    """A print copy of ``workbook`` (the user's, see :func:`user_workbook`: its pictures and formatting kept) or
    else of our workbook of ``doc``, adjusted for printing (see the module docstring), its sheets in the
    published order (:func:`print_order`); sheets that are not parts of the form do not print. ``draft``: every
    page carries :data:`DRAFT_MARK` in its header."""
    if workbook is None:
        wb, problems = build_workbook(doc)
    else:
        wb, problems = workbook, []
    plan = PrintPlan(problems=list(problems))
    _use_text_size(wb)
    order = print_order(L.layout_of(doc))
    for sheet in order:
        ws = wb[sheet.title]
        plan.sheets.append(_SheetLayout(ws, sheet, doc.form).run())
        if sheet.print_area:  # the copy has continuation rows: the form's columns, down to the last row
            ws.print_area = f"A1:{get_column_letter(sheet.columns)}{ws.max_row}"
    printed = [wb[s.title] for s in order]
    for ws in wb.worksheets:
        if ws not in printed:
            ws.sheet_state = "hidden"
    wb._sheets = printed + [ws for ws in wb._sheets if ws not in printed]
    wb.active = 0
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is printed[0]
    if draft:
        for ws in wb.worksheets:
            for header in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
                header.right.text = DRAFT_MARK
                header.right.size = 14
    # the print copy is never read back: its names and dropdowns would only point at moved cells
    for name in list(wb.defined_names):
        del wb.defined_names[name]
    for ws in wb.worksheets:
        ws.defined_names.clear()
    _use_print_font(wb)
    _set_properties(wb, doc)
    return wb, plan


def _set_properties(wb: Workbook, doc: Document) -> None:
    """What LibreOffice puts into the PDF's document information: title = 評価書名, author = 評価実施機関名 (the
    form's title and no author where the document leaves them empty). LibreOffice adds one bookmark per printed
    sheet, titled with the sheet's name (the layout's part names), pointing at the sheet's first page."""
    cover = doc.cover
    wb.properties.title = (cover.hyokasho_mei or "").strip() or L.layout_of(doc).spec.title
    wb.properties.creator = (cover.hyoka_jisshi_kikan_mei or "").strip() or None
    wb.properties.lastModifiedBy = None


def _use_text_size(wb: Workbook) -> None:
    """The copy's metrics and page plan are for 9 pt text; the workbook's text is larger (10 pt) so that it
    prints at 9 pt or more straight from Excel or LibreOffice, where the whole sheet is fitted to the page."""
    fonts = []
    for f in wb._fonts:
        g = copy(f)
        if g.sz == FONT_SIZE:
            g.sz = TEXT_SIZE
        fonts.append(g)
    wb._fonts = IndexedList(fonts)


def _use_print_font(wb: Workbook) -> None:
    fonts = []
    for f in wb._fonts:
        g = copy(f)
        g.name = PRINT_FONT
        g.charset = None
        g.scheme = None
        fonts.append(g)
    wb._fonts = IndexedList(fonts)
    wb._named_styles["Normal"].font = Font(name=PRINT_FONT, size=11)


def _font(cell) -> tuple[float, bool]:
    f = cell.font
    return float(f.sz or 11), bool(f.b)


class _SheetLayout:
    def __init__(self, ws: Worksheet, sheet: L.Sheet, form: str = ""):
        self.ws = ws
        self.form = form
        self.sheet = sheet
        self.table = sheet.is_table  # the change-log table (6 columns)
        self.list = sheet.is_list  # the 記録項目 annex: one entry per row in B
        #: rows (as written) of headings, group rows and repeat block headers
        self.headings = {c.row for c in sheet.cells if c.col == 1 and c.role in _HEADING_ROLES and c.text}
        self.widths = TABLE_COLUMNS if self.table else FORM_COLUMNS
        self.chunk_max = TABLE_CHUNK_MAX if self.table else CHUNK_MAX
        self.n_rows = ws.max_row
        #: rows of numbered items with a value → (their heading text, its style), see published_look
        self.numbered: dict[int, tuple[str, Any]] = {}

    def run(self) -> SheetPlan:
        ws = self.ws
        for col, w in self.widths.items():
            ws.column_dimensions[col].width = w
        ws.data_validations.dataValidation = []
        self.published_look()
        self.pack_options()
        self.hide_unused()
        if self.list:
            self.list_as_paragraph()
        old_rows = ws.max_row
        self.reflow()
        plan = self.paginate()
        plan.rows, plan.shift = dict(self.first), self.n_rows - old_rows
        return plan

    def _value(self, row: int, col: int = 1) -> Any:
        cell = self.ws._cells.get((row, col))
        return None if cell is None else cell.value

    # ---------------------------------------------------------------- values as published
    def published_look(self) -> None:
        ws = self.ws
        merges = {(rng.min_row, rng.min_col): rng for rng in ws.merged_cells.ranges}
        dropped, added = [], []
        for c, cell in self._look_cells():
            role = c.role
            v = cell.value
            filled = v not in (None, "")
            if role == L.MARK_CELL:
                # only a real tick prints as ticked: an unreadable mark kept by the writer (✔, 1 …) prints empty
                cell.value = f"[ {L.MARK} ]" if v == L.MARK else _EMPTY_MARK
            elif role == L.VALUE and c.kind == "choice":
                cell.value = f"[ {v} ]" if filled else _EMPTY_CHOICE
            elif role == L.DETAIL:
                cell.value = f"（ {v} ）" if filled else _EMPTY_DETAIL
            elif role in (L.COUNT, L.OPTION_COUNT):
                cell.value = f"（ {v} ）件" if filled else "（　 ）件"
                rng = merges.get((c.row, c.col + 1))
                if role == L.COUNT and rng is not None:
                    # an item's count row: the input hint beside the count goes, the count takes its place
                    ws._cells[(c.row, c.col + 1)].value = None
                    dropped.append(rng)
                    added.append(f"{L.ref(c.row, c.col)}:{get_column_letter(rng.max_col)}{c.row}")
            elif role == L.HINT:
                cell.value = None
                continue
            else:
                continue
            cell.number_format = "@"
            cell.data_type = "s"
        # a numbered item with a value ("3. 特定個人情報ファイル名"): its label becomes a heading row of its own
        # (inserted by _insert_rows) and its value the full-width row under it, as published
        heading_style = next((ws.cell(c.row, c.col)._style for c in self.sheet.cells if c.role == L.HEADING), None)
        labels = {c.row: c for c in self.sheet.cells if c.role == L.LABEL and c.col == 1 and c.last_col == 2}
        for c in self.sheet.cells:
            if (c.role != L.VALUE or c.col != 3 or c.kind != "text" or c.item is None
                    or not (c.item.no or "").endswith((".", "．")) or c.row not in labels or heading_style is None):
                continue
            r = c.row
            value = ws.cell(r, 3)
            label = ws.cell(r, 1)
            self.numbered[r] = (c.item.printed, copy(heading_style))
            for rng in ws.merged_cells.ranges:
                if rng.min_row == rng.max_row == r:
                    dropped.append(rng)
            added.append(f"A{r}:{get_column_letter(c.last_col)}{r}")
            label.value, label._style = value.value, copy(value._style)
            value.value = None
            b = label.border
            label.border = Border(left=ws.cell(r, 1).border.left or b.left, right=ws.cell(r, c.last_col).border.right,
                                  top=b.top, bottom=b.bottom)
        # a date's input hint goes; the date takes its place (no empty box beside it, as published)
        values = {(c.row, c.last_col): c for c in self.sheet.cells if c.role == L.VALUE}
        for c in self.sheet.cells:
            v = values.get((c.row, c.col - 1))
            if c.role != L.HINT or v is None or any(rng.min_row == c.row and rng.min_col == c.col for rng in dropped):
                continue
            if c.col == L.SCREEN_COLUMN:  # hints of the screen-only column: the value spans the form already
                continue
            for rng in ws.merged_cells.ranges:
                if rng.min_row == c.row and rng.min_col in (v.col, c.col) and rng not in dropped:
                    dropped.append(rng)
            added.append(f"{L.ref(v.row, v.col)}:{get_column_letter(c.last_col)}{c.row}")
            right = ws.cell(c.row, c.last_col).border.right
            b = ws.cell(v.row, v.col).border
            ws.cell(v.row, v.col).border = Border(left=b.left, right=right, top=b.top, bottom=b.bottom)
        if dropped:
            keep = [str(rng) for rng in ws.merged_cells.ranges if rng not in dropped]
            ws.merged_cells = MultiCellRange(keep + added)

    def _look_cells(self):
        """(layout cell, sheet cell) of every placed cell; a merged choice's covered cells too, as they carry
        the same number format in the workbook."""
        cells = self.ws._cells
        for c in self.sheet.cells:
            last = c.last_col if c.role == L.VALUE and c.kind == "choice" else c.col
            for col in range(c.col, last + 1):
                cell = cells.get((c.row, col))
                if cell is not None:
                    yield c, cell

    # ---------------------------------------------------------------- checkbox options side by side
    def pack_options(self) -> None:
        """The options of a checkbox item as the published form prints them: "[ ○ ] option" two or three to a
        line where they fit, in columns, each "・group" on a line of its own; one cell over C:E in the item's first
        row, its other rows hidden."""
        ws = self.ws
        by_row: dict[int, dict[int, L.Cell]] = {}
        for c in self.sheet.cells:
            by_row.setdefault(c.row, {})[c.col] = c
        runs: list[list[int]] = []
        for r in sorted(by_row):
            cells = by_row[r]
            c3 = cells.get(3)
            if c3 is None or c3.role not in (L.MARK_CELL, L.OPTION_GROUP):
                continue
            labelled = any(c.col < 3 and c.role in (L.LABEL, L.HEADING) for c in cells.values())
            if runs and runs[-1][-1] == r - 1 and not labelled:
                runs[-1].append(r)
            else:
                runs.append([r])
        spans = {(rng.min_row, rng.min_col): rng for rng in ws.merged_cells.ranges}
        drop: set[str] = set()
        add: list[str] = []
        width = sum(self.widths.get(get_column_letter(c), 8.43) for c in (3, 4, 5)) * UNIT_PT
        for run in runs:
            if len(run) < 2:
                continue
            opt_row = next((r for r in run if by_row[r][3].role == L.MARK_CELL), run[0])
            first = ws._cells.get((opt_row, 4)) or ws._cells.get((opt_row, 3))
            size, bold = _font(first)
            entries: list[tuple[bool, str]] = []  # (is a group line, text)
            for r in run:
                cells = by_row[r]
                texts = [self._value(r, 3)]
                if cells[3].role == L.MARK_CELL:
                    texts += [self._value(r, 4)] + ([self._value(r, 5)] if 5 in cells and cells[5].path else [])
                entries.append((cells[3].role == L.OPTION_GROUP,
                                " ".join(str(t) for t in texts if t not in (None, ""))))
            text = _columns(entries, width, size, bold)
            top = ws.cell(run[0], 3)
            top.value = text
            top.data_type = "s"
            top._style = copy(first._style)
            top.alignment = copy(first.alignment).__class__(horizontal="left", vertical="top", wrap_text=True)
            last = ws._cells.get((run[-1], 4)) or ws._cells.get((run[-1], 3))
            b = top.border
            top.border = Border(left=b.left, right=ws.cell(run[0], 5).border.right, top=b.top,
                                bottom=last.border.bottom if last is not None else b.bottom)
            for r in run:
                for col in (3, 4, 5):
                    rng = spans.get((r, col))
                    if rng is not None and rng.min_row == rng.max_row:
                        drop.add(str(rng))
                    if (r, col) != (run[0], 3) and (r, col) in ws._cells:
                        ws._cells[(r, col)].value = None
                if r != run[0]:
                    ws.row_dimensions[r].hidden = True
            add.append(f"C{run[0]}:E{run[0]}")
        if add:
            keep = [str(rng) for rng in ws.merged_cells.ranges if str(rng) not in drop]
            ws.merged_cells = MultiCellRange(keep + add)

    # ---------------------------------------------------------------- 記録項目 as published
    def list_as_paragraph(self) -> None:
        """The 記録項目 entries (one per row for typing) printed as the published form prints them: one box, the
        entries joined as :data:`LIST_JOIN` says for the form; the typing instruction over them does not print."""
        ws = self.ws
        rows = self.sheet.rows
        col = next(c.col for c in rows.cells if c.role == L.LIST_ROW)
        for c in self.sheet.cells:
            if c.role == L.LIST_HEADER_CELL:
                ws.row_dimensions[c.row].hidden = True
        shown = [r for r in range(rows.first_row, ws.max_row + 1) if not ws.row_dimensions[r].hidden]
        entries = [str(v) for r in shown if (v := self._value(r, col)) not in (None, "")]
        if not shown:
            return
        r0 = shown[0]
        top = ws.cell(r0, 1)  # over the whole width: the number column beside it is empty
        top._style = copy(ws.cell(r0, col)._style)
        ws.cell(r0, col).value = None
        last_col = self.sheet.part.columns
        keep = [str(rng) for rng in ws.merged_cells.ranges if not rng.min_row == rng.max_row == r0]
        ws.merged_cells = MultiCellRange(keep + [f"A{r0}:{get_column_letter(last_col)}{r0}"])
        top.value = LIST_JOIN.get(self.form, "\n").join(entries) or None
        top.alignment = copy(top.alignment).__class__(horizontal="left", vertical="top", wrap_text=True)
        bottom = ws.cell(shown[-1], col).border.bottom
        b = top.border
        top.border = Border(left=ws.cell(r0, 1).border.left or b.left, right=ws.cell(r0, last_col).border.right
                            or b.right, top=b.top, bottom=bottom)
        for r in shown[1:]:
            ws.cell(r, col).value = None
            ws.row_dimensions[r].hidden = True

    # ---------------------------------------------------------------- what does not print
    def hide_unused(self) -> None:
        ws = self.ws
        dims = ws.row_dimensions
        last = ws.max_row
        # the empty slot the workbook shows after the used ones, ready for typing, does not print
        shown_after: set[tuple[str, int]] = set()  # (group, slot) whose next slot is shown
        for block in self.sheet.blocks:
            if not dims[block.first_row].hidden:
                shown_after.add((block.path, block.slot - 1))
        for block in self.sheet.blocks:
            if block.slot == 1 or dims[block.first_row].hidden or (block.path, block.slot) in shown_after:
                continue
            cells = [(c.row, c.col) for c in self.sheet.cells
                     if c.role in L.VALUE_ROLES and block.first_row <= c.row <= block.last_row]
            if all(self._value(r, col) in (None, "") for r, col in cells):
                for r in range(block.first_row, block.last_row + 1):
                    dims[r].hidden = True
        # "委託事項6～10": the group rows print even when their slots are empty, as the published form prints them
        for c in self.sheet.cells:
            if c.role == L.GROUP_ROW and c.row <= last:
                dims[c.row].hidden = False
        # the spare rows kept for typing at the end of the list annex and the change-log table (they made blank
        # pages)
        rows = self.sheet.rows
        if rows is None:
            return
        cols = [c.col for c in rows.cells if c.role in L.VALUE_ROLES]
        data_rows = list(range(rows.first_row, last + 1))
        if not data_rows:
            return
        filled = [r for r in data_rows if any(self._value(r, c) not in (None, "") for c in cols)]
        keep_until = filled[-1] if filled else data_rows[0]
        for r in data_rows:
            if r > keep_until:
                dims[r].hidden = True

    # ---------------------------------------------------------------- heights and continuation rows
    def reflow(self) -> None:
        ws = self.ws
        widths_pt = {c: self.widths.get(get_column_letter(c), 8.43) * UNIT_PT for c in range(1, ws.max_column + 1)}
        spans = {(rng.min_row, rng.min_col): (rng.max_row, rng.max_col) for rng in ws.merged_cells.ranges}
        cells_by_row: dict[int, list[tuple[int, list[tuple[str, bool]], float]]] = {}
        needs: dict[int, float] = {}
        vertical: list[tuple[int, int, float]] = []  # (first row, last row, height the text needs)
        for (r, c), cell in ws._cells.items():
            v = cell.value
            if v in (None, "") or isinstance(cell, MergedCell):
                continue
            last_row, last_col = spans.get((r, c), (r, c))
            width = sum(widths_pt[cc] for cc in range(c, last_col + 1))
            size, bold = _font(cell)
            lines = wrap_marked(str(v), width, size, bold) if cell.alignment.wrap_text else [(str(v), True)]
            h = text_height(len(lines), size)
            if self.table and h > self.chunk_max and last_row == r:
                # 変更前/変更後 side by side: a smaller font rather than a row continued on the next one
                for smaller in (size - 1, size - 2):
                    lines = wrap_marked(str(v), width, smaller, bold)
                    h = text_height(len(lines), smaller)
                    if h <= self.chunk_max:
                        break
                size = smaller
                f = copy(cell.font)
                f.sz = size
                cell.font = f
            if len(lines) > 1:
                cell.value = _join(lines)
            if last_row > r:
                vertical.append((r, last_row, h))
                continue
            cells_by_row.setdefault(r, []).append((c, lines, size))
            needs[r] = max(needs.get(r, 0.0), h)

        # rows too tall: every tall cell continues in the rows after it
        extra: dict[int, list[dict[int, str]]] = {}  # row → its continuation rows → {column: text}
        split_heights: dict[int, list[float]] = {}
        for r, cells in cells_by_row.items():
            if needs[r] <= self.chunk_max:
                continue
            chunked: dict[int, list[list[tuple[str, bool]]]] = {}
            for c, lines, size in cells:
                room = max(1, int((self.chunk_max - ROW_PAD) // pitch(size)))
                chunked[c] = [lines[i:i + room] for i in range(0, len(lines), room)]
            k = max(len(ch) for ch in chunked.values())
            heights = []
            for i in range(k):
                h = MIN_ROW
                for c, lines, size in cells:
                    if i < len(chunked[c]):
                        h = max(h, text_height(len(chunked[c][i]), size))
                heights.append(h)
            for c, chunks in chunked.items():
                if len(chunks) > 1:
                    ws._cells[(r, c)].value = _join(chunks[0])
            extra[r] = [{c: _join(chunks[i]) for c, chunks in chunked.items() if i < len(chunks)}
                        for i in range(1, k)]
            split_heights[r] = heights
        first = self._insert_rows(extra, spans)
        self._set_heights(first, extra, needs, split_heights, vertical)

    def _insert_rows(self, extra: dict[int, list[dict[int, str]]], spans) -> dict[int, int]:
        """Make room for the continuation rows; returns old row → its new row number."""
        ws = self.ws
        max_row = ws.max_row
        first: dict[int, int] = {}
        nr = 1
        for r in range(1, max_row + 1):
            nr += r in self.numbered  # the heading row inserted before it
            first[r] = nr
            nr += 1 + len(extra.get(r, ()))
        self.n_rows = nr - 1
        self.first = first
        # headings keep their role in their new rows, and in continuation rows their text runs on into
        self.headings = {first[r] for r in self.headings} | {
            first[r] + i for r in self.headings for i, texts in enumerate(extra.get(r, ()), start=1) if 1 in texts
        } | {first[r] - 1 for r in self.numbered}
        if not extra and not self.numbered:
            return first
        # pictures stay on the rows they were put on (anchors count rows from 0)
        for img in getattr(ws, "_images", []):
            for marker in (getattr(img.anchor, "_from", None), getattr(img.anchor, "to", None)):
                if marker is not None and marker.row + 1 in first:
                    marker.row = first[marker.row + 1] - 1
        last = {r: first[r] + len(extra.get(r, ())) for r in first}
        in_tall_merge = {(r, c) for (r0, c0), (r1, c1) in spans.items() if r1 > r0
                         for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        cells: dict = {}
        for (r, c), cell in ws._cells.items():
            new = Cell(ws, row=first[r], column=c)
            new._value = cell._value
            new.data_type = cell.data_type
            new._style = copy(cell._style)
            cells[(first[r], c)] = new
        for r, conts in extra.items():
            row_cells = [(c, cell) for (rr, c), cell in ws._cells.items() if rr == r and (r, c) not in in_tall_merge]
            k = len(conts)
            for i, texts in enumerate(conts, start=1):
                for c, cell in row_cells:
                    new = Cell(ws, row=first[r] + i, column=c)
                    new._style = copy(cell._style)
                    if c in texts:
                        new._value = texts[c]
                        new.data_type = "s"
                    cells[(first[r] + i, c)] = new
            # one cell to the eye: no borders between the row and its continuations
            for i in range(k + 1):
                for c, _ in row_cells:
                    cell = cells[(first[r] + i, c)]
                    b = cell.border
                    cell.border = Border(left=b.left, right=b.right, top=b.top if i == 0 else None,
                                         bottom=b.bottom if i == k else None)
        for r, (text, style) in self.numbered.items():
            for c in range(1, self.sheet.part.columns + 1):
                new = Cell(ws, row=first[r] - 1, column=c)
                new._style = copy(style)
                cells[(first[r] - 1, c)] = new
            cells[(first[r] - 1, 1)]._value = text
            cells[(first[r] - 1, 1)].data_type = "s"
        ranges = [f"A{first[r] - 1}:{get_column_letter(self.sheet.part.columns)}{first[r] - 1}" for r in self.numbered]
        for (r0, c0), (r1, c1) in spans.items():
            if r0 == r1 and r0 in extra:
                for i in range(len(extra[r0]) + 1):
                    ranges.append(f"{get_column_letter(c0)}{first[r0] + i}:{get_column_letter(c1)}{first[r0] + i}")
            else:
                ranges.append(f"{get_column_letter(c0)}{first[r0]}:{get_column_letter(c1)}{last[r1]}")
        ws._cells = cells
        ws.merged_cells = MultiCellRange(ranges)
        return first

    def _set_heights(self, first, extra, needs, split_heights, vertical) -> None:
        ws = self.ws
        old = {r: (d.height, bool(d.hidden), d.outlineLevel) for r, d in ws.row_dimensions.items()}
        ws.row_dimensions.clear()
        heights: dict[int, float] = {}
        for r, nr in first.items():
            h_old, hidden, level = old.get(r, (None, False, 0))
            if r in split_heights:
                hs = split_heights[r]
            elif r in needs:
                hs = [max(needs[r], MIN_ROW)]
            else:
                hs = [max(h_old or MIN_ROW, MIN_ROW)]
            if r in self.numbered:
                heights[nr - 1] = text_height(1, _font(ws.cell(nr - 1, 1))[0])
                if hidden:
                    ws.row_dimensions[nr - 1].hidden = True
            for i, h in enumerate(hs):
                heights[nr + i] = h
                if hidden:
                    ws.row_dimensions[nr + i].hidden = True
                if level:
                    ws.row_dimensions[nr + i].outlineLevel = level
        # vertical merges: the last row gets what the rows together lack
        for r0, r1, h in vertical:
            a, b = first[r0], first[r1] + len(extra.get(r1, ()))
            shown = [nr for nr in range(a, b + 1) if not ws.row_dimensions[nr].hidden]
            have = sum(heights[nr] for nr in shown)
            if shown and h > have:
                heights[shown[-1]] += h - have
        for nr, h in heights.items():
            ws.row_dimensions[nr].height = _px(min(h, 409.0))

    # ---------------------------------------------------------------- pages
    def paginate(self) -> SheetPlan:
        ws = self.ws
        printable_w = A4_WIDTH - 2 * MARGIN_LR * 72
        scale = min(100, int(printable_w / (sum(self.widths.values()) * UNIT_PT) * 100 * 0.99))
        ps = ws.page_setup
        ps.scale, ps.fitToWidth, ps.fitToHeight = scale, None, None
        ps.paperSize, ps.orientation = ws.PAPERSIZE_A4, "portrait"
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.page_margins.left = ws.page_margins.right = MARGIN_LR
        ws.page_margins.top = ws.page_margins.bottom = MARGIN_TB
        # the page number (and a draft's mark) get the margin's room: LibreOffice squeezes a footer into
        # bottom - footer (0.1 in with Excel's default 0.5 in: the number was cut in half)
        ws.page_margins.header = ws.page_margins.footer = HEADER_FOOTER
        capacity = (A4_HEIGHT - 2 * MARGIN_TB * 72) * 0.985 / (scale / 100)

        def height(r: int) -> float:
            d = ws.row_dimensions[r]
            return 0.0 if d.hidden else float(d.height or MIN_ROW)

        t_first = t_last = 0
        if ws.print_title_rows:
            a, b = ws.print_title_rows.split(":")
            t_first, t_last = int(re.sub(r"\D", "", a)), int(re.sub(r"\D", "", b))
        title_h = sum(height(r) for r in range(t_first, t_last + 1)) if t_first else 0.0
        rows = [r for r in range(1, self.n_rows + 1) if height(r) > 0 and not t_first <= r <= t_last]
        heading = {r for r in rows if self._is_heading(r)}

        # what must stay together from a heading on: its whole block when that is not too tall, else the
        # heading rows and the first two rows under them
        keep: dict[int, float] = {}
        for i, r in enumerate(rows):
            if r not in heading or (i and rows[i - 1] in heading):
                continue
            j = i
            while j < len(rows) and rows[j] in heading:
                j += 1
            head = sum(height(x) for x in rows[i:j])
            k = j
            while k < len(rows) and rows[k] not in heading:
                k += 1
            block = head + sum(height(x) for x in rows[j:k])
            keep[i] = block if block <= KEEP_SHARE * (capacity - title_h) else head + sum(
                height(x) for x in rows[j:j + 2])

        breaks: list[int] = []
        used, start = title_h, 0
        for i, r in enumerate(rows):
            h = height(r)
            need = max(h, keep.get(i, 0.0))
            if i > start and used + need > capacity:
                k = i
                while k - 1 > start and rows[k - 1] in heading:  # no heading at the foot of a page
                    k -= 1
                breaks.append(rows[k - 1])
                start = k
                used = title_h + sum(height(x) for x in rows[k:i])
            used += h
        ws.row_breaks = RowBreak()
        for b in breaks:
            ws.row_breaks.append(Break(id=b))
        return SheetPlan(ws.title, scale, len(breaks) + 1, breaks)

    def _is_heading(self, r: int) -> bool:
        return r in self.headings


# ---------------------------------------------------------------------------------------------- API
@dataclass
class PdfResult:
    src: Path | None
    pdf: Path
    pages: int
    planned_pages: int
    notes: list[str] = field(default_factory=list)


def check_finished(result_or_doc, name: str | os.PathLike | None = None) -> None:
    """Raise :class:`UnfinishedError` (one line naming the file and the cell) when the document still has a marker
    left for its author (rule R502: 【要確認】 …)."""
    if hasattr(result_or_doc, "issues"):  # what storage.load read (its cells are those of the file)
        report = validate_result(result_or_doc, codes=[MARKER_CODE])
    else:
        report = validate(result_or_doc, codes=[MARKER_CODE])
    if not report.findings:
        return
    first = report.findings[0]
    where = f"{first.sheet}!{first.cell}" if first.sheet and first.cell else first.path
    more = f"（ほか{len(report.findings) - 1}か所）" if len(report.findings) > 1 else ""
    markers = first.message.rsplit("作成者向けの印「", 1)[-1].split("」が残って", 1)[0]  # R502's message
    raise UnfinishedError(f"{name or '文書'}: {where} に作成者向けの印「{markers}」が残っています{more}"
                          "（印を消してから作成するか、下書きとして --draft を付けてください）",
                          path=name, sheet=first.sheet, cell=first.cell)


def write_pdf(source: Document | str | os.PathLike, out_pdf: str | os.PathLike, *,
              keep_xlsx: str | os.PathLike | None = None, timeout: float = 300, draft: bool = False) -> PdfResult:
    """Print-ready PDF of a document, or of a workbook/JSON/YAML file, written atomically to ``out_pdf``.

    A document that still has a marker left for its author (【要確認】 …) is refused (:class:`UnfinishedError`)
    unless ``draft``: then every page carries :data:`DRAFT_MARK`.
    ``keep_xlsx`` also saves the print copy of the workbook there (to look at what LibreOffice was given)."""
    out_pdf = Path(out_pdf)
    notes: list[str] = []
    src: Path | None = None
    if isinstance(source, (str, os.PathLike)):
        src = Path(source)
        result = storage.load(src)
        notes += [f"{src}: {issue}" for issue in result.issues]
        doc = result.doc
        if not draft:
            check_finished(result, src)
    else:
        doc = source
        if not draft:
            check_finished(doc)
    users = user_workbook(result, src) if src else None
    shapes: dict[str, DrawnShapes] = {}
    if users is not None:
        try:
            shapes = drawn_shapes(src)
        except PackageError as e:
            notes.append(f"{src}: 図形を読めませんでした（{e}）")
        for ws in users.worksheets:
            if ws.title in shapes:  # a group's picture, which openpyxl keeps alone, comes back with its group
                ws._images = [img for img in ws._images if getattr(img.anchor, "groupShape", None) is None]
    wb, plan = build_print_workbook(doc, draft=draft, workbook=users)
    notes += [f"{out_pdf}: {p}" for p in plan.problems]
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    check_writable(out_pdf)  # a read-only PDF is refused before LibreOffice runs
    with tempfile.TemporaryDirectory(prefix="pia-excel-pdf-") as tmp:
        xlsx = Path(tmp) / (out_pdf.stem + ".xlsx")
        wb.save(xlsx)
        if shapes:
            _keep_shapes(xlsx, shapes, plan)
        if keep_xlsx is not None:
            shutil.copyfile(xlsx, keep_xlsx)
        # the new PDF is made and checked (poppler reads its pages) before it replaces an older one
        new_pdf = to_pdf(xlsx, Path(tmp) / "new.pdf", timeout=timeout)
        try:
            pages = pdf_page_count(new_pdf)
        except RenderError:
            pages = 0
        if pages < 1:
            raise RenderError(f"{out_pdf}: 作成したPDFを読めませんでした（ページがありません。元のファイルはそのままです）")
        with atomic_path(out_pdf) as part:
            shutil.copyfile(new_pdf, part)
    return PdfResult(src, out_pdf, pages, plan.pages, notes)


def _keep_shapes(xlsx: Path, shapes: dict[str, DrawnShapes], plan: PrintPlan) -> None:
    """The user's drawn shapes (dropped by openpyxl's save) put back into the print copy ``xlsx`` at package
    level, each on the rows it was drawn over (rows the copy inserted counted)."""
    sheets = {s.title: s for s in plan.sheets}
    pkg = Package.open(xlsx)
    for title, drawn in shapes.items():
        if pkg.sheet(title) is not None:
            sheet_plan = sheets.get(title)
            pkg.add_shapes(title, drawn, sheet_plan.row_of if sheet_plan else None)
    done = xlsx.with_name(xlsx.stem + ".shapes.xlsx")
    pkg.save(done)
    os.replace(done, xlsx)


@dataclass(frozen=True)
class PdfTask:
    src: Path
    dst: Path
    draft: bool = False
    timeout: float = 300  # seconds LibreOffice may take


def pdf_one(task: PdfTask) -> PdfResult:
    """Batch worker of ``pia-excel pdf IN... -o OUTDIR``."""
    return write_pdf(task.src, task.dst, timeout=task.timeout, draft=task.draft)
