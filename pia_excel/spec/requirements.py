"""What the form requires and which answers switch its parts off: read by the rules (rules/required.py R101,
rules/consistency.py R203/R212/R220) and by the live checks compiled into the workbook (excel/live.py), so the
two never hold two copies of one fact.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

from . import Item, load_spec
from .text import compact, nfkc

#: template paths never required (free remarks, 【任意】 parts, 【行政機関等のみ】 parts, boxes ticked by choice)
OPTIONAL = {
    "juten": {
        "cover.hyokasho_no", "cover.tokki_jiko", "I.I_7", "II.II_7", "III.III_10",
        "IV.horei_tokubetsu_tetsuzuki", "IV.filebo_fukisai",
        "V.iken_hoho", "V.iken_kikan", "V.iken_naiyo",  # 2. 国民・住民等からの意見の聴取【任意】
        "V.daisansha_jisshi_bi", "V.daisansha_hoho", "V.daisansha_kekka",  # 3. 第三者点検【任意】
    },
    "zenkomoku": {
        "cover.hyokasho_no", "cover.tokki_jiko", "cover.ppc_shonin_bi", "I.I_8", "II.II_7", "II.henko_datosei",
        "annex1.jimu_naiyo_figure", "annex1.jimu_naiyo_biko", "IV.IV_3",
        "V.seikyu_tokki", "V.horei_tokubetsu_tetsuzuki", "V.filebo_fukisai",
        "VI.iken_tanshuku_riyu", "VI.ppc_teishutsu_bi", "VI.ppc_shinsa",  # 4. 【行政機関等のみ】
    },
}

#: keys optional wherever they appear (その他の措置・その他のリスク, headings ticked by choice, the change log)
OPTIONAL_KEYS = {"III_4", "III_5", "III_6", "henko_kasho"}
OPTIONAL_SUFFIXES = ("_other_measures", "_other_risks")

#: repeat block fields that may stay empty in a used block
OPTIONAL_IN_BLOCK = {"I.systems.name", "I.systems.other_system_connections"}

#: handled by their own rules (R230 重大事故)
ELSEWHERE = {"III.juudai_jiko_naiyo", "III.juudai_jiko_saihatsu"}

#: at least one システム has a name (R101 reports the first slot when none has)
SYSTEM_NAME = "I.systems.system_name"

#: 全項目 Ⅵ-3 第三者点検 (template path prefix) is not required when Ⅵ-4 (行政機関等) is answered: its 提出日
#: filled or its 審査 more than a placeholder
EXEMPT = {"zenkomoku": ("VI.daisansha_", ("VI.ppc_teishutsu_bi", "VI.ppc_shinsa"))}

# ---- the answers that switch a part of Ⅲ off (R101 does not require its items; R203/R212/R220: Ⅱ/Ⅰ and Ⅲ agree)
#: Ⅱ-4 委託の有無: (item, the answer "yes", the answer "no"); Ⅲ-4's box 委託しない
ITAKU = ("II.itaku_umu", "委託する", "委託しない")
ITAKU_BOX = ("III.III_4", 1)
#: Ⅱ-5 提供・移転の有無: the option 行っていない and the options 提供を行っている / 移転を行っている; Ⅲ-5's box
TEIKYO = ("II.teikyo_iten_umu", 3, (1, 2))
TEIKYO_BOX = ("III.III_5", 1)
#: Ⅰ 情報連携の実施の有無: (item, "yes", "no"); Ⅲ-6's boxes 接続しない（入手）/（提供）
RENKEI = ("I.renkei_jisshi_umu", "実施する", "実施しない")
RENKEI_BOXES = ("III.III_6", (1, 2))

#: Ⅲ-6 risk headings covered by each 接続しない box (option 1: 入手, option 2: 提供), from ``empty_when`` of Ⅲ-6
#: in the spec (全項目: リスク1–4 and リスク5–7; 重点: リスク1 and リスク2)
@lru_cache(maxsize=None)
def connection_risks(form: str) -> dict[int, tuple[str, ...]]:
    return {e.tick: e.under for e in load_spec(form).item("III.III_6").empty_when if e.tick}


def is_optional(form: str, tpath: str) -> bool:
    """The item at template path ``tpath`` is optional in the form (【任意】, 特記事項, 備考, その他の措置 …)."""
    key = tpath.rsplit(".", 1)[-1]
    return tpath in OPTIONAL[form] or key in OPTIONAL_KEYS or key.endswith(OPTIONAL_SUFFIXES)


@lru_cache(maxsize=None)
def dependents(form: str) -> frozenset[str]:
    """Template paths of the items that apply only under an answer (``applies_when``: R103's, not R101's)."""
    return frozenset(it.path for it in load_spec(form).value_items() if it.applies_when is not None)


@lru_cache(maxsize=None)
def not_required(form: str, item: Item) -> bool:
    """R101 does not check the item: in a repeat block (R102), optional, handled elsewhere or dependent on an
    answer (its template path is its spec path)."""
    if item.repeat is not None or item.kind == "repeat":
        return True
    tpath = item.path
    return (tpath in OPTIONAL[form] or item.key in OPTIONAL_KEYS or item.key.endswith(OPTIONAL_SUFFIXES)
            or tpath in ELSEWHERE or tpath in dependents(form))


#: 全項目 Ⅵ-2 ⑤評価書への反映 is not required (R103) when ④主な意見の内容 says there were no opinions: (the item, the
#: text read, a subject, a span, words): a placeholder only, the subject followed within the span (characters of
#: one line) by one of the words ("意見なし", "意見はありませんでした", "提出された意見はなかった"), or a text
#: starting with "特になし"
NO_OPINIONS = ("VI.iken_hanei", "VI.iken_naiyo", "意見", 6, ("なし", "無し", "ありません", "なかった", "ない"), "特になし")
_NO_OPINIONS_RE = re.compile(f"{NO_OPINIONS[2]}.{{0,{NO_OPINIONS[3]}}}({'|'.join(NO_OPINIONS[4])})|^{NO_OPINIONS[5]}")


def says_no_opinions(text: str) -> bool:
    """The words of :data:`NO_OPINIONS` in ``text`` (the placeholder test is the rule's)."""
    return bool(_NO_OPINIONS_RE.search(text))


#: R260 accepts a detail that explains its negative answer rather than describing the thing ("…ないため、消去の委託は
#: しない。"): (reasons, separators, span, endings, stops, anywhere, tag openers, tag closers, sentence end): a
#: reason, an optional separator, at most ``span`` characters of one line and an ending close the text (a stop
#: and whitespace may follow) or its first sentence (up to the first sentence end, after a leading
#: ＜…＞ tag on the first line); or one of ``anywhere`` in the text
EXPLAINS = (("ため", "ので", "から"), ("、", ","), 40, ("しない", "していない", "行わない", "ない", "不要", "該当しない"),
            ("。", "．"), ("該当しない", "該当なし", "対象外"), ("＜", "<"), ("＞", ">"), "。")
_EXPLAINS_RE = re.compile(f"({'|'.join(EXPLAINS[0])})[{''.join(EXPLAINS[1])}]?.{{0,{EXPLAINS[2]}}}"
                          f"({'|'.join(EXPLAINS[3])})[{''.join(EXPLAINS[4])}]?\\s*$|{'|'.join(EXPLAINS[5])}")
_TAG_RE = re.compile(f"^[{''.join(EXPLAINS[6])}].*?[{''.join(EXPLAINS[7])}]\\s*")


def explains(text: str) -> bool:
    """The text ends with an explanation (:data:`EXPLAINS`), or its first sentence does ("…定めはないため、消去は
    行っていない。" and then the measures taken instead, seed 002 Ⅲ-7 手順の内容)."""
    text = text.strip()
    first = _TAG_RE.sub("", text).split(EXPLAINS[8])[0] + EXPLAINS[8]
    return bool(_EXPLAINS_RE.search(text) or _EXPLAINS_RE.search(first))
# ---- dates (R301 / R302)
#: the 公表日, which the other dates of the document cannot follow (R301) and which starts the 5 years (R302)
KOHYO_BI = "cover.kohyo_bi"
#: re-assessment is expected within this many years of the last one (特定個人情報保護評価指針)
REASSESS_YEARS = 5


def dates_before_kohyo(form: str) -> tuple[tuple[str, str], ...]:
    """(template path, label) of the dates that cannot be later than the 公表日 (R301; the 変更日 of the 変更箇所
    rows too); the first two are the 実施日 whose latest starts R302's 5 years."""
    spec = load_spec(form)
    out = ((spec.role("kiso_jisshi_bi").path, "基礎項目評価の実施日"),
           (spec.role("daisansha_jisshi_bi").path, "第三者点検の実施日"))
    if form == "zenkomoku":
        out += (("VI.ppc_teishutsu_bi", "個人情報保護委員会への提出日"), ("cover.ppc_shonin_bi", "個人情報保護委員会の承認日"))
    return out


# ---- counts against the blocks filled in (R201 / R210)
#: Ⅱ-4: the count cell of 委託する and the 委託事項 blocks it counts
ITAKU_COUNT = ("II.itaku_umu_count", "II.itaku_jiko")
#: Ⅱ-5: option → the blocks its "（　）件" counts (提供を行っている → 提供先, 移転を行っている → 移転先)
TEIKYO_BLOCKS = {1: "II.teikyo_saki", 2: "II.iten_saki"}
#: words by which a block (or Ⅱ 備考) sends the reader elsewhere for the rest ("提供先4 … （別紙1参照）"): a count
#: above the blocks filled in is accepted then
REFERS_ELSEWHERE = ("別紙", "別添", "別表のとおり", "一覧のとおり")
#: Ⅱ 備考: a 別紙 reference there also says where the blocks beyond the form's slots are (R209)
REFERS_NOTE = "II.II_7"

# ---- 情報連携 (R222): 実施する needs a connection to the network somewhere: the option (its label) of the items below
#: (any システム's ③他のシステムとの接続, any file's 入手方法, any 提供先's 提供方法)
NETWORK = ("情報提供ネットワークシステム",
           ("I.systems.other_system_connections", "II.nyushu_hoho", "II.teikyo_saki.teikyo_hoho"))


# ---- しきい値判断 (R240): the obligation Ⅰ ③対象人数, 取扱者数 and 重大事故 give (DESIGN §2, the PPC しきい値)
INF = math.inf
#: obligation levels: 0 none, 1 基礎項目評価, 2 基礎 + 重点項目評価, 3 基礎 + 全項目評価
LEVEL_NAMES = {0: "特定個人情報保護評価の実施は義務付けられない", 1: "基礎項目評価のみが義務付けられる",
               2: "基礎項目評価及び重点項目評価が義務付けられる", 3: "基礎項目評価及び全項目評価が義務付けられる"}
#: the form's own level: what a 重点/全項目 評価書 is
FORM_LEVEL = {"juten": 2, "zenkomoku": 3}
#: Ⅰ ③対象人数; the answers whose brackets give 取扱者数 (every file's 使用者数, every 委託事項's 取扱者数); 取扱者数
#: from which the next level is obligatory; Ⅲ 重大事故 and the answer that counts (an unanswered one may too)
TAISHO_NINZU = "I.taisho_ninzu"
#: Ⅱ ②対象となる本人の数: a bracket of the same people as Ⅰ ③対象人数 (R251: the two ranges overlap)
HONNIN_SU = "II.taisho_honnin_su"
HANDLER_ITEMS = ("II.shiyosha_su", "II.itaku_jiko.itakusaki_toriatsukaisha_su")
HANDLERS = 500
JUUDAI_JIKO = ("III.juudai_jiko", "発生あり")


def _number(text: str) -> float:
    """"1,000" → 1000, "1万" → 10000, "1,000万" → 10000000."""
    text = text.replace(",", "")
    if text.endswith("万"):
        return float(text[:-1]) * 10_000
    return float(text)


def bracket(choice: str | None) -> tuple[float, float] | None:
    """The range [low, high) of a bracket choice; None when the text is not a bracket."""
    if not choice:
        return None
    t = nfkc(choice)
    lo = re.search(r"([\d,]+万?)(?:人|項目)以上", t)
    hi = re.search(r"([\d,]+万?)(?:人|項目)未満", t)
    if not lo and not hi:
        return None
    return (_number(lo.group(1)) if lo else 0.0, _number(hi.group(1)) if hi else INF)


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Two brackets [low, high) share a number (R251)."""
    return a[0] < b[1] and b[0] < a[1]


def stated_level(choice: str) -> int | None:
    """The obligation a しきい値判断結果 choice states."""
    t = compact(choice)
    if "義務付けられない" in t:
        return 0
    if t.startswith("基礎項目評価及び全項目評価"):
        return 3
    if t.startswith("基礎項目評価及び重点項目評価"):
        return 2
    if t.startswith("基礎項目評価の実施"):
        return 1
    return None


def obligation_range(hi: float, certain: bool, possible: bool) -> tuple[int, int]:
    """The range of obligation levels for a 対象人数 bracket ending at ``hi``, when 取扱者数 ≥ 500 or a 重大事故
    is ``certain`` / ``possible``."""
    if hi <= 1_000:
        return 0, 0
    if hi <= 10_000:
        return 1, 1
    if hi == INF:
        return 3, 3
    base = 1 if hi <= 100_000 else 2
    return base + certain, base + (certain or possible)


def shikiichi_disagrees(form: str, level: int, rng: tuple[int, int]) -> bool:
    """R240 reports a stated ``level`` with the range ``rng`` of levels the answers allow."""
    lo, hi = rng
    return lo > FORM_LEVEL[form] or level < lo or level > hi
