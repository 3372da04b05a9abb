#!/bin/sh
# Issue 12: a damaged, truncated or foreign cache entry is found out and recomputed,
# never trusted: the report equals the one without the cache, and --explain-cache says
# how many entries were recomputed. Two checks running at once on one cache both give
# the right report.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3 "generates the data"

export DSCI_CHUNK_BYTES=16384
git init -q repo
cd repo
mkdir -p specs data
python3 "$DSCI_SOURCE_DIR/tests/data/gen_messy.py" data/train.jsonl 3000 1
python3 "$DSCI_SOURCE_DIR/tests/data/gen_messy.py" data/test.jsonl 300 2
cat >specs/d.yaml <<'YAML'
dsci: 1
dataset:
  name: cache-damage
  format: sharegpt
  files: {train: data/train.jsonl, test: data/test.jsonl}
gates:
  format: {level: block}
  coverage: {level: warn, by: keywords, categories: [{name: Create, min: 1, keywords: [create]}, {name: Delete, min: 1, keywords: [delete]}]}
  quality: {level: warn}
  duplicates: {exact: warn, near: warn, threshold: 0.8}
  leakage: {level: warn}
  pii: {level: warn, detect: [email, phone]}
  splits: {level: warn}
YAML
git add -A
git commit -q -m data

dsci check --no-cache --base none --format json --output cold.json || [ $? -eq 1 ]
dsci check --base none --format json --output fill.json || [ $? -eq 1 ]
test_cmp cold.json fill.json
cache=.git/dsci/cache
n=$(find "$cache" -type f | wc -l)
[ "$n" -ge 10 ] || fail "expected many cache entries, found $n"

say "flip a byte in one entry, truncate another, empty a third, copy a fourth under a fifth's name"
find "$cache" -type f | sort >entries
python3 - entries <<'PY'
import sys
files = open(sys.argv[1]).read().split()
def flip(p):
    b = bytearray(open(p, "rb").read()); b[len(b) // 2] ^= 0x40; open(p, "wb").write(b)
flip(files[1])
open(files[3], "r+b").truncate(max(1, len(open(files[3], "rb").read()) // 2))
open(files[5], "wb").close()
open(files[8], "wb").write(open(files[7], "rb").read())
PY
dsci check --explain-cache --base none --format json --output warm.json 2>explain || [ $? -eq 1 ]
test_cmp cold.json warm.json
grep -q "damaged entries recomputed" explain || fail "no explanation"
dsci check --explain-cache --base none --format json --output warm2.json 2>explain2 || [ $? -eq 1 ]
test_cmp cold.json warm2.json
grep -q " 0 read" explain2 || { cat explain2 >&2; fail "the recomputed entries were not kept again"; }

say "two checks at once on an empty cache, then on a full one"
rm -rf "$cache"
for round in 1 2; do
    (dsci check --base none --format json --output a.json 2>/dev/null || true) &
    (dsci check --base none --format json --output b.json 2>/dev/null || true) &
    wait
    test_cmp cold.json a.json
    test_cmp cold.json b.json
done
