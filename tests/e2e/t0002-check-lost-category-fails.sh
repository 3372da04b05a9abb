#!/bin/sh
# Deleting every Delete conversation fails the coverage gate with a remediation step.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

copy_example
for f in task-api/data/splits/*.jsonl; do
    grep -v '"operation": "Delete"' "$f" >"$f.new" || true
    mv "$f.new" "$f"
done
test_must_fail 1 dsci -C task-api check
expect_line out "[FAIL] Delete: 0 examples (target: 15)"
expect_line out "RESULT: FAIL"
expect_line out "Dataset does not meet production criteria."
expect_line out "Blocking failures:"
expect_line out "REMEDIATION STEPS:"
expect_line out "'Delete'"
# The checksums no longer match either: reproducibility names the file to re-hash.
expect_line out "data/splits/train.jsonl"
