"""R101–R106: items that must be filled in, by form.

Every value item of the form is required unless spec/requirements.py lists it as optional or another item makes
it conditional (a detail that only follows certain answers, the parts of Ⅲ that 委託しない / 提供・移転しない /
接続しない switch off, the fields of repeat blocks that are not used).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from ..spec import Item, load_spec
from ..spec.paths import template_path
from ..spec.requirements import (connection_risks, ELSEWHERE, EXEMPT, ITAKU, ITAKU_BOX, OPTIONAL, OPTIONAL_IN_BLOCK,  # noqa: F401
                                 OPTIONAL_KEYS, OPTIONAL_SUFFIXES, RENKEI, RENKEI_BOXES, SYSTEM_NAME, TEIKYO, TEIKYO_BOX, is_optional,
                                 NO_OPINIONS, not_required, says_no_opinions)
from .engine import ERROR, WARNING, Context, Hit, is_filled, is_substantive, is_ticked, rule


@lru_cache(maxsize=None)
def conditional(form: str) -> tuple[tuple[Item, Item], ...]:
    """(dependent item, answering item) of every item that applies only under an answer (``applies_when`` in the
    spec YAML: the form's "…の場合", ②法令上の根拠 after 情報連携を実施する, 全項目 Ⅵ-2 when the しきい値判断 makes
    the 全項目評価 obligatory …)."""
    spec = load_spec(form)
    return tuple((it, spec.item(it.applies_when.item)) for it in spec.value_items() if it.applies_when is not None)


def _what(item: Item) -> str:
    kind = item.value_kind
    if kind == "checkboxes":
        return "いずれかに○をつけてください"
    if kind == "choice":
        return "＜選択肢＞から選んでください"
    if kind == "list":
        return "記録項目を1行に1項目ずつ記入してください"
    return "記入されていません"


@lru_cache(maxsize=None)
def _detail_targets(form: str) -> dict[str, str]:
    """dependent template path → answering template path."""
    return {dep.path: ans.path for dep, ans in conditional(form)}


@lru_cache(maxsize=None)
def _ancestor_keys(item: Item) -> frozenset[str]:
    return frozenset(a.key for a in item.ancestors())


def switched_off(ctx: Context, prefix: str, item: Item) -> bool:
    """True when the item belongs to a part of Ⅲ that the document says does not apply (委託しない …)."""
    if item.section.key != "III":
        return False
    keys = _ancestor_keys(item)
    return ctx.once(("switched_off", prefix, keys), lambda: _switched_off(ctx, prefix, keys))


def _switched_off(ctx: Context, prefix: str, keys: frozenset[str]) -> bool:
    if "III_4" in keys:
        return ITAKU_BOX[1] in ctx.ticked(f"{prefix}.{ITAKU_BOX[0]}") or ctx.value(f"{prefix}.{ITAKU[0]}") == ITAKU[2]
    if "III_5" in keys:
        umu = ctx.ticked(f"{prefix}.{TEIKYO[0]}")
        return TEIKYO_BOX[1] in ctx.ticked(f"{prefix}.{TEIKYO_BOX[0]}") or umu == {TEIKYO[1]}
    if "III_6" in keys:
        off = ctx.ticked(f"{prefix}.{RENKEI_BOXES[0]}")
        renkei_no = ctx.value(RENKEI[0]) == RENKEI[2]
        for opt, risks in connection_risks(ctx.form).items():
            if keys & set(risks) and (opt in off or renkei_no):
                return True
    return False


@rule("R101", ERROR, "必須項目が未記入", "{label}: {what}", reads=("*",))
def required(ctx: Context) -> Iterator[Hit]:
    """Every item the form expects is filled in. Not required: 特記事項, 備考, その他の措置・その他のリスク,
    【任意】 and 【行政機関等のみ】 parts, 評価書番号 (given at first submission), details that depend on an answer
    (R103), the parts of Ⅲ switched off by 委託しない / 提供・移転しない / 接続しない, and fields of unused repeat
    blocks (R102). At least one システム is required. 全項目: Ⅵ-3 第三者点検 unless Ⅵ-4 (行政機関等) is filled;
    Ⅵ-2 ⑤評価書への反映 unless ④主な意見の内容 says there were none."""
    form = ctx.form
    invalid = ctx.doc.invalid_values or {}
    for path, item, value in ctx.instances():
        if not_required(form, item) or is_filled(value) or path in invalid:  # an unreadable value is R001–R005's
            continue
        tpath = template_path(path)
        exempt = EXEMPT.get(form)
        if exempt and tpath.startswith(exempt[0]) and (
                is_filled(ctx.value(exempt[1][0])) or is_substantive(ctx.value(exempt[1][1]))):
            continue
        prefix = path.split(".")[0] if path.startswith("files[") else None
        if prefix and switched_off(ctx, prefix, item):
            continue
        yield Hit(path if item.kind != "list" else f"{path}[1]", {"label": ctx.label(path), "what": _what(item)})
    section, group, key = SYSTEM_NAME.split(".")
    if not any(is_filled(getattr(s, key)) for s in ctx.value(f"{section}.{group}") or []):
        path = f"{section}.{group}[1].{key}"
        yield Hit(path, {"label": ctx.label(path), "what": "使用するシステムを1つ以上記入してください"})


def _no_opinions(text: str | None) -> bool:
    """④主な意見の内容 says there were none ("意見なし", "特になし", "提出された意見はなかった")."""
    if not is_filled(text):
        return False
    return not is_substantive(text) or says_no_opinions(text)


def _block_items(item: Item) -> list[Item]:
    return [c for c in item.fields()]


@rule("R102", ERROR, "記入したブロック（システム・委託事項・提供先・移転先）の項目が未記入",
      "{label}: 記入されていません（{block}の他の項目が記入されています）",
      reads=("I.systems", "II.itaku_jiko", "II.teikyo_saki", "II.iten_saki"))
def block_fields(ctx: Context) -> Iterator[Hit]:
    """In every システム, 委託事項, 提供先 and 移転先 block that is used (any field filled), the other fields are
    filled too (システムの名称/機能 for システム; the header 名称 too for 委託事項・提供先・移転先)."""
    details = _detail_targets(ctx.form)
    for sec in ctx.spec.sections:
        for rep in (it for it in sec.walk() if it.kind == "repeat"):
            prefixes = [f"{p}.{sec.key}" for p, _ in ctx.files()] if sec.per_file else [sec.key]
            for prefix in prefixes:
                blocks = ctx.value(f"{prefix}.{rep.key}") or []
                for n, block in enumerate(blocks, start=1):
                    if block.is_empty():
                        continue
                    for f in _block_items(rep):
                        tpath = f"{sec.key}.{rep.key}.{f.key}"
                        if tpath in OPTIONAL_IN_BLOCK or tpath in details:
                            continue
                        if not is_filled(getattr(block, f.key)):
                            path = f"{prefix}.{rep.key}[{n}].{f.key}"
                            yield Hit(path, {"label": ctx.label(path), "block": f"{rep.label}{n}"})


def instances_of(ctx: Context, item: Item) -> Iterator[tuple[str, str]]:
    """(scope, instance path) of an item in the document: its file (and used repeat block) as ``scope``
    ("files[1].II.itaku_jiko[2]", "files[1].III", "I")."""
    sec = item.section
    scopes = [f"{p}.{sec.key}" for p, _ in ctx.files()] if sec.per_file else [sec.key]
    rep = item.repeat
    for scope in scopes:
        if rep is None:
            yield scope, f"{scope}.{item.key}"
            continue
        for n, block in enumerate(ctx.value(f"{scope}.{rep.key}") or [], start=1):
            if not block.is_empty():
                yield f"{scope}.{rep.key}[{n}]", f"{scope}.{rep.key}[{n}].{item.key}"


def related(scope: str, item: Item, other: Item) -> str:
    """The instance path of ``other`` next to the instance of ``item`` in ``scope`` (same block, same file)."""
    if other.repeat is not None and other.repeat is item.repeat:
        return f"{scope}.{other.key}"
    if other.section.per_file:
        return f"{scope.split('.', 1)[0]}.{other.path}"
    return other.path


@rule("R103", ERROR, "回答に応じて必要な記載（具体的な方法・再委託の許諾方法など）が未記入",
      "{label}: 「{choice}」が「{value}」のため記入が必要です",
      reads=("I.renkei_jisshi_umu", "III.*", "IV.*", "V.*", "VI.shikiichi", "II.itaku_jiko.saiitaku_umu"))
def details_after_answer(ctx: Context) -> Iterator[Hit]:
    """An item that applies under an answer (``applies_when`` in the spec: 行っている → 具体的な管理方法,
    定めている → 規定の内容, 有料 → 手数料額, 再委託する → 再委託の許諾方法・再委託事項, 情報連携を実施する →
    ②法令上の根拠, 全項目 Ⅵ-2 国民・住民等からの意見の聴取 when ②しきい値判断結果 is 基礎項目評価及び全項目評価の
    実施が義務付けられる …) is filled in then, unless the part is switched off (委託しない …). It is not required
    under any other answer, nor while the answer is empty (R101 reports that). Ⅵ-2 follows 規則第7条第4項
    (地方公共団体等 publish the 全項目評価書 and seek the residents' opinions, as part of the 全項目評価 the しきい値判断
    makes obligatory); answers 2)–4) of ②しきい値判断結果 print "（任意に全項目評価を実施）", a 全項目評価 done
    voluntarily, for which that procedure is not obligatory."""
    invalid = ctx.doc.invalid_values or {}
    for dep, ans in conditional(ctx.form):
        cond = dep.applies_when
        for scope, apath in instances_of(ctx, ans):
            value = ctx.value(apath)
            if not cond.holds(value):
                continue
            dpath = related(scope, ans, dep)
            if is_filled(ctx.value(dpath)) or dpath in invalid:
                continue
            if dep.path == NO_OPINIONS[0] and _no_opinions(ctx.value(NO_OPINIONS[1])):
                continue
            if dpath.startswith("files[") and switched_off(ctx, dpath.split(".")[0], dep):
                continue
            yield Hit(dpath, {"label": ctx.label(dpath), "choice": ctx.label(apath), "value": value})


def _ticks(ctx: Context) -> list[tuple[str, Item, int, object]]:
    """(path, item, option index, tick) of every stored tick."""
    return ctx.once("ticks", lambda: list(_all_ticks(ctx)))


def _all_ticks(ctx: Context) -> Iterator[tuple[str, Item, int, object]]:
    for path, item, value in ctx.instances():
        if item.value_kind != "checkboxes":
            continue
        for t in value or []:
            i = ctx.option_index(item, t.label)
            if i is not None:
                yield path, item, i, t


@rule("R104", ERROR, "「その他」に○があるが（　）の内容が未記入", "{label}: 「その他」に○がありますが、（　）に内容が書かれていません",
      reads=("options:detail",))
def other_needs_detail(ctx: Context) -> Iterator[Hit]:
    """A ticked "その他" box has its "（ … ）" detail filled in."""
    for path, item, i, t in _ticks(ctx):
        opt = item.options[i - 1]
        if opt.detail and opt.label == "その他" and is_ticked(t) and not is_filled(t.detail):
            yield Hit(f"{path}.o{i}.detail", {"label": ctx.label(path)})


@rule("R105", WARNING, "（　）のある選択肢に○があるが内容が未記入",
      "{label}: 「{option}」に○がありますが、（　）に内容（部署名・機関名など）が書かれていません",
      reads=("options:detail",))
def option_needs_detail(ctx: Context) -> Iterator[Hit]:
    """A ticked box other than その他 that prints a "（　）" (評価実施機関内の他部署, 民間事業者 …) names whom it means."""
    for path, item, i, t in _ticks(ctx):
        opt = item.options[i - 1]
        if opt.detail and opt.label != "その他" and is_ticked(t) and not is_filled(t.detail):
            yield Hit(f"{path}.o{i}.detail", {"label": ctx.label(path), "option": t.label})


@rule("R106", WARNING, "○のない選択肢に（　）の内容や件数が書かれている",
      "{label}: 「{option}」に○がありませんが、内容が書かれています（○をつけるか、内容を消してください）",
      reads=("options:detail", "options:count"))
def detail_without_tick(ctx: Context) -> Iterator[Hit]:
    """A detail or count written beside a box that is not ticked (kept by the reader as checked=False)."""
    invalid = ctx.doc.invalid_values or {}
    for path, item, i, t in _ticks(ctx):
        if not is_ticked(t) and f"{path}.o{i}" not in invalid:  # an unreadable mark is R004's
            yield Hit(f"{path}.o{i}", {"label": ctx.label(path), "option": t.label})


#: 特定個人情報保護評価指針 第5の3: the 全項目評価書 is open for opinions for 30 days or more as a rule
IKEN_DAYS = 30
_WAREKI_DAY = re.compile(r"(明治|大正|昭和|平成|令和)(\d+|元)年(\d+)月(\d+)日")
_END_DAY = re.compile(r"(?:(明治|大正|昭和|平成|令和)?(\d+|元)年)?(\d+)月(\d+)日")


def opinion_days(text: str) -> int | None:
    """Days (both ends counted) of a period written "令和7年8月1日から令和7年9月1日まで", "令和5年8月25日（金）～
    令和5年9月24日（日）" or "令和2年6月15日～7月14日"; None when it is not written so."""
    import datetime as dt
    import unicodedata

    from ..wareki import WarekiDate, WarekiError

    t = re.sub(r"[（(][^）)]{1,3}[）)]|\s", "", unicodedata.normalize("NFKC", text or ""))
    m = _WAREKI_DAY.search(t)
    if not m:
        return None
    rest = re.match(r"(?:から|～|~|〜|－|-|ー|―)(.*)", t[m.end():])
    e = _END_DAY.match(rest.group(1)) if rest else None
    if not e:
        return None
    try:
        start = WarekiDate.parse(m.group(0)).to_date()
        era, year = e.group(1) or m.group(1), e.group(2) or m.group(2)
        end = WarekiDate.parse(f"{era}{year}年{e.group(3)}月{e.group(4)}日").to_date()
    except WarekiError:
        return None
    days = (end - start).days + 1
    return days if isinstance(end, dt.date) and days > 0 else None


@rule("R107", ERROR, "意見聴取の期間が30日未満なのに短縮する特段の理由がない",
      "{label}: 意見聴取の期間が{days}日間です（原則30日以上）。③期間を短縮する特段の理由を記入してください",
      reads=("VI.iken_kikan", "VI.iken_tanshuku_riyu"), forms=("zenkomoku",))
def opinion_period_reason(ctx: Context) -> Iterator[Hit]:
    """全項目 Ⅵ-2 ③期間を短縮する特段の理由 applies when ②実施日・期間 is shorter than 30 days: 特定個人情報保護
    評価指針 第5の3 "全項目評価書を公示し国民からの意見を聴取する期間は原則として30日以上とする。ただし、特段の理由が
    ある場合には、全項目評価書においてその理由を明らかにした上でこれを短縮することができる。" A reason such as
    "期間短縮なし" or "－" is no reason. Periods the rule cannot read are left alone, and so is Ⅵ-2 where it does not
    apply (its ``applies_when``: a 全項目評価 done voluntarily, see R103)."""
    cond = ctx.spec.item("VI.iken_kikan").applies_when
    if cond is not None and not cond.holds(ctx.doc.VI.shikiichi):
        return
    days = opinion_days(ctx.doc.VI.iken_kikan)
    riyu = ctx.doc.VI.iken_tanshuku_riyu
    if days is not None and days < IKEN_DAYS and (not is_substantive(riyu) or re.search(r"短縮(は)?(なし|無し|しない)", riyu)):
        yield Hit("VI.iken_tanshuku_riyu", {"label": ctx.label("VI.iken_tanshuku_riyu"), "days": days})
