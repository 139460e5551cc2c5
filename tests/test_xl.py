"""The Excel button handlers, run for real on Linux: xlwings' JSON book (``xw.Book(json=…)``, the same Range/Sheet
API as Excel) built from our workbook files in the format xlwings' clients send; the actions the handlers return
(``book.json()``) are applied back to the file, which is then checked."""
from __future__ import annotations

import copy
import datetime as dt
import os
import shutil
import zipfile
from pathlib import Path

import pytest

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # xlwings' noncommercial licence: JSON books
os.environ.setdefault("XLWINGS_ON_SERVER", "true")

from openpyxl import load_workbook  # noqa: E402

from pia_excel import api  # noqa: E402
from pia_excel.addin import book as xlbook, handlers as xl, harness  # noqa: E402
from pia_excel.excel import macros as templates, result_sheet  # noqa: E402
from pia_excel.excel.reader import open_workbook  # noqa: E402
from pia_excel.rules.report import ERROR_RGB, RECORD_SHEET, RESULT_SHEET, WARNING_RGB, write_annotated  # noqa: E402
from pia_excel.rules import validate_result  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
KUSHIRO = FIXTURES / "kushiro_shuno_juten.json"
ADACHI = FIXTURES / "adachi_jukijo_zenkomoku.json"
TODAY = dt.date(2025, 4, 1)


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    """The fixtures as macro-enabled workbooks (what staff open), made once."""
    d = tmp_path_factory.mktemp("books")
    out = {}
    for key, src in (("juten", KUSHIRO), ("zenkomoku", ADACHI)):
        out[key] = d / f"{src.stem}.xlsm"
        api.save(api.load(src).doc, out[key])
    return out


@pytest.fixture
def kushiro(books, tmp_path) -> Path:
    path = tmp_path / books["juten"].name
    shutil.copy(books["juten"], path)
    return path


def payload(path: Path) -> dict:
    wb = open_workbook(path, read_only=True)
    try:
        return harness.payload_from_workbook(wb, path.name)
    finally:
        wb.close()


def set_value(data: dict, name: str, value) -> tuple[str, str]:
    """Change a named cell in a payload, as typing into the open workbook would (nothing saved)."""
    entry = next(n for n in data["names"] if n["name"] == name)
    sheet = data["sheets"][entry["sheet_index"]]
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    col, row = coordinate_from_string(entry["address"])
    c = column_index_from_string(col)
    rows = sheet["values"]
    while len(rows) < row:
        rows.append([None] * len(rows[0]))
    for r in rows:
        r.extend([None] * (c - len(r)))
    rows[row - 1][c - 1] = value
    return sheet["name"], entry["address"]


def run_json(handler, data: dict, target: Path, **kwargs) -> list[dict]:
    """Run ``handler`` on the JSON book of ``data``, apply its actions to ``target``; returns the alerts."""
    book = xlbook.json_book(data)
    try:
        handler(book, **kwargs) if kwargs else handler(book)
        actions = list(book.json()["actions"])
    finally:
        book.close()
    wb = load_workbook(target, keep_vba=target.suffix == ".xlsm")
    alerts = harness.apply_actions(wb, actions)
    wb.save(target)
    return alerts


def fills(wb) -> dict[tuple[str, str], str]:
    out = {}
    for ws in wb.worksheets:
        if ws.title in (RESULT_SHEET, RECORD_SHEET):
            continue
        for row in ws.iter_rows():
            for c in row:
                rgb = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type == "solid" else None
                if rgb in (ERROR_RGB, WARNING_RGB):
                    out[(ws.title, c.coordinate)] = rgb
    return out


def result_rows(wb) -> list[tuple]:
    ws = wb[RESULT_SHEET]
    n = len(result_sheet.RESULT_HEADERS)
    return [tuple(c.value for c in row[:n]) for row in ws.iter_rows(min_row=4)
            if any(c.value is not None for c in row[:n])]


def links(wb) -> dict[str, str]:
    ws = wb[RESULT_SHEET]
    return {c.coordinate: c.hyperlink.location for row in ws.iter_rows(min_row=5) for c in row if c.hyperlink}


# ---------------------------------------------------------------------------------------------- the JSON book
def test_payload_opens_as_an_xlwings_book(kushiro):
    import xlwings as xw

    data = payload(kushiro)
    assert data["version"] == xw.__version__ and data["client"] == "VBA"
    book = xlbook.json_book(data)
    try:
        doc = api.load(kushiro).doc
        assert book.names["pia.cover.hyokasho_mei"].refers_to_range.value == doc.cover.hyokasho_mei
        assert [s.name for s in book.sheets] == load_workbook(kushiro, read_only=True).sheetnames
        assert book.names["pia.meta.form"].refers_to == '="juten"'
    finally:
        book.close()


def test_reading_the_book_equals_reading_the_file(kushiro):
    book = xlbook.json_book(payload(kushiro))
    try:
        from_book = xlbook.read_book(book)
    finally:
        book.close()
    from_file = api.load(kushiro)
    assert from_book.doc == from_file.doc
    assert from_book.cells == from_file.cells


def test_reading_without_constant_names_uses_title_and_stamp(books, tmp_path):
    """Clients send only names that refer to ranges: form and edition come from the title and the 様式 stamp."""
    data = payload(books["zenkomoku"])
    data["names"] = [n for n in data["names"] if n["sheet_index"] is not None]
    book = xlbook.json_book(data)
    try:
        doc = xlbook.read_book(book).doc
    finally:
        book.close()
    assert doc == api.load(books["zenkomoku"]).doc


# ---------------------------------------------------------------------------------------------- 検証
@pytest.mark.parametrize("form", ["juten", "zenkomoku"])
def test_validate_writes_what_the_cli_writes(books, tmp_path, form):
    """The button and `pia-excel validate --in-place` give the same 検証結果 rows, links and highlights."""
    (tmp_path / "button").mkdir()
    (tmp_path / "cli").mkdir()
    button, cli = tmp_path / "button" / books[form].name, tmp_path / "cli" / books[form].name
    shutil.copy(books[form], button)
    shutil.copy(books[form], cli)

    run = harness.run_on_file(lambda b: xl.validate_book(b, today=TODAY), button)
    write_annotated(validate_result(api.load(cli), today=TODAY), cli, source=cli)

    report = validate_result(api.load(books[form]), today=TODAY)
    assert report.findings, "the fixture is expected to have findings"
    assert run.alerts == []  # validate_book returns the summary; the entry point shows it
    a, b = load_workbook(button, keep_vba=True), load_workbook(cli, keep_vba=True)
    assert result_rows(a) == result_rows(b)
    assert len(result_rows(a)) == 1 + len(report.findings)
    assert links(a) == links(b) and links(a)
    assert fills(a) == fills(b) and fills(a)
    assert a[RECORD_SHEET].sheet_state == "veryHidden"
    # the button keeps the template's 検証結果 sheet (with its buttons) where it was
    assert a.sheetnames.index(RESULT_SHEET) == len(a.sheetnames) - 3  # before 選択肢 and 検証記録
    assert templates.read_buttons(button)[RESULT_SHEET] == templates.read_buttons(books[form])[RESULT_SHEET]


def test_validate_entry_point_shows_a_summary(kushiro, monkeypatch):
    book = xlbook.json_book(payload(kushiro))
    monkeypatch.setattr(xl, "_caller", lambda: book)
    try:
        xl.validate()
        actions = book.json()["actions"]
    finally:
        book.close()
    alerts = [a for a in actions if a["func"] == "alert"]
    assert len(alerts) == 1
    prompt, title = alerts[0]["args"][0], alerts[0]["args"][1]
    assert title == "pia-excel" and prompt.startswith("検証しました") and "エラー" in prompt
    assert actions[-2]["func"] == "activateSheet"


def test_unsaved_edits_are_what_is_checked(kushiro):
    """A value typed into the open workbook (not saved) is what the button checks and marks."""
    data = payload(kushiro)
    sheet, ref = set_value(data, "pia.cover.kohyo_bi", "令和7年13月40日")
    run_json(lambda b: xl.validate_book(b, today=TODAY), data, kushiro)
    wb = load_workbook(kushiro, keep_vba=True)
    rows = [r for r in result_rows(wb)[1:] if r[3] == sheet and r[4] == ref]
    assert rows, f"no finding at {sheet}!{ref}"
    assert fills(wb)[(sheet, ref)] == ERROR_RGB
    assert api.load(kushiro).doc.cover.kohyo_bi is not None  # the file itself still holds the saved value


def test_validate_again_clears_earlier_highlights_then_sets(kushiro):
    harness.run_on_file(lambda b: xl.validate_book(b, today=TODAY), kushiro)
    wb = load_workbook(kushiro, keep_vba=True)
    first_rows, first_fills = result_rows(wb), fills(wb)
    # a cell highlighted by an earlier run that has no finding now
    name = wb.defined_names["pia.cover.hyokasho_no"]
    sheet, ref = next(iter(name.destinations))
    ref = ref.replace("$", "")
    assert (sheet, ref) not in first_fills
    from openpyxl.styles import PatternFill

    wb[sheet][ref].fill = PatternFill("solid", fgColor=ERROR_RGB)
    wb[RECORD_SHEET].append([sheet, ref, None])
    wb.save(kushiro)

    harness.run_on_file(lambda b: xl.validate_book(b, today=TODAY), kushiro)
    wb = load_workbook(kushiro, keep_vba=True)
    assert (sheet, ref) not in fills(wb)
    assert fills(wb) == first_fills
    assert result_rows(wb) == first_rows
    assert wb.sheetnames.count(RESULT_SHEET) == 1


# ---------------------------------------------------------------------------------------------- 公表版 / 変更箇所
def test_changelog_without_baseline_is_a_message(kushiro):
    before = load_workbook(kushiro, read_only=True).sheetnames
    run = harness.run_on_file(xl.changelog, kushiro)
    assert [a["func"] for a in run.actions] == ["alert"]
    assert "公表版がまだ確定されていません" in run.alerts[0]["prompt"]
    assert load_workbook(kushiro, read_only=True).sheetnames == before


def test_publish_then_changelog_appends_rows_for_unsaved_edits(kushiro):
    from pia_excel.changelog import load_baseline

    doc = api.load(kushiro).doc
    run = harness.run_on_file(lambda b: xl.publish_book(b, today=TODAY), kushiro)
    assert run.value.startswith("今の内容を公表版として確定しました")
    assert str(doc.cover.kohyo_bi) in run.value  # 公表日 already in the workbook is kept
    wb = load_workbook(kushiro, keep_vba=True)
    assert wb["_pia_baseline"].sheet_state == "veryHidden"
    base = load_baseline(wb)
    assert base.doc.cover == doc.cover and base.doc.files == doc.files
    assert templates.read_buttons(kushiro) == templates.read_buttons(templates.template_path("juten"))

    data = payload(kushiro)
    set_value(data, "pia.cover.hyokasho_mei", "収納事務（改）")
    rows_before = len(api.load(kushiro).doc.annex2.henko_kasho)
    run_json(lambda b: xl.changelog_book(b, today=TODAY), data, kushiro)
    rows = api.load(kushiro).doc.annex2.henko_kasho
    assert len(rows) == rows_before + 1
    new = rows[-1]
    assert str(new.date) == "令和7年4月1日"
    assert new.before == doc.cover.hyokasho_mei and new.after == "収納事務（改）"
    assert "評価書名" in new.item

    # the same change again: nothing added twice
    data = payload(kushiro)
    set_value(data, "pia.cover.hyokasho_mei", "収納事務（改）")
    book = xlbook.json_book(data)
    try:
        message = xl.changelog_book(book, today=TODAY)
    finally:
        book.close()
    assert "追加しています" not in message and "既にある" in message


def test_publish_stamps_today_when_kohyo_bi_is_empty(kushiro):
    data = payload(kushiro)
    set_value(data, "pia.cover.kohyo_bi", None)
    run_json(lambda b: xl.publish_book(b, today=TODAY), data, kushiro)
    assert str(api.load(kushiro).doc.cover.kohyo_bi) == "令和7年4月1日"


def test_handlers_keep_vba_and_buttons(kushiro):
    vba = zipfile.ZipFile(kushiro).read("xl/vbaProject.bin")
    buttons = templates.read_buttons(kushiro)
    for handler in (lambda b: xl.publish_book(b, today=TODAY), lambda b: xl.validate_book(b, today=TODAY)):
        harness.run_on_file(handler, kushiro)
    assert zipfile.ZipFile(kushiro).read("xl/vbaProject.bin") == vba
    assert templates.read_buttons(kushiro) == buttons


# ---------------------------------------------------------------------------------------------- errors
def test_unexpected_errors_are_a_message_not_a_traceback(kushiro, monkeypatch, tmp_path):

    def boom(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(xl, "validate_result", boom)
    monkeypatch.setattr(xl, "LOG_FILE", tmp_path / "pia-excel-error.log")
    run = harness.run_on_file(xl.validate, kushiro)
    assert [a["func"] for a in run.actions] == ["alert"]
    prompt = run.alerts[0]["prompt"]
    assert "予期しないエラー" in prompt and "boom" in prompt and "Traceback" not in prompt
    assert str(tmp_path / "pia-excel-error.log") in prompt
    assert "Traceback" in (tmp_path / "pia-excel-error.log").read_text(encoding="utf-8")
    assert run.actions[0]["args"][3] == "critical"


def test_a_workbook_that_is_not_a_hyokasho_is_a_message(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "売上表"
    path = tmp_path / "other.xlsx"
    wb.save(path)
    run = harness.run_on_file(xl.validate, path)
    assert [a["func"] for a in run.actions] == ["alert"]
    assert "特定個人情報保護評価書" in run.alerts[0]["prompt"]


def test_apply_actions_refuses_unknown_actions():
    from openpyxl import Workbook

    with pytest.raises(ValueError, match="unsupported"):
        harness.apply_actions(Workbook(), [{"func": "addChart", "args": [], "sheet_position": 0, "start_row": 0,
                                            "start_column": 0, "row_count": 1, "column_count": 1}])


# ---------------------------------------------------------------------------------------------- server
def test_server_runs_the_handlers(kushiro, monkeypatch):
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from pia_excel.addin import server

    client = TestClient(server.app)
    health = client.get("/health").json()
    assert health["status"] == "ok"

    data = payload(kushiro)
    res = client.post("/validate", json=data)
    assert res.status_code == 200
    actions = res.json()["actions"]
    assert {"setValues", "setRangeColor", "addHyperlink", "alert"} <= {a["func"] for a in actions}
    wb = load_workbook(kushiro, keep_vba=True)
    harness.apply_actions(wb, actions)
    assert result_rows(wb)[0] == tuple(result_sheet.RESULT_HEADERS)

    res = client.post("/changelog", json=data)
    assert res.status_code == 200
    assert "公表版がまだ確定されていません" in res.json()["actions"][-1]["args"][0]

    bad = copy.deepcopy(data)
    bad["version"] = "0.0.1"
    assert client.post("/validate", json=bad).status_code == 400

    monkeypatch.setenv("PIA_EXCEL_SERVER_TOKEN", "secret")
    assert client.post("/validate", json=data).status_code == 401
    assert client.post("/validate", json=data, headers={"Authorization": "secret"}).status_code == 200
