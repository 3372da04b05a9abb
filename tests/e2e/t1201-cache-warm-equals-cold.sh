#!/bin/sh
# Issue 12: a check that reuses kept chunk summaries gives the JSON report of a check
# that reads everything, byte for byte, every gate on and a baseline included: after
# editing, inserting, deleting and moving records at the start, middle and end of a
# file, and after changing the spec. Small chunks (DSCI_CHUNK_BYTES) make a 1 MB file
# dozens of chunks, so edits land in the first, a middle and the last one.
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
  name: cache-test
  format: sharegpt
  id_field: id
  files: {train: data/train.jsonl, validation: data/val.jsonl, test: data/test.jsonl}
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
dsci bump --tag >bump.out 2>&1 || { git add -A && git commit -q -m version && dsci bump --tag >>bump.out 2>&1; } || true
git tag -l | grep -q . || git tag -a v1.0.0 -m v1.0.0
git tag -l | grep -qx v1.0.0 || fail "no baseline tag v1.0.0: $(cat bump.out)"
rm -rf .git/dsci/cache   # bump's own runs filled it: the first check below starts empty

# same NAME [CHECK OPTIONS]: the report with the cache (twice: filling, then reusing)
# must equal the report without it.
same() {
    name=$1
    shift
    set +e
    dsci check "$@" --no-cache --format json --output "$name.cold.json" 2>/dev/null
    cold=$?
    dsci check "$@" --explain-cache --format json --output "$name.fill.json" 2>"$name.fill"
    fill=$?
    dsci check "$@" --explain-cache --format json --output "$name.warm.json" 2>"$name.explain"
    warm=$?
    set -e
    [ "$cold" -le 1 ] || fail "$name: the check itself failed ($cold)"
    [ "$cold" = "$fill" ] && [ "$cold" = "$warm" ] || fail "$name: exit codes $cold (cold) $fill (fill) $warm (warm)"
    test_cmp "$name.cold.json" "$name.fill.json"
    test_cmp "$name.cold.json" "$name.warm.json"
}

# reused_most NAME MAX: the first run after the change reused chunks and read at most
# MAX of them; the next one read none.
reused_most() {
    grep -q "head: [1-9][0-9]* of" "$1.fill" || { cat "$1.fill" >&2; fail "$1: no chunk reused"; }
    read_n=$(sed -n 's/^cache: head: .* reused ([0-9.]* MB), \([0-9]*\) read.*/\1/p' "$1.fill")
    [ "${read_n:-99}" -le "$2" ] || { cat "$1.fill" >&2; fail "$1: $read_n chunks read, expected at most $2"; }
    grep -q "head: .* 0 read" "$1.explain" || { cat "$1.explain" >&2; fail "$1: the warm run read chunks"; }
}

# read_all NAME: the first run after the change reused nothing (the spec changed)
read_all() {
    grep -q "head: 0 of" "$1.fill" || { cat "$1.fill" >&2; fail "$1: chunks reused under another spec"; }
}

say "unchanged data: every chunk reused, nothing read"
same unchanged
grep -q "head: 0 of [1-9][0-9]* chunks reused.* read" unchanged.fill || fail "the first run did not fill the cache"
grep -q "head: \([0-9]*\) of \1 chunks reused.* 0 read" unchanged.explain || { cat unchanged.explain >&2; fail "unchanged data was read again"; }

edit() {   # edit SCRIPT: a python expression on `lines` (the train file's lines)
    python3 - "$1" <<'PY'
import sys
p = "data/train.jsonl"
lines = open(p, encoding="utf-8", newline="").read().split("\n")
last = lines.pop()  # "" after the final newline
exec(sys.argv[1])
open(p, "w", encoding="utf-8", newline="").write("\n".join(lines) + "\n")
PY
}

say "a record edited at the start, in the middle, at the end (same length and longer)"
edit 'lines[1] = lines[1].replace("e", "E", 1)'
same edit-start
reused_most edit-start 3
edit 'm = len(lines) // 2; lines[m] = lines[m].replace("item", "item number")'
same edit-middle
reused_most edit-middle 3
edit 'lines[-1] = lines[-1].replace("a", "A", 1)'
same edit-end
reused_most edit-end 3

say "records inserted at the start, middle and end; a broken line inserted in the middle"
edit 'lines.insert(0, lines[10]); lines.insert(len(lines)//2, "{not json"); lines.append(lines[3])'
same insert
reused_most insert 8
edit 'lines.insert(len(lines)//3, "\r")'
same insert-blank

say "records deleted, and one moved from the start to the end"
edit 'del lines[5]; del lines[len(lines)//2]; del lines[-2]'
same delete
reused_most delete 8
edit 'lines.append(lines.pop(2))'
same move
reused_most move 4

say "the staged data and a revision, with the baseline"
git add -A
same staged --staged
grep -q "head: .* 3 files skipped unread by blob id" staged.explain || fail "staged: files not skipped by blob id"
git commit -q -m edits
same rev --rev HEAD
same rev-base --rev HEAD --base v1.0.0

say "a changed spec: a keyword moved between categories"
sed -i 's/keywords: \[show, list\]/keywords: [show, list, archive]/' specs/d.yaml
same spec-changed
read_all spec-changed
sed -i 's/near_threshold: 0.9/near_threshold: 0.85/' specs/d.yaml
same spec-threshold
