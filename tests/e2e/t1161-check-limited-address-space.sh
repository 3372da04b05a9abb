#!/bin/sh
# Under a limited address space (`ulimit -v`, as some CI runners and containers set) dsci
# takes memory according to the data: a small dataset is checked (it used to reserve a
# fixed 1 GiB for the near-duplicate signatures and gave up even for 3 records), and
# when the limit is truly too small the run ends with exit 3 and one clear line, never
# a crash.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
[ "${DSCI_SANITIZED:-0}" = 1 ] && skip "the sanitizers reserve terabytes of shadow memory"

copy_example
cd task-api
sed -i '/^  reproducibility:/{n;s/level: block/level: off/}' specs/task-api.yaml
git init -q
git add -A
git commit -q -m "dataset"

say "3 records, 1 GiB of address space"
head -n 3 data/splits/val.jsonl >small.jsonl
mv small.jsonl data/splits/val.jsonl
(ulimit -v 1048576 && test_must_fail 1 "$DSCI" check --base none --format json)
expect_no_line err "out of"
expect_line out '"result"'

say "the whole example, from the work tree and from git, 1 GiB"
git checkout -q -- data
(ulimit -v 1048576 && test_ok "$DSCI" check --base none)
(ulimit -v 1048576 && test_ok "$DSCI" check --rev HEAD --base none)

say "far too little: exit 3 and one line, not a crash"
(ulimit -v 40000 && test_must_fail 3 "$DSCI" check --base none)
expect_line err "dsci: out of memory"
