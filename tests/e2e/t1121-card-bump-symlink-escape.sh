#!/bin/sh
# Write targets are resolved to their real path: a symlinked folder or a symlinked
# version file that leads outside the repository (or, outside git, the dataset root) is
# refused (exit 2, spec file:line); a link that stays inside is followed, never replaced.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir elsewhere
copy_example ds
cd ds
spec=specs/task-api.yaml
line_of() {
    grep -n "^  $1:" $spec | cut -d: -f1
}

# A symlinked folder, on disk and committed.
ln -s ../elsewhere link
sed -i 's#^  card: .*#  card: link/README.md#' $spec
git init -q && git add -A && git commit -q -m initial
test_must_fail 2 dsci card
expect_line err "$spec:$(line_of card):"
expect_line err "outside the repository"
test -e ../elsewhere/README.md && fail "card written outside the repository"
# A folder that does not exist yet below the link.
sed -i 's#^  card: .*#  card: link/new/README.md#' $spec
test_must_fail 2 dsci card
test -e ../elsewhere/new && fail "folder created outside the repository"

# The version file through the link.
sed -i 's#^  card: .*#  card: data/hf_dataset/README.md#' $spec
sed -i 's#^  version_file: .*#  version_file: link/version.json#' $spec
test_must_fail 2 dsci bump
expect_line err "$spec:$(line_of version_file):"
test -e ../elsewhere/version.json && fail "version file written outside"

# A version file that is itself a symlink to a file outside: refused, the link kept.
echo '{"version": "0.9.0"}' >../elsewhere/version.json
cp ../elsewhere/version.json ../version.orig
ln -s ../../../elsewhere/version.json data/hf_dataset/v.json
sed -i 's#^  version_file: .*#  version_file: data/hf_dataset/v.json#' $spec
test_must_fail 2 dsci bump
expect_line err "$spec:$(line_of version_file):"
test -L data/hf_dataset/v.json || fail "the link was replaced"
test_cmp ../version.orig ../elsewhere/version.json

# A dangling symlink as the version file: refused, not replaced.
rm data/hf_dataset/v.json
ln -s nowhere.json data/hf_dataset/v.json
test_must_fail 2 dsci bump
test -L data/hf_dataset/v.json || fail "the dangling link was replaced"

# A symlink that stays inside the repository is followed: the link stays, its target
# gets the new content.
rm data/hf_dataset/v.json
mv data/hf_dataset/version.json data/hf_dataset/real.json
ln -s real.json data/hf_dataset/v.json
test_ok dsci bump
test -L data/hf_dataset/v.json || fail "the inside link was replaced"
expect_line data/hf_dataset/real.json '"version"'
cd ..

# Outside git the boundary is the dataset root.
copy_example plain
cd plain
ln -s ../elsewhere outlink
sed -i 's#^  card: .*#  card: outlink/CARD.md#' $spec
test_must_fail 2 dsci card
expect_line err "outside the dataset root"
test -e ../elsewhere/CARD.md && fail "card written outside the dataset root"
true

# The known-findings file that check --update-baseline writes: the same rule.
cd ../ds
ln -s ../elsewhere/accepted.json .dsci-baseline.json
test_must_fail 2 dsci check --update-baseline
expect_line err "'.dsci-baseline.json': a symbolic link on the way leads nowhere"
test -e ../elsewhere/accepted.json && fail "known findings written outside"
echo '{}' >../elsewhere/accepted.json
test_must_fail 2 dsci check --update-baseline
expect_line err "'.dsci-baseline.json' is outside the repository"
test "$(cat ../elsewhere/accepted.json)" = '{}' || fail "known findings written outside"
test -L .dsci-baseline.json || fail "the link was replaced"
true
