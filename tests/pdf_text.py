"""Helpers for the PDF tests: the text of a rendered workbook cell by cell, and a document's texts in form order."""
from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass

from pia_excel.spec import Item, load_spec

_LINE = re.compile(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', re.S)
_WORD_BOX = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
_FOOTER = re.compile(r"^\d+/\d+$")


@dataclass
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def column_starts() -> tuple[list[float], list[float]]:
    """Where the columns of the print copy begin on paper (x in points): form sheets, change-log table."""
    from pia_excel.pdf import printcopy as P

    out = []
    for widths in (P.FORM_COLUMNS, P.TABLE_COLUMNS):
        scale = min(100, int((P.A4_WIDTH - 2 * P.MARGIN_LR * 72) / (sum(widths.values()) * P.UNIT_PT) * 100 * 0.99))
        x = P.MARGIN_LR * 72
        edges = []
        for w in widths.values():
            edges.append(x)
            x += w * P.UNIT_PT * scale / 100
        out.append(edges)
    return out[0], out[1]


def page_lines(pdf) -> list[list[Line]]:
    """Lines of text per page, split where a line runs from one cell into the next.

    pdftotext joins the last line of a label and the first line of the value beside it into one line; such a
    line is cut before each word that starts at the left edge of a column (an x where many lines start)."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    raw = []
    for page in out.decode("utf-8").split("<page ")[1:]:
        lines = []
        for m in _LINE.finditer(page):
            lines.append([(float(w.group(1)), float(w.group(2)), float(w.group(3)), float(w.group(4)),
                           html.unescape(w.group(5))) for w in _WORD_BOX.finditer(m.group(5))])
        raw.append(lines)
    form_edges, table_edges = column_starts()
    pages = []
    for lines in raw:
        counts: dict[float, int] = {}
        for words in lines:
            if words:
                key = round(words[0][0] * 2) / 2
                counts[key] = counts.get(key, 0) + 1

        def near(x: float, edges) -> bool:
            return any(0 <= x - e <= 4 for e in edges)

        # the change-log table has only single-column cells: a word at a column edge always starts a cell
        table = sum(1 for x in counts if near(x, table_edges[1:4])) >= 2
        edges = table_edges if table else form_edges
        # column edges of this page: where at least two lines of the page begin, near a column of the layout
        starts = {x for x, n in counts.items() if n >= 2 and near(x, edges)}
        segs: list[Line] = []
        for words in lines:
            cur: list = []
            for w in words:
                gap = w[0] - cur[-1][2] if cur else 0.0
                at_edge = near(w[0], edges)
                if cur and ((round(w[0] * 2) / 2 in starts and gap > 1.0) or (at_edge and gap > (0.3 if table else 2.0))):
                    segs.append(_line(cur))
                    cur = []
                cur.append(w)
            if cur:
                segs.append(_line(cur))
        pages.append(segs)
    return pages


def _line(words) -> Line:
    return Line(words[0][0], min(w[1] for w in words), words[-1][2], max(w[3] for w in words),
                " ".join(w[4] for w in words))


def _cells(lines: list[Line]) -> list[str]:
    """Join the lines of one cell (same left edge, one line pitch apart), then order cells by row and column."""
    lines = sorted(lines, key=lambda ln: (round(ln.x0), ln.y0))
    cells: list[list[Line]] = []
    for ln in lines:
        for cell in cells:
            last = cell[-1]
            h = last.y1 - last.y0
            if abs(last.x0 - ln.x0) < 1.5 and abs(h - (ln.y1 - ln.y0)) < 0.6 and 0 < ln.y0 - last.y0 <= 1.25 * h:
                cell.append(ln)
                break
        else:
            cells.append([ln])
    cells.sort(key=lambda c: (c[0].y0, c[0].x0))
    # cells whose tops are within 2 pt are one row: left to right
    rows: list[list[list[Line]]] = []
    for c in cells:
        if rows and abs(rows[-1][0][0].y0 - c[0].y0) < 2.0:
            rows[-1].append(c)
        else:
            rows.append([c])
    ordered = [c for row in rows for c in sorted(row, key=lambda c: c[0].x0)]
    return ["".join(ln.text for ln in c) for c in ordered]


def reading_text(pdf) -> str:
    """The PDF's text cell by cell in reading order, without page footers and repeated print titles."""
    out: list[str] = []
    previous: list[str] = []
    for lines in page_lines(pdf):
        cells = [c for c in _cells(lines) if not _FOOTER.match(norm(c))]
        k = 0
        while k < min(len(cells), len(previous), 8) and norm(cells[k]) == norm(previous[k]):
            k += 1
        out += cells[k:]
        previous = cells
    return "".join(out)


def norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------------------------------------- expected texts
def form_texts(doc) -> list[str]:
    """Every label and text value of ``doc`` in the order the form prints them."""
    spec = load_spec(doc.form)
    labels = spec.edition(doc.edition).labels
    out: list[str] = []
    per_file_done = False
    for sec in spec.sections:
        if sec.per_file:
            if not per_file_done:
                for fs in spec.file_sections:  # the published order: Ⅱ(1…n), 別添(1…n), Ⅲ(1…n)
                    for f in doc.files:
                        _items(fs.items, getattr(f, fs.key), labels, out)
                per_file_done = True
            continue
        _items(sec.items, getattr(doc, sec.key), labels, out)
    return [t for t in out if norm(t)]


def _items(items: tuple[Item, ...], model, labels: dict, out: list[str]) -> None:
    for it in items:
        if it.kind == "static":
            continue
        if it.kind == "heading" and not it.options:
            _items(it.children, model, labels, out)
            continue
        if it.kind == "repeat":
            for block in getattr(model, it.key):
                header = next((c for c in it.children if c.header), None)
                if header is not None and getattr(block, header.key):
                    out.append(getattr(block, header.key))
                _items(tuple(c for c in it.children if not c.header), block, labels, out)
            continue
        value = getattr(model, it.key)
        if it.kind != "heading" and it.kind not in ("list", "table"):
            out.append(labels.get(it.label, it.label))
        kind = it.value_kind
        if kind == "checkboxes":
            for t in value:
                if t.detail:
                    out.append(t.detail)
        elif kind == "list":
            out += [v for v in value if v]
        elif kind == "table":
            for row in value:
                out += [str(v) for v in (row.date, row.item, row.before, row.after, row.timing, row.explanation)
                        if v is not None]
        elif value is not None:
            out.append(str(value))
        if it.count:
            count = getattr(model, f"{it.key}_count")
            if count is not None:
                out.append(str(count))
        _items(it.children, model, labels, out)


def missing_in_order(expected: list[str], text: str) -> list[tuple[int, str, bool]]:
    """The expected texts not found in order in ``text``: (index, text, found elsewhere)."""
    hay = norm(text)
    pos = 0
    bad = []
    for i, t in enumerate(expected):
        n = norm(t)
        at = hay.find(n, pos)
        if at < 0:
            bad.append((i, t, n in hay))
            continue
        pos = at + len(n)
    return bad
