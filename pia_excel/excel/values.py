"""Cell values as the model wants them (text, ＜選択肢＞, counts, 和暦 dates), and what reading a workbook gives
(:class:`ReadResult`). Shared by the reader by defined names (``reader``) and by printed labels (``bylabel``).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Issue
from ..models import Document
from ..spec import Item
from ..spec.text import compact, nfkc
from ..wareki import WarekiDate

MAX_CELL = 32767
#: control characters Excel cannot hold in a cell (the same set as openpyxl's, which refuses to write them)
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
#: codes of the rules that report reader notices (rules/typecheck.py): a mark other than ○, anything else noticed.
#: Invalid values carry no code: the rules file them by the kind of item (R001-R005).
ODD_MARK_CODE = "R004"
NOTICE_CODE = "R006"
TICK_MARKS = frozenset("○〇◯●◉OoＯｏ✓✔レ☑■1") | {"TRUE", "True", "true"}


@dataclass
class ReadResult:
    doc: Document
    issues: list[Issue] = field(default_factory=list)
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # instance path (+option suffix) → (sheet, ref)
    source: Path | None = None

    def cell_of(self, path: str) -> tuple[str, str] | None:
        """Sheet and cell of an item path (first option cell for checkboxes, first row for tables)."""
        if path in self.cells:
            return self.cells[path]
        for suffix in (".o1", "[1]"):
            if path + suffix in self.cells:
                return self.cells[path + suffix]
        return None


def cell_text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):
        return v if v != "" else None
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dt.datetime, dt.date)):
        return str(WarekiDate.from_date(v))
    return str(v)


_CHOICE_PREFIX = re.compile(r"^\s*[\[［]?\s*(\d+\s*[)）]\s*)?")


def cell_choice(v: Any, item: Item, edition_labels: dict) -> Any:
    text = cell_text(v)
    if text is None:
        return None
    if text in item.choices:
        return text
    stripped = _CHOICE_PREFIX.sub("", text).rstrip("]］ 　")
    want = compact(stripped)
    for c in item.choices:
        if compact(c) == want or compact(edition_labels.get(c, c)) == want:
            return c
    return text


def cell_count(v: Any) -> Any:
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    text = nfkc(str(v)).strip().strip("（()）件 ")
    return int(text) if text.isdigit() else str(v)


def cell_date(v: Any) -> Any:
    if isinstance(v, (dt.datetime, dt.date)):
        return str(WarekiDate.from_date(v))
    return cell_text(v)
