"""Appending change-log rows to the 変更箇所 table of an existing workbook (openpyxl edit in place)."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pia_excel import api
from pia_excel.changelog import ApplyError, append_rows, append_to_file, changelog_rows
from pia_excel.changelog.apply import open_for_edit
from pia_excel.excel.reader import read_workbook
from pia_excel.excel.layout import SPARE_TABLE_ROWS
from pia_excel.models import ChangeRow

from test_changelog_support import set_path

KUSHIRO = Path(__file__).with_name("fixtures") / "kushiro_shuno_juten.json"
TABLE = "pia.annex2.henko_kasho"


def _row(i: int, **kw) -> ChangeRow:
    base = dict(date="令和7年4月1日", item=f"Ⅰ 基本情報 項目{i}", before=f"前{i}", after=f"後{i}", timing="事後",
                explanation="【要確認】重要な変更にあたらない（文言の整理）")
    base.update(kw)
    return ChangeRow(**base)




def _ro(path: Path):
    return load_workbook(path, read_only=True)


def _table_ref(path: Path) -> tuple[str, str]:
    wb = _ro(path)
    sheet, ref = next(iter(wb.defined_names[TABLE].destinations))
    wb.close()
    return sheet, ref


def _values(path: Path) -> dict:
    """Every cell value of every sheet (to check nothing else changed)."""
    wb = _ro(path)
    out = {(ws.title, r, c): v for ws in wb.worksheets
           for r, row in enumerate(ws.iter_rows(values_only=True), start=1)
           for c, v in enumerate(row, start=1) if v is not None}
    wb.close()
    return out


def test_rows_are_appended_after_the_existing_ones(kushiro_xlsx, tmp_path):
    before = read_workbook(kushiro_xlsx).doc
    cells_before = _values(kushiro_xlsx)
    out = tmp_path / "out.xlsx"
    res = append_to_file(kushiro_xlsx, [_row(1), _row(2)], out)
    assert len(res.added) == 2 and res.skipped == [] and res.sheet == "別添2 変更箇所"
    after = read_workbook(out)
    assert after.issues == []
    rows = after.doc.annex2.henko_kasho
    assert rows[:21] == before.annex2.henko_kasho  # existing rows kept exactly
    assert [(str(r.date), r.item, r.before, r.after, r.timing) for r in rows[21:]] == [
        ("令和7年4月1日", "Ⅰ 基本情報 項目1", "前1", "後1", "事後"), ("令和7年4月1日", "Ⅰ 基本情報 項目2", "前2", "後2", "事後")]
    # nothing else in the workbook changed: every other cell is the same
    cells_after = _values(out)
    added = {k for k in cells_after if k not in cells_before}
    assert {k for k in cells_before if cells_before[k] != cells_after.get(k)} == set()
    assert {k[0] for k in added} == {"別添2 変更箇所"}
    assert api.to_data(after.doc)["I"] == api.to_data(before)["I"]


def test_running_twice_adds_nothing(kushiro_xlsx):
    rows = [_row(1), _row(2)]
    first = append_to_file(kushiro_xlsx, rows)
    mtime = kushiro_xlsx.stat().st_mtime_ns
    second = append_to_file(kushiro_xlsx, rows)
    assert len(first.added) == 2
    assert second.added == [] and len(second.skipped) == 2
    assert kushiro_xlsx.stat().st_mtime_ns == mtime  # nothing to add: the file is not rewritten
    assert len(read_workbook(kushiro_xlsx).doc.annex2.henko_kasho) == 23


def test_duplicates_are_judged_on_date_item_before_after_only(kushiro_xlsx):
    append_to_file(kushiro_xlsx, [_row(1)])
    # staff edited the explanation and timing: the same change is still not added again
    wb = open_for_edit(kushiro_xlsx)
    ws = wb["別添2 変更箇所"]
    sheet, ref = _table_ref(kushiro_xlsx)
    last = max(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=2).value)
    ws.cell(row=last, column=5).value = "事前"
    ws.cell(row=last, column=6).value = "公金受取口座の利用開始のため"
    wb.save(kushiro_xlsx)
    res = append_to_file(kushiro_xlsx, [_row(1)])
    assert res.added == [] and len(res.skipped) == 1
    doc = read_workbook(kushiro_xlsx).doc
    assert doc.annex2.henko_kasho[-1].explanation == "公金受取口座の利用開始のため"  # never overwritten


def test_same_item_with_other_text_is_added_and_reported(kushiro_xlsx):
    append_to_file(kushiro_xlsx, [_row(1)])
    res = append_to_file(kushiro_xlsx, [_row(1, after="後1（再修正）")])
    assert len(res.added) == 1
    assert len(res.conflicts) == 1 and res.conflicts[0][1] == res.rows[0] - 1


def test_table_grows_when_the_prepared_rows_run_out(kushiro_xlsx):
    n = SPARE_TABLE_ROWS + 15
    res = append_to_file(kushiro_xlsx, [_row(i) for i in range(n)])
    assert len(res.added) == n
    sheet, ref = _table_ref(kushiro_xlsx)
    assert ref == f"$A$3:$F${2 + 21 + n}" or ref.endswith(f"${res.rows[-1]}")
    doc = read_workbook(kushiro_xlsx).doc
    assert len(doc.annex2.henko_kasho) == 21 + n
    wb = open_for_edit(kushiro_xlsx)
    ws = wb[sheet]
    last = res.rows[-1]
    # the new rows look like the prepared ones and keep the 事前/事後 dropdown
    assert ws.cell(row=last, column=2).number_format == ws.cell(row=res.rows[0], column=2).number_format
    assert ws.cell(row=last, column=2).protection.locked is False
    dv = [d for d in ws.data_validations.dataValidation if "事前" in str(d.formula1) or "選択肢" in str(d.formula1)]
    assert any(f"E{last}" in d.sqref for d in dv)
    # and a further run after the growth still sees every row
    again = append_to_file(kushiro_xlsx, [_row(i) for i in range(n)])
    assert again.added == [] and len(again.skipped) == n


def test_content_below_the_table_is_not_overwritten(kushiro_xlsx):
    wb = open_for_edit(kushiro_xlsx)
    sheet, ref = _table_ref(kushiro_xlsx)
    end = int(ref.rsplit("$", 1)[1])
    wb[sheet].cell(row=end + 3, column=1).value = "備考：以上"
    wb.save(kushiro_xlsx)
    data = kushiro_xlsx.read_bytes()
    with pytest.raises(ApplyError, match="行を追加できません"):
        append_to_file(kushiro_xlsx, [_row(i) for i in range(SPARE_TABLE_ROWS + 5)])
    assert kushiro_xlsx.read_bytes() == data  # nothing written


def test_rows_typed_past_the_prepared_ones_are_kept_and_counted(kushiro_xlsx):
    wb = open_for_edit(kushiro_xlsx)
    sheet, ref = _table_ref(kushiro_xlsx)
    end = int(ref.rsplit("$", 1)[1])
    ws = wb[sheet]
    for i in range(1, SPARE_TABLE_ROWS + 1):  # staff filled every prepared row…
        ws.cell(row=end - SPARE_TABLE_ROWS + i, column=2).value = f"手入力{i}"
    ws.cell(row=end + 1, column=2).value = "表の外に手入力"  # …and one more below
    wb.save(kushiro_xlsx)
    res = append_to_file(kushiro_xlsx, [_row(1)])
    assert res.rows == [end + 2]
    items = [r.item for r in read_workbook(kushiro_xlsx).doc.annex2.henko_kasho]
    assert items[-2:] == ["表の外に手入力", "Ⅰ 基本情報 項目1"]


def test_workbook_without_defined_names(kushiro_xlsx):
    wb = open_for_edit(kushiro_xlsx)
    for name in list(wb.defined_names):
        del wb.defined_names[name]
    wb.save(kushiro_xlsx)
    res = append_to_file(kushiro_xlsx, [_row(1)])
    ws = open_for_edit(kushiro_xlsx)[res.sheet]
    assert ws.cell(row=res.rows[0], column=2).value == "Ⅰ 基本情報 項目1"
    assert ws.cell(row=res.rows[0] - 1, column=2).value  # right after the last existing row


def test_text_is_written_as_text_and_cleaned(kushiro_xlsx):
    long = "あ" * 40_000
    res = append_to_file(kushiro_xlsx, [_row(1, before="=SUM(A1)", after=long + "\x1b")])
    assert len(res.warnings) == 2
    ws = open_for_edit(kushiro_xlsx)[res.sheet]
    r = res.rows[0]
    assert ws.cell(row=r, column=3).value == "=SUM(A1)" and ws.cell(row=r, column=3).data_type == "s"
    after = ws.cell(row=r, column=4).value
    assert len(after) == 32_767 and after.endswith("セルの文字数の上限を超えるため）")


def test_rows_from_a_diff_go_into_the_workbook_of_the_new_version(kushiro_xlsx):
    new = read_workbook(kushiro_xlsx).doc
    old = new.model_copy(deep=True)
    set_path(old, "I.shozokucho_yakushoku", "納税課長")
    rows = [p.row for p in changelog_rows(old, new, "令和7年2月25日")]
    append_to_file(kushiro_xlsx, rows)
    last = read_workbook(kushiro_xlsx).doc.annex2.henko_kasho[-1]
    assert (last.item, last.before, last.after, last.timing) == (
        "Ⅰ 基本情報 6. 評価実施機関における担当部署 ②所属長の役職名", "納税課長", "収納管理監", "事後")


def test_macro_enabled_workbook_keeps_its_macros_and_buttons(juten_xlsm, tmp_path):
    path = juten_xlsm
    with zipfile.ZipFile(path) as z:
        vba = z.read("xl/vbaProject.bin")
        vml = sorted(n for n in z.namelist() if n.endswith(".vml"))
    res = append_to_file(path, [_row(1)])
    assert len(res.added) == 1
    with zipfile.ZipFile(path) as z:
        assert z.read("xl/vbaProject.bin") == vba
        assert sorted(n for n in z.namelist() if n.endswith(".vml")) == vml
        assert "macroEnabled" in z.read("[Content_Types].xml").decode()
    assert read_workbook(path).doc.annex2.henko_kasho[-1].item == "Ⅰ 基本情報 項目1"
    with pytest.raises(ApplyError, match="同じ形式"):
        append_to_file(path, [_row(2)], tmp_path / "out.xlsx")


def test_append_rows_on_an_open_workbook(kushiro_xlsx):
    wb = open_for_edit(kushiro_xlsx)
    res = append_rows(wb, [_row(1)])
    assert wb[res.sheet].cell(row=res.rows[0], column=1).value == "令和7年4月1日"


def test_fast_open_saves_the_same_workbook_as_openpyxl(kushiro_xlsx, tmp_path):
    """open_for_edit speeds up openpyxl's merged-cell formatting; what it saves must not differ."""
    from pia_excel.changelog.apply import open_for_edit

    load_workbook(kushiro_xlsx).save(tmp_path / "std.xlsx")
    open_for_edit(kushiro_xlsx).save(tmp_path / "fast.xlsx")
    with zipfile.ZipFile(tmp_path / "std.xlsx") as a, zipfile.ZipFile(tmp_path / "fast.xlsx") as b:
        assert a.namelist() == b.namelist()
        assert [n for n in a.namelist() if not n.startswith("docProps") and a.read(n) != b.read(n)] == []


def test_fast_open_changes_nothing_global(kushiro_xlsx):
    """The faster merged-cell cleaning belongs to the workbook being opened: no openpyxl class is patched, and the
    opened workbook's sheets merge cells afterwards with openpyxl's own code."""
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.merge import MergedCellRange
    from openpyxl.worksheet.worksheet import Worksheet

    from pia_excel.changelog.apply import open_for_edit

    before = (MergedCellRange.format, Worksheet._clean_merge_range, Workbook.create_sheet)
    wb = open_for_edit(kushiro_xlsx)
    assert (MergedCellRange.format, Worksheet._clean_merge_range, Workbook.create_sheet) == before
    assert "create_sheet" not in wb.__dict__
    assert all("_clean_merge_range" not in ws.__dict__ for ws in wb.worksheets)


def test_keeps_the_dropdowns_openpyxl_cannot_keep(kushiro_xlsx, tmp_path):
    """Excel 2010 "extended" data validations (e.g. in the PPC's own file) would be lost on an openpyxl save; the
    rows are written into the package instead, so the sheet holding them keeps them byte for byte."""
    src = tmp_path / "x14.xlsx"
    ext = (b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
           b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
           b'<x14:dataValidations count="0" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"/>'
           b'</ext></extLst></worksheet>')
    with zipfile.ZipFile(kushiro_xlsx) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", ext)
            zout.writestr(item, data)
    with zipfile.ZipFile(src) as z:
        before = z.read("xl/worksheets/sheet1.xml")
    res = append_to_file(src, [_row(1)])
    assert len(res.added) == 1 and res.warnings == []
    with zipfile.ZipFile(src) as z:
        assert z.read("xl/worksheets/sheet1.xml") == before
    plain = append_to_file(kushiro_xlsx, [_row(1)])
    assert plain.warnings == []
