#!/bin/sh
# Issue 16, the preference gate: a pair whose chosen reply equals the rejected one blocks
# at its line, a near-identical pair (similarity >= near_threshold, edit distance on code
# points) warns at its line, in the text, JSON, github, SARIF and JUnit reports; the
# JSON metrics count the pairs. A chat dataset's report has no PREFERENCE section.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

mkdir ds && cd ds
mkdir -p specs data
cat >specs/d.yaml <<'YAML'
dsci: 1
dataset:
  name: prefs
  format: preference
  files:
    train: data/train.jsonl
gates:
  reproducibility: {level: off}
  coverage: {level: off}
  splits: {level: off}
  quality: {level: off}
  preference:
    length_bias: off
YAML
python3 - <<'PY'
import json
# a 100-character reply, and the same with 3 characters changed: 97% similar
base = "Paris is the capital of France and sits on the Seine; the Louvre holds the Mona Lisa painting. Yes!!"
assert len(base) == 100, len(base)
near = base.replace("Seine", "Seize").replace("Mona", "Mina").replace("Yes", "Yep")
rows = [
    {"prompt": "What is 2+2?", "chosen": "It is 4.", "rejected": "It is 5."},
    {"prompt": "Capital of Italy?", "chosen": "Rome.", "rejected": "Milan, I think."},
    {"prompt": "Tell me about Paris", "chosen": base, "rejected": near},              # line 3: near
    {"prompt": "Greet me", "chosen": "Hello there!", "rejected": "Go away."},
    {"prompt": "Say hi", "chosen": "Hello there!", "rejected": "Hello there!"},       # line 5: identical
    {"prompt": "Café?", "chosen": "Un café, s'il vous plaît.", "rejected": "Un cafe, s'il vous plait."},
]
with open("data/train.jsonl", "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
PY
make_repo .

say "identical blocks, near-identical warns, each at its line"
test_must_fail 1 dsci check --format text --format json --output r.json --format github --output r.gh \
    --format sarif --output r.sarif --format junit --output r.xml
expect_line out "PREFERENCE"
expect_line out "  6 preference pairs"
expect_line out "[FAIL] Identical pairs: 1"
expect_line out "[WARN] Near-identical pairs: 1 (similarity ≥ 0.95)"
expect_line out "[PASS] Contradictory pairs: 0"
expect_no_line out "Chosen reply longer"
expect_line out "data/train.jsonl:5: chosen and rejected replies are identical"
expect_line out "data/train.jsonl:3: chosen and rejected replies are 97.0% similar (3 edits in 100 characters)"
expect_line out "Blocking failures: 1"
# "café" against "cafe" twice in 25 code points: 92% similar, under 0.95: not near
expect_no_line out "data/train.jsonl:6"
expect_line r.gh "::error file=data/train.jsonl,line=5,title=PREFERENCE%3A Identical pairs::chosen and rejected replies are identical"
expect_line r.gh "::warning file=data/train.jsonl,line=3,title=PREFERENCE%3A Near-identical pairs::"
expect_line r.xml 'classname="dsci.preference" name="Identical pairs"'
expect_line r.xml "data/train.jsonl:5"
python3 - <<'PY'
import json
r = json.load(open("r.json"))
assert r["metrics"]["preference"] == {"pairs": 6, "identical": 1, "near_identical": 1, "contradictory": 0,
                                      "chosen_longer": 1, "chosen_longer_share": 1 / 6}, r["metrics"]["preference"]
sec = [s for s in r["gates"] if s["gate"] == "preference"][0]
assert sec["level"] == "block" and sec["status"] == "fail", sec
checks = {c["id"]: c for c in sec["checks"]}
assert set(checks) == {"preference.identical", "preference.near", "preference.contradictory"}, checks.keys()
f = checks["preference.identical"]["findings"]
assert [(x["path"], x["line"], x["kind"]) for x in f] == [("data/train.jsonl", 5, "identical_pair")], f
assert checks["preference.identical"]["blocking"] is True
f = checks["preference.near"]["findings"]
assert [(x["path"], x["line"], x["kind"]) for x in f] == [("data/train.jsonl", 3, "near_identical_pair")], f
assert checks["preference.near"]["status"] == "warn" and checks["preference.near"]["blocking"] is False
s = json.load(open("r.sarif"))
res = [(x["properties"]["check"], x["level"], x["locations"][0]["physicalLocation"]["region"]["startLine"])
       for x in s["runs"][0]["results"] if x["properties"]["check"].startswith("preference.")]
assert sorted(res) == [("preference.identical", "error", 5), ("preference.near", "warning", 3)], res
PY

say "a lower near_threshold catches the café pair; near: block makes it block"
sed -i 's/    length_bias: off/    length_bias: off\n    near_threshold: 0.9\n    near: block/' specs/d.yaml
test_must_fail 1 dsci check
expect_line out "[FAIL] Near-identical pairs: 2 (similarity ≥ 0.9)"
expect_line out "data/train.jsonl:6: chosen and rejected replies are 92.0% similar (2 edits in 25 characters)"
expect_line out "Blocking failures: 2"

say "near: warn and identical: warn: nothing blocks"
sed -i 's/    near: block/    near: warn\n    identical: warn/' specs/d.yaml
test_ok dsci check
expect_line out "[WARN] Identical pairs: 1"

say "a chat dataset has no PREFERENCE section"
cd "$TRASH"
copy_example
cd task-api
make_repo .
set +e
dsci check --format json --output r.json >out 2>err
set -e
expect_no_line out "PREFERENCE"
python3 -c 'import json; r = json.load(open("r.json")); assert "preference" not in r["metrics"]; assert all(s["gate"] != "preference" for s in r["gates"])'
