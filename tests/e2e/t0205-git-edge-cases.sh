#!/bin/sh
# Git layouts a data repository meets in practice: a bare clone, a linked worktree, data in a
# submodule, an LFS pointer in place of a split, symlinks (inside: followed; leaving the
# repository: refused), and a shallow CI clone without the baseline tag.
# Each case runs in its own subshell and directory, so one failing case does not hide the
# others; the script fails at the end naming every failed case.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

# The bundled example in repo/task-api, committed and tagged dataset-v1.0.0.
make_tagged_repo() {
    mkdir "$1"
    (cd "$1" && copy_example task-api)
    git -C "$1" init -q
    git -C "$1" add -A
    git -C "$1" commit -q -m "dataset 1.0.0"
    git -C "$1" tag -a -m "release 1.0.0" dataset-v1.0.0
}

failed=
run_case() {
    set +e
    (
        set -e
        mkdir "$TRASH/$1"
        cd "$TRASH/$1"
        "$@"
    )
    rc=$?
    set -e
    if [ "$rc" -eq 0 ]; then
        say "case $1: ok"
    else
        say "case $1: FAILED"
        failed="$failed $1"
    fi
}

# (a) A bare clone has no work tree and no index: --rev reads it, the spec path is taken
# from the repository top.
case_bare() {
    make_tagged_repo src
    git -C src commit -q --allow-empty -m "later"
    git clone -q --bare src bare.git
    test_ok dsci -C bare.git check --rev HEAD --spec task-api/specs/task-api.yaml
    expect_line out "Source: HEAD ("
    expect_line out "[PASS] Valid JSON: 130/130 (100%)"
    expect_line out "Baseline: dataset-v1.0.0"
    expect_line out "0 added, 0 removed, 0 modified, 130 unchanged"
    expect_line out "RESULT: PASS"
    test_ok dsci -C bare.git check --rev dataset-v1.0.0 --spec task-api/specs/task-api.yaml
    test_ok dsci -C bare.git diff dataset-v1.0.0 HEAD --spec task-api/specs/task-api.yaml
    expect_line out "DATASET DIFF: dataset-v1.0.0 -> HEAD"
    test_must_fail 2 dsci -C bare.git check --staged --spec task-api/specs/task-api.yaml
    expect_line err "bare"
    test_must_fail 2 dsci -C bare.git check --rev HEAD --spec task-api/specs/nope.yaml
    expect_line err "nope.yaml"
    # GIT_DIR, as git honours it
    test_ok env GIT_DIR="$PWD/bare.git" "$DSCI" check --rev HEAD --spec task-api/specs/task-api.yaml
    expect_line out "Baseline: dataset-v1.0.0"
}

# (b) A linked worktree has its own HEAD and index and shares the tags.
case_worktree() {
    make_tagged_repo main
    git -C main worktree add -q ../wt -b feature
    test_ok dsci -C wt/task-api check --staged
    expect_line out "Source: index"
    expect_line out "Baseline: dataset-v1.0.0"
    expect_line out "0 added, 0 removed, 0 modified, 130 unchanged"
    test_ok dsci -C wt/task-api check --rev HEAD
    expect_line out "Baseline: dataset-v1.0.0"
    test_ok dsci -C wt/task-api check
    expect_line out "Baseline: dataset-v1.0.0"
    # staging in the worktree changes its index only
    sed -i '5d' wt/task-api/data/splits/train.jsonl
    git -C wt add task-api/data/splits/train.jsonl
    test_must_fail 1 dsci -C wt/task-api check --staged
    expect_line out "0 added, 1 removed, 0 modified, 129 unchanged"
    test_ok dsci -C main/task-api check --staged
    expect_line out "0 added, 0 removed, 0 modified, 130 unchanged"
    git -C wt commit -q -m "drop one"
    test_must_fail 1 dsci -C main/task-api check --rev feature
    expect_line out "0 added, 1 removed, 0 modified, 129 unchanged"
}

# (c) The data is in a submodule; the spec in the superproject points into it.
submodule_spec() { # submodule_spec DIR: a spec for the splits under DIR/splits
    mkdir -p specs
    sed -e "s#data/splits/#$1/splits/#" -e '/^  card: /d' -e '/^  version_file: /d' \
        -e '/^  reproducibility:/{n;s/level: block/level: off/}' \
        "$DSCI_SOURCE_DIR/examples/task-api/specs/task-api.yaml" >specs/task-api.yaml
}
submodule_checks() { # submodule_checks PATH: checks of a superproject with data at PATH
    test_ok dsci check --rev HEAD
    expect_line out "[PASS] Valid JSON: 130/130 (100%)"
    expect_line out "Baseline: dataset-v1.0.0"
    expect_line out "0 added, 0 removed, 0 modified, 130 unchanged"
    test_ok dsci check --worktree
    expect_line out "[PASS] Valid JSON: 130/130 (100%)"
    test_ok dsci check --staged
    expect_line out "[PASS] Valid JSON: 130/130 (100%)"
    # a new data commit in the submodule (one example added), recorded in the superproject
    head -n 1 "$1/splits/train.jsonl" |
        sed 's/"id": "task-api-/"id": "task-api-new-/; s/"value": "/"value": "Hi again. /' >>"$1/splits/train.jsonl"
    git -C "$1" commit -q -a -m "one more"
    test_ok dsci check --worktree
    expect_line out "1 added, 0 removed, 0 modified, 130 unchanged"
    test_ok dsci check --rev HEAD                    # the superproject still records the old commit
    expect_line out "0 added, 0 removed, 0 modified, 130 unchanged"
    git add "$1"
    git commit -q -m "data update"
    test_ok dsci check --rev HEAD
    expect_line out "[PASS] Valid JSON: 131/131 (100%)"
    expect_line out "1 added, 0 removed, 0 modified, 130 unchanged"
    test_ok dsci check --rev dataset-v1.0.0
    expect_line out "[PASS] Valid JSON: 130/130 (100%)"
    test_ok dsci diff dataset-v1.0.0 HEAD --format json
    expect_line out '"added": 1'
}
make_data_repo() {
    mkdir data-repo
    cp -R "$DSCI_SOURCE_DIR/examples/task-api/data/splits" data-repo/
    git -C data-repo init -q
    git -C data-repo add -A
    git -C data-repo commit -q -m "data"
}
case_submodule_top() {
    make_data_repo
    mkdir super
    cd super
    git init -q
    git -c protocol.file.allow=always submodule add -q ../data-repo tasks 2>/dev/null
    submodule_spec tasks
    git add -A
    git commit -q -m "dataset 1.0.0"
    git tag dataset-v1.0.0
    submodule_checks tasks
    # a clone that did not initialise the submodule: a clear message, not a crash
    cd ..
    git clone -q super plain
    test_must_fail 2 dsci -C plain check --rev HEAD
    expect_line err "submodule update --init"
}
case_submodule_nested() {
    make_data_repo
    mkdir super
    cd super
    git init -q
    mkdir data
    git -c protocol.file.allow=always submodule add -q ../data-repo data/tasks 2>/dev/null
    submodule_spec data/tasks
    git add -A
    git commit -q -m "dataset 1.0.0"
    git tag dataset-v1.0.0
    submodule_checks data/tasks
}

# (c2) A glob in the spec that reaches into the submodule matches there as on disk.
case_submodule_glob() {
    make_data_repo
    mkdir super
    cd super
    git init -q
    git -c protocol.file.allow=always submodule add -q ../data-repo tasks 2>/dev/null
    submodule_spec tasks
    sed -i 's#train: tasks/splits/train.jsonl#train: tasks/splits/train*.jsonl#' specs/task-api.yaml
    grep -q 'train: tasks/splits/train\*.jsonl' specs/task-api.yaml || fail "the spec has no glob"
    git add -A
    git commit -q -m "dataset 1.0.0"
    for where in --worktree --staged --rev=HEAD; do
        test_ok dsci check --base none $(echo "$where" | tr = ' ')
        expect_line out "[PASS] Valid JSON: 130/130 (100%)"
        expect_line out "[PASS] train: 104 examples"
    done
    git tag dataset-v1.0.0                           # the baseline is read through the glob too
    test_ok dsci check
    expect_line out "0 added, 0 removed, 0 modified, 130 unchanged"
}

# (d) An LFS pointer committed in place of a split, its object in no LFS store, is
# reported, never parsed as data, and left out of the comparison (t1312: real LFS).
case_lfs() {
    make_tagged_repo repo
    printf 'version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize 7423\n' \
        4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393 >repo/task-api/data/splits/val.jsonl
    git -C repo commit -q -a -m "val through LFS"
    for where in --rev=HEAD --staged --worktree; do
        test_must_fail 1 dsci -C repo/task-api check $(echo "$where" | tr = ' ')
        expect_line out "task-api/data/splits/val.jsonl: LFS pointer, object not in the local LFS store: run \`git lfs pull\`"
        expect_no_line out "val.jsonl:1: invalid JSON"
        expect_line out "a git LFS pointer whose object is not in the local LFS store; its examples are left out of the comparison until it is fetched"
        expect_line out "0 added, 0 removed, 0 modified, 117 unchanged"
        expect_line out "RESULT: FAIL"
    done
}

# (e) Symlinks: followed inside the repository, refused when they leave it.
case_symlinks() {
    make_tagged_repo repo
    ds=repo/task-api/data
    # inside: a file link and a directory link
    mv $ds/splits/val.jsonl $ds/val-real.jsonl
    ln -s ../val-real.jsonl $ds/splits/val.jsonl
    git -C repo add -A
    git -C repo commit -q -m "val through a symlink"
    for where in --rev=HEAD --staged --worktree; do
        test_ok dsci -C repo/task-api check $(echo "$where" | tr = ' ')
        expect_line out "[PASS] Valid JSON: 130/130 (100%)"
        expect_line out "0 added, 0 removed, 0 modified, 130 unchanged"
    done
    # out: an absolute link
    ln -sf /etc/passwd $ds/splits/train.jsonl
    git -C repo add -A
    git -C repo commit -q -m "train points at /etc/passwd"
    test_must_fail 2 dsci -C repo/task-api check --rev HEAD
    expect_line err "outside"
    test_must_fail 2 dsci -C repo/task-api check --staged
    expect_line err "outside"
    test_must_fail 2 dsci -C repo/task-api check --worktree
    expect_line err "leaves"
    expect_no_line out "root:"
    # out: a relative link climbing above the repository to a file that exists
    printf '{"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}]}\n' >outside.jsonl
    ln -sf ../../../../outside.jsonl $ds/splits/train.jsonl
    [ -f $ds/splits/train.jsonl ] || fail "the relative link should resolve"
    git -C repo add -A
    git -C repo commit -q -m "train points above the repository"
    test_must_fail 2 dsci -C repo/task-api check --rev HEAD
    expect_line err "outside"
    test_must_fail 2 dsci -C repo/task-api check --worktree
    expect_line err "leaves"
    # a loop
    ln -sf train-b.jsonl $ds/splits/train.jsonl
    ln -sf train.jsonl $ds/splits/train-b.jsonl
    git -C repo add -A
    git -C repo commit -q -m "loop"
    test_must_fail 2 dsci -C repo/task-api check --rev HEAD
    expect_line err "loop"
    test_must_fail 2 dsci -C repo/task-api check --worktree
}

# (e2) A link to a directory inside the repository, which the work tree resolves.
case_symlink_dir() {
    make_tagged_repo repo
    ds=repo/task-api/data
    mv $ds/splits $ds/real-splits
    ln -s real-splits $ds/splits
    git -C repo add -A
    git -C repo commit -q -m "splits through a directory symlink"
    test_ok dsci -C repo/task-api check --worktree
    test_ok dsci -C repo/task-api check --rev HEAD
    expect_line out "0 added, 0 removed, 0 modified, 130 unchanged"
    test_ok dsci -C repo/task-api check --staged
}

# A clone of three commits, depth 1, no tags: what actions/checkout does by default.
make_shallow() {
    make_tagged_repo src
    git -C src commit -q --allow-empty -m "two"
    git -C src commit -q --allow-empty -m "three"
    git clone -q --depth 1 --no-tags "file://$PWD/src" shallow
}

# (f) A shallow clone without the baseline tag (actions/checkout's default) says how to get it.
case_shallow() {
    make_shallow
    [ -f shallow/.git/shallow ] || fail "not a shallow clone"
    test_ok dsci -C shallow/task-api check
    grep '^Note: ' out | grep -F 'fetch-depth: 0' | grep -q 'tags' ||
        { cat out >&2; fail "no note saying to fetch the tags"; }
    expect_no_line out "REGRESSION"
    expect_line out "RESULT: PASS"
    sed -i '3s/.*/{/' shallow/task-api/data/splits/train.jsonl    # exit codes as usual
    test_must_fail 1 dsci -C shallow/task-api check
    git -C shallow checkout -q -- .
    test_must_fail 2 dsci -C shallow/task-api diff
    expect_line err "fetch-depth: 0"
    # unshallowed, the baseline is found
    git -C shallow fetch -q --unshallow --tags
    test_ok dsci -C shallow/task-api check
    expect_line out "Baseline: dataset-v1.0.0"
    expect_no_line out "fetch-depth"
}

# (f2) A baseline named explicitly but not fetched: the same advice.
case_shallow_named_base() {
    make_shallow
    test_must_fail 2 dsci -C shallow/task-api check --base dataset-v1.0.0
    expect_line err "dataset-v1.0.0"
    expect_line err "fetch-depth: 0"
}

# (f3) The tag fetched, but not the history between it and HEAD (fetch-tags with a depth):
# ancestry cannot be proven, which is a note, not an error.
case_shallow_tag_only() {
    make_shallow
    git -C shallow fetch -q --depth 1 origin tag dataset-v1.0.0
    test_ok dsci -C shallow/task-api check
    grep '^Note: ' out | grep -q 'fetch-depth: 0' || { cat out >&2; fail "no note about the shallow history"; }
}

run_case case_bare
run_case case_worktree
run_case case_submodule_top
run_case case_submodule_nested
run_case case_submodule_glob
run_case case_lfs
run_case case_symlinks
run_case case_symlink_dir
run_case case_shallow
run_case case_shallow_named_base
run_case case_shallow_tag_only
[ -z "$failed" ] || fail "failed cases:$failed"
