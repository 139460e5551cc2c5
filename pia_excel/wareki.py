"""Japanese era (和暦) dates with day, month or year precision.

Dates map to the (proleptic) Gregorian calendar; the lunar calendar used
before 明治6年 is not modelled.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, NamedTuple

from pydantic import GetPydanticSchema
from pydantic_core import core_schema

from .errors import PiaError

__all__ = ["ERAS", "PARSE_CHARS", "Wareki", "WarekiDate", "WarekiError", "parse_wareki"]


class WarekiError(PiaError, ValueError):
    """A text or value that is not a valid 和暦 date (message in Japanese)."""


class _Era(NamedTuple):
    name: str
    letter: str  # abbreviation used in "R7.2.25"
    start: datetime.date
    end: datetime.date  # date.max for the current era


_ERAS = (
    _Era("明治", "M", datetime.date(1868, 1, 25), datetime.date(1912, 7, 29)),
    _Era("大正", "T", datetime.date(1912, 7, 30), datetime.date(1926, 12, 24)),
    _Era("昭和", "S", datetime.date(1926, 12, 25), datetime.date(1989, 1, 7)),
    _Era("平成", "H", datetime.date(1989, 1, 8), datetime.date(2019, 4, 30)),
    _Era("令和", "R", datetime.date(2019, 5, 1), datetime.date.max),
)
_BY_NAME = {era.name: era for era in _ERAS}
_BY_LETTER = {era.letter: era for era in _ERAS}

# Matched against the NFKC-normalised text with all whitespace removed.
_KANJI_RE = re.compile(
    r"(明治|大正|昭和|平成|令和)(元|[0-9]{1,4})年(?:([0-9]{1,2})月(?:([0-9]{1,2})日)?)?"
)
_ABBREV_RE = re.compile(
    r"([MTSHR])([0-9]{1,4})(?:([./-])([0-9]{1,2})(?:\3([0-9]{1,2}))?)?", re.IGNORECASE
)
#: the eras (name, letter, first day, last day) and every character the two patterns above can match (after NFKC
#: and whitespace removal; letters in both cases): for formulas that parse dates in a workbook (excel/live.py)
ERAS = _ERAS
PARSE_CHARS = ("".join(e.name for e in _ERAS) + "元年月日" + "".join(e.letter + e.letter.lower() for e in _ERAS)
               + "0123456789./-")
# Canonical form, as printed by str(WarekiDate).
_CANONICAL_PATTERN = (
    r"^(明治|大正|昭和|平成|令和)(元|[1-9][0-9]*)年"
    r"(([1-9]|1[0-2])月(([1-9]|[12][0-9]|3[01])日)?)?$"
)


def _year_text(year: int) -> str:
    return "元" if year == 1 else str(year)


def _era_day(era: _Era, day: datetime.date) -> str:
    """A day of `era` without the era name, e.g. "31年4月30日"."""
    return f"{_year_text(day.year - era.start.year + 1)}年{day.month}月{day.day}日"


def _span(era: _Era, year: int, month: int | None, day: int | None) -> tuple[datetime.date, datetime.date]:
    """First and last Gregorian day of the period, before clipping to the era."""
    gregorian_year = era.start.year + year - 1
    if day is not None:
        single = datetime.date(gregorian_year, month, day)
        return single, single
    if month is not None:
        last_day = calendar.monthrange(gregorian_year, month)[1]
        return datetime.date(gregorian_year, month, 1), datetime.date(gregorian_year, month, last_day)
    return datetime.date(gregorian_year, 1, 1), datetime.date(gregorian_year, 12, 31)


def _problem(era_name: str, year: int, month: int | None, day: int | None) -> str | None:
    """Why the fields name no existing period, phrased to follow "'…' は"; None if valid."""
    era = _BY_NAME.get(era_name)
    if era is None:
        return f"未知の元号です（{'・'.join(_BY_NAME)}のいずれか）"
    if day is not None and month is None:
        return "月のない日付です"
    if year < 1:
        return "存在しない年です（年は元年から）"
    if era.start.year + year - 1 > datetime.MAXYEAR:
        return "年が大きすぎます"
    if month is not None and not 1 <= month <= 12:
        return "存在しない月です（月は1〜12）"
    if day is not None and not 1 <= day <= calendar.monthrange(era.start.year + year - 1, month)[1]:
        return "存在しない日付です"
    first, last = _span(era, year, month, day)
    if last < era.start:
        return f"存在しない日付です（{era.name}は{_era_day(era, era.start)}から）"
    if first > era.end:
        return f"存在しない日付です（{era.name}は{_era_day(era, era.end)}まで）"
    return None


@functools.total_ordering
@dataclass(frozen=True, order=False)
class WarekiDate:
    """A 和暦 date; `month`/`day` are None for month or year precision.

    Ordering is by (to_date(), precision), finer precision first on ties.
    """

    era: str
    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        problem = _problem(self.era, self.year, self.month, self.day)
        if problem:
            raise WarekiError(f"'{self}' は{problem}")

    @classmethod
    def parse(cls, text: str) -> WarekiDate:
        """Parse "令和7年2月25日", "令和７年２月", "令和元年", "R7.2.25", "h27/10", ..."""
        compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
        if match := _KANJI_RE.fullmatch(compact):
            era, year_text, month, day = match.groups()
            year = 1 if year_text == "元" else int(year_text)
        elif match := _ABBREV_RE.fullmatch(compact):
            letter, year_text, _separator, month, day = match.groups()
            era, year = _BY_LETTER[letter.upper()].name, int(year_text)
        else:
            raise WarekiError(f"和暦の日付として読めません: '{text}'")
        month = None if month is None else int(month)
        day = None if day is None else int(day)
        problem = _problem(era, year, month, day)  # checked here to quote the input as typed
        if problem:
            raise WarekiError(f"'{text}' は{problem}")
        return cls(era, year, month, day)

    @classmethod
    def from_date(cls, d: datetime.date | datetime.datetime) -> WarekiDate:
        """The day-precision 和暦 date of a Gregorian date (or datetime)."""
        if isinstance(d, datetime.datetime):
            d = d.date()
        for era in _ERAS:
            if era.start <= d <= era.end:
                return cls(era.name, d.year - era.start.year + 1, d.month, d.day)
        raise WarekiError(f"'{d.isoformat()}' は明治より前の日付のため和暦にできません")

    @property
    def precision(self) -> str:
        """"day", "month" or "year"."""
        if self.day is not None:
            return "day"
        return "year" if self.month is None else "month"

    def _bounds(self) -> tuple[datetime.date, datetime.date]:
        era = _BY_NAME[self.era]
        first, last = _span(era, self.year, self.month, self.day)
        return max(first, era.start), min(last, era.end)

    def to_date(self) -> datetime.date:
        """First day of the period within the era (令和元年 -> 2019-05-01)."""
        return self._bounds()[0]

    def last_date(self) -> datetime.date:
        """Last day of the period within the era (平成31年 -> 2019-04-30)."""
        return self._bounds()[1]

    def __str__(self) -> str:
        text = f"{self.era}{_year_text(self.year)}年"
        if self.month is not None:
            text += f"{self.month}月"
        if self.day is not None:
            text += f"{self.day}日"
        return text

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, WarekiDate):
            return NotImplemented
        # "day" < "month" < "year": on the same first day, finer precision sorts first.
        return (self.to_date(), self.precision) < (other.to_date(), other.precision)


_SEIREKI_RE = re.compile(r"(\d{4})(?:[年/\-.・](\d{1,2})(?:[月/\-.・](\d{1,2})日?|月)?|年)?")
#: Excel's day 0 (serial numbers of the 1900 date system, leap-year bug included for serials after 60)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def seireki_meant(value: object) -> WarekiDate | None:
    """The 和暦 date a 西暦 date means ("2025年2月25日", "2025/2/25", "2025-02", a datetime, or an Excel serial
    number such as 45713 that lost its date format), or None when ``value`` is not one."""
    if isinstance(value, datetime.date):
        try:
            return WarekiDate.from_date(value)
        except WarekiError:
            return None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
    try:
        if re.fullmatch(r"\d{5}(\.0+)?", text) and 20000 <= float(text) <= 80000:
            return WarekiDate.from_date(_EXCEL_EPOCH + datetime.timedelta(days=int(float(text))))
        m = _SEIREKI_RE.fullmatch(text)
        if not m or not 1868 <= int(m.group(1)) <= 2200:
            return None
        y, mo, d = int(m.group(1)), m.group(2), m.group(3)
        w = WarekiDate.from_date(datetime.date(y, int(mo or 12), int(d or 1)))
        return WarekiDate(w.era, w.year, int(mo) if mo else None, int(d) if d else None)
    except (ValueError, WarekiError):
        return None


def parse_wareki(text: str) -> WarekiDate:
    """Shorthand for WarekiDate.parse."""
    return WarekiDate.parse(text)


def _validate(value: object) -> WarekiDate:
    if isinstance(value, WarekiDate):
        return value
    if isinstance(value, datetime.date):
        return WarekiDate.from_date(value)
    if isinstance(value, str):
        return WarekiDate.parse(value)
    raise WarekiError(f"和暦の日付として読めません: {value!r}")


Wareki = Annotated[
    WarekiDate,
    GetPydanticSchema(
        lambda _source, _handler: core_schema.no_info_plain_validator_function(
            _validate,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        ),
        lambda _schema, _handler: {
            "type": "string",
            "pattern": _CANONICAL_PATTERN,
            "examples": ["令和7年2月25日"],
        },
    ),
]
"""Pydantic field type: accepts str, date/datetime or WarekiDate; dumps as str (python and JSON mode)."""
