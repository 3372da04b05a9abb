#!/bin/sh
# The whole test suite on a fresh machine: install what is missing (scripts/deps.sh test,
# and the npm validators pinned by tests/npm/package-lock.json into build/npm), then
# build and run every unit and end-to-end test through ctest three times: the normal
# build (warnings are errors, and valgrind), the ASan+UBSan build, and the static build
# (which also checks that ldd calls it "not a dynamic executable"); last, each libFuzzer
# target runs for a bounded time over its corpus (tests/fuzz, clang, ASan+UBSan).
#
# DSCI_REQUIRE_CLIENTS=1 turns a test that would skip for want of a third-party client
# (valgrind, pre-commit, the SARIF multitool, action-validator...) into a failure, so
# the real clients always run here; a skip for any other reason is printed with it.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh test
jobs=$(nproc)
fuzz_seconds=${DSCI_FUZZ_SECONDS:-60}
export DSCI_REQUIRE_CLIENTS=1

echo "== npm: the validators the tests run (tests/npm/package-lock.json)"
mkdir -p build
DSCI_NPM_DIR=$(sh scripts/npm-tools.sh "$PWD/build/npm")
export DSCI_NPM_DIR

run_suite() { # run_suite BUILD_DIR CMAKE_ARGS...
    dir=$1
    shift
    echo "== $dir: cmake $*"
    cmake -S . -B "$dir" -DDSCI_WERROR=ON -DBUILD_TESTING=ON "$@" >/dev/null
    cmake --build "$dir" -j "$jobs"
    rc=0
    ctest --test-dir "$dir" --output-on-failure -j "$jobs" || rc=$?
    sh scripts/skip-reasons.sh "$dir"
    [ "$rc" -eq 0 ] || exit "$rc"
}

run_suite build
run_suite build-sanitize -DDSCI_SANITIZE=ON
run_suite build-static -DDSCI_STATIC=ON

echo "== build-fuzz: CC=clang cmake -DDSCI_FUZZ=ON -DDSCI_SANITIZE=ON (${fuzz_seconds} s per fuzz target)"
CC=clang cmake -S . -B build-fuzz -DDSCI_FUZZ=ON -DDSCI_SANITIZE=ON -DBUILD_TESTING=ON \
    -DDSCI_FUZZ_SECONDS="$fuzz_seconds" >/dev/null
cmake --build build-fuzz -j "$jobs" --target fuzz_check fuzz_spec fuzz_json_fast fuzz_part fuzz_codec
ctest --test-dir build-fuzz -L fuzz --output-on-failure -j "$jobs"
