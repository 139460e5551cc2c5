"""LibreOffice, an independent implementation of the format, opens our workbooks and prints the form."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pia_excel import api
from pia_excel.excel.writer import write_workbook
from pia_excel.models import new_document
from pia_excel.pdf.render import pdf_page_count, pdf_text, to_pdf

from test_workbook_layout import _label_roman, norm, reference_labels

pytestmark = pytest.mark.libreoffice


def flat_pdf_text(pdf: Path) -> str:
    # page footers "3 / 15" go on their own line, before spaces are dropped (else "別表第２の２６" + "15 / 41" loses 26)
    text = norm(re.sub(r"^\s*\d+\s*/\s*\d+\s*$", "", pdf_text(pdf), flags=re.M))
    return text.replace(norm("例：令和7年2月25日"), "")  # the hint beside date cells may split long labels


@pytest.mark.parametrize("form", ["juten", "zenkomoku"])
def test_pdf_of_blank_template_prints_every_label_in_order(form, tmp_path):
    xlsx = tmp_path / f"{form}.xlsx"
    write_workbook(new_document(form), xlsx)
    pdf = to_pdf(xlsx, tmp_path / f"{form}.pdf")
    assert pdf_page_count(pdf) >= 8
    text = flat_pdf_text(pdf)
    pos = 0
    for label in reference_labels(form):
        label = norm(_label_roman(label))
        # pdftotext may swap neighbouring blocks (a tall title cell and the row beside it): allow a short look-back
        found = text.find(label, max(0, pos - 80))
        assert found >= 0, f"{label!r} not printed after …{text[max(0, pos - 40):pos + 40]}…"
        pos = found + len(label)


@pytest.mark.parametrize("fixture", sorted(Path(__file__).with_name("fixtures").glob("*.json")),
                         ids=lambda p: p.stem)
def test_pdf_of_fixture_holds_its_short_values(fixture, tmp_path):
    """Every one-line value of the real document (names, choices, dates, ticked options) is printed."""
    doc = api.load(fixture).doc
    xlsx = tmp_path / "doc.xlsx"
    write_workbook(doc, xlsx)
    text = flat_pdf_text(to_pdf(xlsx, tmp_path / "doc.pdf"))
    values: list[str] = []

    def collect(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("form", "edition", "checked", "count", "hyokasho_no"):
                    continue
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)
        elif isinstance(node, str) and "\n" not in node and len(node) <= 30:
            values.append(node)

    data = api.to_data(doc)
    for key in ("cover", "I", "files"):
        collect(data.get(key))
    assert len(values) > 40
    # a 全角スペース inside a value prints as a wide gap, which pdftotext may turn into a break between text blocks
    # ("国民健康保険事務　全項目評価書" of seed 002): each part is looked for
    missing = [v for v in values if not all(norm(part) in text for part in v.split("\u3000") if part.strip())]
    assert missing == [], missing
