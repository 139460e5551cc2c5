"""Cross-document checks over a folder (validate --across, R801–R808), on copies of the real fixtures."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pia_excel import api
from pia_excel.cli import main
from pia_excel.rules.across import ACROSS_RULES, check, ended_on, facts_of, key
from pia_excel.rules.catalogue import render_markdown

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
ADACHI_XLSX = ROOT / "samples" / "adachi_jukijo_zenkomoku.xlsx"


def _data(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _write(folder: Path, name: str, data: dict) -> Path:
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _run(folder: Path, *extra: str):
    res = CliRunner().invoke(main, ["validate", str(folder), "--across", "--format", "json", "-j", "1",
                                    "--today", "2026-12-01", *extra])
    assert res.exit_code in (0, 1), res.output
    data = json.loads(res.stdout)
    across = [f for f in data["findings"] if f["code"].startswith("R8")]
    return res, across


@pytest.fixture
def consistent(tmp_path):
    shutil.copy(ADACHI_XLSX, tmp_path / "a_jukijo.xlsx")
    other = _data("adachi_jukijo_zenkomoku.json")  # the same organisation, another 事務, the same spellings
    other["cover"]["hyokasho_no"] = 41
    other["cover"]["hyokasho_mei"] = "国民健康保険に関する事務 全項目評価書"
    other["I"]["jimu_meisho"] = "国民健康保険に関する事務"
    _write(tmp_path, "b_kokuho.json", other)
    shutil.copy(FIXTURES / "kushiro_shuno_juten.json", tmp_path / "c_kushiro.json")
    return tmp_path


def test_a_consistent_folder_has_no_cross_document_findings(consistent):
    res, across = _run(consistent)
    assert across == []


def test_each_kind_of_disagreement_is_found_with_both_documents_and_cells(tmp_path):
    shutil.copy(ADACHI_XLSX, tmp_path / "a_jukijo.xlsx")
    b = _data("adachi_jukijo_zenkomoku.json")
    b["cover"]["hyokasho_mei"] = "国民健康保険に関する事務 全項目評価書"  # number 40 kept: R801
    b["I"]["jimu_meisho"] = "国民健康保険に関する事務"
    b["cover"]["hyoka_jisshi_kikan_mei"] = "足立区　長"  # R802
    b["V"]["seikyu_saki"] = b["V"]["seikyu_saki"].replace("03-3880-5830", "０３－３８８０－５８３０")  # R803
    b["V"]["toiawase_renrakusaki"] = b["V"]["toiawase_renrakusaki"].replace(" 郵便番号", "　 郵便番号")  # R804
    b["I"]["systems"][3]["system_name"] = "中間サーバー･プラットフォーム"  # half-width middle dot: R805
    b["files"][0]["II"]["itaku_jiko"][1]["itakusaki_mei"] = "(株)ケー・デー・シー"  # R806
    _write(tmp_path, "b_kokuho.json", b)
    c = _data("adachi_jukijo_zenkomoku.json")  # the same 事務 again under another number: R807
    c["cover"]["hyokasho_no"] = 42
    _write(tmp_path, "c_jukijo_again.json", c)
    d = _data("kushiro_shuno_juten.json")  # another organisation: a 重点 whose しきい値 asks for 全項目: R808
    # not one of the 重点 form's choices: kept as written (the reader's invalid_values), written to a workbook
    d["V"].pop("shikiichi")
    d["invalid_values"] = {"V.shikiichi": "基礎項目評価及び全項目評価の実施が義務付けられる"}
    api.save(api.load(_write(tmp_path, "d.json", d)).doc, tmp_path / "d_kushiro.xlsx")
    (tmp_path / "d.json").unlink()
    e = _data("kushiro_shuno_juten.json")  # the same 事務, ended: not assessed twice
    e["cover"]["hyokasho_no"] = 6
    e["cover"]["hyokasho_mei"] = "収納事務 重点項目評価書【令和6年3月31日 終了】"
    _write(tmp_path, "e_kushiro_ended.json", e)

    res, across = _run(tmp_path)
    assert res.exit_code == 1
    got = sorted((Path(f["file"]).name, f["code"], f["sheet"], f["cell"]) for f in across)
    assert got == sorted([
        ("b_kokuho.json", "R801", "表紙", "C2"),
        ("b_kokuho.json", "R802", "表紙", "C6"),
        ("b_kokuho.json", "R803", "Ⅴ 開示請求、問合せ", "C3"),
        ("b_kokuho.json", "R804", "Ⅴ 開示請求、問合せ", "C14"),
        ("b_kokuho.json", "R805", "Ⅰ 基本情報", "C39"),
        ("b_kokuho.json", "R806", "Ⅱ ファイルの概要(1)", "C99"),
        ("c_jukijo_again.json", "R807", "Ⅰ 基本情報", "C3"),
        ("d_kushiro.xlsx", "R808", "Ⅴ 評価実施手続", "C4"),
    ])
    by_code = {f["code"]: f["message"] for f in across}
    # the other document and its cell are named
    assert "a_jukijo.xlsx の 表紙!C2" in by_code["R801"]
    assert "a_jukijo.xlsx の 表紙!C6" in by_code["R802"] and "足立区長" in by_code["R802"]
    assert "a_jukijo.xlsx の Ⅱ ファイルの概要(1)!C99" in by_code["R806"]
    assert "a_jukijo.xlsx の Ⅰ 基本情報!C3" in by_code["R807"]
    assert "重点項目評価書" in by_code["R808"]

    text = CliRunner().invoke(main, ["validate", str(tmp_path), "--across", "-j", "2", "--today", "2026-12-01"])
    assert "■ 評価書間の照合（5件）: エラー 2件、警告 6件" in text.stdout
    assert "評価書間 8件" in text.stdout


def test_one_document_alone_has_no_findings_and_company_spellings():
    doc = api.load(FIXTURES / "adachi_jukijo_zenkomoku.json")
    facts = facts_of(doc, "x.json")
    assert check([facts]) == []
    assert key("(株)ケー・デー・シー") == key("株式会社ケー・デー・シー") != key("ケー・デー・シー株式会社")
    assert ended_on("収納事務 重点項目評価書【令和6年3月31日 終了】") == "令和6年3月31日"
    assert ended_on("収納事務 重点項目評価書") is None


def test_folder_rules_are_in_the_catalogue():
    md = render_markdown()
    for code, r in ACROSS_RULES.items():
        assert f"| {code} | {r.severity} | {r.category} | {r.title} |" in md
    res = CliRunner().invoke(main, ["rules"])
    assert "R801" in res.stdout and "R808" in res.stdout
