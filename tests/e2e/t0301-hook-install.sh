#!/bin/sh
# dsci hook install: writes the shipped hooks/pre-commit, is idempotent, follows
# core.hooksPath (relative to the work tree top, or absolute) and linked worktrees, never
# replaces a foreign hook without --force (and then keeps it), and needs a work tree.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

PATH="$(dirname "$DSCI"):$PATH"
export PATH
shipped="$DSCI_SOURCE_DIR/hooks/pre-commit"

copy_example
make_repo task-api
hook=task-api/.git/hooks/pre-commit

say "a fresh repository"
test_ok dsci -C task-api hook install
expect_line out "installed the dsci pre-commit hook: $TRASH/task-api/.git/hooks/pre-commit"
test_cmp "$shipped" "$hook"
[ -x "$hook" ] || fail "the hook is not executable"
[ ! -s err ] || fail "unexpected stderr: $(cat err)"

say "idempotent, also from a subfolder"
test_ok dsci -C task-api/data hook install
expect_line out "already installed"
test_cmp "$shipped" "$hook"
for f in task-api/.git/hooks/*dsci* task-api/.git/hooks/.*dsci*; do
    [ ! -e "$f" ] || fail "left behind: $f"
done

say "an older dsci hook (it carries the marker) is replaced without asking"
printf '#!/bin/sh\n# installed by dsci hook install\nexec dsci check\n' >"$hook"
test_ok dsci -C task-api hook install
expect_line out "updated the dsci pre-commit hook"
test_cmp "$shipped" "$hook"
[ ! -e "$hook.dsci-backup" ] || fail "backed up dsci's own hook"

say "a foreign hook is refused, then kept as a backup with --force"
printf '#!/bin/sh\necho their hook\n' >foreign
cp foreign "$hook"
test_must_fail 2 dsci -C task-api hook install
expect_line err "a pre-commit hook already exists at $TRASH/task-api/.git/hooks/pre-commit; rerun with --force (it will be kept as $TRASH/task-api/.git/hooks/pre-commit.dsci-backup)"
[ ! -s out ] || fail "unexpected stdout: $(cat out)"
test_cmp foreign "$hook"
[ ! -e "$hook.dsci-backup" ] || fail "a backup without --force"
test_ok dsci -C task-api hook install --force
expect_line out "the previous hook is kept as $TRASH/task-api/.git/hooks/pre-commit.dsci-backup"
test_cmp foreign "$hook.dsci-backup"
test_cmp "$shipped" "$hook"
say "a second foreign hook does not overwrite the first backup"
printf '#!/bin/sh\necho another\n' >foreign2
cp foreign2 "$hook"
test_ok dsci -C task-api hook --force install
test_cmp foreign "$hook.dsci-backup"
test_cmp foreign2 "$hook.dsci-backup.1"
test_cmp "$shipped" "$hook"

say "core.hooksPath, relative: against the work tree top, wherever dsci runs"
git -C task-api config core.hooksPath .githooks
test_ok dsci -C task-api/data/splits hook install
test_cmp "$shipped" task-api/.githooks/pre-commit
[ ! -e task-api/data/splits/.githooks ] || fail "hooksPath resolved against the current folder"
say "git runs the hook from there"
echo "more" >>task-api/README.md
git -C task-api commit -q -a -m "readme" 2>err || { cat err >&2; fail "commit failed"; }
expect_line err "dsci: no staged change touches a dataset; skipping"

say "core.hooksPath, absolute"
git -C task-api config core.hooksPath "$TRASH/shared-hooks"
test_ok dsci -C task-api hook install
test_cmp "$shipped" shared-hooks/pre-commit
git -C task-api config --unset core.hooksPath

say "a linked worktree shares the main repository's hooks"
git -C task-api worktree add -q ../linked
test_ok dsci -C linked hook install
expect_line out "already installed: $TRASH/task-api/.git/hooks/pre-commit"

say "outside a repository, in a bare one, and usage errors"
mkdir plain
GIT_CEILING_DIRECTORIES=$TRASH
export GIT_CEILING_DIRECTORIES
test_must_fail 3 dsci -C plain hook install
expect_line err "not a git repository"
[ ! -e plain/.git ] || fail "created something"
git init -q --bare bare.git
test_must_fail 2 dsci -C bare.git hook install
expect_line err "bare repository has no work tree to commit from"
[ ! -e bare.git/hooks/pre-commit ] || fail "installed into a bare repository"
test_must_fail 2 dsci -C task-api hook
expect_line err "hook needs a subcommand: install or run"
test_must_fail 2 dsci -C task-api hook frobnicate
expect_line err "unknown hook subcommand 'frobnicate'"
test_must_fail 2 dsci -C task-api hook install --bogus
expect_line err "unknown option '--bogus'"
test_must_fail 2 dsci -C task-api hook install run
test_must_fail 2 dsci -C task-api hook run --force
test_must_fail 2 dsci -C task-api hook install --spec specs/task-api.yaml
test_ok dsci help hook
expect_line out "usage: dsci hook install [--force]"
test_ok dsci hook install --help
expect_line out "git commit --no-verify"
test_ok dsci help
expect_line out "install the pre-commit hook in this repository"
