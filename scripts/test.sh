#!/bin/sh
# The whole test suite on a fresh machine: install what is missing, build with warnings
# as errors, run every unit and end-to-end test through ctest. BUILD_DIR and
# CMAKE_ARGS let CI reuse it for the sanitizer build (-DDSCI_SANITIZE=ON).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
build_dir=${BUILD_DIR:-build}
# shellcheck disable=SC2086 # CMAKE_ARGS is a list of words
cmake -S . -B "$build_dir" -DDSCI_WERROR=ON -DBUILD_TESTING=ON ${CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)"
