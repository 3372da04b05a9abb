#!/bin/sh
# Progress on stderr (issue 17): under a pseudo-terminal a check draws "reading FILE:
# ... MB/s" redrawn with \r and erases it ("\r ESC[K") before the report; nothing when
# stderr is piped, with -q, in CI (CI or GITHUB_ACTIONS set) or for a run shorter than
# the delay; when reading ends, a line says the gates are deciding, erased before the
# report too. DSCI_PROGRESS_AFTER_MS=0 (a test knob) draws from the first chunk; small
# chunks (DSCI_CHUNK_BYTES) give several redraws from little data. A file name with an
# escape sequence reaches the terminal as '?'.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

need_command script "util-linux"
unset CI

mkdir -p ds/specs ds/data
esc=$(printf '\033')
cat >ds/specs/ds.yaml <<'YAML'
dsci: 1
dataset:
  name: progress
  format: sharegpt
  files:
    train: "data/t\e[31mrain.jsonl"
    test: data/test.jsonl
gates:
  reproducibility: {level: off}
  duplicates: {level: off}
  leakage: {level: off}
  coverage: {level: off}
  splits: {level: off}
YAML
i=0
while [ $i -lt 3000 ]; do
    printf '{"conversations": [{"from": "human", "value": "question number %d, please"}, {"from": "gpt", "value": "the answer to question %d is here"}]}\n' $i $i
    i=$((i + 1))
done >"ds/data/t${esc}[31mrain.jsonl"
head -n 50 "ds/data/t${esc}[31mrain.jsonl" >ds/data/test.jsonl

# pty CMD: runs CMD (a shell command line) with stdin, stdout and stderr on a pseudo-
# terminal of 100 columns; what the terminal got goes to ./tty.
pty() {
    script -qec "stty cols 100 2>/dev/null; $1" /dev/null </dev/null >tty 2>&1 || true
}
run="'$DSCI' -C ds check --no-cache"

say "a terminal: the line is drawn, then erased before the report"
pty "DSCI_PROGRESS_AFTER_MS=0 DSCI_CHUNK_BYTES=4096 $run"
expect_line tty "MB/s"
expect_line tty " records, "
expect_line tty "RESULT: PASS"
# the escape in the file name is shown as '?', never sent
grep -q "reading data/t?\[31mrain.jsonl (1/2): " tty || { cat -v tty >&2; fail "the file name was not cleaned"; }
if grep -q "t${esc}\[31mrain.jsonl (1/2)" tty; then
    fail "a raw escape sequence from a file name reached the terminal"
fi
# every drawn line is erased before the report starts: the last "\r ESC[K" comes
# before the first line of the report, and the report has no \r in it
python3 - <<'PY' || fail "the progress line interleaves with the report"
data = open("tty", "rb").read()
clear = data.rfind(b"\r\x1b[K")
report = data.find(b"=====")
assert clear >= 0 and report > clear, (clear, report)
assert b"MB/s" not in data[report:], "progress after the report started"
# after reading, one line says the gates are deciding; it too is gone before the report
deciding = data.find(b"\rchecking: ")
assert 0 <= deciding < clear, (deciding, clear)
assert b"read from 2 files in " in data[deciding:clear] and b"the gates are deciding" in data[deciding:clear], data[deciding:clear]
assert b"checking: " not in data[report:], "the gates' line after the report started"
PY

say "the same run redraws in place, at most ten times a second"
draws=$(tr '\r' '\n' <tty | grep -c "MB/s" || true)
[ "$draws" -ge 1 ] || fail "no progress line drawn"

say "stderr piped: nothing"
DSCI_PROGRESS_AFTER_MS=0 DSCI_CHUNK_BYTES=4096 dsci -C ds check --no-cache >out 2>err
expect_no_line err "MB/s"
expect_no_line out "MB/s"

say "-q, CI, GITHUB_ACTIONS, TERM=dumb: nothing"
for env in "DSCI_PROGRESS_AFTER_MS=0 $run -q" "CI=true DSCI_PROGRESS_AFTER_MS=0 $run" \
           "GITHUB_ACTIONS=true DSCI_PROGRESS_AFTER_MS=0 $run" "TERM=dumb DSCI_PROGRESS_AFTER_MS=0 $run"; do
    pty "DSCI_CHUNK_BYTES=4096 $env"
    expect_no_line tty "MB/s"
    expect_line tty "RESULT: PASS"
done

say "a run shorter than the default second: nothing"
# whole files as one chunk each: the engine reports in only as each file starts. A
# machine so loaded that the run itself lasts a second may rightly draw: then only the
# report is checked, and the reason printed.
started=$(date +%s%N)
pty "$run"
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
expect_line tty "RESULT: PASS"
if [ "$elapsed_ms" -lt 900 ]; then
    expect_no_line tty "MB/s"
else
    say "the run took $elapsed_ms ms (a loaded machine): whether it drew is not checked"
fi

say "an error mid-run erases the line before the message"
rm ds/data/test.jsonl
pty "DSCI_PROGRESS_AFTER_MS=0 DSCI_CHUNK_BYTES=4096 $run; echo exit=\$?"
expect_line tty "exit=2"
python3 - <<'PY' || fail "the error message shares a line with the progress"
data = open("tty", "rb").read()
msg = data.find(b"dsci: ")
assert msg > 0, data
assert data.rfind(b"\r\x1b[K", 0, msg) >= 0 and b"MB/s" not in data[msg:], data
PY

say "a line too wide for the terminal drops the record count before the file's name"
mkdir -p ds2/specs ds2/data
long=data/a-rather-long-name-for-a-training-split.jsonl
printf 'dsci: 1\ndataset:\n  name: p2\n  format: sharegpt\n  files:\n    train: %s\n    test: data/test.jsonl\n' "$long" >ds2/specs/ds.yaml
cp "ds/data/t${esc}[31mrain.jsonl" "ds2/$long"
head -n 50 "ds2/$long" >ds2/data/test.jsonl
# at 100 columns "reading NAME (1/2): 0.0 of 0.9 MB (0%), 0 records, 0 MB/s" is 104 wide
script -qec "stty cols 100 2>/dev/null; DSCI_PROGRESS_AFTER_MS=0 '$DSCI' -C ds2 check --no-cache" /dev/null </dev/null >tty 2>&1 || true
grep -q "reading $long (1/2): [0-9.]* of [0-9.]* MB ([0-9]*%), [0-9]* MB/s" tty ||
    { cat -v tty >&2; fail "the name should stay whole and the record count go"; }
# (the short-named second file may be drawn too, on a slow run, and has room for its count)
if tr '\r' '\n' <tty | grep -F "$long" | grep -q " records, "; then
    cat -v tty >&2
    fail "the long name's line kept its record count"
fi
tr '\r' '\n' <tty | python3 -c '
import sys
for line in sys.stdin.buffer:
    line = line.rstrip(b"\n").replace(b"\x1b[K", b"")
    if b"MB/s" in line:
        assert len(line.decode("utf-8", "replace")) <= 99, line
' || fail "a progress line is wider than the terminal"
