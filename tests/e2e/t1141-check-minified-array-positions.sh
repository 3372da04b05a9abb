#!/bin/sh
# A minified JSON array is one line: its findings name the byte column and the record's
# index in the array in every format (text, json, github, markdown, sarif, junit).
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir -p ds/specs ds/data
cat >ds/specs/ds.yaml <<'YAML'
dsci: 1
dataset:
  name: minified
  format: sharegpt
  files:
    train: data/train.json
gates:
  format: {level: block}
  quality: {level: off}
  duplicates: {level: off}
  reproducibility: {level: off}
  splits: {level: off}
YAML
python3 - <<'PY'
import json
recs = [{"conversations": [{"from": "human", "value": "question %d" % i},
                           {"from": "gpt", "value": "answer %d" % i}]} for i in range(10)]
recs[6]["conversations"][1]["value"] = "  "
text = json.dumps(recs, separators=(",", ":"))
open("ds/data/train.json", "w").write(text)
# the byte column where record 6 starts
start = 2
for r in recs[:6]:
    start += len(json.dumps(r, separators=(",", ":"))) + 1
open("col", "w").write(str(start))
PY
col=$(cat col)

test_must_fail 1 dsci -C ds check
expect_line out "data/train.json:1:$col (record 6): conversations[1] ('gpt') is empty or whitespace only"
expect_line out "(first: data/train.json:1:$col (record 6): conversations[1]"

test_must_fail 1 dsci -C ds check --format json
python3 - "$col" <<'PY'
import json, sys
r = json.load(open("out"))
fs = [f for s in r["gates"] for c in s["checks"] for f in c["findings"] if f["kind"] == "empty_message"]
assert len(fs) == 1, fs
assert fs[0]["line"] == 1 and fs[0]["column"] == int(sys.argv[1]) and fs[0]["record"] == 6, fs[0]
PY

test_must_fail 1 env GITHUB_ACTIONS=true "$DSCI" -C ds check --format github
expect_line out "::error file=data/train.json,line=1,col=$col,title=FORMAT%3A Non-empty messages::conversations[1] ('gpt') is empty or whitespace only (record 6)"

test_must_fail 1 dsci -C ds check --format markdown
expect_line out "\`data/train.json:1:$col (record 6)\`"

test_must_fail 1 dsci -C ds check --format sarif
python3 - "$col" <<'PY'
import json, sys
r = json.load(open("out"))
res = [x for x in r["runs"][0]["results"] if x["properties"].get("kind") == "empty_message"]
assert len(res) == 1, res
region = res[0]["locations"][0]["physicalLocation"]["region"]
assert region == {"startLine": 1, "startColumn": int(sys.argv[1])}, region
assert res[0]["properties"]["record"] == 6, res[0]["properties"]
PY

test_must_fail 1 dsci -C ds check --format junit
expect_line out "data/train.json:1:$col (record 6): conversations[1]"

say "a broken record of a minified array: the column of the offending byte"
python3 - <<'PY'
import json
recs = [{"conversations": [{"from": "human", "value": "q%d" % i}, {"from": "gpt", "value": "a%d" % i}]} for i in range(3)]
text = json.dumps(recs, separators=(",", ":")).replace('"a1"}', '"a1" ')
open("ds/data/train.json", "w").write(text)
try:
    json.loads(text)
except json.JSONDecodeError as e:
    open("col", "w").write(str(e.colno))
PY
col=$(cat col)
test_must_fail 1 dsci -C ds check
expect_line out "data/train.json:1:$col (record 1): invalid JSON at line 1, column $col:"

say "JSONL findings keep their shape: no column, no record"
sed -i 's|data/train.json|data/train.jsonl|' ds/specs/ds.yaml
printf '{"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": " "}]}\n' >ds/data/train.jsonl
test_must_fail 1 dsci -C ds check --format json
expect_no_line out '"column"'
expect_no_line out '"record"'
test_must_fail 1 dsci -C ds check
expect_line out "   data/train.jsonl:1: conversations[1] ('gpt') is empty"

say "other gates' findings in a minified array: duplicates, PII, leakage"
cat >ds/specs/ds.yaml <<'YAML'
dsci: 1
dataset:
  name: minified
  format: sharegpt
  files:
    train: data/train.json
    test: data/test.json
gates:
  format: {level: block}
  quality: {level: off}
  duplicates: {exact: block, near: off}
  pii: {level: block, detect: [email]}
  leakage: {level: block}
  reproducibility: {level: off}
  splits: {level: off}
YAML
python3 - <<'PY'
import json
def rec(i, extra=""):
    return {"conversations": [{"from": "human", "value": "question number %d%s" % (i, extra)},
                              {"from": "gpt", "value": "a full answer to question %d" % i}]}
train = [rec(i) for i in range(8)]
train[5] = rec(2)                                  # a copy of record 2
train[6] = rec(6, " mail me at jane.doe@acmemail.com")
test = [rec(100), rec(4)]                          # record 1 leaks train record 4
cols = {}
for name, recs in (("train", train), ("test", test)):
    text = json.dumps(recs, separators=(",", ":"))
    open("ds/data/%s.json" % name, "w").write(text)
    start, c = 2, []
    for r in recs:
        c.append(start)
        start += len(json.dumps(r, separators=(",", ":"))) + 1
    cols[name] = c
open("cols", "w").write("%d %d %d %d %d" % (cols["train"][5], cols["train"][2], cols["train"][6],
                                             cols["test"][1], cols["train"][4]))
PY
set -- $(cat cols)
test_must_fail 1 dsci -C ds check
expect_line out "data/train.json:1:$1 (record 5): duplicate of data/train.json:1:$2 (record 2)"
expect_line out "data/train.json:1:$3 (record 6): email j***@a*******.com"
expect_line out "data/test.json:1:$4 (record 1): leaks into train (data/train.json:1:$5 (record 4), exact copy)"
test_must_fail 1 dsci -C ds check --format sarif
python3 - "$1" <<'PY'
import json, sys
r = json.load(open("out"))
res = [x for x in r["runs"][0]["results"] if x["properties"].get("kind") == "exact_duplicate"]
assert res[0]["locations"][0]["physicalLocation"]["region"]["startColumn"] == int(sys.argv[1]), res
assert res[0]["properties"]["record"] == 5, res
PY
