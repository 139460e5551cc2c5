"""R201–R230: answers that must agree with each other (Ⅱ-4 委託 vs Ⅲ-4, Ⅱ-5 提供・移転 vs its blocks and Ⅲ-5,
Ⅰ 情報連携 vs Ⅲ-6, 重大事故 vs its details). Negative answers with their details filled in are in :mod:`.negatives`."""
from __future__ import annotations

import re
from typing import Iterator

from ..spec.requirements import (ITAKU, ITAKU_BOX, ITAKU_COUNT, NETWORK, REFERS_ELSEWHERE, REFERS_NOTE, RENKEI,
                                 RENKEI_BOXES, TEIKYO, TEIKYO_BLOCKS, TEIKYO_BOX)
from .engine import ADEQUACY, ERROR, WARNING, Context, Hit, is_filled, rule
from .required import instances_of


_REFERS = re.compile("|".join(map(re.escape, REFERS_ELSEWHERE)))


def _used(blocks) -> list[int]:
    return [n for n, b in enumerate(blocks or [], start=1) if not b.is_empty()]


def _refers_elsewhere(blocks) -> bool:
    """A block points to a 別紙/別添 for the rest ("提供先4 … 情報照会者（別紙1参照）")."""
    return any(_REFERS.search(str(b.model_dump())) for b in blocks or [])


def count_agrees(count: int, used: int, blocks, slots: int) -> bool:
    """The "（ N ）件" count agrees with the blocks: equal, or more when the blocks refer to a 別紙 or the count
    exceeds the slots the form has."""
    return count == used or (count > used and (count > slots or _refers_elsewhere(blocks)))


@rule("R201", ERROR, "委託の有無の件数と委託事項の数が合わない",
      "{label}: {problem}", reads=("II.itaku_umu", "II.itaku_jiko"))
def itaku_count(ctx: Context) -> Iterator[Hit]:
    """委託する: the "（ N ）件" count is given and equals the number of 委託事項 blocks filled in (or exceeds it
    when the blocks refer to a 別紙 or the count exceeds the 20 slots of the form)."""
    count_path, blocks_path = ITAKU_COUNT
    for prefix, f in ctx.files():
        if ctx.value(f"{prefix}.{ITAKU[0]}") != ITAKU[1]:
            continue
        blocks = ctx.value(f"{prefix}.{blocks_path}")
        count = ctx.value(f"{prefix}.{count_path}")
        used = len(_used(blocks))
        path = f"{prefix}.{count_path}"
        label = ctx.label(f"{prefix}.{ITAKU[0]}")
        if count is None:
            yield Hit(path, {"label": label, "problem": f"委託する場合は件数（　）件を記入してください（委託事項は{used}件記入されています）"})
        elif not count_agrees(count, used, blocks, ctx.item(f"{prefix}.{blocks_path}").max):
            yield Hit(path, {"label": label,
                             "problem": f"（{count}）件とありますが、記入された委託事項は{used}件です"})


@rule("R203", ERROR, "Ⅱ-4 委託の有無とⅢ-4「委託しない」の○が合わない", "{label}: {problem}",
      reads=("II.itaku_umu", "III.III_4"))
def itaku_vs_III4(ctx: Context) -> Iterator[Hit]:
    """Ⅱ-4 委託しない ⇔ Ⅲ-4 "[○] 委託しない" ticked."""
    item, yes, no = ITAKU
    box, opt = ITAKU_BOX
    for prefix, f in ctx.files():
        ticked = opt in ctx.ticked(f"{prefix}.{box}")
        path = f"{prefix}.{box}.o{opt}"
        label = ctx.label(f"{prefix}.{box}")
        umu = ctx.value(f"{prefix}.{item}")
        if umu == no and not ticked:
            yield Hit(path, {"label": label, "problem": "Ⅱ-4 委託の有無が「委託しない」のため、「委託しない」に○をつけてください"})
        elif umu == yes and ticked:
            yield Hit(path, {"label": label, "problem": "Ⅱ-4 委託の有無が「委託する」ですが、「委託しない」に○があります"})


def _block_refers(ctx: Context, prefix: str, blocks) -> bool:
    """The blocks, or the file's Ⅱ 備考, refer to a 別紙 / 別添 for the rest."""
    if _refers_elsewhere(blocks):
        return True
    note = ctx.value(f"{prefix}.{REFERS_NOTE}")
    return bool(note and _REFERS.search(str(note)))


@rule("R209", WARNING, "件数が記入欄（20件）を超えるのに別紙・別添の参照がない",
      "{label}: （{count}）件は記入欄の{slots}件を超えますが、{name}にも備考にも別紙・別添の参照がありません"
      "（21件目以降の記載場所を示してください）",
      reads=("II.itaku_umu", "II.itaku_jiko", "II.teikyo_iten_umu", "II.teikyo_saki", "II.iten_saki", "II.II_7"))
def count_beyond_slots(ctx: Context) -> Iterator[Hit]:
    """A 委託 or 提供・移転 count above the 20 blocks the form prints: the blocks (or Ⅱ 備考) say where the others
    are (別紙, 別添, "一覧のとおり"); R201 / R210 accept such a count without that reference."""
    for prefix, f in ctx.files():
        ii = f.II
        slots = ctx.item(f"{prefix}.II.itaku_jiko").max
        if ii.itaku_umu == "委託する" and isinstance(ii.itaku_umu_count, int) and ii.itaku_umu_count > slots \
                and not _block_refers(ctx, prefix, ii.itaku_jiko):
            yield Hit(f"{prefix}.II.itaku_umu_count", {"label": ctx.label(f"{prefix}.II.itaku_umu"),
                                                       "count": ii.itaku_umu_count, "slots": slots, "name": "委託事項"})
        umu = f"{prefix}.II.teikyo_iten_umu"
        ticked = ctx.ticked(umu)
        for opt, (key, name, _) in _TEIKYO.items():
            tick = ctx.tick(umu, opt)
            count = tick.count if tick is not None and opt in ticked else None
            slots = ctx.item(f"{prefix}.II.{key}").max
            if isinstance(count, int) and count > slots and not _block_refers(ctx, prefix, getattr(ii, key)):
                yield Hit(f"{umu}.o{opt}.count", {"label": ctx.label(umu), "count": count, "slots": slots, "name": name})


_TEIKYO = {opt: (TEIKYO_BLOCKS[opt].rsplit(".", 1)[1], name, text)
           for opt, name, text in ((1, "提供先", "提供を行っている"), (2, "移転先", "移転を行っている"))}


@rule("R210", ERROR, "提供・移転の件数と提供先・移転先の数が合わない", "{label}: {problem}",
      reads=("II.teikyo_iten_umu", "II.teikyo_saki", "II.iten_saki"))
def teikyo_count(ctx: Context) -> Iterator[Hit]:
    """提供を行っている / 移転を行っている "（ N ）件" is given and equals the number of 提供先 / 移転先 blocks
    filled in (more is accepted when the blocks refer to a 別紙 or the count exceeds the 20 slots); blocks filled
    in while the box is not ticked are reported too."""
    for prefix, f in ctx.files():
        umu = f"{prefix}.{TEIKYO[0]}"
        ticked = ctx.ticked(umu)
        for opt, (key, name, text) in _TEIKYO.items():
            used = len(_used(getattr(f.II, key)))
            tick = ctx.tick(umu, opt)
            label = ctx.label(umu)
            if opt in ticked:
                count = tick.count if tick is not None else None
                if count is None:
                    yield Hit(f"{umu}.o{opt}.count", {"label": label, "problem": f"「{text}」の件数（　）件を記入してください（{name}は{used}件記入されています）"})
                elif not count_agrees(count, used, getattr(f.II, key), ctx.item(f"{prefix}.II.{key}").max):
                    yield Hit(f"{umu}.o{opt}.count", {"label": label, "problem": f"「{text}」が（{count}）件とありますが、記入された{name}は{used}件です"})
            elif used:
                yield Hit(f"{umu}.o{opt}", {"label": label, "problem": f"{name}が{used}件記入されていますが、「{text}」に○がありません"})


@rule("R211", ERROR, "「行っていない」と「提供（移転）を行っている」に同時に○",
      "{label}: 「行っていない」と「{text}」の両方に○があります", reads=("II.teikyo_iten_umu",))
def teikyo_none_and_some(ctx: Context) -> Iterator[Hit]:
    """提供・移転の有無: 行っていない is not ticked together with 提供を行っている / 移転を行っている."""
    for prefix, f in ctx.files():
        umu = f"{prefix}.II.teikyo_iten_umu"
        ticked = ctx.ticked(umu)
        if 3 in ticked and ticked & {1, 2}:
            text = "・".join(_TEIKYO[o][2] for o in sorted(ticked & {1, 2}))
            yield Hit(f"{umu}.o3", {"label": ctx.label(umu), "text": text})


@rule("R212", ERROR, "Ⅱ-5 提供・移転の有無とⅢ-5「提供・移転しない」の○が合わない", "{label}: {problem}",
      reads=("II.teikyo_iten_umu", "III.III_5"))
def teikyo_vs_III5(ctx: Context) -> Iterator[Hit]:
    """Ⅱ-5 行っていない (only) ⇔ Ⅲ-5 "[○] 提供・移転しない" ticked."""
    item, none, some = TEIKYO
    box, opt = TEIKYO_BOX
    for prefix, f in ctx.files():
        umu = ctx.ticked(f"{prefix}.{item}")
        ticked = opt in ctx.ticked(f"{prefix}.{box}")
        path = f"{prefix}.{box}.o{opt}"
        label = ctx.label(f"{prefix}.{box}")
        if umu == {none} and not ticked:
            yield Hit(path, {"label": label, "problem": "Ⅱ-5 提供・移転を「行っていない」ため、「提供・移転しない」に○をつけてください"})
        elif umu & set(some) and ticked:
            yield Hit(path, {"label": label, "problem": "Ⅱ-5 で提供・移転を行っているのに、「提供・移転しない」に○があります"})


@rule("R220", ERROR, "Ⅰ 情報連携の実施の有無とⅢ-6「接続しない」の○が合わない", "{label}: {problem}",
      reads=("I.renkei_jisshi_umu", "III.III_6"))
def renkei_vs_III6(ctx: Context) -> Iterator[Hit]:
    """情報連携 実施しない ⇒ Ⅲ-6 接続しない（入手） and 接続しない（提供） both ticked in every file; 実施する ⇒
    not both, in at least one file (情報連携 is answered for the 事務, and a file such as 本人確認情報 may not
    connect). Reported per file: at each file's boxes."""
    item, yes, no = RENKEI
    box, opts = RENKEI_BOXES
    renkei = ctx.value(item)
    both = []
    for prefix, f in ctx.files():
        path = f"{prefix}.{box}"
        ticked = ctx.ticked(path)
        both.append(ticked >= set(opts))
        if renkei == no:
            for opt in opts:
                if opt not in ticked:
                    name = ctx.item(path).options[opt - 1].label
                    yield Hit(f"{path}.o{opt}", {"label": ctx.label(path), "problem": f"Ⅰ 情報連携の実施の有無が「実施しない」のため、「{name}」に○をつけてください"})
    # 情報連携 is answered for the 事務: one file that connects is enough (a 本人確認情報 file may not connect);
    # when none does, each file's boxes are reported (each is a cell to correct)
    if renkei == yes and both and all(both):
        many = len(both) > 1
        for prefix, _ in ctx.files():
            path = f"{prefix}.{box}"
            yield Hit(f"{path}.o{opts[0]}", {"label": ctx.label(path), "problem": "Ⅰ 情報連携の実施の有無が「実施する」ですが、"
                                     + ("どの特定個人情報ファイルでも" if many else "")
                                     + "「接続しない」の入手・提供の両方に○があります"})


@rule("R222", WARNING, "情報連携を実施するのに情報提供ネットワークシステムとの接続がどこにもない",
      "{label}: 情報連携を「実施する」とありますが、どのシステムの③他のシステムとの接続にも、Ⅱ-3 入手方法・Ⅱ-5 提供方法にも"
      "「情報提供ネットワークシステム」がありません",
      reads=("I.renkei_jisshi_umu", "I.systems.other_system_connections", "II.nyushu_hoho", "II.teikyo_saki.teikyo_hoho"),
      category=ADEQUACY)
def renkei_without_network(ctx: Context) -> Iterator[Hit]:
    """情報連携 実施する: some system connects to 情報提供ネットワークシステム, or it appears among 入手方法 or a
    提供先's 提供方法."""
    if ctx.value(RENKEI[0]) != RENKEI[1]:
        return
    option, items = NETWORK
    labels = set()
    for tpath in items:
        for _, path in instances_of(ctx, ctx.spec.item(tpath)):
            labels |= {t.label for t in ctx.value(path) or []}
    if option not in labels:
        yield Hit(RENKEI[0], {"label": ctx.label(RENKEI[0])})


@rule("R230", ERROR, "重大事故「発生あり」なのにその内容・再発防止策が未記入",
      "{label}: 重大事故が「発生あり」のため記入が必要です",
      reads=("III.juudai_jiko", "III.juudai_jiko_naiyo", "III.juudai_jiko_saihatsu"))
def juudai_jiko_details(ctx: Context) -> Iterator[Hit]:
    """重大事故 発生あり ⇒ その内容 and 再発防止策の内容 are filled in."""
    for prefix, f in ctx.files():
        if f.III.juudai_jiko != "発生あり":
            continue
        for key in ("juudai_jiko_naiyo", "juudai_jiko_saihatsu"):
            if not is_filled(getattr(f.III, key)):
                path = f"{prefix}.III.{key}"
                yield Hit(path, {"label": ctx.label(path)})
