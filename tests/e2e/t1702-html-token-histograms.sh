#!/bin/sh
# The HTML report's token histograms: with the tokens gate on, per split one histogram of
# the tokens per example (the gate counts whole examples through the chat template) and
# one each of the user and the assistant messages (each its role, text and the template's
# per-message tokens; a system message counts in its example only), with counts known by
# hand from a tokenizer of one token per byte; none when the gate is off or its tokenizer
# does not load. The tokens gate counts them in replay(), so a warm cache and the merge of
# a sharded check give the cold page.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3 "generates the data and reads the page"

# one token per byte (the 256 single bytes), as t1300 sets it up
write_tokenizer() {
    python3 - "$1" <<'PY'
import base64, sys
with open(sys.argv[1], "w") as f:
    for i in range(256):
        f.write("%s %d\n" % (base64.b64encode(bytes([i])).decode(), i))
PY
}

# html_hist FILE SPLIT [SECTION WHAT]: the rows of SPLIT's histogram of WHAT (default
# "tokens per example") in the section of id SECTION (default token-lengths), "range=count"
# one a line
html_hist() {
    python3 - "$1" "$2" "${3:-token-lengths}" "${4:-tokens per example}" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
sec = page.split('<h2 id="%s">' % sys.argv[3], 1)[1].split("<h2", 1)[0]
for fig in sec.split("<figure>")[1:]:
    cap = re.search(r"<figcaption>(.*?)</figcaption>", fig).group(1)
    if cap.startswith(sys.argv[2] + ", " + sys.argv[4] + " ("):
        print(cap)
        for lo, n in re.findall(r'<tr><td>([^<]*)</td><td class="n">(\d+)</td></tr>', fig):
            print("%s=%s" % (lo, n))
PY
}

mkdir ds && cd ds
mkdir -p specs data tok
write_tokenizer tok/bytes.tiktoken
cat >specs/d.yaml <<'YAML'
dsci: 1
dataset:
  name: token-hist
  format: sharegpt
  files:
    train: data/train.jsonl
    validation: data/val.jsonl
gates:
  duplicates: {level: off}
  leakage: {level: off}
  reproducibility: {level: off}
  coverage: {level: off}
  splits: {level: off}
  pii: {level: off}
  quality: {level: warn}
  tokens:
    tokenizer: tok/bytes.tiktoken
    encoding: cl100k_base
YAML
python3 - <<'PY'
import json
# tokens: 3 (reply priming) + 2 * 3 (per message) + "user" 4 + "assistant" 9 + "ok" 2
#         + the user text's bytes = 24 + k; the user message 3 + 4 + k = 7 + k, the
#         assistant's 3 + 9 + 2 = 14; a system message "s" adds 3 + "system" 6 + 1 = 10
#         to its example and is in no role's histogram
def write(path, ks, system=()):
    with open(path, "w") as f:
        for i, k in enumerate(ks):
            msgs = [{"from": "system", "value": "s"}] if i in system else []
            msgs += [{"from": "human", "value": "x" * k}, {"from": "gpt", "value": "ok"}]
            f.write(json.dumps({"conversations": msgs}) + "\n")
write("data/train.jsonl", [6, 8, 30, 40, 300])   # 30, 32, 54, 64, 324 tokens; user 13, 15, 37, 47, 307
write("data/val.jsonl", [1, 2, 1], system=[2])   # 25, 26, 35; user 8, 9, 8
PY
make_repo .

say "one histogram of tokens per example per split, with the counts by hand"
test_ok dsci check --no-cache --format html --output ../cold.html
expect_line ../cold.html '<h2 id="token-lengths">Tokens per example</h2>'
expect_line ../cold.html 'its limits are per example'
expect_line ../cold.html '<h2 id="token-roles">Tokens per message</h2>'
expect_line ../cold.html '<title id="tok-0-1-t">Lengths of train assistant messages in tokens'
expect_line ../cold.html '<svg role="img" aria-labelledby="tok-0-t"'
expect_line ../cold.html '<title id="tok-0-t">Lengths of train examples in tokens'
expect_line ../cold.html 'id="lengths"'   # the code-point histograms are still there
html_hist ../cold.html train >train.hist
cat >want <<'EOF'
train, tokens per example (5 examples)
16–31=1
32–63=2
64–127=1
128–255=0
256–511=1
EOF
test_cmp want train.hist
html_hist ../cold.html validation >val.hist
printf '%s\n' 'validation, tokens per example (3 examples)' '16–31=2' '32–63=1' >want
test_cmp want val.hist

say "per split, the user and the assistant messages' tokens, the system message in neither"
html_hist ../cold.html train token-roles "tokens per user message" >train-user.hist
cat >want <<'EOF'
train, tokens per user message (5 messages)
8–15=2
16–31=0
32–63=2
64–127=0
128–255=0
256–511=1
EOF
test_cmp want train-user.hist
html_hist ../cold.html train token-roles "tokens per assistant message" >train-asst.hist
printf '%s\n' 'train, tokens per assistant message (5 messages)' '8–15=5' >want
test_cmp want train-asst.hist
html_hist ../cold.html validation token-roles "tokens per user message" >val-user.hist
printf '%s\n' 'validation, tokens per user message (3 messages)' '8–15=3' >want
test_cmp want val-user.hist
html_hist ../cold.html validation token-roles "tokens per assistant message" >val-asst.hist
printf '%s\n' 'validation, tokens per assistant message (3 messages)' '8–15=3' >want
test_cmp want val-asst.hist

say "the other reports do not carry them"
test_ok dsci check --no-cache --format json --output r.json
expect_no_line r.json "16–31"
expect_no_line r.json "token_lengths"

say "a warm check and the merge of a sharded check give the cold page"
test_ok dsci check --format html --output ../fill.html
test_ok dsci check --format html --output ../warm.html
test_cmp ../cold.html ../warm.html
rm -rf parts && mkdir parts
dsci check --shard 1/2 --summary-out parts/1.dsum -q || fail "shard 1/2 exited $?"
dsci check --shard 2/2 --summary-out parts/2.dsum -q || fail "shard 2/2 exited $?"
test_ok dsci merge parts/1.dsum parts/2.dsum --format html --output ../merge.html
test_cmp ../cold.html ../merge.html

say "no token histogram when the tokens gate is off, or its tokenizer does not load"
sed -i 's/^    tokenizer: tok/    level: off\n    tokenizer: tok/' specs/d.yaml
test_ok dsci check --no-cache --format html --output ../off.html
expect_no_line ../off.html 'token-lengths'
expect_no_line ../off.html 'tokens per example'
expect_no_line ../off.html 'token-roles'
expect_line ../off.html 'id="lengths"'
git checkout -q specs/d.yaml
rm tok/bytes.tiktoken
test_must_fail 1 dsci check --no-cache --format html --output ../missing.html
expect_line ../missing.html 'Tokenizer'
expect_no_line ../missing.html 'token-lengths'
expect_no_line ../missing.html 'token-roles'
git checkout -q tok/bytes.tiktoken

cd ..
say "many examples over several chunks and shards: cold == warm == merged"
export DSCI_CHUNK_BYTES=16384
git init -q repo
cd repo
mkdir -p specs data tok
python3 "$DSCI_SOURCE_DIR/tests/data/gen_messy.py" data/train.jsonl 3000 1
python3 "$DSCI_SOURCE_DIR/tests/data/gen_messy.py" data/test.jsonl 300 2
write_tokenizer tok/bytes.tiktoken
cat >specs/d.yaml <<'YAML'
dsci: 1
dataset:
  name: token-hist-shards
  format: auto
  files:
    train: data/train.jsonl
    test: data/test.jsonl
gates:
  quality: {level: warn}
  pii: off
  tokens:
    tokenizer: tok/bytes.tiktoken
    encoding: cl100k_base
    max_tokens: 400
YAML
git add -A
git commit -q -m data
set +e
dsci check --no-cache --base none --format html --output ../big-cold.html -q
want=$?
set -e
expect_line ../big-cold.html '<h2 id="token-lengths">'
html_hist ../big-cold.html train >train.hist
expect_line train.hist "train, tokens per example ("
html_hist ../big-cold.html train token-roles "tokens per assistant message" >train-asst.hist
expect_line train-asst.hist "train, tokens per assistant message ("
dsci check --base none --format html --output ../big-fill.html -q || true
set +e
dsci check --base none --format html --output ../big-warm.html -q
got=$?
set -e
[ "$got" -eq "$want" ] || fail "warm check exited $got, cold $want"
test_cmp ../big-cold.html ../big-warm.html
for n in 2 3; do
    rm -rf parts && mkdir parts
    i=1
    while [ "$i" -le "$n" ]; do
        dsci check --base none --shard "$i/$n" --summary-out "parts/$i.dsum" -q || true
        [ -s "parts/$i.dsum" ] || fail "shard $i/$n wrote no summary"
        i=$((i + 1))
    done
    set +e
    dsci merge parts/*.dsum --format html --output "../big-merge$n.html" -q
    got=$?
    set -e
    [ "$got" -eq "$want" ] || fail "merge of $n exited $got, cold $want"
    test_cmp ../big-cold.html "../big-merge$n.html"
done
