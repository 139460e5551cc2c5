"""``pia-excel item`` / ``api.describe`` for every item of both forms and for the real 変更箇所 項目 texts;
docs/items.md kept current; rules declare what they read as selectors checked against the spec."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pia_excel import api
from pia_excel.spec.parse import parse_item
from pia_excel.cli import main
from pia_excel.rules import RULES
from pia_excel.rules.engine import rule
from pia_excel.spec import FORMS, ROLES, load_spec
from pia_excel.spec.paths import instance_path, select, template_path

from test_changelog_support import FORMS as TSV_FORMS, reference_rows

DOCS = Path(__file__).resolve().parent.parent / "docs"
EDITIONS = [(form, e.id) for form in FORMS for e in load_spec(form).editions]


def run(*args):
    return CliRunner().invoke(main, ["item", *map(str, args)], catch_exceptions=False)


def _json(*args) -> dict:
    r = run(*args, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def _first_instance(item) -> str:
    slots = {a.key: 1 for a in item.ancestors() if a.kind == "repeat"}
    return instance_path(item, slots, 1)


@pytest.mark.parametrize("form,edition", EDITIONS)
def test_every_item_of_the_form(form, edition):
    """Every value item, by template path and by instance path: its own path back, a sheet and a cell, its kind,
    its ※ and its choices/options as in the spec."""
    spec = load_spec(form)
    items = spec.value_items()
    assert len(items) > 100
    for it in items:
        got = _json(it.path, "--form", form, "--edition", edition)
        assert got["template"] == it.path
        assert got["path"] == _first_instance(it)
        assert got["sheet"] and got["cell"], it.path
        assert got["kind"] == it.value_kind and got["important"] == it.important
        assert got["choices"] == list(it.choices) and len(got["options"]) == len(it.options)
        assert got["edition"] == edition
        again = _json(got["path"], "--form", form, "--edition", edition)
        assert (again["path"], again["sheet"], again["cell"]) == (got["path"], got["sheet"], got["cell"])


def test_text_output_names_label_cell_and_rules():
    r = run("files[1].II.itaku_umu", "--form", "juten")
    assert r.exit_code == 0
    assert "項目: 委託の有無　※" in r.output
    assert "項目パス: files[1].II.itaku_umu" in r.output
    assert "シート・セル: Ⅱ ファイルの概要(1)!" in r.output
    assert "＜選択肢＞: 委託する / 委託しない" in r.output
    assert "R201" in r.output and "※: あり" in r.output


def test_second_file_and_slot():
    info = api.describe("files[2].II.itaku_jiko[3].itaku_naiyo", "zenkomoku", files=2)
    assert info.path == "files[2].II.itaku_jiko[3].itaku_naiyo"
    assert info.sheet.endswith("(2)") and info.cell
    assert "委託事項3" in info.changelog_item and "（2）" in info.changelog_item


def _resolved_reference_rows():
    out = []
    for row in reference_rows():
        form = TSV_FORMS[row["form"]]
        parsed = parse_item(row["項目"], form)
        if parsed.resolved:
            out.append((row["項目"], form, parsed.path))
    return out


def test_printed_items_of_real_change_logs():
    """Every real 項目 the parser resolves today names the same item through ``pia-excel item``, with a cell."""
    rows = _resolved_reference_rows()
    assert len(rows) >= 180  # of 206 real rows (the parser's measured rate is at least 90 %)
    for text, form, path in rows:
        got = _json(text, "--form", form)
        assert got["path"] == path, text
        assert got["sheet"] and got["cell"], text
        assert got["resolved_from"] == text


@pytest.mark.parametrize("args", [("存在しない項目", "--form", "juten"), ("I.nothing", "--form", "zenkomoku"),
                                  ("files[3].II.II_1", "--form", "juten", "--files", "2"),
                                  ("I.systems[99].system_name", "--form", "juten")])
def test_unknown_item_is_one_japanese_line_and_exit_2(args):
    r = run(*args)
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("エラー: ")
    assert any("\u3040" <= ch <= "\u9fff" for ch in lines[0])
    assert r.stdout == ""


def test_docs_items_md_is_current():
    assert (DOCS / "items.md").read_text(encoding="utf-8") == api.items_markdown(), \
        "docs/items.md is out of date: run python -m pia_excel.cli.docs items -o docs/items.md"


# ---------------------------------------------------------------------------------------------- what rules read
def test_every_rule_reads_items_of_the_spec():
    for code, r in RULES.items():
        assert r.reads, code
        for selector in r.reads:
            assert any(select(load_spec(f), selector) for f in r.forms), (code, selector)


def test_unknown_read_raises_when_registered():
    with pytest.raises(ValueError, match="R998"):
        rule("R998", "エラー", "t", "m", reads=("II.no_such_item",))(lambda ctx: ())
    with pytest.raises(ValueError, match="R998"):
        rule("R998", "エラー", "t", "m", reads=("role:no_such_role",))(lambda ctx: ())
    with pytest.raises(ValueError, match="R998"):
        rule("R998", "エラー", "t", "m", reads=("kind:no_such_kind",))(lambda ctx: ())
    assert "R998" not in RULES


def test_selectors():
    spec = load_spec("zenkomoku")
    assert [it.path for it in select(spec, "role:changes")] == ["annex3.henko_kasho"]
    assert select(spec, "files.II.itaku_umu") == select(spec, "II.itaku_umu")
    assert all(it.value_kind == "checkboxes" for it in select(spec, "kind:checkboxes"))
    under = select(spec, "III.III_4.*")
    assert under and spec.item("III.III_4") not in under
    assert all(it.section.key == "II" for it in select(spec, "II.*"))
    assert len(select(spec, "*")) == len(spec.value_items())


# ---------------------------------------------------------------------------------------------- roles, paths
@pytest.mark.parametrize("form", FORMS)
def test_roles(form):
    spec = load_spec(form)
    assert set(spec.by_role) == set(ROLES)
    assert spec.role("file_name").path == "II.II_1"
    assert spec.changes_item is spec.role("changes") and spec.changes_item.kind == "table"


def test_template_path():
    assert template_path("files[1].II.itaku_jiko[3].itaku_naiyo") == "II.itaku_jiko.itaku_naiyo"


def test_walk_over_files_and_slots():
    from pia_excel.models import new_document
    from pia_excel.spec import paths

    doc = new_document("juten", files=2)
    doc.files[1].II.II_1 = "第2ファイル"
    spec = load_spec("juten")
    assert [p for _, p, _ in paths.files(doc)] == ["files[1]", "files[2]"]
    assert paths.file_names(spec, doc) == {1: None, 2: "第2ファイル"}
    walked = [p for p, _, _ in paths.walk(spec, doc)]
    assert "files[2].II.II_1" in walked and "annex2.henko_kasho" in walked
    assert paths.value_at(doc, "files[2].II.II_1") == "第2ファイル"
    assert paths.split_option("files[1].II.nyushu_moto.o3.detail") == ("files[1].II.nyushu_moto", 3, "detail")


def test_text_normalisers():
    from pia_excel.spec import text

    assert text.compact("１．　特定 個人") == "1.特定個人"
    assert text.label_key("II 特定個人情報ファイルの概要 ※") == text.label_key("Ⅱ　特定個人情報ファイルの概要") \
        == "II特定個人情報ファイルの概要"
    assert text.nfkc_keep_circled("②１") == "②1"
