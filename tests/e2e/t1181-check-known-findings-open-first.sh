#!/bin/sh
# Accepted findings and what the reports point at: a remediation headline ("first: ...")
# names an open finding, never an accepted one; an accepted leak stays accepted when only
# its train partner changes (a commit that only deletes examples); and a known-findings
# file written before leaks were keyed by the held-out example still loads and matches.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir -p ds/specs ds/data
cat >ds/specs/p.yaml <<'YAML'
dsci: 1
dataset:
  name: known
  format: sharegpt
  files: {train: data/train.jsonl, validation: data/val.jsonl}
gates:
  reproducibility: {level: off}
  quality: {level: off}
  coverage: {level: off}
  splits: {level: off}
  duplicates: {level: off}
  leakage: {level: block, near_threshold: 0.7}
  pii: {level: block}
YAML
cat >gen.py <<'PY'
import json, random, sys
rng = random.Random(11)
words = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
         "sigma tau upsilon phi chi psi omega").split()
def conv(q, a):
    return {"conversations": [{"from": "human", "value": q}, {"from": "gpt", "value": a}]}
def w(n):
    return " ".join(rng.choice(words) + str(rng.randrange(1000)) for _ in range(n))
train = [conv(w(30), w(30)) for _ in range(20)]
held = conv(w(60), w(60))
q, a = held["conversations"][0]["value"].split(), held["conversations"][1]["value"].split()
near1 = conv(" ".join(q[:-1] + ["changed1"]), " ".join(a))              # most similar
near2 = conv(" ".join(q[:-3] + ["changed2", "x2", "y2"]), " ".join(a))   # less similar
train[5], train[12] = near1, near2
val = [conv(f"please mail person{i}@corp-mail.net today", "Sure.") for i in range(4)]
val.append(held)                                                       # val:5 leaks into train:6
val += [conv(w(30), w(30)) for _ in range(3)]
mode = sys.argv[1] if len(sys.argv) > 1 else ""
if mode in ("new-email", "both"):
    val.append(conv("and mail newcomer@corp-mail.net", "Sure."))        # val:9, not accepted
if mode in ("deleted", "both"):
    del train[5]                                                       # the partner goes: now train:12
open("ds/data/train.jsonl", "w").write("".join(json.dumps(r) + "\n" for r in train))
open("ds/data/val.jsonl", "w").write("".join(json.dumps(r) + "\n" for r in val))
PY
python3 gen.py
make_repo ds

test_must_fail 1 dsci -C ds check
expect_line out "[FAIL] Near leaks into train: 1"
expect_line out "data/val.jsonl:5: leaks into train (data/train.jsonl:6"
expect_line out "[FAIL] Emails: 4 found in 4 examples"
test_ok dsci -C ds check --update-baseline
cp ds/.dsci-baseline.json accepted.json

say "a new email: the headline names it, not the accepted ones"
python3 gen.py new-email
test_must_fail 1 dsci -C ds check
expect_line out "[FAIL] Emails: 5 found in 5 examples (4 accepted)"
expect_line out "1. Remove or mask the 5 emails (first: data/val.jsonl:9); if they are fake"
expect_no_line out "first: data/val.jsonl:1"
expect_line out "   data/val.jsonl:9: email n***@"
dsci -C ds check --format markdown >summary.md || true
expect_line summary.md "first: data/val.jsonl:9"
dsci -C ds check --format github >annotations.txt || true
grep '^::error file=data/val.jsonl,line=9,' annotations.txt >annotation9.txt || true
expect_line annotation9.txt "%0ARemove or mask the 5 emails (first: data/val.jsonl:9)"

say "deleting the train partner of an accepted leak re-points it; it stays accepted"
python3 gen.py deleted
test_ok dsci -C ds check
expect_line out "[PASS] Near leaks into train: 1 (1 accepted)"
expect_no_line out "stale"
dsci -C ds check --format json >report.json
python3 - <<'PY'
import json
r = json.load(open("report.json"))
f = [f for s in r["gates"] for c in s["checks"] if c["id"] == "leakage.near" for f in c["findings"]]
assert len(f) == 1 and f[0]["accepted"] and "data/train.jsonl:12" in f[0]["message"], f
PY

say "both at once: the new email fails, the re-pointed leak does not"
python3 gen.py both
test_must_fail 1 dsci -C ds check
expect_line out "[PASS] Near leaks into train: 1 (1 accepted)"
expect_line out "(first: data/val.jsonl:9)"
expect_line out "Blocking failures: 1"

say "a file from before: leak entries keyed by held-out + train example still match"
rm -rf old && mkdir -p old/specs old/data
cat >old/specs/p.yaml <<'YAML'
dsci: 1
dataset:
  name: old
  format: sharegpt
  files: {train: data/train.jsonl, test: data/test.jsonl}
gates:
  reproducibility: {level: off}
  quality: {level: off}
  coverage: {level: off}
  duplicates: {level: off}
  splits: {level: block}
  leakage: {level: block}
YAML
printf '%s\n' '{"conversations": [{"from": "human", "value": "plan the spring offsite agenda"}, {"from": "gpt", "value": "Draft sent."}]}' \
    '{"conversations": [{"from": "human", "value": "book a room for the review"}, {"from": "gpt", "value": "Booked."}]}' >old/data/train.jsonl
printf '%s\n' '{"conversations": [{"from": "human", "value": "plan the spring offsite agenda"}, {"from": "gpt", "value": "Draft sent."}]}' >old/data/test.jsonl
test_must_fail 1 dsci -C old check --format json
cp out old.json
python3 - <<'PY'
import hashlib, json
r = json.load(open("old.json"))
checks = {c["id"]: c for s in r["gates"] for c in s["checks"]}
held = checks["splits.overlap"]["findings"][0]["key"]          # the held-out example's own key
# the format-1 key of an exact leak: SHA-256 of held-out || train content key (the same content)
pair = hashlib.sha256(bytes.fromhex(held) * 2).hexdigest()[:32]
f = checks["leakage.exact"]["findings"][0]
json.dump({"dsci_baseline": 1, "accepted": [
    {"check": "splits.overlap", "key": held, "path": "data/train.jsonl", "line": 1},
    {"check": "leakage.exact", "key": pair, "path": f["path"], "line": f["line"]}]},
    open("old/.dsci-baseline.json", "w"))
PY
test_ok dsci -C old check
expect_line out "[PASS] Exact leaks into train: 1 (1 accepted)"
expect_no_line out "stale"
say "--update-baseline rewrites the old key as the held-out example's key"
test_ok dsci -C old check --update-baseline
python3 - <<'PY'
import json
d = json.load(open("old/.dsci-baseline.json"))
keys = {e["check"]: e["key"] for e in d["accepted"]}
assert keys["leakage.exact"] == keys["splits.overlap"], keys
PY
