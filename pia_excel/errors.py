"""The one error type and the one "something at a cell" record of pia-excel.

* :class:`PiaError` — everything the library raises on purpose: a message in Japanese that names the user's file
  (and cell where known). Its subclasses say what failed; the CLI, the batch runner and the Excel buttons catch
  ``PiaError`` in one place each and show ``str(error)`` as it is.
* :class:`Issue` — a reader notice, a writer problem or a rule finding: a code, a severity, a message and where it
  is (item path, sheet, cell).

This module is at the bottom of the package: it imports nothing of pia-excel.
"""
from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import Any

__all__ = ["ERROR", "WARNING", "SEVERITIES", "LEVELS", "PiaError", "InputError", "WorkbookError", "PlacementError", "TemplateError",
           "ApplyError", "BaselineError", "RenderError", "Issue", "describe_exception"]

#: severities, as printed to the user; LEVELS gives their stable English names for JSON
ERROR = "エラー"
WARNING = "警告"
SEVERITIES = (ERROR, WARNING)
LEVELS = {ERROR: "error", WARNING: "warning"}


class PiaError(Exception):
    """A failure to report to the user as it is: one line (or a few) in Japanese naming the file and cell.

    ``path``, ``sheet`` and ``cell`` are kept as attributes for callers that want to point at the place (the Excel
    buttons select the cell); the message already contains whatever the user needs to read.
    """

    def __init__(self, message: str = "", *, path: Any = None, sheet: str | None = None, cell: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.sheet = sheet
        self.cell = cell

    def __str__(self) -> str:
        return self.message

    def one_line(self) -> str:
        """The message on one line (batch runs print one line per file)."""
        return self.message.replace("\n", " / ")


class InputError(PiaError):
    """An input (file, option, data) that cannot be used."""


class WorkbookError(InputError):
    """A workbook that cannot be read as a 評価書 (not xlsx, corrupt, encrypted, another workbook)."""


class UnfinishedError(InputError):
    """A document that still carries a marker left for its author (【要確認】 …) where a finished one is needed
    (the published PDF)."""


class PlacementError(PiaError):
    """Content that cannot be written into the workbook as given; nothing was written."""

    HEAD = "書き込めない内容があるため、書き込みませんでした"

    def __init__(self, problems: list["Issue"], *, path: Any = None):
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(("" if path is None else f"{path}: ") + self.HEAD + ":\n" + lines, path=path)

    def one_line(self) -> str:
        more = f" ほか{len(self.problems) - 5}件" if len(self.problems) > 5 else ""
        return (("" if self.path is None else f"{self.path}: ") + self.HEAD + ": "
                + " / ".join(str(p) for p in self.problems[:5]) + more)


class TemplateError(PiaError):
    """The macro-enabled templates cannot be built (VBA sources, xlwings' VBA module)."""


class ApplyError(PiaError):
    """The 変更箇所 rows cannot be written into the workbook."""


class BaselineError(PiaError):
    """The published baseline stored in a workbook is missing or unusable."""


class RenderError(PiaError):
    """LibreOffice or poppler could not render or read a PDF."""


@dataclass
class Issue:
    """Something at a cell: a reader notice, a writer problem or a rule finding.

    ``code`` is the rule code (R001…) for findings, ``None`` for reader notices and writer problems until the rule
    engine files them under its codes. ``value`` keeps the raw cell value a reader notice is about.
    """

    code: str | None
    severity: str
    message: str
    path: str | None = None
    sheet: str | None = None
    cell: str | None = None
    file: str | None = None
    value: Any = None
    #: a rule finding's category: 適合性 (the document follows the 指針 and the form) or 妥当性 (the content is
    #: adequate); None for reader notices and writer problems
    category: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.sheet and self.cell else (self.sheet or "-")

    def __str__(self) -> str:
        return f"{self.where} ({self.path or ''}): {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "level": LEVELS[self.severity],
                "message": self.message, "path": self.path, "sheet": self.sheet, "cell": self.cell,
                "file": self.file, "category": self.category}


#: what the OS said, in the users' words (the OS's own text follows in parentheses)
OS_ERRORS = {
    errno.ENOSPC: "ディスクの空き容量が足りないため書き込めません",
    errno.EDQUOT: "ディスクの使用量の上限に達したため書き込めません",
    errno.ENOENT: "ファイルまたはフォルダがありません",
    errno.EISDIR: "フォルダです（ファイルを指定してください）",
    errno.ENOTDIR: "途中の名前がフォルダではありません",
    errno.EROFS: "読み取り専用の場所には書き込めません",
    errno.EEXIST: "すでにあります",
    errno.ENAMETOOLONG: "名前が長すぎます",
    errno.EIO: "ディスクの読み書きに失敗しました",
    errno.EFBIG: "ファイルの大きさの上限を超えるため書き込めません",
}


def describe_exception(exc: BaseException) -> str:
    """One line for a failure: the message of the library's own errors, else what the OS said, else the type."""
    if isinstance(exc, PiaError):
        return exc.one_line()
    if getattr(exc, "user_message", None):  # atomic.ReadOnlyError: says itself what happened
        return str(exc.user_message)
    if isinstance(exc, PermissionError):
        return f"{exc.filename or ''}: 書き込み（読み込み）の権限がありません"
    if isinstance(exc, OSError):
        said = OS_ERRORS.get(exc.errno) if exc.errno is not None else None
        said = f"{said}（{exc.strerror}）" if said and exc.strerror else said or exc.strerror or str(exc)
        return f"{exc.filename or ''}: {said}".strip(": ")
    if isinstance(exc, MemoryError):
        return "メモリが不足しました"
    return f"予期しないエラー（{type(exc).__name__}: {exc}）".replace("\n", " / ")
