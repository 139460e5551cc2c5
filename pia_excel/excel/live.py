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
and LibreOffice all compute are used: AND, OR, NOT, LEN, TRIM, SUBSTITUTE, ISNUMBER, MATCH, SEARCH, SUMPRODUCT,
IF, SUM, MIN, INDEX, HYPERLINK.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ..spec.text import AUTHOR_MARKER_WORDS
from . import layout as L
from .values import TICK_MARKS, UNTICK_MARKS

CHECK_SHEET = L.CHECK_SHEET
CALC_SHEET = L.CALC_SHEET
ERROR, WARNING = "エラー", "警告"


@dataclass
class Target:
    """One checked cell: ``formula`` with ``{name}`` placeholders for the cells in ``refs`` (row, column), all on
    ``sheet``; ``{list:key}`` for a list on the hidden 選択肢 sheet."""

    sheet: str
    row: int
    col: int
    formula: str
    refs: dict[str, tuple[int, int]]


@dataclass
class LiveCheck:
    code: str  # the rule's code (rules/)
    severity: str
    what: str  # Japanese: what a cell counted here has
    targets: list[Target] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- conditions
def _blank(x: str) -> str:
    return f'LEN(TRIM(SUBSTITUTE({x},"　","")))=0'


def _filled(x: str) -> str:
    return f'LEN(TRIM(SUBSTITUTE({x},"　","")))>0'


def _ticked(x: str) -> str:
    return "OR(" + ",".join(f'TRIM({x})="{m}"' for m in sorted(TICK_MARKS)) + ")"


def _not_ticked(x: str) -> str:
    """Empty or a "no" mark (×, -, なし …): not a tick and not an unreadable mark (R004's)."""
    return f'OR({_blank(x)},ISNUMBER(MATCH(TRIM({x})&"",{{list:untick}},0)))'


#: lists the formulas look up, written to the hidden 選択肢 sheet
LISTS: dict[str, tuple[str, ...]] = {
    "untick": tuple(sorted(UNTICK_MARKS)),
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
    umu = values.get("II.itaku_umu")
    if umu is None:
        return []
    refs = {"u": (umu.row, umu.col)}
    none = 'TRIM({u})="委託しない"'
    out = []
    for b in sheet.blocks:
        if b.path != "II.itaku_jiko":
            continue
        cells = sorted((c.row, c.col, c.role) for c in sheet.cells
                       if c.role in L.VALUE_ROLES and b.first_row <= c.row <= b.last_row)
        parts, brefs = [], dict(refs)
        for i, (r, col, role) in enumerate(cells):
            brefs[f"c{i}"] = (r, col)
            parts.append(_ticked(f"{{c{i}}}") if role == L.MARK_CELL else _filled(f"{{c{i}}}"))
        first = cells[0]
        out.append(Target(sheet.title, first[0], first[1], f"AND({none},OR({','.join(parts)}))", brefs))
    count = values.get("II.itaku_umu_count")
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


#: code, 重要度, what is counted, the compiler (sheet, data rows of its list or table → targets)
CHECKS: list[tuple[str, str, str, Callable[[L.Sheet, int], list[Target]]]] = [
    ("R104", ERROR, "「その他」に○があるが（　）の内容が未記入", lambda s, n: _details(s, other=True)),
    ("R105", WARNING, "（　）のある選択肢に○があるが内容が未記入", lambda s, n: _details(s, other=False)),
    ("R106", WARNING, "○のない選択肢に（　）の内容や件数が書かれている", lambda s, n: _untick_written(s)),
    ("R202", ERROR, "委託しないのに委託事項が記入されている", lambda s, n: _itaku_none_blocks(s)),
    ("R211", ERROR, "「行っていない」と「提供（移転）を行っている」に同時に○", lambda s, n: _teikyo_none_and_some(s)),
    ("R230", ERROR, "重大事故「発生あり」なのにその内容・再発防止策が未記入", lambda s, n: _juudai_jiko(s)),
    ("R502", ERROR, "作成者向けの印（【要確認】など）が残っている", _markers),
]
#: the codes of the rules computed in the workbook (the catalogue's "live" rules)
LIVE_CODES = frozenset(code for code, *_ in CHECKS)


def compile_checks(lay: L.Layout, data_rows: dict[str, int]) -> list[LiveCheck]:
    """The live checks of a workbook of layout ``lay``; ``data_rows``: sheet title → rows of its list or table."""
    out = []
    for code, severity, what, make in CHECKS:
        check = LiveCheck(code, severity, what)
        for sheet in lay.sheets:
            check.targets += make(sheet, data_rows.get(sheet.title, 0))
        out.append(check)
    return out


# ---------------------------------------------------------------------------------------------- rendering
_PLACE = re.compile(r"\{(list:)?(\w+)\}")


def render(t: Target, lists: dict[str, str], *, sheet_prefix: str = "", absolute: bool = True,
           origin: tuple[int, int] | None = None) -> str:
    """The formula of ``t``: cells as ``'sheet'!$C$5`` (absolute), or relative to ``origin`` — the first cell of a
    conditional format's range, whose formula is written for that cell and shifts with the others."""
    def sub(m: re.Match) -> str:
        if m.group(1):
            return lists[m.group(2)]
        row, col = t.refs[m.group(2)]
        if origin is not None:
            row, col = row - t.row + origin[0], col - t.col + origin[1]
        a1 = f"${L.col_letter(col)}${row}" if absolute else L.ref(row, col)
        return sheet_prefix + a1
    return _PLACE.sub(sub, t.formula)


def shape(t: Target) -> tuple:
    """Targets of the same shape share one conditional format (same formula, same relative positions)."""
    return (t.sheet, t.formula, t.col, tuple(sorted((k, r - t.row, c - t.col) for k, (r, c) in t.refs.items())))
