#!/bin/sh
# dsci init never blesses broken data and one outlier cannot set a band: on 4% distinct
# messages the starter spec keeps a floor (and blocks, so the first check fails and says
# why); one 26k-char reply among short ones is left out of the band and named; healthy,
# skewed data still passes.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir -p repeats/data outlier/data healthy/data longconv/data
python3 - <<'PY'
import json, random
def conv(*texts):
    roles = ["human", "gpt"]
    return {"conversations": [{"from": roles[i % 2], "value": t} for i, t in enumerate(texts)]}
def write(path, rows):
    open(path, "w").write("".join(json.dumps(r) + "\n" for r in rows))
rng = random.Random(5)
words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split()
def text(n):
    return " ".join(rng.choice(words) for _ in range(n))
# 100 examples, 8 distinct texts in 200 messages: 4% distinct
qs = [f"question number {i} about the task" for i in range(4)]
ans = [f"the answer number {i} to that question, as always" for i in range(4)]
write("repeats/data/train.jsonl", [conv(qs[i % 4], ans[i % 4]) for i in range(100)])
# 8 examples with replies of ~300 chars, one of 26000 (line 5)
rows = [conv(text(8) + f" {i}", (text(50) + f" {i}")[:300]) for i in range(8)]
rows[4] = conv(text(8) + " 4", ("x" * 99 + " ") * 260)
write("outlier/data/train.jsonl", rows)
# healthy but skewed: log-normal lengths, a few long replies, no outlier to speak of
rows = []
for i in range(300):
    rows.append(conv(text(max(2, int(rng.lognormvariate(2.2, 0.6)))) + f" {i}",
                     text(max(3, int(rng.lognormvariate(4.0, 1.0)))) + f" {i}"))
write("healthy/data/train.jsonl", rows)
# conversations of 2 messages, and one of 200
rows = [conv(text(6) + f" {i}", text(20) + f" {i}") for i in range(40)]
rows[7] = conv(*[text(6) + f" turn {k}" for k in range(200)])
write("longconv/data/train.jsonl", rows)
PY

say "4% distinct messages: a floor, the gate blocks, and init says so"
test_ok dsci -C repeats init
expect_line out "check: only 4.0% of message texts are distinct"
spec=repeats/specs/repeats.yaml
expect_line "$spec" "    unique_messages:  {target: 50%, acceptable: 30%}"
expect_no_line "$spec" "acceptable: 0%"
expect_line "$spec" "    level: block"
test_must_fail 1 dsci -C repeats check
expect_line out "[FAIL] Unique messages: 4.0%"
expect_line out "RESULT: FAIL"

say "one 26k-char reply: left out of the band, named, and the check fails on it"
test_ok dsci -C outlier init
expect_line out "check: 1 assistant message is far longer than the rest (26000 chars, at data/train.jsonl:5)"
spec=outlier/specs/outlier.yaml
grep -F "assistant_length:" "$spec" >band.txt
python3 - <<'PY'
import re
line = open("band.txt").read()
t_lo, t_hi, a_lo, a_hi = map(float, re.search(r"target: \[(\d+), (\d+)\], acceptable: \[(\d+), (\d+)\]", line).groups())
assert t_lo <= 300 <= t_hi and a_hi < 1700, line     # around the ~300-char replies, not the mean 3500
PY
test_must_fail 1 dsci -C outlier check
expect_line out "[FAIL] Avg assistant length"

say "one conversation of 200 messages among pairs: the turn band comes from the others"
test_ok dsci -C longconv init
expect_line out "check: 1 example has far more messages than the rest (200, at data/train.jsonl:8)"
test_must_fail 1 dsci -C longconv check
expect_line out "[FAIL] Turn variance"

say "healthy, skewed data: no notes, the starter spec passes"
test_ok dsci -C healthy init
expect_no_line out "check:"
expect_line healthy/specs/healthy.yaml "    level: warn"
test_ok dsci -C healthy check
expect_no_line out "[FAIL]"
sed -n '/^QUALITY/,/^[A-Z]/p' out >quality.txt
expect_line quality.txt "[PASS] Avg human length"
expect_line quality.txt "[PASS] Avg assistant length"
expect_line quality.txt "[PASS] Unique messages"
expect_line quality.txt "[PASS] Turn variance"
