#!/bin/sh
# valgrind finds no leak or error when dsci checks the example (passing and failing),
# and the static build really is static.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

if [ "$DSCI_STATIC_BUILD" = 1 ]; then
    ldd "$DSCI" >ldd.out 2>&1 || true
    expect_line ldd.out "not a dynamic executable"
    test_ok dsci -C "$DSCI_SOURCE_DIR/examples/task-api" check -q
    # valgrind cannot replace malloc in a static glibc binary; the dynamic build runs it.
    skip "static build: checked ldd and a run; valgrind runs on the dynamic build"
fi
[ "$DSCI_SANITIZED" = 1 ] && skip "sanitizer build: valgrind cannot run it"
command -v valgrind >/dev/null || skip "valgrind not installed"

copy_example
run_valgrind() {
    want=$1
    shift
    test_must_fail "$want" valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible "$DSCI" "$@"
}
run_valgrind 0 -C task-api check --format json --output report.json --format text
run_valgrind 0 -C task-api check -q
sed -i '3s/"from": "human"/"from": "robot"/' task-api/data/splits/train.jsonl
run_valgrind 1 -C task-api check
run_valgrind 2 -C task-api check --format nope
