#!/bin/sh
# dsci init tells the formats apart: OpenAI chat JSON Lines, an Alpaca JSON array (next to
# package.json and a version file, which are left out), and a folder mixing formats (auto).
# Whatever it writes loads: `dsci check` runs on it.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

# openai_lines N START: N OpenAI chat records
openai_lines() {
    i=$2
    while [ "$i" -lt $(($2 + $1)) ]; do
        printf '{"messages": [{"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": "What is %d plus %d?"}, {"role": "assistant", "content": "%d plus %d is %d."}]}\n' \
            "$i" "$i" "$i" "$i" $((i + i))
        i=$((i + 1))
    done
}

say "OpenAI chat: train.jsonl and valid.jsonl"
mkdir -p openai/data
openai_lines 16 0 >openai/data/train.jsonl
openai_lines 4 100 >openai/data/valid.jsonl
test_ok dsci -C openai init
expect_line out "detected: 2 files, openai, 20 examples, no label field for categories"
expect_line out "wrote specs/openai.yaml"
expect_line openai/specs/openai.yaml "  format: openai"
expect_line openai/specs/openai.yaml "    train: data/train.jsonl"
expect_line openai/specs/openai.yaml "    validation: data/valid.jsonl"
expect_line openai/specs/openai.yaml "    train: {ratio: 0.8, min: 8}"
expect_line openai/specs/openai.yaml "  # coverage: no label field was found"
test_ok dsci -C openai check
expect_line out "[PASS] Schema: 20/20 (100%)"
expect_line out "RESULT: PASS"

say "Alpaca: a JSON array, with a top-level label; package.json and version.json left out"
mkdir -p alpaca/data
{
    printf '[\n'
    for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
        case $((i % 3)) in 0) cat=math ;; 1) cat=writing ;; *) cat=code ;; esac
        sep=,
        [ "$i" -eq 12 ] && sep=
        printf '  {"instruction": "Task number %d: do the thing", "input": "", "output": "Here is the thing, done for task %d.", "category": "%s"}%s\n' \
            "$i" "$i" "$cat" "$sep"
    done
    printf ']\n'
} >alpaca/data/alpaca_data.json
printf '{\n  "name": "alpaca-tools",\n  "version": "1.0.0"\n}\n' >alpaca/package.json
printf '{"version": "1.0.0", "splits": {}}\n' >alpaca/data/version.json
test_ok dsci -C alpaca init
expect_line out "detected: 1 file, alpaca, 12 examples, categories from category (3 values)"
expect_line out "left out: package.json (one JSON document, not records)"
expect_line out "left out: data/version.json (not ShareGPT, OpenAI, Alpaca, preference, completion or text records)"
expect_line alpaca/specs/alpaca.yaml "  format: alpaca"
expect_line alpaca/specs/alpaca.yaml "    train: data/alpaca_data.json"
expect_line alpaca/specs/alpaca.yaml "    field: category"
expect_line alpaca/specs/alpaca.yaml "      - {name: code, min: 2}"
expect_line alpaca/specs/alpaca.yaml "    train: {min: 6}"
expect_line alpaca/specs/alpaca.yaml "  # version_file: data/version.json"
test_ok dsci -C alpaca check
expect_line out "[PASS] math: 4 examples (target: 2)"
expect_line out "RESULT: PASS"

say "mixed formats: auto, one split per file"
mkdir mixed
openai_lines 6 0 >mixed/chat.jsonl
cp alpaca/data/alpaca_data.json mixed/instructions.json
test_ok dsci -C mixed init
expect_line out "detected: 2 files, mixed formats (openai, alpaca), 18 examples"
expect_line mixed/specs/mixed.yaml "  format: auto"
expect_line mixed/specs/mixed.yaml "    chat: chat.jsonl"
expect_line mixed/specs/mixed.yaml "    instructions: instructions.json"
set +e
dsci -C mixed check >out 2>err
code=$?
set -e
[ "$code" -eq 0 ] || [ "$code" -eq 1 ] || { cat err >&2; fail "check on the mixed spec exited $code"; }
expect_line out "DATASET VALIDATION REPORT"
