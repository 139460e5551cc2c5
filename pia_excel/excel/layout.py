"""Where every cell of a generated workbook sits and what it is, computed from the spec alone.

The one owner of positions: the writer writes this layout (it fills values, styles, dropdowns and row heights),
the rules locate findings with it (:class:`CellMap`), the reader uses it when a workbook's defined names are
exactly ours, and the print copy takes each cell's role from it. A layout depends only on the form, the edition
and the number of 特定個人情報ファイル (every repeat slot is laid out whatever the values) and is cached. Only
the rows of the 記録項目 list and of the 変更箇所 table depend on the data: the layout gives their first row and
the cells of one row (:class:`Rows`); they extend by ``len(values) + spare`` rows.

The cells of a part are computed once and shared by every 特定個人情報ファイル: their paths are relative to
the sheet (``Sheet.prefix`` + ``Cell.path`` is the item instance path). Rows and columns are 1-based numbers;
"A1" strings are made only at the edge (:func:`ref`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from ..spec import Edition, Item, Section, load_spec
from . import names
from .cells import column_letter

LISTS_SHEET = "選択肢"
#: the first sheet of every generated workbook: how to fill it in (excel/guide.py)
GUIDE_SHEET = "使い方"
#: the sheets pia-excel adds beside the form's: the findings of 検証 (result_sheet.py) and the record of the cells
#: it highlighted (hidden); the readers never take them for a part of the form
RESULT_SHEET = "検証結果"
RECORD_SHEET = "検証記録"
#: the live checks' list and their hidden computations (excel/live.py)
CHECK_SHEET = "チェック"
CALC_SHEET = "チェック計算"
OWN_SHEETS = frozenset({LISTS_SHEET, RESULT_SHEET, RECORD_SHEET, GUIDE_SHEET, CHECK_SHEET, CALC_SHEET})
LIST_HEADER = "記録項目（1行に1項目）"
MARK = "○"
#: first slots of the printed group rows of a repeat group ("委託事項2～5", …) and the last slot of each
GROUP_STARTS = {2: 5, 6: 10, 11: 15, 16: 20}
#: rows kept ready for typing in list annexes and the 変更箇所 table beyond the filled ones
SPARE_LIST_ROWS = 30
SPARE_TABLE_ROWS = 20
#: the 変更箇所 table: its columns in order (ChangeRow fields) and their printed headers
TABLE_COLUMNS = ("date", "item", "before", "after", "timing", "explanation")
TABLE_HEADS = ("変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明")
TIMINGS = ("事前", "事後")

# ---- cell roles
FORM_TITLE = "form_title"  # the form's title on the cover
TITLE = "title"  # a sheet's part heading (the file name is added per document)
STAMP = "stamp"  # the edition's stamp, e.g. [令和7年5月　様式4]
STATIC_HEADING = "static_heading"  # a static item printed as a centred heading
STATIC_LABEL = "static_label"  # the label of a static item with entries
STATIC_TEXT = "static_text"  # an entry line of a static item
HEADING = "heading"  # a heading row, or the label of a heading with checkboxes
LABEL = "label"  # an item's label
GROUP_LABEL = "group_label"  # the vertical label of a row group (⑦使用の主体 …) in column A
LABEL_PAD = "label_pad"  # column A beside a sub-label when no group label starts there
CHOICES = "choices"  # the ＜選択肢＞ list printed beside a choice
HINT = "hint"  # an input hint ("例：令和7年2月25日", "（　）件：…の件数"), in the screen-only column
GROUP_ROW = "group_row"  # a repeat group's printed group row ("委託事項2～5")
BLOCK_HEADER = "block_header"  # a repeat slot's header ("委託事項1")
OPTION_GROUP = "option_group"  # a sub-heading inside a checkbox list ("・識別情報")
OPTION_LABEL = "option_label"  # a checkbox option's text
LIST_HEADER_CELL = "list_header"
LIST_NUMBER = "list_number"  # column A of a list row (left empty)
TABLE_HEADER = "table_header"
VALUE = "value"  # a value cell of a text, date, count or choice item (``Cell.kind``)
COUNT = "count"  # the （　）件 count of a choice item ("…_count")
MARK_CELL = "mark"  # a checkbox option's mark
DETAIL = "detail"  # a checkbox option's （　） detail
OPTION_COUNT = "option_count"  # a checkbox option's （　）件 count
LIST_ROW = "list_row"  # a value of the 記録項目 list
TABLE_ROW = "table_row"  # a value of the 変更箇所 table (``Cell.field`` names its column)
#: roles of cells users fill in (unlocked, named)
VALUE_ROLES = frozenset({VALUE, COUNT, MARK_CELL, DETAIL, OPTION_COUNT, LIST_ROW, TABLE_ROW})

FORM_COLUMNS = 5  # A label, B sub-label, C mark / value, D value, E ＜選択肢＞ / detail
TABLE_SHEET_COLUMNS = 6
#: column F of the form sheets: hints for the screen, outside the print area (A:E)
SCREEN_COLUMN = FORM_COLUMNS + 1
#: sheets the writer puts before the form's sheets (the 使い方 sheet); defined names local to a sheet (print
#: titles and areas) count sheets from the first of the workbook
LEADING_SHEETS = 1


col_letter = column_letter  # 28 → "AB" (cells.py owns the conversions)


def ref(row: int, col: int) -> str:
    """(3, 2) → "B3"."""
    return f"{col_letter(col)}{row}"


_A1 = re.compile(r"^\$?([A-Z]+)\$?(\d+)$")


def row_col(a1: str) -> tuple[int, int]:
    """"B3" → (3, 2)."""
    m = _A1.match(a1)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def sheet_name(section: Section, file_no: int | None) -> str:
    return f"{section.sheet}({file_no})" if file_no is not None else section.sheet


def display_label(item: Item, edition_labels: dict) -> str:
    return edition_labels.get(item.label, item.label)


@dataclass(frozen=True, slots=True)
class Cell:
    """One placed cell: its position and merge, its role, the printed text (labels, hints) or, for value cells,
    the item path within the sheet (checkbox options: the checkbox item's path and an option suffix)."""

    row: int
    col: int
    role: str
    last_row: int
    last_col: int
    text: str | None = None
    path: str | None = None
    suffix: str = ""
    item: Item | None = None
    option: int = 0  # 1-based option index of checkbox cells
    kind: str | None = None  # value kind of VALUE cells: text, date, count, choice
    field: str | None = None  # column of a 変更箇所 table cell

    @property
    def ref(self) -> str:
        return ref(self.row, self.col)

    @property
    def merge(self) -> str | None:
        if self.last_row == self.row and self.last_col == self.col:
            return None
        return f"{self.ref}:{ref(self.last_row, self.last_col)}"



@dataclass(frozen=True)
class Block:
    """The rows of one repeat slot (slots after the used ones are hidden by the writer)."""

    path: str  # the repeat group's path within the sheet, e.g. "II.itaku_jiko"
    slot: int
    first_row: int
    last_row: int


@dataclass(frozen=True)
class Rows:
    """The data rows of the 記録項目 list or the 変更箇所 table: from ``first_row`` down, one row per value
    plus ``spare``; ``cells`` are those of one row (row numbers 0). The range named after ``path`` (within the
    sheet) covers columns ``name_cols`` of all the rows."""

    path: str
    item: Item
    first_row: int
    cells: tuple[Cell, ...]
    spare: int
    name_cols: tuple[int, int]

    def name_ref(self, count: int) -> str:
        """The named range for ``count`` data rows (filled and spare)."""
        last = self.first_row + max(count, 1) - 1
        return f"{ref(self.first_row, self.name_cols[0])}:{ref(last, self.name_cols[1])}"


@dataclass
class Part:
    """The cells of one part's sheet, shared by the sheets of every 特定個人情報ファイル."""

    section: Section
    columns: int
    cells: list[Cell] = field(default_factory=list)
    print_title_rows: tuple[int, int] | None = None
    blocks: list[Block] = field(default_factory=list)
    rows: Rows | None = None
    last_row: int = 0  # last row of the fixed part

    @cached_property
    def positions(self) -> dict[str, tuple[int, int]]:
        """Path within the sheet (+ option suffix) → (row, column) of every value cell."""
        return {key: (c.row, c.col) for key, _, c in self.named}

    @cached_property
    def named(self) -> list[tuple[str, str, Cell]]:
        """(path + option suffix, name without prefix, cell) of every value cell, in writing order."""
        return [(c.path + c.suffix, c.path.replace("[", ".").replace("]", "") + c.suffix, c)
                for c in self.cells if c.path is not None]


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook: its title and its part's cells; ``prefix`` + a cell's path is the item
    instance path ("files[2]." on the sheets of the second file, "" elsewhere)."""

    title: str
    file_no: int | None
    part: Part

    @property
    def section(self) -> Section:
        return self.part.section

    @property
    def cells(self) -> list[Cell]:
        return self.part.cells

    @property
    def blocks(self) -> list[Block]:
        return self.part.blocks

    @property
    def rows(self) -> Rows | None:
        return self.part.rows

    @property
    def columns(self) -> int:
        return self.part.columns

    @property
    def print_title_rows(self) -> tuple[int, int] | None:
        return self.part.print_title_rows

    @property
    def last_row(self) -> int:
        return self.part.last_row

    @property
    def prefix(self) -> str:
        return "" if self.file_no is None else f"files[{self.file_no}]."

    @property
    def print_area(self) -> str | None:
        """The printed cells of a form sheet ("A1:E120"; the screen-only column F stays out); None on the list
        and table sheets, whose rows depend on the data."""
        if self.rows is not None:
            return None
        return f"A1:{col_letter(self.columns)}{self.last_row}"

    def path(self, cell_or_path: Cell | str) -> str:
        """The item instance path of a cell (with its option suffix) or of a path within this sheet."""
        if isinstance(cell_or_path, str):
            return self.prefix + cell_or_path
        return self.prefix + cell_or_path.path + cell_or_path.suffix

    def name(self, cell_or_path: Cell | str) -> str:
        """The defined name of a value cell, or of a list or table range given by its path."""
        if isinstance(cell_or_path, str):
            return names.to_name(self.prefix + cell_or_path)
        return names.to_name(self.prefix + cell_or_path.path, cell_or_path.suffix)

    @property
    def is_table(self) -> bool:
        return self.rows is not None and self.rows.item.kind == "table"

    @property
    def is_list(self) -> bool:
        return self.rows is not None and self.rows.item.kind == "list"


# ---------------------------------------------------------------------------------------------- building
def _is_row_group(item: Item) -> bool:
    """A heading that groups the following rows under a vertical label (⑦使用の主体, 再委託, ②保管期間)."""
    if item.kind != "heading" or item.options:
        return False
    no = item.no or ""
    numbered_heading = no[:1] in "0123456789０１２３４５６７８９" or no.startswith("リスク")
    return item.parent is not None and not numbered_heading


def _numbered(item: Item) -> list[str]:
    close = "）" if item.choice_numbering == "full" else ")"
    return [f"{i}{close} {c}" for i, c in enumerate(item.choices, start=1)]


class _Builder:
    """Walks a section in print order and places its cells, in the order the writer writes them."""

    def __init__(self, sheet: Part, edition: Edition):
        self.sheet, self.edition, self.labels = sheet, edition, edition.labels
        self.r = 1

    def put(self, row: int, col: int, role: str, *, last_row: int | None = None, last_col: int | None = None,
            **kw) -> None:
        self.sheet.cells.append(Cell(row, col, role, row if last_row is None else last_row,
                                     col if last_col is None else last_col, **kw))

    def title(self, text: str) -> None:
        self.put(self.r, 1, TITLE, last_col=self.sheet.columns, text=text)
        self.sheet.print_title_rows = (self.r, self.r)
        self.r += 1

    def static_row(self, item: Item) -> None:
        if item.key == "title":
            return
        r = self.r
        if item.key == "yoshiki_version":
            if self.edition.stamp:
                self.put(r, 1, STAMP, last_col=5, text=self.edition.stamp)
                self.r += 1
            return
        if item.printed_label and item.label and not item.entries:
            self.put(r, 1, STATIC_HEADING, last_col=5, text=item.label)
            self.r += 1
            return
        start = r
        if item.printed_label:
            self.put(r, 1, STATIC_LABEL, last_col=5, text=item.label)
            r += 1
        for e in item.entries:
            self.put(r, 1, STATIC_TEXT, last_col=5, text=e)
            r += 1
        self.r = max(r, start + 1)

    def label_cells(self, r: int, level: int, group_label: str | None, span: int, label: str,
                    role: str = LABEL) -> None:
        """Label of a value row spanning ``span`` rows: A:B at level 0, B (with the group label in A) at level 1."""
        end = r + span - 1
        if level == 0:
            self.put(r, 1, role, last_row=end, last_col=2, text=label)
        else:
            self.put(r, 1, GROUP_LABEL if group_label is not None else LABEL_PAD, last_row=end, text=group_label)
            self.put(r, 2, role, last_row=end, text=label)

    def value_row(self, item: Item, path: str, level: int, group_label: str | None) -> None:
        kind = item.value_kind
        label = display_label(item, self.labels)
        label = f"{item.no or ''}{label}" + ("　※" if item.star else "")
        if kind == "checkboxes":
            self.check_rows(item, path, label, level, group_label)
            return
        r = self.r
        self.label_cells(r, level, group_label, 1, label)
        last = {"choice": 4}.get(kind, 5)
        self.put(r, 3, VALUE, last_col=last, path=path, item=item, kind=kind)
        if kind == "choice":
            self.put(r, 5, CHOICES, text="＜選択肢＞\n" + "\n".join(_numbered(item)), item=item)
        elif kind == "date":
            self.put(r, SCREEN_COLUMN, HINT, text="例：令和7年2月25日")
        self.r += 1
        if item.count:
            r = self.r
            self.label_cells(r, 1, None, 1, "件数")
            self.put(r, 3, COUNT, last_col=5, path=f"{path}_count", item=item)
            self.put(r, SCREEN_COLUMN, HINT, text=f"（　）件：{item.label}の件数")
            self.r += 1

    def check_rows(self, item: Item, path: str, label: str, level: int = 0, group_label: str | None = None,
                   role: str = LABEL) -> None:
        rows: list[tuple[str, object]] = []
        last_group = None
        for i, opt in enumerate(item.options, start=1):
            if opt.group and opt.group != last_group:
                rows.append(("group", opt.group))
                last_group = opt.group
            rows.append(("opt", (i, opt)))
        start = r = self.r
        self.label_cells(start, level, group_label, len(rows), label, role)
        for kind, payload in rows:
            if kind == "group":
                self.put(r, 3, OPTION_GROUP, last_col=5, text=f"・{payload}")
            else:
                i, opt = payload
                text = self.labels.get(opt.label, opt.label)
                self.put(r, 3, MARK_CELL, path=path, suffix=names.option_suffix(i), item=item, option=i)
                if opt.detail or opt.count:
                    self.put(r, 4, OPTION_LABEL, text=text, item=item, option=i)
                    if opt.detail:
                        self.put(r, 5, DETAIL, path=path, suffix=names.option_suffix(i, "detail"), item=item,
                                 option=i)
                    else:
                        self.put(r, 5, OPTION_COUNT, path=path, suffix=names.option_suffix(i, "count"), item=item,
                                 option=i)
                else:
                    self.put(r, 4, OPTION_LABEL, last_col=5, text=text, item=item, option=i)
            r += 1
        self.r = r

    def items(self, items, prefix: str, level: int = 0, group_label: str | None = None) -> None:
        first_in_group = True
        for it in items:
            gl = group_label if first_in_group else None
            if it.kind == "static":
                self.static_row(it)
            elif it.kind == "heading" and _is_row_group(it):
                self.items(it.children, prefix, level=1, group_label=f"{it.no or ''}{it.label}")
            elif it.kind == "heading":
                if it.options:
                    self.check_rows(it, f"{prefix}.{it.key}", it.printed, role=HEADING)
                else:
                    self.put(self.r, 1, HEADING, last_col=5, text=it.printed)
                    self.r += 1
                self.items(it.children, prefix, level=0)
            elif it.kind == "repeat":
                self.repeat(it, prefix)
            elif it.header:
                continue  # printed on the repeat block's header row
            else:
                self.value_row(it, f"{prefix}.{it.key}", level, gl)
                if it.children:
                    self.items(it.children, prefix, level=1)
                first_in_group = False

    def repeat(self, item: Item, prefix: str) -> None:
        header = next((c for c in item.children if c.header), None)
        for slot in range(1, item.max + 1):
            if slot in GROUP_STARTS:
                self.put(self.r, 1, GROUP_ROW, last_col=5, item=item,
                         text=f"{item.label}{slot}～{min(GROUP_STARTS[slot], item.max)}")
                self.r += 1
            bpath = f"{prefix}.{item.key}[{slot}]"
            first = r = self.r
            self.put(r, 1, BLOCK_HEADER, last_col=2, text=f"{item.label}{slot}", item=item)
            if header is not None:
                self.put(r, 3, VALUE, last_col=5, path=f"{bpath}.{header.key}", item=header, kind=header.value_kind)
            self.r += 1
            self.items(item.children, bpath)
            self.sheet.blocks.append(Block(f"{prefix}.{item.key}", slot, first, self.r - 1))

    def list_rows(self, item: Item, path: str) -> None:
        self.put(self.r, 1, LIST_HEADER_CELL, last_col=5, text=LIST_HEADER)
        self.r += 1
        cells = (Cell(0, 1, LIST_NUMBER, 0, 1), Cell(0, 2, LIST_ROW, 0, 5, path=path, item=item))
        self.sheet.rows = Rows(path, item, self.r, cells, SPARE_LIST_ROWS, (2, 2))

    def table_rows(self, item: Item, path: str) -> None:
        r = self.r
        for col, head in enumerate(TABLE_HEADS, start=1):
            self.put(r, col, TABLE_HEADER, text=head)
        self.sheet.print_title_rows = (1, r)
        self.r += 1
        cells = tuple(Cell(0, col, TABLE_ROW, 0, col, path=path, item=item, field=f)
                      for col, f in enumerate(TABLE_COLUMNS, start=1))
        self.sheet.rows = Rows(path, item, self.r, cells, SPARE_TABLE_ROWS, (1, len(TABLE_COLUMNS)))


@lru_cache(maxsize=64)
def _part(form: str, edition_id: str, section_key: str) -> Part:
    """The cells of a part (paths within the sheet), computed once per form, edition and part."""
    spec = load_spec(form)
    edition, section = spec.edition(edition_id), spec.section(section_key)
    first = section.items[0]
    part = Part(section, TABLE_SHEET_COLUMNS if first.kind == "table" else FORM_COLUMNS)
    b = _Builder(part, edition)
    prefix = section.key
    if section.key == "cover":
        b.put(1, 1, FORM_TITLE, last_col=5, text=spec.title)
        b.r = 2
        b.items(section.items, prefix)
    else:
        b.title(section.heading + (f"　{section.heading_note}" if section.heading_note else ""))
        if first.kind == "list":
            b.list_rows(first, f"{prefix}.{first.key}")
        elif first.kind == "table":
            b.table_rows(first, f"{prefix}.{first.key}")
        else:
            b.items(section.items, prefix)
    part.last_row = b.r - 1
    return part


def part(form: str, edition_id: str, section_key: str) -> Part:
    """The cells of one part (shared by the sheets of every 特定個人情報ファイル; cached)."""
    return _part(form, edition_id, section_key)


# ---------------------------------------------------------------------------------------------- the layout
class Layout:
    """The sheets of a generated workbook in order (the hidden 選択肢 sheet last) and their cells."""

    def __init__(self, form: str, edition: str | None, files: int):
        self.spec = load_spec(form)
        self.edition = self.spec.edition(edition)
        self.form, self.files = form, files
        self.sheets: list[Sheet] = []

        def add(section: Section, file_no: int | None) -> None:
            part = _part(form, self.edition.id, section.key)
            self.sheets.append(Sheet(sheet_name(section, file_no), file_no, part))

        for section in self.spec.sections:
            if section.per_file:
                if section is self.spec.file_sections[0]:
                    for n in range(1, files + 1):
                        for fs in self.spec.file_sections:
                            add(fs, n)
                continue
            add(section, None)

    @property
    def titles(self) -> list[str]:
        """Sheet titles in workbook order, the hidden 選択肢 sheet last."""
        return [s.title for s in self.sheets] + [LISTS_SHEET]

    @cached_property
    def cells(self) -> dict[str, tuple[str, str]]:
        """Item instance path (with option suffixes) → (sheet, first cell) of every named cell and range."""
        out: dict[str, tuple[str, str]] = {}
        for s in self.sheets:
            t, prefix = s.title, s.prefix
            for key, _, c in s.part.named:
                out[prefix + key] = (t, ref(c.row, c.col))
            if s.rows is not None:
                out[prefix + s.rows.path] = (t, ref(s.rows.first_row, s.rows.name_cols[0]))
        return out

    @cached_property
    def cell_map(self) -> CellMap:
        return CellMap(self.cells, self.titles)

    def _name_prefix(self, sheet: Sheet) -> str:
        return names.PREFIX if sheet.file_no is None else f"{names.PREFIX}files.{sheet.file_no}."

    @cached_property
    def fixed_names(self) -> dict[str, str]:
        """Defined name → its text (``'Ⅰ 基本情報'!$C$3``) for every name that does not depend on the data
        (all but the list and table ranges), as the writer writes them."""
        out: dict[str, str] = {}
        for s in self.sheets:
            q, np = quote_sheet(s.title) + "!$", self._name_prefix(s)
            for _, name, c in s.part.named:
                out[np + name] = f"{q}{col_letter(c.col)}${c.row}"
        return out

    @cached_property
    def range_names(self) -> dict[str, Rows]:
        """Defined name → :class:`Rows` of the data-dependent ranges (記録項目 lists, 変更箇所 table)."""
        return {s.name(s.rows.path): s.rows for s in self.sheets if s.rows is not None}

    @cached_property
    def range_sheets(self) -> dict[str, str]:
        """Defined name of a data-dependent range → its sheet."""
        return {s.name(s.rows.path): s.title for s in self.sheets if s.rows is not None}

    @cached_property
    def name_refs(self) -> dict[str, tuple[str, str, tuple[int, int, int, int]]]:
        """Defined name → (sheet, cell, (min_col, min_row, max_col, max_row)) of every fixed name, as the
        reader keeps them."""
        out = {}
        for s in self.sheets:
            t, np = s.title, self._name_prefix(s)
            for _, name, c in s.part.named:
                out[np + name] = (t, ref(c.row, c.col), (c.col, c.row, c.col, c.row))
        return out

    @cached_property
    def names_template(self) -> tuple[tuple[bytes, ...], tuple[str, ...]]:
        """The ``<definedNames>`` element of ``xl/workbook.xml`` (UTF-8) as the writer (through openpyxl) writes
        this layout's names, around the texts of the data-dependent ranges: ``chunks[0]`` + text of ``ranges[0]``
        + ``chunks[1]`` + … + ``chunks[-1]``. The reader compares a workbook's element with it instead of parsing
        every name (the element differs, e.g. after Excel re-sorted the names: then they are parsed)."""
        chunks: list[str] = []
        ranges: list[str] = []
        buf = ["<definedNames>"]
        for s in self.sheets:
            q, np = _xml_text(quote_sheet(s.title)) + "!$", self._name_prefix(s)
            for _, name, c in s.part.named:
                buf.append(f'<definedName name="{np}{name}">{q}{col_letter(c.col)}${c.row}</definedName>')
            if s.rows is not None:
                name = s.name(s.rows.path)
                buf.append(f'<definedName name="{name}">')
                chunks.append("".join(buf).encode("utf-8"))
                ranges.append(name)
                buf = ["</definedName>"]
        for name, text in self.meta_names().items():
            buf.append(f'<definedName name="{name}">{_xml_text(text)}</definedName>')
        for i, s in enumerate(self.sheets, start=LEADING_SHEETS):
            if s.print_title_rows:
                first, last = s.print_title_rows
                buf.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                           f'{_xml_text(quote_sheet(s.title))}!${first}:${last}</definedName>')
            if s.print_area:
                buf.append(f'<definedName name="_xlnm.Print_Area" localSheetId="{i}">'
                           f'{_xml_text(quote_sheet(s.title))}!{absolute(s.print_area)}</definedName>')
        buf.append("</definedNames>")
        chunks.append("".join(buf).encode("utf-8"))
        return tuple(chunks), tuple(ranges)

    def meta_names(self) -> dict[str, str]:
        return {names.FORM_NAME: f'"{self.form}"', names.EDITION_NAME: f'"{self.edition.id}"',
                names.FILES_NAME: str(self.files)}

    def sheet(self, title: str) -> Sheet:
        for s in self.sheets:
            if s.title == title:
                return s
        raise KeyError(title)


@lru_cache(maxsize=16)
def layout(form: str, edition: str | None = None, files: int = 1) -> Layout:
    """The layout of a generated workbook (cached)."""
    spec = load_spec(form)
    return _layout(form, spec.edition(edition).id, files)


@lru_cache(maxsize=16)
def _layout(form: str, edition: str, files: int) -> Layout:
    return Layout(form, edition, files)


def layout_of(doc) -> Layout:
    """The layout of ``doc``'s generated workbook."""
    return layout(doc.form, doc.edition, len(doc.files))


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote_sheet(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def absolute(a1_range: str) -> str:
    """"B3:F30" → "$B$3:$F$30"."""
    return ":".join(re.sub(r"^([A-Z]+)(\d+)$", r"$\1$\2", p) for p in a1_range.split(":"))


# ---------------------------------------------------------------------------------------------- cell maps
_ROW = re.compile(r"^(?P<base>.+)\[(?P<n>\d+)\](?:\.(?P<field>\w+))?$")


class CellMap:
    """Sheet and cell of item paths, with fallbacks for option cells, list/table rows and repeat blocks."""

    def __init__(self, cells: dict[str, tuple[str, str]], sheet_order: list[str] | None = None):
        self.cells = dict(cells)
        self.sheet_order = list(sheet_order or [])
        if not self.sheet_order:
            for sheet, _ in self.cells.values():
                if sheet not in self.sheet_order:
                    self.sheet_order.append(sheet)
        self._rank = {s: i for i, s in reversed(list(enumerate(self.sheet_order)))}

    def locate(self, path: str | None) -> tuple[str, str] | None:
        if not path:
            return None
        cells = self.cells
        if path in cells:
            return cells[path]
        for suffix in (".o1", "[1]"):
            if path + suffix in cells:
                return cells[path + suffix]
        m = _ROW.match(path)
        if m and m.group("base") in cells:  # a row of a list annex or of the 変更箇所 table
            sheet, a1 = cells[m.group("base")]
            row, col = row_col(a1)
            row += int(m.group("n")) - 1
            fld = m.group("field")
            if fld in TABLE_COLUMNS:
                col += TABLE_COLUMNS.index(fld)
            return sheet, ref(row, col)
        # a repeat block or a heading: its first cell
        hits = [v for k, v in cells.items() if k.startswith((path + ".", path + "["))]
        if hits:
            return min(hits, key=lambda sc: (self.sheet_rank(sc[0]), row_col(sc[1])))
        return None

    def sheet_rank(self, sheet: str | None) -> int:
        return self._rank.get(sheet, len(self.sheet_order))
