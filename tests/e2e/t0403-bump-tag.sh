#!/bin/sh
# dsci bump --tag: the annotated tag <tag_prefix><version> on HEAD, only once the version
# file and the data are committed; the tagger falls back to "dsci" when git has no
# identity (as in CI); an existing tag is an error and nothing changes.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

copy_example
cd task-api
make_repo . "dataset 1.0.0"
VF=data/hf_dataset/version.json

say "the first release: no tag yet, the version file's version is tagged"
test_ok dsci bump --tag
expect_line err "dsci: no version tag on HEAD's history (such as 'dataset-v1.0.0'): bumping from the version file"
expect_line out "dsci: no change since version 1.0.0; nothing to bump"
expect_line out "dsci: created tag 'dataset-v1.0.0'"
test "$(git cat-file -t dataset-v1.0.0)" = tag || fail "not an annotated tag"
test "$(git rev-parse 'dataset-v1.0.0^{commit}')" = "$(git rev-parse HEAD)" || fail "tag not on HEAD"

say "data changed but not committed: refused, the version file written"
python3 - <<'PY'
import json
path = "data/splits/train.jsonl"
recs = [json.loads(l) for l in open(path, encoding="utf-8")]
with open(path, "a", encoding="utf-8") as f:
    for k in range(5):
        r = json.loads(json.dumps(recs[k]))
        r["id"] = "task-api-more-%d" % k
        r["conversations"][0]["value"] += " (again %d)" % k
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
PY
test_must_fail 2 dsci bump --tag
expect_line out "dsci: 1.0.0 -> 1.1.0 (minor: 5 examples added, net +5)"
expect_line out "dsci: wrote data/hf_dataset/version.json"
expect_line err "dsci: not tagged: the tag goes on a commit that holds the version file and the data; commit them, then tag: git add data/hf_dataset/version.json data/splits/train.jsonl && git commit -m 'dataset 1.1.0' && dsci bump --tag (the version file is written: the second run only creates the tag)"
test -z "$(git tag -l dataset-v1.1.0)" || fail "tagged uncommitted data"
git add data/splits/train.jsonl
test_must_fail 2 dsci bump --tag
expect_line err "git add data/hf_dataset/version.json data/splits/train.jsonl && git commit -m 'dataset 1.1.0' && dsci bump --tag"
expect_no_line err "the version file is written"   # it was already: nothing written this time
git add "$VF"
GIT_COMMITTER_DATE="2025-01-02T00:00:00Z" GIT_AUTHOR_DATE="2025-01-02T00:00:00Z" git commit -q -m "dataset 1.1.0"

say "committed, in CI without a git identity: tagged by dsci"
(
    unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
    export HOME="$TRASH/no-config"
    mkdir -p "$HOME"
    test_ok dsci bump --tag --format json
    python3 - <<'PY'
import json
o = json.load(open("out"))
assert (o["previous"], o["version"], o["bump"], o["tag"], o["written"]) == ("1.0.0", "1.1.0", "minor", "dataset-v1.1.0", False), o
PY
)
test "$(git cat-file -t dataset-v1.1.0)" = tag || fail "not an annotated tag"
test "$(git rev-parse 'dataset-v1.1.0^{commit}')" = "$(git rev-parse HEAD)" || fail "tag not on HEAD"
git cat-file tag dataset-v1.1.0 >"$TRASH/tag"
grep -q '^tagger dsci <dsci@localhost> ' "$TRASH/tag" || { cat "$TRASH/tag" >&2; fail "tagger is not dsci"; }
sed -n '/^$/,$p' "$TRASH/tag" >"$TRASH/message"
printf '\ndataset task-api 1.1.0\n\nminor: 5 examples added, net +5\n' >"$TRASH/want"
test_cmp "$TRASH/want" "$TRASH/message"

say "with an identity, it is the committer's"
git tag -d dataset-v1.1.0 >/dev/null
test_ok dsci bump --tag
git cat-file tag dataset-v1.1.0 | grep -q '^tagger C O Mitter <committer@example.invalid> ' || fail "tagger is not the committer"

say "a second --tag: exit 2, nothing changed"
git for-each-ref >"$TRASH/refs-before"
cp "$VF" "$TRASH/vf-before"
test_must_fail 2 dsci bump --tag
expect_line err "dsci: tag 'dataset-v1.1.0' already exists; dsci never moves tags"
git for-each-ref >"$TRASH/refs-after"
test_cmp "$TRASH/refs-before" "$TRASH/refs-after"
test_cmp "$TRASH/vf-before" "$VF"
test -z "$(git status --porcelain --untracked-files=no)" || fail "the work tree changed"

say "an existing tag is refused before anything is written"
sed -i '2s/"value": "/"value": "Hi! /' data/splits/val.jsonl
# someone else's 1.1.1, on a commit that is not on this history (so not the baseline)
side=$(echo side | git commit-tree -p HEAD 'HEAD^{tree}')
git tag -a -m "someone else's" dataset-v1.1.1 "$side"
test_must_fail 2 dsci bump --tag
expect_line err "tag 'dataset-v1.1.1' already exists; dsci never moves tags"
test_cmp "$TRASH/vf-before" "$VF"

say "--tag outside git"
git checkout -q -- .
rm -rf .git
test_must_fail 3 dsci bump --tag
expect_line err "--tag needs a git repository"
