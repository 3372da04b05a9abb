#!/bin/sh
# check --staged judges the blobs in the git index (the one GIT_INDEX_FILE names, as git
# sets it for hooks during `git commit -a` and `git commit PATH`), not the work tree;
# check --rev REV judges a commit's tree, spec included, without touching the work tree or
# the index. Outside a repository --staged and --rev are environment errors (exit 3) and
# --worktree still works with a note. The dataset lives in a subfolder of the repository.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir repo
(cd repo && copy_example task-api)
git -C repo init -q
git -C repo add -A
git -C repo commit -q -m "dataset 1.0.0"
git -C repo tag -a -m "release 1.0.0" dataset-v1.0.0
DS=repo/task-api
TRAIN=$DS/data/splits/train.jsonl
cp "$TRAIN" train.good
sed '3s/.*/{"conversations": [/' train.good >train.bad

say "--staged: a broken line in the index fails; fixing only the work tree does not help"
cp train.bad "$TRAIN"
git -C repo add task-api/data/splits/train.jsonl
cp train.good "$TRAIN"
test_must_fail 1 dsci -C "$DS" check --staged
expect_line out "Source: index"
expect_line out "[FAIL] Valid JSON: 129/130 (99.2%)"
expect_line out "task-api/data/splits/train.jsonl:3: invalid JSON"
expect_line out "Baseline: dataset-v1.0.0"
test_ok dsci -C "$DS" check --worktree
expect_line out "Source: worktree"
test_ok dsci -C "$DS" check
test_ok dsci -C repo check --spec task-api/specs/task-api.yaml

say "--staged: the other way round, a good index passes whatever the work tree holds"
git -C repo add task-api/data/splits/train.jsonl
cp train.bad "$TRAIN"
test_ok dsci -C "$DS" check --staged
test_must_fail 1 dsci -C "$DS" check --worktree
cp train.good "$TRAIN"

say "--staged: the spec comes from the index too"
sed -i 's/{name: Delete,   min: 15,/{name: Delete,   min: 30,/' "$DS/specs/task-api.yaml"
git -C repo add task-api/specs/task-api.yaml
git -C repo show :task-api/specs/task-api.yaml >staged.yaml
git -C repo show HEAD:task-api/specs/task-api.yaml >"$DS/specs/task-api.yaml"
grep -q "min: 30" staged.yaml || fail "the spec change is not staged"
test_must_fail 1 dsci -C "$DS" check --staged
expect_line out "[FAIL] Delete: 24 examples (target: 30)"
test_ok dsci -C "$DS" check --worktree
git -C repo reset -q

say "--staged: a spec that is not in the index is named"
cp "$DS/specs/task-api.yaml" "$DS/specs/untracked.yaml"
test_must_fail 2 dsci -C "$DS" check --staged --spec specs/untracked.yaml
expect_line err "untracked.yaml"
rm "$DS/specs/untracked.yaml"

say "GIT_INDEX_FILE names the index to judge"
cp train.bad "$TRAIN"
git -C repo add task-api/data/splits/train.jsonl           # .git/index: broken
cp train.good "$TRAIN"
(cd repo && GIT_INDEX_FILE="$TRASH/alt-index" git add -A)   # alt-index: good
test_must_fail 1 dsci -C "$DS" check --staged
test_ok env GIT_INDEX_FILE="$TRASH/alt-index" "$DSCI" -C "$DS" check --staged
git -C repo add task-api/data/splits/train.jsonl           # .git/index: good
cp train.bad "$TRAIN"
(cd repo && GIT_INDEX_FILE="$TRASH/alt-index" git add -A)   # alt-index: broken
cp train.good "$TRAIN"
test_ok dsci -C "$DS" check --staged
test_must_fail 1 env GIT_INDEX_FILE="$TRASH/alt-index" "$DSCI" -C "$DS" check --staged
# relative to the current directory, as git gives it to hooks run at the top
cp "$TRASH/alt-index" repo/.git/alt-index
(cd repo && test_must_fail 1 env GIT_INDEX_FILE=.git/alt-index "$DSCI" check --staged --spec task-api/specs/task-api.yaml &&
    mv out err "$TRASH/")
expect_line out "[FAIL] Valid JSON: 129/130 (99.2%)"
rm repo/.git/alt-index "$TRASH/alt-index"
[ -z "$(git -C repo status --porcelain)" ] || fail "the repository should be clean here"

say "a pre-commit hook running --staged sees what git commit -a and git commit PATH will commit"
cat >repo/.git/hooks/pre-commit <<EOF
#!/bin/sh
exec "$DSCI" check --staged -q --spec task-api/specs/task-api.yaml
EOF
chmod +x repo/.git/hooks/pre-commit
cp train.bad "$TRAIN"                                       # index good, work tree broken
test_must_fail 1 git -C repo commit -a -m "broken via -a"
test_must_fail 1 git -C repo commit -m "broken via PATH" task-api/data/splits/train.jsonl
[ "$(git -C repo rev-list --count HEAD)" -eq 1 ] || fail "a broken commit went through"
git -C repo add task-api/data/splits/train.jsonl            # index broken, work tree good
cp train.good "$TRAIN"
echo "More about the dataset." >>"$DS/README.md"
test_ok git -C repo commit -m "readme only" task-api/README.md
[ "$(git -C repo rev-list --count HEAD)" -eq 2 ] || fail "the README commit was blocked"
git -C repo show HEAD:task-api/data/splits/train.jsonl | cmp -s - train.good || fail "HEAD has the broken file"
git -C repo reset -q
rm repo/.git/hooks/pre-commit
[ -z "$(git -C repo status --porcelain)" ] || fail "the repository should be clean here"

say "--rev reads any revision, spec included, and touches nothing"
sed -i 's/{name: Delete,   min: 15,/{name: Delete,   min: 30,/' "$DS/specs/task-api.yaml"
git -C repo commit -q -a -m "stricter spec"
git -C repo show HEAD~2:task-api/specs/task-api.yaml >"$DS/specs/task-api.yaml"
cp train.bad "$TRAIN"
git -C repo commit -q -a -m "broken line, old spec"
git -C repo branch stricter HEAD~1
find repo -type f ! -path 'repo/.git/objects/*' -exec sha256sum {} + | sort >sums.before
touch marker
sleep 1
test_must_fail 1 dsci -C "$DS" check --rev HEAD
expect_line out "Source: HEAD ("
expect_line out "[FAIL] Valid JSON: 129/130 (99.2%)"
expect_line out "task-api/data/splits/train.jsonl:3: invalid JSON"
test_ok dsci -C "$DS" check --rev dataset-v1.0.0
expect_line out "Source: dataset-v1.0.0 ("
expect_line out "[PASS] Delete: 24 examples (target: 15)"
test_must_fail 1 dsci -C "$DS" check --rev stricter
expect_line out "[FAIL] Delete: 24 examples (target: 30)"
expect_line out "[PASS] Valid JSON: 130/130 (100%)"
test_ok dsci -C "$DS" check --rev "$(git -C repo rev-parse HEAD~3)"
test_ok dsci -C "$DS/data/splits" check --rev HEAD~3 --spec ../../specs/task-api.yaml
test_ok dsci -C repo check --spec task-api/specs/task-api.yaml --rev dataset-v1.0.0
test_ok dsci -C "$DS" check --rev dataset-v1.0.0 --format json --output "$TRASH/rev.json"
find repo -type f ! -path 'repo/.git/objects/*' -exec sha256sum {} + | sort >sums.after
test_cmp sums.before sums.after
find repo -newer marker >touched          # before git status, which refreshes the index
[ ! -s touched ] || { cat touched >&2; fail "--rev wrote into the repository"; }
[ -z "$(git -C repo status --porcelain)" ] || fail "--rev changed the work tree or the index"

say "--rev: revisions that do not exist or are not commits"
test_must_fail 2 dsci -C "$DS" check --rev nope
expect_line err "nope"
test_must_fail 2 dsci -C "$DS" check --rev HEAD~10
test_must_fail 2 dsci -C "$DS" check --rev 'HEAD^{tree}'
test_must_fail 2 dsci -C "$DS" check --rev
test_must_fail 2 dsci -C "$DS" check --rev dataset-v1.0.0 --spec specs/nope.yaml

say "no commit yet: --staged works without a baseline"
mkdir fresh
(cd fresh && copy_example task-api)
git -C fresh init -q
git -C fresh add -A
test_ok dsci -C fresh/task-api check --staged
expect_line out "Source: index"
grep -q '^Note: .*no commit' out || { cat out >&2; fail "no note about the missing commit"; }
test_must_fail 2 dsci -C fresh/task-api check --rev HEAD

say "outside a repository: --worktree works with a note, --staged and --rev exit 3"
mkdir -p nogit
(cd nogit && copy_example task-api)
export GIT_CEILING_DIRECTORIES="$TRASH"
test_ok dsci -C nogit/task-api check --worktree
grep -q '^Note: .*regression gates skipped' out || { cat out >&2; fail "no note about skipped regression gates"; }
expect_no_line out "REGRESSION"
test_ok dsci -C nogit/task-api check
test_must_fail 3 dsci -C nogit/task-api diff
test_must_fail 3 dsci -C nogit/task-api check --staged
expect_line err "not a git repository"
[ "$(wc -l <err)" -eq 1 ] || fail "expected a one-line message"
test_must_fail 3 dsci -C nogit/task-api check --rev HEAD
expect_line err "not a git repository"
[ "$(wc -l <err)" -eq 1 ] || fail "expected a one-line message"
