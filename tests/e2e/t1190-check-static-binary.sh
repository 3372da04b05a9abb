#!/bin/sh
# The static build really is static, and runs: ldd calls it "not a dynamic executable",
# and it checks the example (passing and failing) with the exit codes of the dynamic
# build. Registered only for -DDSCI_STATIC=ON (tests/CMakeLists.txt).
. "$DSCI_SOURCE_DIR/tests/lib.sh"

[ "$DSCI_STATIC_BUILD" = 1 ] || fail "t1190 runs on the static build only (DSCI_STATIC_BUILD=$DSCI_STATIC_BUILD)"
need_command ldd
ldd "$DSCI" >ldd.out 2>&1 || true
expect_line ldd.out "not a dynamic executable"
copy_example
test_ok dsci -C task-api check -q
test_ok dsci -C task-api check --format json --output report.json --format sarif --output report.sarif
grep -q '"version": "2.1.0"' task-api/report.sarif || fail "no SARIF 2.1.0 written (-C: outputs are relative to the dataset)"
sed -i '3s/"from": "human"/"from": "robot"/' task-api/data/splits/train.jsonl
test_must_fail 1 dsci -C task-api check -q
test_must_fail 2 dsci -C task-api check --format nope
