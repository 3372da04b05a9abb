#!/bin/sh
# json and sarif keep every finding (not only the first 1000), and the pointers in the
# github overflow notice and the markdown summary name them, not the text report (which
# lists 5 per check).
. "$DSCI_SOURCE_DIR/tests/lib.sh"

gha() {
    GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$TRASH/summary.md" GITHUB_OUTPUT="$TRASH/output.txt" "$DSCI" "$@"
}

copy_example
i=0
while [ $i -lt 1200 ]; do
    printf '{"conversations": [\n'
    i=$((i + 1))
done >>task-api/data/splits/train.jsonl
make_repo task-api
cd task-api

say "json and sarif hold all 1200 broken records"
test_must_fail 1 dsci check --format json --output ../r.json --format sarif --output ../r.sarif
python3 - ../r.json ../r.sarif <<'PY' || fail "json/sarif do not hold every finding"
import json, sys
j = json.load(open(sys.argv[1]))
checks = [c for g in j["gates"] for c in g["checks"] if c["id"] == "format.valid_json"]
c = checks[0]
assert c["findings_total"] == 1200, c["findings_total"]
assert len(c["findings"]) == 1200, len(c["findings"])
s = json.load(open(sys.argv[2]))["runs"][0]["results"]
n = sum(1 for r in s if r["ruleId"] == "DSCI-FORMAT-001")
assert n == 1200, n
PY

say "the pointers name json and sarif"
: >../summary.md
test_must_fail 1 gha check
expect_line out "::notice title=dsci::dsci: "
expect_line out "every finding is in the output of 'dsci check --format json' or '--format sarif'"
expect_no_line out "full list is in the step summary"
expect_line ../summary.md "every finding is in \`dsci check --format json\` or \`--format sarif\` output"
expect_no_line ../summary.md "--format text\` for all"

say "text alone still stores a bounded number"
test_must_fail 1 dsci check --format text
expect_line out "... and 1195 more"
