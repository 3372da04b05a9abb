#!/bin/sh
# `--output /dev/stderr` (or any other name of standard error) gets the same report as a
# file, written in a few write() calls: standard error is unbuffered, and writing the
# report to it directly took one write() per JSON token (276,411 calls, 0.7 s, for the
# 850 KB report of 44,000 preference pairs in bench/bench_preference.sh).
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir ds && cd ds
mkdir -p specs data
cat >specs/d.yaml <<'YAML'
dsci: 1
dataset:
  name: prefs
  format: preference
  files:
    train: data/train.jsonl
gates:
  reproducibility: {level: off}
  coverage: {level: off}
  splits: {level: off}
  quality: {level: off}
  leakage: {level: off}
  duplicates: {level: off}
YAML
# 2000 identical pairs: 2000 findings, a JSON report of some 500 KB
awk 'BEGIN { for (i = 0; i < 2000; i++)
    printf "{\"prompt\": \"Question %d?\", \"chosen\": \"Answer %d.\", \"rejected\": \"Answer %d.\"}\n", i, i, i }' \
    >data/train.jsonl

test_must_fail 1 dsci check --spec specs/d.yaml --base none --no-cache --format json --output report.json
test_must_fail 1 dsci check --spec specs/d.yaml --base none --no-cache --format json --output /dev/stderr
grep -v '"date"' report.json >file.json
grep -v '"date"' err >stderr.json
test_cmp file.json stderr.json
expect_line stderr.json '"identical": 2000'

# The text report beside it on stdout, the JSON one on stderr: each whole on its stream.
test_must_fail 1 dsci check --spec specs/d.yaml --base none --no-cache --format text --format json --output /dev/stderr
expect_line out "DATASET VALIDATION REPORT"
expect_no_line out '"dsci_version"'
grep -v '"date"' err >stderr2.json
test_cmp file.json stderr2.json

if command -v strace >/dev/null 2>&1 && strace -f -o /dev/null true 2>/dev/null; then
    set +e
    strace -f -e trace=write -o trace "$DSCI" check --spec specs/d.yaml --base none --no-cache --format json \
        --output /dev/stderr 2>/dev/null >/dev/null
    set -e
    calls=$(grep -c 'write(2,' trace || true)
    [ "$calls" -le 20 ] || fail "the report took $calls write() calls to standard error"
else
    say "strace is not usable here: the count of write() calls is not checked"
fi
