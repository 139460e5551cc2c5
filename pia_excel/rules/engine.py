"""The rule engine: a registry of small check functions, each with a stable code, and a runner that never lets
one failing rule stop the others.

A rule is a generator function over a :class:`Context` that yields :class:`Hit` s (an item instance path and the
fields of its message template). The engine turns hits into :class:`Finding` s: it formats the Japanese message,
looks up the sheet and cell of the path and attaches the file name. Cross-field rules live here, not in the
Pydantic models, so that an invalid but editable workbook still loads, shows and diffs.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator

from ..errors import ERROR, LEVELS, SEVERITIES, WARNING, Issue  # noqa: F401 (ERROR, WARNING: re-exported to the rules)
from ..models import Document, Tick
from ..spec import FORMS, FormSpec, Item, load_spec
from ..spec.paths import template_path
from ..spec import paths
from ..spec.labels import finding_label
from ..spec.text import PLACEHOLDERS  # noqa: F401 (re-exported to the rules)
from ..spec.text import compact as norm  # noqa: F401 (re-exported to the rules)


#: the code of the finding that reports a rule which raised instead of checking
INTERNAL_CODE = "R000"

#: what a finding is about, as the 第三者点検 checklist groups it: 適合性 (the document follows the 指針 and the
#: form: required items, answers that agree, dates, procedure) or 妥当性 (the content is adequate: measures a
#: reviewer would question, stale law references, names that disagree)
CONFORMITY, ADEQUACY = "適合性", "妥当性"
CATEGORIES = (CONFORMITY, ADEQUACY)


@dataclass(frozen=True)
class Hit:
    """What a rule reports: the item instance path it points at and the fields of its message template."""

    path: str
    fields: dict = field(default_factory=dict)
    #: (sheet, cell) when the hit is not at an item's cell (e.g. a whole sheet): else found from ``path``
    where: tuple[str, str] | None = None


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    title: str  # one line, Japanese: what the rule checks (catalogue, `pia-excel rules`)
    message: str  # Japanese message template, str.format fields supplied by the hits
    reads: tuple[str, ...]  # selectors of the items the rule reads (template paths, "kind:…", "role:…", see paths.select)
    forms: tuple[str, ...]
    check: Callable[["Context"], Iterable[Hit]]
    category: str = CONFORMITY

    @property
    def description(self) -> str:
        return (self.check.__doc__ or "").strip()


#: a rule finding is an :class:`~pia_excel.errors.Issue` with the rule's code
Finding = Issue


RULES: dict[str, Rule] = {}


def rule(code: str, severity: str, title: str, message: str, *, reads: Iterable[str] = (),
         forms: Iterable[str] = FORMS, category: str = CONFORMITY):
    """Register a check function under a stable code (``category``: :data:`CATEGORIES`)."""
    if not re.fullmatch(r"R\d{3}", code):
        raise ValueError(f"rule codes look like R123: {code!r}")
    if severity not in SEVERITIES:
        raise ValueError(f"{code}: severity must be one of {SEVERITIES}")
    if category not in CATEGORIES:
        raise ValueError(f"{code}: category must be one of {CATEGORIES}")

    def register(fn: Callable[["Context"], Iterable[Hit]]):
        if code in RULES or code == INTERNAL_CODE:
            raise ValueError(f"duplicate rule code {code}")
        _check_reads(code, tuple(reads), tuple(forms))
        RULES[code] = Rule(code, severity, title, message, tuple(reads), tuple(forms), fn, category)
        return fn

    return register


def _check_reads(code: str, reads: tuple[str, ...], forms: tuple[str, ...]) -> None:
    """Every selector of ``reads`` names at least one item of one of the rule's forms (else ValueError)."""
    for selector in reads:
        try:
            found = any(paths.select(load_spec(form), selector) for form in forms)
        except ValueError as e:
            raise ValueError(f"{code}: reads: {e}") from None
        if not found:
            raise ValueError(f"{code}: reads {selector!r} names no item of {'/'.join(forms)}")


def reads_of(form: str) -> dict[str, list[str]]:
    """Template path → codes of the rules that read the item, for every item of ``form`` that some rule reads."""
    return {path: list(codes) for path, codes in _reads_of(form).items()}


@lru_cache(maxsize=None)
def _reads_of(form: str) -> dict[str, tuple[str, ...]]:
    spec = load_spec(form)
    out: dict[str, list[str]] = {}
    for code in sorted(RULES):
        r = RULES[code]
        if form not in r.forms:
            continue
        for selector in r.reads:
            for it in paths.select(spec, selector):
                codes = out.setdefault(it.path, [])
                if code not in codes:
                    codes.append(code)
    return {p: tuple(c) for p, c in out.items()}


# ---------------------------------------------------------------------------------------------- context
def is_filled(value: Any) -> bool:
    """A value is filled when it holds something (a ticked box, a non-blank text, a number)."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(is_ticked(v) if isinstance(v, Tick) else is_filled(v) for v in value)
    if hasattr(value, "is_empty"):
        return not value.is_empty()
    return True


def is_substantive(value: Any) -> bool:
    """Filled with more than a placeholder such as "－" or "該当なし"."""
    if isinstance(value, str):
        return is_filled(value) and value.strip() not in PLACEHOLDERS and norm(value) not in PLACEHOLDERS
    return is_filled(value)


def is_ticked(tick: Tick) -> bool:
    return getattr(tick, "checked", True) is not False


class Context:
    """What a rule sees: the document, its form spec, "today", the reader's issues and path helpers."""

    def __init__(self, doc: Document, *, today: dt.date | None = None, read_issues: Iterable = ()):
        self.doc = doc
        self.form: str = doc.form
        self.spec: FormSpec = load_spec(doc.form)
        self.edition = self.spec.edition(doc.edition)
        self.today = today or dt.date.today()
        self.read_issues = list(read_issues)
        # computed once per document: most rules walk every item, several ask for the same ticks
        self._instances: list[tuple[str, Item, Any]] | None = None
        self._ticked: dict[str, frozenset[int]] = {}
        #: what rule modules compute once per document (see :meth:`once`)
        self._once: dict[Any, Any] = {}

    def once(self, key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()``, computed once per document under ``key`` (for what several rules ask for)."""
        try:
            return self._once[key]
        except KeyError:
            value = self._once[key] = compute()
            return value

    # ---- structure
    def files(self) -> Iterator[tuple[str, Any]]:
        """(prefix, file model) for each 特定個人情報ファイル: ("files[1]", …)."""
        for _, prefix, f in paths.files(self.doc):
            yield prefix, f

    def role(self, name: str) -> str:
        """The template path of the item with role ``name`` (see :data:`pia_excel.spec.ROLES`)."""
        return self.spec.role(name).path

    def changes(self) -> tuple[str, list]:
        """(path, rows) of the 変更箇所 table: ("annex2.henko_kasho", […]) in 重点, ("annex3.henko_kasho", …) in
        全項目; row ``n`` (1-based) is at ``f"{path}[{n}]"``."""
        path = self.role("changes")
        return path, self.value(path) or []

    def file_name(self, f: Any) -> str | None:
        """The 特定個人情報ファイル名 of a file model."""
        return paths.role_value(self.spec, f, "file_name")

    def item(self, path: str) -> Item | None:
        """The spec item of an instance path (None for paths that are not items, e.g. option suffixes)."""
        try:
            return self.spec.item(template_path(path))
        except KeyError:
            return None

    def value(self, path: str) -> Any:
        """The model value at an instance path (None when the path does not exist)."""
        return paths.value_at(self.doc, path)

    # ---- checkboxes
    def option_index(self, item: Item, label: str) -> int | None:
        """1-based index of an option by its canonical or this edition's label."""
        for i, opt in enumerate(item.options, start=1):
            if label in (opt.label, self.edition.labels.get(opt.label)):
                return i
        want = norm(label)
        for i, opt in enumerate(item.options, start=1):
            if want in (norm(opt.label), norm(self.edition.labels.get(opt.label, opt.label))):
                return i
        return None

    def ticked(self, path: str) -> set[int]:
        """Indexes (1-based) of the ticked options of a checkbox item."""
        cached = self._ticked.get(path)
        if cached is None:
            cached = self._ticked[path] = frozenset(self._ticked_now(path))
        return set(cached)

    def _ticked_now(self, path: str) -> set[int]:
        item = self.item(path)
        ticks = self.value(path) or []
        if item is None:
            return set()
        out = set()
        for t in ticks:
            if is_ticked(t):
                i = self.option_index(item, t.label)
                if i is not None:
                    out.add(i)
        return out

    def tick(self, path: str, index: int) -> Tick | None:
        """The Tick (ticked or not) stored for option ``index`` of a checkbox item."""
        item = self.item(path)
        for t in self.value(path) or []:
            if item is not None and self.option_index(item, t.label) == index:
                return t
        return None

    # ---- messages
    def label(self, path: str) -> str:
        """How a reviewer names the item: "Ⅱ-4 委託事項2 ③委託先名（ファイル1）" (:func:`~pia_excel.spec.labels.finding_label`)."""
        return finding_label(self.spec, path, len(self.doc.files))

    # ---- walking the document
    def instances(self, *, sections: Iterable[str] | None = None) -> Iterator[tuple[str, Item, Any]]:
        """(instance path, item, value) of every value item, in print order; repeat blocks that exist only."""
        if sections is not None:
            return paths.walk(self.spec, self.doc, sections=sections)
        if self._instances is None:
            self._instances = list(paths.walk(self.spec, self.doc))
        return iter(self._instances)

    def under(self, section: str, heading: str) -> list[Item]:
        """Value items below a heading (e.g. Ⅲ-4 "III_4"), the heading itself excluded."""
        return list(_under(self.spec, section, heading))

    def choice_label(self, value: str | None) -> str:
        return value or ""


@lru_cache(maxsize=None)
def _under(spec: FormSpec, section: str, heading: str) -> tuple[Item, ...]:
    return tuple(it for it in spec.section(section).fields() if any(a.key == heading for a in it.ancestors()))
