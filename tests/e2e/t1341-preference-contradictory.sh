#!/bin/sh
# Issue 16, the preference gate: the same prompt with A > B in one file and B > A in
# another (here train and test) is a contradictory pair: one finding at the later record,
# naming the earlier one (text, JSON with the related place, github), blocking. The same
# order twice is no contradiction, nor is another prompt with the replies swapped.
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
    test: data/test.jsonl
gates:
  reproducibility: {level: off}
  coverage: {level: off}
  splits: {level: off}
  quality: {level: off}
  leakage: {level: off}
  duplicates: {level: off}
  preference: {length_bias: off}
YAML
python3 - <<'PY'
import json
def w(path, rows):
    with open(path, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
w("data/train.jsonl", [
    {"prompt": "Which is larger, 3 or 7?", "chosen": "7 is larger.", "rejected": "3 is larger."},
    {"prompt": "Name a prime.", "chosen": "Seven.", "rejected": "Nine."},
    {"prompt": "Pick a colour.", "chosen": "Blue, calm and deep.", "rejected": "Red."},
    {"prompt": "Name a prime.", "chosen": "Seven.", "rejected": "Nine."},   # the same order again
])
w("data/test.jsonl", [
    {"prompt": "Say a number.", "chosen": "3 is larger.", "rejected": "7 is larger."},   # other prompt
    {"prompt": "Summarize.", "chosen": "Short.", "rejected": "Long and winding."},
    {"prompt": "Which is larger, 3 or 7?", "chosen": "3 is larger.", "rejected": "7 is larger."},   # line 3
])
PY
make_repo .

say "the swapped pair in test blocks, naming the train record"
test_must_fail 1 dsci check --format text --format json --output r.json --format github --output r.gh
expect_line out "[FAIL] Contradictory pairs: 1"
expect_line out "data/test.jsonl:3: the same prompt and replies as data/train.jsonl:1, with chosen and rejected swapped"
expect_line out "Keep one order of each of 1 contradictory pair: the same prompt prefers both replies (first: data/test.jsonl:3 contradicts data/train.jsonl:1)"
expect_line out "Blocking failures: 1"
expect_line r.gh "::error file=data/test.jsonl,line=3,title=PREFERENCE%3A Contradictory pairs::the same prompt and replies as data/train.jsonl:1"
python3 - <<'PY'
import json
r = json.load(open("r.json"))
assert r["metrics"]["preference"]["contradictory"] == 1, r["metrics"]["preference"]
sec = [s for s in r["gates"] if s["gate"] == "preference"][0]
c = [c for c in sec["checks"] if c["id"] == "preference.contradictory"][0]
assert c["status"] == "fail" and c["blocking"], c
f = c["findings"]
assert len(f) == 1 and f[0]["path"] == "data/test.jsonl" and f[0]["line"] == 3, f
assert f[0]["kind"] == "contradictory_pair" and len(f[0]["key"]) == 32, f
assert f[0]["related"] == [{"path": "data/train.jsonl", "line": 1}], f
PY

say "contradictory: warn keeps the finding and does not block"
sed -i 's/preference: {length_bias: off}/preference: {length_bias: off, contradictory: warn}/' specs/d.yaml
test_ok dsci check
expect_line out "[WARN] Contradictory pairs: 1"

say "records that agree with the first are none; each that swaps it is one"
python3 - <<'PY'
import json
with open("data/test.jsonl", "a") as f:
    f.write(json.dumps({"prompt": "Which is larger, 3 or 7?", "chosen": "7 is larger.", "rejected": "3 is larger."}) + "\n")
    f.write(json.dumps({"prompt": "Which is larger, 3 or 7?", "chosen": "3 is larger.", "rejected": "7 is larger."}) + "\n")
PY
test_ok dsci check
expect_line out "[WARN] Contradictory pairs: 2"
expect_line out "data/test.jsonl:3: the same prompt and replies as data/train.jsonl:1"
expect_line out "data/test.jsonl:5: the same prompt and replies as data/train.jsonl:1"
expect_no_line out "data/test.jsonl:4:"
