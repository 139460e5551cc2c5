"""The bundled sample workbooks (what `make demo` runs on) hold exactly the transcribed fixtures."""
from __future__ import annotations

from pathlib import Path

import pytest

from pia_excel import api

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "tests" / "fixtures").glob("*.json"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_sample_workbook_is_current(fixture):
    sample = ROOT / "samples" / f"{fixture.stem}.xlsx"
    assert sample.exists(), f"missing {sample}: pia-excel convert {fixture} -o {sample}"
    result = api.load(sample)
    assert result.issues == []
    assert api.to_data(result.doc) == api.to_data(api.load(fixture).doc), \
        f"sample out of date: pia-excel convert {fixture.relative_to(ROOT)} -o {sample.relative_to(ROOT)}"
