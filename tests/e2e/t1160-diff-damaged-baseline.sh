#!/bin/sh
# A baseline whose git objects cannot be read is an error (exit 3) that names the path
# and the object, for diff, bump --dry-run and check alike; never an empty split (which
# made 14 examples look "added" and proposed a minor bump). Real git, real damage to the
# object files: a truncated blob (libgit2 1.5 loops forever on one, so every run has a
# time limit), bytes overwritten in the middle, a missing blob, a damaged or missing tree,
# the baseline's spec and version file; and the head's data read with --rev.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

# The summary cache would answer for the damaged blobs by their ids without reading
# them (a right answer from a damaged repository): this test is about reading them.
export DSCI_NO_CACHE=1

copy_example
cd task-api
git init -q
git add -A
git commit -q -m "dataset 1.0.0"
git tag -a -m "release 1.0.0" dataset-v1.0.0
# The head adds one example to val.jsonl, so the baseline's val.jsonl (and its folder)
# are objects of their own.
tail -n 1 data/splits/val.jsonl | sed 's/"id": "[^"]*"/"id": "task-api-new"/; s/Add task/Add a new task/' \
    >>data/splits/val.jsonl
git commit -q -am "one more validation example"

# The healthy repository: one example added, a minor bump.
test_ok timeout 60 "$DSCI" diff
expect_line out "validation"
test_ok timeout 60 "$DSCI" bump --dry-run
expect_line out "minor"

object_file() {
    id=$(git rev-parse "$1")
    echo ".git/objects/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-)"
}

# damage KIND OBJECT: truncate | overwrite | remove the loose file of OBJECT (a rev:path)
damage() {
    f=$(object_file "$2")
    cp -p "$f" "$TRASH/saved-object"
    chmod u+w "$f"
    case $1 in
    truncate) truncate -s 40 "$f" ;;
    overwrite) printf 'XXXXXXXXXXXXXXXX' | dd of="$f" bs=1 seek=200 conv=notrunc 2>/dev/null ;;
    remove) rm -f "$f" ;;
    esac
}

restore() {
    cp -p "$TRASH/saved-object" "$f"
}

# every_command_fails PATH OBJECT_ID: diff, bump --dry-run and check exit 3 naming both
every_command_fails() {
    for cmd in "diff" "bump --dry-run" "check"; do
        # shellcheck disable=SC2086
        test_must_fail 3 timeout 60 "$DSCI" $cmd
        expect_line err "$1"
        expect_line err "$2"
        expect_line err "dataset-v1.0.0"
        expect_no_line out "minor"
    done
}

say "a truncated, overwritten or missing blob of the baseline"
blob=$(git rev-parse dataset-v1.0.0:data/splits/val.jsonl)
for kind in truncate overwrite remove; do
    damage $kind dataset-v1.0.0:data/splits/val.jsonl
    every_command_fails data/splits/val.jsonl "$blob"
    restore
done

say "a damaged or missing folder (tree) of the baseline"
tree=$(git rev-parse dataset-v1.0.0:data/splits)
for kind in truncate overwrite remove; do
    damage $kind dataset-v1.0.0:data/splits
    every_command_fails data/splits "$tree"
    restore
done

say "the baseline's spec and version file"
# give them objects of their own in the head
printf '# edited\n' >>specs/task-api.yaml
sed -i 's/"version": "1.0.0"/"version": "1.0.0" /' data/hf_dataset/version.json
git commit -q -am "edit the spec and the version file"
spec_blob=$(git rev-parse dataset-v1.0.0:specs/task-api.yaml)
damage truncate dataset-v1.0.0:specs/task-api.yaml
every_command_fails specs/task-api.yaml "$spec_blob"
restore
vf_blob=$(git rev-parse dataset-v1.0.0:data/hf_dataset/version.json)
damage overwrite dataset-v1.0.0:data/hf_dataset/version.json
test_must_fail 3 timeout 60 "$DSCI" bump --dry-run
expect_line err "data/hf_dataset/version.json"
expect_line err "$vf_blob"
restore

say "the head read with --rev"
head_blob=$(git rev-parse HEAD:data/splits/val.jsonl)
damage truncate HEAD:data/splits/val.jsonl
test_must_fail 3 timeout 60 "$DSCI" check --rev HEAD --base none
expect_line err "data/splits/val.jsonl"
expect_line err "$head_blob"
test_must_fail 3 timeout 60 "$DSCI" diff dataset-v1.0.0 HEAD
expect_line err "$head_blob"
restore

say "repaired, everything passes again"
test_ok timeout 60 "$DSCI" diff
test_ok timeout 60 "$DSCI" diff dataset-v1.0.0 HEAD

say "packed objects (after git gc) read as the loose ones did"
test_ok timeout 60 "$DSCI" diff dataset-v1.0.0 HEAD
mv out diff-loose
git gc -q
test_ok timeout 60 "$DSCI" diff dataset-v1.0.0 HEAD
test_cmp diff-loose out
pack=$(ls .git/objects/pack/*.pack)
chmod u+w "$pack"
cp -p "$pack" "$TRASH/saved-pack"
# (for the log: whole entries have 5 columns, deltas 7)
git verify-pack -v "${pack%.pack}.idx" | grep -e "^$head_blob" -e "^$blob" || true

# damage_packed ID: overwrite bytes in the middle of the object's entry in the pack
damage_packed() {
    cp -p "$TRASH/saved-pack" "$pack"
    set -- $(git verify-pack -v "${pack%.pack}.idx" | awk -v id="$1" '$1 == id { print $5, $4 }')
    printf 'XXXXXXXX' | dd of="$pack" bs=1 seek=$(($1 + $2 / 2)) conv=notrunc 2>/dev/null
}

say "a damaged packed blob stored whole (no delta), which dsci inflates itself"
whole=
for f in train test val; do
    id=$(git rev-parse "dataset-v1.0.0:data/splits/$f.jsonl")
    if git verify-pack -v "${pack%.pack}.idx" | awk -v id="$id" '$1 == id && NF == 5 { found = 1 } END { exit !found }'; then
        whole=$f
        break
    fi
done
[ -n "$whole" ] || fail "git gc stored no data file whole"
damage_packed "$id"
every_command_fails "data/splits/$whole.jsonl" "$id"

say "a damaged packed blob of the head, read with --rev"
damage_packed "$head_blob"
test_must_fail 3 timeout 60 "$DSCI" check --rev HEAD --base none
expect_line err "data/splits/val.jsonl"
expect_line err "$head_blob"

say "a damaged packed blob of the baseline"
damage_packed "$blob"
every_command_fails data/splits/val.jsonl "$blob"
