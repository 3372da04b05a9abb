#!/bin/sh
# Paths and options that once went wrong: -C after the command, a spec reached through
# a symlink (the baseline must still be found), globs beside the dataset root read from
# the index, a file named in two splits, --base outside git.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

git init -q repo
copy_example repo/ds
sed -i 's/max_removed: 5%/max_removed: 0%/' repo/ds/specs/task-api.yaml
(cd repo && git add -A && git commit -q -m v1 && git tag dataset-v1.0.0)
sed -i '1d' repo/ds/data/splits/train.jsonl

# -C after the command name, like git
test_must_fail 1 dsci check -C repo/ds
expect_line out "[FAIL] Removed examples: 1 of 130"

# through a symlink to the repository: the same verdict
ln -s "$TRASH/repo" link
test_must_fail 1 dsci check --spec "$TRASH/link/ds/specs/task-api.yaml"
expect_line out "[FAIL] Removed examples: 1 of 130"

# a glob beside the dataset root, read from the index
mkdir -p repo/shared repo/ds2/specs
cp repo/ds/data/splits/val.jsonl repo/shared/a.jsonl
cat >repo/ds2/specs/ds2.yaml <<'YAML'
dsci: 1
dataset:
  name: sibling
  format: sharegpt
  files: {train: "../shared/*.jsonl"}
gates:
  reproducibility: {level: off}
YAML
(cd repo && git add shared ds2)
test_ok dsci -C repo/ds2 check --staged --base none
expect_line out "[PASS] Valid JSON: 13/13 (100%)"
test_ok dsci -C repo/ds2 check --worktree --base none

# one file in two splits is a spec error naming both
sed -i 's#files: {train: "../shared/\*.jsonl"}#files: {train: "../shared/*.jsonl", test: ../shared/a.jsonl}#' repo/ds2/specs/ds2.yaml
test_must_fail 2 dsci -C repo/ds2 check --base none
expect_line err "is in split 'train' and in split 'test'"

# an explicit baseline needs git
mkdir -p nogit
copy_example nogit/ds
test_must_fail 3 dsci -C nogit/ds check --base dataset-v1.0.0
expect_line err "needs a git repository"
test_ok dsci -C nogit/ds check
expect_line out "not in a git repository"
