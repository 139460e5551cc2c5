"""特定個人情報保護評価書(重点項目評価書) — generated from pia_excel/spec/data/juten.yaml by pia_excel.spec.codegen. Do not edit."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import ChangeRow, Count, Date, Line, PiaModel, Text, choice, ticks


class JutenCover(PiaModel):
    """表紙"""

    hyokasho_no: Count = Field(None, title="評価書番号")
    hyokasho_mei: Text = Field(None, title="評価書名")
    privacy_declaration: Text = Field(None, title="個人のプライバシー等の権利利益の保護の宣言")
    tokki_jiko: Text = Field(None, title="特記事項")
    hyoka_jisshi_kikan_mei: Text = Field(None, title="評価実施機関名")
    kohyo_bi: Date = Field(None, title="公表日")


class JutenISystems(PiaModel):
    """システムN (one of 20 slots)."""

    name: Text = Field(None, title="名称")
    system_name: Text = Field(None, title="①システムの名称")
    system_function: Text = Field(None, title="②システムの機能")
    other_system_connections: ticks(('情報提供ネットワークシステム', '庁内連携システム', '住民基本台帳ネットワークシステム', '既存住民基本台帳システム', '宛名システム等', '税務システム', 'その他')) = Field(default_factory=list, title="③他のシステムとの接続")


class JutenI(PiaModel):
    """Ⅰ　基本情報"""

    jimu_meisho: Text = Field(None, title="①事務の名称")
    jimu_naiyo: Text = Field(None, title="②事務の内容")
    taisho_ninzu: choice(('1,000人未満', '1,000人以上1万人未満', '1万人以上10万人未満', '10万人以上30万人未満')) = Field(None, title="③対象人数")
    systems: list[JutenISystems] = Field(default_factory=list, title="システム", max_length=20)
    I_3: Text = Field(None, title="3. 特定個人情報ファイル名")
    kojin_bango_riyo_konkyo: Text = Field(None, title="法令上の根拠")
    renkei_jisshi_umu: choice(('実施する', '実施しない', '未定')) = Field(None, title="①実施の有無")
    renkei_konkyo: Text = Field(None, title="②法令上の根拠")
    busho: Text = Field(None, title="①部署")
    shozokucho_yakushoku: Text = Field(None, title="②所属長の役職名")
    I_7: Text = Field(None, title="7. 他の評価実施機関")


class JutenIIItakuJiko(PiaModel):
    """委託事項N (one of 20 slots)."""

    name: Text = Field(None, title="名称")
    itaku_naiyo: Text = Field(None, title="①委託内容")
    itakusaki_toriatsukaisha_su: choice(('10人未満', '10人以上50人未満', '50人以上100人未満', '100人以上500人未満', '500人以上1,000人未満', '1,000人以上')) = Field(None, title="②委託先における取扱者数")
    itakusaki_mei: Text = Field(None, title="③委託先名")
    saiitaku_umu: choice(('再委託する', '再委託しない')) = Field(None, title="④再委託の有無　※")
    saiitaku_kyodaku_hoho: Text = Field(None, title="⑤再委託の許諾方法")
    saiitaku_jiko: Text = Field(None, title="⑥再委託事項")


class JutenIITeikyoSaki(PiaModel):
    """提供先N (one of 20 slots)."""

    name: Text = Field(None, title="名称")
    teikyo_konkyo: Text = Field(None, title="①法令上の根拠")
    teikyo_yoto: Text = Field(None, title="②提供先における用途")
    teikyo_joho: Text = Field(None, title="③提供する情報")
    teikyo_honnin_su: choice(('1万人未満', '1万人以上10万人未満', '10万人以上100万人未満', '100万人以上1,000万人未満', '1,000万人以上')) = Field(None, title="④提供する情報の対象となる本人の数")
    teikyo_honnin_hani: Text = Field(None, title="⑤提供する情報の対象となる本人の範囲")
    teikyo_hoho: ticks(('情報提供ネットワークシステム', '専用線', '電子メール', '電子記録媒体(フラッシュメモリを除く。)', 'フラッシュメモリ', '紙', 'その他')) = Field(default_factory=list, title="⑥提供方法")
    teikyo_jiki: Text = Field(None, title="⑦時期・頻度")


class JutenIIItenSaki(PiaModel):
    """移転先N (one of 20 slots)."""

    name: Text = Field(None, title="名称")
    iten_konkyo: Text = Field(None, title="①法令上の根拠")
    iten_yoto: Text = Field(None, title="②移転先における用途")
    iten_joho: Text = Field(None, title="③移転する情報")
    iten_honnin_su: choice(('1万人未満', '1万人以上10万人未満', '10万人以上100万人未満', '100万人以上1,000万人未満', '1,000万人以上')) = Field(None, title="④移転する情報の対象となる本人の数")
    iten_honnin_hani: Text = Field(None, title="⑤移転する情報の対象となる本人の範囲")
    iten_hoho: ticks(('庁内連携システム', '専用線', '電子メール', '電子記録媒体(フラッシュメモリを除く。)', 'フラッシュメモリ', '紙', 'その他')) = Field(default_factory=list, title="⑥移転方法")
    iten_jiki: Text = Field(None, title="⑦時期・頻度")


class JutenII(PiaModel):
    """Ⅱ　特定個人情報ファイルの概要"""

    II_1: Text = Field(None, title="1. 特定個人情報ファイル名")
    file_shurui: choice(('システム用ファイル', 'その他の電子ファイル(表計算ファイル等)')) = Field(None, title="①ファイルの種類　※")
    taisho_honnin_su: choice(('1万人未満', '1万人以上10万人未満', '10万人以上100万人未満', '100万人以上1,000万人未満', '1,000万人以上')) = Field(None, title="②対象となる本人の数")
    taisho_honnin_hani: Text = Field(None, title="③対象となる本人の範囲　※")
    taisho_honnin_hitsuyosei: Text = Field(None, title="その必要性")
    kiroku_komoku: choice(('10項目未満', '10項目以上50項目未満', '50項目以上100項目未満', '100項目以上')) = Field(None, title="④記録される項目")
    omona_kiroku_komoku: ticks(('個人番号', '個人番号対応符号', 'その他識別情報(内部番号)', '4情報(氏名、性別、生年月日、住所)', '連絡先(電話番号等)', 'その他住民票関係情報', '国税関係情報', '地方税関係情報', '健康・医療関係情報', '医療保険関係情報', '児童福祉・子育て関係情報', '障害者福祉関係情報', '生活保護・社会福祉関係情報', '介護・高齢者福祉関係情報', '雇用・労働関係情報', '年金関係情報', '学校・教育関係情報', '災害関係情報', 'その他')) = Field(default_factory=list, title="主な記録項目　※")
    kiroku_komoku_datosei: Text = Field(None, title="その妥当性")
    subete_no_kiroku_komoku: Text = Field(None, title="全ての記録項目")
    hoyu_kaishi_bi: Date = Field(None, title="⑤保有開始日")
    jimu_tanto_busho: Text = Field(None, title="⑥事務担当部署")
    nyushu_moto: ticks(('本人又は本人の代理人', '評価実施機関内の他部署', '行政機関・独立行政法人等', '地方公共団体・地方独立行政法人', '民間事業者', 'その他')) = Field(default_factory=list, title="①入手元　※")
    nyushu_hoho: ticks(('紙', '電子記録媒体(フラッシュメモリを除く。)', 'フラッシュメモリ', '電子メール', '専用線', '庁内連携システム', '情報提供ネットワークシステム', 'その他')) = Field(default_factory=list, title="②入手方法")
    shiyo_mokuteki: Text = Field(None, title="③使用目的　※")
    shiyo_busho: Text = Field(None, title="使用部署")
    shiyosha_su: choice(('10人未満', '10人以上50人未満', '50人以上100人未満', '100人以上500人未満', '500人以上1,000人未満', '1,000人以上')) = Field(None, title="使用者数")
    shiyo_hoho: Text = Field(None, title="⑤使用方法")
    joho_totsugo: Text = Field(None, title="情報の突合")
    shiyo_kaishi_bi: Date = Field(None, title="⑥使用開始日")
    itaku_umu: choice(('委託する', '委託しない')) = Field(None, title="委託の有無　※")
    itaku_umu_count: Count = Field(None, title="委託の有無（　）件")
    itaku_jiko: list[JutenIIItakuJiko] = Field(default_factory=list, title="委託事項", max_length=20)
    teikyo_iten_umu: ticks(('提供を行っている', '移転を行っている', '行っていない')) = Field(default_factory=list, title="提供・移転の有無")
    teikyo_saki: list[JutenIITeikyoSaki] = Field(default_factory=list, title="提供先", max_length=20)
    iten_saki: list[JutenIIItenSaki] = Field(default_factory=list, title="移転先", max_length=20)
    hokan_basho: Text = Field(None, title="保管場所　※")
    II_7: Text = Field(None, title="7. 備考")


class JutenAnnex1(PiaModel):
    """(別添1) 特定個人情報ファイル記録項目"""

    kiroku_komoku_list: list[Line] = Field(default_factory=list, title="(別添1) 特定個人情報ファイル記録項目")


class JutenIII(PiaModel):
    """Ⅲ　リスク対策"""

    III_1: Text = Field(None, title="1. 特定個人情報ファイル名")
    III_2_risk1_measures: Text = Field(None, title="リスクに対する措置の内容")
    III_2_risk1_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_2_other_risks: Text = Field(None, title="特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）におけるその他のリスク及びそのリスクに対する措置")
    III_3_risk1_measures: Text = Field(None, title="リスクに対する措置の内容")
    III_3_risk1_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    user_ninsho: choice(('行っている', '行っていない')) = Field(None, title="ユーザ認証の管理")
    user_ninsho_hoho: Text = Field(None, title="具体的な管理方法")
    III_3_risk2_other_measures: Text = Field(None, title="その他の措置の内容")
    III_3_risk2_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_3_other_risks: Text = Field(None, title="特定個人情報の使用におけるその他のリスク及びそのリスクに対する措置")
    III_4: ticks(('委託しない',)) = Field(default_factory=list, title="4. 特定個人情報ファイルの取扱いの委託")
    keiyakusho_kitei: choice(('定めている', '定めていない')) = Field(None, title="委託契約書中の特定個人情報ファイルの取扱いに関する規定")
    keiyakusho_kitei_naiyo: Text = Field(None, title="規定の内容")
    saiitakusaki_kakuho: choice(('特に力を入れて行っている', '十分に行っている', '十分に行っていない', '再委託していない')) = Field(None, title="再委託先による特定個人情報ファイルの適切な取扱いの担保")
    saiitakusaki_kakuho_hoho: Text = Field(None, title="具体的な方法")
    III_4_other_measures: Text = Field(None, title="その他の措置の内容")
    III_4_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_4_other_risks: Text = Field(None, title="特定個人情報ファイルの取扱いの委託におけるその他のリスク及びそのリスクに対する措置")
    III_5: ticks(('提供・移転しない',)) = Field(default_factory=list, title="5. 特定個人情報の提供・移転(委託や情報提供ネットワークシステムを通じた提供を除く。)")
    teikyo_iten_rule: choice(('定めている', '定めていない')) = Field(None, title="特定個人情報の提供・移転に関するルール")
    teikyo_iten_rule_naiyo: Text = Field(None, title="ルール内容及びルール遵守の確認方法")
    III_5_risk1_other_measures: Text = Field(None, title="その他の措置の内容")
    III_5_risk1_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_5_other_risks: Text = Field(None, title="特定個人情報の提供・移転(委託や情報提供ネットワークシステムを通じた提供を除く。)におけるその他のリスク及びそのリスクに対する措置")
    III_6: ticks(('接続しない(入手)', '接続しない(提供)')) = Field(default_factory=list, title="6. 情報提供ネットワークシステムとの接続")
    III_6_risk1_measures: Text = Field(None, title="リスクに対する措置の内容")
    III_6_risk1_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_6_risk2_measures: Text = Field(None, title="リスクに対する措置の内容")
    III_6_risk2_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_6_other_risks: Text = Field(None, title="情報提供ネットワークシステムとの接続に伴うその他のリスク及びそのリスクに対する措置")
    jiko_tejun: choice(('特に力を入れて行っている', '十分に行っている', '十分に行っていない')) = Field(None, title="①事故発生時手順の策定・周知")
    juudai_jiko: choice(('発生あり', '発生なし')) = Field(None, title="②過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか")
    juudai_jiko_naiyo: Text = Field(None, title="その内容")
    juudai_jiko_saihatsu: Text = Field(None, title="再発防止策の内容")
    III_7_risk1_other_measures: Text = Field(None, title="その他の措置の内容")
    III_7_risk1_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_7_other_risks: Text = Field(None, title="特定個人情報の保管・消去におけるその他のリスク及びそのリスクに対する措置")
    kansa_jisshi_umu: ticks(('自己点検', '内部監査', '外部監査')) = Field(default_factory=list, title="実施の有無")
    kyoiku_keihatsu: choice(('特に力を入れて行っている', '十分に行っている', '十分に行っていない')) = Field(None, title="従業者に対する教育・啓発")
    kyoiku_keihatsu_hoho: Text = Field(None, title="具体的な方法")
    III_10: Text = Field(None, title="10. その他のリスク対策")


class JutenIV(PiaModel):
    """Ⅳ　開示請求、問合せ"""

    seikyu_saki: Text = Field(None, title="①請求先")
    seikyu_hoho: Text = Field(None, title="②請求方法")
    horei_tokubetsu_tetsuzuki: Text = Field(None, title="③法令による特別の手続")
    filebo_fukisai: Text = Field(None, title="④個人情報ファイル簿への不記載等")
    toiawase_renrakusaki: Text = Field(None, title="①連絡先")
    toiawase_taio: Text = Field(None, title="②対応方法")


class JutenV(PiaModel):
    """Ⅴ　評価実施手続"""

    kiso_jisshi_bi: Date = Field(None, title="①実施日")
    shikiichi: choice(('基礎項目評価及び重点項目評価の実施が義務付けられる', '基礎項目評価の実施が義務付けられる(任意に重点項目評価を実施)', '特定個人情報保護評価の実施が義務付けられない(任意に重点項目評価を実施)')) = Field(None, title="②しきい値判断結果")
    iken_hoho: Text = Field(None, title="①方法")
    iken_kikan: Text = Field(None, title="②実施日・期間")
    iken_naiyo: Text = Field(None, title="③主な意見の内容")
    daisansha_jisshi_bi: Date = Field(None, title="①実施日")
    daisansha_hoho: Text = Field(None, title="②方法")
    daisansha_kekka: Text = Field(None, title="③結果")


class JutenAnnex2(PiaModel):
    """(別添2) 変更箇所"""

    henko_kasho: list[ChangeRow] = Field(default_factory=list, title="(別添2) 変更箇所")


class JutenFile(PiaModel):
    """The parts repeated for each 特定個人情報ファイル."""

    II: JutenII = Field(default_factory=JutenII, title="Ⅱ　特定個人情報ファイルの概要")
    annex1: JutenAnnex1 = Field(default_factory=JutenAnnex1, title="(別添1) 特定個人情報ファイル記録項目")
    III: JutenIII = Field(default_factory=JutenIII, title="Ⅲ　リスク対策")


class JutenDocument(PiaModel):
    """特定個人情報保護評価書(重点項目評価書)"""

    form: Literal["juten"] = "juten"
    edition: Literal['h30-05'] = "h30-05"
    cover: JutenCover = Field(default_factory=JutenCover, title="表紙")
    I: JutenI = Field(default_factory=JutenI, title="Ⅰ　基本情報")
    files: list[JutenFile] = Field(default_factory=lambda: [JutenFile()], min_length=1, title="特定個人情報ファイル")
    IV: JutenIV = Field(default_factory=JutenIV, title="Ⅳ　開示請求、問合せ")
    V: JutenV = Field(default_factory=JutenV, title="Ⅴ　評価実施手続")
    annex2: JutenAnnex2 = Field(default_factory=JutenAnnex2, title="(別添2) 変更箇所")
    invalid_values: dict[str, str] = Field(default_factory=dict, title="読み取れなかった値 (item path → cell text)")
    formulas: dict[str, str] = Field(default_factory=dict, title="数式のセル (cell path → formula; the value is the one computed)")
