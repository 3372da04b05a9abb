#!/bin/sh
# A repeated message is quoted by its hash: the quality gate keeps no text per message,
# and a quote whose text no example showed it afterwards is read again from the data
# (run/reread.c). DSCI_TEST_FORGET_NAMES=1 makes every quote come from that second
# read: the reports must be byte for byte those of a run that kept the names, for
# JSONL and JSON array files, from the work tree, the index and a revision.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

copy_example
cd task-api
python3 - <<'PY'
import json
p = "data/splits/train.jsonl"
recs = [json.loads(l) for l in open(p, encoding="utf-8")]
for i, r in enumerate(recs):
    r["conversations"][1]["value"] = ("Sure!\nI can help with that: the task was created and saved for you, with its due date."
                                      if i % 2 == 0 else "Done. The task is updated \u2014 \u00e9t\u00e9 \u4e2d\u6587 \u2014 and the long tail goes on.")
    if i == len(recs) - 1:   # a message repeated only in the last record
        r["conversations"][0]["value"] = r["conversations"][-1]["value"] = "The last words, twice in one record."
open(p, "w", encoding="utf-8").write("".join(json.dumps(r) + "\n" for r in recs))
PY
make_repo . "dataset 1.0.0"

# same_report ARGS...: the report with the names kept and with every name read again
same_report() {
    set +e
    "$DSCI" check --base none "$@" >kept.out 2>kept.err
    kept=$?
    DSCI_TEST_FORGET_NAMES=1 "$DSCI" check --base none "$@" >again.out 2>again.err
    again=$?
    set -e
    [ "$kept" = "$again" ] || fail "exit $kept with the names, $again without: $*"
    test_cmp kept.out again.out
    test_cmp kept.err again.err
}

say "JSONL from the work tree: quotes, the same with every name read again"
same_report
expect_line kept.out "data/splits/train.jsonl:1: the message \"Sure! I can help with that: the task was created and saved…\" appears 52 times"
expect_line kept.out "the message \"Done. The task is updated — été 中文 — and the long…\" appears 52 times"
expect_no_line kept.out "a message here appears"
same_report --format json
same_report --format sarif
expect_line kept.out "Done. The task is updated"

say "the index and a revision are read again from the same place"
same_report --staged
expect_line kept.out "the message \"Sure! I can help"
git mv data/splits/train.jsonl data/splits/train-old.jsonl
git commit -q -m "moved"
same_report --rev HEAD~1
expect_line kept.out "the message \"Sure! I can help"
git mv data/splits/train-old.jsonl data/splits/train.jsonl
git commit -q -m "back"

say "a JSON array file on one line: the examples are found by their index"
python3 - <<'PY'
import json
p = "data/splits/train.jsonl"
recs = [json.loads(l) for l in open(p, encoding="utf-8")]
open("data/splits/train.json", "w", encoding="utf-8").write(json.dumps(recs))
PY
sed -i 's|train: data/splits/train.jsonl|train: data/splits/train.json|' specs/task-api.yaml
same_report
expect_line kept.out "data/splits/train.json:1:"
expect_line kept.out "the message \"Sure! I can help"
expect_no_line kept.out "a message here appears"
