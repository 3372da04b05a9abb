#!/bin/sh
# dsci diff's counts equal an independent computation from the JSON files themselves:
# per split, examples are matched by content (roles and texts in order), so reordering the
# file, reformatting a record (key order, spacing, escapes) or changing only its id is no
# change; a removed and an added record of the same split with the same id (or, without
# ids, the same first user message) are one modified example; moving an example to another
# split is a removal and an addition. Categories: removed ones under their old category,
# the others under their new one (the example's keyword categories equal metadata.operation).
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

copy_example
cd task-api
sed -i '/^  reproducibility:/{n;s/level: block/level: off/}' specs/task-api.yaml
# The test split has no ids: its identity is the first user message.
python3 - <<'PY'
import json
path = "data/splits/test.jsonl"
recs = [json.loads(l) for l in open(path, encoding="utf-8")]
with open(path, "w", encoding="utf-8") as f:
    for r in recs:
        del r["id"]
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
PY
git init -q
git add -A
git commit -q -m "dataset 1.0.0"
git tag -a -m "release 1.0.0" dataset-v1.0.0

# The head: every kind of change at once.
python3 - <<'PY'
import json, random

def load(path):
    return [json.loads(l) for l in open(path, encoding="utf-8")]

def dump(path, recs, special=None):
    with open(path, "w", encoding="utf-8") as f:
        for r in recs:
            if special is not None and r is special:
                # same content, different bytes: keys reversed, no spaces, \u escapes
                f.write(json.dumps(dict(reversed(list(r.items()))), separators=(",", ":"), ensure_ascii=True) + "\n")
            else:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")

def edit_reply(r):
    r["conversations"][-1]["value"] += " Thanks for waiting."

train = load("data/splits/train.jsonl")
val = load("data/splits/val.jsonl")
test = load("data/splits/test.jsonl")

moved = [train[60], train[61]]                 # train -> validation
removed = {5, 17, 40, 60, 61}
edit_reply(train[10])                          # modified (same id)
edit_reply(train[20])
train[30]["id"] = "task-api-renamed"           # only the id changes: unchanged
reformatted = train[50]                        # only the bytes change: unchanged
added = []
for k, i in enumerate(range(70, 74)):          # new examples
    r = json.loads(json.dumps(train[i]))
    r["id"] = "task-api-new-%d" % k
    r["conversations"][0]["value"] += " (again)"
    added.append(r)
train = [r for i, r in enumerate(train) if i not in removed] + added
random.Random(7).shuffle(train)
dump("data/splits/train.jsonl", train, special=reformatted)

del val[3]["id"]                               # dropping the id field: unchanged
val = val[1:] + moved                          # val[0] removed; two moved in
dump("data/splits/val.jsonl", val)

edit_reply(test[2])                            # modified, matched by first user message
new = json.loads(json.dumps(test[7]))
new["conversations"][0]["value"] = "Brand " + new["conversations"][0]["value"]
test = [r for i, r in enumerate(test) if i != 5] + [new]
dump("data/splits/test.jsonl", test)
PY

# expect.py BASE_DIR HEAD_DIR OUT...: the expected `dsci diff --format json` numbers, in OUT.
cat >"$TRASH/expect.py" <<'PY'
import collections, json, statistics, sys

SPLITS = [("train", "train.jsonl"), ("validation", "val.jsonl"), ("test", "test.jsonl")]
CATEGORIES = ["Create", "Update", "Complete", "Delete", "Query"]
ROLE = {"human": "user", "gpt": "assistant"}

def load(d):
    out = {}
    for split, name in SPLITS:
        recs = []
        for line in open(f"{d}/{name}", encoding="utf-8"):
            r = json.loads(line)
            content = tuple((ROLE[m["from"]], m["value"]) for m in r["conversations"])
            ident = r["id"] if "id" in r else next(v for role, v in content if role == "user")
            recs.append({"content": content, "ident": ident, "cat": r["metadata"]["operation"]})
        out[split] = recs
    return out

def zero():
    return {"added": 0, "removed": 0, "modified": 0, "unchanged": 0}

def diff(base, head):
    total, splits = zero(), {}
    cats = {c: dict(zero(), base=0, head=0) for c in CATEGORIES}
    for split, _ in SPLITS:
        s = splits[split] = zero()
        b = collections.Counter(r["content"] for r in base[split])
        h = collections.Counter(r["content"] for r in head[split])
        both = b & h
        gone, new = b - both, h - both
        # content -> the records with it (their identity and category)
        base_by = collections.defaultdict(list)
        for r in base[split]:
            base_by[r["content"]].append(r)
        head_by = collections.defaultdict(list)
        for r in head[split]:
            head_by[r["content"]].append(r)
        for content, n in both.items():
            for r in head_by[content][:n]:
                s["unchanged"] += 1
                cats[r["cat"]]["unchanged"] += 1
        removed = [r for c, n in gone.items() for r in base_by[c][:n]]
        added = [r for c, n in new.items() for r in head_by[c][:n]]
        by_ident = collections.defaultdict(list)
        for r in removed:
            by_ident[r["ident"]].append(r)
        for r in added:
            if by_ident[r["ident"]]:
                by_ident[r["ident"]].pop()
                s["modified"] += 1
                cats[r["cat"]]["modified"] += 1
            else:
                s["added"] += 1
                cats[r["cat"]]["added"] += 1
        for rest in by_ident.values():
            for r in rest:
                s["removed"] += 1
                cats[r["cat"]]["removed"] += 1
        for k in total:
            total[k] += s[k]
    for side, data in (("base", base), ("head", head)):
        for split, _ in SPLITS:
            for r in data[split]:
                cats[r["cat"]][side] += 1
    return total, splits, cats

def metrics(data):
    user, assistant, texts, turns = [], [], [], []
    for split, _ in SPLITS:
        for r in data[split]:
            for role, v in r["content"]:
                (user if role == "user" else assistant).append(len(v))
                texts.append(v)
            turns.append(len(r["content"]))
    return {"human_length": sum(user) / len(user), "assistant_length": sum(assistant) / len(assistant),
            "unique_messages": 100.0 * len(set(texts)) / len(texts),
            "turn_variance": float(statistics.pvariance(turns))}

args = sys.argv[1:]
for i in range(0, len(args), 3):
    base, head = load(args[i]), load(args[i + 1])
    total, splits, cats = diff(base, head)
    mb, mh = metrics(base), metrics(head)
    json.dump({"base_examples": sum(len(v) for v in base.values()),
               "head_examples": sum(len(v) for v in head.values()),
               "total": total, "splits": splits, "categories": cats,
               "metrics": {k: {"base": mb[k], "head": mh[k]} for k in mb}}, open(args[i + 2], "w"), indent=1)
PY

# same.py LIST: each line GOT WANT BASE HEAD (tab-separated): dsci's JSON in GOT has the
# numbers of WANT and the names BASE -> HEAD. One Python run for all: its start-up is slow.
cat >"$TRASH/same.py" <<'PY'
import json, math, sys

def same(got_path, want_path, base_name, head_name):
    got, want = json.load(open(got_path)), json.load(open(want_path))
    bad = []
    for key in ("base_examples", "head_examples", "total", "splits"):
        if got.get(key) != want[key]:
            bad.append(f"{key}: dsci {got.get(key)} != expected {want[key]}")
    for name, counts in want["categories"].items():
        if got["categories"].get(name) != counts:
            bad.append(f"category {name}: dsci {got['categories'].get(name)} != expected {counts}")
    for name, counts in got["categories"].items():
        if name not in want["categories"] and any(counts.values()):
            bad.append(f"unexpected non-empty category {name}: {counts}")
    for key, sides in want["metrics"].items():
        for side in ("base", "head"):
            g = got["metrics"][key][side]
            if not math.isclose(g, sides[side], rel_tol=1e-9, abs_tol=1e-9):
                bad.append(f"metric {key}.{side}: dsci {g!r} != expected {sides[side]!r}")
    if got.get("base") != base_name or got.get("head") != head_name:
        bad.append(f"names: dsci {got.get('base')} -> {got.get('head')}, expected {base_name} -> {head_name}")
    if bad:
        return [f"{got_path} ({base_name} -> {head_name}): {b}" for b in bad]
    t = want["total"]
    print(f"# {base_name} -> {head_name}: {t['added']} added, {t['removed']} removed, "
          f"{t['modified']} modified, {t['unchanged']} unchanged")
    return []

bad = []
for line in open(sys.argv[1], encoding="utf-8"):
    bad += same(*line.rstrip("\n").split("\t"))
if bad:
    sys.exit("\n".join(bad))
PY

mkdir "$TRASH/v1" "$TRASH/head"
for f in train val test; do
    git show "dataset-v1.0.0:data/splits/$f.jsonl" >"$TRASH/v1/$f.jsonl"
    cp "data/splits/$f.jsonl" "$TRASH/head/$f.jsonl"
done
python3 "$TRASH/expect.py" "$TRASH/v1" "$TRASH/head" "$TRASH/want.json" \
    "$TRASH/head" "$TRASH/v1" "$TRASH/want-reverse.json" "$TRASH/head" "$TRASH/head" "$TRASH/want-none.json"

# The planted changes, counted by hand, so the independent computation is itself checked.
python3 - "$TRASH/want.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))
assert w["total"] == {"added": 7, "removed": 7, "modified": 3, "unchanged": 120}, w["total"]
assert w["splits"]["train"] == {"added": 4, "removed": 5, "modified": 2, "unchanged": 97}, w["splits"]["train"]
assert w["splits"]["validation"] == {"added": 2, "removed": 1, "modified": 0, "unchanged": 12}, w["splits"]["validation"]
assert w["splits"]["test"] == {"added": 1, "removed": 1, "modified": 1, "unchanged": 11}, w["splits"]["test"]
PY

n=0
same() { # same WANT BASE HEAD: ./out (dsci diff --format json) must have the numbers in WANT;
         # kept and compared at the end by check_same
    n=$((n + 1))
    cp out "$TRASH/got.$n.json"
    printf '%s\t%s\t%s\t%s\n' "$TRASH/got.$n.json" "$1" "$2" "$3" >>"$TRASH/pending"
}
check_same() {
    python3 "$TRASH/same.py" "$TRASH/pending" || fail "dsci diff disagrees with the independent computation"
}

say "the work tree against the tag"
test_ok dsci diff --format json
same "$TRASH/want.json" dataset-v1.0.0 worktree
test_ok dsci diff dataset-v1.0.0 --format json
same "$TRASH/want.json" dataset-v1.0.0 worktree
test_ok dsci diff
expect_line out "DATASET DIFF: dataset-v1.0.0 -> worktree"
expect_line out "Examples: 130 -> 130"
grep -Eq '^  total +7 +7 +3 +120$' out || { cat out >&2; fail "text total row"; }
grep -Eq '^  train +4 +5 +2 +97$' out || { cat out >&2; fail "text train row"; }

say "the index"
git add -A
test_ok dsci diff --staged --format json
same "$TRASH/want.json" dataset-v1.0.0 index

say "two revisions, options after the positionals, and the reverse"
GIT_COMMITTER_DATE="2025-01-02T00:00:00Z" git commit -q -m "many changes"
test_ok dsci diff dataset-v1.0.0 HEAD --format json --spec specs/task-api.yaml
same "$TRASH/want.json" dataset-v1.0.0 HEAD
test_ok dsci diff dataset-v1.0.0 HEAD
expect_line out "DATASET DIFF: dataset-v1.0.0 -> HEAD"
test_ok dsci diff HEAD dataset-v1.0.0 --format json
same "$TRASH/want-reverse.json" HEAD dataset-v1.0.0
test_ok dsci diff --format json
same "$TRASH/want.json" dataset-v1.0.0 worktree
test_ok dsci -C "$TRASH" diff --format json --spec task-api/specs/task-api.yaml
same "$TRASH/want.json" dataset-v1.0.0 worktree

say "no change at all"
test_ok dsci diff HEAD HEAD --format json
same "$TRASH/want-none.json" HEAD HEAD

say "check's REGRESSION section agrees"
test_must_fail 1 dsci check
expect_line out "REGRESSION (vs dataset-v1.0.0)"
expect_line out "7 added, 7 removed, 3 modified, 120 unchanged"
expect_line out "Removed examples: 7 of 130 (5.4%) (max: 5%)"

say "whole files reformatted (CRLF, other spacing and key order, \\u escapes) are unchanged"
sed -i 's/$/\r/' data/splits/val.jsonl
python3 - <<'PY'
import json
path = "data/splits/test.jsonl"
recs = [json.loads(l) for l in open(path, encoding="utf-8")]
# (a .jsonl file is JSONL whatever its content: a JSON array there is not a reformat)
with open(path, "w", encoding="utf-8") as f:
    for r in recs:
        f.write(json.dumps(dict(reversed(list(r.items()))), separators=(" , ", " :  "), ensure_ascii=True) + "\n")
path = "data/splits/train.jsonl"
with open(path, "w", encoding="utf-8") as f:
    for r in [json.loads(l) for l in open("../head/train.jsonl", encoding="utf-8")]:
        f.write(json.dumps(r, ensure_ascii=True).replace("a", "\\u0061") + "\n")
PY
test_ok dsci diff HEAD --format json
same "$TRASH/want-none.json" HEAD worktree
git checkout -q -- .

say "all the JSON diffs above against the independent computation"
check_same

say "usage and bad input"
test_must_fail 2 dsci diff a b c
expect_line err "at most two"
test_must_fail 2 dsci diff --format xml
test_must_fail 2 dsci diff dataset-v1.0.0 HEAD --staged
test_must_fail 2 dsci diff --bogus
test_must_fail 2 dsci diff nope
expect_line err "nope"
test_must_fail 2 dsci diff dataset-v1.0.0 nope
expect_line err "nope"
