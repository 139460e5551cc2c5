#!/usr/bin/env bash
# The main job on the bundled sample workbooks (samples/*.xlsx, transcribed from real published 評価書):
# read, validate, diff into 変更箇所, publish, export, print. Everything goes to out/demo/.
# Run through `make demo`, which sets the machine up first.
set -euo pipefail
cd "$(dirname "$0")/.."
PIA="${PIA:-.venv/bin/pia-excel}"
OUT=out/demo
rm -rf "$OUT"
mkdir -p "$OUT"/json "$OUT"/検証 "$OUT"/pdf

step() { printf '\n== %s\n' "$*"; }
# validate exits 1 when it finds errors (the samples have real ones); only 2 (unreadable input) is a failure here
validate() { "$PIA" validate "$@" || [ $? -eq 1 ]; }

step "1. ブック → JSON / YAML（読込）"
"$PIA" convert samples -o "$OUT/json" --to json
"$PIA" convert samples/kushiro_shuno_juten.xlsx -o "$OUT/json/kushiro_shuno_juten.yaml"

step "2. 検証（セル番地つきの報告、検証結果シートを加えたブック、一覧表）"
validate samples --report-xlsx "$OUT/検証" --summary "$OUT/検証/一覧.csv" --today 2025-12-01

step "3. 変更箇所: 所属長の役職名と法令上の根拠を変えた新しい版と比べる"
sed -e 's/^\(\s*shozokucho_yakushoku:\) 収納管理監$/\1 納税課長/' \
    -e 's/口座登録法第9条/公金受取口座登録法第9条/' \
    "$OUT/json/kushiro_shuno_juten.yaml" > "$OUT/kushiro_v2.yaml"
"$PIA" convert "$OUT/kushiro_v2.yaml" -o "$OUT/kushiro_v2.xlsx"
"$PIA" changelog samples/kushiro_shuno_juten.xlsx "$OUT/kushiro_v2.xlsx" --date 令和8年4月1日 --format text
"$PIA" changelog samples/kushiro_shuno_juten.xlsx "$OUT/kushiro_v2.xlsx" --date 令和8年4月1日 \
    -o "$OUT/kushiro_v2_変更箇所.xlsx"

step "4. 公表版として確定 → 編集 → 前回公表時との変更箇所（Excelのボタンと同じ処理）"
cp samples/kushiro_shuno_juten.xlsx "$OUT/kushiro_公表版.xlsx"
"$PIA" publish "$OUT/kushiro_公表版.xlsx" --date 令和7年2月25日
"$PIA" changelog "$OUT/kushiro_公表版.xlsx" --date 令和8年4月1日 --format text
# what a member of staff does in Excel: overwrite ②所属長の役職名 (the cell is found by its defined name)
"${PYTHON:-.venv/bin/python}" - "$OUT/kushiro_公表版.xlsx" <<'PY'
import sys
from openpyxl import load_workbook
wb = load_workbook(sys.argv[1])
sheet, ref = next(iter(wb.defined_names["pia.I.shozokucho_yakushoku"].destinations))
wb[sheet][ref.replace("$", "")] = "納税課長"
wb.save(sys.argv[1])
PY
"$PIA" changelog "$OUT/kushiro_公表版.xlsx" --date 令和8年4月1日 --in-place
"$PIA" changelog "$OUT/kushiro_公表版.xlsx" --date 令和8年4月1日 --in-place  # twice: no duplicate rows

step "5. 一覧表（1ブック1行、1ファイル1行）"
"$PIA" export samples -o "$OUT/一覧.xlsx"

step "6. 公表用PDF（LibreOffice）"
"$PIA" pdf samples -o "$OUT/pdf"

step "7. 空の様式（.xlsx と ボタン付きの .xlsm）"
"$PIA" new --form juten -o "$OUT/重点項目評価書_様式.xlsx"
"$PIA" new --form zenkomoku --files 3 -o "$OUT/全項目評価書_様式.xlsm"

printf '\n結果: %s/\n' "$OUT"
find "$OUT" -type f | sort
