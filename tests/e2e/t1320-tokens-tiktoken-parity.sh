#!/bin/sh
# dsci tokens counts exactly what OpenAI's tiktoken (the npm package: WASM of the Rust
# core, pinned by tests/npm-tokens) counts, example by example, for cl100k_base and
# o200k_base: on 300 + 300 hostile chat records and 300 raw lines with invalid UTF-8
# (tests/tokens/hostile.py), and on 1 MB of the bench's ShareGPT data
# (bench/gen_sharegpt.py, 1,540 records). The ids of every raw line are equal too.
# The .tiktoken files are the package's own rank data, written out by the test.
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

python3 "$DSCI_SOURCE_DIR/tests/tokens/hostile.py" hostile 300
python3 "$DSCI_SOURCE_DIR/bench/gen_sharegpt.py" bench.jsonl 1 --seed 15 >/dev/null

# compare WHAT EXPECTED ACTUAL: equal line for line, or fail naming the first difference
compare() {
    n=$(wc -l <"$2")
    [ "$n" -gt 0 ] || fail "$1: the reference printed nothing"
    if ! cmp -s "$2" "$3"; then
        diff "$2" "$3" | head -n 10 >&2
        fail "$1: dsci differs from the reference on $(diff "$2" "$3" | grep -c '^<') of $n"
    fi
    say "$1: $n of $n equal"
}

for enc in cl100k_base o200k_base; do
    node "$ref" tiktoken-file "$enc" "$enc.tiktoken"
    for f in hostile.sharegpt.jsonl hostile.openai.jsonl bench.jsonl; do
        node "$ref" count "tiktoken:$enc" "$f" >expect
        dsci tokens --tokenizer "$enc.tiktoken" --per-example "$f" >actual
        compare "$enc $f" expect actual
    done
    node "$ref" lines "tiktoken:$enc" hostile.lines >expect
    dsci tokens --tokenizer "$enc.tiktoken" --per-example --lines hostile.lines >actual
    compare "$enc raw lines" expect actual
    node "$ref" ids "tiktoken:$enc" hostile.lines >expect
    dsci tokens --tokenizer "$enc.tiktoken" --lines --ids hostile.lines >actual
    compare "$enc raw lines' ids" expect actual
done

say "the encoding is named, guessed from the file name, or from the number of ranks"
cp cl100k_base.tiktoken ranks
dsci tokens --tokenizer ranks --per-example bench.jsonl >actual
node "$ref" count tiktoken:cl100k_base bench.jsonl >expect
compare "cl100k_base guessed from its size" expect actual
test_must_fail 2 dsci tokens --tokenizer ranks --encoding o100k bench.jsonl
grep -q "unknown encoding 'o100k'" err || fail "an unknown encoding is not named: $(cat err)"
