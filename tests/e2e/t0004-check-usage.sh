#!/bin/sh
# Usage errors exit 2 with one clear line; help and --version work.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

copy_example
test_must_fail 2 dsci -C task-api check --bogus
expect_line err "unknown option '--bogus'"
test_must_fail 2 dsci -C task-api check --format xml
expect_line err "unknown format 'xml'"
test_must_fail 2 dsci -C task-api check --output x.json
expect_line err "--output must follow"
test_must_fail 2 dsci -C task-api check extra
test_must_fail 2 dsci frobnicate
expect_line err "no such command 'frobnicate'"
test_must_fail 2 dsci chec
test_must_fail 2 dsci
test_must_fail 2 dsci -C /nonexistent check
test_must_fail 2 dsci -C task-api check --color sometimes
test_ok dsci --version
expect_line out "dsci "
test_ok dsci help check
expect_line out "usage: dsci check"
test_ok dsci check --help
expect_line out "usage: dsci check"
test_ok dsci help
expect_line out "commands:"
