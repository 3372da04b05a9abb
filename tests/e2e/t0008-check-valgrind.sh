#!/bin/sh
# valgrind finds no leak or error when dsci checks the example (passing and failing).
# Registered only for the plain dynamic build (tests/CMakeLists.txt): valgrind cannot run
# a sanitizer build, nor replace malloc in a static glibc binary; t1190 checks that one.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

need_command valgrind "apt-get install valgrind"

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
