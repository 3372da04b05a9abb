#!/bin/sh
# In GitHub Actions an exit 2 or 3 still leaves its trace: an escaped ::error annotation,
# a step summary with the message and result=error in $GITHUB_OUTPUT (a spec error, a
# baseline missing from a shallow clone, an unknown option).
. "$DSCI_SOURCE_DIR/tests/lib.sh"

gha() {
    GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$TRASH/summary.md" GITHUB_OUTPUT="$TRASH/output.txt" "$DSCI" "$@"
}

# ci_error CODE TEXT ARGS...: exit CODE, one annotation, a summary and result=error, all naming TEXT.
ci_error() {
    code=$1 text=$2
    shift 2
    : >"$TRASH/summary.md"
    : >"$TRASH/output.txt"
    test_must_fail "$code" gha "$@"
    [ "$(grep -c '^::error title=dsci::' out)" = 1 ] || { cat out >&2; fail "no error annotation"; }
    expect_line out "$text"
    expect_line "$TRASH/summary.md" "**dsci: ERROR** — exit $code"
    expect_line "$TRASH/summary.md" "$text"
    [ "$(cat "$TRASH/output.txt")" = "result=error" ] || fail "outputs: $(cat "$TRASH/output.txt")"
}

copy_example
make_repo task-api
git -C task-api tag dataset-v1.0.0
printf '\n' >>task-api/data/hf_dataset/README.md
git -C task-api commit -q -am "card edit"
git clone -q --depth 1 "file://$TRASH/task-api" shallow

say "the baseline tag is not in a shallow clone"
(cd shallow && ci_error 2 "unknown revision 'dataset-v1.0.0'" check --base dataset-v1.0.0)

say "a spec error"
cd task-api
sed -i 's/^  format: {level: block}/  format: {level: blok}/' specs/task-api.yaml
ci_error 2 "specs/task-api.yaml:" check
git checkout -q -- specs

say "an unknown option: the annotation and summary escape it"
ci_error 2 "unknown option '--x" check "$(printf -- '--x\n::error::pwned')"
expect_line out "unknown option '--x%0A::error::pwned'"
grep -q '^::error::pwned' "$TRASH/summary.md" && fail "the summary holds the raw option"

say "no trace outside Actions, and none for exit 0 or 1"
: >"$TRASH/output.txt"
test_must_fail 2 dsci check --base nosuch
expect_no_line out "::error"
test_ok gha check --format json
expect_no_line "$TRASH/output.txt" "result=error"

say "the summary's heading names the command that failed"
cd "$TRASH/task-api"
ci_error 2 "unknown option '--bogus'" bump --bogus
expect_line "$TRASH/summary.md" "## dsci bump"
expect_no_line "$TRASH/summary.md" "## dsci check"
ci_error 2 "unknown option '--bogus'" check --bogus
expect_line "$TRASH/summary.md" "## dsci check"
