#!/bin/sh
# Every output is valid UTF-8, whatever the data: a role "human\udc00" (a lone surrogate
# escape, which a JSON decoder turns into the ill-formed bytes ED B0 80) and lone high
# and low surrogates in a text must come out as U+FFFD in every report format, the step
# summary, the diff and the card.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

# valid_utf8 FILE...: each file decodes as UTF-8.
valid_utf8() {
    for vf in "$@"; do
        python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$vf" 2>/dev/null ||
            { od -c "$vf" | head -40 >&2; fail "$vf is not valid UTF-8"; }
    done
}

copy_example
python3 - <<'PY'
p = 'task-api/data/splits/train.jsonl'
lines = open(p).read().splitlines()
lines[3] = lines[3].replace('"from": "human"', '"from": "human\\udc00"', 1)
lines[4] = lines[4].replace('"value": "', '"value": "\\ud800 x \\udfff ', 1)
open(p, 'w').write('\n'.join(lines) + '\n')
PY
grep -qF 'human\udc00' task-api/data/splits/train.jsonl || fail "the fixture edit did not apply"
make_repo task-api
cd task-api

say "every --format, stdout and file"
for f in text json github markdown sarif junit; do
    test_must_fail 1 dsci check --format "$f"
    mv out "out.$f"
    valid_utf8 "out.$f" err
    test_must_fail 1 dsci check --format "$f" --output "report.$f"
    valid_utf8 "report.$f"
done
expect_line out.markdown 'human'

say "the step summary and outputs in GitHub Actions"
: >../summary.md
: >../output.txt
set +e
GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$TRASH/summary.md" GITHUB_OUTPUT="$TRASH/output.txt" "$DSCI" check >out 2>err
set -e
valid_utf8 out err ../summary.md ../output.txt
expect_line ../summary.md 'human'

say "diff and card"
set +e
dsci diff HEAD >out 2>err
set -e
valid_utf8 out err
test_ok dsci card
valid_utf8 out err data/hf_dataset/README.md

say "a file name that is not UTF-8 (matched by a glob): every format, the card, init"
git checkout -q -- .
sed -i 's#train: data/splits/train.jsonl#train: data/splits/tr*.jsonl#' specs/task-api.yaml
printf '{"x":\n' >"$(printf 'data/splits/tr\377\355\260\200.jsonl')"
git add -A
git commit -q -m "a name that is not UTF-8"
for f in text json github markdown sarif junit; do
    set +e
    dsci check --format "$f" >"out.$f" 2>err
    set -e
    valid_utf8 "out.$f" err
done
set +e
GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$TRASH/summary.md" GITHUB_OUTPUT="$TRASH/output.txt" "$DSCI" check >out 2>err
set -e
valid_utf8 out err ../summary.md
test_ok dsci card --dry-run
valid_utf8 out err
test_ok dsci card
valid_utf8 data/hf_dataset/README.md
test_ok dsci init --output ../starter.yaml
valid_utf8 out err
expect_line out 'left out: task-api/data/splits/tr\xff\xed\xb0\x80.jsonl'
