"""The published version kept inside the workbook, so the change log can be made from one file.

``publish`` sets 公表日 and stores a snapshot of the document (its JSON data) on a very hidden sheet
(``_pia_baseline``; users do not see it in Excel's "unhide" list). The text is split across cells because a cell
holds at most 32,767 characters; A1 holds a small JSON header (format, version, 公表日, number of chunks and a
checksum), A2… the chunks. ``changelog_since_baseline`` compares the current content with the snapshot and
appends the change-log rows.

Both take a path (the workbook is read with openpyxl; only the parts they own are written back, through
:mod:`pia_excel.excel.package`, atomically) or an open openpyxl ``Workbook`` (edited in memory; the caller saves
it), so an Excel button and the CLI run the same code.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from openpyxl.workbook.workbook import Workbook

from ..errors import BaselineError
from ..errors import Issue
from ..excel.reader import ReadResult, read_opened
from ..models import Document, parse_document
from ..models.data import to_data
from ..spec import load_spec
from ..wareki import WarekiDate, parse_wareki
from .apply import AppendResult, append_rows, open_for_edit, table_geometry, write_appended
from .diff import diff
from .suggest import ProposedRow, propose

__all__ = ["BASELINE_SHEET", "Baseline", "BaselineError", "ChangelogResult", "PublishResult", "changelog_since_baseline",
           "load_baseline", "publish", "read_document", "store_baseline"]

BASELINE_SHEET = "_pia_baseline"
FORMAT = "pia-excel-baseline"
VERSION = 1
CHUNK = 32_000

Target = Union[str, Path, Workbook]


@dataclass
class Baseline:
    doc: Document
    date: str | None  # 公表日 of the snapshot


@dataclass
class PublishResult:
    date: WarekiDate
    path: Path | None
    kohyo_bi_cell: tuple[str, str] | None  # (sheet, cell) written, None when the workbook has no 公表日 cell
    issues: list[Issue] = field(default_factory=list)


@dataclass
class ChangelogResult:
    proposed: list[ProposedRow]
    appended: AppendResult | None  # None when the rows were only computed
    path: Path | None = None
    issues: list[Issue] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------- snapshot
def _snapshot_data(doc: Document) -> dict:
    data = to_data(doc)
    section, key = load_spec(doc.form).changes_item.path.split(".")  # the change log is not compared
    if isinstance(data.get(section), dict):
        data[section].pop(key, None)
        if not data[section]:
            data.pop(section)
    return data


def _baseline_cells(doc: Document, date) -> list[str]:
    """The texts of column A of the baseline sheet: the JSON header, then the chunks."""
    text = json.dumps(_snapshot_data(doc), ensure_ascii=False, separators=(",", ":"))
    chunks = [text[i:i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]
    header = {"format": FORMAT, "version": VERSION, "date": str(date) if date else None, "chunks": len(chunks),
              "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
    return [json.dumps(header, ensure_ascii=False), *chunks]


def store_baseline(wb: Workbook, doc: Document, date: WarekiDate | str | None = None) -> None:
    """Write the snapshot of ``doc`` into ``wb`` (replacing an earlier one)."""
    if BASELINE_SHEET in wb.sheetnames:
        del wb[BASELINE_SHEET]
    ws = wb.create_sheet(BASELINE_SHEET)
    for r, value in enumerate(_baseline_cells(doc, date), start=1):
        cell = ws.cell(row=r, column=1, value=value)
        cell.data_type = "s"
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


def store_baseline_package(pkg, doc: Document, date: WarekiDate | str | None = None) -> None:
    """:func:`store_baseline` into a workbook package (:mod:`pia_excel.excel.package`): the baseline sheet's part
    is written (or added, very hidden and protected); nothing else changes."""
    from ..excel.package import escape

    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t xml:space="preserve">{escape(v)}</t></is></c></row>'
                   for r, v in enumerate(_baseline_cells(doc, date), start=1))
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f'<sheetData>{rows}</sheetData><sheetProtection sheet="1"/>'
           '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>')
    pkg.put_sheet(BASELINE_SHEET, xml, state="veryHidden")


def load_baseline(wb: Workbook) -> Baseline | None:
    """The snapshot stored in ``wb``; None when there is none. Raises :class:`BaselineError` when damaged."""
    if BASELINE_SHEET not in wb.sheetnames:
        return None
    ws = wb[BASELINE_SHEET]
    try:
        header = json.loads(ws.cell(row=1, column=1).value or "")
    except (TypeError, json.JSONDecodeError):
        raise BaselineError(f"シート {BASELINE_SHEET} の内容が壊れています（見出しが読めません）") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BaselineError(f"シート {BASELINE_SHEET} は pia-excel の基準データではありません")
    if header.get("version") != VERSION:
        raise BaselineError(f"基準データの版 {header.get('version')} には対応していません（pia-excel を更新してください）")
    n = int(header.get("chunks") or 0)
    text = "".join(str(ws.cell(row=r, column=1).value or "") for r in range(2, n + 2))
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != header.get("sha256"):
        raise BaselineError(f"シート {BASELINE_SHEET} の内容が壊れています（チェックサムが一致しません）")
    try:
        doc = parse_document(json.loads(text))
    except ValueError as e:
        raise BaselineError(f"基準データを読めません（{e}）") from None
    return Baseline(doc=doc, date=header.get("date"))


# ------------------------------------------------------------------------------------------------- verbs
def _date(date) -> WarekiDate:
    return date if isinstance(date, WarekiDate) else parse_wareki(str(date))


def read_document(wb: Workbook, path: Path | None = None) -> ReadResult:
    """Read the document of an open (editable) workbook."""
    return read_opened(wb, path or Path("<workbook>"))


def _open(target: Target) -> tuple[Workbook, Path | None]:
    if isinstance(target, Workbook):
        return target, None
    path = Path(target)
    return open_for_edit(path), path


def _publish(wb: Workbook, path: Path | None, when: WarekiDate, pkg=None) -> tuple[ReadResult, tuple[str, str] | None]:
    result = read_document(wb, path)
    doc = result.doc
    doc.cover.kohyo_bi = when
    cell = result.cell_of("cover.kohyo_bi")
    if cell is not None:
        sheet, ref = cell
        if pkg is None:
            c = wb[sheet][ref]
            c.value = str(when)
            c.data_type = "s"
        else:
            from ..excel.package import SheetEdit

            info = pkg.sheet(sheet)
            ed = SheetEdit(pkg.text(info.part))
            ed.text_cell(ref.replace("$", ""), str(when))
            pkg.write(info.part, ed.render())
    if pkg is None:
        store_baseline(wb, doc, when)
    else:
        store_baseline_package(pkg, doc, when)
    return result, cell


def publish(target: Target, date, *, output: str | Path | None = None) -> PublishResult:
    """Set 公表日 to ``date`` and store the document as the baseline for the next change log.

    ``target`` is a workbook path or an open openpyxl Workbook (changed in memory only). A path is saved in place,
    or to ``output``, atomically, changing only the 公表日 cell and the baseline sheet (every other part of the
    package keeps its bytes); it is locked from reading to writing."""
    when = _date(date)
    if isinstance(target, Workbook):
        result, cell = _publish(target, None, when)
        return PublishResult(when, None, cell, result.issues)
    from ..excel.package import edit_workbook

    path = Path(target)
    with edit_workbook(path, output) as pkg:
        wb = open_for_edit(path)
        try:
            result, cell = _publish(wb, path, when, pkg)
        finally:
            wb.close()
    return PublishResult(when, Path(output) if output else path, cell, result.issues)


def _since(wb: Workbook, path: Path | None, when: WarekiDate, write: bool, pkg=None) -> ChangelogResult:
    base = load_baseline(wb)
    if base is None:
        raise BaselineError("基準（前回公表時の内容）がありません。先に publish で公表日を設定してください")
    result = read_document(wb, path)
    if result.doc.form != base.doc.form:
        raise BaselineError(f"基準の様式（{base.doc.form}）とブックの様式（{result.doc.form}）が違います")
    proposed = propose(diff(base.doc, result.doc), when, result.doc.form)
    appended = None
    if write:
        geometry = table_geometry(wb) if pkg is not None else None
        appended = append_rows(wb, [p.row for p in proposed])
        if pkg is not None:
            write_appended(pkg, wb, geometry, appended)
    return ChangelogResult(proposed, appended, path, result.issues)


def changelog_since_baseline(target: Target, date, *, write: bool = True,
                             output: str | Path | None = None) -> ChangelogResult:
    """The change-log rows from the stored baseline to the current content, dated ``date``; with ``write``
    they are appended to the workbook's 変更箇所 table (existing rows kept, duplicates not added). A path is
    written in place (or to ``output``) changing only the rows added, locked from reading to writing."""
    when = _date(date)
    if isinstance(target, Workbook):
        return _since(target, None, when, write)
    path = Path(target)
    if not write:
        wb = open_for_edit(path)
        try:
            return _since(wb, path, when, False)
        finally:
            wb.close()
    from ..excel.package import edit_workbook

    with edit_workbook(path, output) as pkg:
        wb = open_for_edit(path)
        try:
            res = _since(wb, path, when, True, pkg)
        finally:
            wb.close()
    res.path = Path(output) if output else path
    return res
