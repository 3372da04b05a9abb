#!/bin/sh
# The hook skips at once, with one line, when no staged path touches a dataset spec or
# its files; it checks exactly the datasets a staged path belongs to; it refuses to pass
# silently when it cannot find dsci.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

PATH="$(dirname "$DSCI"):$PATH"
export PATH

copy_example
make_repo task-api
test_ok dsci -C task-api hook install

say "a README change: the commit goes through, the hook says one line"
echo "A note." >>task-api/README.md
git -C task-api add README.md
test_ok git -C task-api commit -q -m "readme"
echo "dsci: no staged change touches a dataset; skipping" >expect
test_cmp expect err
[ "$(git -C task-api log --format=%s -1)" = readme ] || fail "not committed"

say "files next to the data that the spec does not name, and a YAML in specs/ without dsci:"
echo "notes" >task-api/data/notes.txt
echo "openapi: 3.0.0" >task-api/specs/openapi.yaml
git -C task-api add data/notes.txt specs/openapi.yaml
test_ok git -C task-api commit -q -m "other files"
test_cmp expect err

say "a deletion outside the dataset"
git -C task-api rm -q data/notes.txt
test_ok git -C task-api commit -q -m "rm notes"
test_cmp expect err

say "dsci hook run by hand: nothing staged"
test_ok dsci -C task-api hook run
test_cmp expect out
test_ok dsci -C task-api/data hook run -q
[ ! -s out ] || fail "-q printed: $(cat out)"

say "a staged spec edit is checked (the staged dataset passes)"
echo "# reviewed" >>task-api/specs/task-api.yaml
git -C task-api add specs/task-api.yaml
test_ok dsci -C task-api/data hook run --color never
expect_line out "dsci: checking the staged dataset of specs/task-api.yaml"
expect_line out "RESULT: PASS"
git -C task-api commit -q -m "spec comment" 2>err || { cat err >&2; fail "commit failed"; }
expect_line err "RESULT: PASS"

say "two datasets in one repository: only the touched one is checked"
mkdir sets
copy_example sets/a
copy_example sets/b
make_repo sets
test_ok dsci -C sets hook install
echo "A note." >>sets/a/README.md
git -C sets add a/README.md
test_ok dsci -C sets hook run
test_cmp expect out
echo "# reviewed" >>sets/b/specs/task-api.yaml
git -C sets add b/specs/task-api.yaml
test_ok dsci -C sets hook run
expect_line out "dsci: checking the staged dataset of b/specs/task-api.yaml"
expect_no_line out "a/specs/task-api.yaml"
printf '\nEdited.\n' >>sets/a/data/hf_dataset/README.md
git -C sets add a/data/hf_dataset/README.md
test_ok dsci -C sets hook run
expect_line out "dsci: checking the staged dataset of a/specs/task-api.yaml"
expect_line out "dsci: checking the staged dataset of b/specs/task-api.yaml"
[ "$(grep -c "RESULT: PASS" out)" -eq 2 ] || fail "two reports expected"

say "no dsci to run: the hook fails and says how to bypass it"
echo "again" >>task-api/README.md
git -C task-api add README.md
test_must_fail 1 env -u DSCI PATH=/usr/bin:/bin git -C task-api commit -q -m "no dsci"
expect_line err "'dsci' not found"
expect_line err "--no-verify"
test_must_fail 1 env DSCI=/nonexistent/dsci git -C task-api commit -q -m "no dsci"
expect_line err "'/nonexistent/dsci' not found"
