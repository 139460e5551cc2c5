"""Nothing crashes on any generated model: random documents within the models' types."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings, strategies as st

from pia_excel.rules import validate
from pia_excel.rules.engine import INTERNAL_CODE
from strategies import documents

#: texts that exercise the text rules (names, law references, placeholders, 別紙)
TRICKY = ["課長 山田太郎", "番号法別表第2", "－", "該当なし", "別紙1のとおり", "【識別情報】", "1. 個人番号 2. 氏名",
          "意見なし", "", " ", "=SUM(A1)", "令和7年2月30日"]


def _sprinkle(doc, data):
    """Put tricky texts into a few text fields and random invalid values into invalid_values."""
    from pia_excel.rules.engine import Context

    ctx = Context(doc)
    texts = [(p, it) for p, it, _ in ctx.instances() if it.value_kind == "text"]
    for path, item in data.draw(st.lists(st.sampled_from(texts), max_size=4)):
        parent_path, key = path.rsplit(".", 1)
        parent = ctx.value(parent_path)
        if parent is not None:
            setattr(parent, key, data.draw(st.sampled_from(TRICKY)))
    paths = [p for p, _, _ in ctx.instances()]
    for path in data.draw(st.lists(st.sampled_from(paths), max_size=3)):
        doc.invalid_values[path] = data.draw(st.sampled_from(TRICKY))
    return doc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(doc=documents(), data=st.data(), today=st.dates(dt.date(2015, 1, 1), dt.date(2040, 1, 1)))
def test_rules_never_crash(doc, data, today):
    doc = _sprinkle(doc, data)
    report = validate(doc, today=today)
    assert [f for f in report.findings if f.code == INTERNAL_CODE] == []
    for f in report.findings:
        assert f.message and f.severity in ("エラー", "警告") and f.path
        assert "{" not in f.message or "}" not in f.message  # every template field was filled


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(doc=documents(max_files=1))
def test_random_documents_validate_and_annotate_as_workbooks(doc, tmp_path_factory):
    from pia_excel import api
    from pia_excel.rules.report import write_annotated
    from pia_excel.rules import validate_result

    path = tmp_path_factory.mktemp("prop") / "doc.xlsx"
    api.save(doc, path, strict=False)
    report = validate_result(api.load(path))
    assert [f for f in report.findings if f.code == INTERNAL_CODE] == []
    write_annotated(report, path, source=path)
    again = validate_result(api.load(path))
    assert again.pairs() == report.pairs()
