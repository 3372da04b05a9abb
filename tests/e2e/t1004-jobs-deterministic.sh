#!/bin/sh
# --jobs N / -j N / DSCI_JOBS only change the time: on thousands of examples with planted
# near duplicates, exact duplicates, leaks and PII, the text and JSON reports of every
# thread count are the same bytes (the date aside), and the same as with the scalar
# MinHash kernel (DSCI_NO_AVX2=1). --jobs is accepted before and after the command and
# anything but 1..64 is a usage error.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir -p ds/specs ds/data
cat >ds/specs/p.yaml <<'YAML'
dsci: 1
dataset:
  name: many
  format: sharegpt
  files: {train: data/train-*.jsonl, validation: data/validation.jsonl, test: data/test.jsonl}
gates:
  reproducibility: {level: off}
  coverage:
    level: warn
    categories:
      - {name: Billing, min: 100, keywords: [invoice, refund, billing]}
      - {name: Shipping, min: 100, keywords: [parcel, shipping, courier]}
      - {name: Account, min: 100, keywords: [password, login, account]}
  quality: {level: warn}
  duplicates: {exact: block, near: warn}
  leakage: {level: block}
  pii: {level: block, allow: [example.com]}
  splits:
    level: block
    train: {ratio: 0.8}
    validation: {ratio: 0.1}
    test: {ratio: 0.1}
  regression: {level: warn}
YAML
cat >gen.py <<'PY'
import json, random, sys
# 5,000 examples of made-up words, lengths from a few words to a few thousand (so the
# signature batches take unequal times); planted near-duplicate pairs and triples,
# exact copies, leaks into train (exact and near) and PII.
version = sys.argv[1]
rng = random.Random(1004)
SYL = ("ka ri to mel an sor vel dan pre lu ost ber gin fa ne com ul tra zen hol "
       "mi cor pla tes ud rav ex im bo quen sta fir lo gan tur e wen das cy").split()
vocab = set()
while len(vocab) < 8000:
    vocab.add("".join(rng.choice(SYL) for _ in range(rng.randint(2, 4))))
vocab = sorted(vocab)
FUNC = "the a an of to in for with on and or but is are was be can how what why please".split()
TOPIC = "invoice refund billing parcel shipping courier password login account".split()

def text(n):
    return " ".join(rng.choice(FUNC) if rng.random() < 0.25 else rng.choice(vocab) for _ in range(n)).capitalize() + "."

def conv(*turns):
    return {"conversations": [{"from": "human" if i % 2 == 0 else "gpt", "value": t} for i, t in enumerate(turns)]}

def filler():
    long = rng.random() < 0.01
    return conv(text(rng.randint(8, 30)) + " " + rng.choice(TOPIC) + "?",
                text(rng.randint(1000, 3000) if long else rng.randint(30, 120)))

def near(ex, word="lorem"):   # upper case, the answer's last word changed: similarity about 0.98
    q, a = [c["value"] for c in ex["conversations"]]
    return conv(q.upper(), a.rsplit(" ", 1)[0] + " " + word + ".")

N = 5000
rows = [filler() for _ in range(N)]
if version == "v2":
    for k in range(75):                   # near duplicates: pairs, every third a triple
        src = rng.randrange(N)
        for word in ("lorem", "ipsum")[:1 + (k % 3 == 0)]:
            rows[rng.randrange(N)] = near(rows[src], word)
    for k in range(25):                   # exact copies
        rows[rng.randrange(N)] = rows[rng.randrange(N)]
    pii = ["mail jane.doe@corp-mail.net about the invoice", "card 4111 1111 1111 1111 for the refund",
           "server 10.20.30.40 rejects my login", "key sk-proj-AbCdEf0123456789XyZaBcDeF0123456789 in billing",
           "call +1 415 555 0132 about the parcel", "write to help@example.com about shipping"]
    for k in range(60):
        i = rng.randrange(N)
        q, a = [c["value"] for c in rows[i]["conversations"]]
        rows[i] = conv(q + " " + pii[k % len(pii)], a)
    del rows[3000:3050]                   # removed since v1
train, val, test = rows[:4000], rows[4000:4500], rows[4500:]
if version == "v2":
    for k in range(25):                   # leaks: exact copies and near copies of train
        val[rng.randrange(len(val))] = train[rng.randrange(len(train))]
        test[rng.randrange(len(test))] = near(train[rng.randrange(len(train))])

def write(path, rs):
    open(path, "w").write("".join(json.dumps(r) + "\n" for r in rs))
write("ds/data/train-1.jsonl", train[:2200])
write("ds/data/train-2.jsonl", train[2200:])
write("ds/data/validation.jsonl", val)
write("ds/data/test.jsonl", test)
PY
python3 gen.py v1
make_repo ds
git -C ds tag v1.0.0
python3 gen.py v2

# report FMT NAME ARGS...: dsci check --format FMT ARGS into NAME, the date left out
report() {
    fmt=$1 name=$2
    shift 2
    test_must_fail 1 "$@"
    if [ "$fmt" = json ]; then
        sed '/^  "date": "[^"]*",$/d' out >"$name"
        grep -q '"date"' "$name" && fail "$name still has a date"
    else
        sed '/^Date: /d' out >"$name"
    fi
    :
}

say "json with 1 job: the planted problems are there"
report json json.1 dsci -C ds check --format json --jobs 1
python3 - <<'PY'
import json
r = json.load(open("json.1", encoding="utf-8"))
assert r["baseline"] and r["result"] == "fail", (r["baseline"], r["result"])
checks = {c["id"]: c for s in r["gates"] for c in s["checks"]}
for cid in ("duplicates.exact", "duplicates.near", "leakage.exact", "leakage.near", "splits.overlap",
            "pii.email", "pii.credit_card", "pii.ipv4", "pii.api_key"):
    assert checks[cid]["findings_total"] > 0, (cid, checks[cid])
near = checks["duplicates.near"]["findings"]
assert len(near) > 40 and any(f["message"].startswith("3 examples") for f in near), near[:3]
assert checks["leakage.near"]["findings_total"] > 10, checks["leakage.near"]
PY

say "json with 2, 3, 8 and 64 jobs, and DSCI_JOBS=4: the same bytes"
report json json.2 dsci -C ds check --format json --jobs 2
report json json.3 dsci -C ds check --format json -j 3
report json json.8 dsci -C ds check --format json --jobs 8
report json json.64 dsci -C ds check --format json --jobs=64
report json json.env4 env DSCI_JOBS=4 "$DSCI" -C ds check --format json
for n in 2 3 8 64 env4; do
    test_cmp json.1 json.$n
done

say "--jobs before the command, and --jobs overriding DSCI_JOBS"
in_ds() {
    (cd ds && "$DSCI" "$@")
}
report json json.before in_ds --jobs 2 check --format json
test_cmp json.1 json.before
report json json.before-j env DSCI_JOBS=1 "$DSCI" -C ds -j 8 check --format json
test_cmp json.1 json.before-j

say "text reports: the same bytes"
report text text.1 dsci -C ds check --jobs 1 --max-examples 1000
report text text.8 dsci -C ds check --jobs 8 --max-examples 1000
test_cmp text.1 text.8
report text text.env4 env DSCI_JOBS=4 "$DSCI" -C ds check --max-examples 1000
test_cmp text.1 text.env4
expect_line text.1 "[WARN] Near duplicates: "
expect_line text.1 "examples are near-duplicates (similarity "
expect_line text.1 "[FAIL] Near leaks into train: "

say "the scalar MinHash kernel gives the same findings as the vector one"
report json json.scalar64 env DSCI_NO_AVX2=1 "$DSCI" -C ds check --format json --jobs 64
test_cmp json.64 json.scalar64
report text text.scalar env DSCI_NO_AVX2=1 "$DSCI" -C ds check --jobs 8 --max-examples 1000
test_cmp text.8 text.scalar

say "--jobs takes 1..64"
for bad in 0 x 65 -1 2.5 ""; do
    test_must_fail 2 dsci -C ds check --jobs "$bad"
    expect_line err "dsci: --jobs takes a number of threads from 1 to 64, not '$bad'"
    test -s out && fail "a report for --jobs '$bad'"
done
test_must_fail 2 dsci -C ds check -j 0
expect_line err "dsci: --jobs takes a number of threads from 1 to 64, not '0'"
test_must_fail 2 dsci -C ds --jobs 65 check
expect_line err "dsci: --jobs takes a number of threads from 1 to 64, not '65'"
test_must_fail 2 dsci -C ds check --jobs=x
expect_line err "--jobs"
test_must_fail 2 dsci -C ds check --jobs
expect_line err "dsci: option '--jobs' needs a value"
