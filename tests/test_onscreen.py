"""The workbook helps on a PC with nothing installed: the 使い方 sheet, input prompts, hints kept off paper."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from pia_excel.excel import layout as L
from pia_excel.excel.writer import write_workbook
from pia_excel.models import new_document

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", params=["juten", "zenkomoku"])
def book(request, tmp_path_factory):
    form = request.param
    path = tmp_path_factory.mktemp("onscreen") / f"{form}.xlsx"
    write_workbook(new_document(form, files=2) if form == "zenkomoku" else new_document(form), path)
    return form, load_workbook(path)


def _prompts(ws) -> dict[str, tuple[str, str, bool]]:
    """cell → (prompt title, prompt, shown) of every cell with data validation."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for row in range(rng.min_row, rng.max_row + 1):
                for col in range(rng.min_col, rng.max_col + 1):
                    out[L.ref(row, col)] = (dv.promptTitle or "", dv.prompt or "", bool(dv.showInputMessage))
    return out


def test_guide_sheet_comes_first_and_explains_the_workbook(book):
    _, wb = book
    assert wb.sheetnames[0] == L.GUIDE_SHEET
    text = "\n".join(str(c.value) for row in wb[L.GUIDE_SHEET].iter_rows() for c in row if c.value)
    for needed in ("○", "▼", "令和7年2月25日", "再表示", "印刷", "pia-excel validate", "検証"):
        assert needed in text, needed
    assert wb[L.GUIDE_SHEET].protection.sheet


def test_every_value_cell_prompts_for_what_it_holds(book):
    form, wb = book
    lay = L.layout(form, None, 2 if form == "zenkomoku" else 1)
    seen = set()
    for sheet in lay.sheets:
        prompts = _prompts(wb[sheet.title])
        cells = [c for c in sheet.cells if c.role in L.VALUE_ROLES]
        if sheet.rows is not None:
            cells += [c for c in sheet.rows.cells if c.role in L.VALUE_ROLES]
        for c in cells:
            a1 = L.ref(sheet.rows.first_row if c.row == 0 else c.row, c.col)
            assert a1 in prompts, (sheet.title, a1, c.role)
            title, prompt, shown = prompts[a1]
            assert shown and prompt, (sheet.title, a1)
            assert len(title) <= 32 and len(prompt) <= 255  # Excel's limits
            if c.role == L.MARK_CELL:
                assert "○" in prompt and "＜選択肢＞" not in prompt
            elif c.role == L.VALUE and c.kind == "date":
                assert "令和" in prompt
            elif c.role in (L.COUNT, L.OPTION_COUNT):
                assert "件数" in title
            elif c.role == L.DETAIL:
                label = c.item.options[c.option - 1].label
                assert ("その他" in prompt) == ("その他" in label), (label, prompt)
            seen.add(c.role)
    assert {L.MARK_CELL, L.DETAIL, L.COUNT, L.VALUE, L.TABLE_ROW, L.LIST_ROW} <= seen


def test_hints_for_the_screen_are_outside_the_print_area(book):
    form, wb = book
    lay = L.layout(form, None, 2 if form == "zenkomoku" else 1)
    hints = 0
    for sheet in lay.sheets:
        ws = wb[sheet.title]
        for c in sheet.cells:
            if c.role == L.HINT:
                hints += 1
                assert c.col == L.SCREEN_COLUMN and ws.cell(c.row, c.col).value
        if sheet.rows is None:
            assert ws.print_area == f"'{sheet.title}'!$A$1:$E${sheet.last_row}"
    assert hints > 3


def test_templates_carry_the_guide_and_prompts():
    for form in ("juten", "zenkomoku"):
        wb = load_workbook(ROOT / "workbook_templates" / f"{form}.xlsm", keep_vba=False)
        assert wb.sheetnames[0] == L.GUIDE_SHEET
        prompts = _prompts(wb["表紙"])
        assert prompts and all(shown for _, _, shown in prompts.values())


def _itaku_doc(n: int):
    """The 足立区 document with its first ``n`` 委託事項 (委託する, ``n`` 件)."""
    from pia_excel import api

    doc = api.load(ROOT / "tests" / "fixtures" / "adachi_jukijo_zenkomoku.json").doc
    f = doc.files[0]
    assert len(f.II.itaku_jiko) >= n + 1
    f.II.itaku_jiko = f.II.itaku_jiko[:n]
    return doc


def _slots_shown(ws, sheet: L.Sheet, group: str) -> list[int]:
    return [b.slot for b in sheet.blocks if b.path == group and not ws.row_dimensions[b.first_row].hidden]


def test_the_next_empty_slot_is_shown_and_the_rest_can_be_shown_on_the_protected_sheet(tmp_path):
    doc = _itaku_doc(1)
    path = tmp_path / "one.xlsx"
    write_workbook(doc, path)
    wb = load_workbook(path)
    sheet = L.layout_of(doc).sheet("Ⅱ ファイルの概要(1)")
    ws = wb[sheet.title]
    assert _slots_shown(ws, sheet, "II.itaku_jiko") == [1, 2]
    assert ws.protection.sheet and ws.protection.formatRows is False  # rows may be shown on the protected sheet
    slot2 = next(b for b in sheet.blocks if b.path == "II.itaku_jiko" and b.slot == 2)
    assert "再表示" in _prompts(ws)[f"C{slot2.first_row}"][1]  # the empty slot says how to go on
    value_cells = [c for c in sheet.cells if c.role in L.VALUE_ROLES and slot2.first_row <= c.row <= slot2.last_row]
    assert value_cells and all(ws.cell(c.row, c.col).protection.locked is False for c in value_cells)


@pytest.mark.libreoffice
def test_a_second_itaku_is_filled_in_libreoffice_without_a_macro(tmp_path):
    """Opened and saved by LibreOffice, the 委託事項2 slot is still shown, its cells writable, the sheet
    protected; what is written there is read as the second 委託事項."""
    from lo_calc import through_libreoffice
    from pia_excel import api

    doc = _itaku_doc(1)
    src = tmp_path / "one.xlsx"
    write_workbook(doc, src)
    lo = through_libreoffice(src, tmp_path / "lo")
    wb = load_workbook(lo)
    sheet = L.layout_of(doc).sheet("Ⅱ ファイルの概要(1)")
    ws = wb[sheet.title]
    assert ws.protection.sheet
    assert _slots_shown(ws, sheet, "II.itaku_jiko") == [1, 2]
    name = next(c for c in sheet.cells if c.path == "II.itaku_jiko[2].name")
    assert ws.cell(name.row, name.col).protection.locked is False
    ws.cell(name.row, name.col).value = "証明書発行業務"
    wb.save(tmp_path / "two.xlsx")
    got = api.load(tmp_path / "two.xlsx").doc
    assert [t.name for t in got.files[0].II.itaku_jiko] == [doc.files[0].II.itaku_jiko[0].name,
                                                                       "証明書発行業務"]


def test_workbook_names_its_form_edition_and_version(tmp_path):
    import pia_excel

    path = tmp_path / "z.xlsx"
    write_workbook(new_document("zenkomoku"), path)
    wb = load_workbook(path)
    props = {p.name: p.value for p in wb.custom_doc_props}
    assert props == {"pia-excel.form": "zenkomoku", "pia-excel.edition": L.layout("zenkomoku").edition.id,
                     "pia-excel.version": pia_excel.__version__, "pia-excel.files": "1"}
