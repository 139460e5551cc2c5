"""R202, R204, R205, R213, R221, R231, R260: an answer that says there is nothing (委託しない, 再委託しない, 行っていない,
定めていない, 記録を残していない, 保管していない, 発生なし, a ticked 提供・移転しない …) with the items that describe
that thing filled in anyway.

One check driven by the spec: every answering item lists its negative answers and the items they empty under
``empty_when`` in ``spec/data/*.yaml`` (see :class:`pia_excel.spec.EmptyWhen`); each entry names the code that
reports it, so the codes of the rules this class replaced (R202, R204, R205, R213, R221, R231) stay stable and every
other pair is R260.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterator

from ..spec import FORMS, EmptyWhen, Item, load_spec
from ..spec.requirements import explains
from .engine import ERROR, WARNING, Context, Hit, is_substantive, rule
from .required import instances_of, related


@lru_cache(maxsize=None)
def negatives(form: str) -> tuple[tuple[Item, EmptyWhen], ...]:
    """(answering item, its ``empty_when`` entry) of every negative answer of ``form``."""
    return tuple((it, e) for it in load_spec(form).walk() for e in it.empty_when)


@lru_cache(maxsize=None)
def _under(form: str, heading: str) -> tuple[Item, ...]:
    spec = load_spec(form)
    return tuple(it for it in spec.value_items() if any(a.key == heading for a in it.ancestors()))




def _reason(ctx: Context, item: Item, apath: str, e: EmptyWhen, value) -> str:
    if e.tick:
        return f"{ctx.label(apath)}「{item.options[e.tick - 1].label}」に○がある"
    return f"{ctx.label(apath)}が「{value}」"


def _filled(ctx: Context, scope: str, item: Item, target: Item, explained: bool) -> Iterator[tuple[str, str]]:
    """(path, what) of the filled parts of ``target`` next to ``item``: each used block of a repeat group, or the
    item itself when it holds more than a placeholder ("－", "該当なし") and, if ``explained``, more than an
    explanation of the negative answer (spec/requirements.explains)."""
    path = related(scope, item, target)
    if target.kind == "repeat":
        for n, block in enumerate(ctx.value(path) or [], start=1):
            if not block.is_empty():
                yield f"{path}[{n}]", f"{target.label}{n}が"
        return
    value = ctx.value(path)
    if is_substantive(value) and not (explained and isinstance(value, str) and explains(value)):
        yield path, ""


def _hits(ctx: Context, code: str) -> Iterator[Hit]:
    seen: set[str] = set()
    spec = ctx.spec
    for item, e in negatives(ctx.form):
        if e.code != code:
            continue
        targets = [spec.item(t) for t in e.items] + [it for h in e.under for it in _under(ctx.form, h)]
        for scope, apath in instances_of(ctx, item):
            if e.tick:
                if e.tick not in ctx.ticked(apath):
                    continue
                value = None
            else:
                value = ctx.value(apath)
                if value not in e.answers:
                    continue
            reason = _reason(ctx, item, apath, e, value)
            for target in targets:
                for path, what in _filled(ctx, scope, item, target, code == "R260"):
                    if path not in seen:
                        seen.add(path)
                        label = ctx.label(apath) if what else ctx.label(path)
                        yield Hit(path, {"label": label, "reason": reason, "what": what})
            count = getattr(ctx.value(scope), f"{item.key}_count", None) if e.count else None
            if count:
                yield Hit(f"{apath}_count", {"label": ctx.label(apath), "reason": reason, "what": f"件数（{count}）件が"})


_MESSAGE = "{label}: {reason}ですが、{what}記入されています（記入しないか、回答を見直してください）"


def _reads(code: str) -> tuple[str, ...]:
    out: list[str] = []
    for form in FORMS:
        for item, e in negatives(form):
            if e.code == code:
                out += [item.path, *e.items] + [f"III.{h}.*" for h in e.under]
    return tuple(dict.fromkeys(out))


def _register(code: str, severity: str, title: str, doc: str) -> None:
    def check(ctx: Context) -> Iterator[Hit]:
        return _hits(ctx, code)

    check.__doc__ = doc
    check.__name__ = f"negative_{code}"
    rule(code, severity, title, _MESSAGE, reads=_reads(code))(check)


_register("R202", ERROR, "委託しないのに委託事項が記入されている",
          "委託しない: no 委託事項 block is filled in and the count is empty or 0 (``empty_when`` of Ⅱ-4 委託の有無).")
_register("R204", ERROR, "委託しないのにⅢ-4（委託のリスク対策）が記入されている",
          "When 委託しない (Ⅱ-4 or the Ⅲ-4 box), the cells of Ⅲ-4 stay empty.")
_register("R205", ERROR, "再委託しないのに再委託の許諾方法・再委託事項が記入されている",
          "再委託しない: 再委託の許諾方法 and 再委託事項 stay empty (a \"－\" or \"該当なし\" is accepted).")
_register("R213", ERROR, "提供・移転しないのにⅢ-5（提供・移転のリスク対策）が記入されている",
          "When Ⅲ-5 \"提供・移転しない\" is ticked, the cells of Ⅲ-5 stay empty.")
_register("R221", ERROR, "「接続しない」に○があるのに対応するⅢ-6のリスク対策が記入されている",
          "接続しない（入手） covers Ⅲ-6 リスク1–4 (全項目) / リスク1 (重点); 接続しない（提供） covers リスク5–7 / リスク2: "
          "the cells of a covered risk stay empty (``empty_when`` of Ⅲ-6).")
_register("R231", WARNING, "重大事故「発生なし」なのにその内容・再発防止策が記入されている",
          "重大事故 発生なし ⇒ その内容 and 再発防止策の内容 stay empty (a \"－\" is accepted).")
_register("R260", WARNING, "「行っていない」「定めていない」などの回答なのに、その内容が記入されている",
          "Every other answer that says there is nothing makes the items that describe it empty, as listed under "
          "``empty_when`` in the spec: 情報連携 実施しない → ②法令上の根拠; 行っていない → 具体的な管理方法; "
          "定めていない → 規定・ルールの内容; 記録を残していない → 具体的な方法; 制限していない → 具体的な制限方法; "
          "再委託していない → 具体的な方法; 保管していない → 具体的な保管方法; 個人情報ファイル簿の公表 行っていない → "
          "個人情報ファイル名・公表場所. A warning; a \"－\" or \"該当なし\" is accepted, and so is a text "
          "that explains the answer (\"…ないため、消去の委託はしない。\"). (無料 → 手数料額、納付方法 is not one: real documents explain there "
          "that copies cost their price.)")
