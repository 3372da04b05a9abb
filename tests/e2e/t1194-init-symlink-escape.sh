#!/bin/sh
# dsci init writes its spec inside the dataset root: a committed `specs` symlink to a
# folder elsewhere, or to the git directory, is refused (exit 2) and nothing is written
# there (issue 10 item 3: every write target's real path stays inside).
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir -p repo/data elsewhere
cp "$DSCI_SOURCE_DIR"/examples/task-api/data/splits/*.jsonl repo/data/
cd repo
git init -q .

say "specs/ is a link to a folder outside the repository"
ln -s "$TRASH/elsewhere" specs
test_must_fail 2 dsci init
expect_line err "outside its dataset root"
[ -z "$(ls "$TRASH/elsewhere")" ] || fail "init wrote outside the repository"
rm specs

say "specs/ is a link into the git directory"
ln -s .git/hooks specs
test_must_fail 2 dsci init
expect_line err "git directory"
[ ! -e .git/hooks/repo.yaml ] || fail "init wrote into .git"
rm specs

say "a link that leads nowhere"
ln -s "$TRASH/nowhere" specs
test_must_fail 2 dsci init
[ ! -e "$TRASH/nowhere" ] || fail "init created the link's target"
rm specs

say "without links it writes specs/NAME.yaml, also with --output from a subfolder"
test_ok dsci init
[ -f specs/repo.yaml ] || fail "no spec written"
cd data
test_ok dsci init --output ../specs/other.yaml
[ -f ../specs/other.yaml ] || fail "no spec written through --output"
