#!/bin/sh
# Planted near-duplicates, leaks and PII are found, reported with locations, and no
# report format ever contains the full secret.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir -p ds/specs ds/data
cat >ds/specs/p.yaml <<'YAML'
dsci: 1
dataset:
  name: planted
  format: sharegpt
  files: {train: data/train.jsonl, test: data/test.jsonl}
gates:
  reproducibility: {level: off}
  quality: {level: off}
  duplicates: {exact: block, near: warn, threshold: 0.8}
  leakage: {level: block, near_threshold: 0.9}
  pii: {level: block, allow: [example.com]}
YAML
python3 - <<'PY'
import json, random
rng = random.Random(2)
words = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
         "sigma tau upsilon phi chi psi omega").split()
def conv(q, a):
    return {"conversations": [{"from": "human", "value": q}, {"from": "gpt", "value": a}]}
def words_(n):
    return " ".join(rng.choice(words) for _ in range(n))
train = [conv(words_(25) + f" item {i}", words_(40)) for i in range(40)]
# line 41: a paraphrase of line 4 (near-duplicate within train)
train.append(conv(train[3]["conversations"][0]["value"].replace("item 3", "item three"),
                  train[3]["conversations"][1]["value"]))
# lines 42, 43: PII; example.com is allowed
train.append(conv("please mail jane.doe@corp-mail.net about it", "Sure, card 4111 1111 1111 1111 noted."))
train.append(conv("write to user@example.com, build version 1.2.3.4",
                  "ok, server 10.20.30.40 and key sk-proj-AbCdEf0123456789XyZaBcDeF0123456789"))
# look-alikes that must not fire: bad Luhn, ISO date, documentation IP
train.append(conv("card 4111 1111 1111 1112 on 2025-03-14", "see 192.0.2.7 for docs"))
# line 45: the other detectors: an international phone number, IPv6, a GitHub token
train.append(conv("call me at +44 20 7946 0958 tomorrow",
                  "host 2a00:1450:4009:81f::200e, token ghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LmNbVc"))
# test: line 1 an exact copy of train line 11, line 2 a near copy of train line 21
test = [train[10], conv(train[20]["conversations"][0]["value"] + " x", train[20]["conversations"][1]["value"])]
test += [conv(words_(25), words_(40)) for _ in range(5)]
open("ds/data/train.jsonl", "w").write("".join(json.dumps(r) + "\n" for r in train))
open("ds/data/test.jsonl", "w").write("".join(json.dumps(r) + "\n" for r in test))
PY

test_must_fail 1 dsci -C ds check --max-examples 5
expect_line out "[WARN] Near duplicates: 1 (1 cluster)"
expect_line out "data/train.jsonl:4: 2 examples are near-duplicates"
expect_line out "data/train.jsonl:41"
expect_line out "[FAIL] Emails: 1 found in 1 example"
expect_line out "[FAIL] Credit cards: 1 found in 1 example"
expect_line out "[FAIL] IPv4 addresses: 1 found in 1 example"
expect_line out "[FAIL] API keys: 2 found in 2 examples"
expect_line out "[FAIL] Phone numbers: 1 found in 1 example"
expect_line out "[FAIL] IPv6 addresses: 1 found in 1 example"
expect_line out "data/train.jsonl:45: phone number"
expect_line out "data/train.jsonl:45: IPv6 address"
expect_line out "data/train.jsonl:42: email j***@"
expect_line out "4111 **** **** 1111"
expect_line out "[FAIL] Exact leaks into train: 1"
expect_line out "data/test.jsonl:1: leaks into train (data/train.jsonl:11, exact copy)"
expect_line out "[FAIL] Near leaks into train: 1"
expect_line out "data/test.jsonl:2: leaks into train (data/train.jsonl:21"

# the same run twice gives the same report; no format carries a full secret
dsci -C ds check >run1.txt 2>&1 || true
dsci -C ds check >run2.txt 2>&1 || true
test_cmp run1.txt run2.txt
for f in text json markdown sarif junit github; do
    dsci -C ds check --format "$f" >"report.$f" 2>&1 || true
    for secret in "jane.doe@corp-mail.net" "4111 1111 1111 1111" "AbCdEf0123456789XyZaBcDeF0123456789" "10.20.30.40" \
                  "+44 20 7946 0958" "2a00:1450:4009:81f::200e" "Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LmNbVc"; do
        expect_no_line "report.$f" "$secret"
    done
done
