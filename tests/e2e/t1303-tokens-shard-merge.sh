#!/bin/sh
# The tokens gate keeps to the two-step model: `dsci check --shard I/N` on every shard and
# `dsci merge` of the parts give the JSON report of one cold `dsci check` (the date aside),
# token statistics and over-length findings included, and a warm check (every chunk from
# the summary cache) gives it too. Small chunks spread each file over several shards.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3 "generates the data"

export DSCI_CHUNK_BYTES=16384
git init -q repo
cd repo
mkdir -p specs data tok
python3 "$DSCI_SOURCE_DIR/tests/data/gen_messy.py" data/train.jsonl 3000 1
python3 "$DSCI_SOURCE_DIR/tests/data/gen_messy.py" data/test.jsonl 300 2
python3 - <<'PY'
import base64
with open("tok/bytes.tiktoken", "w") as f:
    for i in range(256):
        f.write("%s %d\n" % (base64.b64encode(bytes([i])).decode(), i))
    f.write("%s 256\n" % base64.b64encode(b"th").decode())
    f.write("%s 257\n" % base64.b64encode(b"in").decode())
PY
cat >specs/d.yaml <<'YAML'
dsci: 1
dataset:
  name: tokens-shards
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
    max_tokens: 120
    min_tokens: 20
YAML
git add -A
git commit -q -m data

set +e
dsci check --no-cache --base none --format json --output cold.json -q
want=$?
set -e
python3 - <<'PY'
import json
t = json.load(open("cold.json"))["metrics"]["tokens"]
assert t["all"]["examples"] > 3000 and t["all"]["over_max_tokens"] > 0, t
PY
for n in 1 2 3; do
    parts=
    i=1
    while [ "$i" -le "$n" ]; do
        set +e
        dsci check --base none --shard "$i/$n" --summary-out "p$i-$n.dsum" -q
        set -e
        parts="$parts p$i-$n.dsum"
        i=$((i + 1))
    done
    set +e
    dsci merge $parts --format json --output "merged-$n.json" -q
    got=$?
    set -e
    [ "$got" -eq "$want" ] || fail "merge of $n shards exits $got, check $want"
    grep -v '"date"' cold.json >a
    grep -v '"date"' "merged-$n.json" >b
    test_cmp a b
done

say "warm: every chunk from the cache, the same report"
set +e
dsci check --base none --format json --output warm1.json -q
dsci check --base none --format json --output warm2.json -q --explain-cache 2>cache.txt
set -e
expect_line cache.txt " 0 read"
grep -v '"date"' warm2.json >b
test_cmp a b
