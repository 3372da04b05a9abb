#!/bin/sh
# --format junit validates against the constraints of Jenkins' junit-10.xsd (no skipped
# or timestamp on <testsuites>), written down in tests/junit-10-constraints.xsd, which
# also requires every testcase's classname + name to be unique: viewers merge testcases
# that share it (reproducibility has two "Dataset card" checks).
. "$DSCI_SOURCE_DIR/tests/lib.sh"

need_command xmllint "Debian package libxml2-utils, see scripts/deps.sh test"
xsd="$DSCI_SOURCE_DIR/tests/junit-10-constraints.xsd"

validate() {
    xmllint --noout --schema "$xsd" "$1" 2>xmllint.err || { cat xmllint.err >&2; fail "$1 is not valid JUnit"; }
}

copy_example
make_repo task-api

say "a passing dataset"
test_ok dsci -C task-api check --format junit --output "$TRASH/pass.xml"
validate pass.xml
[ "$(grep -c 'classname="dsci.reproducibility" name="Dataset card' pass.xml)" = 2 ] ||
    fail "two Dataset card testcases expected"
expect_line pass.xml 'name="Dataset card (reproducibility.card_current)"'

say "a failing dataset with skipped checks, warnings and hostile text"
for f in task-api/data/splits/*.jsonl; do
    grep -v '"operation": "Delete"' "$f" >"$f.new" || true
    mv "$f.new" "$f"
done
printf '{"conversations": [{"from": "human\\udc00 <x> ]]> &", "value": "a"}]}\n' >>task-api/data/splits/train.jsonl
test_must_fail 1 dsci -C task-api check --format junit --output "$TRASH/fail.xml"
validate fail.xml
expect_line fail.xml '<failure'
if grep -q '<testsuites[^>]*\(skipped\|timestamp\)=' fail.xml; then fail "skipped or timestamp on <testsuites>"; fi
