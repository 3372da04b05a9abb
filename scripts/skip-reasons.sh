#!/bin/sh
# Prints why each test of the last ctest run in BUILD_DIR was skipped: ctest lists a
# skipped test by name only (even with --output-on-failure), while the reason is in
# its output ("skip: ..." from tests/lib.sh), which ctest keeps in LastTest.log.
#
#   scripts/skip-reasons.sh build
#   skipped: e2e/t0304-hook-pre-commit-framework: pre-commit is not installed (...)
set -eu
log=${1:?usage: scripts/skip-reasons.sh BUILD_DIR}/Testing/Temporary/LastTest.log
[ -f "$log" ] || exit 0
awk '
    /^[0-9]+\/[0-9]+ Test: / { name = $3 }
    /^skip: / { print "skipped: " name ": " substr($0, 7) }
' "$log"
