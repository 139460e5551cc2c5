"""pia-excel law-update (dry run) on the 釧路市 fixture turned back into its pre-2024 wording, checked against the
real pairs of tests/reference/law_refs.tsv."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from pia_excel import api
from pia_excel.cli import main
from pia_excel.organisation.law import rewrite_law
from pia_excel.organisation.replace import dry_run

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "kushiro_shuno_juten.json"
PAIRS = ROOT / "tests" / "reference" / "law_refs.tsv"
ORDINANCE = "及び釧路市個人番号の利用に関する条例別表第1第16項"


def _real_pairs() -> list[tuple[str, str]]:
    """The cell-level 別表第1 → 別表 rows the 釧路市 document printed on 令和7年2月25日 (seed 001)."""
    with open(PAIRS, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [(r["ref_before"], r["ref_after"]) for r in rows
            if r["file"].startswith("001_") and r["変更日"] == "令和7年2月25日"
            and r["category"] == "betsuhyo1_to_betsuhyo" and r["granularity"] == "cell"]


def _old_version(tmp_path: Path) -> tuple[Path, dict]:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    new = json.loads(json.dumps(data))
    pairs = _real_pairs()
    assert len(pairs) == 6

    def back(node):
        if isinstance(node, dict):
            return {k: (back(v) if k != "annex2" else v) for k, v in node.items()}
        if isinstance(node, list):
            return [back(v) for v in node]
        if isinstance(node, str):
            for before, after in pairs:
                if node == after:
                    return before
        return node

    old = back(data)
    old["I"]["jimu_naiyo"] = old["I"]["jimu_naiyo"] + ORDINANCE  # an ordinance's own 別表 stays as it is
    new["I"]["jimu_naiyo"] = old["I"]["jimu_naiyo"]
    path = tmp_path / "kushiro_old.json"
    path.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    return path, new


def test_pre_2024_references_become_the_real_new_ones(tmp_path):
    path, new = _old_version(tmp_path)
    result = dry_run([path], rewrite_law, date="令和7年2月25日", reason="法改正によるもの", jobs=1)
    changed = {p.path: p for p in result.places if p.before != p.after}
    want = api.load(FIXTURE).doc
    from pia_excel.spec import paths

    # every rewritten item now reads as the published 令和7年 document
    assert set(changed) == {"I.kojin_bango_riyo_konkyo", *(f"files[1].II.iten_saki[{n}].iten_konkyo" for n in range(1, 6))}
    for path_, place in changed.items():
        assert place.after == paths.value_at(want, path_)
        assert place.timing == "事後"
    # the ordinance's 別表 and the change log table are untouched
    assert all(ORDINANCE not in p.after or p.before == p.after for p in result.places)
    assert not any(p.path.startswith("annex2") for p in result.places)
    # 「番号法別表第2及び第19条第14号」 without item numbers (Ⅲ-6): shown for review, not rewritten
    review = [p for p in result.places if p.before == p.after]
    assert review and all(any(u.startswith("要確認") for u in p.pairs) for p in review)


def test_unknown_items_are_never_guessed():
    text = "番号法第9条第1項 別表第1第12項"
    assert rewrite_law(text)[0] == text and rewrite_law(text)[1][0].startswith("要確認")
    assert rewrite_law("番号法第19条第7号")[0] == "番号法第19条第8号"
    assert rewrite_law("住民基本台帳法別表第1第16項") == ("住民基本台帳法別表第1第16項", [], 0)


def test_cli_lists_the_places_and_writes_nothing(tmp_path):
    path, _ = _old_version(tmp_path)
    before = path.read_bytes()
    res = CliRunner().invoke(main, ["law-update", str(path), "--date", "令和7年2月25日", "--report",
                                    str(tmp_path / "law.csv")])
    assert res.exit_code == 0, res.output
    assert path.read_bytes() == before
    assert "別表第1第16項→別表第24項" in res.stdout and "6項目を書き換えます" in res.stdout
    rows = list(csv.DictReader(open(tmp_path / "law.csv", encoding="utf-8-sig", newline="")))
    assert {r["提出時期"] for r in rows if r["変更前"] != r["変更後"]} == {"事後"}


def test_apply_writes_the_new_references_and_their_rows(tmp_path):
    path, new = _old_version(tmp_path)
    xlsx = tmp_path / "kushiro_old.xlsx"
    api.save(api.load(path).doc, xlsx)
    path.unlink()
    rows_before = len(api.load(xlsx).doc.annex2.henko_kasho)
    res = CliRunner().invoke(main, ["law-update", str(tmp_path), "--date", "令和7年2月25日", "--apply"])
    assert res.exit_code == 0, res.output
    doc = api.load(xlsx).doc
    want = api.load(FIXTURE).doc
    assert doc.I.kojin_bango_riyo_konkyo == want.I.kojin_bango_riyo_konkyo
    assert [b.iten_konkyo for b in doc.files[0].II.iten_saki] == [b.iten_konkyo for b in want.files[0].II.iten_saki]
    assert ORDINANCE in doc.I.jimu_naiyo
    added = doc.annex2.henko_kasho[rows_before:]
    assert len(added) == 6 and {r.timing for r in added} == {"事後"}
    assert all("法改正" in (r.explanation or "") for r in added)
