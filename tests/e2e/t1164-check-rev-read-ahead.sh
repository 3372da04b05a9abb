#!/bin/sh
# A big blob read from git while the run has threads to spare is inflated and verified
# on a thread of its own, ahead of the parser (src/data/source_read_ahead.c). Whatever
# that thread meets, the run is the same as with one thread: the report of every version
# (loose, packed whole, packed as deltas, one whose copies jump around a base too big to
# hold, so the thread hands it back for libgit2), and the error of a damaged blob, which names the
# path and the object. The blobs are bigger than the thread's ring of buffers.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3
# The summary cache would answer for a blob by its id without reading it: this test is
# about reading.
export DSCI_NO_CACHE=1

mkdir -p ds/specs ds/data
cd ds
format_only_spec specs/ds.yaml ahead
git init -q
python3 - <<'PY'
import json, random, subprocess
random.seed(11)
words = "create update delete list show task team friday project note reminder due".split()
def rec(i):
    h = " ".join(random.choice(words) for _ in range(12))
    g = " ".join(random.choice(words) for _ in range(60))
    return json.dumps({"id": f"r{i}", "conversations": [{"from": "human", "value": h}, {"from": "gpt", "value": g}]})
lines = [rec(i) for i in range(24000)]   # about 12 MB: three times the ring
lines[5000] = '{"id": "broken", "conversations": [{"from": "human"'   # a finding the reports must share
for v in range(3):
    if v == 1:
        lines += [rec(24000 + k) for k in range(100)]
    if v == 2:
        random.shuffle(lines)
    with open("data/train.jsonl", "w") as f:
        f.write("\n".join(lines) + "\n")
    subprocess.run(["git", "add", "-A"], check=True)
    subprocess.run(["git", "commit", "-q", "-m", f"version {v}"], check=True)
PY
revs=$(git rev-list HEAD)

# report DIR JOBS: every version's JSON report (without its date) into DIR
report() {
    mkdir -p "$1"
    for rev in $revs; do
        test_must_fail 1 env DSCI_JOBS=$2 timeout 120 "$DSCI" check --rev "$rev" --base none --format json
        grep -v '"date"' out >"$1/$rev"
    done
}

say "loose objects: one thread and two give the same reports"
report loose1 1
report loose2 2
for rev in $revs; do
    test_cmp "loose1/$rev" "loose2/$rev"
done
expect_line "loose2/$(git rev-parse HEAD)" '"examples"'

say "packed, with deltas (one shuffled against its base): the same reports"
git repack -q -a -d -f --depth=50 --window=10
git prune-packed
pack=$(ls .git/objects/pack/*.pack)
git verify-pack -v "${pack%.pack}.idx" | awk '$2 == "blob" && NF == 7 { found = 1 } END { exit !found }' ||
    fail "no blob stored as a delta: this part would not test deltas"
report packed2 2
for rev in $revs; do
    test_cmp "loose1/$rev" "packed2/$rev"
done
# with bases too big to hold (all, here): the thread hands the shuffled one back to
# the caller's thread, for libgit2
export DSCI_GIT_BASE_IN_MEMORY_MAX=1
report streamed2 2
unset DSCI_GIT_BASE_IN_MEMORY_MAX
for rev in $revs; do
    test_cmp "loose1/$rev" "streamed2/$rev"
done

say "a damaged packed blob: the same error with one thread and two"
head_blob=$(git rev-parse HEAD:data/train.jsonl)
set -- $(git verify-pack -v "${pack%.pack}.idx" | awk -v id="$head_blob" '$1 == id { print $5, $4 }')
chmod u+w "$pack"
printf 'XXXXXXXX' | dd of="$pack" bs=1 seek=$(($1 + $2 * 3 / 4)) conv=notrunc 2>/dev/null
for jobs in 1 2; do
    test_must_fail 3 env DSCI_JOBS=$jobs timeout 120 "$DSCI" check --rev HEAD --base none
    expect_line err "data/train.jsonl"
    expect_line err "$head_blob"
    cp err "err$jobs"
done
test_cmp err1 err2

say "a damaged big loose blob: the same error with one thread and two"
printf '{"id": "more", "conversations": []}\n' >>data/train.jsonl
git commit -q -am "one more"
loose_blob=$(git rev-parse HEAD:data/train.jsonl)
f=".git/objects/$(echo "$loose_blob" | cut -c1-2)/$(echo "$loose_blob" | cut -c3-)"
chmod u+w "$f"
truncate -s $(($(stat -c %s "$f") * 2 / 3)) "$f"
for jobs in 1 2; do
    test_must_fail 3 env DSCI_JOBS=$jobs timeout 120 "$DSCI" check --rev HEAD --base none
    expect_line err "data/train.jsonl"
    expect_line err "$loose_blob"
    cp err "err$jobs"
done
test_cmp err1 err2
