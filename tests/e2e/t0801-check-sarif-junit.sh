#!/bin/sh
# --format sarif and --format junit: the SARIF validates with Microsoft's SARIF
# multitool (installed from npm by scripts/npm-tools.sh), the JUnit parses as XML
# and has the text report's counts, on the passing example and on a failing copy
# whose broken line holds hostile text.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

need_command python3

copy_example pass
copy_example fail
for f in fail/data/splits/*.jsonl; do
    grep -v '"operation": "Delete"' "$f" >"$f.new" || true
    mv "$f.new" "$f"
done
# An exact copy of the first record: a finding with a related location (the original).
head -n 1 fail/data/splits/train.jsonl >>fail/data/splits/train.jsonl
dup_line=$(wc -l <fail/data/splits/train.jsonl)
# A record that is not JSON, full of what breaks XML and JSON writers: quotes, <, &,
# a control character, invalid UTF-8 and "]]>".
printf '{"x": <&"'"'"'\001\377 ]]> %%s\n' >>fail/data/splits/train.jsonl
broken_line=$(wc -l <fail/data/splits/train.jsonl)

test_ok dsci -C pass check --format sarif --output "$PWD/pass.sarif" --format junit --output "$PWD/pass.xml" --format text
cp out pass.txt
test_must_fail 1 dsci -C fail check --format sarif --output "$PWD/fail.sarif" --format junit --output "$PWD/fail.xml" --format text
cp out fail.txt
expect_line fail.txt "[FAIL] Valid JSON"
expect_line fail.txt "[FAIL] Delete: 0 examples (target: 15)"

# JUnit: well-formed, and tests/failures/skipped equal the text report's tag lines.
for name in pass fail; do
    python3 - "$name.xml" "$name.txt" <<'PY' || fail "$name.xml does not match $name.txt"
import re, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
text = open(sys.argv[2], encoding="utf-8", errors="replace").read()
tags = re.findall(r"^  \[(PASS|WARN|FAIL|SKIP)\] ", text, re.M)
assert root.tag == "testsuites" and root.get("name") == "dsci", root.tag
want = {"tests": len(tags), "failures": tags.count("FAIL"), "skipped": tags.count("SKIP")}
# junit-10.xsd allows no skipped on <testsuites>: the suites carry it
got = {k: int(root.get(k)) for k in ("tests", "failures")}
got["skipped"] = sum(int(s.get("skipped")) for s in root.findall("testsuite"))
assert root.get("skipped") is None and root.get("timestamp") is None
assert got == want, (got, want)
cases = root.findall("./testsuite/testcase")
assert len(cases) == want["tests"], len(cases)
assert sum(1 for c in cases if c.find("failure") is not None) == want["failures"]
assert sum(1 for c in cases if c.find("skipped") is not None) == want["skipped"]
titles = re.findall(r"^([A-Z][A-Z ]+)$", text.split("RESULT:")[0], re.M)
suites = [s.get("name") for s in root.findall("testsuite")]
assert [t for t in titles if t in suites] == suites, (titles, suites)
for s in root.findall("testsuite"):
    n = s.findall("testcase")
    assert int(s.get("tests")) == len(n)
    assert int(s.get("failures")) == sum(1 for c in n if c.find("failure") is not None)
PY
done
python3 - fail.xml "$broken_line" <<'PY' || fail "fail.xml lacks the expected failures"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
line = sys.argv[2]
case = root.find("./testsuite[@name='FORMAT']/testcase[@name='Valid JSON']")
assert case.get("classname") == "dsci.format"
f = case.find("failure")
assert f is not None and f.get("message").startswith("Valid JSON: "), f
assert "data/splits/train.jsonl:%s: " % line in f.text, f.text
case = root.find("./testsuite[@name='COVERAGE']/testcase[@name='Delete']")
assert case.find("failure").get("type") == "blocking"
PY

# The duplicate points at its original as a related location.
python3 - fail.sarif "$dup_line" <<'PY' || fail "fail.sarif lacks the duplicate's related location"
import json, sys
doc = json.load(open(sys.argv[1]))
dup = [r for r in doc["runs"][0]["results"] if r["properties"].get("kind") == "exact_duplicate"]
assert len(dup) == 1, dup
loc = dup[0]["locations"][0]["physicalLocation"]
assert loc["region"]["startLine"] == int(sys.argv[2]), loc
rel = dup[0]["relatedLocations"][0]["physicalLocation"]
assert rel["artifactLocation"]["uri"] == "data/splits/train.jsonl" and rel["region"]["startLine"] == 1, rel
PY

# SARIF: the shape code scanning reads, then Microsoft's validator.
python3 - fail.sarif "$broken_line" <<'PY' || fail "fail.sarif is not what it should be"
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
line = int(sys.argv[2])
assert doc["version"] == "2.1.0" and "sarif-2.1.0" in doc["$schema"]
run, = doc["runs"]
driver = run["tool"]["driver"]
assert driver["name"] == "dsci" and driver["version"]
rules = {r["id"]: r for r in driver["rules"]}
for rid in ("DSCI-FORMAT-001", "DSCI-COVERAGE-001", "DSCI-REPRODUCIBILITY-002"):
    r = rules[rid]
    assert r["shortDescription"]["text"] and r["fullDescription"]["text"] and r["help"]["text"], rid
    assert r["defaultConfiguration"]["level"] == "error", rid
assert len(rules) == len(driver["rules"]), "rule ids are not unique"
res = run["results"]
def at(r):
    loc = r["locations"][0]["physicalLocation"]
    return loc["artifactLocation"]["uri"], loc["region"]["startLine"], loc["artifactLocation"].get("uriBaseId")
bad = [r for r in res if r["ruleId"] == "DSCI-FORMAT-001"]
assert [at(r) for r in bad] == [("data/splits/train.jsonl", line, "%SRCROOT%")], [at(r) for r in bad]
assert bad[0]["level"] == "error"
cov = [r for r in res if r["ruleId"] == "DSCI-COVERAGE-001"]
assert cov and all(at(r)[0] == "specs/task-api.yaml" for r in cov), [at(r) for r in cov]
assert all(driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"] for r in res)
PY
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["runs"][0]["results"] == [], d["runs"][0]["results"]' pass.sarif ||
    fail "the passing example has SARIF results"

set +e
npm_dir=$(sh "$DSCI_SOURCE_DIR/scripts/npm-tools.sh" 2>npm.err)
rc=$?
set -e
if [ "$rc" -eq 77 ]; then
    cat npm.err
    skip_client "$(tail -n 1 npm.err): SARIF not validated with @microsoft/sarif-multitool (JUnit and SARIF shape checks passed)"
fi
[ "$rc" -eq 0 ] || { cat npm.err >&2; fail "could not install @microsoft/sarif-multitool"; }
for name in pass fail; do
    "$npm_dir/node_modules/.bin/sarif-multitool" validate "$PWD/$name.sarif" >"$name.validate" 2>&1 ||
        { cat "$name.validate" >&2; fail "sarif-multitool failed on $name.sarif"; }
    cat "$name.validate"
    expect_line "$name.validate" "Analysis completed successfully."
    # The multitool exits 0 even when it reports errors: read its verdict from the log.
    if grep -E ': error [A-Z]+[0-9]+:' "$name.validate" >/dev/null; then
        fail "sarif-multitool reports errors in $name.sarif"
    fi
    if grep -E ': warning [A-Z]+[0-9]+:' "$name.validate" >/dev/null; then
        fail "sarif-multitool warns about $name.sarif"
    fi
done
say "SARIF validated with @microsoft/sarif-multitool; JUnit counts match the text report"
