"""Live checks: the rules that can be worksheet formulas, compiled onto the cells of a generated workbook.

On a PC without Python (or with macros blocked) the workbook checks itself while the user types: each live check
is a condition on the cells of the layout, written three times from one definition —

- as conditional formatting on the offending cell (red for エラー, yellow for 警告);
- as one row per checked cell on the hidden sheet チェック計算 (1 = the cell offends), so counts and the first
  offending cell can be computed, and tests can compare LibreOffice's results with ``pia-excel validate``;
- as one row per check on the チェック sheet: code, 重要度, what is checked, the count and a link to the first
  offending cell.

Each check carries the code of the rule it computes (rules/, the full check); the catalogue marks those rules
"live" and every other one "Python only" (``docs/rules.md``). Only functions that Excel 2016+, Excel on the web
and LibreOffice all compute are used: AND, OR, NOT, LEN, TRIM, SUBSTITUTE, CHAR, REPT, LEFT, RIGHT, MID, EXACT,
ISNUMBER, INT, SEARCH, FIND, SUMPRODUCT, IF, SUM, MAX, MIN, INDEX, HYPERLINK, and for 和暦 dates VALUE, MOD,
CHOOSE, IFERROR, N, YEAR, MONTH, DAY, TODAY, UNICHAR (Excel 2013+, for whitespace that has no CHAR) (no MATCH /
COUNTIF on texts: they take * ? ~ as wildcards; SEARCH does too, so its lists hold no such character except the ?
of R103's "意見??なし", meant as any one character; R260's explanations are found with FIND: exact, no wildcards).

The facts a check needs are read where the Python rule reads them: the spec (``empty_when``, ``applies_when``,
choices, options), spec/requirements.py (what R101 requires, the answers that switch parts of Ⅲ off, the count
cells and their blocks), spec/text.py (placeholders, with :func:`~pia_excel.spec.text.nfkc_variants` standing in
for the NFKC a formula cannot do) and excel/values.py (the ○ and "no" marks). Checks that read a whole repeat
group (R201, R209, R210) read helper cells on チェック計算 (column :data:`HELPER_COL`, one per block: in use, refers
to a 別紙); R222 one per sheet (a 情報提供ネットワークシステム box ticked on it); R260 thirteen per text checked, the
steps of spec/requirements.explains (a detail that explains its negative answer).

Dates (R301, R302) are read by helper cells too, about 20 per date cell (:func:`_date_keys`): every character
NFKC turns into part of a 和暦 date replaced by SUBSTITUTE chains generated from unicodedata, then
WarekiDate.parse's two patterns taken apart with FIND / MID, the period checked and clipped to its era, as
yyyymmdd numbers (no date serials: Excel has none before 1900 and a 29 February 1900).

R401 (a pre-2024 番号法 reference) stays Python only: it reads free text after NFKC with a regular expression and
an owner search per match (docs/excel_buttons.md says why no formula can). So does R250 (記録される項目 against
the 記録項目 annex): it counts the items of each annex line after NFKC (①, ⑴, ⒈ become "1", "(1)", "1."), with
regular expressions (numbered items found repeatedly in a line, headings, file titles) and a scan of bracket
depth that splits names at 全角スペース / 、 outside brackets, and compares lines with the file's name as
rules.engine.norm writes it.

Where the formulas and Python can differ (not in the documents the tests generate): whitespace other than
space, 全角スペース, tab and line breaks inside a mark or placeholder or around a detail R260 reads; choices and
counts written in a form only the reader's normalisation accepts ("2) 委託する", "（５）件": R001 / R003 are Python
only for that reason); an unreadable value in a cell a check reads (Python reads it as empty, a formula as
written); a character outside the Basic Multilingual Plane (𠮷) counts as two in R260's span of 40 characters
(formulas count UTF-16 units); in a date cell, a number without a date format (Python: not a date, R002; a
formula cannot see formats in Excel on the web and reads it as an Excel date), characters outside the Basic
Multilingual Plane or ones an .xlsx cannot hold.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from ..spec import EmptyWhen, Item, load_spec
from ..spec import requirements as req
from ..spec.text import AUTHOR_MARKER_WORDS, PLACEHOLDERS, compact_replacements, nfkc_variants
from ..wareki import ERAS, PARSE_CHARS
from . import layout as L
from . import names
from .values import TICK_MARKS, UNTICK_MARKS

CHECK_SHEET = L.CHECK_SHEET
CALC_SHEET = L.CALC_SHEET
ERROR, WARNING = "エラー", "警告"


@dataclass
class Target:
    """One checked cell: ``formula`` with ``{name}`` placeholders for the cells in ``refs``: (row, column) on
    ``sheet``, (row, column, last row, last column) for a range on ``sheet``, or (sheet title, row, column) for a
    cell of another sheet (always absolute); ``{list:key}`` for a list on the hidden 選択肢 sheet."""

    sheet: str
    row: int
    col: int
    formula: str
    refs: dict[str, tuple]


@dataclass
class LiveCheck:
    code: str  # the rule's code (rules/)
    severity: str
    what: str  # Japanese: what a cell counted here has
    targets: list[Target] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- conditions
#: the whitespace the formulas remove before comparing a mark or a placeholder (Python removes every Unicode
#: whitespace after NFKC: a mark written with another space, e.g. U+2003, reads differently here)
_SPACES = ('" "', '"　"', "CHAR(9)", "CHAR(10)", "CHAR(13)")


def _nospace(x: str) -> str:
    for sp in _SPACES:
        x = f'SUBSTITUTE({x},{sp},"")'
    return x


def _blank(x: str) -> str:
    """Nothing but spaces and line breaks (Python: ``str.strip()`` leaves nothing)."""
    return f"LEN({_nospace(x)})=0"


def _filled(x: str) -> str:
    return f"LEN({_nospace(x)})>0"


def _one_of(x: str, key: str) -> str:
    """``x`` without spaces is exactly (EXACT: case-sensitive, no wildcards as MATCH has) one entry of a list."""
    return f"SUMPRODUCT(--EXACT({{list:{key}}},{_nospace(x)}))>0"


def _ticked(x: str) -> str:
    """A ○ (〇 ◯, as excel/values.mark_state reads marks)."""
    return _one_of(x, "tick")


def _not_ticked(x: str) -> str:
    """Empty or a "no" mark (×, -, なし …): not a tick and not an unreadable mark (R004's)."""
    return f"OR({_blank(x)},{_one_of(x, 'untick')})"


def _present(x: str) -> str:
    """Anything at all, spaces too (a block holding only "　" is used: models.base.PiaModel.is_empty)."""
    return f"LEN({x})>0"


def _substantive(x: str) -> str:
    """More than a placeholder such as "－" or "該当なし" (rules.engine.is_substantive)."""
    return f"AND({_filled(x)},NOT({_one_of(x, 'placeholders')}))"


def _is(x: str, answer: str) -> str:
    """A choice cell holds ``answer``."""
    return f'TRIM({x})="{answer}"'


@lru_cache(maxsize=1)
def lists() -> dict[str, tuple[str, ...]]:
    """The lists the formulas look up, written to the hidden 選択肢 sheet (computed when a workbook is first
    written: the NFKC spellings take a scan of the Basic Multilingual Plane)."""
    return {
        "tick": nfkc_variants(TICK_MARKS),
        "untick": nfkc_variants(UNTICK_MARKS),
        "placeholders": nfkc_variants(PLACEHOLDERS),
        "refers": req.REFERS_ELSEWHERE,
        "no_opinions": tuple(req.NO_OPINIONS[2] + "?" * k + w for k in range(req.NO_OPINIONS[3] + 1)
                             for w in req.NO_OPINIONS[4]),
        "markers": tuple(f"{o}{w}" for w in AUTHOR_MARKER_WORDS for o in ("【", "[", "［", "〔", "〖", "〘", "★", "☆")),
    }


# ---------------------------------------------------------------------------------------------- the checks
def _option_cells(sheet: L.Sheet):
    """(item path, option index) → {"mark"|"detail"|"count": cell} of every checkbox option of the sheet."""
    out: dict[tuple[str, int], dict[str, L.Cell]] = {}
    for c in sheet.cells:
        if c.role in (L.MARK_CELL, L.DETAIL, L.OPTION_COUNT):
            part = {L.MARK_CELL: "mark", L.DETAIL: "detail", L.OPTION_COUNT: "count"}[c.role]
            out.setdefault((c.path, c.option), {})[part] = c
    return out


def _details(sheet: L.Sheet, other: bool) -> list[Target]:
    """R104 / R105: a ticked option with a （　） left empty (その他, or the other options)."""
    out = []
    for (_, i), cells in _option_cells(sheet).items():
        d = cells.get("detail")
        if d is None or (d.item.options[i - 1].label == "その他") != other:
            continue
        m = cells["mark"]
        out.append(Target(sheet.title, d.row, d.col, f"AND({_ticked('{m}')},{_blank('{d}')})",
                          {"m": (m.row, m.col), "d": (d.row, d.col)}))
    return out


def _untick_written(sheet: L.Sheet) -> list[Target]:
    """R106: a （　） or 件数 written beside a box without ○."""
    out = []
    for (_, _i), cells in _option_cells(sheet).items():
        extra = cells.get("detail") or cells.get("count")
        if extra is None:
            continue
        m = cells["mark"]
        out.append(Target(sheet.title, m.row, m.col, f"AND({_not_ticked('{m}')},{_filled('{d}')})",
                          {"m": (m.row, m.col), "d": (extra.row, extra.col)}))
    return out


def _teikyo_none_and_some(sheet: L.Sheet) -> list[Target]:
    """R211: 行っていない ticked together with 提供を行っている or 移転を行っている."""
    marks = {c.option: c for c in sheet.cells if c.role == L.MARK_CELL and c.path == "II.teikyo_iten_umu"}
    if not {1, 2, 3} <= set(marks):
        return []
    o1, o2, o3 = marks[1], marks[2], marks[3]
    return [Target(sheet.title, o3.row, o3.col,
                   f"AND({_ticked('{c}')},OR({_ticked('{a}')},{_ticked('{b}')}))",
                   {"a": (o1.row, o1.col), "b": (o2.row, o2.col), "c": (o3.row, o3.col)})]


def _juudai_jiko(sheet: L.Sheet) -> list[Target]:
    """R230: 重大事故 発生あり with その内容 or 再発防止策の内容 empty."""
    cells = {c.path: c for c in sheet.cells if c.role == L.VALUE}
    choice = cells.get("III.juudai_jiko")
    if choice is None:
        return []
    out = []
    for key in ("III.juudai_jiko_naiyo", "III.juudai_jiko_saihatsu"):
        t = cells.get(key)
        if t is not None:
            out.append(Target(sheet.title, t.row, t.col, f'AND(TRIM({{j}})="発生あり",{_blank("{t}")})',
                              {"j": (choice.row, choice.col), "t": (t.row, t.col)}))
    return out


def _itaku_none_blocks(sheet: L.Sheet) -> list[Target]:
    """R202: 委託しない with a 委託事項 block filled in (at the block's first cell) or a count other than 0."""
    values = {c.path: c for c in sheet.cells if c.role in (L.VALUE, L.COUNT)}
    umu = values.get(req.ITAKU[0])
    if umu is None:
        return []
    refs = {"u": (umu.row, umu.col)}
    none = _is("{u}", req.ITAKU[2])
    out = []
    for b in sheet.blocks:
        if b.path != req.ITAKU_COUNT[1]:
            continue
        cells = sorted((c.row, c.col, c.role) for c in sheet.cells
                       if c.role in L.VALUE_ROLES and b.first_row <= c.row <= b.last_row)
        parts, brefs = [], dict(refs)
        for i, (r, col, role) in enumerate(cells):
            brefs[f"c{i}"] = (r, col)
            parts.append(_ticked(f"{{c{i}}}") if role == L.MARK_CELL else _present(f"{{c{i}}}"))
        first = cells[0]
        out.append(Target(sheet.title, first[0], first[1], f"AND({none},OR({','.join(parts)}))", brefs))
    count = values.get(req.ITAKU_COUNT[0])
    if count is not None:
        out.append(Target(sheet.title, count.row, count.col, f"AND({none},ISNUMBER({{n}}),{{n}}<>0)",
                          {**refs, "n": (count.row, count.col)}))
    return out


def _markers(sheet: L.Sheet, rows: int) -> list[Target]:
    """R502: a marker left for the author (【要確認 …) in a text, a （　） detail, a list entry or a 変更箇所 cell."""
    cells = [(c.row, c.col) for c in sheet.cells if (c.role == L.VALUE and c.kind == "text") or c.role == L.DETAIL]
    if sheet.rows is not None:
        for i in range(rows):
            cells += [(sheet.rows.first_row + i, c.col) for c in sheet.rows.cells if c.role in L.VALUE_ROLES]
    return [Target(sheet.title, r, c, "SUMPRODUCT(--ISNUMBER(SEARCH({list:markers},{t})))>0", {"t": (r, c)})
            for r, c in cells]


# ---------------------------------------------------------------------------------------------- cross-sheet checks
class _Formula:
    """The cells one target's formula reads, named c0, c1 … as they are asked for (cells of another sheet by
    their title)."""

    def __init__(self, sheet: L.Sheet | str):
        self.title = sheet if isinstance(sheet, str) else sheet.title
        self.refs: dict[str, tuple] = {}

    def cell(self, where: L.Sheet | str, pos: tuple[int, int]) -> str:
        title = where if isinstance(where, str) else where.title
        key = f"c{len(self.refs)}"
        self.refs[key] = pos if title == self.title else (title, *pos)
        return "{" + key + "}"

    def other_range(self, title: str, first: tuple[int, int], last: tuple[int, int]) -> str:
        key = f"c{len(self.refs)}"
        self.refs[key] = (title, *first, *last)
        return "{" + key + "}"

    def range(self, first: tuple[int, int], last: tuple[int, int]) -> str:
        key = f"c{len(self.refs)}"
        self.refs[key] = (*first, *last)
        return "{" + key + "}"

    def target(self, pos: tuple[int, int], formula: str) -> Target:
        return Target(self.title, pos[0], pos[1], formula, self.refs)


def _sheet_of(lay: L.Layout, section: str, file_no: int | None) -> L.Sheet | None:
    for s in lay.sheets:
        if s.section.key == section and s.file_no == (file_no if s.section.per_file else None):
            return s
    return None


def _at(sheet: L.Sheet | None, path: str, option: int = 0) -> tuple[int, int] | None:
    """(row, column) of the value cell of ``path`` (within the sheet; option ``option``'s mark)."""
    if sheet is None:
        return None
    return sheet.part.positions.get(path + (names.option_suffix(option) if option else ""))


def _marks(sheet: L.Sheet, path: str, item: Item) -> list[tuple[int, int]]:
    return [p for i in range(1, len(item.options) + 1) if (p := _at(sheet, path, i)) is not None]


def _any_ticked(f: _Formula, sheet: L.Sheet, marks: list[tuple[int, int]]) -> str:
    return "OR(" + ",".join(_ticked(f.cell(sheet, m)) for m in marks) + ")"


def _under(item: Item, heading: str) -> bool:
    return any(a.key == heading for a in item.ancestors())


def _switched_off(f: _Formula, lay: L.Layout, sheet: L.Sheet, item: Item) -> str | None:
    """When a part of Ⅲ is switched off by 委託しない / 提供・移転しない / 接続しない (rules/required.py, from
    spec/requirements.py); None outside those parts."""
    if item.section.key != "III":
        return None
    keys = {a.key for a in item.ancestors()}
    ii, i = _sheet_of(lay, "II", sheet.file_no), _sheet_of(lay, "I", None)
    if "III_4" in keys:
        box, opt = req.ITAKU_BOX
        return f"OR({_ticked(f.cell(sheet, _at(sheet, box, opt)))},{_is(f.cell(ii, _at(ii, req.ITAKU[0])), req.ITAKU[2])})"
    if "III_5" in keys:
        box, opt = req.TEIKYO_BOX
        return f"OR({_ticked(f.cell(sheet, _at(sheet, box, opt)))},{_only_none(f, lay, ii)})"
    if "III_6" in keys:
        box, _ = req.RENKEI_BOXES
        for opt, risks in req.connection_risks(lay.form).items():
            if keys & set(risks):
                return (f"OR({_ticked(f.cell(sheet, _at(sheet, box, opt)))},"
                        f"{_is(f.cell(i, _at(i, req.RENKEI[0])), req.RENKEI[2])})")
    return None


def _only_none(f: _Formula, lay: L.Layout, ii: L.Sheet) -> str:
    """Ⅱ-5 提供・移転の有無: 行っていない ticked and no other box."""
    path, none, _ = req.TEIKYO
    item = lay.spec.item(path)
    parts = [_ticked(f.cell(ii, _at(ii, path, none)))]
    parts += [f"NOT({_ticked(f.cell(ii, _at(ii, path, o)))})" for o in range(1, len(item.options) + 1) if o != none]
    return "AND(" + ",".join(parts) + ")"


def _required(sheet: L.Sheet, rows: int, lay: L.Layout) -> list[Target]:
    """R101: an item the form requires left empty (spec/requirements.py says which: not optional, not dependent on
    an answer, not in a part of Ⅲ switched off), and no システム named at all."""
    out = []
    form, sec = lay.form, sheet.section
    exempt = req.EXEMPT.get(form)
    for it in lay.spec.value_items():
        if it.section.key != sec.key or req.not_required(form, it):
            continue
        f = _Formula(sheet)
        kind = it.value_kind
        if kind == "checkboxes":
            marks = _marks(sheet, it.path, it)
            if not marks:
                continue
            at, cond = marks[0], f"NOT({_any_ticked(f, sheet, marks)})"
        elif kind == "list":
            if sheet.rows is None or sheet.rows.path != it.path:
                continue
            col = next(c.col for c in sheet.rows.cells if c.role == L.LIST_ROW)
            at = (sheet.rows.first_row, col)
            cells = f.range(at, (sheet.rows.first_row + max(rows, 1) - 1, col))
            cond = f"SUMPRODUCT(--(LEN({_nospace(cells)})>0))=0"
        elif kind in ("text", "date", "count", "choice"):
            at = _at(sheet, it.path)
            if at is None:
                continue
            cond = _blank(f.cell(sheet, at))
        else:
            continue
        conds = [cond]
        if exempt and it.path.startswith(exempt[0]):
            where = _sheet_of(lay, exempt[1][0].split(".")[0], None)
            conds.append("NOT(OR(" + ",".join(  # a date only when it reads as one (rules/required.py: is_filled)
                f"ISNUMBER({f.cell(CALC_SHEET, _date_keys(lay, where, _at(where, p))[0])})"
                if lay.spec.item(p).value_kind == "date" else _substantive(f.cell(where, _at(where, p)))
                for p in exempt[1]) + "))")
        off = _switched_off(f, lay, sheet, it)
        if off is not None:
            conds.append(f"NOT({off})")
        out.append(f.target(at, conds[0] if len(conds) == 1 else "AND(" + ",".join(conds) + ")"))
    section, group, key = req.SYSTEM_NAME.split(".")
    if sec.key == section:
        f = _Formula(sheet)
        slots = [p for k in range(1, lay.spec.item(f"{section}.{group}").max + 1)
                 if (p := _at(sheet, f"{section}.{group}[{k}].{key}")) is not None]
        out.append(f.target(slots[0], "AND(" + ",".join(_blank(f.cell(sheet, p)) for p in slots) + ")"))
    return out


def _itaku_vs_box(sheet: L.Sheet, rows: int, lay: L.Layout) -> list[Target]:
    """R203: Ⅱ-4 委託しない ⇔ Ⅲ-4 委託しない ticked."""
    box, opt = req.ITAKU_BOX
    at = _at(sheet, box, opt) if sheet.section.key == "III" else None
    ii = _sheet_of(lay, "II", sheet.file_no)
    if at is None or ii is None:
        return []
    f = _Formula(sheet)
    u, b = f.cell(ii, _at(ii, req.ITAKU[0])), f.cell(sheet, at)
    return [f.target(at, f"OR(AND({_is(u, req.ITAKU[2])},NOT({_ticked(b)})),AND({_is(u, req.ITAKU[1])},{_ticked(b)}))")]


def _teikyo_vs_box(sheet: L.Sheet, rows: int, lay: L.Layout) -> list[Target]:
    """R212: Ⅱ-5 行っていない (only) ⇔ Ⅲ-5 提供・移転しない ticked."""
    box, opt = req.TEIKYO_BOX
    at = _at(sheet, box, opt) if sheet.section.key == "III" else None
    ii = _sheet_of(lay, "II", sheet.file_no)
    if at is None or ii is None:
        return []
    f = _Formula(sheet)
    path, _, some = req.TEIKYO
    b = f.cell(sheet, at)
    none = _only_none(f, lay, ii)
    any_some = "OR(" + ",".join(_ticked(f.cell(ii, _at(ii, path, o))) for o in some) + ")"
    return [f.target(at, f"OR(AND({none},NOT({_ticked(b)})),AND({any_some},{_ticked(b)}))")]


def _renkei_vs_boxes(sheet: L.Sheet, rows: int, lay: L.Layout) -> list[Target]:
    """R220: 情報連携 実施しない ⇒ both 接続しない boxes ticked in every file; 実施する ⇒ not both ticked in every
    file (reported at each file's first box)."""
    box, opts = req.RENKEI_BOXES
    if sheet.section.key != "III" or _at(sheet, box, opts[0]) is None:
        return []
    i = _sheet_of(lay, "I", None)
    out = []
    for n, opt in enumerate(opts):
        f = _Formula(sheet)
        at = _at(sheet, box, opt)
        r = f.cell(i, _at(i, req.RENKEI[0]))
        cond = f"AND({_is(r, req.RENKEI[2])},NOT({_ticked(f.cell(sheet, at))}))"
        if n == 0:
            every = []
            for k in range(1, lay.files + 1):
                iii = _sheet_of(lay, "III", k)
                every += [_ticked(f.cell(iii, _at(iii, box, o))) for o in opts]
            cond = f"OR({cond},AND({_is(r, req.RENKEI[1])},{','.join(every)}))"
        out.append(f.target(at, cond))
    return out


def _negative(code: str, explained: bool = False) -> Callable[[L.Sheet, int, L.Layout], list[Target]]:
    """R204, R205, R213, R221, R231, R260: a negative answer (``empty_when`` in the spec with this code) and the items
    it empties filled in (more than a placeholder; a checkbox item: a box ticked); ``explained``: a text that
    explains the answer is accepted (R260, :func:`_explains`)."""
    def make(sheet: L.Sheet, rows: int, lay: L.Layout) -> list[Target]:
        found: dict[tuple[int, int], tuple[_Formula, str, list[str]]] = {}
        for item, e, targets in _empty_when(lay.form, code):
            for t in targets:
                if t.section.key != sheet.section.key or t.kind == "repeat":
                    continue
                for block in _blocks(sheet, t):
                    tpath = f"{block}.{t.key}" if block else t.path
                    apath = f"{block}.{item.key}" if block and item.repeat is t.repeat else item.path
                    where = sheet if item.section.key == sheet.section.key else \
                        _sheet_of(lay, item.section.key, sheet.file_no)
                    if t.value_kind == "checkboxes":
                        marks = _marks(sheet, tpath, t)
                        at = marks[0] if marks else None
                    else:
                        marks, at = [], _at(sheet, tpath)
                    if at is None or _at(where, apath, e.tick) is None:
                        continue
                    if at not in found:
                        f = _Formula(sheet)
                        what = _any_ticked(f, sheet, marks) if marks else _substantive(f.cell(sheet, at))
                        if explained and not marks:
                            what = f"AND({what},{f.cell(CALC_SHEET, (_explains(lay, sheet, at), HELPER_COL))}=0)"
                        found[at] = (f, what, [])
                    f, _, answers = found[at]
                    if e.tick:
                        answers.append(_ticked(f.cell(where, _at(where, apath, e.tick))))
                    else:
                        a = f.cell(where, _at(where, apath))
                        answers += [_is(a, ans) for ans in e.answers]
        return [f.target(at, f"AND(OR({','.join(answers)}),{what})") for at, (f, what, answers) in found.items()]
    return make


def _ws_as_spaces(x: str) -> str:
    """``x`` with 全角スペース, tab and line breaks as spaces (as long as ``x``: positions stay)."""
    for sp in _SPACES[1:]:
        x = f'SUBSTITUTE({x},{sp}," ")'
    return x


def _explains(c: "_Ctx", sheet: L.Sheet, at: tuple[int, int]) -> int:
    """The row of the helper cell that is 1 when the text at ``at`` explains a negative answer
    (spec/requirements.explains), computed in steps on helper cells: the text stripped (its first and last
    character other than a space found by TRIM; the n-th occurrence of the last one by SUBSTITUTE), without a
    final stop, its first sentence (after a ＜…＞ tag closed on its first line); for each, the longest ending it
    ends with and the last ``span`` + 3 characters before it on its line (a line break widened past them), in
    which FIND (exact: no wildcards, case and width kept) looks for a reason."""
    reasons, seps, span, endings, stops, anywhere, opens, closes, end = req.EXPLAINS
    big = 10 ** 6

    def helper(make: Callable[[_Formula], str]) -> int:
        f = _Formula(CALC_SHEET)
        return c.helper(f, make(f))

    def ref(row: int) -> Callable[[_Formula], str]:
        return lambda f: f.cell(CALC_SHEET, (row, HELPER_COL))

    def first_of(f: _Formula, x: str, what: str) -> str:
        return f"IF(ISNUMBER(FIND({what},{x})),FIND({what},{x}),{big})"

    def strip(f: _Formula, raw: str, u: str, lead_only: bool) -> str:
        t = f"TRIM({u})"
        start = f"FIND(LEFT({t},1),{u})"
        if lead_only:
            return f'IF(LEN({t})=0,"",MID({raw},{start},32767))'
        last = f"RIGHT({t},1)"
        stop = f'FIND(CHAR(10),SUBSTITUTE({u},{last},CHAR(10),LEN({u})-LEN(SUBSTITUTE({u},{last},""))))'
        return f'IF(LEN({t})=0,"",MID({raw},{start},{stop}-{start}+1))'

    def ends(e: Callable[[_Formula], str]) -> Callable[[_Formula], str]:
        def make(f: _Formula) -> str:
            x = e(f)
            w = "0"
            for word in sorted(endings, key=len):
                w = f'IF(EXACT(RIGHT({x},{len(word)}),"{word}"),{len(word)},{w})'
            return w
        return make

    def reason_near(e: Callable[[_Formula], str], w: Callable[[_Formula], str]) -> Callable[[_Formula], str]:
        def make(f: _Formula) -> str:
            x, n = e(f), w(f)
            head = f"LEFT({x},LEN({x})-{n})"
            return f'RIGHT(SUBSTITUTE(SUBSTITUTE({head},CHAR(13),CHAR(10)),CHAR(10),REPT(" ",{span + 3})),{span + 3})'
        return make

    def near(z: Callable[[_Formula], str], w: Callable[[_Formula], str]) -> Callable[[_Formula], str]:
        def make(f: _Formula) -> str:
            x, n = z(f), w(f)
            found = [f'ISNUMBER(FIND("{r}",RIGHT({x},{span + 2})))' for r in reasons]
            found += [f'ISNUMBER(FIND("{r}{sep}",{x}))' for r in reasons for sep in seps]
            return f"IF(AND({n}>0,OR({','.join(found)})),1,0)"
        return make

    def closes_text(e: Callable[[_Formula], str]) -> int:
        w = helper(ends(e))
        z = helper(reason_near(e, ref(w)))
        return helper(near(ref(z), ref(w)))

    u = helper(lambda f: _ws_as_spaces(f.cell(sheet, at)))
    a = helper(lambda f: strip(f, f.cell(sheet, at), ref(u)(f), False))
    e = helper(lambda f: (lambda x: "IF(OR(" + ",".join(f'EXACT(RIGHT({x},1),"{st}")' for st in stops)
                          + f"),LEFT({x},LEN({x})-1),{x})")(ref(a)(f)))

    def tag(f: _Formula) -> str:
        x = ref(a)(f)
        opened = "OR(" + ",".join(f'EXACT(LEFT({x},1),"{o}")' for o in opens) + ")"
        k = "MIN(" + ",".join(first_of(f, x, f'"{cl}"') for cl in closes) + ")"
        line = f"MIN({first_of(f, x, 'CHAR(10)')},{first_of(f, x, 'CHAR(13)')})"
        return f"IF(AND({opened},{k}<{line}),{k},0)"
    k = helper(tag)
    r = helper(lambda f: (lambda rest: strip(f, rest, _ws_as_spaces(rest), True))(
        f"MID({ref(a)(f)},{ref(k)(f)}+1,32767)"))
    first = helper(lambda f: (lambda x: f'LEFT({x},FIND("{end}",{x}&"{end}")-1)')(ref(r)(f)))
    p_text, p_first = closes_text(ref(e)), closes_text(ref(first))

    def result(f: _Formula) -> str:
        x = ref(a)(f)
        anywhere_ = [f'ISNUMBER(FIND("{w}",{x}))' for w in anywhere]
        return (f'IF(LEN({x})=0,0,IF(OR({",".join(anywhere_)},{ref(p_text)(f)}=1,{ref(p_first)(f)}=1),1,0))')
    return helper(result)


@lru_cache(maxsize=None)
def _empty_when(form: str, code: str) -> tuple[tuple[Item, EmptyWhen, tuple[Item, ...]], ...]:
    """(answering item, its ``empty_when`` entry with this code, the items the entry empties)."""
    spec = load_spec(form)
    return tuple((it, e, tuple(spec.item(t) for t in e.items)
                  + tuple(x for h in e.under for x in spec.value_items() if _under(x, h)))
                 for it in spec.walk() for e in it.empty_when if e.code == code)


def _blocks(sheet: L.Sheet, item: Item) -> list[str]:
    """The paths (within the sheet) of the repeat blocks holding ``item`` (each slot), or [""] outside groups."""
    rep = item.repeat
    if rep is None:
        return [""]
    return [f"{rep.path}[{k}]" for k in range(1, rep.max + 1)]


# ---------------------------------------------------------------------------------------------- counts vs blocks
#: the column of the チェック計算 sheet holding helper cells (one value per repeat block), right of the checks
HELPER_COL = 8


class _Ctx:
    """What the compilers see: the layout (its attributes) and the helper cells they put on チェック計算."""

    def __init__(self, lay: L.Layout):
        self.lay = lay
        self.helpers: list[Target] = []
        self._groups: dict[tuple[str, str], tuple[tuple, tuple]] = {}

    def __getattr__(self, name):
        return getattr(self.lay, name)

    def helper(self, f: _Formula, formula: str) -> int:
        row = len(self.helpers) + 1
        self.helpers.append(Target(CALC_SHEET, row, HELPER_COL, formula, f.refs))
        return row

    def group(self, sheet: L.Sheet, path: str) -> tuple[tuple, tuple]:
        """The helper ranges (on チェック計算) of the repeat group ``path`` of ``sheet``: 1 per block in use, 1 per
        block sending the reader elsewhere (別紙 …) — as 5-tuples for :meth:`_Formula.other_range`."""
        key = (sheet.title, path)
        if key not in self._groups:
            used, refers = [], []  # each a run of consecutive rows
            blocks = [sorted((c.row, c.col, c.role) for c in sheet.cells
                             if c.role in L.VALUE_ROLES and b.first_row <= c.row <= b.last_row)
                      for b in sheet.blocks if b.path == path]
            for cells in blocks:
                f = _Formula(CALC_SHEET)
                parts = [_ticked(f.cell(sheet, (r, col))) if role == L.MARK_CELL else _present(f.cell(sheet, (r, col)))
                         for r, col, role in cells]
                used.append(self.helper(f, f"IF(OR({','.join(parts)}),1,0)"))
            for cells in blocks:
                f = _Formula(CALC_SHEET)
                parts = [f"SUMPRODUCT(--ISNUMBER(SEARCH({{list:refers}},{f.cell(sheet, (r, col))})))"
                         for r, col, role in cells if role != L.MARK_CELL]
                refers.append(self.helper(f, f"IF({'+'.join(parts)}>0,1,0)"))
            assert used == list(range(used[0], used[-1] + 1)) and refers == list(range(refers[0], refers[-1] + 1))
            self._groups[key] = ((CALC_SHEET, used[0], HELPER_COL, used[-1], HELPER_COL),
                                 (CALC_SHEET, refers[0], HELPER_COL, refers[-1], HELPER_COL))
        return self._groups[key]


def _count_disagrees(f: _Formula, n: str, used: str, refers: str, slots: int) -> str:
    """rules/consistency.count_agrees negated: the count is not a whole number ≥ 0, or it is neither the blocks in
    use nor more than them with a reason (more than the slots, or a block refers to a 別紙)."""
    return (f"NOT(AND(ISNUMBER({n}),{n}>=0,INT({n})={n},OR({n}=SUM({used}),"
            f"AND({n}>SUM({used}),OR({n}>{slots},SUM({refers})>0)))))")


def _itaku_count(sheet: L.Sheet, rows: int, c: _Ctx) -> list[Target]:
    """R201: 委託する with its count missing or not the 委託事項 blocks filled in."""
    count_path, blocks = req.ITAKU_COUNT
    at, u = _at(sheet, count_path), _at(sheet, req.ITAKU[0])
    if at is None or u is None:
        return []
    used, refers = c.group(sheet, blocks)
    f = _Formula(sheet)
    cond = _count_disagrees(f, f.cell(sheet, at), f.other_range(used[0], used[1:3], used[3:]),
                            f.other_range(refers[0], refers[1:3], refers[3:]), c.spec.item(blocks).max)
    return [f.target(at, f"AND({_is(f.cell(sheet, u), req.ITAKU[1])},{cond})")]


def _teikyo_count(sheet: L.Sheet, rows: int, c: _Ctx) -> list[Target]:
    """R210: 提供 / 移転を行っている ticked with its count missing or not the blocks filled in; blocks filled in
    while the box is not ticked (at the box)."""
    path = req.TEIKYO[0]
    out = []
    for opt, blocks in req.TEIKYO_BLOCKS.items():
        m, n = _at(sheet, path, opt), sheet.part.positions.get(path + names.option_suffix(opt, "count"))
        if m is None or n is None:
            continue
        used, refers = c.group(sheet, blocks)
        f = _Formula(sheet)
        cond = _count_disagrees(f, f.cell(sheet, n), f.other_range(used[0], used[1:3], used[3:]),
                                f.other_range(refers[0], refers[1:3], refers[3:]), c.spec.item(blocks).max)
        out.append(f.target(n, f"AND({_ticked(f.cell(sheet, m))},{cond})"))
        f = _Formula(sheet)
        out.append(f.target(m, f"AND(NOT({_ticked(f.cell(sheet, m))}),"
                               f"SUM({f.other_range(used[0], used[1:3], used[3:])})>0)"))
    return out


def _beyond_slots(sheet: L.Sheet, rows: int, c: _Ctx) -> list[Target]:
    """R209: a 委託 (委託する) or 提供 / 移転 (its box ticked) count, a whole number above the blocks the form has,
    while none of its blocks (the group's helper cells) nor Ⅱ 備考 (spec/requirements.REFERS_NOTE) refers to a
    別紙."""
    note = _at(sheet, req.REFERS_NOTE)
    if note is None:
        return []
    path = req.TEIKYO[0]
    counts = [(_at(sheet, req.ITAKU_COUNT[0]), lambda f: _is(f.cell(sheet, _at(sheet, req.ITAKU[0])), req.ITAKU[1]),
               req.ITAKU_COUNT[1])]
    counts += [(sheet.part.positions.get(path + names.option_suffix(opt, "count")),
                lambda f, opt=opt: _ticked(f.cell(sheet, _at(sheet, path, opt))), blocks)
               for opt, blocks in req.TEIKYO_BLOCKS.items()]
    out = []
    for at, answer, blocks in counts:
        if at is None:
            continue
        _, refers = c.group(sheet, blocks)
        f = _Formula(sheet)
        n = f.cell(sheet, at)
        out.append(f.target(at, f"AND({answer(f)},IF(ISNUMBER({n}),AND(INT({n})={n},{n}>{c.spec.item(blocks).max}),"
                                f"FALSE),SUM({f.other_range(refers[0], refers[1:3], refers[3:])})=0,"
                                f"NOT(SUMPRODUCT(--ISNUMBER(SEARCH({{list:refers}},{f.cell(sheet, note)})))>0))"))
    return out


def _network(sheet: L.Sheet, rows: int, c: _Ctx) -> list[Target]:
    """R222: 情報連携 実施する while no システム's ③他のシステムとの接続, no file's 入手方法 and no 提供先's 提供方法
    has 情報提供ネットワークシステム ticked (spec/requirements.NETWORK); one helper cell per sheet read (every slot of a
    repeat group: a ticked box makes its block used)."""
    at = _at(sheet, req.RENKEI[0])
    if at is None or sheet.section.key != req.RENKEI[0].split(".")[0]:
        return []
    option, items = req.NETWORK
    per_sheet: dict[str, tuple[L.Sheet, list[tuple[int, int]]]] = {}
    for tpath in items:
        item = c.spec.item(tpath)
        opt = next(i for i, o in enumerate(item.options, start=1) if o.label == option)
        # Python reads the labels of the model's ticks; an unticked box has one only with a （　） or 件数
        assert not item.options[opt - 1].detail and not item.options[opt - 1].count, tpath
        rep = item.repeat
        paths = [tpath] if rep is None else [f"{rep.path}[{k}].{item.key}" for k in range(1, rep.max + 1)]
        files = range(1, c.files + 1) if item.section.per_file else [None]
        for k in files:
            where = _sheet_of(c, item.section.key, k)
            marks = [p for p in (_at(where, q, opt) for q in paths) if p is not None]
            per_sheet.setdefault(where.title, (where, []))[1].extend(marks)
    rows_ = []
    for where, marks in per_sheet.values():
        f = _Formula(CALC_SHEET)
        rows_.append(c.helper(f, f"IF({_any_ticked(f, where, marks)},1,0)"))
    f = _Formula(sheet)
    helpers = f.other_range(CALC_SHEET, (rows_[0], HELPER_COL), (rows_[-1], HELPER_COL))
    return [f.target(at, f"AND({_is(f.cell(sheet, at), req.RENKEI[1])},SUM({helpers})=0)")]


def _shikiichi(sheet: L.Sheet, rows: int, c: _Ctx) -> list[Target]:
    """R240: the しきい値判断結果 states another obligation than Ⅰ ③対象人数 gives with 取扱者数 (使用者数 and
    委託先の取扱者数 of every file) and 重大事故: spec/requirements.py's table, evaluated here for every 対象人数
    choice and every case (取扱者数 ≥ 500 or 重大事故 certain / possible / neither); helper cells give the case."""
    spec, form = c.spec, c.form
    item = spec.role("shikiichi")
    at = _at(sheet, item.path) if sheet.section.key == item.section.key else None
    i = _sheet_of(c, "I", None)
    t_at = _at(i, req.TAISHO_NINZU)
    if at is None or t_at is None:
        return []
    sources = []  # (sheet, cell, its block's in-use helper or None, item)
    for k in range(1, c.files + 1):
        ii = _sheet_of(c, "II", k)
        for path in req.HANDLER_ITEMS:
            h = spec.item(path)
            if h.repeat is None:
                sources.append((ii, _at(ii, path), None, h))
                continue
            used, _ = c.group(ii, h.repeat.path)
            for slot in range(1, h.repeat.max + 1):
                sources.append((ii, _at(ii, f"{h.repeat.path}[{slot}].{h.key}"),
                                (CALC_SHEET, used[1] + slot - 1, HELPER_COL), h))

    def helpers(kind: str) -> tuple:
        rows_ = []
        for where, pos, used, h in sources:
            f = _Formula(CALC_SHEET)
            x = f.cell(where, pos)
            known = {ch: b for ch in h.choices if (b := req.bracket(ch)) is not None}
            if kind == "certain":
                cond = "OR(" + ",".join(_is(x, ch) for ch, b in known.items() if b[0] >= req.HANDLERS) + ")"
                value = f"IF({cond},1,0)"
            elif kind == "unknown":
                value = "IF(OR(" + ",".join(_is(x, ch) for ch in known) + "),0,1)"
            else:  # the bracket's top (high - 1), summed
                value = "0"
                for ch, b in reversed(known.items()):
                    value = f"IF({_is(x, ch)},{int(b[1]) - 1 if b[1] != req.INF else 10 ** 9},{value})"
            if used is not None:
                value = f"IF({f.cell(CALC_SHEET, used[1:])}=1,{value},0)"
            rows_.append(c.helper(f, value))
        return (CALC_SHEET, rows_[0], HELPER_COL, rows_[-1], HELPER_COL)

    certain, unknown, tops = helpers("certain"), helpers("unknown"), helpers("top")
    cf = _Formula(CALC_SHEET)
    cert_row = c.helper(cf, f"IF(SUM({cf.other_range(certain[0], certain[1:3], certain[3:])})>0,1,0)")
    f = _Formula(CALC_SHEET)
    accidents = []
    for k in range(1, c.files + 1):
        iii = _sheet_of(c, "III", k)
        j = f.cell(iii, _at(iii, req.JUUDAI_JIKO[0]))
        others = [ch for ch in spec.item(req.JUUDAI_JIKO[0]).choices if ch != req.JUUDAI_JIKO[1]]
        accidents.append("NOT(OR(" + ",".join(_is(j, ch) for ch in others) + "))")
    poss_row = c.helper(f, f"IF(OR(SUM({f.other_range(unknown[0], unknown[1:3], unknown[3:])})>0,"
                           f"SUM({f.other_range(tops[0], tops[1:3], tops[3:])})>={req.HANDLERS},"
                           + ",".join(accidents) + "),1,0)")
    f = _Formula(sheet)
    t, s_ = f.cell(i, t_at), f.cell(sheet, at)
    cert, poss = f.cell(CALC_SHEET, (cert_row, HELPER_COL)), f.cell(CALC_SHEET, (poss_row, HELPER_COL))
    cases = {(True, True): f"{cert}=1", (False, True): f"AND({cert}=0,{poss}=1)",
             (False, False): f"AND({cert}=0,{poss}=0)"}
    parts = []
    for tc in spec.item(req.TAISHO_NINZU).choices:
        b = req.bracket(tc)
        if b is None:
            continue
        for sc in item.choices:
            level = req.stated_level(sc)
            if level is None:
                continue
            bad = [cond for (ce, po), cond in cases.items()
                   if req.shikiichi_disagrees(form, level, req.obligation_range(b[1], ce, po))]
            if not bad:
                continue
            when = "" if len(bad) == len(cases) else "," + (bad[0] if len(bad) == 1 else f"OR({','.join(bad)})")
            parts.append(f"AND({_is(t, tc)},{_is(s_, sc)}{when})")
    return [f.target(at, "OR(" + ",".join(parts) + ")")] if parts else []


def _block_fields(sheet: L.Sheet, rows: int, c: _Ctx) -> list[Target]:
    """R102: a field left empty in a repeat block in use (システム, 委託事項, 提供先, 移転先: any cell filled, as the
    group's helper cells say), except the fields optional in a block and those that depend on an answer (R103's,
    spec/requirements.py)."""
    out = []
    dependents = req.dependents(c.form)
    for rep in (it for it in sheet.section.walk() if it.kind == "repeat"):
        if not any(b.path == rep.path for b in sheet.blocks):
            continue
        used, _ = c.group(sheet, rep.path)
        for slot in range(1, used[3] - used[1] + 2):
            for fld in rep.fields():
                tpath = f"{rep.path}.{fld.key}"
                if tpath in req.OPTIONAL_IN_BLOCK or tpath in dependents:
                    continue
                f = _Formula(sheet)
                path = f"{rep.path}[{slot}].{fld.key}"
                if fld.value_kind == "checkboxes":
                    marks = _marks(sheet, path, fld)
                    if not marks:
                        continue
                    at, empty = marks[0], f"NOT({_any_ticked(f, sheet, marks)})"
                else:
                    at = _at(sheet, path)
                    if at is None:
                        continue
                    empty = _blank(f.cell(sheet, at))
                out.append(f.target(at, f"AND({f.cell(CALC_SHEET, (used[1] + slot - 1, HELPER_COL))}=1,{empty})"))
    return out


def _no_opinions(x: str) -> str:
    """④主な意見の内容 says there were none (spec/requirements.no_opinions): filled with a placeholder only, or "意見"
    followed within a few characters of one line by なし …, or starting with 特になし. SEARCH's ? is any one
    character; each line break becomes more characters than the span, so no match runs across lines."""
    subject, span, _, start = req.NO_OPINIONS[2:]
    lines = x
    for br in ("CHAR(13)", "CHAR(10)"):
        lines = f"SUBSTITUTE({lines},{br},REPT(CHAR(10),{span + 1}))"
    return (f"AND({_filled(x)},OR(NOT({_substantive(x)}),SUMPRODUCT(--ISNUMBER(SEARCH({{list:no_opinions}},{lines})))>0,"
            f'EXACT(LEFT({x},{len(start)}),"{start}")))')


def _details_after(sheet: L.Sheet, rows: int, c: _Ctx) -> list[Target]:
    """R103: an item that applies under an answer (``applies_when`` in the spec) left empty under that answer — in
    every block in use when the answer is a block's — unless its part of Ⅲ is switched off, or (Ⅵ-2 ⑤評価書への
    反映) ④主な意見の内容 says there were no opinions. The answer is one of its ＜選択肢＞ (an unreadable one is
    R003's, as in Python)."""
    out = []
    spec = c.spec
    for dep in spec.value_items():
        cond = dep.applies_when
        if cond is None or dep.section.key != sheet.section.key:
            continue
        ans = spec.item(cond.item)
        where = sheet if ans.section.key == sheet.section.key else _sheet_of(c, ans.section.key, sheet.file_no)
        if ans.repeat is not None:
            rep = ans.repeat
            used, _ = c.group(where, rep.path)
            slots = [(f"{rep.path}[{k}].{ans.key}", f"{rep.path}[{k}].{dep.key}", (used[1] + k - 1, HELPER_COL))
                     for k in range(1, used[3] - used[1] + 2)]
        else:
            slots = [(ans.path, dep.path, None)]
        holding = [ch for ch in ans.choices if ch in cond.answers] if cond.answers else \
            [ch for ch in ans.choices if ch not in cond.unless]
        for apath, dpath, in_use in slots:
            a_at, d_at = _at(where, apath), _at(sheet, dpath)
            if a_at is None or d_at is None:
                continue
            f = _Formula(sheet)
            a = f.cell(where, a_at)
            conds = [f"{f.cell(CALC_SHEET, in_use)}=1"] if in_use else []
            conds += ["OR(" + ",".join(_is(a, ch) for ch in holding) + ")", _blank(f.cell(sheet, d_at))]
            off = _switched_off(f, c, sheet, dep)
            if off is not None:
                conds.append(f"NOT({off})")
            if dep.path == req.NO_OPINIONS[0]:
                conds.append(f"NOT({_no_opinions(f.cell(sheet, _at(sheet, req.NO_OPINIONS[1])))})")
            out.append(f.target(d_at, "AND(" + ",".join(conds) + ")"))
    return out


def _ninzu_vs_honnin(sheet: L.Sheet, rows: int, c: _Ctx) -> list[Target]:
    """R251: Ⅱ ②対象となる本人の数 a bracket that shares no number with Ⅰ ③対象人数's (every pair of ＜選択肢＞ whose
    ranges do not overlap, spec/requirements.bracket / overlap)."""
    spec = c.spec
    i = _sheet_of(c, "I", None)
    at, t_at = _at(sheet, req.HONNIN_SU), _at(i, req.TAISHO_NINZU)
    if sheet.section.key != req.HONNIN_SU.split(".")[0] or at is None or t_at is None:
        return []
    f = _Formula(sheet)
    t, h = f.cell(i, t_at), f.cell(sheet, at)
    pairs = [(tc, hc) for tc in spec.item(req.TAISHO_NINZU).choices if (a := req.bracket(tc)) is not None
             for hc in spec.item(req.HONNIN_SU).choices if (b := req.bracket(hc)) is not None and not req.overlap(a, b)]
    if not pairs:
        return []
    return [f.target(at, "OR(" + ",".join(f"AND({_is(t, tc)},{_is(h, hc)})" for tc, hc in pairs) + ")")]


def _odd_marks(sheet: L.Sheet, rows: int, lay: L.Layout) -> list[Target]:
    """R004: a ○ cell holding neither ○ (〇 ◯) nor a "no" mark (×, -, なし, 0 …: excel/values.py's marks and every
    way of writing them that NFKC reads as them)."""
    out = []
    for c in sheet.cells:
        if c.role == L.MARK_CELL:
            f = _Formula(sheet)
            m = f.cell(sheet, (c.row, c.col))
            out.append(f.target((c.row, c.col), f"AND({_filled(m)},NOT({_ticked(m)}),NOT({_one_of(m, 'untick')}))"))
    return out


def _table_row_gaps(sheet: L.Sheet, rows: int, c: _Ctx) -> list[Target]:
    """R602: a 変更箇所 row with any content (a whitespace-only 提出時期 is none, as the reader strips it) without
    its 変更日, 項目 or 提出時期, at the first of them missing; an empty 変更日 or 提出時期 below one given in a row
    above continues it (a merged cell). A 変更日 that is not a date is still one written (R002's)."""
    if sheet.rows is None or sheet.rows.item.path != c.spec.role("changes").path:
        return []
    col = {cell.field: cell.col for cell in sheet.rows.cells if cell.role == L.TABLE_ROW}
    first = sheet.rows.first_row
    out = []
    for r in range(first, first + rows):
        def missing(f: _Formula, fld: str) -> str:
            x = f.cell(sheet, (r, col[fld]))
            if fld == "item":
                return _blank(x)
            here = f"LEN({x})=0" if fld == "date" else _blank(x)
            if r == first:
                return here
            above = f.range((first, col[fld]), (r - 1, col[fld]))
            given = f"LEN({above})>0" if fld == "date" else f"LEN({_nospace(above)})>0"
            return f"AND({here},SUMPRODUCT(--({given}))=0)"
        for n, fld in enumerate(("date", "item", "timing")):
            f = _Formula(sheet)
            content = "OR(" + ",".join(_filled(f.cell(sheet, (r, col[k]))) if k == "timing" else
                                       _present(f.cell(sheet, (r, col[k]))) for k in L.TABLE_COLUMNS) + ")"
            conds = [content] + [f"NOT({missing(f, k)})" for k in ("date", "item", "timing")[:n]] + [missing(f, fld)]
            out.append(f.target((r, col[fld]), "AND(" + ",".join(conds) + ")"))
    return out


# ---------------------------------------------------------------------------------------------- 和暦 dates
#: SUBSTITUTEs per helper cell of a date's NFKC (Excel nests at most 64 functions)
_SUBS_PER_CELL = 60


def _char(ch: str) -> str:
    """A one-character text in a formula: control and space characters by their code."""
    if ch in "\t\n\r":
        return f"CHAR({ord(ch)})"
    return f'"{ch}"' if ch.isprintable() or ch == "\u3000" else f"_xlfn.UNICHAR({ord(ch)})"


@lru_cache(maxsize=1)
def _date_replacements() -> tuple[tuple[str, str], ...]:
    """The NFKC of every character that can become part of a 和暦 date (wareki.PARSE_CHARS), whitespace to
    nothing; those that give two Latin letters or two separators are left out (no date has them)."""
    return tuple((c, t) for c, t in compact_replacements(PARSE_CHARS)
                 if sum(ch.isascii() and ch.isalpha() for ch in t) < 2 and ".." not in t)


def _digits(x: str, most: int) -> str:
    """``x`` is 1 to ``most`` ASCII digits."""
    pos = ",".join(str(k) for k in range(1, most + 1))
    return (f'AND(LEN({x})>=1,LEN({x})<={most},'
            f'SUMPRODUCT(--ISNUMBER(FIND(MID({x}&"{"x" * most}",{{{pos}}},1),"0123456789")))=LEN({x}))')


def _date_keys(c: "_Ctx", sheet: L.Sheet, pos: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]]:
    """The helper cells (on チェック計算) of the first and last day of the date in ``pos`` of ``sheet``, as
    yyyymmdd numbers ("" when it is no date): WarekiDate.parse in formulas — every character NFKC makes part of
    a date replaced, whitespace removed ("令和７年２月", "㍻31年4月30日", "Ｒ7.2.25"), then "<元号>(元|N)年[N月[N日]]" or
    "<M T S H R>N[.N[.N]]" with one separator ("." "/" "-") throughout, the year at most 4 digits, month and day
    at most 2; the period must exist (leap years by the Gregorian rule, not Excel's 1900) and overlap its era,
    whose first and last days clip it (令和元年 starts on 1 May 2019). A number is an Excel date (its day)."""
    cache = c.__dict__.setdefault("_date_cells", {})
    key = (sheet.title, pos)
    if key in cache:
        return cache[key]

    def cell(formula: Callable[[_Formula], str]) -> tuple[int, int]:
        f = _Formula(CALC_SHEET)
        return c.helper(f, formula(f)), HELPER_COL

    def at(f: _Formula, h: tuple[int, int]) -> str:
        return f.cell(CALC_SHEET, h)

    reps = _date_replacements()
    prev = None
    for k in range(0, len(reps), _SUBS_PER_CELL):
        def chain(f: _Formula, k=k, prev=prev) -> str:
            x = f.cell(sheet, pos) if prev is None else at(f, prev)
            for ch, to in reps[k:k + _SUBS_PER_CELL]:
                x = f'SUBSTITUTE({x},{_char(ch)},"{to}")'
            return x
        prev = cell(chain)
    n = prev
    eras = "".join(e.name for e in ERAS)
    letters = "".join(e.letter for e in ERAS) + "".join(e.letter.lower() for e in ERAS)
    # 1–5: an era name, 11–15: its letter, 0: neither
    kind = cell(lambda f: (
        f'IF(AND(LEN({at(f, n)})>=2,ISNUMBER(FIND(LEFT({at(f, n)},2),"{eras}"))),'
        f'IF(MOD(FIND(LEFT({at(f, n)},2),"{eras}"),2)=1,(FIND(LEFT({at(f, n)},2),"{eras}")+1)/2,0),'
        f'IF(AND(LEN({at(f, n)})>=1,ISNUMBER(FIND(LEFT({at(f, n)},1),"{letters}"))),'
        f'MOD(FIND(LEFT({at(f, n)},1),"{letters}")-1,{len(ERAS)})+11,0))'))
    rest = cell(lambda f: f"MID({at(f, n)},IF({at(f, kind)}>10,2,3),LEN({at(f, n)}))")
    # the year's end: 年, or the first separator (past the end: none)
    p = cell(lambda f: (
        f"IF({at(f, kind)}>10,MIN(" + ",".join(f'IFERROR(FIND("{sep}",{at(f, rest)}),LEN({at(f, rest)})+1)'
                                             for sep in "./-")
        + f'),IFERROR(FIND("年",{at(f, rest)}),0))'))
    year_t = cell(lambda f: f'IF({at(f, p)}=0,"#",LEFT({at(f, rest)},{at(f, p)}-1))')
    after = cell(lambda f: f"MID({at(f, rest)},{at(f, p)}+1,LEN({at(f, rest)}))")
    q = cell(lambda f: (f'IF({at(f, kind)}>10,IF({at(f, p)}>LEN({at(f, rest)}),0,IFERROR(FIND(MID({at(f, rest)},'
                         f'{at(f, p)},1),{at(f, after)}),0)),IFERROR(FIND("月",{at(f, after)}),0))'))
    # month and day as "~" and their text, "" when not written
    month_t = cell(lambda f: (
        f'IF({at(f, kind)}>10,IF({at(f, p)}>LEN({at(f, rest)}),"","~"&IF({at(f, q)}=0,{at(f, after)},'
        f'LEFT({at(f, after)},{at(f, q)}-1))),IF(LEN({at(f, after)})=0,"","~"&IF({at(f, q)}=0,"#",'
        f'LEFT({at(f, after)},{at(f, q)}-1))))'))
    day_t = cell(lambda f: (
        f'IF({at(f, q)}=0,"",IF({at(f, kind)}>10,"~"&MID({at(f, after)},{at(f, q)}+1,LEN({at(f, after)})),'
        f'IF({at(f, q)}=LEN({at(f, after)}),"","~"&IF(EXACT(RIGHT({at(f, after)},1),"日"),'
        f'MID({at(f, after)},{at(f, q)}+1,LEN({at(f, after)})-{at(f, q)}-1),"#"))))'))
    # the numbers: 0 not written, -1 not a number of the pattern (or 0)
    year = cell(lambda f: (
        f'IF(AND({at(f, kind)}<10,EXACT({at(f, year_t)},"元")),1,'
        f'IF({_digits(at(f, year_t), 4)},VALUE({at(f, year_t)}),-1))'))

    def part(t: tuple[int, int]):
        def formula(f: _Formula) -> str:
            x = f"MID({at(f, t)},2,LEN({at(f, t)}))"
            return f'IF(LEN({at(f, t)})=0,0,IF({_digits(x, 2)},IF(VALUE({x})>0,VALUE({x}),-1),-1))'
        return formula
    month, day = cell(part(month_t)), cell(part(day_t))
    e = "MOD({k},10)"
    starts = ",".join(str(era.start.year) for era in ERAS)
    # the Gregorian year, 0 when the text is no date of the pattern
    greg = cell(lambda f: (
        f"IF(OR({at(f, kind)}=0,{at(f, year)}<1,{at(f, month)}<0,{at(f, day)}<0),0,"
        f"CHOOSE({e.format(k=at(f, kind))},{starts})+{at(f, year)}-1)"))
    dim = cell(lambda f: (
        f"IFERROR(CHOOSE({at(f, month)},31,IF(OR(AND(MOD({at(f, greg)},4)=0,MOD({at(f, greg)},100)<>0),"
        f"MOD({at(f, greg)},400)=0),29,28),31,30,31,30,31,31,30,31,30,31),0)"))

    def ymd(d) -> str:
        return str(d.year * 10000 + d.month * 100 + d.day)
    first_days = ",".join(ymd(era.start) for era in ERAS)
    last_days = ",".join(ymd(era.end) for era in ERAS)

    def bound(last: bool):
        def formula(f: _Formula) -> str:
            x, g, m, d, k = f.cell(sheet, pos), at(f, greg), at(f, month), at(f, day), at(f, kind)
            lo = f"{g}*10000+IF({m}=0,101,{m}*100+IF({d}=0,1,{d}))"
            hi = f"{g}*10000+IF({m}=0,1231,{m}*100+IF({d}=0,{at(f, dim)},{d}))"
            era_lo, era_hi = f"CHOOSE({e.format(k=k)},{first_days})", f"CHOOSE({e.format(k=k)},{last_days})"
            ok = f"AND({g}>0,{g}<={dt.MAXYEAR},{m}<=12,{d}<={at(f, dim)},{hi}>={era_lo},{lo}<={era_hi})"
            day_ = f"YEAR({x})*10000+MONTH({x})*100+DAY({x})"
            value = f"MIN({hi},{era_hi})" if last else f"MAX({lo},{era_lo})"
            return f'IF(ISNUMBER({x}),IFERROR({day_},""),IF({g}=0,"",IF({ok},{value},"")))'
        return formula
    out = cell(bound(False)), cell(bound(True))
    cache[key] = out
    return out


def _dates_after_kohyo(sheet: L.Sheet, rows: int, c: _Ctx) -> list[Target]:
    """R301: a 実施日 (提出日, 承認日) certainly later than the 公表日 (its first day after the 公表日's last), at
    the date; the 変更日 of the 変更箇所 rows, once, at the first late row (helper cells: each row late or not)."""
    spec = c.spec
    kohyo_sheet = _sheet_of(c, req.KOHYO_BI.split(".")[0], None)
    kohyo = _at(kohyo_sheet, req.KOHYO_BI)
    if kohyo is None:
        return []
    out = []

    def late(f: _Formula, where: L.Sheet, pos: tuple[int, int]) -> str:
        first, _ = _date_keys(c, where, pos)
        _, k_last = _date_keys(c, kohyo_sheet, kohyo)
        a, b = f.cell(CALC_SHEET, first), f.cell(CALC_SHEET, k_last)
        return f"AND(ISNUMBER({a}),ISNUMBER({b}),N({a})>N({b}))"
    for path, _ in req.dates_before_kohyo(c.form):
        at = _at(sheet, path) if sheet.section.key == path.split(".")[0] else None
        if at is not None:
            f = _Formula(sheet)
            out.append(f.target(at, late(f, sheet, at)))
    if sheet.rows is not None and sheet.rows.item.path == spec.role("changes").path:
        col = next(cell.col for cell in sheet.rows.cells if cell.role == L.TABLE_ROW and cell.field == "date")
        _date_keys(c, kohyo_sheet, kohyo)
        for r in range(sheet.rows.first_row, sheet.rows.first_row + rows):  # their helper cells first,
            _date_keys(c, sheet, (r, col))
        flags = []  # then the rows' flags, in a run of consecutive helper cells
        for r in range(sheet.rows.first_row, sheet.rows.first_row + rows):
            f = _Formula(CALC_SHEET)
            flags.append(c.helper(f, f"IF({late(f, sheet, (r, col))},1,0)"))
        assert flags == list(range(flags[0], flags[0] + len(flags)))
        for i, r in enumerate(range(sheet.rows.first_row, sheet.rows.first_row + rows)):
            f = _Formula(sheet)
            cond = f"{f.cell(CALC_SHEET, (flags[i], HELPER_COL))}=1"
            if i:
                cond = (f"AND({cond},SUM({f.other_range(CALC_SHEET, (flags[0], HELPER_COL), (flags[i - 1], HELPER_COL))})"
                        "=0)")
            out.append(f.target((r, col), cond))
    return out


def _reassessment_due(sheet: L.Sheet, rows: int, c: _Ctx) -> list[Target]:
    """R302: the 公表日, and the later of the two 実施日 (基礎項目評価 on a tie), whose last day plus
    REASSESS_YEARS years (29 February: the 28th when that year has none) is before today — TODAY(), the date
    of the PC, as ``validate`` takes the date of the machine it runs on."""
    kohyo_sheet = _sheet_of(c, req.KOHYO_BI.split(".")[0], None)
    jisshi = [p for p, _ in req.dates_before_kohyo(c.form)[:2]]
    j_sheet = _sheet_of(c, jisshi[0].split(".")[0], None)
    cells = [(kohyo_sheet, req.KOHYO_BI)] + [(j_sheet, p) for p in jisshi]
    if not any(w is sheet for w, _ in cells) or any(_at(w, p) is None for w, p in cells):
        return []
    years = req.REASSESS_YEARS
    today = "(YEAR(TODAY())*10000+MONTH(TODAY())*100+DAY(TODAY()))"

    def due(x: str) -> str:
        y = f"(INT(N({x})/10000)+{years})"
        leap = f"OR(AND(MOD({y},4)=0,MOD({y},100)<>0),MOD({y},400)=0)"
        return f"N({x})+{years * 10000}-IF(AND(MOD(N({x}),10000)=229,NOT({leap})),1,0)<{today}"
    out = []
    for i, (where, path) in enumerate(cells):
        if where is not sheet:
            continue
        f = _Formula(sheet)
        last = f.cell(CALC_SHEET, _date_keys(c, where, _at(where, path))[1])
        conds = [f"ISNUMBER({last})"]
        if i:  # the later 実施日 only
            other = f.cell(CALC_SHEET, _date_keys(c, j_sheet, _at(j_sheet, jisshi[2 - i]))[1])
            conds.append(f"OR(NOT(ISNUMBER({other})),N({last}){'>=' if i == 1 else '>'}N({other}))")
        out.append(f.target(_at(where, path), "AND(" + ",".join(conds + [due(last)]) + ")"))
    return out


#: code, 重要度, what is counted, the compiler (sheet, data rows of its list or table → targets)
CHECKS: list[tuple[str, str, str, Callable[[L.Sheet, int, L.Layout], list[Target]]]] = [
    ("R004", ERROR, "チェック欄に○以外の記号（×・－・なし等は○なしとして読む）", _odd_marks),
    ("R101", ERROR, "必須項目が未記入", _required),
    ("R102", ERROR, "記入したブロック（システム・委託事項・提供先・移転先）の項目が未記入", _block_fields),
    ("R103", ERROR, "回答に応じて必要な記載（具体的な方法・再委託の許諾方法など）が未記入", _details_after),
    ("R104", ERROR, "「その他」に○があるが（　）の内容が未記入", lambda s, n, lay: _details(s, other=True)),
    ("R105", WARNING, "（　）のある選択肢に○があるが内容が未記入", lambda s, n, lay: _details(s, other=False)),
    ("R106", WARNING, "○のない選択肢に（　）の内容や件数が書かれている", lambda s, n, lay: _untick_written(s)),
    ("R201", ERROR, "委託の有無の件数と委託事項の数が合わない", _itaku_count),
    ("R202", ERROR, "委託しないのに委託事項が記入されている", lambda s, n, lay: _itaku_none_blocks(s)),
    ("R203", ERROR, "Ⅱ-4 委託の有無とⅢ-4「委託しない」の○が合わない", _itaku_vs_box),
    ("R204", ERROR, "委託しないのにⅢ-4（委託のリスク対策）が記入されている", _negative("R204")),
    ("R205", ERROR, "再委託しないのに再委託の許諾方法・再委託事項が記入されている", _negative("R205")),
    ("R209", WARNING, "件数が記入欄（20件）を超えるのに別紙・別添の参照がない", _beyond_slots),
    ("R210", ERROR, "提供・移転の件数と提供先・移転先の数が合わない", _teikyo_count),
    ("R211", ERROR, "「行っていない」と「提供（移転）を行っている」に同時に○", lambda s, n, lay: _teikyo_none_and_some(s)),
    ("R212", ERROR, "Ⅱ-5 提供・移転の有無とⅢ-5「提供・移転しない」の○が合わない", _teikyo_vs_box),
    ("R213", ERROR, "提供・移転しないのにⅢ-5（提供・移転のリスク対策）が記入されている", _negative("R213")),
    ("R220", ERROR, "Ⅰ 情報連携の実施の有無とⅢ-6「接続しない」の○が合わない", _renkei_vs_boxes),
    ("R221", ERROR, "「接続しない」に○があるのに対応するⅢ-6のリスク対策が記入されている", _negative("R221")),
    ("R222", WARNING, "情報連携を実施するのに情報提供ネットワークシステムとの接続がどこにもない", _network),
    ("R230", ERROR, "重大事故「発生あり」なのにその内容・再発防止策が未記入", lambda s, n, lay: _juudai_jiko(s)),
    ("R231", WARNING, "重大事故「発生なし」なのにその内容・再発防止策が記入されている", _negative("R231")),
    ("R240", ERROR, "しきい値判断結果が対象人数・取扱者数・重大事故と合わない", _shikiichi),
    ("R251", ERROR, "Ⅰ 対象人数とⅡ 対象となる本人の数の範囲が重ならない", _ninzu_vs_honnin),
    ("R260", WARNING, "「行っていない」「定めていない」などの回答なのに、その内容が記入されている",
     _negative("R260", explained=True)),
    ("R301", ERROR, "日付の前後関係が誤っている（実施日・変更日が公表日より後）", _dates_after_kohyo),
    ("R302", WARNING, "前回の評価から5年以上経過（再評価の時期）", _reassessment_due),
    ("R502", ERROR, "作成者向けの印（【要確認】など）が残っている", lambda s, n, lay: _markers(s, n)),
    ("R602", ERROR, "変更箇所の行に変更日・項目・提出時期の記入漏れ", _table_row_gaps),
]
#: the codes of the rules computed in the workbook (the catalogue's "live" rules)
LIVE_CODES = frozenset(code for code, *_ in CHECKS)


class Checks(list):
    """The live checks of a workbook (a list of :class:`LiveCheck`) and the helper cells they read (``helpers``:
    targets on チェック計算, column :data:`HELPER_COL`, row = their ``row``)."""

    helpers: list[Target]


def compile_checks(lay: L.Layout, data_rows: dict[str, int]) -> Checks:
    """The live checks of a workbook of layout ``lay``; ``data_rows``: sheet title → rows of its list or table."""
    out = Checks()
    ctx = _Ctx(lay)
    for code, severity, what, make in CHECKS:
        check = LiveCheck(code, severity, what)
        for sheet in lay.sheets:
            check.targets += make(sheet, data_rows.get(sheet.title, 0), ctx)
        out.append(check)
    out.helpers = ctx.helpers
    return out


# ---------------------------------------------------------------------------------------------- rendering
_PLACE = re.compile(r"\{(list:)?(\w+)\}")


def render(t: Target, lists: dict[str, str], *, sheet_prefix: str = "", absolute: bool = True,
           origin: tuple[int, int] | None = None) -> str:
    """The formula of ``t``: cells as ``'sheet'!$C$5`` (absolute), or relative to ``origin`` — the first cell of a
    conditional format's range, whose formula is written for that cell and shifts with the others. Cells of
    another sheet are always absolute, with their sheet's name."""
    def a1(row: int, col: int) -> str:
        if origin is not None:
            row, col = row - t.row + origin[0], col - t.col + origin[1]
        return f"${L.col_letter(col)}${row}" if absolute else L.ref(row, col)

    def sub(m: re.Match) -> str:
        if m.group(1):
            return lists[m.group(2)]
        r = t.refs[m.group(2)]
        if len(r) == 5:
            return (f"{L.quote_sheet(r[0])}!${L.col_letter(r[2])}${r[1]}:"
                    f"${L.col_letter(r[4])}${r[3]}")
        if len(r) == 3:
            return f"{L.quote_sheet(r[0])}!${L.col_letter(r[2])}${r[1]}"
        if len(r) == 4:
            return f"{sheet_prefix}{a1(r[0], r[1])}:{a1(r[2], r[3])}"
        return sheet_prefix + a1(*r)
    return _PLACE.sub(sub, t.formula)


def shape(t: Target) -> tuple:
    """Targets of the same shape share one conditional format (same formula, same relative positions, same cells
    of other sheets)."""
    def rel(r: tuple) -> tuple:
        if len(r) in (3, 5):
            return r
        if len(r) == 4:
            return (r[0] - t.row, r[1] - t.col, r[2] - t.row, r[3] - t.col)
        return (r[0] - t.row, r[1] - t.col)
    return (t.sheet, t.formula, t.col, tuple(sorted((k, rel(r)) for k, r in t.refs.items())))
