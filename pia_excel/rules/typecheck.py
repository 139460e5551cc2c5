"""R001–R007: values the models reject (a choice not in its list, an impossible 和暦 date, a count that is not
a number …). The reader keeps them verbatim in ``doc.invalid_values`` (so they survive JSON/YAML round trips)
and reports them in ``ReadResult.issues``; here they become findings with codes like every other rule. R007: a
sheet the reader did not read because it copies a part a document has once."""
from __future__ import annotations

import re

from ..excel.bylabel import COPIED_SHEET_CODE
from ..excel.layout import TABLE_COLUMNS, TABLE_HEADS
from ..spec.paths import template_path
from ..wareki import WarekiDate, WarekiError, seireki_meant
from .engine import ERROR, WARNING, Context, Hit, rule
from .required import is_optional

#: what an optional (【任意】 …) cell may hold to say "nothing": it reads as empty there
EMPTY_MARKS = frozenset({"—", "－", "ー", "―", "-", "‐", "−", "なし", "無し", "該当なし", "特になし"})

_TICK_FIELD = re.compile(r"^(?P<base>.+)\[(?P<n>\d+)\]\.(?P<field>detail|count|label)$")
#: a ○ cell's path ("files[1].II.nyushu_moto.o2"): kept in invalid_values when it holds an unreadable mark
_MARK_CELL = re.compile(r"^(?P<base>.+)\.o(?P<n>\d+)$")
#: a checkbox option's cell (mark, detail or count: "files[1].II.teikyo_iten_umu.o2.count"), e.g. holding a formula
_OPTION_CELL = re.compile(r"^(?P<base>.+)\.o\d+(?:\.(?:detail|count))?$")


def _change_cell(ctx: Context, path: str) -> tuple[int, str] | None:
    """(row, column) when ``path`` is a cell of the 変更箇所 table (``role: changes``): "annex3.henko_kasho[2].timing"
    → (2, "timing")."""
    table, _ = ctx.changes()
    if not path.startswith(table + "["):
        return None
    row, _, column = path[len(table) + 1:].partition("].")
    return (int(row), column) if row.isdecimal() and column.isidentifier() else None


def _kind(ctx: Context, path: str) -> str:
    """What kind of value the path holds: choice, date, count, timing, mark, checkboxes, text or unknown."""
    m = _MARK_CELL.match(path)
    if m and ctx.item(m.group("base")) is not None:
        return "mark"
    cell = _change_cell(ctx, path)
    if cell is not None and cell[1] in ("timing", "date"):
        return cell[1]
    if path.endswith("_count") or path.endswith(".count"):
        return "count"
    item = ctx.item(path)
    if item is None:
        m = _TICK_FIELD.match(path)
        return "checkboxes" if m and ctx.item(m.group("base")) is not None else "unknown"
    return item.value_kind


def _invalid(ctx: Context, kinds: set[str]):
    for path, raw in (ctx.doc.invalid_values or {}).items():
        if _kind(ctx, path) in kinds and not _empty_optional(ctx, path, raw):
            yield path, raw


def _empty_optional(ctx: Context, path: str, raw) -> bool:
    """An optional cell (【任意】 parts, 特記事項 …) written "—", "－", "ー" or "なし": read as empty."""
    if not isinstance(raw, str) or raw.strip() not in EMPTY_MARKS:
        return False
    item = ctx.item(path)
    return item is not None and is_optional(ctx.form, template_path(path))


def _where(ctx: Context, path: str) -> str:
    """The cell path of a value stored inside a tick ("…nyushu_moto[2].detail" → "…nyushu_moto.o3.detail")."""
    m = _TICK_FIELD.match(path)
    if m:
        item = ctx.item(m.group("base"))
        ticks = ctx.value(m.group("base")) or []
        n = int(m.group("n"))
        if item is not None and n <= len(ticks):
            idx = ctx.option_index(item, ticks[n - 1].label)
            if idx is not None:
                suffix = "" if m.group("field") == "label" else f".{m.group('field')}"
                return f"{m.group('base')}.o{idx}{suffix}"
    return path


def _label(ctx: Context, path: str) -> str:
    if path.endswith("_count") and ctx.item(path[: -len("_count")]) is not None:
        return ctx.label(path[: -len("_count")]) + "（件数）"
    cell = _change_cell(ctx, path)
    if cell is not None:
        n, column = cell
        return f"変更箇所 {n}行目 {dict(zip(TABLE_COLUMNS, TABLE_HEADS)).get(column, '')}"
    m = _TICK_FIELD.match(path) or _OPTION_CELL.match(path)
    if m:
        return ctx.label(m.group("base"))
    return ctx.label(path)


@rule("R001", ERROR, "選択肢の値が＜選択肢＞にない（提出時期は事前・事後のみ）",
      "{label}: ＜選択肢＞にない値です（{value}）。{hint}", reads=("kind:choice", "role:changes"))
def choice_not_in_list(ctx: Context):
    """A choice cell holds a value that is not one of its printed ＜選択肢＞; a 変更箇所 row's 提出時期 is not
    事前 or 事後."""
    for path, raw in _invalid(ctx, {"choice", "timing"}):
        hint = "「事前」または「事後」を選んでください。" if _kind(ctx, path) == "timing" else "一覧から選んでください。"
        yield Hit(path, {"label": _label(ctx, path), "value": raw, "hint": hint})


@rule("R002", ERROR, "和暦の日付として読めない・存在しない日付", "{label}: {reason}",
      reads=("kind:date", "role:changes"))
def bad_date(ctx: Context):
    """A date cell that is not a valid 和暦 date (令和7年2月25日, 平成27年10月 …). A date written in 西暦
    ("2025年2月25日", "2025/2/25") or left as an Excel serial number gives this one finding, with the 和暦 it
    means (R101 does not report the cell as empty too). "—", "－", "ー" or "なし" in an optional date cell (Ⅴ-3
    第三者点検【任意】, 【行政機関等のみ】 …) reads as empty."""
    for path, raw in _invalid(ctx, {"date"}):
        meant = seireki_meant(raw)
        if meant is not None:
            reason = f"西暦で書かれています（{raw}）。和暦で「{meant}」と記入してください"
        else:
            try:
                WarekiDate.parse(str(raw))
                reason = f"和暦の日付として読めません（{raw}）"
            except WarekiError as e:
                reason = str(e)
        yield Hit(path, {"label": _label(ctx, path), "reason": reason})


@rule("R003", ERROR, "件数が0以上の整数でない", "{label}: 件数は0以上の整数で記入してください（{value}）",
      reads=("cover.hyokasho_no", "II.itaku_umu", "II.teikyo_iten_umu"))
def bad_count(ctx: Context):
    """A count cell ("（ 5 ）件", 評価書番号) that is not a whole number of zero or more."""
    for path, raw in _invalid(ctx, {"count"}):
        yield Hit(_where(ctx, path), {"label": _label(ctx, path), "value": raw})


@rule("R004", ERROR, "チェック欄に○以外の記号（×・－・なし等は○なしとして読む）",
      "{label}: チェック欄の値 {value} は○として扱いません（該当する場合は○、該当しない場合は空欄にしてください）",
      reads=("kind:checkboxes",))
def odd_tick_mark(ctx: Context):
    """A checkbox cell holds a mark that is neither ○ (〇, ◯) nor a mark for "no" (×, ✕, ✖, -, ー, ―, なし, 無,
    0, full or half width): e.g. "✔", "1", "TRUE", "レ", "x". It is never counted as a tick; the reader keeps it
    as written in ``invalid_values`` so writing the document back loses nothing."""
    for path, raw in _invalid(ctx, {"mark"}):
        base = _MARK_CELL.match(path).group("base")
        yield Hit(path, {"label": ctx.label(base), "value": repr(raw)})


@rule("R005", ERROR, "その他の読み取れない値", "{label}: 読み取れない値です（{value}）", reads=("*",))
def other_invalid(ctx: Context):
    """Any other value the model rejects (an unknown checkbox label, more blocks than the form has …)."""
    for path, raw in (ctx.doc.invalid_values or {}).items():
        if _kind(ctx, path) not in {"choice", "timing", "date", "count", "mark"} and not _empty_optional(ctx, path, raw):
            yield Hit(_where(ctx, path), {"label": _label(ctx, path), "value": str(raw)[:80]})


@rule("R006", WARNING, "ブックの読み取りで気づいたこと（ラベルが見つからない、数式のセル、セルの文字数上限など）",
      "{label}: {message}", reads=("*",))
def reader_notices(ctx: Context):
    """What the reader noticed besides invalid values: a printed label it could not find (workbooks without our
    defined names), a value cell holding a formula (its computed value is what was read; the formula is kept in
    ``formulas``), text at Excel's 32,767-character cell limit, control characters."""
    known = set(ctx.doc.invalid_values or {})
    for issue in ctx.read_issues:
        if issue.path in known or issue.code != "R006":
            continue
        yield Hit(issue.path, {"label": _label(ctx, issue.path), "message": issue.message})


@rule("R007", ERROR, "評価書に1つだけの部分（表紙・Ⅰ・変更箇所など）のシートが複数ある（写しは読まない）",
      "{message}", reads=("*",))
def copied_part_sheet(ctx: Context):
    """A visible sheet repeats a part that a document has once (a copy of 表紙, Ⅰ 基本情報, Ⅴ, 変更箇所 … made in
    Excel or LibreOffice): it is not read, so what it says would be lost; the finding names the sheet. Copies of
    Ⅱ, 記録項目 and Ⅲ are not errors: they are read as further 特定個人情報ファイル."""
    for issue in ctx.read_issues:
        if issue.code == COPIED_SHEET_CODE:
            yield Hit(issue.path, {"message": issue.message}, where=(issue.sheet, issue.cell))
