#!/usr/bin/env bash
# The main job on the bundled sample workbooks (samples/*.xlsx, transcribed from real published 評価書).
# Writes everything under out/demo/. Run through `make demo`, which sets the machine up first.
set -euo pipefail
cd "$(dirname "$0")/.."
PIA="${PIA:-.venv/bin/pia-excel}"
OUT=out/demo
rm -rf "$OUT"
mkdir -p "$OUT"

echo "== 1. ブック → JSON / YAML（読込）"
for f in samples/*.xlsx; do
    name=$(basename "$f" .xlsx)
    "$PIA" convert "$f" -o "$OUT/$name.json"
    "$PIA" convert "$f" -o "$OUT/$name.yaml"
done

echo "== 2. JSON → ブック（書出し）と、空の様式"
"$PIA" convert "$OUT/kushiro_shuno_juten.json" -o "$OUT/kushiro_shuno_juten_roundtrip.xlsx"
"$PIA" new --form juten -o "$OUT/重点項目評価書_様式.xlsx"
"$PIA" new --form zenkomoku --files 3 -o "$OUT/全項目評価書_様式.xlsx"

echo
echo "結果: $OUT/"
ls -1 "$OUT"
