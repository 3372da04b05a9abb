#!/bin/sh
# SARIF for code scanning: every result has partialFingerprints that stay the same when
# the examples move to other lines (content key + check), the driver has a real-looking
# informationUri (https, never example.invalid), and a regression result about a removed
# example sits at its path and line in the baseline, not at line 1 of the head's file.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

copy_example
make_repo task-api
git -C task-api tag dataset-v1.0.0
cd task-api
train=data/splits/train.jsonl

# a broken line, an exact duplicate, and the Delete examples removed
grep -n '"operation": "Delete"' $train | cut -d: -f1 >../delete-lines
[ -s ../delete-lines ] || fail "no Delete examples in the fixture"
grep -v '"operation": "Delete"' $train >t.new
head -1 t.new >>t.new
printf '{"conversations": [\n' >>t.new
mv t.new $train

test_must_fail 1 dsci check --format sarif --output ../a.sarif

# the same records, on other lines: the first three move to just before the broken last one
n=$(wc -l <$train)
{ sed -n "4,$((n - 1))p" $train; sed -n 1,3p $train; tail -1 $train; } >t.new
mv t.new $train
test_must_fail 1 dsci check --format sarif --output ../b.sarif

python3 - ../a.sarif ../b.sarif ../delete-lines <<'PY' || fail "SARIF fingerprints, informationUri or baseline locations"
import json, sys
a, b = (json.load(open(p))["runs"][0] for p in sys.argv[1:3])
deleted = [int(x) for x in open(sys.argv[3]).read().split()]
uri = a["tool"]["driver"]["informationUri"]
assert uri.startswith("https://") and "example.invalid" not in uri, uri

def fps(run):
    out = []
    for r in run["results"]:
        fp = r.get("partialFingerprints", {}).get("dsciFindingHash/v1")
        assert fp, r
        out.append((r["ruleId"], fp))
    return out

fa, fb = fps(a), fps(b)
assert len(set(fa)) == len(fa), "fingerprints repeat within a run"
# the same findings whatever their lines (the checksum finding names the new file hash)
same = lambda f: {x for x in f if x[0] != "DSCI-REPRODUCIBILITY-002"}
assert same(fa) == same(fb), (same(fa) ^ same(fb))

def line(r):
    return r["locations"][0]["physicalLocation"]["region"]["startLine"]

dup = lambda run: sorted(line(r) for r in run["results"] if r["ruleId"] == "DSCI-DUPLICATES-001")
assert dup(a) and dup(a) != dup(b), (dup(a), dup(b))   # the duplicate did move

removed = [r for r in a["results"] if r.get("properties", {}).get("kind") == "removed"]
assert removed, "no regression results about removed examples"
for r in removed:
    assert r["properties"].get("locationIn") == "baseline", r
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "data/splits/train.jsonl", loc
    assert loc["region"]["startLine"] in deleted, (loc, deleted)
    assert "line %d in the baseline" % loc["region"]["startLine"] in r["message"]["text"], r
PY
