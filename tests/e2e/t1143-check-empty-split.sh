#!/bin/sh
# An empty dataset is not production-ready: a split the spec lists with no examples (a
# 0-byte file, `[]`, blank lines only) fails "Examples" in FORMAT and blocks, naming the
# split and its files.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir -p ds/specs ds/data
cat >ds/specs/ds.yaml <<'YAML'
dsci: 1
dataset:
  name: empty
  format: sharegpt
  files:
    train: data/train.jsonl
    validation: data/val.json
gates:
  reproducibility: {level: off}
YAML
good='{"conversations": [{"from": "human", "value": "hello there"}, {"from": "gpt", "value": "hi, how can I help?"}]}'

say "a 0-byte file and an empty array"
: >ds/data/train.jsonl
printf '[]\n' >ds/data/val.json
test_must_fail 1 dsci -C ds check
expect_line out "[FAIL] Examples: no examples in split 'train' (data/train.jsonl); no examples in split 'validation' (data/val.json)"
expect_line out "RESULT: FAIL"
expect_no_line out "production-ready"
expect_line out "Add examples to the empty splits: 'train' (data/train.jsonl), 'validation' (data/val.json), or remove them from dataset.files"
expect_line out "data/train.jsonl: no examples in split 'train': the file holds no record"

say "one split empty (blank lines only), the other fine"
printf '%s\n' "$good" >ds/data/train.jsonl
printf '\n  \n' >ds/data/val.json
test_must_fail 1 dsci -C ds check
expect_line out "[FAIL] Examples: no examples in split 'validation' (data/val.json)"
expect_no_line out "split 'train' (data/train.jsonl)"

say "a split whose only record is broken"
printf '{"conversations": [}\n' >ds/data/val.json
test_must_fail 1 dsci -C ds check --format json
expect_line out "no examples in split 'validation': none of the file's 1 record is usable"
expect_line out '"kind": "empty_split"'

say "every split has examples: no Examples line"
printf '%s\n' "$good" | sed 's/hello there/good evening/' >ds/data/val.json
dsci -C ds check >out 2>err || true
expect_no_line out "Examples:"
expect_line out "[PASS] Valid JSON: 2/2 (100%)"

say "format: warn makes it a warning"
: >ds/data/val.json
sed -i 's/  reproducibility: {level: off}/  reproducibility: {level: off}\n  format: {level: warn}\n  splits: {level: off}/' ds/specs/ds.yaml
test_ok dsci -C ds check
expect_line out "[WARN] Examples: no examples in split 'validation' (data/val.json)"

say "a glob of many empty files: the line names three and counts the rest"
mkdir ds/data/many
for i in 1 2 3 4 5 6; do : >ds/data/many/v$i.json; done
sed -i 's#validation: data/val.json#validation: "data/many/*.json"#' ds/specs/ds.yaml
test_ok dsci -C ds check
expect_line out "[WARN] Examples: no examples in split 'validation' (data/many/v1.json, data/many/v2.json, data/many/v3.json and 3 more files)"
expect_line out "data/many/v5.json: no examples in split 'validation': the file holds no record"
