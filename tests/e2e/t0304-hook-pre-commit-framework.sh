#!/bin/sh
# .pre-commit-hooks.yaml works with the pre-commit framework (offline): try-repo passes
# on the example dataset; installed through a .pre-commit-config.yaml, it blocks a
# commit of broken staged data and lets the fixed one through.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

need_command pre-commit "apt-get install pre-commit"
PATH="$(dirname "$DSCI"):$PATH"
export PATH PRE_COMMIT_HOME="$TRASH/pre-commit-cache"

# The manifest as shipped, in a repository of its own: try-repo clones committed files,
# and the source tree may be a tarball or have uncommitted changes.
mkdir hooks-repo
cp "$DSCI_SOURCE_DIR/.pre-commit-hooks.yaml" hooks-repo/
make_repo hooks-repo manifest
rev=$(git -C hooks-repo rev-parse HEAD)

copy_example
make_repo task-api

say "pre-commit try-repo, on every file of the example"
(cd task-api && test_ok pre-commit try-repo ../hooks-repo dsci-check --all-files --verbose)
expect_line task-api/out "dsci check (staged dataset)"
expect_line task-api/out "Passed"
expect_line task-api/out "dsci: no staged change touches a dataset; skipping"
rm task-api/out task-api/err

say "through .pre-commit-config.yaml and pre-commit install"
cat >task-api/.pre-commit-config.yaml <<EOC
repos:
  - repo: $TRASH/hooks-repo
    rev: $rev
    hooks:
      - id: dsci-check
EOC
git -C task-api add .pre-commit-config.yaml
git -C task-api commit -q --no-verify -m "pre-commit config"
(cd task-api && pre-commit install >/dev/null)
cp task-api/data/splits/train.jsonl train.good
sed '3s/"from": "human"/"from": "humn"/' train.good >task-api/data/splits/train.jsonl
git -C task-api add data/splits/train.jsonl
test_must_fail 1 git -C task-api commit -m "broken"
grep -q "RESULT: FAIL" out err || fail "no failing report"
grep -qF "commit blocked by dsci" out err || fail "no bypass hint"
cp train.good task-api/data/splits/train.jsonl
echo "# reviewed" >>task-api/specs/task-api.yaml
test_ok git -C task-api commit -a -m "fixed"
[ "$(git -C task-api log --format=%s -1)" = fixed ] || fail "not committed"
