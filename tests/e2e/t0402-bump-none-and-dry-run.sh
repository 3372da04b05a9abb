#!/bin/sh
# Nothing changed since the tag: bump says so and writes nothing (same bytes, same
# mtime). --dry-run prints the decision and what would change, and writes nothing.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

copy_example
cd task-api
make_repo . "dataset 1.0.0"
git tag -a -m "dataset 1.0.0" dataset-v1.0.0
VF=data/hf_dataset/version.json
cp -p "$VF" "$TRASH/before.json"
touch -d "2024-06-01 12:00:00" "$VF"
stamp() { stat -c %Y "$VF"; }
mtime=$(stamp)

say "nothing changed: none, nothing written"
test_ok dsci bump
printf 'dsci: no change since dataset-v1.0.0; nothing to bump\n' >"$TRASH/want"
test_cmp "$TRASH/want" out
test "$(stamp)" = "$mtime" || fail "the version file was touched"
test_cmp "$TRASH/before.json" "$VF"
test_ok dsci bump --format json
cat >"$TRASH/want" <<'JSON'
{
  "previous": "1.0.0",
  "version": "1.0.0",
  "bump": "none",
  "reason": "no change in the data files",
  "written": false,
  "tag": null,
  "baseline": "dataset-v1.0.0",
  "dry_run": false,
  "up_to_date": true,
  "rules": []
}
JSON
test_cmp "$TRASH/want" out
test "$(stamp)" = "$mtime" || fail "the version file was touched"

say "a spec change alone is no data change"
sed -i 's/^  license: apache-2.0/  license: mit/' specs/task-api.yaml
test_ok dsci bump
expect_line out "nothing to bump"
git checkout -q specs

say "--dry-run: the decision and the would-be changes, nothing written"
sed -i '$d' data/splits/test.jsonl                 # one test example removed
test_ok dsci bump --dry-run
cat >"$TRASH/want" <<'TXT'
dsci: 1.0.0 -> 1.0.1 (patch: examples changed: 1 removed, net -1)
dsci: would write data/hf_dataset/version.json:
  version: 1.0.0 -> 1.0.1
  previous: null -> 1.0.0
TXT
head -n 4 out >"$TRASH/got"
test_cmp "$TRASH/want" "$TRASH/got"
grep -Eq '^  splits\.test: examples 13 -> 12; bytes 7605 -> [0-9]+; checksum sha256:efc24b13… -> sha256:[0-9a-f]{8}…$' out ||
    { cat out >&2; fail "no summary line for the test split"; }
expect_line out "  changes: added 0, removed 1, modified 0"
expect_line out "  created: 2025-01-01T00:00:00Z -> 2025-01-01T15:00:00Z"
expect_no_line out "splits.train"
test "$(stamp)" = "$mtime" || fail "--dry-run touched the version file"
test_cmp "$TRASH/before.json" "$VF"
test_ok dsci bump --dry-run --format json
python3 - <<'PY'
import json
o = json.load(open("out"))
assert (o["previous"], o["version"], o["bump"], o["written"], o["dry_run"]) == ("1.0.0", "1.0.1", "patch", False, True), o
PY
test_ok dsci bump --dry-run --tag
expect_line out "dsci: would create tag 'dataset-v1.0.1'"
test -z "$(git tag -l 'dataset-v1.0.1')" || fail "--dry-run --tag created the tag"
test_cmp "$TRASH/before.json" "$VF"

say "then for real"
test_ok dsci bump
expect_line out "dsci: wrote data/hf_dataset/version.json"
test "$(stamp)" != "$mtime" || fail "the version file was not written"
