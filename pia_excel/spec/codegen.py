"""Generate the Pydantic models of each form from its spec.

The generated modules (``models/juten.py``, ``models/zenkomoku.py``) are committed so developers can read and
import typed classes; ``tests/test_spec_models.py`` regenerates them and fails when they are out of date.

Regenerate with: ``python -m pia_excel.spec.codegen``
"""
from __future__ import annotations

import sys
from pathlib import Path

from . import FORMS, FormSpec, Item, Section, load_spec

HEADER = '''"""{title} — generated from pia_excel/spec/data/{form}.yaml by pia_excel.spec.codegen. Do not edit."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import ChangeRow, Count, Date, Line, PiaModel, Text, choice, ticks
'''


def _camel(key: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in key.split("_"))


class _Gen:
    def __init__(self, spec: FormSpec):
        self.spec = spec
        self.prefix = _camel(spec.form)
        self.classes: list[str] = []
        self.alt_labels = {}
        for e in spec.editions:
            for canon, alt in e.labels.items():
                self.alt_labels.setdefault(canon, []).append(alt)

    def labels(self, item: Item) -> tuple[str, ...]:
        out: list[str] = []
        for o in item.options:
            out.append(o.label)
            out.extend(self.alt_labels.get(o.label, []))
        return tuple(out)

    def field(self, it: Item, owner: str) -> list[str]:
        title = it.printed.replace('"', '\\"')
        meta = f'title="{title}"'
        kind = it.value_kind
        if kind == "text":
            ann, default = "Text", "None"
        elif kind == "count":
            ann, default = "Count", "None"
        elif kind == "date":
            ann, default = "Date", "None"
        elif kind == "choice":
            aliases = {alt: c for c in it.choices for alt in self.alt_labels.get(c, [])}
            ann = f"choice({tuple(it.choices)!r}" + (f", {aliases!r})" if aliases else ")")
            default = "None"
        elif kind == "checkboxes":
            ann, default = f"ticks({self.labels(it)!r})", "[]"
        elif kind == "list":
            ann, default = "list[Line]", "[]"
        elif kind == "table":
            ann, default = "list[ChangeRow]", "[]"
        elif kind == "repeat":
            cls = f"{owner}{_camel(it.key)}"
            self.block(cls, it)
            ann, default = f"list[{cls}]", "[]"
            meta += f", max_length={it.max}"
        else:  # pragma: no cover - spec test guards kinds
            raise ValueError(f"{it.path}: unknown kind {kind}")
        lines = []
        if default == "[]":
            lines.append(f"    {it.key}: {ann} = Field(default_factory=list, {meta})")
        else:
            lines.append(f"    {it.key}: {ann} = Field({default}, {meta})")
        if it.count:
            lines.append(f'    {it.key}_count: Count = Field(None, title="{it.label}（　）件")')
        return lines

    def block(self, cls: str, rep: Item) -> None:
        body = [f"class {cls}(PiaModel):", f'    """{rep.label}N (one of {rep.max} slots)."""', ""]
        for f in rep.fields():
            body += self.field(f, cls)
        self.classes.append("\n".join(body))

    def section(self, sec: Section) -> str:
        cls = f"{self.prefix}{_camel(sec.key)}"
        body = [f"class {cls}(PiaModel):", f'    """{sec.heading}"""', ""]
        for f in sec.fields():
            body += self.field(f, cls)
        self.classes.append("\n".join(body))
        return cls

    def module(self) -> str:
        sec_cls = {s.key: self.section(s) for s in self.spec.sections}
        file_cls = f"{self.prefix}File"
        body = [f"class {file_cls}(PiaModel):", '    """The parts repeated for each 特定個人情報ファイル."""', ""]
        for s in self.spec.file_sections:
            body.append(f"    {s.key}: {sec_cls[s.key]} = Field(default_factory={sec_cls[s.key]}, "
                        f'title="{s.heading}")')
        self.classes.append("\n".join(body))
        editions = ", ".join(repr(e.id) for e in self.spec.editions)
        doc = [f"class {self.prefix}Document(PiaModel):", f'    """{self.spec.title}"""', "",
               f'    form: Literal["{self.spec.form}"] = "{self.spec.form}"',
               f'    edition: Literal[{editions}] = "{self.spec.default_edition.id}"']
        placed_files = False
        for s in self.spec.sections:
            if s.per_file:
                if not placed_files:
                    doc.append(f'    files: list[{file_cls}] = Field(default_factory=lambda: [{file_cls}()], '
                               'min_length=1, title="特定個人情報ファイル")')
                    placed_files = True
                continue
            doc.append(f'    {s.key}: {sec_cls[s.key]} = Field(default_factory={sec_cls[s.key]}, title="{s.heading}")')
        doc.append('    invalid_values: dict[str, str] = Field(default_factory=dict, '
                   'title="読み取れなかった値 (item path → cell text)")')
        doc.append('    formulas: dict[str, str] = Field(default_factory=dict, '
                   'title="数式のセル (cell path → formula; the value is the one computed)")')
        self.classes.append("\n".join(doc))
        return HEADER.format(title=self.spec.title, form=self.spec.form) + "\n\n" + "\n\n\n".join(self.classes) + "\n"


def generate(form: str) -> str:
    return _Gen(load_spec(form)).module()


def target(form: str) -> Path:
    return Path(__file__).parents[1] / "models" / f"{form}.py"


def main(argv: list[str] | None = None) -> int:
    for form in FORMS:
        target(form).write_text(generate(form), encoding="utf-8")
        print(f"wrote {target(form)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
