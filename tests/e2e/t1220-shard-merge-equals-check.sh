#!/bin/sh
# Issue 14: `dsci check --shard I/N` on every shard, then `dsci merge` of the parts, gives
# the JSON report of one `dsci check` (the date aside) and its exit code, for N = 1, 2,
# 3, 7: every gate on, near-duplicate clusters and leaks that span shards, a baseline
# tag, the work tree, the index and a revision, a JSON array file, a line over the
# limit, an empty file, CRLF and a BOM. Small chunks (DSCI_CHUNK_BYTES) cut 1 MB into
# dozens of pieces, so every file is spread over several shards.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3 "generates the data"

export DSCI_CHUNK_BYTES=16384
git init -q repo
cd repo
mkdir -p specs data
python3 "$DSCI_SOURCE_DIR/tests/data/gen_messy.py" data/test.jsonl 300 2
python3 "$DSCI_SOURCE_DIR/tests/data/gen_messy.py" data/train.jsonl 4000 1 --leak-from data/test.jsonl
python3 "$DSCI_SOURCE_DIR/tests/data/gen_messy.py" data/val.jsonl 200 3
cat >specs/d.yaml <<'YAML'
dsci: 1
dataset:
  name: shard-test
  format: auto
  id_field: id
  max_line_bytes: 4096
  files:
    train: [data/train.jsonl, data/extra-*.json*]
    validation: data/val.jsonl
    test: data/test.jsonl
  version_file: data/version.json
versioning: {tag_prefix: v}
gates:
  format: {level: block}
  coverage:
    level: block
    by: keywords
    categories:
      - {name: Create, min: 5, keywords: [create, set up]}
      - {name: Update, min: 5, keywords: [update, change]}
      - {name: Delete, min: 5, keywords: [delete, remove]}
      - {name: Query, min: 5, keywords: [show, list]}
  quality: {level: warn}
  duplicates: {exact: block, near: warn, threshold: 0.8}
  leakage: {level: block, near_threshold: 0.9}
  pii: {level: block, detect: [email, phone]}
  splits: {level: block}
  reproducibility: {level: warn}
  regression: {level: block, coverage_drop: block, max_removed: 5%}
YAML
git add -A
git commit -q -m data
git tag -a v1.0.0 -m v1.0.0

# the head: edits in the train file, a JSON array file, a file with a line over the
# limit in its middle, an empty file, CRLF lines and a BOM
python3 - <<'PY'
import json
p = "data/train.jsonl"
lines = open(p, encoding="utf-8").read().split("\n")[:-1]
lines.insert(3, lines[200])
del lines[1000]
lines.append('{"conversations": [{"from": "human", "value": "broken')
open(p, "w", encoding="utf-8").write("\n".join(lines) + "\n")
val = open("data/val.jsonl", encoding="utf-8").read().split("\n")[:-1]
recs = [json.loads(l) for l in val[:40] if l.startswith("{") and l.endswith("}")]
json.dump(recs, open("data/extra-array.json", "w"), indent=1)
long = [l for l in val[40:120]]
long.insert(30, '{"conversations": [{"from": "human", "value": "' + "x" * 9000 + '"}]}')
open("data/extra-long.jsonl", "w", encoding="utf-8").write("\n".join(long) + "\n")
open("data/extra-empty.jsonl", "w").close()
crlf = val[120:180]
open("data/extra-crlf.jsonl", "w", encoding="utf-8", newline="").write("\ufeff" + "\r\n".join(crlf) + "\r\n")
PY

# same NAME [CHECK OPTIONS]: check vs merge of N shards, for N in 1 2 3 7
same() {
    name=$1
    shift
    set +e
    dsci check "$@" --no-cache --format json --output "$name.whole.json" 2>"$name.whole.err"
    want=$?
    set -e
    [ "$want" -le 1 ] || { cat "$name.whole.err" >&2; fail "$name: the check itself failed ($want)"; }
    sed '/"date":/d' "$name.whole.json" >"$name.expect"
    for n in 1 2 3 7; do
        rm -rf parts && mkdir parts
        i=1
        while [ "$i" -le "$n" ]; do
            dsci check "$@" --shard "$i/$n" --summary-out "parts/$i.dsum" -q ||
                fail "$name: shard $i/$n exited $?"
            i=$((i + 1))
        done
        set +e
        dsci merge parts/*.dsum --format json --output "$name.$n.json" 2>"$name.$n.err"
        got=$?
        set -e
        [ "$got" = "$want" ] || { cat "$name.$n.err" >&2; fail "$name: merge of $n shards exited $got, check $want"; }
        sed '/"date":/d' "$name.$n.json" >"$name.$n.got"
        test_cmp "$name.expect" "$name.$n.got"
    done
}

say "the work tree against the baseline tag: every gate, findings across shards"
same worktree
grep -q '"near_duplicates"\|near-dup' worktree.expect || fail "no near-duplicate check in the report"
grep -q '"leakage"' worktree.expect || fail "no leakage section in the report"

say "without the cache the shards give the same parts' report"
export DSCI_NO_CACHE=1
same nocache
unset DSCI_NO_CACHE

say "the index and a revision; no baseline; an explicit baseline"
git add -A
same staged --staged
git commit -q -m edits
same rev --rev HEAD
same nobase --base none
same base --rev HEAD --base v1.0.0

say "the default chunk size: a small dataset is one shard's, the others' parts are empty"
unset DSCI_CHUNK_BYTES
same onechunk
