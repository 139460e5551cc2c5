"""The CLI as a user meets it: new, convert, schema, and one clear line + exit 2 for unusable input."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from pia_excel.cli import main
from pia_excel.pdf.render import find_soffice

FIXTURES = Path(__file__).with_name("fixtures")


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output, result.stderr if hasattr(result, "stderr") else ""


def test_new_then_convert_both_ways(tmp_path):
    code, out, _ = run("new", "--form", "zenkomoku", "--files", "3", "-o", tmp_path / "z.xlsx")
    assert code == 0, out
    code, out, _ = run("convert", tmp_path / "z.xlsx", "-o", tmp_path / "z.json")
    assert code == 0, out
    data = json.loads((tmp_path / "z.json").read_text(encoding="utf-8"))
    assert data["form"] == "zenkomoku" and data["edition"] == "r7-05" and len(data["files"]) == 3
    code, out, _ = run("convert", tmp_path / "z.json", "-o", tmp_path / "z.yaml")
    assert code == 0
    code, out, _ = run("convert", tmp_path / "z.yaml", "-o", tmp_path / "z2.xlsx")
    assert code == 0
    code, out, _ = run("convert", tmp_path / "z2.xlsx", "-o", tmp_path / "z2.json")
    assert json.loads((tmp_path / "z2.json").read_text(encoding="utf-8")) == data


def test_new_older_edition(tmp_path):
    code, out, _ = run("new", "--form", "zenkomoku", "--edition", "h30-05", "-o", tmp_path / "h.xlsx")
    assert code == 0, out
    code, out, _ = run("new", "--form", "zenkomoku", "--edition", "r1-01", "-o", tmp_path / "x.xlsx")
    assert code == 2 and "unknown edition" in out


def test_convert_fixture_to_workbook(tmp_path):
    code, out, _ = run("convert", FIXTURES / "kushiro_shuno_juten.json", "-o", tmp_path / "k.xlsx")
    assert code == 0, out
    code, out, _ = run("convert", tmp_path / "k.xlsx", "-o", tmp_path / "k.json")
    assert json.loads((tmp_path / "k.json").read_text(encoding="utf-8")) == \
        json.loads((FIXTURES / "kushiro_shuno_juten.json").read_text(encoding="utf-8"))


def test_convert_never_overwrites_its_input(tmp_path):
    src = tmp_path / "k.json"
    shutil.copy(FIXTURES / "kushiro_shuno_juten.json", src)
    before = src.read_bytes()
    code, out, _ = run("convert", src, "-o", src)
    assert code == 2 and "入力と同じファイル" in out
    assert src.read_bytes() == before


def test_schema_prints_json_schema():
    code, out, _ = run("schema", "--form", "juten")
    assert code == 0
    schema = json.loads(out)
    assert schema["properties"]["form"]["const"] == "juten"
    assert "JutenCover" in schema["$defs"]


def _one_error_line(out: str) -> str:
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1, out
    assert lines[0].startswith("エラー: ")
    return lines[0]


def _garbage(p: Path) -> Path:
    p.write_bytes(b"this is not a workbook\n")
    return p


def _corrupt_zip(p: Path) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    p.write_bytes(buf.getvalue()[:40])  # truncated archive
    return p


def _other_workbook(p: Path) -> Path:
    wb = Workbook()
    wb.active["A1"] = "予算要求書"
    wb.active["B2"] = 12345
    wb.save(p)
    return p


def _kiso_workbook(p: Path) -> Path:
    wb = Workbook()
    wb.active["A1"] = "特定個人情報保護評価書（基礎項目評価書）"
    wb.save(p)
    return p


def _encrypted(p: Path) -> Path:
    import msoffcrypto.format.ooxml

    plain = p.with_suffix(".plain.xlsx")
    _other_workbook(plain)
    with open(plain, "rb") as fin, open(p, "wb") as fout:
        msoffcrypto.format.ooxml.OOXMLFile(fin).encrypt("secret", fout)
    return p


@pytest.mark.parametrize("make, expected", [
    (_garbage, "Excelブック（.xlsx/.xlsm）ではありません"),
    (_corrupt_zip, "壊れています"),
    (_other_workbook, "特定個人情報保護評価書（重点項目評価書・全項目評価書）のブックではありません"),
    (_kiso_workbook, "基礎項目評価書にはまだ対応していません"),
    (_encrypted, "パスワードで保護されたファイルは読めません"),
], ids=["not-xlsx", "corrupt-zip", "other-workbook", "kiso-form", "password"])
def test_bad_workbooks_get_one_line_and_exit_2(make, expected, tmp_path):
    src = make(tmp_path / "input.xlsx")
    code, out, _ = run("convert", src, "-o", tmp_path / "out.json")
    assert code == 2
    line = _one_error_line(out)
    assert str(src) in line and expected in line
    assert not (tmp_path / "out.json").exists()


@pytest.mark.libreoffice
def test_old_xls_gets_one_line_and_exit_2(tmp_path):
    """A real Excel 97-2003 file, made by LibreOffice."""
    src = _other_workbook(tmp_path / "old.xlsx")
    subprocess.run([find_soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "xls", "--outdir", str(tmp_path), str(src)], check=True, capture_output=True,
                   timeout=180)
    xls = tmp_path / "old.xls"
    assert xls.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    code, out, _ = run("convert", xls, "-o", tmp_path / "out.json")
    assert code == 2
    assert "Excel 97-2003 形式（.xls）は読めません" in _one_error_line(out)


def test_missing_file_and_bad_json(tmp_path):
    code, out, _ = run("convert", tmp_path / "nope.xlsx", "-o", tmp_path / "o.json")
    assert code == 2 and "ファイルがありません" in _one_error_line(out)
    bad = tmp_path / "bad.json"
    bad.write_text('{"form": "juten", "cover": {"kohyo_bi": "平成31年5月1日"}}', encoding="utf-8")
    code, out, _ = run("convert", bad, "-o", tmp_path / "o.xlsx")
    assert code == 2
    assert "cover.kohyo_bi" in out and "平成は31年4月30日まで" in out
    (tmp_path / "b2.json").write_text("{not json", encoding="utf-8")
    code, out, _ = run("convert", tmp_path / "b2.json", "-o", tmp_path / "o.xlsx")
    assert code == 2 and "JSON として読めません" in _one_error_line(out)
