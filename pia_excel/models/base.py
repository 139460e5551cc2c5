"""Building blocks shared by the generated form models (see ``pia_excel/spec/codegen.py``)."""
from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from ..spec.text import count_value, match_choice, text_value
from ..wareki import Wareki

__all__ = ["PiaModel", "Tick", "ChangeRow", "Text", "Line", "Count", "Date", "choice", "ticks", "Wareki"]


class PiaModel(BaseModel):
    """Base of every form model: unknown keys are errors (nothing is dropped silently)."""

    model_config = ConfigDict(extra="forbid", validate_default=False)

    def is_empty(self) -> bool:
        """True when no value is filled in (used to trim trailing empty repeat slots)."""
        for name in type(self).model_fields:
            v = getattr(self, name)
            if isinstance(v, PiaModel):
                if not v.is_empty():
                    return False
            elif v not in (None, "", [], {}):
                return False
        return True


class Tick(PiaModel):
    """A checkbox "[ ○ ] ラベル" with its "（ … ）" detail or "（ N ）件" count where the form has one.

    Normally ticked; ``checked=False`` keeps a detail or count written beside an unticked box (real documents
    have them, and a validator warns about them) so that nothing is lost.
    """

    label: str
    checked: bool = True
    detail: Text = None
    count: Count = None


def _line(value):
    """One entry of a list annex: text as :func:`~pia_excel.spec.text.text_value` gives it, "" kept (an empty
    entry keeps its place)."""
    value = text_value(value)
    return "" if value is None else value


# The values' normalisation is spec.text's (text_value, count_value, match_choice; dates: WarekiDate.parse): the
# readers of workbooks hand cell values to these types, the JSON/YAML reader hands its values, so both give the
# same document for the same text.
Text = Annotated[Optional[str], BeforeValidator(text_value)]
#: one entry of a list annex (記録項目); empty entries keep their place
Line = Annotated[str, BeforeValidator(_line)]
Count = Annotated[Optional[Annotated[int, Field(ge=0)]], BeforeValidator(count_value)]
Date = Optional[Wareki]


def choice(choices: tuple[str, ...], aliases: dict[str, str] | None = None):
    """Type of a ＜選択肢＞ field: one of ``choices``; the same choice written with other widths, spaces, line breaks
    or an edition's wording (``aliases``) is taken as the choice (:func:`~pia_excel.spec.text.match_choice`)."""
    return Annotated[Optional[Literal[choices]], BeforeValidator(lambda v: match_choice(text_value(v), choices, aliases))]


def ticks(labels: tuple[str, ...]):
    """Type of a checkbox field: the ticked options, each label one of ``labels``, in form order, no repeats."""

    def canonical(value):
        """Each tick's label as the form prints it (:func:`~pia_excel.spec.text.match_choice`)."""
        if not isinstance(value, list):
            return value
        out = []
        for t in value:
            if isinstance(t, dict) and isinstance(t.get("label"), str) and t["label"] not in labels:
                t = {**t, "label": match_choice(t["label"], labels)}
            elif isinstance(t, Tick) and t.label not in labels:
                t = t.model_copy(update={"label": match_choice(t.label, labels)})
            out.append(t)
        return out

    def check(value: list[Tick]) -> list[Tick]:
        seen = set()
        for t in value:
            if t.label not in labels:
                raise ValueError(f"選択肢にない項目です: {t.label!r}")
            if t.label in seen:
                raise ValueError(f"同じ項目が2回あります: {t.label!r}")
            seen.add(t.label)
        return sorted(value, key=lambda t: labels.index(t.label))

    return Annotated[list[Tick], BeforeValidator(canonical), AfterValidator(check)]


class ChangeRow(PiaModel):
    """One row of 変更箇所 (別添2 in 重点, 別添3 in 全項目)."""

    date: Optional[Wareki] = Field(None, title="変更日")
    item: Text = Field(None, title="項目")
    before: Text = Field(None, title="変更前の記載")
    after: Text = Field(None, title="変更後の記載")
    timing: choice(("事前", "事後")) = Field(None, title="提出時期")
    explanation: Text = Field(None, title="提出時期に係る説明")
