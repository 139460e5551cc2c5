"""The whole organisation's 評価書 at once: the re-assessment calendar (``pia-excel calendar``).

The cross-document checks are rules (``pia_excel.rules.across``, ``validate --across``); this package holds what
works on a folder of documents and is not a rule.
"""
from __future__ import annotations

from .calendar import CalendarResult, CalendarRow, calendar_rows, write_calendar

__all__ = ["CalendarResult", "CalendarRow", "calendar_rows", "write_calendar"]
