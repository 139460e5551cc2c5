"""特定個人情報保護評価書（全項目評価書） — generated from pia_excel/spec/data/zenkomoku.yaml by pia_excel.spec.codegen. Do not edit."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import ChangeRow, Count, Date, Line, PiaModel, Text, choice, ticks


class ZenkomokuCover(PiaModel):
    """表紙"""

    hyokasho_no: Count = Field(None, title="評価書番号")
    hyokasho_mei: Text = Field(None, title="評価書名")
    privacy_declaration: Text = Field(None, title="個人のプライバシー等の権利利益の保護の宣言")
    tokki_jiko: Text = Field(None, title="特記事項")
    hyoka_jisshi_kikan_mei: Text = Field(None, title="評価実施機関名")
    ppc_shonin_bi: Date = Field(None, title="個人情報保護委員会　承認日　【行政機関等のみ】")
    kohyo_bi: Date = Field(None, title="公表日")


class ZenkomokuISystems(PiaModel):
    """システムN (one of 20 slots)."""

    name: Text = Field(None, title="名称")
    system_name: Text = Field(None, title="①システムの名称")
    system_function: Text = Field(None, title="②システムの機能")
    other_system_connections: ticks(('情報提供ネットワークシステム', '庁内連携システム', '住民基本台帳ネットワークシステム', '既存住民基本台帳システム', '宛名システム等', '税務システム', 'その他')) = Field(default_factory=list, title="③他のシステムとの接続")


class ZenkomokuI(PiaModel):
    """Ⅰ　基本情報"""

    jimu_meisho: Text = Field(None, title="①事務の名称")
    jimu_naiyo: Text = Field(None, title="②事務の内容　※")
    taisho_ninzu: choice(('1,000人未満', '1,000人以上1万人未満', '1万人以上10万人未満', '10万人以上30万人未満', '30万人以上')) = Field(None, title="③対象人数")
    systems: list[ZenkomokuISystems] = Field(default_factory=list, title="システム", max_length=20)
    I_3: Text = Field(None, title="３．特定個人情報ファイル名")
    jimu_jisshi_hitsuyosei: Text = Field(None, title="①事務実施上の必要性")
    merit: Text = Field(None, title="②実現が期待されるメリット")
    kojin_bango_riyo_konkyo: Text = Field(None, title="法令上の根拠")
    renkei_jisshi_umu: choice(('実施する', '実施しない', '未定')) = Field(None, title="①実施の有無")
    renkei_konkyo: Text = Field(None, title="②法令上の根拠")
    busho: Text = Field(None, title="①部署")
    shozokucho_yakushoku: Text = Field(None, title="②所属長の役職名")
    I_8: Text = Field(None, title="８．他の評価実施機関")


class ZenkomokuAnnex1(PiaModel):
    """（別添１） 事務の内容"""

    jimu_naiyo_figure: Text = Field(None, title="（別添１） 事務の内容")
    jimu_naiyo_biko: Text = Field(None, title="（備考）")


class ZenkomokuIIItakuJiko(PiaModel):
    """委託事項N (one of 20 slots)."""

    name: Text = Field(None, title="名称")
    itaku_naiyo: Text = Field(None, title="①委託内容")
    itaku_hani: choice(('特定個人情報ファイルの全体', '特定個人情報ファイルの一部')) = Field(None, title="②取扱いを委託する特定個人情報ファイルの範囲")
    itaku_taisho_honnin_su: choice(('1万人未満', '1万人以上10万人未満', '10万人以上100万人未満', '100万人以上1,000万人未満', '1,000万人以上')) = Field(None, title="対象となる本人の数")
    itaku_taisho_honnin_hani: Text = Field(None, title="対象となる本人の範囲　※")
    itaku_hani_datosei: Text = Field(None, title="その妥当性")
    itakusaki_toriatsukaisha_su: choice(('10人未満', '10人以上50人未満', '50人以上100人未満', '100人以上500人未満', '500人以上1,000人未満', '1,000人以上')) = Field(None, title="③委託先における取扱者数")
    itakusaki_teikyo_hoho: ticks(('専用線', '電子メール', '電子記録媒体（フラッシュメモリを除く。）', 'フラッシュメモリ', '紙', 'その他')) = Field(default_factory=list, title="④委託先への特定個人情報ファイルの提供方法")
    itakusaki_mei_kakunin_hoho: Text = Field(None, title="⑤委託先名の確認方法")
    itakusaki_mei: Text = Field(None, title="⑥委託先名")
    saiitaku_umu: choice(('再委託する', '再委託しない')) = Field(None, title="⑦再委託の有無　※")
    saiitaku_kyodaku_hoho: Text = Field(None, title="⑧再委託の許諾方法")
    saiitaku_jiko: Text = Field(None, title="⑨再委託事項")


class ZenkomokuIITeikyoSaki(PiaModel):
    """提供先N (one of 20 slots)."""

    name: Text = Field(None, title="名称")
    teikyo_konkyo: Text = Field(None, title="①法令上の根拠")
    teikyo_yoto: Text = Field(None, title="②提供先における用途")
    teikyo_joho: Text = Field(None, title="③提供する情報")
    teikyo_honnin_su: choice(('1万人未満', '1万人以上10万人未満', '10万人以上100万人未満', '100万人以上1,000万人未満', '1,000万人以上')) = Field(None, title="④提供する情報の対象となる本人の数")
    teikyo_honnin_hani: Text = Field(None, title="⑤提供する情報の対象となる本人の範囲")
    teikyo_hoho: ticks(('情報提供ネットワークシステム', '専用線', '電子メール', '電子記録媒体（フラッシュメモリを除く。）', 'フラッシュメモリ', '紙', 'その他')) = Field(default_factory=list, title="⑥提供方法")
    teikyo_jiki: Text = Field(None, title="⑦時期・頻度")


class ZenkomokuIIItenSaki(PiaModel):
    """移転先N (one of 20 slots)."""

    name: Text = Field(None, title="名称")
    iten_konkyo: Text = Field(None, title="①法令上の根拠")
    iten_yoto: Text = Field(None, title="②移転先における用途")
    iten_joho: Text = Field(None, title="③移転する情報")
    iten_honnin_su: choice(('1万人未満', '1万人以上10万人未満', '10万人以上100万人未満', '100万人以上1,000万人未満', '1,000万人以上')) = Field(None, title="④移転する情報の対象となる本人の数")
    iten_honnin_hani: Text = Field(None, title="⑤移転する情報の対象となる本人の範囲")
    iten_hoho: ticks(('庁内連携システム', '専用線', '電子メール', '電子記録媒体（フラッシュメモリを除く。）', 'フラッシュメモリ', '紙', 'その他')) = Field(default_factory=list, title="⑥移転方法")
    iten_jiki: Text = Field(None, title="⑦時期・頻度")


class ZenkomokuII(PiaModel):
    """Ⅱ　特定個人情報ファイルの概要"""

    II_1: Text = Field(None, title="１．特定個人情報ファイル名")
    file_shurui: choice(('システム用ファイル', 'その他の電子ファイル（表計算ファイル等）')) = Field(None, title="①ファイルの種類　※")
    taisho_honnin_su: choice(('1万人未満', '1万人以上10万人未満', '10万人以上100万人未満', '100万人以上1,000万人未満', '1,000万人以上')) = Field(None, title="②対象となる本人の数")
    taisho_honnin_hani: Text = Field(None, title="③対象となる本人の範囲　※")
    taisho_honnin_hitsuyosei: Text = Field(None, title="その必要性")
    kiroku_komoku: choice(('10項目未満', '10項目以上50項目未満', '50項目以上100項目未満', '100項目以上')) = Field(None, title="④記録される項目")
    omona_kiroku_komoku: ticks(('個人番号', '個人番号対応符号', 'その他識別情報（内部番号）', '5情報（氏名、氏名の振り仮名、性別、生年月日、住所）', '4情報（氏名、性別、生年月日、住所）', '連絡先（電話番号等）', 'その他住民票関係情報', '国税関係情報', '地方税関係情報', '健康・医療関係情報', '医療保険関係情報', '児童福祉・子育て関係情報', '障害者福祉関係情報', '生活保護・社会福祉関係情報', '介護・高齢者福祉関係情報', '雇用・労働関係情報', '年金関係情報', '学校・教育関係情報', '災害関係情報', 'その他')) = Field(default_factory=list, title="主な記録項目　※")
    kiroku_komoku_datosei: Text = Field(None, title="その妥当性")
    subete_no_kiroku_komoku: Text = Field(None, title="全ての記録項目")
    hoyu_kaishi_bi: Date = Field(None, title="⑤保有開始日")
    jimu_tanto_busho: Text = Field(None, title="⑥事務担当部署")
    nyushu_moto: ticks(('本人又は本人の代理人', '評価実施機関内の他部署', '行政機関・独立行政法人等', '地方公共団体・地方独立行政法人', '民間事業者', 'その他')) = Field(default_factory=list, title="①入手元　※")
    nyushu_hoho: ticks(('紙', '電子記録媒体（フラッシュメモリを除く。）', 'フラッシュメモリ', '電子メール', '専用線', '庁内連携システム', '情報提供ネットワークシステム', 'その他')) = Field(default_factory=list, title="②入手方法")
    nyushu_jiki: Text = Field(None, title="③入手の時期・頻度")
    nyushu_datosei: Text = Field(None, title="④入手に係る妥当性")
    honnin_meiji: Text = Field(None, title="⑤本人への明示")
    shiyo_mokuteki: Text = Field(None, title="⑥使用目的　※")
    henko_datosei: Text = Field(None, title="変更の妥当性")
    shiyo_busho: Text = Field(None, title="使用部署　※")
    shiyosha_su: choice(('10人未満', '10人以上50人未満', '50人以上100人未満', '100人以上500人未満', '500人以上1,000人未満', '1,000人以上')) = Field(None, title="使用者数")
    shiyo_hoho: Text = Field(None, title="⑧使用方法　※")
    joho_totsugo: Text = Field(None, title="情報の突合　※")
    joho_tokei_bunseki: Text = Field(None, title="情報の統計分析　※")
    kenri_rieki_kettei: Text = Field(None, title="権利利益に影響を与え得る決定　※")
    shiyo_kaishi_bi: Date = Field(None, title="⑨使用開始日")
    itaku_umu: choice(('委託する', '委託しない')) = Field(None, title="委託の有無　※")
    itaku_umu_count: Count = Field(None, title="委託の有無（　）件")
    itaku_jiko: list[ZenkomokuIIItakuJiko] = Field(default_factory=list, title="委託事項", max_length=20)
    teikyo_iten_umu: ticks(('提供を行っている', '移転を行っている', '行っていない')) = Field(default_factory=list, title="提供・移転の有無")
    teikyo_saki: list[ZenkomokuIITeikyoSaki] = Field(default_factory=list, title="提供先", max_length=20)
    iten_saki: list[ZenkomokuIIItenSaki] = Field(default_factory=list, title="移転先", max_length=20)
    hokan_basho: Text = Field(None, title="①保管場所　※")
    hokan_kikan_kikan: choice(('1年未満', '1年', '2年', '3年', '4年', '5年', '6年以上10年未満', '10年以上20年未満', '20年以上', '定められていない')) = Field(None, title="期間")
    hokan_kikan_datosei: Text = Field(None, title="その妥当性")
    shokyo_hoho: Text = Field(None, title="③消去方法")
    II_7: Text = Field(None, title="７．備考")


class ZenkomokuAnnex2(PiaModel):
    """（別添２） 特定個人情報ファイル記録項目"""

    kiroku_komoku_list: list[Line] = Field(default_factory=list, title="（別添２） 特定個人情報ファイル記録項目")


class ZenkomokuIII(PiaModel):
    """Ⅲ　特定個人情報ファイルの取扱いプロセスにおけるリスク対策"""

    III_1: Text = Field(None, title="１．特定個人情報ファイル名")
    III_2_risk1_taishoshaigai: Text = Field(None, title="対象者以外の情報の入手を防止するための措置の内容")
    III_2_risk1_hitsuyoigai: Text = Field(None, title="必要な情報以外を入手することを防止するための措置の内容")
    III_2_risk1_other_measures: Text = Field(None, title="その他の措置の内容")
    III_2_risk1_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_2_risk2_measures: Text = Field(None, title="リスクに対する措置の内容")
    III_2_risk2_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_2_risk3_honnin_kakunin: Text = Field(None, title="入手の際の本人確認の措置の内容")
    III_2_risk3_shinseisei: Text = Field(None, title="個人番号の真正性確認の措置の内容")
    III_2_risk3_seikakusei: Text = Field(None, title="特定個人情報の正確性確保の措置の内容")
    III_2_risk3_other_measures: Text = Field(None, title="その他の措置の内容")
    III_2_risk3_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_2_risk4_measures: Text = Field(None, title="リスクに対する措置の内容")
    III_2_risk4_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_2_other_risks: Text = Field(None, title="特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）におけるその他のリスク及びそのリスクに対する措置")
    III_3_risk1_atena: Text = Field(None, title="宛名システム等における措置の内容")
    III_3_risk1_other_systems: Text = Field(None, title="事務で使用するその他のシステムにおける措置の内容")
    III_3_risk1_other_measures: Text = Field(None, title="その他の措置の内容")
    III_3_risk1_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    user_ninsho: choice(('行っている', '行っていない')) = Field(None, title="ユーザ認証の管理")
    user_ninsho_hoho: Text = Field(None, title="具体的な管理方法")
    access_hakko_shikko: choice(('行っている', '行っていない')) = Field(None, title="アクセス権限の発効・失効の管理")
    access_hakko_shikko_hoho: Text = Field(None, title="具体的な管理方法")
    access_kanri: choice(('行っている', '行っていない')) = Field(None, title="アクセス権限の管理")
    access_kanri_hoho: Text = Field(None, title="具体的な管理方法")
    shiyo_kiroku: choice(('記録を残している', '記録を残していない')) = Field(None, title="特定個人情報の使用の記録")
    shiyo_kiroku_hoho: Text = Field(None, title="具体的な方法")
    III_3_risk2_other_measures: Text = Field(None, title="その他の措置の内容")
    III_3_risk2_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_3_risk3_measures: Text = Field(None, title="リスクに対する措置の内容")
    III_3_risk3_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_3_risk4_measures: Text = Field(None, title="リスクに対する措置の内容")
    III_3_risk4_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_3_other_risks: Text = Field(None, title="特定個人情報の使用におけるその他のリスク及びそのリスクに対する措置")
    III_4: ticks(('委託しない',)) = Field(default_factory=list, title="４．特定個人情報ファイルの取扱いの委託")
    joho_hogo_kanri_taisei: Text = Field(None, title="情報保護管理体制の確認")
    etsuran_koshin_seigen: choice(('制限している', '制限していない')) = Field(None, title="特定個人情報ファイルの閲覧者・更新者の制限")
    etsuran_koshin_seigen_hoho: Text = Field(None, title="具体的な制限方法")
    toriatsukai_kiroku: choice(('記録を残している', '記録を残していない')) = Field(None, title="特定個人情報ファイルの取扱いの記録")
    toriatsukai_kiroku_hoho: Text = Field(None, title="具体的な方法")
    teikyo_rule: choice(('定めている', '定めていない')) = Field(None, title="特定個人情報の提供ルール")
    teikyo_rule_tasha: Text = Field(None, title="委託先から他者への提供に関するルールの内容及びルール遵守の確認方法")
    teikyo_rule_itakumoto_saki: Text = Field(None, title="委託元と委託先間の提供に関するルールの内容及びルール遵守の確認方法")
    shokyo_rule: choice(('定めている', '定めていない')) = Field(None, title="特定個人情報の消去ルール")
    shokyo_rule_naiyo: Text = Field(None, title="ルールの内容及びルール遵守の確認方法")
    keiyakusho_kitei: choice(('定めている', '定めていない')) = Field(None, title="委託契約書中の特定個人情報ファイルの取扱いに関する規定")
    keiyakusho_kitei_naiyo: Text = Field(None, title="規定の内容")
    saiitakusaki_kakuho: choice(('特に力を入れて行っている', '十分に行っている', '十分に行っていない', '再委託していない')) = Field(None, title="再委託先による特定個人情報ファイルの適切な取扱いの確保")
    saiitakusaki_kakuho_hoho: Text = Field(None, title="具体的な方法")
    III_4_other_measures: Text = Field(None, title="その他の措置の内容")
    III_4_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_4_other_risks: Text = Field(None, title="特定個人情報ファイルの取扱いの委託におけるその他のリスク及びそのリスクに対する措置")
    III_5: ticks(('提供・移転しない',)) = Field(default_factory=list, title="５．特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。）")
    teikyo_iten_kiroku: choice(('記録を残している', '記録を残していない')) = Field(None, title="特定個人情報の提供・移転の記録")
    teikyo_iten_kiroku_hoho: Text = Field(None, title="具体的な方法")
    teikyo_iten_rule: choice(('定めている', '定めていない')) = Field(None, title="特定個人情報の提供・移転に関するルール")
    teikyo_iten_rule_naiyo: Text = Field(None, title="ルールの内容及びルール遵守の確認方法")
    III_5_risk1_other_measures: Text = Field(None, title="その他の措置の内容")
    III_5_risk1_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_5_risk2_measures: Text = Field(None, title="リスクに対する措置の内容")
    III_5_risk2_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_5_risk3_measures: Text = Field(None, title="リスクに対する措置の内容")
    III_5_risk3_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_5_other_risks: Text = Field(None, title="特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。）におけるその他のリスク及びそのリスクに対する措置")
    III_6: ticks(('接続しない（入手）', '接続しない（提供）')) = Field(default_factory=list, title="６．情報提供ネットワークシステムとの接続")
    III_6_risk1_measures: Text = Field(None, title="リスクに対する措置の内容")
    III_6_risk1_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_6_risk2_measures: Text = Field(None, title="リスクに対する措置の内容")
    III_6_risk2_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_6_risk3_measures: Text = Field(None, title="リスクに対する措置の内容")
    III_6_risk3_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_6_risk4_measures: Text = Field(None, title="リスクに対する措置の内容")
    III_6_risk4_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_6_risk5_measures: Text = Field(None, title="リスクに対する措置の内容")
    III_6_risk5_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_6_risk6_measures: Text = Field(None, title="リスクに対する措置の内容")
    III_6_risk6_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_6_risk7_measures: Text = Field(None, title="リスクに対する措置の内容")
    III_6_risk7_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_6_other_risks: Text = Field(None, title="情報提供ネットワークシステムとの接続に伴うその他のリスク及びそのリスクに対する措置")
    nisc: choice(('特に力を入れて遵守している', '十分に遵守している', '十分に遵守していない', '政府機関ではない')) = Field(None, title="①NISC政府機関統一基準群")
    anzen_kanri_taisei: choice(('特に力を入れて整備している', '十分に整備している', '十分に整備していない')) = Field(None, title="②安全管理体制")
    anzen_kanri_kitei: choice(('特に力を入れて整備している', '十分に整備している', '十分に整備していない')) = Field(None, title="③安全管理規程")
    shokuin_shuchi: choice(('特に力を入れて周知している', '十分に周知している', '十分に周知していない')) = Field(None, title="④安全管理体制・規程の職員への周知")
    butsuriteki: choice(('特に力を入れて行っている', '十分に行っている', '十分に行っていない')) = Field(None, title="⑤物理的対策")
    butsuriteki_naiyo: Text = Field(None, title="具体的な対策の内容")
    gijutsuteki: choice(('特に力を入れて行っている', '十分に行っている', '十分に行っていない')) = Field(None, title="⑥技術的対策")
    gijutsuteki_naiyo: Text = Field(None, title="具体的な対策の内容")
    backup: choice(('特に力を入れて行っている', '十分に行っている', '十分に行っていない')) = Field(None, title="⑦バックアップ")
    jiko_tejun: choice(('特に力を入れて行っている', '十分に行っている', '十分に行っていない')) = Field(None, title="⑧事故発生時手順の策定・周知")
    juudai_jiko: choice(('発生あり', '発生なし')) = Field(None, title="⑨過去３年以内に、評価実施機関において、個人情報に関する重大事故が発生したか")
    juudai_jiko_naiyo: Text = Field(None, title="その内容")
    juudai_jiko_saihatsu: Text = Field(None, title="再発防止策の内容")
    shisha_kojin_bango: choice(('保管している', '保管していない')) = Field(None, title="⑩死者の個人番号")
    shisha_hokan_hoho: Text = Field(None, title="具体的な保管方法")
    III_7_risk1_other_measures: Text = Field(None, title="その他の措置の内容")
    III_7_risk1_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_7_risk2_measures: Text = Field(None, title="リスクに対する措置の内容")
    III_7_risk2_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    shokyo_tejun: choice(('定めている', '定めていない')) = Field(None, title="消去手順")
    shokyo_tejun_naiyo: Text = Field(None, title="手順の内容")
    III_7_risk3_other_measures: Text = Field(None, title="その他の措置の内容")
    III_7_risk3_sufficient: choice(('特に力を入れている', '十分である', '課題が残されている')) = Field(None, title="リスクへの対策は十分か")
    III_7_other_risks: Text = Field(None, title="特定個人情報の保管・消去におけるその他のリスク及びそのリスクに対する措置")


class ZenkomokuIV(PiaModel):
    """Ⅳ　その他のリスク対策"""

    jiko_tenken: choice(('特に力を入れて行っている', '十分に行っている', '十分に行っていない')) = Field(None, title="①自己点検")
    jiko_tenken_hoho: Text = Field(None, title="具体的なチェック方法")
    kansa: choice(('特に力を入れて行っている', '十分に行っている', '十分に行っていない')) = Field(None, title="②監査")
    kansa_naiyo: Text = Field(None, title="具体的な内容")
    kyoiku_keihatsu: choice(('特に力を入れて行っている', '十分に行っている', '十分に行っていない')) = Field(None, title="従業者に対する教育・啓発")
    kyoiku_keihatsu_hoho: Text = Field(None, title="具体的な方法")
    IV_3: Text = Field(None, title="３．その他のリスク対策")


class ZenkomokuV(PiaModel):
    """Ⅴ　開示請求、問合せ"""

    seikyu_saki: Text = Field(None, title="①請求先")
    seikyu_hoho: Text = Field(None, title="②請求方法")
    seikyu_tokki: Text = Field(None, title="特記事項")
    tesuryo: choice(('有料', '無料')) = Field(None, title="③手数料等")
    tesuryo_detail: Text = Field(None, title="手数料額、納付方法")
    filebo_kohyo: choice(('行っている', '行っていない')) = Field(None, title="④個人情報ファイル簿の公表")
    filebo_file_mei: Text = Field(None, title="個人情報ファイル名")
    filebo_kohyo_basho: Text = Field(None, title="公表場所")
    horei_tokubetsu_tetsuzuki: Text = Field(None, title="⑤法令による特別の手続")
    filebo_fukisai: Text = Field(None, title="⑥個人情報ファイル簿への不記載等")
    toiawase_renrakusaki: Text = Field(None, title="①連絡先")
    toiawase_taio: Text = Field(None, title="②対応方法")


class ZenkomokuVI(PiaModel):
    """Ⅵ　評価実施手続"""

    kiso_jisshi_bi: Date = Field(None, title="①実施日")
    shikiichi: choice(('基礎項目評価及び全項目評価の実施が義務付けられる', '基礎項目評価及び重点項目評価の実施が義務付けられる（任意に全項目評価を実施）', '基礎項目評価の実施が義務付けられる（任意に全項目評価を実施）', '特定個人情報保護評価の実施が義務付けられない（任意に全項目評価を実施）')) = Field(None, title="②しきい値判断結果")
    iken_hoho: Text = Field(None, title="①方法")
    iken_kikan: Text = Field(None, title="②実施日・期間")
    iken_tanshuku_riyu: Text = Field(None, title="③期間を短縮する特段の理由")
    iken_naiyo: Text = Field(None, title="④主な意見の内容")
    iken_hanei: Text = Field(None, title="⑤評価書への反映")
    daisansha_jisshi_bi: Date = Field(None, title="①実施日")
    daisansha_hoho: Text = Field(None, title="②方法")
    daisansha_kekka: Text = Field(None, title="③結果")
    ppc_teishutsu_bi: Date = Field(None, title="①提出日")
    ppc_shinsa: Text = Field(None, title="②個人情報保護委員会による審査")


class ZenkomokuAnnex3(PiaModel):
    """（別添３）変更箇所"""

    henko_kasho: list[ChangeRow] = Field(default_factory=list, title="（別添３）変更箇所")


class ZenkomokuFile(PiaModel):
    """The parts repeated for each 特定個人情報ファイル."""

    II: ZenkomokuII = Field(default_factory=ZenkomokuII, title="Ⅱ　特定個人情報ファイルの概要")
    annex2: ZenkomokuAnnex2 = Field(default_factory=ZenkomokuAnnex2, title="（別添２） 特定個人情報ファイル記録項目")
    III: ZenkomokuIII = Field(default_factory=ZenkomokuIII, title="Ⅲ　特定個人情報ファイルの取扱いプロセスにおけるリスク対策")


class ZenkomokuDocument(PiaModel):
    """特定個人情報保護評価書（全項目評価書）"""

    form: Literal["zenkomoku"] = "zenkomoku"
    edition: Literal['r7-05', 'h30-05'] = "r7-05"
    cover: ZenkomokuCover = Field(default_factory=ZenkomokuCover, title="表紙")
    I: ZenkomokuI = Field(default_factory=ZenkomokuI, title="Ⅰ　基本情報")
    annex1: ZenkomokuAnnex1 = Field(default_factory=ZenkomokuAnnex1, title="（別添１） 事務の内容")
    files: list[ZenkomokuFile] = Field(default_factory=lambda: [ZenkomokuFile()], min_length=1, title="特定個人情報ファイル")
    IV: ZenkomokuIV = Field(default_factory=ZenkomokuIV, title="Ⅳ　その他のリスク対策")
    V: ZenkomokuV = Field(default_factory=ZenkomokuV, title="Ⅴ　開示請求、問合せ")
    VI: ZenkomokuVI = Field(default_factory=ZenkomokuVI, title="Ⅵ　評価実施手続")
    annex3: ZenkomokuAnnex3 = Field(default_factory=ZenkomokuAnnex3, title="（別添３）変更箇所")
    invalid_values: dict[str, str] = Field(default_factory=dict, title="読み取れなかった値 (item path → cell text)")
    formulas: dict[str, str] = Field(default_factory=dict, title="数式のセル (cell path → formula; the value is the one computed)")
