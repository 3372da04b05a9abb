#!/bin/sh
# The layout keeps its rules (issue 11): no .c file at the top of src/ but main.c, no
# source file over 700 lines (generated tables excepted), no include cycle between files
# or modules.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

src=$DSCI_SOURCE_DIR/src
top=$(cd "$src" && ls *.c | grep -vx main.c || true)
[ -z "$top" ] || fail "C files at the top of src/ besides main.c: $top"

long=$(find "$src" -name '*.[ch]' ! -name '*_table.h' -exec wc -l {} + | awk '$2 != "total" && $1 > 700 {print $2 " (" $1 " lines)"}')
[ -z "$long" ] || fail "source files over 700 lines: $long"

python3 "$DSCI_SOURCE_DIR/scripts/include-cycles.py" "$src" >cycles || { cat cycles >&2; fail "include cycles"; }
expect_line cycles "no include cycle"
