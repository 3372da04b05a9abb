# Helpers for the end-to-end tests (POSIX sh), in the manner of git's t/test-lib.sh.
# Each test script sources this file, works in its own fresh directory, builds its own
# repositories with a fixed author and fixed dates, runs the real binary and asserts.
#
#   . "$DSCI_SOURCE_DIR/tests/lib.sh"
#   test_must_fail 1 dsci check          # exactly exit code 1
#   test_cmp expected actual

set -eu

: "${DSCI:?DSCI must name the dsci binary (ctest sets it)}"
: "${DSCI_SOURCE_DIR:?DSCI_SOURCE_DIR must name the source tree (ctest sets it)}"

TEST_NAME=$(basename "$0" .sh)
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/dsci-$TEST_NAME.XXXXXX")
trap '[ -n "${KEEP_TRASH:-}" ] || rm -rf "$TRASH"' EXIT
cd "$TRASH"

# Reproducible git: fixed identity and dates, no user or system config.
export TZ=UTC LC_ALL=C.UTF-8 LANG=C.UTF-8
export GIT_AUTHOR_NAME="A U Thor" GIT_AUTHOR_EMAIL="author@example.invalid"
export GIT_COMMITTER_NAME="C O Mitter" GIT_COMMITTER_EMAIL="committer@example.invalid"
export GIT_AUTHOR_DATE="2025-01-01T00:00:00Z" GIT_COMMITTER_DATE="2025-01-01T00:00:00Z"
export GIT_CONFIG_NOSYSTEM=1 HOME="$TRASH/home" SOURCE_DATE_EPOCH=1735743600
unset GITHUB_ACTIONS GITHUB_STEP_SUMMARY GITHUB_OUTPUT NO_COLOR
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global advice.detachedHead false

dsci() {
    "$DSCI" "$@"
}

say() {
    printf '# %s\n' "$*"
}

fail() {
    printf 'not ok: %s\n' "$*" >&2
    exit 1
}

# test_must_fail CODE CMD...: runs CMD, which must exit with exactly CODE; its stdout
# and stderr are kept in ./out and ./err for later greps.
test_must_fail() {
    want=$1
    shift
    set +e
    "$@" >out 2>err
    got=$?
    set -e
    if [ "$got" -ne "$want" ]; then
        printf -- '--- stdout\n' >&2; cat out >&2
        printf -- '--- stderr\n' >&2; cat err >&2
        fail "expected exit $want, got $got: $*"
    fi
}

# test_ok CMD...: like test_must_fail 0.
test_ok() {
    test_must_fail 0 "$@"
}

test_cmp() {
    if ! cmp -s "$1" "$2"; then
        diff -u "$1" "$2" >&2 || true
        fail "files differ: $1 $2"
    fi
}

# expect_line FILE TEXT: FILE has a line containing TEXT (fixed string).
expect_line() {
    grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "'$1' lacks: $2"; }
}

expect_no_line() {
    if grep -qF -- "$2" "$1"; then
        cat "$1" >&2
        fail "'$1' should not contain: $2"
    fi
}

# A copy of the bundled example dataset in ./NAME (default: task-api).
copy_example() {
    cp -R "$DSCI_SOURCE_DIR/examples/task-api" "./${1:-task-api}"
}

# A git repository in ./NAME with one commit of everything in it.
make_repo() {
    git init -q "$1"
    (cd "$1" && git add -A && git commit -q -m "${2:-initial}")
}

# skip REASON: the test does not apply here; ctest reports it as Skipped, and
# scripts/test.sh prints REASON (scripts/skip-reasons.sh).
# format_only_spec FILE NAME: a spec with one train file, data/train.jsonl, and every
# gate off but format (for tests about reading, not judging).
format_only_spec() {
    mkdir -p "$(dirname "$1")"
    cat >"$1" <<YAML
dsci: 1
dataset:
  name: $2
  format: sharegpt
  files:
    train: data/train.jsonl
gates:
  duplicates: {level: off}
  leakage: {level: off}
  reproducibility: {level: off}
  coverage: {level: off}
  splits: {level: off}
  pii: {level: off}
  quality: {level: off}
YAML
}

skip() {
    printf 'skip: %s\n' "$*"
    exit 77
}

# skip_client REASON: the test cannot run a third-party client it needs (not installed,
# registry unreachable): a skip, except under DSCI_REQUIRE_CLIENTS=1 (scripts/test.sh
# sets it), where it is a failure, so the real clients always run in CI.
skip_client() {
    if [ "${DSCI_REQUIRE_CLIENTS:-0}" = 1 ]; then
        fail "$* (a failure, not a skip, under DSCI_REQUIRE_CLIENTS=1; scripts/deps.sh test installs the clients)"
    fi
    skip "$@"
}

# need_command CMD [HINT]: CMD is on PATH, or the test is a skip_client.
need_command() {
    command -v "$1" >/dev/null 2>&1 || skip_client "$1 is not installed${2:+ ($2)}"
}
