#!/bin/sh
# Build dsci and check the bundled example dataset: what a newcomer runs first.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
cmake -S . -B build -DBUILD_TESTING=OFF >/dev/null
cmake --build build -j "$(nproc)" --target dsci
exec build/dsci -C examples/task-api check "$@"
