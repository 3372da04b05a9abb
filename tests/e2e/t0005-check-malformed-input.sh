#!/bin/sh
# Every kind of broken byte gets a finding with path:line, never a crash.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir -p ds/specs ds/data
cat >ds/specs/ds.yaml <<'YAML'
dsci: 1
dataset:
  name: broken
  format: sharegpt
  max_line_bytes: 4KiB
  files:
    train: data/train.jsonl
gates:
  format: {level: block}
  quality: {level: off}
  reproducibility: {level: off}
  splits: {level: off}
YAML
good='{"conversations": [{"from": "human", "value": "hello there"}, {"from": "gpt", "value": "hi, how can I help?"}]}'
{
    printf '%s\n' "$good"                                      # 1
    printf '{"conversations": [}\n'                            # 2 invalid JSON
    printf '{"conversations": [{"from": "human", "value": "\377"}]}\n'   # 3 invalid UTF-8
    printf '{"conversations": [{"from": "human", "value": "a\000b"}]}\n' # 4 NUL byte
    printf '\n'                                                # 5 blank
    printf '%s\r\n' "$good"                                    # 6 CRLF
    printf '{"conversations": [{"from": "human", "value": "'   # 7 over the 4 KiB cap
    head -c 10000 /dev/zero | tr '\0' x
    printf '"}]}\n'
    printf '{"conversations": [{"from": "gpt", "value": "x"}, {"from": "human", "value": "y"}]}\n' # 8 order
    printf '{"conversations": [{"from": "human", "value": "  "}, {"from": "gpt", "value": "y"}]}\n' # 9 empty
    printf '%s' "$good"                                        # 10 no final newline
} >ds/data/train.jsonl

test_must_fail 1 dsci -C ds check --max-examples 20
expect_line out "[FAIL] Valid JSON: 5/9 (55.6%)"
expect_line out "[FAIL] Exact duplicates: 2"
expect_line out "data/train.jsonl:2: invalid JSON at line 2"
expect_line out "data/train.jsonl:3: invalid UTF-8"
expect_line out "data/train.jsonl:4: NUL byte"
expect_line out "data/train.jsonl:7: record longer than the 4096-byte limit"
expect_line out "data/train.jsonl:8:"
expect_line out "data/train.jsonl:9:"
expect_line out "[WARN] File hygiene"
expect_line out "RESULT: FAIL"

# A UTF-8 BOM at the start is tolerated and reported as hygiene.
printf '\357\273\277%s\n' "$good" >ds/data/train.jsonl
test_ok dsci -C ds check
expect_line out "[WARN] File hygiene"
expect_line out "BOM"

# Deep nesting does not crash (raise the line cap so the nesting itself is judged).
sed -i 's/max_line_bytes: 4KiB/max_line_bytes: 1MiB/' ds/specs/ds.yaml
python3 -c 'print("{\"conversations\": " + "[" * 200000 + "]" * 200000 + "}")' >ds/data/train.jsonl
test_must_fail 1 dsci -C ds check
expect_line out "nesting deeper than"

# A JSON array file (.json) that is not closed: the end of the file is a broken record.
sed -i 's|data/train.jsonl|data/train.json|' ds/specs/ds.yaml
printf '[%s,\n%s\n' "$good" "$good" >ds/data/train.json
test_must_fail 1 dsci -C ds check
expect_line out "not closed"
expect_line out "[FAIL] Valid JSON: 2/3 (66.7%)"
sed -i 's|data/train.json$|data/train.jsonl|' ds/specs/ds.yaml

# An empty file has no examples but is no crash.
: >ds/data/train.jsonl
dsci -C ds check >out 2>err || true
expect_line out "RESULT:"
