#!/bin/sh
# The step summary shows what a pull request changes in the spec it was not judged by:
# "gates.coverage.categories[Delete].min: 15 -> 5 (loosens)", with a headline saying the
# change loosens the spec; the text report names the direction too.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

copy_example
make_repo task-api
cd task-api
git checkout -q -b pr
sed -i 's/{name: Delete,   min: 15,/{name: Delete,   min: 5, /' specs/task-api.yaml
sed -i 's/{name: Create,   min: 20,/{name: Create,   min: 25,/' specs/task-api.yaml
grep -q 'name: Delete,   min: 5,' specs/task-api.yaml || fail "the spec edit did not apply"
git commit -q -a -m "loosen Delete, tighten Create"

: >../summary.md
: >../output.txt
set +e
GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_BASE_REF=main GITHUB_STEP_SUMMARY="$TRASH/summary.md" \
    GITHUB_OUTPUT="$TRASH/output.txt" "$DSCI" check --base none >out 2>err
set -e
expect_line ../summary.md "### Notes"
expect_line ../summary.md "**This change loosens 1 spec setting**"
expect_line ../summary.md '- **spec change: gates.coverage.categories\[Delete\].min: 15 -&gt; 5 (loosens)**'
expect_line ../summary.md 'spec change: gates.coverage.categories\[Create\].min: 20 -&gt; 25 (tightens)'
expect_line ../summary.md "judged with the spec from main"

GITHUB_EVENT_NAME=pull_request GITHUB_BASE_REF=main test_ok dsci check --base none --format text
expect_line out "spec change: gates.coverage.categories[Delete].min: 15 -> 5 (loosens)"
