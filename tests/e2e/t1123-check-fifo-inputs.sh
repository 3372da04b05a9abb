#!/bin/sh
# A FIFO (or another non-regular file) where a data file, the card, the version file or
# the spec belongs is refused at once, naming the path; nothing waits for a writer.
# Like a folder there, it is the spec's (or the command line's) mistake: exit 2.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

run() {   # run CODE ARGS...: dsci with a time limit, so a hang fails instead of blocking
    test_must_fail "$1" timeout 30 "$DSCI" $(shift; echo "$@")
}

copy_example ds
cd ds

# --spec
mkfifo spec.yaml
run 2 check --spec spec.yaml
expect_line err "spec.yaml: is a FIFO, not a spec file"
rm spec.yaml

# A data file.
mv data/splits/val.jsonl ../val.jsonl
mkfifo data/splits/val.jsonl
run 2 check
expect_line err "data/splits/val.jsonl: is a FIFO, expected a regular file"
run 2 card
run 2 bump --dry-run
rm data/splits/val.jsonl
mv ../val.jsonl data/splits/val.jsonl

# The version file: check says why it cannot be read (not "not found"); bump and card
# refuse it.
mv data/hf_dataset/version.json ../version.json
mkfifo data/hf_dataset/version.json
run 1 check
expect_line out "[FAIL] Version file: unknown (version file cannot be read)"
expect_line out "data/hf_dataset/version.json: is a FIFO, expected a regular file"
expect_no_line out "version file not found"
run 2 bump
expect_line err "specs/task-api.yaml:10: dataset.version_file 'data/hf_dataset/version.json' is not a regular file (a FIFO)"
test -p data/hf_dataset/version.json || fail "the FIFO was replaced"
run 2 card
expect_line err "data/hf_dataset/version.json: is a FIFO, expected a regular file"
rm data/hf_dataset/version.json
mv ../version.json data/hf_dataset/version.json

# The card.
mv data/hf_dataset/README.md ../README.md
mkfifo data/hf_dataset/README.md
run 1 check
expect_line out "[FAIL] Dataset card: unreadable (data/hf_dataset/README.md)"
run 2 card
expect_line err "specs/task-api.yaml:9: dataset.card 'data/hf_dataset/README.md' is not a regular file (a FIFO)"
test -p data/hf_dataset/README.md || fail "the FIFO was replaced"
rm data/hf_dataset/README.md
mv ../README.md data/hf_dataset/README.md
run 0 check

# A FIFO where the pre-commit hook goes: hook install does not wait on it, it is not ours.
git init -q . 2>/dev/null || true
hooks=$(git rev-parse --git-path hooks)
mkdir -p "$hooks"
mkfifo "$hooks/pre-commit"
run 2 hook install
expect_line err "a pre-commit hook already exists"
test -p "$hooks/pre-commit" || fail "the FIFO was replaced"
rm "$hooks/pre-commit"
