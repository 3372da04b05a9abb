#!/bin/sh
# A skip says why, and where the suite must run real clients it cannot skip them:
# need_command skips with the reason, or fails under DSCI_REQUIRE_CLIENTS=1 (set by
# scripts/test.sh); t0901 with an unreachable npm registry fails there instead of
# skipping; scripts/skip-reasons.sh prints each skipped test's reason from ctest's log.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

cat >needs.sh <<'SH'
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command dsci-no-such-tool "apt-get install it"
echo "ran anyway"
SH

say "need_command: a skip with the reason"
test_must_fail 77 env DSCI_REQUIRE_CLIENTS=0 sh needs.sh
expect_line out "skip: dsci-no-such-tool is not installed (apt-get install it)"
expect_no_line out "ran anyway"

say "need_command under DSCI_REQUIRE_CLIENTS=1: a failure with the reason"
test_must_fail 1 env DSCI_REQUIRE_CLIENTS=1 sh needs.sh
expect_line err "dsci-no-such-tool is not installed"
expect_line err "DSCI_REQUIRE_CLIENTS=1"

say "t0901 with an unreachable npm registry"
mkdir fakebin
cat >fakebin/npm <<'SH'
#!/bin/sh
echo "npm error code ENOTFOUND" >&2
echo "npm error network request to https://registry.npmjs.org/ failed, reason: getaddrinfo ENOTFOUND" >&2
exit 1
SH
chmod +x fakebin/npm
t0901=$DSCI_SOURCE_DIR/tests/e2e/t0901-action-validates.sh
test_must_fail 77 env DSCI_REQUIRE_CLIENTS=0 DSCI_NPM_DIR="$TRASH/npm1" PATH="$TRASH/fakebin:$PATH" sh "$t0901"
expect_line out "skip: "
expect_line out "unreachable"
test_must_fail 1 env DSCI_REQUIRE_CLIENTS=1 DSCI_NPM_DIR="$TRASH/npm2" PATH="$TRASH/fakebin:$PATH" sh "$t0901"
expect_line err "unreachable"
expect_line err "DSCI_REQUIRE_CLIENTS=1"

say "scripts/skip-reasons.sh: the reason of each skipped test of a ctest run"
need_command cmake
need_command ctest
mkdir proj
cat >proj/CMakeLists.txt <<EOF2
cmake_minimum_required(VERSION 3.18)
project(skips NONE)
enable_testing()
add_test(NAME e2e/needs COMMAND sh $TRASH/needs.sh)
add_test(NAME e2e/fine COMMAND sh -c "echo fine")
set_tests_properties(e2e/needs e2e/fine PROPERTIES SKIP_RETURN_CODE 77
    ENVIRONMENT "DSCI_REQUIRE_CLIENTS=0")
EOF2
cmake -S proj -B proj/build >/dev/null
ctest --test-dir proj/build >ctest.out 2>&1 || { cat ctest.out >&2; fail "ctest failed"; }
sh "$DSCI_SOURCE_DIR/scripts/skip-reasons.sh" proj/build >reasons
printf 'skipped: e2e/needs: dsci-no-such-tool is not installed (apt-get install it)\n' >expected
test_cmp expected reasons
