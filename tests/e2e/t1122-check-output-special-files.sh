#!/bin/sh
# --output writes a regular file atomically, but a FIFO, a device or a symbolic link
# (/dev/stdout is one: /proc/self/fd/1) is written in place and never replaced by a
# regular file. `--output -` is standard output.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

copy_example ds
cd ds

# A FIFO with a reader: the reader gets the report, the FIFO stays a FIFO.
mkfifo pipe
cat pipe >got &
reader=$!
test_must_fail 0 dsci check --format json --output pipe
if ! test -p pipe; then
    kill $reader   # it waits for a writer that will never come
    fail "the FIFO was replaced by a regular file"
fi
wait $reader
expect_line got '"dsci_version"'

# A link like /dev/stdout (to /proc/self/fd/1), made here so that a broken dsci can only
# replace this one: the report reaches stdout, the link stays.
ln -s /proc/self/fd/1 mystdout
test_ok dsci check --format json --output mystdout
test -L mystdout || fail "the stdout link was replaced"
expect_line out '"dsci_version"'

# /dev/stdout itself (only reached when the FIFO and link cases above passed, so a broken
# dsci cannot replace the system's /dev/stdout here): the same as "-", in order with the
# other reports on stdout, with stdout redirected to a file.
"$DSCI" check --format json --output /dev/stdout --format text >log
test -L /dev/stdout || test -c /dev/stdout || fail "/dev/stdout was replaced"
expect_line log '"dsci_version"'
expect_line log "DATASET VALIDATION REPORT"
"$DSCI" check --format json --output mystdout --format text >log2
expect_line log2 '"dsci_version"'
expect_line log2 "DATASET VALIDATION REPORT"

# A link to a report kept elsewhere: the link stays, its target gets the report.
mkdir reports
echo OLD-REPORT >reports/latest.json
ln -s reports/latest.json report.json
test_ok dsci check --format json --output report.json
test -L report.json || fail "the report link was replaced"
expect_line reports/latest.json '"dsci_version"'
expect_no_line reports/latest.json OLD-REPORT

# A character device (a private /dev/null), when this machine lets us make one.
if mknod devnull c 1 3 2>/dev/null; then
    test_ok dsci check --format json --output devnull
    test -c devnull || fail "the device was replaced by a regular file"
    rm devnull
else
    say "mknod not permitted here: the device case is not exercised"
fi

# "-" is standard output, for any format.
test_ok dsci check --format json --output - --format text --output text.txt
expect_line out '"dsci_version"'
test -e ./- && fail "a file named '-' was written"
expect_line text.txt "DATASET VALIDATION REPORT"

# A regular file is still replaced atomically, and a folder is refused.
echo old >plain.json
test_ok dsci check --format json --output plain.json
expect_line plain.json '"dsci_version"'
mkdir folder
test_must_fail 2 dsci check --format json --output folder
expect_line err "folder: is a folder"
ls -A | grep -q 'dsci-tmp\|\.tmp\.' && fail "a temporary file was left: $(ls -A)"
true

say "a FIFO that nobody reads: exit 3 after a bounded wait, never a hang"
mkfifo lonely
test_must_fail 3 timeout 60 "$DSCI" check --format json --output lonely
expect_line err "lonely: a FIFO that nobody read"
test -p lonely || fail "the FIFO was replaced"
