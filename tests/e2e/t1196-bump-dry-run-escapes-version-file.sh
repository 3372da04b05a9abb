#!/bin/sh
# bump --dry-run prints values read from the version file (anyone's text in a pull
# request) on one line each: a version or created holding LF or CR is shown escaped.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

copy_example
make_repo task-api
git -C task-api tag dataset-v1.0.0
cd task-api
echo '{"conversations":[{"from":"human","value":"create a task for me now"},{"from":"gpt","value":"Created the task for you as asked."}]}' >>data/splits/train.jsonl
python3 - <<'PY'
import json
p = "data/hf_dataset/version.json"
d = json.load(open(p))
d["version"] = "1.0.0\n::error::pwned"
d["created"] = "x\r::error::cr"
json.dump(d, open(p, "w"), indent=2)
PY
test_ok dsci bump --dry-run
expect_line out 'version: 1.0.0\n::error::pwned -> 1.1.0'
expect_line out 'created: x\r::error::cr -> '
if grep -q '^::error' out || tr '\r' '\n' <out | grep -q '^::error'; then
    fail "a version-file value started its own line"
fi

say "dsci diff: a category name with a line break or an escape sequence stays on its line"
git checkout -q -- data/hf_dataset/version.json
sed -i 's/{name: Create, /{name: "Cr\\n::error::catname\\e[31m", /' specs/task-api.yaml
grep -q 'catname' specs/task-api.yaml || fail "the spec edit did not apply"
test_ok dsci diff
expect_line out 'Cr\n::error::catname\x1b[31m'
if grep -q '^::error' out || grep -q "$(printf '\033')" out; then
    fail "a category name broke its line or reached the terminal raw"
fi
