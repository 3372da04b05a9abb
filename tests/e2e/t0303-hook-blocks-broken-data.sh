#!/bin/sh
# The hook judges what the commit records, not the work tree: a broken staged line blocks
# the commit (exit 1, with the report and how to bypass); fixing only the work tree does
# not help; `git commit -a` and `git commit PATH` are judged on the temporary index git
# hands the hook (GIT_INDEX_FILE); --no-verify bypasses.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

PATH="$(dirname "$DSCI"):$PATH"
export PATH
blocked="commit blocked by dsci; fix the data, or bypass with: git commit --no-verify"

copy_example
make_repo task-api
test_ok dsci -C task-api hook install
cd task-api || exit 1
git show HEAD:data/splits/train.jsonl >../train.good
sed '3s/"from": "human"/"from": "humn"/' ../train.good >../train.bad
cmp -s ../train.good ../train.bad && fail "the edit changed nothing"
# A harmless change to the spec, so that a commit with good data still has something
# of the dataset's to check.
echo "# reviewed" >>specs/task-api.yaml

say "a broken line is staged: blocked"
cp ../train.bad data/splits/train.jsonl
git add data/splits/train.jsonl
test_must_fail 1 git commit -q -m "broken"
expect_line err "dsci: checking the staged dataset of specs/task-api.yaml"
expect_line err "RESULT: FAIL"
expect_line err "data/splits/train.jsonl:3"
expect_line err "$blocked"
[ "$(git log --format=%s -1)" = initial ] || fail "the broken commit was made"

say "fixed in the work tree only: still blocked, the index is what gets committed"
cp ../train.good data/splits/train.jsonl
test_must_fail 1 git commit -q -m "still broken"
expect_line err "RESULT: FAIL"
expect_line err "$blocked"

say "git commit -a: the hook sees the temporary index with the fix"
test_ok git commit -q -a -m "fixed with -a"
expect_line err "RESULT: PASS"
expect_no_line err "$blocked"
[ "$(git log --format=%s -1)" = "fixed with -a" ] || fail "not committed"

say "git commit PATH: likewise"
cp ../train.bad data/splits/train.jsonl
git add data/splits/train.jsonl
cp ../train.good data/splits/train.jsonl
echo "# reviewed twice" >>specs/task-api.yaml
test_ok git commit -q -m "fixed with paths" specs/task-api.yaml data/splits/train.jsonl
expect_line err "RESULT: PASS"
[ "$(git log --format=%s -1)" = "fixed with paths" ] || fail "not committed"
git diff --quiet HEAD -- data/splits/train.jsonl || fail "the broken line was committed"

say "good staged data, broken only in the work tree: passes"
echo "# reviewed thrice" >>specs/task-api.yaml
git add specs/task-api.yaml
cp ../train.bad data/splits/train.jsonl
test_ok git commit -q -m "staged is fine"
expect_line err "RESULT: PASS"
cp ../train.good data/splits/train.jsonl

say "--no-verify bypasses the hook"
cp ../train.bad data/splits/train.jsonl
git add data/splits/train.jsonl
test_ok git commit -q --no-verify -m "bypassed"
expect_no_line err "dsci"
[ "$(git log --format=%s -1)" = bypassed ] || fail "not committed"

say "dsci hook run by hand on the same staged state exits 1 too"
echo "# reviewed again" >>specs/task-api.yaml
git add specs/task-api.yaml
test_must_fail 1 dsci hook run --color never
expect_line out "RESULT: FAIL"
expect_line err "$blocked"
