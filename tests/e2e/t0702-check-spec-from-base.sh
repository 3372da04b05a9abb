#!/bin/sh
# Trust: on pull_request events the spec comes from the base branch, so a PR that
# deletes data and loosens the gate in the same change is still blocked, and is told
# which thresholds it changed.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

git init -q repo
copy_example repo/ds
# data changes make the checksums and card stale: not what this test is about
python3 - repo/ds/specs/task-api.yaml <<'PY'
import sys
p = sys.argv[1]
s = open(p).read().replace("  reproducibility:\n    level: block", "  reproducibility:\n    level: off")
open(p, "w").write(s)
PY
(cd repo && git add -A && git commit -q -m base)
(cd repo && git checkout -q -b pr)
for f in repo/ds/data/splits/*.jsonl; do
    grep -v '"operation": "Delete"' "$f" >"$f.new" || true
    mv "$f.new" "$f"
done
sed -i 's/{name: Delete,   min: 15,/{name: Delete,   min: 0, /' repo/ds/specs/task-api.yaml
(cd repo && git commit -q -a -m "drop Delete and loosen its gate")

# Outside a pull request the PR's own (loosened) spec judges: coverage passes.
test_ok dsci -C repo/ds check --base none
expect_line out "[PASS] Delete: 0 examples (target: 0)"

# On a pull_request event the base branch's spec judges, and the change is listed.
GITHUB_EVENT_NAME=pull_request GITHUB_BASE_REF=main test_must_fail 1 dsci -C repo/ds check --base none --format text
expect_line out "[FAIL] Delete: 0 examples (target: 15)"
expect_line out "judged with the spec from main"
expect_line out "spec change: gates.coverage.categories[Delete].min: 15 -> 0"

# Explicit forms.
test_must_fail 1 dsci -C repo/ds check --base none --spec-from main
test_ok dsci -C repo/ds check --base none --spec-from head

# A base branch that is not in the clone: a clear error, never a silent fallback.
GITHUB_EVENT_NAME=pull_request GITHUB_BASE_REF=release test_must_fail 2 dsci -C repo/ds check --base none --format text
expect_line err "fetch-depth: 0"
test_must_fail 2 dsci -C repo/ds check --spec-from nope
