#!/bin/sh
# Spec mistakes exit 2 with file:line:column and the key.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

copy_example
sed -i 's/^  coverage:/  coverage:\n    treshold: 3/' task-api/specs/task-api.yaml
test_must_fail 2 dsci -C task-api check
expect_line err "specs/task-api.yaml:"
expect_line err "treshold"
[ "$(wc -l <err)" -eq 1 ] || fail "expected a one-line message"

copy_example t2
sed -i 's/level: block                      # in target/level: blocking # in target/; s/quality:\n    level: warn/&/' t2/specs/task-api.yaml
sed -i 's/^    level: warn                      #/    level: sometimes #/' t2/specs/task-api.yaml
test_must_fail 2 dsci -C t2 check
expect_line err "sometimes"

# A missing data file is a usage error naming the file.
copy_example t3
rm t3/data/splits/val.jsonl
test_must_fail 2 dsci -C t3 check
expect_line err "val.jsonl"

# No spec at all.
mkdir empty
test_must_fail 2 dsci -C empty check
expect_line err "no spec found"

# Two specs: dsci asks which.
copy_example t4
cp t4/specs/task-api.yaml t4/specs/other.yaml
test_must_fail 2 dsci -C t4 check
expect_line err "other.yaml"
expect_line err "task-api.yaml"
test_ok dsci -C t4 check --spec specs/other.yaml
