#!/bin/sh
# A JSONL file big enough to be parsed on worker threads (they start after 8 MiB) gives the same
# report as parsing it on one thread: every record, line number and message, with broken
# records, over-long lines, CRLF and blank lines mixed in.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

mkdir -p ds/specs ds/data
cat >ds/specs/p.yaml <<'YAML'
dsci: 1
dataset:
  name: big
  format: auto
  max_line_bytes: 4096
  files: {train: data/train.jsonl, test: data/test.jsonl}
gates:
  reproducibility: {level: off}
  duplicates: {exact: warn, near: warn}
  leakage: {level: warn}
  pii: {level: warn}
  splits: {level: off}
  coverage: {level: warn, categories: [{name: Create, min: 1, keywords: [create]}, {name: Delete, min: 1, keywords: [delete]}]}
YAML
python3 - <<'PY'
import json, random
rng = random.Random(11)
words = [f"w{i}" for i in range(3000)] + ["create", "delete", "task", "report"]
def text(n):
    return " ".join(rng.choice(words) for _ in range(n))
lines = []
for i in range(40000):
    k = i % 97
    if k == 3:
        lines.append('{"conversations": [ not json')
    elif k == 5:
        lines.append("")
    elif k == 7:
        lines.append(json.dumps({"conversations": [{"from": "human", "value": "x" * 5000}]}))
    elif k == 11:
        lines.append(json.dumps({"conversations": [{"from": "gpt", "value": text(5)}]}) + "\r")
    elif k == 13:
        lines.append(json.dumps({"conversations": [{"from": "human", "value": "mail a.b@corp-mail.net " + text(8)},
                                                   {"from": "gpt", "value": text(12)}]}))
    elif k == 17 and i > 200:
        lines.append(lines[i - 150])       # exact copies
    else:
        lines.append(json.dumps({"id": i, "conversations": [{"from": "human", "value": text(rng.randint(10, 40))},
                                                            {"from": "gpt", "value": text(rng.randint(20, 80))}]}))
open("ds/data/train.jsonl", "w").write("\n".join(lines) + "\n")
open("ds/data/test.jsonl", "w").write("\n".join(lines[1000:1100]) + "\n")
PY
size=$(wc -c <ds/data/train.jsonl)
[ "$size" -gt 12000000 ] || fail "train.jsonl is only $size bytes: not enough to go parallel"

test_must_fail 1 dsci -C ds --jobs 1 check --format json --max-examples 1000
grep -v '"date"' out >one.json
for j in 2 3; do
    test_must_fail 1 dsci -C ds --jobs "$j" check --format json --max-examples 1000
    grep -v '"date"' out >many.json
    test_cmp one.json many.json
done
python3 - <<'PY'
import json
r = json.load(open("one.json"))
checks = {c["id"]: c for g in r["gates"] for c in g["checks"]}
assert checks["format.valid_json"]["findings_total"] > 200, checks["format.valid_json"]
assert checks["duplicates.exact"]["value"] > 200, checks["duplicates.exact"]
assert checks["pii.email"]["value"] > 200, checks["pii.email"]
assert r["metrics"]["records"] > 39000, r["metrics"]
PY
