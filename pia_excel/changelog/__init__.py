"""変更箇所: change-log rows made from two versions of a 評価書 (issue #4).

- :func:`diff` compares two documents item by item (:mod:`.diff`), naming items by their printed path
  (:mod:`pia_excel.spec.labels`);
- :func:`changelog_rows` turns the changes into rows with 提出時期 suggested from the ※ marks (:mod:`.suggest`);
- :func:`append_to_file` / :func:`append_rows` add them to a workbook's 変更箇所 table (:mod:`.apply`);
- :func:`publish` / :func:`changelog_since_baseline` keep the published version inside the workbook
  (:mod:`.baseline`) so the change log can be made from one file (the Excel buttons call these);
- :func:`parse_item` reads the 項目 strings of existing change logs back into item paths (:mod:`pia_excel.spec.parse`).
"""
from __future__ import annotations

from ..errors import ApplyError, BaselineError
from ..models import Document
from ..spec.labels import item_label, label_for_path
from .diff import EMPTY, Change, diff, render_value
from ..spec.parse import ParsedItem, parse_item
from .suggest import REVIEW_MARK, ProposedRow, Suggestion, is_law_rewrite, needs_review, propose, suggest

__all__ = ["AppendResult", "ApplyError", "BaselineError", "Change", "ChangelogResult", "EMPTY", "ParsedItem",
           "ProposedRow", "PublishResult", "REVIEW_MARK", "Suggestion", "append_rows", "append_to_document", "append_to_file",
           "changelog_rows", "changelog_since_baseline", "diff", "is_law_rewrite", "item_label", "label_for_path",
           "load_baseline", "needs_review", "parse_item", "propose", "publish", "render_value", "store_baseline",
           "suggest"]


#: names of the modules that write into workbooks, imported when first used: they pull openpyxl (and numpy) in,
#: which a validation (the Excel button's first click) does not need
_WRITING = {
    "apply": ("AppendResult", "append_rows", "append_to_document", "append_to_file"),
    "baseline": ("ChangelogResult", "PublishResult", "changelog_since_baseline", "load_baseline", "publish",
                 "store_baseline"),
}
_LAZY = {name: module for module, names in _WRITING.items() for name in names}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def changelog_rows(old: Document, new: Document, date) -> list[ProposedRow]:
    """The change-log rows from ``old`` to ``new``, dated ``date`` (e.g. "令和7年2月25日")."""
    return propose(diff(old, new), date, new.form)
