#!/bin/sh
# The regression gate judges a change against the baseline tag: a category falling below
# its baseline count and more than max_removed of the baseline's examples removed block
# (exit 1); modified examples are not removals; a change within the limits passes; a quality
# metric leaving its target band warns (or blocks with metric_drift: block); levels apply.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

copy_example
cd task-api
# Checksums change with the data; the version file is not under test here.
sed -i '/^  reproducibility:/{n;s/level: block/level: off/}' specs/task-api.yaml
git init -q
git add -A
git commit -q -m "dataset 1.0.0"
git tag -a -m "release 1.0.0" dataset-v1.0.0
TRAIN=data/splits/train.jsonl
git show "HEAD:$TRAIN" >"$TRASH/train.orig"
git show HEAD:specs/task-api.yaml >"$TRASH/spec.orig"

reset() { # back to the tagged data and spec
    cp "$TRASH/train.orig" "$TRAIN"
    cp "$TRASH/spec.orig" specs/task-api.yaml
}
regression_section() { # ./reg = the REGRESSION section of ./out
    sed -n '/^REGRESSION (vs /,/^=====/p' out >reg
    [ -s reg ] || { cat out >&2; fail "no REGRESSION section"; }
}
drop_first() { # drop_first N OPERATION: remove the first N train examples of OPERATION
    awk -v n="$1" -v op="\"operation\": \"$2\"" 'index($0, op) && k < n { k++; next } { print }' \
        "$TRASH/train.orig" >"$TRAIN"
}
set_regression() { # set_regression KEY VALUE: in the spec's regression block
    sed -i "/^  regression:/,\$s/^    $1: [^ ]*/    $1: $2/" specs/task-api.yaml
    grep -q "^    $1: $2" specs/task-api.yaml || fail "could not set regression.$1"
}

say "eight Delete examples removed: coverage still above its minimum, but below the baseline"
drop_first 8 Delete
first=$(grep -n '"operation": "Delete"' "$TRASH/train.orig" | head -n 1 | cut -d: -f1)
test_must_fail 1 dsci check
expect_line out "[PASS] Delete: 16 examples (target: 15)"
regression_section
expect_line reg "REGRESSION (vs dataset-v1.0.0)"
expect_line reg "0 added, 8 removed, 0 modified, 122 unchanged"
expect_line reg "[FAIL] Delete: 16 examples (baseline: 24)"
expect_line reg "[PASS] Create: 30 examples (baseline: 30)"
expect_line reg "[FAIL] Removed examples: 8 of 130 (6.2%) (max: 5%)"
expect_line out "RESULT: FAIL"
expect_line out "Blocking failures: 2"
expect_line out "'Delete' dropped from 24 to 16 examples since the baseline"
expect_line out "data/splits/train.jsonl: the 'Delete' example at line $first in the baseline was removed"
expect_line out "8 examples (6.2%) were removed since the baseline, more than the 5% allowed"

say "the regression is what blocks: without a baseline the same data passes"
test_ok dsci check --base none

say "the pull request's commit, checked with --rev, blocks the same way"
git commit -q -a -m "drop some Delete conversations"
test_must_fail 1 dsci check --rev HEAD
regression_section
expect_line reg "[FAIL] Delete: 16 examples (baseline: 24)"
expect_line reg "[FAIL] Removed examples: 8 of 130 (6.2%) (max: 5%)"
test_must_fail 1 dsci check --format json --output "$TRASH/report.json"
python3 - "$TRASH/report.json" <<'PY' || fail "JSON report disagrees"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["result"] == "fail" and r["baseline"] == "dataset-v1.0.0", (r["result"], r["baseline"])
reg = [g for g in r["gates"] if g["gate"] == "regression"][0]
assert reg["status"] == "fail", reg["status"]
by = {c["id"]: c for c in reg["checks"]}
assert by["regression.coverage.Delete"]["status"] == "fail" and by["regression.coverage.Delete"]["value"] == 16
assert by["regression.coverage.Delete"]["threshold"] == 24
assert by["regression.max_removed"]["status"] == "fail"
assert by["regression.coverage.Create"]["status"] == "pass"
PY
git reset -q --hard dataset-v1.0.0

say "levels: warn reports without blocking, off removes the section, each rule has its own level"
drop_first 8 Delete
set_regression level warn
set_regression coverage_drop warn
test_ok dsci check
regression_section
expect_line reg "[WARN] Delete: 16 examples (baseline: 24)"
expect_line reg "[WARN] Removed examples: 8 of 130 (6.2%) (max: 5%)"
cp "$TRASH/spec.orig" specs/task-api.yaml
set_regression max_removed 10%
test_must_fail 1 dsci check
regression_section
expect_line reg "[FAIL] Delete: 16 examples (baseline: 24)"
expect_line reg "[PASS] Removed examples: 8 of 130 (6.2%) (max: 10%)"
expect_line out "Blocking failures: 1"
cp "$TRASH/spec.orig" specs/task-api.yaml
set_regression coverage_drop off
test_must_fail 1 dsci check
regression_section
expect_no_line reg "Delete: 16 examples (baseline"
expect_line reg "[FAIL] Removed examples: 8 of 130 (6.2%) (max: 5%)"
cp "$TRASH/spec.orig" specs/task-api.yaml
set_regression level off
test_ok dsci check
expect_no_line out "REGRESSION"

say "every Delete example of train removed: the coverage gate and the regression gate both fail"
reset
drop_first 20 Delete
test_must_fail 1 dsci check
expect_line out "[FAIL] Delete: 4 examples (target: 15)"
regression_section
expect_line reg "0 added, 20 removed, 0 modified, 110 unchanged"
expect_line reg "[FAIL] Delete: 4 examples (baseline: 24)"
expect_line reg "[FAIL] Removed examples: 20 of 130 (15.4%) (max: 5%)"
expect_line out "Blocking failures: 3"

say "within the limits: 6 of 130 removed (4.6%), replaced in the same categories"
reset
head -n 98 "$TRASH/train.orig" >"$TRAIN"
tail -n 6 "$TRASH/train.orig" | sed 's/"id": "task-api-/"id": "task-api-new-/; s/"value": "/"value": "Hi again. /' >>"$TRAIN"
test_ok dsci check
regression_section
expect_line reg "6 added, 6 removed, 0 modified, 124 unchanged"
expect_line reg "[PASS] Removed examples: 6 of 130 (4.6%) (max: 5%)"
expect_no_line reg "[FAIL]"
expect_line out "RESULT: PASS"

say "one more (7 of 130, 5.4%) and only max_removed fails"
head -n 97 "$TRASH/train.orig" >"$TRAIN"
tail -n 7 "$TRASH/train.orig" | sed 's/"id": "task-api-/"id": "task-api-new-/; s/"value": "/"value": "Hi again. /' >>"$TRAIN"
test_must_fail 1 dsci check
regression_section
expect_line reg "7 added, 7 removed, 0 modified, 123 unchanged"
expect_line reg "[FAIL] Removed examples: 7 of 130 (5.4%) (max: 5%)"
expect_no_line reg "[FAIL] Create"
expect_no_line reg "[FAIL] Update"
expect_no_line reg "[FAIL] Complete"
expect_no_line reg "[FAIL] Delete"
expect_no_line reg "[FAIL] Query"
expect_line out "Blocking failures: 1"

say "modified examples (same id, edited reply) are not removals"
reset
sed -i '1,20s/"}], "metadata"/ Anything else I can help with?"}], "metadata"/' "$TRAIN"
[ "$(grep -c 'Anything else I can help with?"}], "metadata"' "$TRAIN")" -eq 20 ] || fail "could not edit 20 replies"
test_ok dsci check
regression_section
expect_line reg "0 added, 0 removed, 20 modified, 110 unchanged"
expect_line reg "[PASS] Removed examples: 0 of 130 (0.0%) (max: 5%)"

say "a quality metric leaving its target band: a warning by default, blocking on request"
reset
for f in data/splits/*.jsonl; do
    sed -i 's/"from": "human", "value": "/&Please reply briefly, I am in a hurry today. /g' "$f"
done
test_ok dsci check
regression_section
grep -q '^  \[WARN\] Avg human length: [0-9.]* (baseline 46.25) (target: 30-80)$' reg ||
    { cat reg >&2; fail "no metric drift warning"; }
expect_line reg "[PASS] Avg assistant length: 125.40 (baseline 125.40)"
expect_line reg "0 added, 0 removed, 130 modified, 0 unchanged"
set_regression metric_drift block
test_must_fail 1 dsci check
regression_section
grep -q '^  \[FAIL\] Avg human length: [0-9.]* (baseline 46.25) (target: 30-80)$' reg ||
    { cat reg >&2; fail "metric drift does not block"; }
expect_line out "Blocking failures: 1"
