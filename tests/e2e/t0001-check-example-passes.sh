#!/bin/sh
# The bundled example passes: PASS report, exit 0, every gate section present.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

copy_example
test_ok dsci -C task-api check
expect_line out "DATASET VALIDATION REPORT"
expect_line out "Date: 2025-01-01T15:00:00Z"
expect_line out "Version: 1.0.0"
expect_line out "[PASS] Valid JSON: 130/130 (100%)"
expect_line out "[PASS] Create: 30 examples (target: 20)"
expect_line out "[PASS] Delete: 24 examples (target: 15)"
for section in FORMAT COVERAGE QUALITY SPLITS REPRODUCIBILITY; do
    grep -qx "$section" out || fail "no $section section"
done
expect_line out "RESULT: PASS"
expect_line out "Dataset is production-ready for fine-tuning."
expect_no_line out "[FAIL]"

# The same from inside the folder, with the spec named explicitly, options after it.
(cd task-api && test_ok dsci check --spec specs/task-api.yaml --color never)
