"""One normalisation for text, choices, counts and dates (pia_excel/spec/text.py), shared by the reader by defined
names, the reader by labels and the JSON/YAML reader: the same text gives the same document whichever way it
comes in (issue 10, point 5)."""
from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from pia_excel import api
from pia_excel.excel import layout as L
from pia_excel.excel.layout import layout_of
from pia_excel.excel.reader import read_workbook
from pia_excel.models import parse_document
from pia_excel.spec.text import count_value, match_choice, text_value
from strategies import choice_written, count_written, date_written, width_swapped

FIXTURES = Path(__file__).with_name("fixtures")
_STEP = re.compile(r"(\w+)(?:\[(\d+)\])?")


def _get(data, path: str):
    node = data
    for key, index in _STEP.findall(path):
        node = node.get(key) if isinstance(node, dict) else None
        if index and node is not None:
            node = node[int(index) - 1] if int(index) <= len(node) else None
        if node is None:
            return None
    return node


def _set(data, path: str, value) -> None:
    steps = _STEP.findall(path)
    node = data
    for key, index in steps[:-1]:
        node = node[key]
        if index:
            node = node[int(index) - 1]
    key, index = steps[-1]
    node[key] = value


def _value_cells(doc):
    """(path, sheet, cell, kind, item) of every single-value cell of the document's workbook."""
    lay = layout_of(doc)
    for s in lay.sheets:
        for c in s.cells:
            if c.role == L.VALUE and c.kind in ("choice", "count", "date", "text"):
                yield s.path(c), s.title, c.ref, c.kind, c.item
            elif c.role == L.COUNT:
                yield s.path(c), s.title, c.ref, "count", c.item


_BASE: dict[str, tuple] = {}


def _base(name: str, tmp: Path):
    """The fixture as a document, its data and its workbook (written once)."""
    if name not in _BASE:
        doc = api.load(FIXTURES / f"{name}.json").doc
        path = tmp / f"{name}.xlsx"
        api.save(doc, path)
        _BASE[name] = (doc, api.to_data(doc), path.read_bytes())
    return _BASE[name]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=st.data(), name=st.sampled_from(["kushiro_shuno_juten", "adachi_jukijo_zenkomoku"]))
def test_json_and_workbook_with_the_same_text_give_the_same_document(data, name, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("norm")
    doc, canonical, xlsx = _base(name, tmp_path_factory.getbasetemp())
    written: dict[str, tuple[str, str, str]] = {}  # path → (sheet, cell, text as typed)
    for path, sheet, cell, kind, item in _value_cells(doc):
        value = _get(canonical, path)
        if value is None or not data.draw(st.integers(0, 3), label="vary") == 0:
            continue
        if kind == "choice":
            text = data.draw(choice_written(value, item.choices.index(value) + 1), label=path)
        elif kind == "count":
            text = data.draw(count_written(value), label=path)
        elif kind == "date":
            text = data.draw(date_written(value), label=path)
        else:
            if "\n" not in value:
                continue
            text = value.replace("\n", data.draw(st.sampled_from(["\r\n", "\r"]), label=path))
        written[path] = (sheet, cell, text)
    ticks = {}  # checkbox labels written in the other width (JSON only: a workbook's labels are printed)
    for i, f in enumerate(canonical["files"]):
        for sec, values in f.items():
            for key, v in values.items():
                if isinstance(v, list) and v and isinstance(v[0], dict) and "label" in v[0] and data.draw(st.booleans()):
                    ticks[f"files[{i + 1}].{sec}.{key}"] = [{**t, "label": data.draw(width_swapped(t["label"]))}
                                                           for t in v]

    as_typed = json.loads(json.dumps(canonical, ensure_ascii=False))
    for path, (_, _, text) in written.items():
        _set(as_typed, path, text)
    for path, v in ticks.items():
        _set(as_typed, path, v)
    (tmp / "typed.json").write_text(json.dumps(as_typed, ensure_ascii=False), encoding="utf-8")
    from_json = api.load(tmp / "typed.json").doc

    (tmp / "typed.xlsx").write_bytes(xlsx)
    wb = load_workbook(tmp / "typed.xlsx")
    for path, (sheet, cell, text) in written.items():
        wb[sheet][cell].value = text
    wb.save(tmp / "typed.xlsx")
    read = read_workbook(tmp / "typed.xlsx")
    for name in list(wb.defined_names.keys()):  # the same sheets without our names: read by their labels
        del wb.defined_names[name]
    wb.save(tmp / "plain.xlsx")
    by_labels = read_workbook(tmp / "plain.xlsx")

    assert read.issues == [] and by_labels.issues == []
    assert api.to_data(from_json) == api.to_data(read.doc) == api.to_data(by_labels.doc) == canonical


def test_the_cases_one_by_one():
    """What the normalisation makes of each kind of value (the readers and the models call these)."""
    juten_kind = ("Excelファイル", "その他の電子ファイル(表計算ファイル等)")
    assert match_choice("その他の電子ファイル（表計算ファイル等）", juten_kind) == juten_kind[1]
    assert match_choice("[ 2) その他の電子ファイル (表計算ファイル等) ]", juten_kind) == juten_kind[1]
    assert match_choice("その他の電子\nファイル（表計算\u3000ファイル等）", juten_kind) == juten_kind[1]
    assert match_choice("その他", juten_kind) == "その他"  # not a choice: left as written
    assert [count_value(v) for v in ("５", "（ 5 ）件", " 5 ", 5.0, "約5", "三", "")] == [5, 5, 5, 5, "約5", "三", None]
    assert [text_value(v) for v in ("a\r\nb", "a\rb", "", 5.0, True)] == ["a\nb", "a\nb", None, "5", "TRUE"]
    for typed in ("令和1年5月1日", "令和元年5月1日", "令和１年５月１日", "令和 元年 5月 1日", "R1.5.1"):
        doc = parse_document({"form": "juten", "cover": {"kohyo_bi": typed}})
        assert str(doc.cover.kohyo_bi) == "令和元年5月1日"


def test_a_choice_refused_from_json_before_is_accepted(tmp_path):
    """The case of the issue: a juten choice written with full-width parentheses (as the 全項目 form prints it)."""
    data = {"form": "juten", "files": [{"II": {"file_shurui": "その他の電子ファイル（表計算ファイル等）"}}]}
    (tmp_path / "d.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    doc = api.load(tmp_path / "d.json").doc
    assert doc.files[0].II.file_shurui == "その他の電子ファイル(表計算ファイル等)"
    api.save(doc, tmp_path / "d.xlsx")
    assert api.to_data(read_workbook(tmp_path / "d.xlsx").doc) == api.to_data(doc)
