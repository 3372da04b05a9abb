#!/bin/sh
# A released version carries its summary (issue 12): `dsci bump --tag` stores the
# baseline-mode summary of the tagged tree under refs/dsci/summary/<tag>; a fresh clone
# that fetched refs/dsci/* and has an empty cache replays that baseline (its files
# skipped by blob id) and reports exactly what a run without the cache reports. A damaged
# or foreign summary is ignored with a note: the same verdicts, no crash.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3
unset DSCI_CACHE_DIR DSCI_NO_CACHE DSCI_CACHE_MAX

TAG=dataset-v1.1.0
REF=refs/dsci/summary/$TAG

copy_example src
cd src
make_repo . "dataset 1.0.0"
git tag -a -m "dataset 1.0.0" dataset-v1.0.0

say "a release: bump writes the version file, the commit, bump --tag tags and stores the summary"
tail -n 1 data/splits/train.jsonl | sed 's/"value": "/"value": "Released: /' >>data/splits/train.jsonl
test_ok dsci bump
git commit -qam "dataset 1.1.0"
test_ok dsci bump --tag
expect_line out "created tag '$TAG'"
if grep -qF "kept no summary" err; then
    cat err >&2
    fail "bump --tag stored no summary: its baseline run used no cache"
fi
expect_no_line err "no stored summary"
git cat-file -t "$REF" >type || fail "bump --tag made no $REF"
[ "$(cat type)" = blob ] || fail "$REF names a $(cat type), not a blob"
[ -z "$(ls .git/dsci | grep summary- || true)" ] || fail "a temporary store was left in .git/dsci"

say "a change on top of the release, as a pull request would make it"
tail -n 1 data/splits/train.jsonl | sed 's/"value": "/"value": "Pull request: /' >>data/splits/train.jsonl
git commit -qam "one more example"
cd ..

# report NAME ARGS...: `dsci check --format json ARGS` in ./clone, its report without
# the date (and without notes when NAME ends in -nonotes) in NAME.json, its stderr in
# NAME.err, its exit code in NAME.rc.
report() {
    name=$1
    shift
    set +e
    (cd clone && "$DSCI" check --format json "$@") >"$name.raw" 2>"$name.err"
    echo $? >"$name.rc"
    set -e
    python3 - "$name.raw" "$name.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r.pop("date", None)
if sys.argv[2].endswith("-nonotes.json"):
    r.pop("notes", None)
json.dump(r, open(sys.argv[2], "w"), indent=1, sort_keys=True)
PY
}

say "a fresh clone with the refs and an empty cache replays the baseline"
git clone -q src clone
git -C clone fetch -q origin 'refs/dsci/*:refs/dsci/*'
[ ! -e clone/.git/dsci/cache ] || fail "the fresh clone has a cache already"
report warm --explain-cache
cat warm.err
expect_line warm.err "cache: $REF: "
baseline=$(grep '^cache: baseline: ' warm.err || true)
skipped=$(printf '%s\n' "$baseline" | sed -n 's/.*; \([0-9]*\) files skipped unread by blob id.*/\1/p')
[ -n "$skipped" ] || fail "no baseline line in --explain-cache's output"
[ "$skipped" = 3 ] || fail "the baseline's 3 files were not all replayed from $REF ($skipped skipped): \
does every gate the baseline runs have extract/replay yet (run/engine.c all_split)?"

report cold --no-cache
test_cmp cold.rc warm.rc
test_cmp cold.json warm.json

say "the same clone again: everything is in the cache already, nothing imported"
report again --explain-cache
expect_line again.err " 0 imported, "
test_cmp cold.json again.json

say "a damaged summary: ignored with a note, the same verdicts"
report cold-nonotes --no-cache
corrupt() {
    rm -rf clone/.git/dsci
    blob=$(git -C clone hash-object -w --stdin <"$1")
    git -C clone update-ref "$REF" "$blob"
    report "$2" --explain-cache
    test_cmp cold.rc "$2.rc"
    test_cmp cold-nonotes.json "$2.json"
    expect_line "$2.err" "cache: $REF ignored ("
    expect_line "$2.raw" "was ignored"
    expect_line "$2.err" "0 files skipped unread by blob id"
}
git -C src cat-file blob "$REF" >pack
printf 'not a summary\n' >foreign
corrupt foreign foreign-nonotes
expect_line foreign-nonotes.err "not a dsci summary pack"
head -c 200 pack >truncated
corrupt truncated truncated-nonotes
python3 - <<'PY'
data = bytearray(open("pack", "rb").read())
data[len(data) // 2] ^= 0x40
open("flipped", "wb").write(data)
PY
corrupt flipped flipped-nonotes
expect_line flipped-nonotes.err "checksum mismatch"
# a ref that names a commit, not a blob
rm -rf clone/.git/dsci
git -C clone update-ref "$REF" HEAD
report commit-nonotes --explain-cache
test_cmp cold-nonotes.json commit-nonotes.json
expect_line commit-nonotes.err "cache: $REF ignored ("

say "bump --tag with the cache off still stores the summary (a store of its own, removed after)"
cd src
tail -n 1 data/splits/train.jsonl | sed 's/"value": "/"value": "Next: /' >>data/splits/train.jsonl
git commit -qam "dataset 1.2.0 data"
test_ok dsci bump
git commit -qam "dataset 1.2.0"
rm -rf .git/dsci
export DSCI_NO_CACHE=1
test_ok dsci bump --tag
unset DSCI_NO_CACHE
expect_no_line err "no stored summary"
tag2=$(sed -n "s/.*created tag '\(.*\)'.*/\1/p" out)
[ -n "$tag2" ] || fail "no tag created"
[ "$(git cat-file -t "refs/dsci/summary/$tag2")" = blob ] || fail "no summary stored with the cache off"
[ -z "$(ls .git/dsci 2>/dev/null | grep summary- || true)" ] || fail "the temporary store was left"
[ ! -e .git/dsci/cache ] || fail "the cache was written with DSCI_NO_CACHE=1"
echo ok
