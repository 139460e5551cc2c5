"""Validation: rules with stable codes whose findings point at cells.

>>> from pia_excel import api
>>> from pia_excel.rules import validate_result
>>> report = validate_result(api.load("評価書.xlsx"))          # doctest: +SKIP
>>> [(f.code, f.cell) for f in report.findings]                # doctest: +SKIP

Rules live in small modules by what they check (``typecheck`` R0xx, ``required`` R1xx, ``consistency`` and
``brackets`` R2xx, ``dates`` R3xx, ``law`` R4xx, ``wording`` R5xx, ``changelog_rows`` R6xx) and register themselves
with :func:`engine.rule`. ``catalogue`` renders the list (``pia-excel rules``, ``docs/rules.md``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..excel.cells import row_col
from ..excel.reader import ReadResult
from ..models import Document
from . import adequacy, brackets, changelog_rows, consistency, dates, law, negatives, required, typecheck, wording  # noqa: F401 (registers)
from .cells import CellMap, cell_map, cell_of
from .engine import CATEGORIES, CONFORMITY, ERROR, INTERNAL_CODE, RULES, WARNING, Context, Finding, Hit, Rule, reads_of

__all__ = ["CATEGORIES", "ERROR", "WARNING", "RULES", "Finding", "Report", "Rule", "cell_of", "reads_of", "validate", "validate_result"]


@dataclass
class Report:
    """The findings of one document, in sheet and cell order."""

    doc: Document
    findings: list[Finding] = field(default_factory=list)
    source: Path | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    def pairs(self) -> list[tuple[str, str | None]]:
        """(code, cell) of every finding: what tests compare."""
        return [(f.code, f.cell) for f in self.findings]


def validate(doc: Document, *, read_issues: Iterable = (), cells: CellMap | None = None,
             today: dt.date | None = None, source: str | Path | None = None,
             codes: Iterable[str] | None = None) -> Report:
    """Run every rule (or those in ``codes``) on ``doc``. A rule that raises becomes an R000 finding; the others
    still run. ``cells`` maps item paths to cells (default: the cells of the workbook ``build_workbook`` makes)."""
    ctx = Context(doc, today=today, read_issues=read_issues)
    cells = cells or cell_map(doc=doc)
    file = str(source) if source is not None else None
    wanted = set(codes) if codes is not None else None
    findings: list[Finding] = []
    for code, rule in RULES.items():
        if wanted is not None and code not in wanted:
            continue
        if doc.form not in rule.forms:
            continue
        try:
            hits = list(rule.check(ctx))
        except Exception as exc:  # one failing rule never stops the others
            findings.append(Finding(INTERNAL_CODE, ERROR,
                                    f"内部エラー: 規則 {code} を実行できませんでした（{type(exc).__name__}: {exc}）",
                                    file=file, category=CONFORMITY))
            continue
        for hit in hits:
            findings.append(_finding(rule, hit, cells, file))
    findings.sort(key=lambda f: _order(f, cells))
    return Report(doc=doc, findings=findings, source=Path(source) if source is not None else None)


def _finding(rule: Rule, hit: Hit, cells: CellMap, file: str | None) -> Finding:
    try:
        message = rule.message.format(**hit.fields)
    except (KeyError, IndexError, ValueError) as exc:
        message = f"{rule.title}（メッセージを作れませんでした: {exc}）"
    where = hit.where or cells.locate(hit.path)
    sheet, cell = where if where else (None, None)
    return Finding(rule.code, rule.severity, message, hit.path, sheet, cell, file, category=rule.category)


def _order(f: Finding, cells: CellMap):
    pos = row_col(f.cell) if f.cell else (0, 0)
    return (cells.sheet_rank(f.sheet) if f.sheet else -1, pos, f.code)


def validate_result(result: ReadResult, *, today: dt.date | None = None, codes: Iterable[str] | None = None) -> Report:
    """Validate what :func:`pia_excel.api.load` read: the reader's issues and cells are used."""
    return validate(result.doc, read_issues=result.issues, cells=cell_map(result), today=today,
                    source=result.source, codes=codes)
