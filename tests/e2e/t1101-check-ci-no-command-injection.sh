#!/bin/sh
# In GitHub Actions nothing dsci prints, on stdout or stderr, may start a workflow command
# it did not mean. Names from the repository (a glob matching a committed symlink whose
# name holds LF or CR and "::add-mask::"), an unknown option, DSCI_JOBS, -C and a card
# path from the spec all reach messages; the runner splits lines on LF and on CR and
# trims leading blanks before looking for "::".
. "$DSCI_SOURCE_DIR/tests/lib.sh"

gha() {
    GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$TRASH/summary.md" GITHUB_OUTPUT="$TRASH/output.txt" "$DSCI" "$@"
}

# no_injection FILE...: every line (split on LF and CR, leading blanks trimmed) that
# starts with "::" is one dsci writes itself, and no other line holds the legacy "##["
# prefix (which the runner honours anywhere in a line that is not a "::" command).
no_injection() {
    python3 - "$@" <<'PY' || fail "a workflow command dsci did not mean reached the log"
import re, sys
ok = re.compile(r'::(error|warning|notice) (file=|title=dsci::)|::stop-commands::[0-9a-f]{32}$|::[0-9a-f]{32}::$')
bad = 0
for name in sys.argv[1:]:
    data = open(name, 'rb').read().decode('utf-8', 'replace')
    for line in re.split(r'\r\n|\r|\n', data):
        s = line.lstrip()
        # dsci's own commands parse as such, so the runner never reads them the legacy way
        if (not ok.match(s)) if s.startswith('::') else '##[' in s:
            print('%s: injected: %r' % (name, line), file=sys.stderr)
            bad = 1
sys.exit(bad)
PY
}

copy_example
cd task-api
# two splits from globs, so a hostile name in data/splits/ is matched
sed -i 's#train: data/splits/train.jsonl#train: data/splits/tr*.jsonl#' specs/task-api.yaml
lf_name=$(printf 'data/splits/trln\n::add-mask::main\n::error title=pwned::x.jsonl')
cr_name=$(printf 'data/splits/trcr\r::error::crpwn ##[error]y.jsonl')
ln -s nowhere "$lf_name"
git init -q .
git add -A
git commit -q -m "hostile names"

say "a symlink whose name holds LF and workflow commands: work tree and --rev"
: >../summary.md
: >../output.txt
test_must_fail 2 gha check
expect_line err 'add-mask'
no_injection out err
test_must_fail 2 gha check --rev HEAD
expect_line err 'add-mask'
no_injection out err

say "a CR in a name"
rm "$lf_name"
ln -s nowhere "$cr_name"
git add -A
git commit -q -m "CR name"
test_must_fail 2 gha check
expect_line err 'crpwn'
no_injection out err
test_must_fail 2 gha check --rev HEAD
no_injection out err

say "a file that is read: the text report and annotations name it"
rm "$cr_name"
printf '{"x":\n' >"$cr_name"
printf '{"x":\n' >"$lf_name"
test_must_fail 1 gha check
no_injection out err
test_must_fail 1 gha check --format text
no_injection out err
for f in markdown json sarif junit; do
    test_must_fail 1 gha check --format "$f"
    no_injection out err
done
rm "$cr_name" "$lf_name"

say "an unknown option, DSCI_JOBS and -C are echoed on one line"
test_must_fail 2 gha check "$(printf -- '--x\n::error::pwned')"
expect_line err "unknown option"
no_injection out err
test_must_fail 2 gha check "$(printf -- '--x\r::error::pwned')"
no_injection out err
set +e
DSCI_JOBS=$(printf '1\n::error::jobs') gha check --format json >out 2>err
set -e
expect_line err "ignoring DSCI_JOBS"
no_injection out err
test_must_fail 2 gha -C "$(printf 'nowhere\n::error::dir')" check
no_injection out err

say "stdout of other commands: a card path from the spec"
sed -i 's#card: data/hf_dataset/README.md#card: "data/hf_dataset/R\\n::error::cardpwn.md"#' specs/task-api.yaml
grep -q cardpwn specs/task-api.yaml || fail "the spec edit did not apply"
test_ok gha card
expect_line out "cardpwn"
no_injection out err

say "outside Actions the names are still one line on stderr"
test_must_fail 2 dsci check "$(printf -- '--x\n::error::pwned')"
expect_line err "unknown option '--x\\n::error::pwned'"

say "a Unicode blank after the line break (the runner trims it with .NET TrimStart)"
nbsp_name=$(printf 'data/splits/trnb\n\302\240::error title=pwnbsp::x.jsonl')
ideo_name=$(printf 'data/splits/trid\n\343\200\200::error title=pwnideo::x.jsonl')
vt_name=$(printf 'data/splits/trvt\n\013::error title=pwnvt::x.jsonl')
printf '{"x":\n' >"$nbsp_name"
printf '{"x":\n' >"$ideo_name"
printf '{"x":\n' >"$vt_name"
git add -A
git commit -q -m "Unicode blanks"
for f in junit text markdown json; do
    test_must_fail 1 gha check --format "$f"
    no_injection out err
done
test_must_fail 1 gha check --format junit
expect_line out 'pwnbsp'
set +e
gha bump --dry-run >out 2>err
set -e
no_injection out err

say "another name of standard output is written through the guard"
set +e
gha check --format junit --output /proc/thread-self/fd/1 2>err | cat >out
gha check --format junit --output //dev/stdout 2>err | cat >>out
set -e
expect_line out 'pwnbsp'
no_injection out err

say "outside Actions a card path with a line break stays on its line too"
test_ok dsci card
expect_line out 'data/hf_dataset/R\n::error::cardpwn.md'
test_ok dsci card --check
expect_line out 'card is up to date: data/hf_dataset/R\n::error::cardpwn.md'
grep -q '^::error' out && fail "the card path broke its line"
true
