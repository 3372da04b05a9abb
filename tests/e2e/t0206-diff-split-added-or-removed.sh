#!/bin/sh
# A split that appears or disappears between the baseline and the head. A new split's
# examples are all added (the baseline had none of them); a split dropped from the data
# and from the spec is the removal of all its examples, which the regression gate must see
# (the contract's bump rules call it a major change), not a smaller baseline.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

failed=
run_case() { # each case in its own subshell and folder; all run, failures listed at the end
    set +e
    (
        set -e
        mkdir "$TRASH/$1"
        cd "$TRASH/$1"
        "$@"
    )
    rc=$?
    set -e
    if [ "$rc" -eq 0 ]; then say "case $1: ok"; else say "case $1: FAILED"; failed="$failed $1"; fi
}

json_is() { # json_is EXPR: a Python expression over d (./out as JSON) is true
    python3 -c 'import json, sys; d = json.load(open("out")); sys.exit(0 if eval(sys.argv[1]) else 1)' "$1" ||
        { cat out >&2; fail "not true of the JSON: $1"; }
}

setup() { # the example without the version file gate, in a repository
    copy_example
    cd task-api
    sed -i '/^  reproducibility:/{n;s/level: block/level: off/}' specs/task-api.yaml
    git init -q
}

case_split_added() {
    setup
    mv data/splits/test.jsonl "$TRASH/test.jsonl.keep"
    cp specs/task-api.yaml "$TRASH/spec.full"
    sed -i '/^    test: data\/splits\/test.jsonl$/d; /^    test: *{ratio/d' specs/task-api.yaml
    git add -A
    git commit -q -m "train and validation"
    git tag dataset-v1.0.0
    mv "$TRASH/test.jsonl.keep" data/splits/test.jsonl
    cp "$TRASH/spec.full" specs/task-api.yaml
    test_ok dsci diff --format json
    json_is 'd["base_examples"] == 117 and d["head_examples"] == 130'
    json_is 'd["splits"]["test"] == {"added": 13, "removed": 0, "modified": 0, "unchanged": 0}'
    json_is 'd["total"] == {"added": 13, "removed": 0, "modified": 0, "unchanged": 117}'
    test_ok dsci check
    expect_line out "13 added, 0 removed, 0 modified, 117 unchanged"
}

case_split_removed() {
    setup
    git add -A
    git commit -q -m "three splits"
    git tag dataset-v1.0.0
    git rm -q data/splits/test.jsonl
    sed -i '/^    test: data\/splits\/test.jsonl$/d; /^    test: *{ratio/d' specs/task-api.yaml
    sed -i 's/train:      {ratio: 0.8,/train:      {ratio: 0.9,/' specs/task-api.yaml
    test_ok dsci diff --format json
    json_is 'd["base_examples"] == 130 and d["head_examples"] == 117'
    json_is 'd["total"]["removed"] == 13'
    test_must_fail 1 dsci check
    expect_line out "0 added, 13 removed, 0 modified, 117 unchanged"
    expect_line out "[FAIL] Removed examples: 13 of 130 (10.0%) (max: 5%)"
}

run_case case_split_added
run_case case_split_removed
[ -z "$failed" ] || fail "failed cases:$failed"
