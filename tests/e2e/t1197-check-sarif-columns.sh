#!/bin/sh
# SARIF declares "columnKind": "unicodeCodePoints", so its startColumn counts characters
# on the line, while text, JSON, GitHub and the other formats keep the byte column. A
# minified array with non-ASCII text ("Jalapeño", an emoji) before each finding tells
# the two apart: the record's '{' (or the offending byte) is at both.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir -p ds/specs ds/data
cat >ds/specs/ds.yaml <<'YAML'
dsci: 1
dataset:
  name: sarifcols
  format: sharegpt
  files:
    train: data/train.json
gates:
  format: {level: block}
  quality: {level: off}
  duplicates: {exact: block, near: off}
  pii: {level: block, detect: [email]}
  reproducibility: {level: off}
  splits: {level: off}
YAML

# Places of each record's '{' on line 1: byte column and code-point column (1-based).
cat >places.py <<'PY'
import json, sys
def places(recs):
    text = "[" + ",".join(json.dumps(r, separators=(",", ":"), ensure_ascii=False) for r in recs) + "]"
    cols, at = [], 1
    for r in recs:
        cols.append((len(text[:at].encode()) + 1, at + 1))
        assert text[at] == "{"
        at += len(json.dumps(r, separators=(",", ":"), ensure_ascii=False)) + 1
    return text, cols
PY

cat >check_sarif.py <<'PY'
import json, sys
# Every result with a startColumn: the character at that code-point column of its line
# (Python str indexing) is the one the finding points at: '{' for a record's own place.
lines = open("ds/data/train.json", encoding="utf-8").read().split("\n")
want = json.loads(sys.argv[1])          # kind -> [code-point column, character]
r = json.load(open("out"))
seen = {}
for x in r["runs"][0]["results"]:
    for loc in x["locations"] + x.get("relatedLocations", []):
        region = loc["physicalLocation"]["region"]
        if "startColumn" not in region:
            continue
        line, col = region["startLine"], region["startColumn"]
        ch = lines[line - 1][col - 1]
        kind = x["properties"].get("kind")
        assert kind in want, (kind, region)
        assert [col, ch] == want[kind], (kind, region, ch, want[kind])
        seen[kind] = True
assert sorted(seen) == sorted(want), (seen, want)
assert r["runs"][0]["columnKind"] == "unicodeCodePoints"
PY

cat >write_records.py <<'PY'
import json
exec(open("places.py").read())
def rec(i, extra=""):
    return {"conversations": [{"from": "human", "value": "Jalapeño salsa 🌶 number %d%s" % (i, extra)},
                              {"from": "gpt", "value": "a spicy answer ñ to question %d" % i}]}
recs = [rec(i) for i in range(9)]
recs[5] = rec(2)                                   # a copy of record 2
recs[6]["conversations"][1]["value"] = "  "        # empty
recs[7] = rec(7, " mail me at jane.doe@acmemail.com")
text, cols = places(recs)
open("ds/data/train.json", "w", encoding="utf-8").write(text)
open("cols", "w").write(" ".join("%d %d" % c for c in (cols[5], cols[6], cols[7])))
PY
python3 write_records.py
set -- $(cat cols)
dup_b=$1 dup_c=$2 empty_b=$3 empty_c=$4 pii_b=$5 pii_c=$6
test "$dup_b" != "$dup_c" || fail "the test data has no non-ASCII text before the findings"

say "text, JSON and GitHub keep the byte column"
test_must_fail 1 dsci -C ds check
expect_line out "data/train.json:1:$dup_b (record 5): duplicate of data/train.json:1:"
expect_line out "data/train.json:1:$empty_b (record 6): conversations[1] ('gpt') is empty or whitespace only"
expect_line out "data/train.json:1:$pii_b (record 7): email"
test_must_fail 1 dsci -C ds check --format json
python3 - "$dup_b" "$empty_b" "$pii_b" <<'PY'
import json, sys
r = json.load(open("out"))
want = {"exact_duplicate": int(sys.argv[1]), "empty_message": int(sys.argv[2]), "pii_email": int(sys.argv[3])}
got = {f["kind"]: f["column"] for s in r["gates"] for c in s["checks"] for f in c["findings"] if "column" in f}
assert got == want, (got, want)
PY
test_must_fail 1 env GITHUB_ACTIONS=true "$DSCI" -C ds check --format github
expect_line out "::error file=data/train.json,line=1,col=$empty_b,"

say "SARIF: the code-point column"
test_must_fail 1 dsci -C ds check --format sarif
python3 check_sarif.py "{\"exact_duplicate\": [$dup_c, \"{\"], \"empty_message\": [$empty_c, \"{\"],
                         \"pii_email\": [$pii_c, \"{\"]}"

say "a broken record after non-ASCII text: SARIF names the offending character"
cat >write_broken.py <<'PY'
import json
exec(open("places.py").read())
recs = [{"conversations": [{"from": "human", "value": "Jalapeño 🌶 %d" % i},
                           {"from": "gpt", "value": "ñ%d" % i}]} for i in range(3)]
text, cols = places(recs)
text = text.replace('"ñ1"}', '"ñ1"x}')
open("ds/data/train.json", "w", encoding="utf-8").write(text)
try:
    json.loads(text)
except json.JSONDecodeError as e:
    open("col", "w").write("%d %d %s" % (len(text[:e.pos].encode()) + 1, e.colno, text[e.pos]))
PY
python3 write_broken.py
set -- $(cat col)
test "$1" != "$2" || fail "the test data has no non-ASCII text before the error"
test_must_fail 1 dsci -C ds check
expect_line out "data/train.json:1:$1 (record 1): invalid JSON at line 1, column $1:"
test_must_fail 1 dsci -C ds check --format sarif
python3 check_sarif.py "{\"invalid_json\": [$2, \"$3\"]}"

say "the array's own syntax error after non-ASCII text"
python3 - <<'PY'
import json
exec(open("places.py").read())
recs = [{"conversations": [{"from": "human", "value": "Jalapeño 🌶 %d" % i},
                           {"from": "gpt", "value": "ñ%d" % i}]} for i in range(2)]
text, cols = places(recs)
text = text[:-1] + ",]"
open("ds/data/train.json", "w", encoding="utf-8").write(text)
open("col", "w").write("%d %d" % (len(text.encode()), len(text)))
PY
set -- $(cat col)
test_must_fail 1 dsci -C ds check
expect_line out "data/train.json:1:$1 (record 2): invalid JSON at line 1, column $1: trailing ','"
test_must_fail 1 dsci -C ds check --format sarif
python3 check_sarif.py "{\"invalid_json\": [$2, \"]\"]}"
