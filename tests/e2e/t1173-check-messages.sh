#!/bin/sh
# Messages say each thing once and name what they mean: one remediation step for one
# fix (the checks it also fixes named in it), repeated-message findings quote the
# message, the no-baseline note names a real tag, bump --tag says how to finish.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

copy_example
cd task-api
make_repo . "dataset 1.0.0"

say "no baseline: the note names the tag that would be one"
test_ok dsci check
expect_line out "Note: no version tag on HEAD's history (such as 'dataset-v1.0.0'): no baseline, regression gates skipped"
expect_no_line out "<version>"
test_ok dsci bump --dry-run
expect_line err "dsci: no version tag on HEAD's history (such as 'dataset-v1.0.0'): bumping from the version file"
test "$(grep -c 'no version tag' err)" = 1 || fail "the note is repeated"

say "one fix, one step: no version file configured"
sed -i '/^  version_file:/d' specs/task-api.yaml
sed -i '/^  reproducibility:/{n;s/level: block/level: warn/}' specs/task-api.yaml
test_ok dsci check
sed -n '/^WARNINGS:/,$p' out >warnings
test "$(grep -c 'Set dataset.version_file' warnings)" = 1 || { cat warnings >&2; fail "the same step is repeated"; }
expect_line warnings "1. Set dataset.version_file in specs/task-api.yaml and run \`dsci bump\` to write it (also fixes Checksums, Random seed, Model)"
expect_line warnings "   specs/task-api.yaml:2: dataset.version_file is not set"
sed -i '/^  reproducibility:/{n;s/level: warn/level: block/}' specs/task-api.yaml
test_must_fail 1 dsci check
sed -n '/^REMEDIATION STEPS:/,$p' out >steps
test "$(grep -c 'Set dataset.version_file' steps)" = 1 || { cat steps >&2; fail "the same step is repeated"; }
git checkout -q specs

say "two different repeated messages: each finding quotes its own"
python3 - <<'PY'
import json
p = "data/splits/train.jsonl"
recs = [json.loads(l) for l in open(p, encoding="utf-8")]
for i, r in enumerate(recs):
    r["conversations"][1]["value"] = ("Sure!\nI can help with that: the task was created and saved for you, with its due date."
                                      if i % 2 == 0 else "Done. The task is updated.")
open(p, "w", encoding="utf-8").write("".join(json.dumps(r) + "\n" for r in recs))
PY
test_must_fail 1 dsci check --base none
expect_line out "data/splits/train.jsonl:1: the message \"Sure! I can help with that: the task was created and saved…\" appears 52 times (again at data/splits/train.jsonl:3)"
expect_line out "data/splits/train.jsonl:2: the message \"Done. The task is updated.\" appears 52 times (again at data/splits/train.jsonl:4)"
expect_no_line out "a message here appears"
test_must_fail 1 env GITHUB_ACTIONS=true "$DSCI" check --base none --format github
expect_line out "the message \"Done. The task is updated.\" appears 52 times"
expect_no_line out "Sure!%0A"
