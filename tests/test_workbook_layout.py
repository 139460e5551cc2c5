"""The generated workbooks look like the official forms and behave like input forms."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from pia_excel.excel import styles
from pia_excel.excel.layout import GUIDE_SHEET, LISTS_SHEET
from pia_excel.excel.live import CALC_SHEET, CHECK_SHEET
from pia_excel.excel.writer import write_workbook
from pia_excel.models import new_document
from pia_excel.spec import load_spec

REFERENCE = Path(__file__).with_name("reference")


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", str(s)).replace("※", "")
    return re.sub(r"\s+", "", s)


def reference_labels(form: str) -> list[str]:
    """Every printed label of the reference schema, in print order (repeat groups: their first slot)."""
    out: list[str] = []
    if form == "zenkomoku":
        d = yaml.safe_load((REFERENCE / "zenkomoku_schema.yaml").read_text())

        def walk(n):
            if n["kind"] == "static" and n.get("printed_label") is False:
                out.extend(n.get("entries") or [])
            elif n["kind"] == "repeat":
                out.append(n["label"].replace("{n}", "1"))
            elif n["id"] not in ("yoshiki_version",):
                out.append(n.get("printed") or f"{n.get('no') or ''}{n['label']}")
            if n["kind"] == "static" and n.get("printed_label") is not False:
                out.extend(n.get("entries") or [])
            for c in n.get("children") or []:
                walk(c)

        for s in d["document"]:
            heading = s.get("heading") or s["title"]
            if s["id"] != "cover":
                out.append(heading)
            for it in s["items"]:
                if norm(it["label"]) == norm(heading):
                    continue  # the annex's single item is printed as the annex itself
                walk(it)
    else:
        d = yaml.safe_load((REFERENCE / "juten_schema.yaml").read_text())

        def walk(n):
            label = n["label"].replace("{N}", "1")
            out.append(label)
            out.extend(n.get("entries") or [])
            for c in n.get("children") or []:
                walk(c)

        for s in d["sections"]:
            if s["id"] != "cover":
                out.append(s["label"])
            if s["kind"] in ("free_list", "table"):
                continue
            for c in s["children"]:
                walk(c)
    return [norm(x) for x in out]


def _label_roman(s: str) -> str:
    # the reference writes part numbers with Latin letters in places ("III リスク対策"); print uses Ⅰ-Ⅵ
    return re.sub(r"^(VI|IV|V|III|II|I)(?=[^A-Za-z])",
                  lambda m: {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ", "IV": "Ⅳ", "V": "Ⅴ", "VI": "Ⅵ"}[m.group(1)], s)


@pytest.fixture(scope="module", params=["juten", "zenkomoku"])
def generated(request, tmp_path_factory):
    form = request.param
    path = tmp_path_factory.mktemp(form) / f"{form}.xlsx"
    write_workbook(new_document(form, files=2), path)
    return form, path, load_workbook(path)


def cell_texts(wb) -> list[str]:
    out = []
    for ws in wb.worksheets:
        if ws.title == LISTS_SHEET:
            continue
        for row in ws.iter_rows(values_only=True):
            out.extend(norm(v) for v in row if isinstance(v, str))
    return out




def test_every_reference_label_is_printed_in_order(generated):
    form, _, wb = generated
    texts = cell_texts(wb)
    cursor = 0
    for label in reference_labels(form):
        label = norm(_label_roman(label))
        for i in range(cursor, len(texts)):
            if label in texts[i] or norm(_label_roman(texts[i])) == label:
                cursor = i + 1
                break
        else:
            pytest.fail(f"{form}: label {label!r} not found after position {cursor} ({texts[cursor:cursor + 5]})")


def test_sheets_in_official_order(generated):
    form, _, wb = generated
    expected = {
        "juten": ["表紙", "Ⅰ 基本情報", "Ⅱ ファイルの概要(1)", "別添1 記録項目(1)", "Ⅲ リスク対策(1)",
                  "Ⅱ ファイルの概要(2)", "別添1 記録項目(2)", "Ⅲ リスク対策(2)", "Ⅳ 開示請求、問合せ",
                  "Ⅴ 評価実施手続", "別添2 変更箇所", LISTS_SHEET],
        "zenkomoku": ["表紙", "Ⅰ 基本情報", "別添1 事務の内容", "Ⅱ ファイルの概要(1)", "別添2 記録項目(1)",
                      "Ⅲ リスク対策(1)", "Ⅱ ファイルの概要(2)", "別添2 記録項目(2)", "Ⅲ リスク対策(2)",
                      "Ⅳ その他のリスク対策", "Ⅴ 開示請求、問合せ", "Ⅵ 評価実施手続", "別添3 変更箇所", LISTS_SHEET],
    }[form]
    # the 使い方 sheet first, then the form's parts, the live checks (excel/live.py) before the hidden lists
    assert wb.sheetnames == [GUIDE_SHEET] + expected[:-1] + [CHECK_SHEET, CALC_SHEET, LISTS_SHEET]
    assert wb[CALC_SHEET].sheet_state == "hidden"
    assert wb[LISTS_SHEET].sheet_state == "hidden"


def _named_cells(wb):
    for name, dn in wb.defined_names.items():
        if not name.startswith("pia.") or name.startswith("pia.meta."):
            continue
        for sheet, ref in dn.destinations:
            yield name, wb[sheet], ref.replace("$", "")


def test_every_value_item_has_a_named_cell(generated):
    form, _, wb = generated
    spec = load_spec(form)
    names = set(wb.defined_names.keys())
    for it in spec.value_items():
        if it.kind in ("repeat", "list", "table"):
            continue  # containers: their fields (and list/table ranges) are named
        reps = [a for a in it.ancestors() if a.kind == "repeat"]
        base = it.path
        if it.section.per_file:
            base = "files.2." + base
        if reps:
            base = base.replace(f".{reps[0].key}.", f".{reps[0].key}.20.")
        base = "pia." + base
        if it.value_kind == "checkboxes":
            assert all(f"{base}.o{i}" in names for i in range(1, len(it.options) + 1)), base
            for i, opt in enumerate(it.options, 1):
                if opt.detail:
                    assert f"{base}.o{i}.detail" in names
                if opt.count:
                    assert f"{base}.o{i}.count" in names
        else:
            assert base in names, base
        if it.count:
            assert f"{base}_count" in names
    assert wb.defined_names["pia.meta.form"].attr_text == f'"{form}"'


def test_dropdowns_on_every_choice_and_checkbox_cell(generated):
    form, _, wb = generated
    spec = load_spec(form)
    kinds = {}
    for it in spec.value_items():
        kinds[it.path] = it
    for name, ws, ref in _named_cells(wb):
        m = re.match(r"pia\.(?:files\.\d+\.)?(.*)$", name)
        path = re.sub(r"\.\d+(?=\.|$)", "", m.group(1))
        option = re.search(r"\.o(\d+)$", path)
        path = re.sub(r"\.o\d+(\.(detail|count))?$", "", path)
        item = kinds.get(path) or kinds.get(path.removesuffix("_count"))
        if item is None:
            continue
        dvs = [dv for dv in ws.data_validations.dataValidation if ref in dv.sqref]
        if item.value_kind == "choice" and not path.endswith("_count"):
            assert len(dvs) == 1 and dvs[0].type == "list", name
            listed = _list_values(wb, dvs[0].formula1)
            assert listed == list(item.choices), name
        elif item.value_kind == "checkboxes" and option:
            assert len(dvs) == 1 and _list_values(wb, dvs[0].formula1) == ["○"], name


def _list_values(wb, formula: str) -> list[str]:
    m = re.match(r"'(.+)'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    ws = wb[m.group(1)]
    return [ws[f"{m.group(2)}{r}"].value for r in range(int(m.group(3)), int(m.group(5)) + 1)]


def test_labels_locked_values_unlocked_sheets_protected(generated):
    form, _, wb = generated
    value_cells = {(ws.title, ref.split(":")[0]) for _, ws, ref in _named_cells(wb)}
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
        assert not ws.protection.password
    for sheet, ref in value_cells:
        assert wb[sheet][ref].protection.locked is False, (sheet, ref)
    ws = wb["Ⅰ 基本情報"]
    assert ws["A3"].value == "①事務の名称" and ws["A3"].protection.locked


def test_print_setup_and_fonts(generated):
    form, _, wb = generated
    for ws in wb.worksheets:
        if ws.title in (LISTS_SHEET, CALC_SHEET):  # hidden
            continue
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.orientation == ("landscape" if ws.title == CHECK_SHEET else "portrait")
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.title in ("表紙", GUIDE_SHEET, CHECK_SHEET) or ws.print_title_rows, ws.title
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    assert c.font.name == styles.FONT_NAME, (ws.title, c.coordinate)


def test_choice_lists_printed_beside_choices(generated):
    form, _, wb = generated
    ws = wb["Ⅰ 基本情報"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    listing = next(t for t in texts if t.startswith("＜選択肢＞") and "1,000人未満" in t)
    expected = "＜選択肢＞\n1) 1,000人未満\n2) 1,000人以上1万人未満\n3) 1万人以上10万人未満\n4) 10万人以上30万人未満"
    assert listing.startswith(expected)


def test_repeat_groups_print_group_rows_and_hide_empty_slots(generated):
    form, _, wb = generated
    ws = wb["Ⅱ ファイルの概要(1)"]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
    for label in ("委託事項1", "委託事項2～5", "委託事項6～10", "委託事項11～15", "委託事項16～20",
                  "提供先2～5", "移転先16～20"):
        assert label in rows, label
    # nothing used: the first slot is the next empty one, shown; the later slots are hidden with their group rows
    assert not ws.row_dimensions[rows["委託事項1"]].hidden
    for label in ("委託事項2", "委託事項2～5", "委託事項6～10", "委託事項20", "提供先2～5"):
        assert ws.row_dimensions[rows[label]].hidden, label


def test_detail_cells_for_other_options(generated):
    form, _, wb = generated
    names = wb.defined_names
    spec = load_spec(form)
    item = spec.item("II.nyushu_moto")
    for i, opt in enumerate(item.options, 1):
        assert (f"pia.files.1.II.nyushu_moto.o{i}.detail" in names) == opt.detail
