"""Fallback reader for workbooks without our defined names: find each item by its printed label.

Used for workbooks made from the PPC's own Excel file or whose sheets were copied into a new book. The sheets are
matched to the parts by their headings (Ⅱ/記録項目/Ⅲ repeat per file, in order); inside a part the items are
searched in print order: a value is the first filled cell right of its label, a checkbox is ticked when the
cell left of its option label holds ○ (the same marks as the reader by names: ``values.mark_state``). What cannot
be found is reported, never guessed.
"""
from __future__ import annotations

from typing import Any

from ..spec import Edition, FormSpec, Item, Section
from ..spec.text import label_key
from .layout import LIST_HEADER, OWN_SHEETS, TABLE_COLUMNS, TABLE_HEADS, display_label
from ..errors import ERROR, WARNING, Issue
from .cells import column_letter
from .values import (INVALID_MARK, NOTICE_CODE, ODD_MARK_CODE, TICKED, ReadResult, cell_choice, cell_count, cell_date,
                     excel_date_notice,
                     cell_text, mark_state, odd_mark_message)

_PRINTED_HINTS = ("＜選択肢＞", "例：", "（　）件：")


class _Grid:
    """A sheet's values as rows of (column index, value) for filled cells."""

    def __init__(self, title: str, rows: list[list[Any]], merged: list[tuple[int, int, int, int]] = ()):
        self.title = title
        self.rows: list[list[tuple[int, Any]]] = [
            [(c, v) for c, v in enumerate(row, start=1) if v not in (None, "")] for row in rows]
        #: (0-based row, column) of the first cell of a merged range → the range's last column
        self.spans = {(r1 - 1, c1): c2 for r1, c1, r2, c2 in merged}

    def last_col(self, r: int, c: int) -> int:
        """The last column of the cell at 0-based row ``r``, column ``c`` (its merged range's, if any)."""
        return self.spans.get((r, c), c)

    def coord(self, r: int, c: int) -> str:
        return f"{column_letter(c)}{r + 1}"


class _LabelReader:
    def __init__(self, spec: FormSpec, edition: Edition, result: ReadResult):
        self.spec, self.edition, self.result = spec, edition, result
        self.grid: _Grid | None = None
        self.cursor = 0
        #: ○ cells holding a mark that is neither ○ nor a "no" mark: option cell path → the mark as written
        self.invalid: dict[str, str] = {}

    # ---- search
    def find(self, label: str, start: int | None = None) -> tuple[int, int] | None:
        """Row and column of the next cell (from the cursor) whose text is ``label``."""
        want = label_key(label)
        for r in range(self.cursor if start is None else start, len(self.grid.rows)):
            for c, v in self.grid.rows[r]:
                if isinstance(v, str) and label_key(v) == want:
                    return r, c
        return None

    def right_of(self, r: int, c: int) -> tuple[int, Any]:
        """The first filled cell right of the label at (``r``, ``c``), else the cell just after the label (after
        its merged range: a label merged over A:B has its value cell in C)."""
        end = self.grid.last_col(r, c)
        for cc, v in self.grid.rows[r]:
            if cc <= end:
                continue
            if isinstance(v, str) and v.startswith(_PRINTED_HINTS):
                continue  # texts the form prints beside value cells
            return cc, v
        return end + 1, None

    def record(self, path: str, r: int, c: int) -> None:
        self.result.cells[path] = (self.grid.title, self.grid.coord(r, c))

    def missing(self, path: str, label: str) -> None:
        self.result.issues.append(Issue(NOTICE_CODE, WARNING, f"ラベル「{label}」が見つかりません", path, self.grid.title))

    # ---- items
    def fields(self, items, prefix: str, end: int | None = None) -> dict:
        out: dict = {}
        for it in items:
            if it.kind == "static":
                continue
            if it.kind == "heading" and not it.options:
                out.update(self.fields(it.children, prefix, end))
                continue
            path = f"{prefix}.{it.key}"
            if it.kind == "repeat":
                out[it.key] = self.repeat(it, path)
                continue
            if it.header:
                continue
            label = display_label(it, self.edition.labels)
            kind = it.value_kind
            hit = self.find(f"{it.no or ''}{label}") or (self.find(label) if it.no else None)
            if it.kind == "heading":  # heading with checkboxes (Ⅲ-4 委託しない …)
                hit = self.find(it.printed) or self.find(f"{it.no or ''}{it.label}")
            if hit is None or (end is not None and hit[0] >= end):
                self.missing(path, label)
                out[it.key] = [] if kind == "checkboxes" else None
            else:
                r, c = hit
                self.cursor = r
                if kind == "checkboxes":
                    out[it.key] = self.ticks(it, path, r)
                else:
                    cc, v = self.right_of(r, c)
                    self.record(path, r, cc)
                    out[it.key] = {"choice": lambda: cell_choice(v, it, self.edition.labels), "count": lambda: cell_count(v),
                                   "date": lambda: cell_date(v)}.get(kind, lambda: cell_text(v))()
                    if kind == "date" and excel_date_notice(v):
                        self.result.issues.append(Issue(NOTICE_CODE, WARNING, excel_date_notice(v), path, self.grid.title))
                    self.cursor = r + 1
                if it.count:
                    nxt = self.find("件数", self.cursor)
                    if nxt is not None and nxt[0] <= self.cursor + 1:
                        cc, v = self.right_of(*nxt)
                        self.record(f"{path}_count", nxt[0], cc)
                        out[f"{it.key}_count"] = cell_count(v)
                        self.cursor = nxt[0] + 1
            if it.children:
                out.update(self.fields(it.children, prefix, end))
        return out

    def ticks(self, item: Item, path: str, start: int) -> list[dict]:
        out = []
        for i, opt in enumerate(item.options, start=1):
            label = self.edition.labels.get(opt.label, opt.label)
            hit = self.find(label, start)
            if hit is None or hit[0] > start + len(item.options) + 4:
                self.missing(f"{path}.o{i}", label)
                continue
            r, c = hit
            mark = next((v for cc, v in self.grid.rows[r] if cc == c - 1), None)
            self.record(f"{path}.o{i}", r, max(c - 1, 1))
            cc, extra = self.right_of(r, c)
            if opt.detail or opt.count:  # the （　） detail or the count beside the option (a formula there is kept)
                self.record(f"{path}.o{i}.{'detail' if opt.detail else 'count'}", r, cc)
            tick: dict = {"label": label}
            if opt.detail and extra is not None:
                tick["detail"] = cell_text(extra)
            if opt.count and extra is not None:
                tick["count"] = cell_count(extra)
            state = mark_state(cell_text(mark))
            if state == INVALID_MARK:  # never a tick: kept as written (invalid_values) and reported at its cell
                text = cell_text(mark)
                self.invalid[f"{path}.o{i}"] = text
                sheet, ref = self.result.cells[f"{path}.o{i}"]
                self.result.issues.append(Issue(ODD_MARK_CODE, ERROR, odd_mark_message(text), f"{path}.o{i}", sheet,
                                                ref, value=text))
            if state != TICKED:
                if len(tick) == 1:
                    continue
                tick["checked"] = False
            out.append(tick)
            start = r
            self.cursor = r + 1
        return out

    def repeat(self, item: Item, path: str) -> list[dict]:
        slots = []
        for slot in range(1, item.max + 1):
            hit = self.find(f"{item.label}{slot}")
            if hit is None:
                break
            slots.append((slot, hit))
        blocks: list[dict] = []
        for n, (slot, (r, c)) in enumerate(slots):
            end = slots[n + 1][1][0] if n + 1 < len(slots) else None
            self.cursor = r
            bpath = f"{path}[{slot}]"
            block: dict = {}
            header = next((ch for ch in item.children if ch.header), None)
            if header is not None:
                cc, v = self.right_of(r, c)
                self.record(f"{bpath}.{header.key}", r, cc)
                block[header.key] = cell_text(v)
            self.cursor = r + 1
            saved = len(self.result.issues)
            block.update(self.fields(item.children, bpath, end))
            del self.result.issues[saved:]  # empty or partial slots are normal
            while len(blocks) < slot - 1:
                blocks.append({})
            blocks.append(block)
        if slots:
            self.cursor = slots[-1][1][0] + 1
        while blocks and not any(v not in (None, []) for v in blocks[-1].values()):
            blocks.pop()
        return blocks

    def list_values(self, path: str) -> list[str]:
        vals = []
        head = self.find(LIST_HEADER, 0)
        for r in range(head[0] + 1 if head else self.cursor, len(self.grid.rows)):
            row = [(c, v) for c, v in self.grid.rows[r] if c >= 2]
            vals.append(cell_text(row[0][1]) if row else None)
            if row:  # each entry's cell (a formula there is kept)
                self.record(f"{path}[{len(vals)}]", r, row[0][0])
        while vals and vals[-1] is None:
            vals.pop()
        return ["" if v is None else v for v in vals]

    def table_rows(self, path: str) -> list[dict]:
        head = self.find(TABLE_HEADS[0], 0)
        rows = []
        if head is None:
            return rows
        self.record(path, head[0] + 1, head[1])  # the first row's 変更日: any row's cell is found from it
        for r in range(head[0] + 1, len(self.grid.rows)):
            cells = {c: v for c, v in self.grid.rows[r]}
            row = {f: cell_text(cells.get(head[1] + i)) for i, f in enumerate(TABLE_COLUMNS)}
            row["date"] = cell_date(cells.get(head[1]))
            rows.append(row)
            for i, f in enumerate(TABLE_COLUMNS):  # each filled cell of the row (a formula there is kept)
                if cells.get(head[1] + i) is not None:
                    self.record(f"{path}[{len(rows)}].{f}", r, head[1] + i)
        while rows and all(v is None for v in rows[-1].values()):
            rows.pop()
        return rows

    def section(self, section: Section, grid: _Grid, prefix: str) -> dict:
        self.grid, self.cursor = grid, 1
        first = section.items[0]
        if first.kind == "list":
            return {first.key: self.list_values(f"{prefix}.{first.key}")}
        if first.kind == "table":
            return {first.key: self.table_rows(f"{prefix}.{first.key}")}
        return self.fields(section.items, prefix)


def _sheet_section(grid: _Grid, spec: FormSpec) -> Section | None:
    texts = [label_key(v) for row in grid.rows[:2] for _, v in row if isinstance(v, str)]
    for sec in spec.sections:
        if sec.key == "cover":
            if any(label_key(spec.title) == t for t in texts):
                return sec
            continue
        heading = label_key(sec.heading)
        if any(t.startswith(heading) for t in texts):
            return sec
    return None


#: code of the reader's error for a sheet that repeats a part which a document has only once (rules/typecheck.py)
COPIED_SHEET_CODE = "R007"


def copied_part_error(result: ReadResult, sheet: str, section: Section, first: str) -> None:
    """A sheet that is a copy of a part a document has once (表紙, Ⅰ, 変更箇所 …): an error naming the sheet;
    its content is not read (the first sheet of the part, ``first``, is)."""
    result.issues.append(Issue(
        COPIED_SHEET_CODE, ERROR,
        f"シート「{sheet}」は「{section.heading}」の写しです。この部分は1つの評価書に1つだけなので読み込んでいません"
        f"（「{first}」を読みました）。不要なシートなら削除してください", section.key, sheet, "A1"))


def read_by_labels(book, spec: FormSpec, edition: Edition, result: ReadResult) -> dict:
    """Read a document from a :class:`~pia_excel.excel.cells.WorkbookCells`-like ``book`` by its labels."""
    reader = _LabelReader(spec, edition, result)
    data: dict = {"form": spec.form, "edition": edition.id}
    files: list[dict] = []
    counters: dict[str, int] = {}
    seen: dict[str, str] = {}  # part read from its sheet → the sheet
    for sheet in book.sheetnames:
        if sheet in OWN_SHEETS or not book.visible(sheet):
            continue
        grid = _Grid(sheet, book.rows(sheet), book.merged(sheet))
        sec = _sheet_section(grid, spec)
        if sec is None:
            continue
        if sec.per_file:
            n = counters[sec.key] = counters.get(sec.key, 0) + 1
            while len(files) < n:
                files.append({})
            files[n - 1][sec.key] = reader.section(sec, grid, f"files[{n}].{sec.key}")
        elif sec.key in seen:
            copied_part_error(result, sheet, sec, seen[sec.key])
        else:
            seen[sec.key] = sheet
            data[sec.key] = reader.section(sec, grid, sec.key)
    data["files"] = files or [{}]
    data["invalid_values"] = reader.invalid
    return data


def read_extra_sheets(book, spec: FormSpec, edition: Edition, result: ReadResult, data: dict,
                      read: set[str]) -> None:
    """The visible sheets not in ``read`` (the sheets the reader by names read) that carry a part's heading: sheets
    copied in Excel ("Ⅱ ファイルの概要(1) (2)") or LibreOffice ("…_2"), or made by hand. A per-file part (Ⅱ,
    記録項目, Ⅲ) is a further 特定個人情報ファイル, read by its labels: the k-th such sheet of each part belongs to
    file ``len(data["files"]) + k``, in the order of the sheets. A copy of a part the document has once is an error
    naming the sheet. Other sheets (notes) are not parts and stay unread, and pia-excel's own (``OWN_SHEETS``) are
    never taken for parts (検証記録 lists sheet names such as "Ⅰ 基本情報")."""
    reader = _LabelReader(spec, edition, result)
    first = len(data["files"])
    counters: dict[str, int] = {}
    extra: list[dict] = []
    for sheet in book.sheetnames:
        if sheet in read or sheet in OWN_SHEETS or not book.visible(sheet):
            continue
        grid = _Grid(sheet, book.rows(sheet), book.merged(sheet))
        sec = _sheet_section(grid, spec)
        if sec is None:
            continue
        if not sec.per_file:
            copied_part_error(result, sheet, sec, sec.sheet)
            continue
        k = counters[sec.key] = counters.get(sec.key, 0) + 1
        while len(extra) < k:
            extra.append({})
        extra[k - 1][sec.key] = reader.section(sec, grid, f"files[{first + k}].{sec.key}")
    if not extra:
        return
    for k, part in enumerate(extra, start=1):
        for fs in spec.file_sections:
            if fs.key not in part:
                result.issues.append(Issue(
                    NOTICE_CODE, WARNING, f"特定個人情報ファイル{first + k}の「{fs.heading}」のシートがありません"
                    "（シートをコピーして追加したときは、Ⅱ・記録項目・Ⅲをそろえてコピーしてください）",
                    f"files[{first + k}].{fs.key}"))
    data["files"] = list(data["files"]) + extra
    if reader.invalid:
        data["invalid_values"] = {**(data.get("invalid_values") or {}), **reader.invalid}
