#!/bin/sh
# Build dsci and check the bundled example dataset: what a newcomer runs first. Installs
# only what the build needs (scripts/deps.sh build), keeps the build's output in
# build/try.log, and prints the report.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh build
mkdir -p build
log=build/try.log
echo "try: building dsci (log: $log)" >&2
if ! { cmake -S . -B build -DBUILD_TESTING=OFF && cmake --build build -j "$(nproc)" --target dsci; } >"$log" 2>&1; then
    echo "try: the build failed; the last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 3
fi
echo "try: build/dsci -C examples/task-api check${*:+ $*}" >&2
exec build/dsci -C examples/task-api check "$@"
