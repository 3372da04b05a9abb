#!/bin/sh
# --update-baseline accepts every finding of a check, not only the first 1000 that a text
# report keeps: after it, the same data passes.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir -p ds/specs ds/data
cat >ds/specs/p.yaml <<'YAML'
dsci: 1
dataset:
  name: many
  format: sharegpt
  files: {train: data/train.jsonl}
gates:
  reproducibility: {level: off}
  quality: {level: off}
  coverage: {level: off}
  duplicates: {exact: block, near: off}
  leakage: {level: off}
  pii: {level: block, detect: [email]}
YAML
python3 - <<'PY'
import json
rows = []
for i in range(1100):
    rows.append({"conversations": [{"from": "human", "value": f"write to user{i}@corp-mail.net about item {i}"},
                                   {"from": "gpt", "value": f"Done for item {i}."}]})
open("ds/data/train.jsonl", "w").write("".join(json.dumps(r) + "\n" for r in rows))
PY
make_repo ds

test_must_fail 1 dsci -C ds check
expect_line out "[FAIL] Emails: 1100 found in 1100 examples"

say "--update-baseline accepts all 1100, and the next run passes"
test_ok dsci -C ds check --update-baseline
test_ok dsci -C ds check
expect_line out "1100 accepted"
expect_line out "RESULT: PASS"
