#!/bin/sh
# Near-duplicate clusters: planted paraphrases (case and punctuation changes, a changed
# number, an inserted, deleted or substituted word) in a train split of two files are
# reported as one finding per cluster at its first member, members in file order; exact
# copies are exact duplicates, not cluster members; an example half rewritten is no near
# duplicate; a near copy in another split is a leak, not a duplicate; the spec's
# threshold, shingle and permutations decide the outcome.
#
# The generator asserts the true Jaccard similarities (5-word shingles) it planted:
# every member is at least 0.9 similar to its cluster's first (the loosest pair about
# 0.91), the non-duplicates at most 0.5. At threshold 0.8 (128 permutations) an ideal
# MinHash reports a pair of 0.9 with probability 0.999 and one of 0.5 never; the
# similarities printed are estimates, so they are matched by their bounds, except where
# the construction fixes them (identical shingle sets give 1.00; a 2-member cluster has
# one pair, so one number).
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir -p ds/specs ds/data
# spec EXTRA: the spec, with EXTRA added to gates.duplicates
spec() {
    cat >ds/specs/p.yaml <<YAML
dsci: 1
dataset:
  name: clusters
  format: sharegpt
  files: {train: data/train-*.jsonl, test: data/test.jsonl}
gates:
  reproducibility: {level: off}
  quality: {level: off}
  pii: {level: off}
  duplicates: {exact: block, near: warn$1}
  leakage: {level: block}
YAML
}
spec ""
python3 - <<'PY'
import json, random, re

rng = random.Random(1003)
# Made-up words from syllables (5000 of them) and some function words: unrelated
# examples share no 5-word shingle and few words.
SYL = ("ka ri to mel an sor vel dan pre lu ost ber gin fa ne com ul tra zen hol "
       "mi cor pla tes ud rav ex im bo quen sta fir lo gan tur e wen das cy").split()
vocab = set()
while len(vocab) < 5000:
    vocab.add("".join(rng.choice(SYL) for _ in range(rng.randint(2, 4))))
vocab = sorted(vocab)
FUNC = "the a an of to in for with on and or but is are was be can how what why please".split()

def sentence(n):
    ws = [rng.choice(FUNC) if rng.random() < 0.25 else rng.choice(vocab) for _ in range(n)]
    if rng.random() < 0.3:
        ws.insert(rng.randrange(len(ws)), str(rng.randint(2, 9999)))
    return ws[0].capitalize() + " " + " ".join(ws[1:]) + rng.choice(".!?.")

def text(words):
    out, n = [], 0
    while n < words:
        k = rng.randint(6, 14)
        out.append(sentence(k))
        n += k
    return " ".join(out)

def conv(*turns, system=None):
    c = [{"from": "system", "value": system}] if system else []
    for i, t in enumerate(turns):
        c.append({"from": "human" if i % 2 == 0 else "gpt", "value": t})
    return {"conversations": c}

def filler():
    sysp = text(12) if rng.random() < 0.3 else None
    n = rng.choice((2, 2, 2, 4))
    return conv(*[text(rng.randint(8, 30) if i % 2 == 0 else rng.randint(20, 90)) for i in range(n)],
                system=sysp)

def base():                     # a planted original: a 50-word question, a 150-word answer
    return [text(50), text(150)]

def words(t):
    return t.split(" ")

def sub_word(t, pos, new):      # the word at pos (negative: from the end), punctuation kept
    w = words(t)
    w[pos] = new + re.sub(r"^[A-Za-z0-9]+", "", w[pos])
    return " ".join(w)

def ins_word(t, pos, new):
    w = words(t)
    w.insert(pos, new)
    return " ".join(w)

def del_word(t, pos):
    w = words(t)
    del w[pos]
    return " ".join(w)

# dsci's tokens for ASCII text: runs of letters and digits, lower-cased
def shingles(turns, k=5):
    s = set()
    for t in turns:
        ts = re.findall(r"[a-z0-9]+", t.lower())
        s.update(tuple(ts[i:i + k]) for i in range(len(ts) - k + 1)) if len(ts) >= k else s.add(tuple(ts))
    return s

def jaccard(x, y, k=5):
    a, b = shingles(x, k), shingles(y, k)
    return len(a & b) / len(a | b)

files = {"train-a": [filler() for _ in range(200)], "train-b": [filler() for _ in range(180)],
         "test": [filler() for _ in range(40)]}

def put(f, line, turns):
    files[f][line - 1] = conv(*turns)

def at(f, line):
    return [c["value"] for c in files[f][line - 1]["conversations"]]

# A, 4 members over both files: all upper case and other punctuation; a changed number
# mid-answer; the question's last word substituted. train-b:120 is an exact copy.
A = base()
A[1] = ins_word(A[1], 70, "costs 1200 euros per")
put("train-a", 7, A)
put("train-a", 88, [A[0].upper(), A[1].replace(".", ";").replace(",", "")])
put("train-a", 150, [A[0], A[1].replace("1200", "1350")])
put("train-b", 40, [sub_word(A[0], -1, "tomorrow"), A[1]])
put("train-b", 120, A)
# B, 3 members: a word inserted near the answer's end; the first word deleted
B = base()
put("train-a", 20, B)
put("train-a", 121, [B[0], ins_word(B[1], len(words(B[1])) - 1, "really")])
put("train-a", 199, [del_word(B[0], 0).capitalize(), B[1]])
# C, 2 members: punctuation and spacing only
C = base()
put("train-a", 55, C)
put("train-b", 11, [C[0].replace("?", "!").replace(" ", "  "), C[1].replace(".", " .")])
# D, 2 members, the loosest: one word substituted in the middle of each turn
D = base()
put("train-b", 60, D)
put("train-b", 131, [sub_word(D[0], 25, "lorem"), sub_word(D[1], 75, "ipsum")])
# F, 7 members, each its own spacing or case change: more than a finding lists
F = base()
put("train-a", 30, F)
for i, line in enumerate((40, 60, 80, 100, 140)):
    put("train-a", line, [F[0].replace(" ", " " * (i + 2), 1), F[1] if i % 2 else F[1].lower()])
put("train-b", 5, [F[0].upper(), F[1].upper()])
# E: the second half of each turn rewritten: no near duplicate
E = base()
put("train-a", 70, E)
put("train-a", 170, [" ".join(words(t)[:len(words(t)) // 2]) + " " + text(len(words(t)) // 2) for t in E])
# L: a near copy in the test split: a leak, not a duplicate
L = base()
put("train-b", 90, L)
put("test", 12, [L[0], sub_word(L[1], -1, "yesterday")])
# S: the same words shuffled in each turn: a near duplicate only with shingle 1
S = base()
put("train-a", 45, S)
put("train-b", 170, [" ".join(rng.sample(words(t), len(words(t)))) for t in S])
# an exact copy of an ordinary example
files["train-b"][150] = files["train-a"][110]

# the planted similarities are what the comments say
def check(first, others, lo, hi=1.0, k=5):
    for o in others:
        j = jaccard(at(*first), at(*o), k)
        assert lo <= j <= hi, (first, o, j)
check(("train-a", 7), [("train-a", 88)], 1.0)
check(("train-a", 7), [("train-a", 150), ("train-b", 40)], 0.95)
check(("train-a", 20), [("train-a", 121), ("train-a", 199)], 0.98)
check(("train-a", 55), [("train-b", 11)], 1.0)
check(("train-b", 60), [("train-b", 131)], 0.9, 0.92)
check(("train-a", 30), [("train-a", n) for n in (40, 60, 80, 100, 140)] + [("train-b", 5)], 1.0)
check(("train-a", 70), [("train-a", 170)], 0.2, 0.5)
check(("train-b", 90), [("test", 12)], 0.98)
check(("train-a", 45), [("train-b", 170)], 0.0, 0.0)
check(("train-a", 45), [("train-b", 170)], 1.0, 1.0, k=1)
for f, rows in files.items():
    open(f"ds/data/{f}.jsonl", "w").write("".join(json.dumps(r) + "\n" for r in rows))
PY
make_repo ds

# near_lines FILE: the cluster findings of a text report, the similarity left out
near_lines() {
    grep 'examples are near-duplicates' "$1" |
        sed 's/(similarity [0-9.]*\(–[0-9.]*\)\{0,1\})/(similarity S)/'
}
# similarities_at_least FILE T: every similarity of FILE's cluster findings is >= T, <= 1
similarities_at_least() {
    python3 - "$1" "$2" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
sims = re.findall(r"near-duplicates \(similarity (\d\.\d\d)(?:\u2013(\d\.\d\d))?\)", text)
assert sims, "no cluster findings"
for lo, hi in sims:
    # a range only when the ends differ at two decimals
    assert float(sys.argv[2]) <= float(lo) <= float(hi or lo) <= 1.0 and lo != hi, (lo, hi)
PY
}

say "the planted clusters, in file order, at their first members"
test_must_fail 1 dsci -C ds check --max-examples 10
expect_line out "[WARN] Near duplicates: 13 (5 clusters) (similarity ≥ 0.8)"
expect_line out "Keep one example of each of 5 near-duplicate clusters (first: data/train-a.jsonl:7, 4 examples)"
cat >near.expected <<'EOF_'
   data/train-a.jsonl:7: 4 examples are near-duplicates (similarity S): data/train-a.jsonl:7, data/train-a.jsonl:88, data/train-a.jsonl:150, data/train-b.jsonl:40
   data/train-a.jsonl:20: 3 examples are near-duplicates (similarity S): data/train-a.jsonl:20, data/train-a.jsonl:121, data/train-a.jsonl:199
   data/train-a.jsonl:30: 7 examples are near-duplicates (similarity S): data/train-a.jsonl:30, data/train-a.jsonl:40, data/train-a.jsonl:60, data/train-a.jsonl:80, data/train-a.jsonl:100, … (2 more)
   data/train-a.jsonl:55: 2 examples are near-duplicates (similarity S): data/train-a.jsonl:55, data/train-b.jsonl:11
   data/train-b.jsonl:60: 2 examples are near-duplicates (similarity S): data/train-b.jsonl:60, data/train-b.jsonl:131
EOF_
near_lines out >near.actual
test_cmp near.expected near.actual
similarities_at_least out 0.8
# identical shingle sets: exactly 1.00, one number
expect_line out "data/train-a.jsonl:55: 2 examples are near-duplicates (similarity 1.00): data/train-a.jsonl:55, data/train-b.jsonl:11"
expect_line out "data/train-a.jsonl:30: 7 examples are near-duplicates (similarity 1.00): data/train-a.jsonl:30, data/train-a.jsonl:40, data/train-a.jsonl:60, data/train-a.jsonl:80, data/train-a.jsonl:100, … (2 more)"
# A holds a pair of 1.00 and one of 0.95: a range with an en dash; D one pair: one number
grep -q 'data/train-a\.jsonl:7: 4 examples are near-duplicates (similarity 0\.[89][0-9]–1\.00): ' out ||
    fail "cluster A has no similarity range ending at 1.00"
grep -q 'data/train-b\.jsonl:60: 2 examples are near-duplicates (similarity 0\.[89][0-9]): ' out ||
    fail "cluster D does not show one similarity"

say "exact copies are exact duplicates, not cluster members"
expect_line out "[FAIL] Exact duplicates: 2 (2 groups)"
expect_line out "data/train-b.jsonl:120: duplicate of data/train-a.jsonl:7"
expect_line out "data/train-b.jsonl:151: duplicate of data/train-a.jsonl:111"
expect_no_line near.actual "data/train-b.jsonl:120"
expect_no_line near.actual "data/train-a.jsonl:111"
expect_no_line near.actual "data/train-b.jsonl:151"

say "half rewritten, shuffled, or in another split: no cluster"
expect_no_line near.actual "data/train-a.jsonl:70"
expect_no_line near.actual "data/train-a.jsonl:170"
expect_no_line near.actual "data/train-a.jsonl:45"
expect_no_line near.actual "data/train-b.jsonl:90"
expect_no_line near.actual "data/test.jsonl"
expect_line out "[FAIL] Near leaks into train: 1 (similarity ≥ 0.9)"
expect_line out "data/test.jsonl:12: leaks into train (data/train-b.jsonl:90, similarity "
expect_line out "[PASS] No overlap between splits: 0 shared examples"

say "json: one near_duplicate finding per cluster"
test_must_fail 1 dsci -C ds check --format json
python3 - <<'PY'
import json
r = json.load(open("out", encoding="utf-8"))
checks = {c["id"]: c for s in r["gates"] for c in s["checks"]}
near = checks["duplicates.near"]
assert near["status"] == "warn" and not near["blocking"], near
assert near["value"] == 13 and near["value_text"] == "13 (5 clusters)" and near["threshold"] == 0.8, near
assert near["findings_total"] == 5, near
got = [(f["path"], f["line"], f["kind"], f["message"].split(" (similarity")[0]) for f in near["findings"]]
want = [("data/train-a.jsonl", 7, "near_duplicate", "4 examples are near-duplicates"),
        ("data/train-a.jsonl", 20, "near_duplicate", "3 examples are near-duplicates"),
        ("data/train-a.jsonl", 30, "near_duplicate", "7 examples are near-duplicates"),
        ("data/train-a.jsonl", 55, "near_duplicate", "2 examples are near-duplicates"),
        ("data/train-b.jsonl", 60, "near_duplicate", "2 examples are near-duplicates")]
assert got == want, got
text = [l[3:] for l in open("near.actual", encoding="utf-8").read().splitlines()]
import re
msgs = [f'{f["path"]}:{f["line"]}: ' + re.sub(r"\(similarity [0-9.\u2013]+\)", "(similarity S)", f["message"])
        for f in near["findings"]]
assert msgs == text, (msgs, text)
assert all(len(f["key"]) == 32 and not f["accepted"] for f in near["findings"]), near
# every other member is a related location, in file order, as the message lists them
for f in near["findings"]:
    members = re.findall(r"(data/[a-z-]+\.jsonl):([0-9]+)", f["message"].split("): ", 1)[1])
    related = [(x["path"], x["line"]) for x in f["related"]]
    assert [(p, int(l)) for p, l in members[1:]] == related[:len(members) - 1], (members, related)
    n = int(f["message"].split(" ")[0])
    assert len(related) == n - 1, (n, related)
exact = checks["duplicates.exact"]
assert [(f["path"], f["line"], f["kind"]) for f in exact["findings"]] == [
    ("data/train-b.jsonl", 120, "exact_duplicate"), ("data/train-b.jsonl", 151, "exact_duplicate")], exact
leak = checks["leakage.near"]
assert [(f["path"], f["line"], f["kind"]) for f in leak["findings"]] == [("data/test.jsonl", 12, "leak_near")], leak
assert leak["findings"][0]["related"] == [{"path": "data/train-b.jsonl", "line": 90}], leak
PY

say "threshold 0.95 drops the loosest cluster (similarity about 0.91)"
spec ", threshold: 0.95"
test_must_fail 1 dsci -C ds check --max-examples 10
grep -q '^  \[WARN\] Near duplicates: [0-9]* (4 clusters) (similarity ≥ 0\.95)$' out ||
    { cat out >&2; fail "not 4 clusters at 0.95"; }
near_lines out >near95.actual
expect_no_line near95.actual "data/train-b.jsonl:60"
expect_no_line near95.actual "data/train-b.jsonl:131"
expect_line out "data/train-a.jsonl:55: 2 examples are near-duplicates (similarity 1.00): data/train-a.jsonl:55, data/train-b.jsonl:11"
expect_line out "data/train-a.jsonl:30: 7 examples are near-duplicates (similarity 1.00): data/train-a.jsonl:30, "
expect_line near95.actual "data/train-a.jsonl:7: "
expect_line near95.actual "data/train-a.jsonl:20: "
similarities_at_least out 0.95

say "shingle 1 compares bags of words: the shuffled pair joins"
spec ", shingle: 1"
test_must_fail 1 dsci -C ds check --max-examples 10
expect_line out "[WARN] Near duplicates: 14 (6 clusters) (similarity ≥ 0.8)"
expect_line out "data/train-a.jsonl:45: 2 examples are near-duplicates (similarity 1.00): data/train-a.jsonl:45, data/train-b.jsonl:170"
near_lines out >near1.actual
expect_no_line near1.actual "data/train-a.jsonl:70"
expect_no_line near1.actual "data/test.jsonl"

say "4 permutations: a pair needs all 4 slots equal, so every similarity is 1.00"
spec ", permutations: 4"
test_must_fail 1 dsci -C ds check --max-examples 10
grep 'examples are near-duplicates' out >near4.actual
expect_line near4.actual "data/train-a.jsonl:55: 2 examples are near-duplicates (similarity 1.00): data/train-a.jsonl:55, data/train-b.jsonl:11"
expect_line near4.actual "data/train-a.jsonl:30: 7 examples are near-duplicates (similarity 1.00): "
expect_line near4.actual "(similarity 1.00): data/train-a.jsonl:7, data/train-a.jsonl:88"
if grep -v '(similarity 1\.00)' near4.actual; then
    fail "a similarity other than 1.00 with 4 permutations"
fi

say "bad values of the keys are spec errors"
spec ", shingle: 0"
test_must_fail 2 dsci -C ds check
expect_line err "specs/p.yaml:10:51: gates.duplicates.shingle: expected an integer from 1 to 64, got '0'"
spec ", permutations: 1025"
test_must_fail 2 dsci -C ds check
expect_line err "specs/p.yaml:10:56: gates.duplicates.permutations: expected an integer from 1 to 1024, got '1025'"
spec ", threshold: 1.5"
test_must_fail 2 dsci -C ds check
expect_line err "specs/p.yaml:10:53: gates.duplicates.threshold: expected a number from 0 to 1, got '1.5'"
