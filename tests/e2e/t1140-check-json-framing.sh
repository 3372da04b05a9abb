#!/bin/sh
# How a file is framed: a .jsonl file is JSONL whatever its first line holds (every line is
# read and checked); a broken JSON array counts its broken record, so "Valid JSON" never
# reads 100% next to FAIL; error columns are 1-based byte columns, as Python's json says.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir -p ds/specs ds/data
cat >ds/specs/ds.yaml <<'YAML'
dsci: 1
dataset:
  name: framing
  format: sharegpt
  files:
    train: data/train.jsonl
gates:
  format: {level: block}
  quality: {level: off}
  duplicates: {level: off}
  reproducibility: {level: off}
  splits: {level: off}
YAML
conv() {
    printf '{"conversations": [{"from": "human", "value": "question %s"}, {"from": "gpt", "value": "answer %s"}]}' "$1" "$1"
}

say ".jsonl whose first line is an array: every later line is still read"
{
    printf '[%s]\n' "$(conv 1)"
    conv 2; printf '\n'
    printf '{"conversations": [}\n'
    printf '[%s, %s]\n' "$(conv 4)" "$(conv 5)"
    conv 6; printf '\n'
} >ds/data/train.jsonl
test_must_fail 1 dsci -C ds check
expect_line out "[FAIL] Valid JSON: 4/5 (80%)"
expect_line out "[FAIL] Schema: 2/4 (50%)"
expect_line out "data/train.jsonl:1: the record is an array, expected an object"
expect_line out "data/train.jsonl:4: the record is an array, expected an object"
expect_line out "data/train.jsonl:3: invalid JSON at line 3"

say "error columns: the offending byte (Python's Extra data at the ',' after the record; an unterminated string at its quote)"
{
    conv 1; printf ',]\n'
    printf '{"conversations": [{"from": "human", "value": "cut off here\n'
} >ds/data/train.jsonl
python3 - >want <<'PY'
import json
for line in open("ds/data/train.jsonl", encoding="utf-8"):
    try:
        json.loads(line.rstrip("\n"))
    except json.JSONDecodeError as e:
        print("column %d" % e.colno)
PY
test "$(cat want)" = "$(printf 'column 100\ncolumn 47')" || fail "python says $(cat want)"
test_must_fail 1 dsci -C ds check
expect_line out "data/train.jsonl:1: invalid JSON at line 1, column 100:"
expect_line out "data/train.jsonl:2: invalid JSON at line 2, column 47:"

say "error columns on non-ASCII text: characters, as Python's json counts them"
cat >ds/data/train.jsonl <<'JSONL'
{"conversations": [{"from": "human", "value": "héllo thère ñ"}, {"from": "gpt", "value": "hi there"},]}
{"conversations": [{"from": "human", "value": "日本語のテキスト"}, {"from": "gpt", "value": "x"}]} extra
{"conversations": [{"from": "human", "value": "😀😀"}, {"from": "gpt", "value": "cut off
JSONL
python3 - >want <<'PY'
import json
for n, line in enumerate(open("ds/data/train.jsonl", encoding="utf-8"), 1):
    try:
        json.loads(line.rstrip("\n"))
    except json.JSONDecodeError as e:
        print("data/train.jsonl:%d: invalid JSON at line %d, column %d:" % (n, e.lineno + n - 1, e.colno))
PY
[ "$(wc -l <want)" -eq 3 ] || fail "python found $(cat want)"
test_must_fail 1 dsci -C ds check
while read -r want_line; do expect_line out "$want_line"; done <want

say "a .json array cut off inside its third record: 2/3, never 3/3 (100%)"
sed -i 's|data/train.jsonl|data/train.json|' ds/specs/ds.yaml
{
    printf '[\n  %s,\n  %s,\n  ' "$(conv 1)" "$(conv 2)"
    conv 3 | head -c 55   # inside the string "question 3"
} >ds/data/train.json
test_must_fail 1 dsci -C ds check
expect_line out "[FAIL] Valid JSON: 2/3 (66.7%)"
expect_line out "invalid JSON at line 4, column 49:"
expect_no_line out "Valid JSON: 3/3"

say "a trailing comma in a .json array: the broken record is counted"
printf '[%s, %s,]\n' "$(conv 1)" "$(conv 2)" >ds/data/train.json
test_must_fail 1 dsci -C ds check
expect_line out "[FAIL] Valid JSON: 2/3 (66.7%)"
expect_line out "trailing ',' before ']' in the JSON array"

say "a .json file with JSONL content is JSONL"
{ conv 1; printf '\n'; conv 2; printf '\n'; } >ds/data/train.json
test_ok dsci -C ds check
expect_line out "[PASS] Valid JSON: 2/2 (100%)"
