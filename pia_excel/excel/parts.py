"""Which worksheet part holds which sheet: the <sheet> elements of ``xl/workbook.xml`` and the relationships of
``xl/_rels/workbook.xml.rels``, read with regular expressions (workbook.xml may hold megabytes of defined names;
only its <sheets> element is searched). Used by the package limits (before anything parses the workbook) and by
the reader's cells."""
from __future__ import annotations

import html
import re

__all__ = ["sheets_element", "sheet_ids", "relationships"]

_SHEET_ELEMENT = re.compile(rb"<(?:\w+:)?sheet\s([^>]*?)/?>")
_NAME_ATTR = re.compile(rb'\bname="([^"]*)"')
_RID_ATTR = re.compile(rb'\b(?:\w+:)?id="([^"]*)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s([^>]*?)/?>")
_ID_ATTR = re.compile(rb'\bId="([^"]*)"')
_TARGET_ATTR = re.compile(rb'\bTarget="([^"]*)"')


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    return html.unescape(text) if "&" in text else text


def sheets_element(workbook_xml: bytes) -> bytes:
    """The <sheets> element of workbook.xml (any namespace prefix), or the whole text when it has none."""
    start, end = workbook_xml.find(b"sheets>"), workbook_xml.find(b"/sheets>")
    return workbook_xml[start:end] if 0 <= start < end else workbook_xml


def sheet_ids(workbook_xml: bytes) -> list[tuple[str | None, str | None]]:
    """(title, relationship id) of each <sheet> element, in order; None for an attribute that is missing."""
    out = []
    for m in _SHEET_ELEMENT.finditer(sheets_element(workbook_xml)):
        attrs = m.group(1)
        name = _NAME_ATTR.search(attrs)
        rid = _RID_ATTR.search(attrs.replace(name.group(0), b"") if name else attrs)
        out.append((_text(name.group(1)) if name else None, _text(rid.group(1)) if rid else None))
    return out


def relationships(rels: bytes) -> list[tuple[str, str]]:
    """(id, zip member the target names) of each relationship with both, in order ("worksheets/sheet1.xml" →
    "xl/worksheets/sheet1.xml"; an absolute "/xl/…" loses its slash)."""
    out = []
    for m in _RELATIONSHIP.finditer(rels):
        rid, target = _ID_ATTR.search(m.group(1)), _TARGET_ATTR.search(m.group(1))
        if rid and target:
            t = _text(target.group(1))
            out.append((_text(rid.group(1)), t.lstrip("/") if t.startswith("/") else "xl/" + t))
    return out
