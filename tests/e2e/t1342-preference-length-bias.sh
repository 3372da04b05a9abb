#!/bin/sh
# Issue 16, the preference gate's length bias: the share of pairs whose chosen reply is
# longer (in code points) outside gates.preference.length_bias ([0.35, 0.65] by default)
# warns with the share, at the spec's key; inside the band it passes; `length_bias:
# block` blocks. The spec keys: a band out of order, a share over 1 and a misspelt key are
# clear errors (exit 2) with the line and a suggestion.
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
  duplicates: {level: off}
  preference:
    length_bias: [0.35, 0.65]
YAML
python3 - <<'PY'
import json
with open("data/train.jsonl", "w") as f:
    for i in range(20):
        # 16 of 20 chosen replies are the longer one: 80%
        long, short = "A careful, complete answer number %d with reasons." % i, "No %d." % i
        chosen, rejected = (long, short) if i < 16 else (short, long)
        f.write(json.dumps({"prompt": "Question %d?" % i, "chosen": chosen, "rejected": rejected}) + "\n")
PY
make_repo .

say "80% of chosen replies longer: warns with the share, exit 0"
test_ok dsci check --format text --format json --output r.json --format github --output r.gh
expect_line out "[WARN] Chosen reply longer: 16/20 (80%) (share in [0.35, 0.65])"
expect_line out "specs/d.yaml:14: the chosen reply is the longer one in 16/20 (80%) of pairs, outside [0.35, 0.65]"
expect_line r.gh "::warning file=specs/d.yaml,line=14,title=PREFERENCE%3A Chosen reply longer::"
python3 - <<'PY'
import json
r = json.load(open("r.json"))
p = r["metrics"]["preference"]
assert (p["pairs"], p["chosen_longer"], p["chosen_longer_share"]) == (20, 16, 0.8), p
sec = [s for s in r["gates"] if s["gate"] == "preference"][0]
c = [c for c in sec["checks"] if c["id"] == "preference.length_bias"][0]
assert c["status"] == "warn" and c["value"] == 0.8 and c["threshold"] == 0.65, c
assert [(f["path"], f["line"], f["kind"]) for f in c["findings"]] == [("specs/d.yaml", 14, "length_bias")], c
PY

say "a band that holds 80% passes"
sed -i 's/length_bias: \[0.35, 0.65\]/length_bias: [20%, 85%]/' specs/d.yaml
test_ok dsci check
expect_line out "[PASS] Chosen reply longer: 16/20 (80%) (share in [0.2, 0.85])"

say "length_bias: block blocks at the default band"
sed -i 's/length_bias: \[20%, 85%\]/length_bias: block/' specs/d.yaml
test_must_fail 1 dsci check
expect_line out "[FAIL] Chosen reply longer: 16/20 (80%) (share in [0.35, 0.65])"
expect_line out "Blocking failures: 1"

say "preference: warn caps every check nobody set"
sed -i 's/    length_bias: block/    level: warn/' specs/d.yaml
python3 - <<'PY'
import json
with open("data/train.jsonl", "a") as f:
    f.write(json.dumps({"prompt": "Same?", "chosen": "Same.", "rejected": "Same."}) + "\n")
PY
test_ok dsci check
expect_line out "[WARN] Identical pairs: 1"
expect_line out "data/train.jsonl:21: chosen and rejected replies are identical"

say "spec errors"
sed -i 's/    level: warn/    length_bias: [0.7, 0.3]/' specs/d.yaml
test_must_fail 2 dsci check
expect_line err "specs/d.yaml:14:18: gates.preference.length_bias: low end 0.7 is above high end 0.3"
sed -i 's/length_bias: \[0.7, 0.3\]/length_bias: [0.3, 1.5]/' specs/d.yaml
test_must_fail 2 dsci check
expect_line err "specs/d.yaml:14:"
expect_line err "gates.preference.length_bias[1]"
sed -i 's/length_bias: \[0.3, 1.5\]/near_treshold: 0.9/' specs/d.yaml
test_must_fail 2 dsci check
expect_line err "specs/d.yaml:14:5:"
expect_line err "did you mean 'near_threshold'"
sed -i 's/near_treshold: 0.9/near_threshold: 1.5/' specs/d.yaml
test_must_fail 2 dsci check
expect_line err "gates.preference.near_threshold"
