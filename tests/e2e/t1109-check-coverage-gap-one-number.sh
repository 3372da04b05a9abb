#!/bin/sh
# The coverage-gap row of the step summary gives one number, the same in "Gap" and in
# "What to add", and says what it is: enough to reach both the minimum and the
# baseline's count (a drop below the baseline fails the regression gate).
. "$DSCI_SOURCE_DIR/tests/lib.sh"

copy_example
make_repo task-api
git -C task-api tag dataset-v1.0.0
cd task-api

# delete_examples N: remove the first N Delete examples of train.jsonl
delete_examples() {
    git checkout -q -- data
    awk -v n="$1" '/"operation": "Delete"/ && k < n { k++; next } { print }' data/splits/train.jsonl >t.new
    mv t.new data/splits/train.jsonl
}

# row CATEGORY: the category's row of the coverage-gap table
row() {
    grep "^| $1 |" ../report.md || fail "no coverage row for $1"
}

dsci check --format markdown --output ../report.md || true
base=$(row Delete | awk -F' \\| ' '{print $2}')
[ "$base" -gt 16 ] || fail "the fixture needs more than 16 Delete examples, has $base"

say "below the minimum and below the baseline: the larger need, both explained"
delete_examples $((base - 5))
test_must_fail 1 dsci check --format markdown --output ../report.md
need=$((base - 5))
r=$(row Delete)
printf '%s\n' "$r"
case $r in
    "| Delete | 5 | 15 | $base | $need | $need more 'Delete' conversations (keywords: delete, remove, cancel): 10 to reach the minimum of 15, $need to get back to the baseline's $base |") ;;
    *) fail "coverage row: $r" ;;
esac
expect_no_line ../report.md "vs baseline)"
expect_line ../report.md "Gap: the conversations a category needs to reach both its minimum and its count in the baseline"

say "above the minimum, below the baseline"
delete_examples 2
test_must_fail 1 dsci check --format markdown --output ../report.md
r=$(row Delete)
case $r in
    "| Delete | $((base - 2)) | 15 | $base | 2 | 2 more 'Delete' conversations (keywords: delete, remove, cancel) to get back to the baseline's $base (it meets its minimum of 15) |") ;;
    *) fail "coverage row: $r" ;;
esac

say "nothing missing"
git checkout -q -- data
test_ok dsci check --format markdown --output ../report.md
case $(row Delete) in
    "| Delete | $base | 15 | $base | 0 | nothing |") ;;
    *) fail "coverage row: $(row Delete)" ;;
esac
