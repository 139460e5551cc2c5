"""Building blocks shared by the generated form models (see ``pia_excel/spec/codegen.py``)."""
from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from ..wareki import Wareki

__all__ = ["PiaModel", "Tick", "ChangeRow", "Text", "Line", "Count", "Date", "ticks", "Wareki"]


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
    count: Optional[int] = Field(None, ge=0)


def _clean_text(value):
    """Excel keeps line breaks as "\n" and has no empty-string cells: normalise so round trips are exact."""
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value or None
    return value


def _newlines(value):
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


Text = Annotated[Optional[str], BeforeValidator(_clean_text)]
#: one entry of a list annex (記録項目); empty entries keep their place
Line = Annotated[str, BeforeValidator(_newlines)]
Count = Optional[Annotated[int, Field(ge=0)]]
Date = Optional[Wareki]


def ticks(labels: tuple[str, ...]):
    """Type of a checkbox field: the ticked options, each label one of ``labels``, in form order, no repeats."""

    def check(value: list[Tick]) -> list[Tick]:
        seen = set()
        for t in value:
            if t.label not in labels:
                raise ValueError(f"選択肢にない項目です: {t.label!r}")
            if t.label in seen:
                raise ValueError(f"同じ項目が2回あります: {t.label!r}")
            seen.add(t.label)
        return sorted(value, key=lambda t: labels.index(t.label))

    return Annotated[list[Tick], AfterValidator(check)]


class ChangeRow(PiaModel):
    """One row of 変更箇所 (別添2 in 重点, 別添3 in 全項目)."""

    date: Optional[Wareki] = Field(None, title="変更日")
    item: Text = Field(None, title="項目")
    before: Text = Field(None, title="変更前の記載")
    after: Text = Field(None, title="変更後の記載")
    timing: Optional[Literal["事前", "事後"]] = Field(None, title="提出時期")
    explanation: Text = Field(None, title="提出時期に係る説明")
