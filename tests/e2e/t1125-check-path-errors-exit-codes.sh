#!/bin/sh
# One rule for paths: a spec that names nothing usable is a spec mistake, exit 2 with the
# spec's file and line; the OS refusing to read what is there is an I/O failure, exit 3
# with its reason. A glob's match outside the root is named by the pattern, never by the
# outside file's name.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

copy_example ds
cd ds
spec=specs/task-api.yaml
val_line=$(grep -n '^    validation: data/' $spec | head -1 | cut -d: -f1)
set_val() { sed -i "${val_line}s#^    validation: .*#    validation: $1#" $spec; }

# A missing file, a glob in a missing folder, a glob that matches nothing, a glob below
# a file: the same mistake, the same exit code and the spec's line.
set_val data/splits/missing.jsonl
test_must_fail 2 dsci check
expect_line err "$spec:$val_line: split 'validation': data/splits/missing.jsonl: no such file"
set_val 'data/nowhere/*.jsonl'
test_must_fail 2 dsci check
expect_line err "$spec:$val_line: split 'validation': no file matches 'data/nowhere/*.jsonl'"
set_val 'data/splits/none-*.jsonl'
test_must_fail 2 dsci check
expect_line err "$spec:$val_line: split 'validation': no file matches"
set_val 'data/splits/val.jsonl/*.jsonl'
test_must_fail 2 dsci check
expect_line err "$spec:$val_line: split 'validation': no file matches"
# A folder where a file is expected.
mkdir data/splits/folder.jsonl
set_val data/splits/folder.jsonl
test_must_fail 2 dsci check
expect_line err "$spec:$val_line: split 'validation': "
expect_line err "is a directory"
rmdir data/splits/folder.jsonl

# A glob escaping the root: the pattern is named, the outside file is not.
mkdir -p ../outside
cp data/splits/val.jsonl ../outside/private-name-4711.jsonl
set_val '../outside/*.jsonl'
test_must_fail 2 dsci check
expect_line err "'../outside/*.jsonl' matches files outside the dataset root"
expect_no_line err "private-name-4711"
set_val data/splits/val.jsonl
test_ok dsci check

# Unreadable files and folders: only a user who is not root can see them. Run dsci as
# nobody when this machine allows it (the tests usually run as root).
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
   setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
    cp "$DSCI" ../dsci-copy
    chmod -R a+rX "$TRASH"
    as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups ../dsci-copy "$@"; }

    # An unreadable spec: not "no such file".
    chmod 000 $spec
    test_must_fail 3 as_nobody check
    expect_line err "$spec: cannot read: Permission denied"
    chmod 644 $spec

    # A folder the glob cannot list.
    mkdir data/locked
    cp data/splits/val.jsonl data/locked/
    chmod 000 data/locked
    set_val 'data/locked/*.jsonl'
    test_must_fail 3 as_nobody check
    expect_line err "$spec:$val_line: split 'validation': 'data/locked/*.jsonl': cannot list files: Permission denied"
    set_val data/splits/val.jsonl

    # An unreadable data file.
    chmod 000 data/splits/val.jsonl
    test_must_fail 3 as_nobody check
    expect_line err "Permission denied"
    chmod 644 data/splits/val.jsonl

    # An unreadable version file: check says why, bump fails with the OS reason.
    chmod 000 data/hf_dataset/version.json
    test_must_fail 1 as_nobody check
    expect_line out "[FAIL] Version file: unknown (version file cannot be read)"
    expect_line out "Permission denied"
    expect_no_line out "version file not found"
    test_must_fail 3 as_nobody bump --dry-run
    expect_line err "data/hf_dataset/version.json: Permission denied"
    chmod 644 data/hf_dataset/version.json
    # ... and its folder.
    chmod 000 data/hf_dataset
    test_must_fail 3 as_nobody bump --dry-run
    expect_line err "Permission denied"
    chmod 755 data/hf_dataset
    test_ok as_nobody check
else
    say "not root or no setpriv: the unreadable cases are not exercised"
fi

say "card: a version file that is a folder is the spec's mistake, with the spec's line"
mv data/hf_dataset/version.json ../version.json.kept
mkdir data/hf_dataset/version.json
test_must_fail 2 dsci card
expect_line err "specs/task-api.yaml:10: dataset.version_file: data/hf_dataset/version.json: is a directory"
rmdir data/hf_dataset/version.json
mv ../version.json.kept data/hf_dataset/version.json
true
