#!/bin/sh
# A bounded fuzzing run, as ctest runs it: run.sh FUZZER CORPUS_DIR SECONDS
# The committed corpus is read, never written: new inputs go to a scratch folder that
# is removed afterwards. A crash, leak, sanitizer report or timeout fails the run, and
# the input that caused it is kept as ./crash-* (or leak-*, timeout-*) in the current
# folder (the build's tests/fuzz/), with the command that reproduces it.
set -eu
fuzzer=$1
corpus=$2
seconds=$3
name=$(basename "$fuzzer")
work=$(mktemp -d "${TMPDIR:-/tmp}/dsci-$name.XXXXXX")
trap 'rm -rf "$work" "$work.log"' EXIT

set +e
"$fuzzer" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="$PWD/" "$work" "$corpus" >"$work.log" 2>&1
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
    tail -n 60 "$work.log"
    echo "$name: failed (exit $rc); reproduce with: $fuzzer $PWD/<the crash-* file above>" >&2
    exit 1
fi
grep '^stat::' "$work.log" || true
echo "$name: ran ${seconds}s over $corpus, no crash"
