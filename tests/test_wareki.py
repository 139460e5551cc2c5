import datetime
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from pia_excel.wareki import Wareki, WarekiDate, WarekiError, parse_wareki


@pytest.mark.parametrize(
    "text",
    ["令和7年2月25日", "令和元年5月1日", "平成27年10月", "令和元年", "昭和64年1月7日", "明治元年1月25日"],
)
def test_canonical_round_trip(text):
    assert str(WarekiDate.parse(text)) == text


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("令和７年２月２５日", "令和7年2月25日"),
        ("令和 7年 2月 25日", "令和7年2月25日"),
        ("令和\u30007年\u30002月\u300025日", "令和7年2月25日"),
        (" 令和1年5月1日 ", "令和元年5月1日"),
        ("令和元年５月", "令和元年5月"),
        ("R7.2.25", "令和7年2月25日"),
        ("R07.02.25", "令和7年2月25日"),
        ("r7/2/25", "令和7年2月25日"),
        ("Ｒ７．２．２５", "令和7年2月25日"),
        ("H27.10", "平成27年10月"),
        ("h27-10", "平成27年10月"),
        ("S64.1.7", "昭和64年1月7日"),
        ("T15.12.24", "大正15年12月24日"),
        ("M45.7.29", "明治45年7月29日"),
        ("R1", "令和元年"),
    ],
)
def test_parse_variants(text, canonical):
    assert str(parse_wareki(text)) == canonical


def test_fields_and_precision():
    assert WarekiDate.parse("令和7年2月25日") == WarekiDate("令和", 7, 2, 25)
    assert WarekiDate.parse("平成27年10月") == WarekiDate("平成", 27, 10)
    assert WarekiDate.parse("令和元年") == WarekiDate("令和", 1)
    assert [WarekiDate.parse(t).precision for t in ("R7.2.25", "H27.10", "令和元年")] == ["day", "month", "year"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("令和七年", "読めません"),
        ("2025/2/25", "読めません"),
        ("R7.2/25", "読めません"),
        ("X7.2.25", "読めません"),
        ("", "読めません"),
        ("令和7年13月1日", "存在しない月"),
        ("令和7年2月30日", "存在しない日付"),
        ("令和7年2月0日", "存在しない日付"),
        ("平成31年5月1日", "平成は31年4月30日まで"),
        ("令和1年4月30日", "令和は元年5月1日から"),
        ("平成31年5月", "平成は31年4月30日まで"),
        ("令和元年4月", "令和は元年5月1日から"),
        ("平成32年", "平成は31年4月30日まで"),
        ("令和0年1月1日", "存在しない年"),
        ("昭和64年1月8日", "昭和は64年1月7日まで"),
        ("明治元年1月24日", "明治は元年1月25日から"),
        ("R9999", "年が大きすぎます"),
    ],
)
def test_rejections_quote_the_input(text, reason):
    with pytest.raises(WarekiError) as excinfo:
        WarekiDate.parse(text)
    assert f"'{text}'" in str(excinfo.value)
    assert reason in str(excinfo.value)


def test_documented_message():
    with pytest.raises(WarekiError, match=r"^'平成31年5月1日' は存在しない日付です（平成は31年4月30日まで）$"):
        parse_wareki("平成31年5月1日")


def test_constructor_validates():
    with pytest.raises(WarekiError, match="平成31年5月1日"):
        WarekiDate("平成", 31, 5, 1)
    with pytest.raises(WarekiError, match="未知の元号"):
        WarekiDate("慶応", 4, 1, 1)
    with pytest.raises(WarekiError, match="月のない日付"):
        WarekiDate("令和", 7, None, 1)


def test_wareki_error_is_value_error():
    assert issubclass(WarekiError, ValueError)


@pytest.mark.parametrize(
    ("d", "text"),
    [
        (datetime.date(2019, 4, 30), "平成31年4月30日"),
        (datetime.date(2019, 5, 1), "令和元年5月1日"),
        (datetime.date(1989, 1, 7), "昭和64年1月7日"),
        (datetime.date(1989, 1, 8), "平成元年1月8日"),
        (datetime.date(1926, 12, 24), "大正15年12月24日"),
        (datetime.date(1926, 12, 25), "昭和元年12月25日"),
        (datetime.date(1912, 7, 30), "大正元年7月30日"),
        (datetime.datetime(2025, 2, 25, 13, 45), "令和7年2月25日"),
    ],
)
def test_from_date_at_era_boundaries(d, text):
    assert str(WarekiDate.from_date(d)) == text


def test_from_date_before_meiji():
    with pytest.raises(WarekiError, match="1868-01-24"):
        WarekiDate.from_date(datetime.date(1868, 1, 24))


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("令和7年2月25日", datetime.date(2025, 2, 25), datetime.date(2025, 2, 25)),
        ("平成27年10月", datetime.date(2015, 10, 1), datetime.date(2015, 10, 31)),
        ("令和6年2月", datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)),
        ("令和7年", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
        # Periods are clipped to the era.
        ("令和元年", datetime.date(2019, 5, 1), datetime.date(2019, 12, 31)),
        ("平成31年", datetime.date(2019, 1, 1), datetime.date(2019, 4, 30)),
        ("昭和64年1月", datetime.date(1989, 1, 1), datetime.date(1989, 1, 7)),
        ("平成元年1月", datetime.date(1989, 1, 8), datetime.date(1989, 1, 31)),
    ],
)
def test_period_bounds(text, first, last):
    wareki = WarekiDate.parse(text)
    assert (wareki.to_date(), wareki.last_date()) == (first, last)


def test_ordering():
    p = WarekiDate.parse
    assert p("平成27年10月") < p("令和7年2月25日")
    assert p("令和7年2月25日") > p("平成27年10月")
    assert p("令和7年2月1日") < p("令和7年2月") < p("令和7年2月2日")
    assert p("令和7年2月") <= p("令和7年2月")
    assert p("令和7年2月") >= p("令和7年2月1日")
    assert p("平成31年") < p("令和元年")
    assert sorted([p("令和元年"), p("R1.5.1"), p("H31.4")]) == [p("H31.4"), p("R1.5.1"), p("令和元年")]


def test_hashable_and_equality():
    assert {WarekiDate.parse("R7.2.25"), WarekiDate.parse("令和7年2月25日")} == {WarekiDate("令和", 7, 2, 25)}
    assert WarekiDate.parse("令和7年2月") != WarekiDate.parse("令和7年2月1日")


@given(st.dates(min_value=datetime.date(1926, 12, 25), max_value=datetime.date(2100, 12, 31)))
def test_str_parse_round_trip(d):
    assert WarekiDate.parse(str(WarekiDate.from_date(d))).to_date() == d


class _Model(BaseModel):
    d: Wareki


def test_pydantic_round_trip():
    model = _Model.model_validate({"d": "令和７年２月２５日"})
    assert model.d == WarekiDate("令和", 7, 2, 25)
    assert model.model_dump(mode="json") == {"d": "令和7年2月25日"}
    assert model.model_dump() == {"d": "令和7年2月25日"}  # a str in python mode too (e.g. for YAML)
    assert _Model.model_validate_json(model.model_dump_json()) == model


def test_pydantic_accepts_dates_and_wareki():
    assert _Model(d=datetime.date(2019, 5, 1)).d == WarekiDate("令和", 1, 5, 1)
    assert _Model(d=datetime.datetime(2019, 4, 30, 23, 59)).d == WarekiDate("平成", 31, 4, 30)
    assert _Model(d=WarekiDate("平成", 27, 10)).model_dump(mode="json") == {"d": "平成27年10月"}


@pytest.mark.parametrize("value", ["平成31年5月1日", "いつか", 20250225])
def test_pydantic_rejects(value):
    with pytest.raises(ValidationError, match="和暦|存在しない"):
        _Model(d=value)


def test_pydantic_json_schema():
    schema = _Model.model_json_schema()["properties"]["d"]
    assert schema["type"] == "string"
    assert schema["examples"] == ["令和7年2月25日"]
    assert "pattern" in schema
    pattern = re.compile(schema["pattern"])
    assert all(pattern.match(t) for t in ("令和7年2月25日", "令和元年", "平成27年10月"))
    assert not pattern.match("R7.2.25")
