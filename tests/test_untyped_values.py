"""Values that cannot be typed (a count "約5" or "三", an impossible date) are reported at their cell and written
back exactly as they were read, through JSON and back to a workbook."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from pia_excel import api

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "kushiro_shuno_juten.xlsx"


@pytest.mark.parametrize("name, text", [
    ("pia.files.1.II.teikyo_iten_umu.o2.count", "約5"),
    ("pia.files.1.II.teikyo_iten_umu.o2.count", "三"),
    ("pia.cover.kohyo_bi", "令和7年2月30日"),
    ("pia.cover.kohyo_bi", "平成31年5月1日"),
])
def test_untyped_value_is_reported_and_written_back(tmp_path, name, text):
    src = tmp_path / "in.xlsx"
    shutil.copy(SAMPLE, src)
    wb = openpyxl.load_workbook(src)
    sheet, ref = list(wb.defined_names[name].destinations)[0]
    ref = ref.replace("$", "")
    wb[sheet][ref] = text
    wb.save(src)
    read = api.load(src)
    assert text in read.doc.invalid_values.values()
    assert any(i.cell == ref and i.sheet == sheet for i in read.issues), read.issues
    api.save(read.doc, tmp_path / "doc.json")
    api.save(api.load(tmp_path / "doc.json").doc, tmp_path / "out.xlsx")
    assert openpyxl.load_workbook(tmp_path / "out.xlsx")[sheet][ref].value == text
    assert api.load(tmp_path / "out.xlsx").doc.invalid_values == read.doc.invalid_values
