#!/bin/sh
# Issue 14: dsci merge refuses, naming the part, every set of parts that is not all the
# shards of one run: a shard missing or given twice, parts of different shard counts,
# specs or revisions, a merge where the spec or the commit is not the shards', and parts
# that are truncated, edited, or not parts at all. Never a report from them. In GitHub
# Actions the shards write no report; the merge writes check's.
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
  name: shard-refusals
  format: sharegpt
  files: {train: data/train.jsonl, test: data/test.jsonl}
gates:
  duplicates: {exact: block, near: warn, threshold: 0.8}
  leakage: {level: block}
YAML
git add -A
git commit -q -m data

shards() {   # shards N DIR [OPTIONS]: every shard's part in DIR/I.dsum
    n=$1 dir=$2
    shift 2
    rm -rf "$dir" && mkdir "$dir"
    i=1
    while [ "$i" -le "$n" ]; do
        dsci check --shard "$i/$n" --summary-out "$dir/$i.dsum" -q "$@" || fail "shard $i/$n exited $?"
        i=$((i + 1))
    done
}

# refused CODE PATTERN PART...: merge exits CODE, says PATTERN, and writes no report
refused() {
    code=$1 pattern=$2
    shift 2
    rm -f report.json
    test_must_fail "$code" dsci merge "$@" --format json --output report.json
    grep -q -- "$pattern" err || { cat err >&2; fail "merge of $*: expected '$pattern'"; }
    [ ! -e report.json ] || fail "merge of $* wrote a report"
}

shards 3 a
dsci merge a/*.dsum --format json --output ok.json || [ $? = 1 ] || fail "the good parts do not merge"

say "a shard missing, a shard given twice"
refused 2 "shard 3/3 is missing" a/1.dsum a/2.dsum
refused 2 "shard 1/3 is missing" a/2.dsum a/3.dsum
cp a/2.dsum a/2-again.dsum
refused 2 "a/2.dsum and a/2-again.dsum are both shard 2/3" a/1.dsum a/2.dsum a/2-again.dsum a/3.dsum

say "parts of two runs: another shard count, another spec"
shards 2 b
refused 2 "not shards of one check: one is shard" a/1.dsum b/2.dsum a/3.dsum
sed -i 's/threshold: 0.8/threshold: 0.85/' specs/d.yaml
shards 3 c
refused 2 "judged by different specs" a/1.dsum c/2.dsum a/3.dsum
say "the merge judged by another spec than the shards"
refused 2 "judged by another specs/d.yaml" a/1.dsum a/2.dsum a/3.dsum
git checkout -q specs/d.yaml

say "a merge at another commit than the shards read"
shards 2 r --rev HEAD
echo '{"conversations": [{"from": "human", "value": "one more"}, {"from": "gpt", "value": "ok"}]}' >>data/train.jsonl
git commit -q -am more
refused 2 "run dsci merge in a checkout of the commit the shards checked" r/1.dsum r/2.dsum
say "the work tree changed under the parts"
shards 2 w
echo '{"conversations": [{"from": "human", "value": "and another"}, {"from": "gpt", "value": "ok"}]}' >>data/train.jsonl
refused 2 "data/train.jsonl is not the file the shards read" w/1.dsum w/2.dsum
git checkout -q data/train.jsonl

say "damaged parts: truncated, one byte changed, not a part, empty, missing, a folder"
shards 2 d
head -c 3000 d/2.dsum >d/cut.dsum
refused 3 "d/cut.dsum: not a usable dsci summary part: it is truncated" d/1.dsum d/cut.dsum
python3 - <<'PY'
data = bytearray(open("d/2.dsum", "rb").read())
data[len(data) // 2] ^= 0x20
open("d/flip.dsum", "wb").write(data)
head = bytearray(open("d/2.dsum", "rb").read())
head[8] = 9
open("d/newer.dsum", "wb").write(head)
PY
refused 3 "d/flip.dsum: not a usable dsci summary part: its bytes do not match its checksum" d/1.dsum d/flip.dsum
refused 2 "d/newer.dsum: a part in format 9" d/1.dsum d/newer.dsum
refused 3 "ok.json: not a usable dsci summary part" d/1.dsum ok.json
: >d/empty.dsum
refused 3 "d/empty.dsum: not a usable dsci summary part" d/1.dsum d/empty.dsum
refused 2 "d/none.dsum: cannot open the part: no such file" d/1.dsum d/none.dsum
refused 2 "d: not a regular file" d/1.dsum d
refused 2 "merge takes the parts"

say "usage: --shard values, --shard without --summary-out, a report asked of a shard"
for bad in 0/3 4/3 3 a/b 1/0 -1/2 1/99999; do
    test_must_fail 2 dsci check --shard "$bad" --summary-out x.dsum
    grep -q -- "--shard takes I/N" err || fail "--shard $bad: $(cat err)"
done
test_must_fail 2 dsci check --shard 1/2
grep -q "needs --summary-out" err || fail "$(cat err)"
test_must_fail 2 dsci check --summary-out x.dsum
test_must_fail 2 dsci check --shard 1/2 --summary-out x.dsum --format json
grep -q "report .* comes from dsci merge" err || fail "$(cat err)"
[ ! -e x.dsum ] || fail "a refused shard wrote its part"

say "GitHub Actions: the shards write no report, the merge writes check's"
export GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$PWD/summary.md" GITHUB_OUTPUT="$PWD/outputs"
: >summary.md
: >outputs
shards 2 g >shard.out
[ ! -s shard.out ] && [ ! -s summary.md ] && [ ! -s outputs ] || fail "a shard wrote a report"
set +e
dsci check >check.out
want=$?
set -e
mv summary.md check.summary.md
mv outputs check.outputs
: >summary.md
: >outputs
set +e
dsci merge g/1.dsum g/2.dsum >merge.out
got=$?
set -e
[ "$got" = "$want" ] || fail "merge exited $got, check $want"
[ -s merge.out ] || fail "the merge printed no annotations"
# the stop-commands token is random on every run (util/gh_escape.h)
sed 's/::[0-9a-f]\{32\}::$/::TOKEN::/; s/^::stop-commands::.*/::stop-commands::TOKEN/' check.out >check.github
sed 's/::[0-9a-f]\{32\}::$/::TOKEN::/; s/^::stop-commands::.*/::stop-commands::TOKEN/' merge.out >merge.github
test_cmp check.github merge.github
test_cmp check.summary.md summary.md
test_cmp check.outputs outputs
