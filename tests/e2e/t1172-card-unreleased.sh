#!/bin/sh
# dsci card on data the version file does not record (changed since the last bump):
# the card says "<version> + unreleased changes" and does not present the work tree's
# checksums as the version's; a new changelog entry for the recorded version counts that
# version's data (its tag, else the version file's record), not the work tree. After
# `dsci bump` the card describes the new version. Hand-written text stays.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

copy_example
cd task-api
CARD=data/hf_dataset/README.md
# a card whose changelog has no entry yet (as before the first `dsci card`)
python3 - "$CARD" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = re.sub(r"(<!-- dsci:begin changelog -->\n).*?(<!-- dsci:end changelog -->)", r"\1\2", s, flags=re.S)
open(p, "w", encoding="utf-8").write(s)
PY
make_repo . "dataset 1.0.0"
git tag -a -m "dataset 1.0.0" dataset-v1.0.0

outside() { # the body's lines outside the dsci blocks (the front matter's keys are dsci's)
    awk 'fm < 2 { if ($0 == "---") fm++; next }
         /^<!-- dsci:begin /{inside=1} !inside{print} /^<!-- dsci:end /{inside=0}' "$1"
}
outside "$CARD" >"$TRASH/outside.before"

# block NAME: the generated block NAME of the card
block() {
    sed -n "/^<!-- dsci:begin $1 -->/,/^<!-- dsci:end $1 -->/p" "$CARD"
}

say "five train examples removed, no bump yet"
for i in 1 2 3 4 5; do sed -i '$d' data/splits/train.jsonl; done
test_ok dsci card
block summary >summary
expect_line summary "- **Examples:** 125 (train 99, validation 13, test 13)"
expect_line summary "- **Version:** 1.0.0 + unreleased changes (the data differs from what the version file records for 1.0.0; run \`dsci bump\`, then \`dsci card\`)"
block checksums >checksums
expect_line checksums "Version 1.0.0 + unreleased changes: these files are not the ones \`data/hf_dataset/version.json\` records for 1.0.0"
expect_no_line checksums "Version 1.0.0 (\`data/hf_dataset/version.json\`). SHA-256 of each data file:"
block changelog >changelog
expect_line changelog "- 130 examples (train 104, validation 13, test 13)"
expect_no_line changelog "125 examples"
outside "$CARD" >"$TRASH/outside.after"
test_cmp "$TRASH/outside.before" "$TRASH/outside.after"

say "check agrees the card is current (the checksums gate says the data changed)"
test_must_fail 1 dsci check
expect_line out "[PASS] Dataset card: up to date"
expect_line out "[FAIL] Checksums: 2/3 match"
test_ok dsci card
expect_line out "card is up to date"

say "no tag: the version file's record counts"
git checkout -q "$CARD"
git tag -d dataset-v1.0.0 >/dev/null
test_ok dsci card
block changelog >changelog
expect_line changelog "- 130 examples (train 104, validation 13, test 13)"
expect_line changelog "- First version"
git tag -a -m "dataset 1.0.0" dataset-v1.0.0 HEAD

say "after dsci bump: the new version, its checksums, its entry from the work tree"
test_ok dsci bump
expect_line out "1.0.0 -> 1.0.1"
test_ok dsci card
block summary >summary
expect_no_line summary "unreleased"
expect_line summary "- **Version:** 1.0.1 ("
block checksums >checksums
expect_line checksums "Version 1.0.1 (\`data/hf_dataset/version.json\`). SHA-256 of each data file:"
block changelog >changelog
expect_line changelog "### 1.0.1 ("
expect_line changelog "- 125 examples (train 99, validation 13, test 13)"
expect_line changelog "- Since \`dataset-v1.0.0\`: 0 added, 5 removed, 0 modified"
expect_line changelog "- 130 examples (train 104, validation 13, test 13)"
outside "$CARD" >"$TRASH/outside.after"
test_cmp "$TRASH/outside.before" "$TRASH/outside.after"
