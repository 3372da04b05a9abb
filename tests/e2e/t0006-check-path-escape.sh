#!/bin/sh
# Spec paths may not leave the dataset root (outside git) or the repository.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir -p outside ds/specs ds/data
printf '{"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}]}\n' >outside/secret.jsonl
cat >ds/specs/ds.yaml <<'YAML'
dsci: 1
dataset:
  name: escape
  files:
    train: ../outside/secret.jsonl
YAML
test_must_fail 2 dsci -C ds check
expect_line err "leaves the dataset root"

# Through a symlink: the link is inside, its target is not.
ln -s ../../outside/secret.jsonl ds/data/link.jsonl
sed -i 's#../outside/secret.jsonl#data/link.jsonl#' ds/specs/ds.yaml
test_must_fail 2 dsci -C ds check
expect_line err "leaves the dataset root"

# Absolute paths are refused.
sed -i "s#data/link.jsonl#$TRASH/outside/secret.jsonl#" ds/specs/ds.yaml
test_must_fail 2 dsci -C ds check
expect_line err "paths are relative to the dataset root"

# Inside a git repository the boundary is the work tree: a sibling folder is fine.
git init -q repo
mkdir -p repo/shared repo/ds/specs
cp outside/secret.jsonl repo/shared/data.jsonl
cat >repo/ds/specs/ds.yaml <<'YAML'
dsci: 1
dataset:
  name: sibling
  files:
    train: ../shared/data.jsonl
gates:
  reproducibility: {level: off}
YAML
test_ok dsci -C repo/ds check
# reports name files relative to the repository top
expect_no_line out "../shared"
