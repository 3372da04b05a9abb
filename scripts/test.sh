#!/bin/sh
# The whole test suite on a fresh machine: install what is missing, then build and run
# every unit and end-to-end test through ctest three times: the normal build (warnings
# are errors), the ASan+UBSan build, and the static build (which also checks that ldd
# calls it "not a dynamic executable").
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
jobs=$(nproc)

run_suite() { # run_suite BUILD_DIR CMAKE_ARGS...
    dir=$1
    shift
    echo "== $dir: cmake $*"
    cmake -S . -B "$dir" -DDSCI_WERROR=ON -DBUILD_TESTING=ON "$@" >/dev/null
    cmake --build "$dir" -j "$jobs"
    ctest --test-dir "$dir" --output-on-failure -j "$jobs"
}

run_suite build
run_suite build-sanitize -DDSCI_SANITIZE=ON
run_suite build-static -DDSCI_STATIC=ON
