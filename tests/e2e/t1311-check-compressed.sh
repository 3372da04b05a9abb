#!/bin/sh
# .jsonl.gz, .json.gz (a JSON array), .jsonl.zst and .json.zst splits are read
# decompressed, on disk, staged and at a revision: defects planted at known lines are
# reported at those lines of the decompressed text, checksums in the version file are
# of the stored (compressed) bytes, and a damaged or truncated stream is an error naming
# the file and the line it broke in.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command gzip
need_command zstd "scripts/deps.sh test installs it"

# lines N WHAT: N ShareGPT records
lines() {
    i=0
    while [ "$i" -lt "$1" ]; do
        printf '{"conversations": [{"from": "human", "value": "Question %d about %s?"}, {"from": "gpt", "value": "Answer %d, all about %s."}]}\n' \
            "$i" "$2" "$i" "$2"
        i=$((i + 1))
    done
}

# as_array: JSON Lines on stdin as a JSON array, one record a line from line 2 on
as_array() {
    printf '[\n'
    sed '$!s/$/,/' | sed 's/^/  /'
    printf ']\n'
}

mkdir -p repo/data
cd repo
lines 40 train | sed '5s/.*/{"conversations": [broken/' | gzip -n >data/train.jsonl.gz
lines 12 val | sed '4s/"from": "gpt"/"from": "human"/' | as_array | gzip -n >data/val.json.gz
lines 30 test | sed '7s/"value": "Answer[^"]*"/"value": ""/' | zstd -q >data/test.jsonl.zst
lines 9 extra | sed '3s/"value": "Question[^"]*"/"value": "  "/' | as_array | zstd -q >data/extra.json.zst
cat >spec.yaml <<'YAML'
dsci: 1
dataset:
  name: zipped
  format: sharegpt
  files:
    train: data/train.jsonl.gz
    validation: data/val.json.gz
    test: [data/test.jsonl.zst, data/extra.json.zst]
  version_file: version.json
gates:
  duplicates: {level: off}
  leakage: {level: off}
  reproducibility: {level: off}
  coverage: {level: off}
  splits: {level: off}
  pii: {level: off}
  quality: {level: off}
YAML
git init -q
git add -A
git commit -q -m "compressed dataset"

defects() {   # the planted defects, at their lines
    expect_line out "data/train.jsonl.gz:5: invalid JSON at line 5"
    expect_line out "data/val.json.gz:5:3 (record 3): conversations[1] is from 'human', expected 'gpt'"
    expect_line out "data/test.jsonl.zst:7: conversations[1] ('gpt') is empty or whitespace only"
    expect_line out "data/extra.json.zst:4:3 (record 2): conversations[0] ('human') is empty or whitespace only"
    expect_line out "[FAIL] Valid JSON: 90/91"
    expect_line out "RESULT: FAIL"
}
for where in --worktree --staged --rev=HEAD; do
    say "defects at their lines: $where"
    test_must_fail 1 dsci check --spec spec.yaml $(echo "$where" | tr = ' ')
    defects
done

say "the decoder on its own thread (-j 2) or on the reading one (-j 1): the same report"
test_must_fail 1 dsci check --spec spec.yaml -j 1 --format json --output j1.json
test_must_fail 1 dsci check --spec spec.yaml -j 2 --format json --output j2.json
grep -v '"date"' j1.json >j1.cmp
grep -v '"date"' j2.json >j2.cmp
test_cmp j1.cmp j2.cmp

say "checksums of the stored bytes"
test_ok dsci bump --spec spec.yaml --base none
python3 - <<'PY'
import hashlib, json
vf = json.load(open("version.json"))
for split in vf["splits"].values():
    for f in split.get("files", [split]):
        want = "sha256:" + hashlib.sha256(open(f["path"], "rb").read()).hexdigest()
        assert f["checksum"] == want, (f, want)
PY

say "a damaged gzip stream: the error names the file and the line"
cp data/train.jsonl.gz good.gz
lines 400 big | gzip -n >data/train.jsonl.gz
python3 - data/train.jsonl.gz <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
for i in range(len(b) // 2, len(b) // 2 + 64):
    b[i] ^= 0x5A
open(p, "wb").write(bytes(b))
PY
test_must_fail 3 dsci check --spec spec.yaml
expect_line err "data/train.jsonl.gz: damaged gzip data at line "
git add data/train.jsonl.gz
test_must_fail 3 dsci check --spec spec.yaml --staged
expect_line err "data/train.jsonl.gz: damaged gzip data at line "

say "a truncated gzip stream: the line the text reached"
lines 400 big | gzip -n >full.gz
head -c 2000 full.gz >data/train.jsonl.gz
reached=$(gzip -dc <data/train.jsonl.gz 2>/dev/null | wc -l)
test_must_fail 3 dsci check --spec spec.yaml
expect_line err "data/train.jsonl.gz: damaged gzip data at line $((reached + 1)) (of the decompressed text): the file ends inside the stream (truncated?)"

say "a damaged zstd stream"
cp good.gz data/train.jsonl.gz
lines 400 big | zstd -q >full.zst
python3 - full.zst data/test.jsonl.zst <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
for i in range(len(b) // 2, len(b) // 2 + 64):
    b[i] ^= 0x5A
open(sys.argv[2], "wb").write(bytes(b))
PY
test_must_fail 3 dsci check --spec spec.yaml
expect_line err "data/test.jsonl.zst: damaged zstd data at line "
git commit -q -a -m "damaged"
test_must_fail 3 dsci check --spec spec.yaml --rev HEAD
expect_line err "data/test.jsonl.zst: damaged zstd data at line "

say "not compressed at all, whatever the name says"
printf '{"conversations": []}\n' >data/test.jsonl.zst
test_must_fail 3 dsci check --spec spec.yaml
expect_line err "data/test.jsonl.zst: damaged zstd data at line 1 (of the decompressed text): "

say "several gzip members and zstd frames are one text"
{ lines 3 a | gzip -n; lines 4 b | gzip -n; } >data/train.jsonl.gz
{ lines 2 c | zstd -q; lines 5 d | zstd -q; } >data/test.jsonl.zst
lines 2 v | as_array | gzip -n >data/val.json.gz
lines 2 e | as_array | zstd -q >data/extra.json.zst
test_ok dsci check --spec spec.yaml --format json --output r.json
python3 - <<'PY'
import json
r = json.load(open("r.json"))
m = r["metrics"]
assert (m["records"], m["examples"], m["files"]) == (18, 18, 4), m
PY
