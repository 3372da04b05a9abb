#!/bin/sh
# card and bump never write into the git directory: not through a `.git` path component,
# not through a symlink that leads there, not into GIT_DIR or a linked worktree's gitdir.
# A refusal is a spec error (exit 2) naming the spec file and the key's line.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

copy_example ds
make_repo ds
cd ds
spec=specs/task-api.yaml
cp .git/config ../config.orig
cp .git/HEAD ../HEAD.orig

set_key() {   # set_key KEY VALUE: rewrites dataset.KEY in the spec
    sed -i "s#^  $1: .*#  $1: $2#" $spec
}
line_of() {
    grep -n "^  $1:" $spec | cut -d: -f1
}
original_card=$(grep '^  card:' $spec | sed 's/^  card: //')
original_vf=$(grep '^  version_file:' $spec | sed 's/^  version_file: //')

# card: .git/config would replace the repository's configuration.
set_key card .git/config
test_must_fail 2 dsci card
expect_line err "$spec:$(line_of card):"
expect_line err "git"
test_cmp ../config.orig .git/config
test_must_fail 2 dsci card --dry-run

# A hook git would run.
set_key card .git/hooks/post-checkout
test_must_fail 2 dsci card
test -e .git/hooks/post-checkout && fail "a hook was created"
# A `.git` component anywhere, whatever its case (case-insensitive file systems).
set_key card sub/.GIT/README.md
test_must_fail 2 dsci card
test -e sub && fail "a folder was created"
set_key card "$original_card"

# version_file: .git/packed-refs would break every git command.
set_key version_file .git/packed-refs
test_must_fail 2 dsci bump
expect_line err "$spec:$(line_of version_file):"
test -e .git/packed-refs && fail "packed-refs written"
git status >/dev/null
set_key version_file .git/HEAD
test_must_fail 2 dsci bump
test_cmp ../HEAD.orig .git/HEAD

# Through a symlink inside the work tree that points into .git.
ln -s .git gitlink
set_key version_file gitlink/config
test_must_fail 2 dsci bump
expect_line err "$spec:$(line_of version_file):"
test_cmp ../config.orig .git/config
set_key card gitlink/description
test_must_fail 2 dsci card
set_key card "$original_card"
set_key version_file "$original_vf"
rm gitlink

# The ordinary targets still work.
test_ok dsci card
test_ok dsci bump
cd ..

# GIT_DIR elsewhere, inside the work tree under another name.
mkdir sep
cp -R "$DSCI_SOURCE_DIR/examples/task-api/." sep/
cd sep
git --git-dir=meta --work-tree=. init -q
GIT_DIR=meta GIT_WORK_TREE=. git add -A
GIT_DIR=meta GIT_WORK_TREE=. git commit -q -m initial
cp meta/config ../meta.config
sed -i 's#^  card: .*#  card: meta/config#' $spec
GIT_DIR=meta GIT_WORK_TREE=. test_must_fail 2 dsci card
expect_line err "$spec:"
test_cmp ../meta.config meta/config
cd ..

# A linked worktree: its gitdir lives in the main repository's .git/worktrees, and its
# `.git` is a file.
git -C ds worktree add -q ../linked
cd linked
sed -i 's#^  card: .*#  card: .git#' $spec
gitfile=$(cat .git)
test_must_fail 2 dsci card
test "$(cat .git)" = "$gitfile" || fail ".git file replaced"
gitdir=$(git rev-parse --git-dir)
ln -s "$gitdir" wtlink
sed -i 's#^  card: .*#  card: wtlink/HEAD#' $spec
cp "$gitdir/HEAD" ../wt.HEAD
test_must_fail 2 dsci card
test_cmp ../wt.HEAD "$gitdir/HEAD"
