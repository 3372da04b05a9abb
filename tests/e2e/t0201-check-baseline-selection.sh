#!/bin/sh
# The automatic baseline is the highest SemVer 2.0.0 tag <tag_prefix><version> that is an
# ancestor of (or equal to) HEAD: numeric order (1.10.0 > 1.9.0 > 1.2.0), pre-releases above
# lower releases but below their own release, tags off HEAD's history skipped, tags that are
# not versions ignored with a note, other prefixes not ours to mention. Every tagged commit
# holds a different number of examples, so the REGRESSION summary line proves which tag's
# content was read, not just which name was printed.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

copy_example
cd task-api
# The data changes between versions; the version file's checksums are not under test here.
sed -i '/^  reproducibility:/{n;s/level: block/level: off/}' specs/task-api.yaml
cp data/splits/train.jsonl "$TRASH/train.all"

day=0
# commit_train N MSG: train.jsonl = the first N examples, committed on a day of its own.
commit_train() {
    head -n "$1" "$TRASH/train.all" >data/splits/train.jsonl
    day=$((day + 1))
    GIT_AUTHOR_DATE="2025-01-0${day}T12:00:00Z" GIT_COMMITTER_DATE="2025-01-0${day}T12:00:00Z" \
        git commit -q -a -m "$2"
}
train_only() { head -n "$1" "$TRASH/train.all" >data/splits/train.jsonl; }
baseline_is() { # baseline_is TAG SUMMARY: header, section title and the diff summary line
    expect_line out "Baseline: $1"
    expect_line out "REGRESSION (vs $1)"
    expect_line out "$2"
}

git init -q
head -n 96 "$TRASH/train.all" >data/splits/train.jsonl
git add -A
git commit -q -m "v1.2 content"

say "no tag yet: a note, no regression section"
test_ok dsci check
expect_no_line out "REGRESSION"
grep -q "^Note: no version tag on HEAD's history (such as 'dataset-v1.0.0'): no baseline" out || { cat out >&2; fail "no note about the missing tag"; }

git tag dataset-v1.2.0                                       # c1: 96 + 26 = 122 examples
commit_train 98 "v1.10 content"
git tag -a -m "release 1.10.0" dataset-v1.10.0               # c2: 124 (annotated)
git tag dataset-vnext                                        # not a version
git tag other-v9.0.0                                         # another prefix: not ours
git checkout -q -b side
commit_train 100 "release candidate"
git tag dataset-v2.0.0-rc.1                                  # c3: 126, off main's history
git checkout -q main
commit_train 99 "work on main"                               # c4: 125
git tag dataset-v1.9.0                                       # lower version, newer commit
git tag dataset-v3.0                                         # not SemVer (two parts)
git tag dataset-v01.20.0                                     # not SemVer (leading zero)

say "auto: 1.10.0 beats 1.9.0 and 1.2.0; rc.1 is not an ancestor"
test_ok dsci check
baseline_is dataset-v1.10.0 "1 added, 0 removed, 0 modified, 124 unchanged"
grep -q "^Note: .*'dataset-vnext'" out || { cat out >&2; fail "no note about dataset-vnext"; }
grep -q "^Note: .*'dataset-v3.0'" out || { cat out >&2; fail "no note about dataset-v3.0"; }
grep -q "^Note: .*'dataset-v01.20.0'" out || { cat out >&2; fail "no note about dataset-v01.20.0"; }
expect_no_line out "other-v9.0.0"
expect_no_line out "Baseline: dataset-v2.0.0-rc.1"

say "the same baseline in JSON and in dsci diff"
test_ok dsci check --format json --output "$TRASH/report.json"
python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["baseline"]; sys.exit(b != "dataset-v1.10.0")' "$TRASH/report.json" ||
    fail "report.json baseline is not dataset-v1.10.0"
test_ok dsci diff
expect_line out "DATASET DIFF: dataset-v1.10.0 -> worktree"

say "--base none skips the regression gates"
test_ok dsci check --base none
expect_no_line out "REGRESSION"
expect_no_line out "Baseline: dataset-"

say "--base names the baseline explicitly"
test_ok dsci check --base dataset-v1.2.0
baseline_is dataset-v1.2.0 "3 added, 0 removed, 0 modified, 122 unchanged"
test_must_fail 2 dsci check --base nope
expect_line err "nope"
test_must_fail 2 dsci check --base

say "--rev: ancestor of (or equal to) the revision checked"
test_ok dsci check --rev dataset-v1.10.0
baseline_is dataset-v1.10.0 "0 added, 0 removed, 0 modified, 124 unchanged"
test_ok dsci check --rev side
baseline_is dataset-v2.0.0-rc.1 "0 added, 0 removed, 0 modified, 126 unchanged"
test_ok dsci check --rev dataset-v1.2.0
baseline_is dataset-v1.2.0 "0 added, 0 removed, 0 modified, 122 unchanged"

say "merging the release branch: the pre-release of 2.0.0 sorts above 1.99.0 and its own alpha/beta"
git merge -q --no-ff --no-commit -s ours side >/dev/null
git checkout side -- data/splits/train.jsonl
GIT_AUTHOR_DATE="2025-01-05T12:00:00Z" GIT_COMMITTER_DATE="2025-01-05T12:00:00Z" git commit -q -m "merge side"
day=5
git tag dataset-v1.99.0                                      # on the newest commit, lower than 2.0.0-rc.1
git tag dataset-v2.0.0-beta.11 side
git tag dataset-v2.0.0-alpha.1 side~1
test_ok dsci check
baseline_is dataset-v2.0.0-rc.1 "0 added, 0 removed, 0 modified, 126 unchanged"
expect_no_line out "Baseline: dataset-v1.99.0"

say "the release is above its release candidates"
commit_train 102 "release 2.0.0"                             # c5: 128
git tag -a -m "release 2.0.0" dataset-v2.0.0
git tag dataset-v2.0.0-rc.2
train_only 104                                               # work tree: 130
test_ok dsci check
baseline_is dataset-v2.0.0 "2 added, 0 removed, 0 modified, 128 unchanged"
test_ok dsci check --base dataset-v2.0.0-rc.1
baseline_is dataset-v2.0.0-rc.1 "4 added, 0 removed, 0 modified, 126 unchanged"
test_ok dsci check --base dataset-v1.10.0
baseline_is dataset-v1.10.0 "6 added, 0 removed, 0 modified, 124 unchanged"

say "from a subdirectory and with -C, the same baseline"
(cd data/splits && test_ok dsci check --spec ../../specs/task-api.yaml && expect_line out "Baseline: dataset-v2.0.0" && rm out err)
test_ok dsci -C "$TRASH/task-api" check
baseline_is dataset-v2.0.0 "2 added, 0 removed, 0 modified, 128 unchanged"

say "a version-looking tag that names a tree, not a commit, is ignored rather than fatal"
git tag dataset-v9.9.9 'HEAD^{tree}'
test_ok dsci check
baseline_is dataset-v2.0.0 "2 added, 0 removed, 0 modified, 128 unchanged"
