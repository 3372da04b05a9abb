#!/bin/sh
# A card dsci cannot regenerate (markers broken, front matter not closed) is reported
# with file:line, exit 2, and left untouched; check reports it too. Usage errors and a
# spec without a card exit 2.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

copy_example
cd task-api
CARD=data/hf_dataset/README.md

# broken CARD_TEXT LINE MESSAGE: dsci card exits 2 naming the line, the card is untouched
broken() {
    printf '%s' "$1" >"$CARD"
    cp "$CARD" "$TRASH/broken.md"
    test_must_fail 2 dsci card
    expect_line err "dsci: $CARD:$2: $3"
    test_cmp "$TRASH/broken.md" "$CARD"
    test_must_fail 2 dsci card --dry-run
    test_cmp "$TRASH/broken.md" "$CARD"
}

say "begin without end"
broken '# Card

<!-- dsci:begin statistics -->
old numbers
' 3 "'<!-- dsci:begin statistics -->' has no matching '<!-- dsci:end statistics -->'"

say "nested blocks"
broken '---
pretty_name: x
---
<!-- dsci:begin summary -->
<!-- dsci:begin quality -->
<!-- dsci:end quality -->
<!-- dsci:end summary -->
' 5 "'<!-- dsci:begin quality -->' inside block 'summary' (opened at line 4): blocks cannot nest"

say "a block twice"
broken '<!-- dsci:begin changelog -->
<!-- dsci:end changelog -->
<!-- dsci:begin changelog -->
<!-- dsci:end changelog -->
' 3 "block 'changelog' appears twice (first at line 1)"

say "an end without a begin, an unknown block"
broken 'a
<!-- dsci:end coverage -->
' 2 "'<!-- dsci:end coverage -->' without a matching begin"
broken '<!-- dsci:begin charts -->
<!-- dsci:end charts -->
' 1 "unknown dsci block 'charts'"

say "the front matter does not close"
broken '---
pretty_name: x
# Card
' 1 "the front matter is not closed"

say "check names the problem instead of crashing"
test_must_fail 1 dsci check
expect_line out "[FAIL] Dataset card: cannot regenerate ($CARD:1: the front matter is not closed"

say "usage"
test_must_fail 2 dsci card --frobnicate
expect_line err "unknown option '--frobnicate' for card"
test_must_fail 2 dsci card README.md
expect_line err "card takes no arguments, got 'README.md'"
test_must_fail 2 dsci card --base
expect_line err "option '--base' needs a value"
test_ok dsci help card
expect_line out "usage: dsci card"
test_ok dsci card --help

say "a spec without a card"
sed -i '/^  card: /d' specs/task-api.yaml
test_must_fail 2 dsci card
expect_line err "dataset.card is not set"

say "a card path that leaves the dataset root"
sed -i 's#^  version_file:#  card: ../outside/README.md\n  version_file:#' specs/task-api.yaml
test_must_fail 2 dsci card
test -e ../outside/README.md && fail "wrote outside the dataset root"
true
