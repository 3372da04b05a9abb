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
