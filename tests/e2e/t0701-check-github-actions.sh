#!/bin/sh
# In GitHub Actions (GITHUB_ACTIONS=true) check defaults to --format github: escaped
# annotations on the exact lines, the text report inside ::stop-commands::, the markdown
# summary appended to $GITHUB_STEP_SUMMARY and the outputs to $GITHUB_OUTPUT.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

gha() {
    GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$TRASH/summary.md" GITHUB_OUTPUT="$TRASH/output.txt" "$DSCI" "$@"
}

# output NAME: the value of a single-line output in output.txt.
output() {
    sed -n "s/^$1=//p" "$TRASH/output.txt"
}

# Every command line outside the stop-commands region, and that region is closed.
check_region() {
    token=$(sed -n 's/^::stop-commands:://p' "$1")
    [ "${#token}" -eq 32 ] || fail "no 32-character stop-commands token in $1"
    awk -v t="::$token::" '
        /^::stop-commands::/ { inside = 1; next }
        inside && $0 == t { inside = 0; closed = 1; next }
        inside && /^::/ { print "command inside the region: " $0; bad = 1 }
        END { if (!closed || bad) exit 1 }' "$1" || fail "stop-commands region of $1 is not tight"
}

say "the example passes"
copy_example
make_repo task-api
: >summary.md
: >output.txt
(cd task-api && test_ok gha check)
mv task-api/out gh-pass.txt
check_region gh-pass.txt
expect_no_line gh-pass.txt "::error "
[ "$(output result)" = pass ] || fail "result output: $(cat output.txt)"
[ "$(output blocking_failures)" = 0 ] || fail "blocking_failures output"
[ "$(output version)" = 1.0.0 ] || fail "version output: $(cat output.txt)"
expect_line output.txt "bump="
expect_line output.txt "next_version="
expect_line output.txt "report_path="
expect_line summary.md "**dsci: PASS**"
expect_line summary.md "| Category | Count | Minimum | Baseline count | Gap | What to add |"

say "a broken dataset fails with annotations on the right lines"
for f in task-api/data/splits/*.jsonl; do
    grep -v '"operation": "Delete"' "$f" >"$f.new" || true
    mv "$f.new" "$f"
done
printf '{"conversations": [\n' >>task-api/data/splits/train.jsonl
bad_line=$(wc -l <task-api/data/splits/train.jsonl)
delete_line=$(grep -n 'name: Delete' task-api/specs/task-api.yaml | cut -d: -f1)
[ -n "$delete_line" ] || fail "no Delete category in the example spec"
: >summary.md
: >output.txt
(cd task-api && test_must_fail 1 gha check --format github --format json --output report.json)
mv task-api/out gh-fail.txt
check_region gh-fail.txt
expect_line gh-fail.txt "::error file=data/splits/train.jsonl,line=$bad_line,title=FORMAT%3A Valid JSON::"
expect_line gh-fail.txt "::error file=specs/task-api.yaml,line=$delete_line,title=COVERAGE%3A Delete::"
[ "$(output result)" = fail ] || fail "result output: $(cat output.txt)"
n=$(output blocking_failures)
[ "$n" -gt 0 ] || fail "blocking_failures output: $n"
[ "$(output report_path)" = report.json ] || fail "report_path output: $(cat output.txt)"
expect_line summary.md "**dsci: FAIL** — $n blocking failure"
expect_line summary.md "| Delete | 0 | 15 |"
expect_line summary.md "15 more 'Delete' conversations (keywords: delete, remove, cancel)"
expect_line summary.md "<details><summary>FORMAT: 1 finding</summary>"
expect_line summary.md "- \`data/splits/train.jsonl:$bad_line\`"

say "--format markdown writes the same summary to a file; github outside Actions writes no files"
: >summary.md
(cd task-api && test_must_fail 1 dsci check --format markdown --output ../report.md --format github)
[ ! -s summary.md ] || fail "the step summary was written outside GitHub Actions"
expect_line report.md "| Delete | 0 | 15 |"
check_region task-api/out

say "unknown formats name the known ones"
(cd task-api && test_must_fail 2 dsci check --format gh)
expect_line task-api/err "github"
expect_line task-api/err "markdown"
