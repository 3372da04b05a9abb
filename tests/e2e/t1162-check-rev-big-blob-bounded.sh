#!/bin/sh
# Reading a big file from git (--rev, or the baseline of diff/check) keeps memory bounded
# by the largest record, as reader.h promises, not by the file: the blob is inflated in
# pieces from its loose object or, after `git gc`, from the pack (stored whole, or as a
# delta applied on the fly). A 128 MiB data file is
# checked, and diffed with its baseline, under a 100 MB data limit; reading the blobs
# whole (as before) could do neither.
# The limit is on data (`ulimit -d`: the process's private writable memory), not on
# address space (`ulimit -v`): glibc reserves 64 MiB of address space, untouched, for
# each thread's malloc arena when there is room at the moment the thread first
# allocates, so under -v whether a 9 MiB buffer fits later depended on thread timing
# (CI failed once on a loaded machine; strace showed the reservation, not dsci's use).
# The file is one record repeated, so git stores it in about 1 MB and this stays quick.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
[ "${DSCI_SANITIZED:-0}" = 1 ] && skip "the sanitizers reserve terabytes of shadow memory"

mkdir -p ds/specs ds/data
cd ds
format_only_spec specs/big.yaml big
# records of 64 KiB, so that the diff's few dozen bytes per example do not count
reply=$(yes "Done: I created the task Renew the team license, due Friday." | head -n 1000 | tr '\n' ' ')
record='{"id": "r", "conversations": [{"from": "human", "value": "Create a task to renew the team license before Friday"}, {"from": "gpt", "value": "'"$reply"'"}]}'
# 1 << 27 bytes, cut back to whole lines
size=134217728
yes "$record" | head -c $size >data/train.jsonl
truncate -s $((size - size % (${#record} + 1))) data/train.jsonl
git init -q
git add -A
git commit -q -m "big dataset"
git tag -a -m "release 1.0.0" v1.0.0
records=$(wc -l <data/train.jsonl)

# limited KB ARGS...
limited() {
    kb=$1
    shift
    (ulimit -d "$kb" && DSCI_JOBS=2 test_ok "$DSCI" "$@")
}

say "loose objects"
limited 100000 check --rev HEAD --base none --format json
expect_line out "\"examples\": $records"
limited 100000 diff v1.0.0 HEAD

say "packed (git gc)"
git gc -q
[ -z "$(find .git/objects -path '*/objects/??/*' -type f)" ] || fail "git gc left loose objects"
limited 100000 check --rev HEAD --base none --format json
expect_line out "\"examples\": $records"
limited 100000 diff v1.0.0 HEAD

say "packed as a delta: the baseline once a later version exists (git stores the newest whole)"
printf '%s\n' "$record" >>data/train.jsonl
git commit -q -am "one more record"
git gc -q
pack=$(ls .git/objects/pack/*.pack)
base_blob=$(git rev-parse v1.0.0:data/train.jsonl)
git verify-pack -v "${pack%.pack}.idx" | awk -v id="$base_blob" '$1 == id && NF == 7 { found = 1 } END { exit !found }' ||
    fail "the baseline's blob is not a delta: this part would not test deltas"
limited 100000 check --rev v1.0.0 --base none --format json
expect_line out "\"examples\": $records"
limited 100000 diff v1.0.0 HEAD
