#!/bin/sh
# dsci tokens without a reference: the summary line and --per-example on JSONL and on a
# JSON array (the lines where records start), unreadable records reported and not
# counted, --lines / --ids, and clean usage errors (exit 2) for a missing or unsupported
# tokenizer, damaged tokenizer files (every prefix of one), a missing data file.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

# A byte-level rank file: the 256 bytes, then "he", "ll", "hell", "hello", " w", "or".
python3 - <<'PY'
import base64
extra = [b"he", b"ll", b"hell", b"hello", b" w", b"or"]
with open("small.tiktoken", "w") as f:
    for rank, tok in enumerate([bytes([b]) for b in range(256)] + extra):
        f.write("%s %d\n" % (base64.b64encode(tok).decode(), rank))
PY
cat >data.jsonl <<'EOF2'
{"conversations": [{"from": "human", "value": "hello"}, {"from": "gpt", "value": "hello world"}]}
{"conversations": [{"from": "human", "value": "hello <|endoftext|>"}, {"from": "gpt", "value": "ok"}]}
{"conversations": [ not json
{"conversations": [{"from": "human", "value": ""}, {"from": "gpt", "value": "x"}]}
EOF2

say "the summary: examples, total, mean, p50, p95, max; the unreadable record named"
dsci tokens --encoding r50k_base --tokenizer small.tiktoken data.jsonl >out
cat out
# "hello" is a token; " world" merges " w" (rank 260) before "or" (261): 4 tokens;
# "hello <|endoftext|>": hello, " <|" (3), "endoftext" (9), "|>" (2); "ok" 2; "" 0; "x" 1
expect_line out "data.jsonl: 3 examples, 24 tokens (mean 8.0, p50 6, p95 17, max 17)"
expect_line out "data.jsonl: 1 records not readable, not counted (see \`dsci check\`)"

say "--per-example: PATH:LINE<TAB>TOKENS"
dsci tokens --encoding r50k_base --tokenizer small.tiktoken --per-example data.jsonl >out
printf 'data.jsonl:1\t6\ndata.jsonl:2\t17\ndata.jsonl:4\t1\n' >expect
test_cmp expect out

say "a JSON array: the line where each record starts"
printf '[\n  {"messages": [{"role": "user", "content": "hello"}]},\n\n  {"messages": [{"role": "user", "content": "hell or"}]}\n]\n' >array.json
dsci tokens --encoding r50k_base --tokenizer small.tiktoken --per-example array.json >out
printf 'array.json:2\t1\narray.json:4\t3\n' >expect
test_cmp expect out

say "--lines --ids"
printf 'hello world\n\n' >lines.txt
dsci tokens --encoding r50k_base --tokenizer small.tiktoken --lines --ids lines.txt >out
printf 'lines.txt:1\t259 260 261 108 100\nlines.txt:2\t\n' >expect
test_cmp expect out

say "usage errors"
test_must_fail 2 dsci tokens data.jsonl
expect_line err "dsci: tokens needs --tokenizer PATH (a .tiktoken or tokenizer.json file)"
test_must_fail 2 dsci tokens --tokenizer small.tiktoken
test_must_fail 2 dsci tokens --tokenizer missing.tiktoken data.jsonl
grep -q "missing.tiktoken: no such file" err || fail "a missing tokenizer is not named: $(cat err)"
test_must_fail 2 dsci tokens --tokenizer small.tiktoken data.jsonl
grep -q "which encoding" err || fail "an unknown encoding is not explained: $(cat err)"
test_must_fail 2 dsci tokens --encoding r50k_base --tokenizer small.tiktoken nothere.jsonl
grep -q "nothere.jsonl" err || fail "a missing data file is not named: $(cat err)"
test_must_fail 2 dsci tokens --ids --tokenizer small.tiktoken data.jsonl
printf '{"model": {"type": "Unigram", "vocab": [["a", 0.0]]}}' >unigram.json
test_must_fail 2 dsci tokens --tokenizer unigram.json data.jsonl
grep -q "unigram.json: a Unigram model is not supported" err || fail "Unigram not refused by name: $(cat err)"
printf '{"model": {"type": "WordPiece", "vocab": {"a": 0}}}' >wordpiece.json
test_must_fail 2 dsci tokens --tokenizer wordpiece.json data.jsonl
grep -q "a WordPiece model is not supported" err || fail "WordPiece not refused by name: $(cat err)"

say "every prefix of a tokenizer file is a clean error or a tokenizer, never a crash"
python3 - <<'PY'
import json
vocab = {}
nxt = 256
for b in range(256):
    printable = 33 <= b <= 126 or 161 <= b <= 172 or 174 <= b <= 255
    vocab[chr(b if printable else nxt)] = b
    if not printable:
        nxt += 1
vocab["he"] = 256
doc = {"model": {"type": "BPE", "vocab": vocab, "merges": ["h e"]}, "normalizer": None,
       "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "use_regex": True}}
open("tokenizer.json", "w").write(json.dumps(doc))
PY
dsci tokens --tokenizer tokenizer.json --per-example data.jsonl >out
expect_line out "data.jsonl:1	14"   # [he l l o] + [he l l o] [Ġ w o r l d]
for f in tokenizer.json small.tiktoken; do
    size=$(wc -c <"$f")
    step=$((size / 97 + 1))
    n=1
    while [ "$n" -lt "$size" ]; do
        head -c "$n" "$f" >cut
        set +e
        dsci tokens --encoding r50k_base --tokenizer cut data.jsonl >/dev/null 2>cut.err
        rc=$?
        [ "$f" = tokenizer.json ] && dsci tokens --tokenizer cut data.jsonl >/dev/null 2>>cut.err
        rc2=$?
        set -e
        [ "$rc" -le 2 ] && [ "$rc2" -le 2 ] || fail "$f cut at $n bytes: exit $rc/$rc2: $(cat cut.err)"
        n=$((n + step))
    done
done
