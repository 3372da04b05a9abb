#!/bin/sh
# A packed file stored as a chain of deltas is read in pieces by applying the deltas on
# the fly (see src/data/source_git_object.c), and what comes out is checked against the
# object's id. Many versions of a data file with appends, deletions, edits, moved blocks
# and a full shuffle (copies that go back in the base: restarts, then the fallback to
# libgit2) are packed deep (`git repack --depth 100`); every version's report read
# from the packs equals the one read from the loose objects, and none is an error.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

mkdir -p ds/specs ds/data
cd ds
format_only_spec specs/ds.yaml versions
git init -q
python3 - <<'PY'
import json, random, subprocess
random.seed(7)
words = "create update delete list show task team friday project note reminder due".split()
def rec(i):
    h = " ".join(random.choice(words) for _ in range(8))
    g = " ".join(random.choice(words) for _ in range(30))
    return json.dumps({"id": f"r{i}", "conversations": [{"from": "human", "value": h}, {"from": "gpt", "value": g}]})
lines = [rec(i) for i in range(3000)]
n = 3000
for v in range(24):
    op = v % 6
    if op == 0:
        lines += [rec(n + k) for k in range(50)]; n += 50
    elif op == 1:
        for _ in range(40): del lines[random.randrange(len(lines))]
    elif op == 2:
        for _ in range(40): lines[random.randrange(len(lines))] = rec(n); n += 1
    elif op == 3:
        a = random.randrange(len(lines) - 300); block = lines[a:a + 300]; del lines[a:a + 300]
        b = random.randrange(len(lines)); lines[b:b] = block
    elif op == 4:
        lines.insert(0, rec(n)); n += 1
    else:
        if v == 11: random.shuffle(lines)
        else: lines.reverse()
    with open("data/train.jsonl", "w") as f:
        f.write("\n".join(lines) + "\n")
    subprocess.run(["git", "add", "-A"], check=True)
    subprocess.run(["git", "commit", "-q", "-m", f"version {v}"], check=True)
PY
revs=$(git rev-list HEAD)

# report DIR: every version's JSON report (without its date) into DIR
report() {
    mkdir -p "$1"
    for rev in $revs; do
        test_ok timeout 60 "$DSCI" check --rev "$rev" --base none --format json
        grep -v '"date"' out >"$1/$rev"
    done
}

report loose
git repack -q -a -d -f --depth=100 --window=250
git prune-packed
[ -z "$(find .git/objects -path '*/objects/??/*' -type f)" ] || fail "loose objects left"
pack=$(ls .git/objects/pack/*.pack)
chains=$(git verify-pack -v "${pack%.pack}.idx" | awk '$2 == "blob" && NF == 7 && $6 >= 3' | wc -l)
[ "$chains" -gt 0 ] || fail "no delta chain of depth 3 or more: this test would not test them"
report packed
for rev in $revs; do
    test_cmp "loose/$rev" "packed/$rev"
done
# Bases too big to hold in memory (all of them, here) are streamed instead: restarted
# when a copy goes back, handed to libgit2 past one more pass.
export DSCI_GIT_BASE_IN_MEMORY_MAX=1
report streamed
unset DSCI_GIT_BASE_IN_MEMORY_MAX
for rev in $revs; do
    test_cmp "loose/$rev" "streamed/$rev"
done
