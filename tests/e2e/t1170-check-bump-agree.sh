#!/bin/sh
# check's proposed version (the `bump` and `next_version` outputs, the summary's
# "Proposed:") is the one `dsci bump --dry-run` would write: both come from one plan.
# Covers a card-only change, a version-file-only change, a data change, and no baseline.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

copy_example
cd task-api
make_repo . "dataset 1.0.0"
git tag -a -m "dataset 1.0.0" dataset-v1.0.0
VF=data/hf_dataset/version.json

# agree WHAT: check (in GitHub Actions) and bump --dry-run propose the same bump and version.
agree() {
    : >"$TRASH/output.txt"
    set +e
    GITHUB_ACTIONS=true GITHUB_OUTPUT="$TRASH/output.txt" GITHUB_STEP_SUMMARY="$TRASH/summary.md" \
        "$DSCI" check >"$TRASH/check.out" 2>&1
    set -e
    test_ok dsci bump --dry-run --format json
    cbump=$(sed -n 's/^bump=//p' "$TRASH/output.txt")
    cnext=$(sed -n 's/^next_version=//p' "$TRASH/output.txt")
    bbump=$(python3 -c 'import json; print(json.load(open("out"))["bump"])')
    bversion=$(python3 -c 'import json; print(json.load(open("out"))["version"])')
    [ "$cbump" = "$bbump" ] || fail "$1: check proposes a $cbump bump, bump --dry-run a $bbump bump"
    if [ "$bbump" != none ]; then
        [ "$cnext" = "$bversion" ] || fail "$1: check proposes $cnext, bump --dry-run $bversion"
    else
        [ -z "$cnext" ] || fail "$1: check proposes $cnext, bump none"
    fi
    [ "$cbump" = "$2" ] || fail "$1: expected a $2 bump, got $cbump"
    echo "$1: $cbump $cnext"
}

say "the card alone changed: a patch for both"
printf '\nOne more hand-written line.\n' >>data/hf_dataset/README.md
agree "card only" patch
[ "$(sed -n 's/^next_version=//p' "$TRASH/output.txt")" = 1.0.1 ] || fail "not 1.0.1"
expect_line "$TRASH/summary.md" "(patch bump: the dataset card data/hf\\_dataset/README.md changed)"
git checkout -q .

say "the version file alone changed: nothing for both"
python3 - <<'PY'
import json
p = "data/hf_dataset/version.json"
d = json.load(open(p))
d["generation_config"]["model"] = "another-model"
json.dump(d, open(p, "w"), indent=2)
PY
agree "version file only" none
git checkout -q .

say "an example added: a minor bump for both"
tail -n 1 data/splits/train.jsonl | sed 's/"value": "/"value": "Brand new: /' >>data/splits/train.jsonl
agree "data" minor
git checkout -q .

say "no baseline tag: both bump from the version file"
git tag -d dataset-v1.0.0 >/dev/null
sed -i '$d' data/splits/test.jsonl
agree "no baseline" patch
