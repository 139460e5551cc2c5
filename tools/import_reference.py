"""One-off importer: turns ../shared/reference/*_schema.yaml into pia_excel/spec/data/*.yaml.

The generated spec files are the source of truth afterwards (hand-corrected against the seeds);
this script is kept to document where they came from. Run: python tools/import_reference.py REFDIR
"""
from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parents[1] / "pia_excel" / "spec" / "data"
ROMAN = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ", "IV": "Ⅳ", "V": "Ⅴ", "VI": "Ⅵ"}


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    s = s.replace("※", "").replace(" ", "").replace("\u3000", "")
    return re.sub(r"^(\d+\.|[①-⑳]|リスク\d*[:：])", "", s)


def src_lines(sl: dict | None) -> dict:
    out = {}
    for k, v in (sl or {}).items():
        if isinstance(v, dict):
            v = v.get("anchor")
        if v is None:
            continue
        m = re.search(r"L(\d+)", str(v))
        if m:
            out[str(k)] = int(m.group(1))
        elif isinstance(v, int):
            out[str(k)] = v
    return out


# ---------------------------------------------------------------- 全項目
def zen_item(n: dict, cls: dict, cbs: dict) -> dict:
    kind = {"textarea": "text", "text": "text", "multi_checkbox": "checkboxes", "repeat": "repeat",
            "group": "heading", "figure": "text", "single_choice": "choice"}.get(n["kind"], n["kind"])
    kind = {"kiroku_komoku_list": "list", "hyokasho_no": "count"}.get(n["id"], kind)
    it: dict = {"key": n["id"], "no": n.get("no"), "label": n["label"], "kind": kind}
    if kind == "text" and n["kind"] in ("textarea", "figure"):
        it["multiline"] = True
    if n.get("star"):
        it["star"] = True
    if n.get("juyo_henko_item"):
        it["important"] = True
    if n.get("choices"):
        it["choices"] = list(cls[n["choices"]]["options"])
        it["choice_numbering"] = "full" if cls[n["choices"]]["numbering"].startswith("full") else "half"
    if n.get("options"):
        cb = cbs[n["options"]]
        opts = []
        if "groups" in cb:
            for g in cb["groups"]:
                for o in g["options"]:
                    opts.append({"label": o["label"], "detail": bool(o["detail"]), "group": g["heading"].lstrip("・")})
        else:
            for o in cb["options"]:
                opts.append({"label": o["label"], "detail": bool(o["detail"])})
        for o in opts:
            if o["label"] in (cb.get("counts") or {}):
                o["count"] = True
        it["options"] = [{k: v for k, v in o.items() if v is not False} for o in opts]
    if n.get("section_checkboxes"):
        it["options"] = [{"label": lab} for lab in n["section_checkboxes"]]
    if n.get("count"):
        it["count"] = True
    if n.get("default"):
        it["default"] = n["default"]
    if n["kind"] == "repeat":
        it["label"] = n["label"].replace("{n}", "")
        it["max"] = n.get("max", 20)
    if n.get("star_excluded"):
        it["star_excluded"] = True
    if n["kind"] == "static" and n.get("printed_label") is False:
        it["printed_label"] = False
    it["src"] = src_lines(n.get("source_lines"))
    kids = [zen_item(c, cls, cbs) for c in n.get("children") or []]
    if kids:
        it["children"] = kids
    return it


def import_zenkomoku(ref: Path) -> dict:
    d = yaml.safe_load((ref / "zenkomoku_schema.yaml").read_text())
    cls, cbs = d["choice_lists"], d["checkbox_lists"]
    sections = []
    for s in d["document"]:
        sec = {"key": s["id"], "no": s.get("no"), "title": s["title"], "heading": s.get("heading", s["title"]),
               "per_file": bool(s.get("repeat")),
               "items": [zen_item(i, cls, cbs) for i in s["items"]]}
        if s.get("heading_note"):
            sec["heading_note"] = s["heading_note"]
        sections.append(sec)
    return {"form": "zenkomoku", "title": d["meta"]["form"], "yoshiki": "様式4", "sections": sections}


# ---------------------------------------------------------------- 重点
def juten_item(n: dict, zen_keys: dict, used: set) -> dict | None:
    kind = {"single_choice": "choice", "row_group": "heading", "risk": "heading", "group": "repeat",
            "free_list": "list"}.get(n["kind"], n["kind"])
    label = n["label"]
    no = None
    m = re.match(r"^(\d+\.\s*|[①-⑳]|リスク\d*[:：]\s*|リスク[:：]\s*)(.*)$", label)
    if m and n["kind"] != "section":
        no, label = m.group(1).strip(), m.group(2)
    label = label.replace(" ※", "").replace("※", "").strip()
    key = zen_keys.get(n["id"])
    if key is None:
        raise KeyError(n["id"])
    if key in used:
        raise ValueError(f"duplicate key {key} for {n['id']}")
    used.add(key)
    it: dict = {"key": key, "no": no, "label": label.replace("{N}", ""), "kind": kind}
    if kind == "text" and not n["id"].startswith("cover."):
        it["multiline"] = True
    if n.get("mark") == "※":
        it["star"] = True
    if n.get("important_change"):
        it["important"] = True
    if n.get("choices"):
        it["choices"] = [re.sub(r"^\d+\)\s*", "", c) for c in n["choices"]]
        it["choice_numbering"] = "half"
    if n.get("options") or n.get("option_groups"):
        opts = []
        for g in n.get("option_groups") or [{"group": None, "options": n["options"]}]:
            for o in g["options"]:
                oo = {"label": o["label"]}
                if o.get("detail"):
                    oo["detail"] = True
                if o.get("count"):
                    oo["count"] = True
                if g["group"]:
                    oo["group"] = g["group"]
                opts.append(oo)
        it["options"] = opts
    hc = n.get("header_checkbox")
    if hc:
        it["options"] = [{"label": h["label"]} for h in (hc if isinstance(hc, list) else [hc])]
    if n.get("count_field"):
        it["count"] = True
    if n.get("fixed_value"):
        it["default"] = n["fixed_value"]
    if n.get("excluded_from_mark"):
        it["star_excluded"] = True
    if n.get("law_reference"):
        it["law_reference"] = True
    if n["kind"] == "group":
        it["max"] = n["repeat"]["max"]
    it["src"] = {"001": n["lines"]["K"]} if (n.get("lines") or {}).get("K") else {}
    kids = [juten_item(c, zen_keys, used) for c in n.get("children") or []]
    kids = [k for k in kids if k]
    if kids:
        it["children"] = kids
    return it


JUTEN_KEYS = {
    "cover.title": "title", "cover.評価書番号": "hyokasho_no", "cover.評価書名": "hyokasho_mei",
    "cover.宣言": "privacy_declaration", "cover.特記事項": "tokki_jiko",
    "cover.評価実施機関名": "hyoka_jisshi_kikan_mei", "cover.公表日": "kohyo_bi", "cover.項目一覧": "koumoku_ichiran",
    "I.1": "I_1", "I.1.①": "jimu_meisho", "I.1.②": "jimu_naiyo", "I.1.③": "taisho_ninzu",
    "I.2": "I_2", "I.2.system": "systems", "I.2.system.①": "system_name", "I.2.system.②": "system_function",
    "I.2.system.③": "other_system_connections", "I.3": "I_3", "I.4": "I_4", "I.4.根拠": "kojin_bango_riyo_konkyo",
    "I.5": "I_5", "I.5.①": "renkei_jisshi_umu", "I.5.②": "renkei_konkyo", "I.6": "I_6", "I.6.①": "busho",
    "I.6.②": "shozokucho_yakushoku", "I.7": "I_7",
    "II.1": "II_1", "II.2": "II_2", "II.2.①": "file_shurui", "II.2.②": "taisho_honnin_su",
    "II.2.③": "taisho_honnin_hani", "II.2.③.必要性": "taisho_honnin_hitsuyosei", "II.2.④": "kiroku_komoku",
    "II.2.④.主な": "omona_kiroku_komoku", "II.2.④.妥当性": "kiroku_komoku_datosei",
    "II.2.④.全て": "subete_no_kiroku_komoku", "II.2.⑤": "hoyu_kaishi_bi", "II.2.⑥": "jimu_tanto_busho",
    "II.3": "II_3", "II.3.①": "nyushu_moto", "II.3.②": "nyushu_hoho", "II.3.③": "shiyo_mokuteki",
    "II.3.④": "shiyo_shutai", "II.3.④.部署": "shiyo_busho", "II.3.④.者数": "shiyosha_su", "II.3.⑤": "shiyo_hoho",
    "II.3.⑤.突合": "joho_totsugo", "II.3.⑥": "shiyo_kaishi_bi", "II.4": "II_4", "II.4.有無": "itaku_umu",
    "II.4.item": "itaku_jiko", "II.4.item.①": "itaku_naiyo", "II.4.item.②": "itakusaki_toriatsukaisha_su",
    "II.4.item.③": "itakusaki_mei", "II.4.item.再委託": "saiitaku", "II.4.item.④": "saiitaku_umu",
    "II.4.item.⑤": "saiitaku_kyodaku_hoho", "II.4.item.⑥": "saiitaku_jiko", "II.5": "II_5",
    "II.5.有無": "teikyo_iten_umu", "II.5.teikyo": "teikyo_saki", "II.5.teikyo.①": "teikyo_konkyo",
    "II.5.teikyo.②": "teikyo_yoto", "II.5.teikyo.③": "teikyo_joho", "II.5.teikyo.④": "teikyo_honnin_su",
    "II.5.teikyo.⑤": "teikyo_honnin_hani", "II.5.teikyo.⑥": "teikyo_hoho", "II.5.teikyo.⑦": "teikyo_jiki",
    "II.5.iten": "iten_saki", "II.5.iten.①": "iten_konkyo", "II.5.iten.②": "iten_yoto", "II.5.iten.③": "iten_joho",
    "II.5.iten.④": "iten_honnin_su", "II.5.iten.⑤": "iten_honnin_hani", "II.5.iten.⑥": "iten_hoho",
    "II.5.iten.⑦": "iten_jiki", "II.6": "II_6", "II.6.保管場所": "hokan_basho", "II.7": "II_7",
    "別添1": "kiroku_komoku_list",
    "III.1": "III_1", "III.2": "III_2", "III.2.risk": "III_2_risk1", "III.2.risk.措置": "III_2_risk1_measures",
    "III.2.risk.十分か": "III_2_risk1_sufficient", "III.2.other": "III_2_other_risks", "III.3": "III_3",
    "III.3.risk1": "III_3_risk1", "III.3.risk1.措置": "III_3_risk1_measures",
    "III.3.risk1.十分か": "III_3_risk1_sufficient", "III.3.risk2": "III_3_risk2", "III.3.risk2.認証": "user_ninsho",
    "III.3.risk2.方法": "user_ninsho_hoho", "III.3.risk2.その他": "III_3_risk2_other_measures",
    "III.3.risk2.十分か": "III_3_risk2_sufficient", "III.3.other": "III_3_other_risks", "III.4": "III_4",
    "III.4.risk": "III_4_risk1", "III.4.規定": "keiyakusho_kitei", "III.4.規定内容": "keiyakusho_kitei_naiyo",
    "III.4.担保": "saiitakusaki_kakuho", "III.4.方法": "saiitakusaki_kakuho_hoho",
    "III.4.その他": "III_4_other_measures", "III.4.十分か": "III_4_sufficient", "III.4.other": "III_4_other_risks",
    "III.5": "III_5", "III.5.risk": "III_5_risk1", "III.5.ルール": "teikyo_iten_rule",
    "III.5.ルール内容": "teikyo_iten_rule_naiyo", "III.5.その他": "III_5_risk1_other_measures",
    "III.5.十分か": "III_5_risk1_sufficient", "III.5.other": "III_5_other_risks", "III.6": "III_6",
    "III.6.risk1": "III_6_risk1", "III.6.risk1.措置": "III_6_risk1_measures",
    "III.6.risk1.十分か": "III_6_risk1_sufficient", "III.6.risk2": "III_6_risk2",
    "III.6.risk2.措置": "III_6_risk2_measures", "III.6.risk2.十分か": "III_6_risk2_sufficient",
    "III.6.other": "III_6_other_risks", "III.7": "III_7", "III.7.risk": "III_7_risk1", "III.7.①": "jiko_tejun",
    "III.7.②": "juudai_jiko", "III.7.②.内容": "juudai_jiko_naiyo", "III.7.②.再発防止": "juudai_jiko_saihatsu",
    "III.7.その他": "III_7_risk1_other_measures", "III.7.十分か": "III_7_risk1_sufficient",
    "III.7.other": "III_7_other_risks", "III.8": "III_8", "III.8.有無": "kansa_jisshi_umu", "III.9": "III_9",
    "III.9.教育": "kyoiku_keihatsu", "III.9.方法": "kyoiku_keihatsu_hoho", "III.10": "III_10",
    "IV.1": "IV_1", "IV.1.①": "seikyu_saki", "IV.1.②": "seikyu_hoho", "IV.1.③": "horei_tokubetsu_tetsuzuki",
    "IV.1.④": "filebo_fukisai", "IV.2": "IV_2", "IV.2.①": "toiawase_renrakusaki", "IV.2.②": "toiawase_taio",
    "V.1": "V_1", "V.1.①": "kiso_jisshi_bi", "V.1.②": "shikiichi", "V.2": "V_2", "V.2.①": "iken_hoho",
    "V.2.②": "iken_kikan", "V.2.③": "iken_naiyo", "V.3": "V_3", "V.3.①": "daisansha_jisshi_bi",
    "V.3.②": "daisansha_hoho", "V.3.③": "daisansha_kekka", "別添2": "henko_kasho",
}
JUTEN_SECTION_KEYS = {"cover": "cover", "I": "I", "II": "II", "別添1": "annex1", "III": "III", "IV": "IV",
                      "V": "V", "別添2": "annex2"}


def import_juten(ref: Path) -> dict:
    d = yaml.safe_load((ref / "juten_schema.yaml").read_text())
    sections = []
    for s in d["sections"]:
        used: set = set()
        key = JUTEN_SECTION_KEYS[s["id"]]
        label = s["label"]
        no = None
        m = re.match(r"^(I|II|III|IV|V)\s+(.*)$", label)
        if m:
            no, label = ROMAN[m.group(1)], m.group(2)
        note = None
        if "※" in label:
            label, note = label.split("※", 1)
            label, note = label.strip(), "※" + note
        sec = {"key": key, "no": no, "title": label, "heading": f"{no}　{label}" if no else label,
               "per_file": bool(s.get("repeat_per_file")) or key == "annex1"}
        if note:
            sec["heading_note"] = note
        if s["kind"] in ("free_list", "table"):
            it = juten_item(s, JUTEN_KEYS, used)
            sec["items"] = [it]
        else:
            sec["items"] = [juten_item(c, JUTEN_KEYS, used) for c in s["children"]]
        sections.append(sec)
    return {"form": "juten", "title": "特定個人情報保護評価書(重点項目評価書)", "yoshiki": "様式3", "sections": sections}


def main() -> None:
    ref = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference")
    OUT.mkdir(parents=True, exist_ok=True)
    for name, spec in (("zenkomoku", import_zenkomoku(ref)), ("juten", import_juten(ref))):
        text = yaml.safe_dump(spec, allow_unicode=True, sort_keys=False, width=1000)
        (OUT / f"{name}.yaml").write_text(text, encoding="utf-8")
        print(name, len(text.splitlines()), "lines")


if __name__ == "__main__":
    main()
