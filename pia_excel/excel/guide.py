"""What the generated workbook says to the person filling it in: the 使い方 sheet and the input prompts.

The workbook must help on PCs without Python and with macros blocked, in Excel (Windows, Mac, web) and
LibreOffice alike: the 使い方 sheet comes first, every value cell shows an input prompt when selected (data
validation input messages, which both applications show), and hints meant for the screen stay out of the print
(column F of the form sheets, outside each sheet's print area).
"""
from __future__ import annotations

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from . import styles
from .layout import GUIDE_SHEET

#: (title ≤ 32 characters, message ≤ 255 characters) of the input prompt of each kind of value cell
PROMPTS: dict[str, tuple[str, str]] = {
    "text": ("記入欄", "内容を入力します。セル内の改行は Alt+Enter（Mac: control+option+return）。"
                      "長い文章も1つのセルに書けます。"),
    "choice": ("＜選択肢＞から選ぶ", "セル右の ▼ から選びます。右側の＜選択肢＞の一覧と同じ言葉だけが入力できます。"),
    "mark": ("チェック欄（○）", "該当する場合は ▼ から ○ を選びます（○ と入力しても構いません）。"
                            "該当しない場合は空欄のままにします。"),
    "other_detail": ("「その他」の内容", "「その他」に ○ を付けた場合は、ここに具体的な内容を書きます"
                                   "（○ がなければ空欄）。印刷すると（　）で囲まれます。"),
    "detail": ("（　）の内容", "左の選択肢に ○ を付けた場合に、（　）に入る内容を書きます（○ がなければ空欄）。"
                          "印刷すると（　）で囲まれます。"),
    "count": ("件数", "件数を数字だけで入力します（例：3）。印刷すると「（ 3 ）件」と表示されます。"),
    "option_count": ("件数", "左の選択肢に ○ を付けた場合に、件数を数字だけで入力します（例：3）。"
                           "印刷すると「（ 3 ）件」と表示されます。"),
    "date": ("日付（和暦）", "和暦で入力します。例：令和7年2月25日、令和元年5月1日。"
                        "月までの項目は 令和7年2月 のように書きます。"),
    "next_slot": ("空の枠", "この枠に書けば使えます。さらに枠が必要なときは、この枠の下に隠れた行を再表示します"
                          "（行番号をまたいで選び、右クリック →「再表示」。使い方 5.）"),
    "list_row": ("記録項目", "記録される項目を1行に1つずつ書きます（例：1. 個人番号）。"),
    "table_date": ("変更日（和暦）", "変更日を和暦で入力します。例：令和7年2月25日"),
    "table_item": ("項目", "変更した項目を評価書の番号付きで書きます。例：Ⅱ 特定個人情報ファイルの概要 4.委託の有無"),
    "table_before": ("変更前の記載", "変更前の記載を書きます。"),
    "table_after": ("変更後の記載", "変更後の記載を書きます。"),
    "table_timing": ("提出時期", "▼ から 事前 または 事後 を選びます。"),
    "table_explanation": ("提出時期に係る説明", "事後とした理由など、提出時期に係る説明を書きます。"),
}

#: the error message of the dropdown of each kind
ERRORS: dict[str, tuple[str, str]] = {
    "choice": ("選択肢にない値です", "＜選択肢＞にある言葉を ▼ から選んでください。"),
    "mark": ("○ 以外は入力できません", "該当する場合は ○ を選びます。該当しない場合は空欄にします。"),
    "count": ("件数は数字で入力します", "0以上の整数を入力してください（「件」は不要です）。"),
    "table_timing": ("提出時期は 事前 か 事後", "事前 または 事後 を選んでください。"),
}


def prompt_kind(role_kind: str, option_label: str | None = None) -> str:
    """The prompt of a detail cell depends on its option: 「その他」 asks for the concrete content."""
    if role_kind == "detail" and option_label and "その他" in option_label:
        return "other_detail"
    return role_kind


#: the 使い方 sheet, paragraph by paragraph: (heading or None, text)
GUIDE: list[tuple[str | None, str]] = [
    (None, "このブックは、特定個人情報保護評価書を記入するための様式です。Python やマクロがなくても、"
           "Excel（Windows・Mac・Web版）と LibreOffice で記入・確認・印刷できます。"),
    ("1. どこに書くか", "枠線のある白いセルだけが入力できます。項目名や＜選択肢＞の一覧は保護されていて変更できません"
                       "（シートの保護はパスワードなしです）。記入するセルを選ぶと、入力のしかたが小さな枠で表示されます。"
                       "シートは評価書の部ごとに分かれ、特定個人情報ファイルごとに Ⅱ（1）・Ⅲ（1）… のシートがあります。"),
    ("2. ＜選択肢＞から選ぶ項目", "セルを選ぶと右端に ▼ が出ます。▼ から選んでください。右側の＜選択肢＞は印刷される一覧です。"),
    ("3. ○ の付け方（チェック欄）", "該当する選択肢の左の小さな欄を選び、▼ から ○ を選びます（○ と入力しても構いません）。"
                                "該当しないものは空欄のままにします。「その他」などに ○ を付けたら、右の（　）の欄に内容を書きます。"
                                "（　）件 の欄には件数を数字だけで書きます。"),
    ("4. 日付と件数", "日付は和暦で書きます（令和7年2月25日、令和元年5月1日 のように）。件数は数字だけを書きます。"
                     "「（ 3 ）件」のような表示は自動で付きます。"),
    ("5. 枠を増やす（システム・委託事項・提供先・移転先など）",
     "記入済みの枠の次に、空の枠が1つ表示されています（例：委託事項1 を書いたブックには 委託事項2 の枠）。"
     "そこに書けば2つ目の委託事項などになります。さらに枠が必要なときは、その下に隠れている行を表示します："
     "空の枠の最後の行と次に見えている行の行番号をまたいで選び、右クリック →「再表示」（LibreOffice では"
     "「表示」）。シートの保護はそのままで操作できます。空の枠も印刷されるので、公表用には空の枠を隠すか"
     "pia-excel pdf で印刷します。"
     "各枠は20まであります。"),
    ("6. 画面だけの説明", "F列の説明（日付の書き方など）は画面用で、印刷されません。各シートの印刷範囲は A〜E 列です。"),
    ("7. 印刷", "ファイル → 印刷 でそのまま印刷できます（A4縦、横幅1ページ）。長い文章のセルは行の高さを文字量に合わせてあります。"
               "文章を書き足して切れて見えるときは、行番号の境目をダブルクリックするか、行の高さを広げてください。"),
    ("8. チェック シート", "「チェック」シートは、入力と同時に再計算される点検の一覧です（Python もマクロも不要）。"
                         "「その他」に○があるのに内容がない、同時に○を付けられない選択肢に○がある、作成者向けの印"
                         "（【要確認】など）が残っている、などを数え、該当するセルを赤（エラー）・黄（警告）で示します。"
                         "件数の横の「最初のセルへ移動」で該当セルへ移動できます。"),
    ("9. 全体の点検", "すべての規則での点検は、Python の使えるパソコンで pia-excel validate ブック名 を実行するか"
                    "（結果はセル番地つきで表示されます）、マクロ有効ブック（.xlsm）の「表紙」シートにある［検証］ボタンを"
                    "押します（マクロが許可されている場合）。ボタンの結果は「検証結果」シートに出ます。"
                    "どちらも使えないパソコンでは、点検を担当する1台でまとめて pia-excel validate を実行してください。"),
]


CHECK_NOTE = ("このブックの中で計算できる点検の結果です。件数が 0 でない行は、該当するセルが赤（エラー）または黄（警告）で"
              "表示されています。「最初のセルへ移動」をクリックするとそのセルへ移動します。ここにない規則（必須項目、件数と"
              "記入した枠の数、日付の前後など）は pia-excel validate（または .xlsm の［検証］ボタン）で点検します。")


def add_guide_sheet(wb, index: int = 0) -> Worksheet:
    """The 使い方 sheet (first in the workbook): wrapped paragraphs in one wide column, locked."""
    ws = wb.create_sheet(GUIDE_SHEET, index=index)
    width = styles.PRINT_WIDTH_UNITS
    ws.column_dimensions["A"].width = width
    head, body = styles.BOLD, styles.FONT
    c = ws.cell(row=1, column=1, value="このブックの使い方")
    c.font = Font(name=styles.FONT_NAME, size=14, bold=True)
    ws.row_dimensions[1].height = 24
    r = 3
    for heading, text in GUIDE:
        if heading:
            c = ws.cell(row=r, column=1, value=heading)
            c.font = head
            r += 1
        c = ws.cell(row=r, column=1, value=text)
        c.font, c.alignment = body, styles.WRAP
        ws.row_dimensions[r].height = styles.row_height(styles.lines_needed(text, width))
        r += 2
    ws.protection.sheet = True
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.sheet_view.showGridLines = False
    return ws
