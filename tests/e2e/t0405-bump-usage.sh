#!/bin/sh
# dsci bump's usage errors and help.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

copy_example
cd task-api
make_repo . "dataset 1.0.0"
git tag -a -m "dataset 1.0.0" dataset-v1.0.0

test_must_fail 2 dsci bump --bogus
expect_line err "dsci: unknown option '--bogus' for bump (see 'dsci help bump')"
test_must_fail 2 dsci bump 1.2.0
expect_line err "dsci: bump takes no arguments, got '1.2.0'"
test_must_fail 2 dsci bump --format xml
expect_line err "dsci: bump --format takes text or json, not 'xml'"
test_must_fail 2 dsci bump --base
expect_line err "option '--base' needs a value"
test_must_fail 2 dsci bump --base nope
expect_line err "unknown revision 'nope'"
test_must_fail 2 dsci bump --spec missing.yaml
expect_line err "missing.yaml"

say "--base with a revision that is not a version tag"
git checkout -q -b side
printf '{}\n' >data/hf_dataset/version.json
git commit -q -am "a version file without a version"
git tag -a -m other release-candidate
git checkout -q main
test_must_fail 2 dsci bump --base release-candidate --spec specs/task-api.yaml
expect_line err "cannot tell which version 'release-candidate' is"
# ... unless its version file says which
test_ok dsci bump --base HEAD --dry-run
expect_line out "dsci: no change since HEAD; nothing to bump"

say "options before the command and help"
test_ok dsci -C .. bump --dry-run --spec task-api/specs/task-api.yaml
expect_line out "nothing to bump"
test_ok dsci help bump
expect_line out "usage: dsci bump [--dry-run] [--tag] [--base REV|auto|none] [--spec PATH] [--format text|json]"
test_ok dsci bump --help
expect_line out "usage: dsci bump"
test_ok dsci --help
expect_line out "bump     compute the next version, write the version file, optionally tag"
