#!/bin/sh
# README's "Try it" gives a newcomer exactly two commands, says that git gets the source,
# and describes what scripts/test.sh runs: every build directory test.sh uses is named,
# and test.sh and try.sh install through deps.sh's matching group.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

readme=$DSCI_SOURCE_DIR/README.md
awk '/^## Try it/{on=1; next} /^## /{on=0} on' "$readme" >try
[ -s try ] || fail "README has no '## Try it' section"
# the commands in its code block, without comments
awk '/^```/{inside=!inside; next} inside' try | sed 's/[[:space:]]*#.*$//' | sed '/^$/d' >commands
grep -Fx 'scripts/try.sh' commands >/dev/null || { cat commands >&2; fail "README does not give scripts/try.sh"; }
grep -Fx 'scripts/test.sh' commands >/dev/null || { cat commands >&2; fail "README does not give scripts/test.sh"; }
grep -v '^git clone \|^cd ' commands >scripts
printf 'scripts/try.sh\nscripts/test.sh\n' >expected
test_cmp expected scripts
grep -q 'git clone' try || fail "README's Try it does not say how to get the source with git"

say "every build test.sh runs is named in the README"
for dir in $(sed -n 's/^run_suite \(build[a-z-]*\).*/\1/p' "$DSCI_SOURCE_DIR/scripts/test.sh") build-fuzz; do
    expect_line try "$dir"
done
expect_line try "minutes"

say "try.sh installs the build group, test.sh the test group"
expect_line "$DSCI_SOURCE_DIR/scripts/try.sh" "scripts/deps.sh build"
expect_line "$DSCI_SOURCE_DIR/scripts/test.sh" "scripts/deps.sh test"
