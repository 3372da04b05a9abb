#!/bin/sh
# Splits tracked by Git LFS (made with the real git-lfs) are read from the local LFS store
# at a revision, in the index and when the work tree holds pointers, against an
# LFS-tracked baseline tag; an object that is not in the store is named once with the
# command that fetches it and its examples are left out of the comparison (never
# "removed"); an object that does not match its pointer is an error. dsci itself never
# runs git-lfs.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command git-lfs "scripts/deps.sh test installs it"
git lfs install --skip-smudge >/dev/null 2>&1 || git lfs install >/dev/null

# object_of REV PATH: where the LFS store keeps the object of PATH at REV
object_of() {
    oid=$(git show "$1:$2" | sed -n 's/^oid sha256://p')
    [ -n "$oid" ] || fail "$2 at $1 is not an LFS pointer"
    echo ".git/lfs/objects/$(echo "$oid" | cut -c1-2)/$(echo "$oid" | cut -c3-4)/$oid"
}

copy_example repo
cd repo
git init -q
git lfs install --local >/dev/null
git lfs track 'data/splits/*.jsonl' >/dev/null
git add -A
git commit -q -m "dataset 1.0.0 through LFS"
git tag -a -m "release 1.0.0" dataset-v1.0.0
git show HEAD:data/splits/val.jsonl | grep -q '^version https://git-lfs' || fail "git-lfs did not store val.jsonl as a pointer"
test -f "$(object_of HEAD data/splits/val.jsonl)" || fail "no local LFS object"

say "an LFS-tracked dataset at HEAD, against its LFS-tracked baseline tag"
test_ok dsci check --rev HEAD
expect_line out "0 added, 0 removed, 0 modified, 130 unchanged"
expect_line out "RESULT: PASS"

say "defects and changes read through LFS: staged, at a revision, in the work tree"
sed -i '3s/"from": "human"/"from": "robot"/' data/splits/val.jsonl
sed -i '$d' data/splits/train.jsonl
git add -A
for where in --staged --worktree; do
    test_must_fail 1 dsci check $where
    expect_line out "data/splits/val.jsonl:3: "
    expect_line out "1 removed"
    expect_no_line out "LFS pointer"
done
git commit -q -m "val line 3 broken, a train record removed"
test_must_fail 1 dsci check --rev HEAD
expect_line out "data/splits/val.jsonl:3: "
expect_line out "1 removed"
cp out "$TRASH/with-objects.out"

say "a sharded check of LFS-tracked files merges into the same report"
test_must_fail 1 dsci check --rev HEAD --format json --output "$TRASH/whole.json"
for i in 1 2 3; do
    test_ok dsci check --rev HEAD --shard $i/3 --summary-out "$TRASH/part-$i.dsum"
done
test_must_fail 1 dsci merge "$TRASH"/part-*.dsum --format json --output "$TRASH/merged.json"
grep -v '"date"' "$TRASH/whole.json" >"$TRASH/whole.cmp"
grep -v '"date"' "$TRASH/merged.json" >"$TRASH/merged.cmp"
test_cmp "$TRASH/whole.cmp" "$TRASH/merged.cmp"

# (--no-cache: a summary kept from a read of the object still knows its examples, rightly:
# the pointer names the object's bytes)
say "the baseline's object not fetched: named once with its command, its examples left out"
mv "$(object_of dataset-v1.0.0 data/splits/train.jsonl)" "$TRASH/base-train.obj"
test_must_fail 1 dsci check --rev HEAD --no-cache
expect_line out "data/splits/train.jsonl in dataset-v1.0.0: a git LFS pointer whose object is not in the local LFS store; its examples are left out of the comparison until it is fetched: \`git lfs fetch origin dataset-v1.0.0\`"
expect_line out "0 removed"
test "$(grep -c "git lfs fetch origin dataset-v1.0.0" out)" = 1 || fail "the baseline's missing object named more than once"
mv "$TRASH/base-train.obj" "$(object_of dataset-v1.0.0 data/splits/train.jsonl)"

say "no object at all: the pointers are reported, nothing counts as removed"
mv .git/lfs/objects "$TRASH/objects"
test_must_fail 1 dsci check --rev HEAD --no-cache
expect_line out "data/splits/val.jsonl: LFS pointer, object not in the local LFS store: run \`git lfs pull\`"
expect_line out "0 added, 0 removed, 0 modified, 0 unchanged"
expect_no_line out "val.jsonl:1: invalid JSON"
mv "$TRASH/objects" .git/lfs/objects
test_must_fail 1 dsci check --rev HEAD
test_cmp "$TRASH/with-objects.out" out

say "an object that does not match its pointer is an error naming the file"
obj=$(object_of HEAD data/splits/test.jsonl)
cp "$obj" "$TRASH/test.obj"
chmod u+w "$obj"
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[100] ^= 0x20; open(sys.argv[1], "wb").write(bytes(b))' "$obj"
test_must_fail 3 dsci check --rev HEAD --no-cache
expect_line err "data/splits/test.jsonl: its LFS object does not match the pointer"
printf 'x' >>"$obj"
test_must_fail 3 dsci check --rev HEAD --no-cache
expect_line err "data/splits/test.jsonl: its LFS object has"
cp "$TRASH/test.obj" "$obj"
cd ..

say "a clone without \`git lfs pull\`: pointers in the work tree until the objects are fetched"
GIT_LFS_SKIP_SMUDGE=1 git clone -q repo clone
cd clone
head -n 1 data/splits/val.jsonl | grep -q '^version https://git-lfs' || fail "the clone's work tree should hold pointers"
test_must_fail 1 dsci check
expect_line out "data/splits/val.jsonl: LFS pointer, object not in the local LFS store"
expect_line out "0 added, 0 removed, 0 modified, 0 unchanged"
git lfs fetch origin dataset-v1.0.0 >/dev/null 2>&1
git lfs fetch >/dev/null 2>&1
head -n 1 data/splits/val.jsonl | grep -q '^version https://git-lfs' || fail "fetch should not touch the work tree"
test_must_fail 1 dsci check
expect_line out "data/splits/val.jsonl:3: "
expect_line out "1 removed"
expect_no_line out "LFS pointer"
cd ..

say "a compressed split through LFS"
cd repo
git lfs track '*.gz' >/dev/null
gzip -n -c data/splits/test.jsonl >data/splits/test.jsonl.gz
sed -i 's|^    test: data/splits/test.jsonl|    test: data/splits/test.jsonl.gz|' specs/task-api.yaml
git add -A
git commit -q -m "test split compressed"
git show HEAD:data/splits/test.jsonl.gz | grep -q '^version https://git-lfs' || fail "test.jsonl.gz not in LFS"
test_must_fail 1 dsci check --rev HEAD
expect_line out "data/splits/val.jsonl:3: "
expect_no_line out "LFS pointer"
expect_no_line out "invalid JSON"
expect_line out "data/splits/test.jsonl.gz: in split 'test' but not in the version file"
cd ..

say "lfs.storage moves the store: the objects are read from there, as git-lfs reads them"
GIT_LFS_SKIP_SMUDGE=1 git clone -q repo moved
cd moved
git config lfs.storage "$TRASH/lfs-elsewhere"
git lfs fetch origin dataset-v1.0.0 >/dev/null 2>&1
git lfs fetch >/dev/null 2>&1
test -d "$TRASH/lfs-elsewhere/objects" || fail "git-lfs did not use lfs.storage"
test ! -d .git/lfs/objects || [ -z "$(find .git/lfs/objects -type f)" ] || fail "objects still in .git/lfs"
test_must_fail 1 dsci check --rev HEAD~1 --no-cache
expect_line out "data/splits/val.jsonl:3: "
expect_line out "1 removed"
expect_no_line out "LFS pointer"
say "a relative lfs.storage is inside the git dir"
mv "$TRASH/lfs-elsewhere" .git/lfs-rel
git config lfs.storage lfs-rel
test_must_fail 1 dsci check --rev HEAD~1 --no-cache
expect_line out "1 removed"
expect_no_line out "LFS pointer"
git config --unset lfs.storage
test_must_fail 1 dsci check --rev HEAD~1 --no-cache
expect_line out "data/splits/val.jsonl: LFS pointer, object not in the local LFS store: run \`git lfs pull\`"
