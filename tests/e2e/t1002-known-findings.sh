#!/bin/sh
# The known-findings file: --update-baseline accepts today's findings by example
# content; they survive moved lines and a reformat, come back when the example changes,
# stale entries are named, the file is read from where the data is read (--staged), and
# a broken file is a spec-level error (exit 2), never a silent pass.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir -p ds/specs ds/data
cat >ds/specs/p.yaml <<'YAML'
dsci: 1
dataset:
  name: known
  format: sharegpt
  files: {train: data/train.jsonl, test: data/test.jsonl}
gates:
  reproducibility: {level: off}
  quality: {level: off}
  duplicates: {exact: block, near: block, threshold: 0.8}
  leakage: {level: block, near_threshold: 0.9}
  pii: {level: block}
YAML
cat >gen.py <<'PY'
import json, random, sys
rng = random.Random(7)
words = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
         "sigma tau upsilon phi chi psi omega").split()
def conv(q, a):
    return {"conversations": [{"from": "human", "value": q}, {"from": "gpt", "value": a}]}
def w(n):
    return " ".join(rng.choice(words) for _ in range(n))
train = [conv(w(25) + f" item {i}", w(40)) for i in range(30)]
train.append(conv("mail ops-team@corp-mail.net when done", "Will do."))          # line 31: PII
train.append(dict(train[5]))                                                      # line 32: exact dup of 6
train.append(conv(train[9]["conversations"][0]["value"].replace("item 9", "item nine"),
                  train[9]["conversations"][1]["value"]))                         # line 33: near dup of 10
test = [train[12]] + [conv(w(25), w(40)) for _ in range(4)]                       # test:1 leaks
mode = sys.argv[1] if len(sys.argv) > 1 else ""
if mode == "moved":
    train = train[30:] + train[:30]          # the same examples, other lines
if mode == "edited":
    train[30] = conv("mail ops-team@corp-mail.net and billing@corp-mail.net", "Will do.")
if mode == "fixed-dup":
    del train[31]
indent = 2 if mode == "moved" else None     # reformatting is no change to the content
open("ds/data/train.jsonl", "w").write("".join(json.dumps(r, indent=None, separators=(", ", ": ") if indent else None) + "\n" for r in train))
open("ds/data/test.jsonl", "w").write("".join(json.dumps(r) + "\n" for r in test))
PY
python3 gen.py
make_repo ds

test_must_fail 1 dsci -C ds check
expect_line out "[FAIL] Emails: 1 found in 1 example"
expect_line out "[FAIL] Exact duplicates: 1 (1 group)"
expect_line out "[FAIL] Near duplicates: 1 (1 cluster)"
expect_line out "[FAIL] Exact leaks into train: 1"

say "--update-baseline writes the file and the run passes"
test_ok dsci -C ds check --update-baseline
expect_line out "wrote .dsci-baseline.json: 5 accepted findings"
expect_line out "[PASS] No overlap between splits: 1 shared example (1 accepted)"
expect_line out "[PASS] Emails: 1 found in 1 example (1 accepted)"
expect_line out "[PASS] Exact duplicates: 1 (1 group) (1 accepted)"
expect_line out "RESULT: PASS"
python3 - <<'PY'
import json
d = json.load(open("ds/.dsci-baseline.json"))
assert d["dsci_baseline"] == 1, d
checks = sorted(e["check"] for e in d["accepted"])
assert checks == ["duplicates.exact", "duplicates.near", "leakage.exact", "pii.email", "splits.overlap"], checks
for e in d["accepted"]:
    assert len(e["key"]) == 32 and all(c in "0123456789abcdef" for c in e["key"]), e
    assert "ops-team@corp-mail.net" not in json.dumps(e), "a secret in the baseline file"
PY
cp ds/.dsci-baseline.json first.json
test_ok dsci -C ds check
expect_line out "RESULT: PASS"
python3 - <<'PY'
import json   # an entry listed twice (a hand-merged file) is one entry, not a stale one
d = json.load(open("ds/.dsci-baseline.json"))
d["accepted"].insert(0, dict(d["accepted"][-1]))
json.dump(d, open("ds/.dsci-baseline.json", "w"))
PY
test_ok dsci -C ds check
expect_no_line out "stale"
cp first.json ds/.dsci-baseline.json
dsci -C ds check --format json >report.json
python3 - <<'PY'
import json
r = json.load(open("report.json"))
acc = [(c["id"], f["accepted"]) for s in r["gates"] for c in s["checks"] for f in c["findings"]]
assert ("pii.email", True) in acc and all(a for _, a in acc), acc
PY

say "moved lines and a reformat keep the findings accepted"
python3 gen.py moved
test_ok dsci -C ds check
expect_line out "[PASS] Emails: 1 found in 1 example (1 accepted)"
expect_no_line out "stale"

say "an edited example is a new finding; the old entry is stale"
python3 gen.py edited
test_must_fail 1 dsci -C ds check
expect_line out "[FAIL] Emails: 2 found in 1 example"
expect_line out "data/train.jsonl:31: email"
expect_line out "accepted pii.email finding at data/train.jsonl:31 is no longer found (stale)"

say "a fixed duplicate leaves a stale entry, nothing fails"
python3 gen.py fixed-dup
test_ok dsci -C ds check
expect_line out "accepted duplicates.exact finding at data/train.jsonl:32 is no longer found (stale)"

say "--staged reads the file from the index"
python3 gen.py
rm ds/.dsci-baseline.json
test_must_fail 1 dsci -C ds check --staged
cp first.json ds/.dsci-baseline.json
(cd ds && git add .dsci-baseline.json)
rm ds/.dsci-baseline.json
test_ok dsci -C ds check --staged
test_must_fail 1 dsci -C ds check --worktree

say "a broken file is an error, not a pass"
printf '{"dsci_baseline": 1, "accepted": [' >ds/.dsci-baseline.json
test_must_fail 2 dsci -C ds check
expect_line err ".dsci-baseline.json: not valid JSON"
printf '{"dsci_baseline": 1, "accepted": [{"check": "pii.email", "key": "xyz"}]}' >ds/.dsci-baseline.json
test_must_fail 2 dsci -C ds check
expect_line err "accepted[0]: needs \"check\" and a \"key\" of 32 lower-case hex digits"
printf '{"dsci_baseline": 9, "accepted": []}' >ds/.dsci-baseline.json
test_must_fail 2 dsci -C ds check
expect_line err "format 9 is not one this dsci reads"
test_must_fail 2 dsci -C ds check --rev HEAD --update-baseline
expect_line err "--update-baseline writes the work tree's .dsci-baseline.json"

say "judged with the base branch's spec (--spec-from), the file comes from there too"
rm -rf pr && mkdir -p pr/specs pr/data
cp ds/specs/p.yaml pr/specs/p.yaml
printf '%s\n' '{"conversations": [{"from": "human", "value": "mail ops@corp-mail.net please"}, {"from": "gpt", "value": "ok"}]}' \
    '{"conversations": [{"from": "human", "value": "plan the spring offsite agenda"}, {"from": "gpt", "value": "Draft sent."}]}' >pr/data/train.jsonl
printf '%s\n' '{"conversations": [{"from": "human", "value": "summarise the quarterly budget review"}, {"from": "gpt", "value": "Done."}]}' >pr/data/test.jsonl
(cd pr && git init -q && git add -A && git commit -q -m base)
test_ok dsci -C pr check --update-baseline
(cd pr && git add .dsci-baseline.json && git commit -q -m "accept the ops address" && git checkout -q -b feature)
printf '%s\n' '{"conversations": [{"from": "human", "value": "and tell cfo@corp-mail.net too"}, {"from": "gpt", "value": "ok"}]}' >>pr/data/train.jsonl
test_ok dsci -C pr check --update-baseline          # the pull request accepts its own new finding ...
(cd pr && git add -A && git commit -q -m "new data, accepted by itself")
test_ok dsci -C pr check                             # ... which its own file would let through,
test_must_fail 1 dsci -C pr check --spec-from main   # but not the base branch's file
expect_line out "[FAIL] Emails: 2 found in 2 examples"
expect_line out "this change edits .dsci-baseline.json; it was judged with the one from main"
expect_line out "data/train.jsonl:3: email"
