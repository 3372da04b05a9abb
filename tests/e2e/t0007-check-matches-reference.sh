#!/bin/sh
# dsci's counts and averages equal bench/reference.py's (the contract's definitions in
# plain Python) on several datasets: the example, generated ShareGPT with non-ASCII
# text and escapes, OpenAI chat with tools, Alpaca as a JSON array, and mixed files.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

compare() { # compare DIR CONFIG: run both on DIR and compare the metrics
    dsci -C "$1" check --format json --output "$TRASH/dsci.json" >/dev/null 2>"$TRASH/dsci.err" || {
        rc=$?
        [ "$rc" -le 1 ] || { cat "$TRASH/dsci.err" >&2; fail "dsci failed with $rc on $1"; }
    }
    (cd "$1" && python3 "$DSCI_SOURCE_DIR/bench/reference.py" "$2") >"$TRASH/ref.json"
    python3 - "$TRASH/dsci.json" "$TRASH/ref.json" "$1" <<'PY'
import json, math, sys
got = json.load(open(sys.argv[1]))["metrics"]
want = json.load(open(sys.argv[2]))
bad = []
for key in ("records", "valid_json", "examples", "overlaps"):
    if got[key] != want[key]:
        bad.append(f"{key}: dsci {got[key]} != reference {want[key]}")
for key in ("human_length", "assistant_length", "unique_messages", "turn_variance"):
    if not math.isclose(got[key], want[key], rel_tol=1e-9, abs_tol=1e-9):
        bad.append(f"{key}: dsci {got[key]!r} != reference {want[key]!r}")
for key in ("splits", "coverage"):
    if got[key] != want[key]:
        bad.append(f"{key}: dsci {got[key]} != reference {want[key]}")
if bad:
    print(sys.argv[3] + ":\n  " + "\n  ".join(bad), file=sys.stderr)
    sys.exit(1)
print(f"# {sys.argv[3]}: {want['examples']} examples agree")
PY
}

# 1. The bundled example.
copy_example
cat >ref-task-api.json <<'JSON'
{"format": "sharegpt",
 "files": {"train": ["data/splits/train.jsonl"], "validation": ["data/splits/val.jsonl"], "test": ["data/splits/test.jsonl"]},
 "coverage": {"by": "keywords", "categories": [
   {"name": "Create", "keywords": ["create", "new task", "add task", "set up"]},
   {"name": "Update", "keywords": ["update", "change", "modify", "mark as"]},
   {"name": "Complete", "keywords": ["complete", "finish", "done", "completed"]},
   {"name": "Delete", "keywords": ["delete", "remove", "cancel"]},
   {"name": "Query", "keywords": ["show", "list", "what tasks", "overdue", "filter"]}]}}
JSON
compare task-api "$TRASH/ref-task-api.json"

# 2. Generated ShareGPT with non-ASCII text, escapes, surrogate pairs; two splits sharing
#    a few examples (overlaps), keywords with non-ASCII letters.
mkdir -p gen/specs gen/data
python3 "$DSCI_SOURCE_DIR/bench/gen_sharegpt.py" gen/data/all.jsonl 2 --seed 7 >/dev/null
head -n 3000 gen/data/all.jsonl >gen/data/train.jsonl
tail -n +2990 gen/data/all.jsonl >gen/data/test.jsonl
printf '{"conversations": [{"from": "human", "value": "İSTANBUL ÜBER ΟΔΟΣ Café"}, {"from": "gpt", "value": "ok"}]}\n' >>gen/data/test.jsonl
rm gen/data/all.jsonl
cat >gen/specs/gen.yaml <<'YAML'
dsci: 1
dataset:
  name: gen
  format: sharegpt
  files: {train: data/train.jsonl, test: data/test.jsonl}
gates:
  coverage:
    level: warn
    categories:
      - {name: Greek, keywords: ["οδος"]}
      - {name: Dotted, keywords: ["i̇stanbul"]}
      - {name: Create, keywords: [create, "new task"]}
      - {name: Update, keywords: [update, "über"]}
      - {name: Delete, keywords: [delete, remove]}
      - {name: Query, keywords: [show, list, "中文"]}
  reproducibility: {level: off}
YAML
cat >ref-gen.json <<'JSON'
{"format": "sharegpt", "files": {"train": ["data/train.jsonl"], "test": ["data/test.jsonl"]},
 "coverage": {"by": "keywords", "categories": [
   {"name": "Greek", "keywords": ["οδος"]},
   {"name": "Dotted", "keywords": ["i̇stanbul"]},
   {"name": "Create", "keywords": ["create", "new task"]},
   {"name": "Update", "keywords": ["update", "über"]},
   {"name": "Delete", "keywords": ["delete", "remove"]},
   {"name": "Query", "keywords": ["show", "list", "中文"]}]}}
JSON
compare gen "$TRASH/ref-gen.json"

# 3. OpenAI chat with tools and a system prompt, coverage by field, one broken line.
mkdir -p oai/specs oai/data
python3 - <<'PY'
import json, random
rng = random.Random(3)
ops = ["Create", "Update", "Delete", "Query"]
with open("oai/data/train.jsonl", "w", encoding="utf-8") as f:
    for i in range(400):
        op = rng.choice(ops)
        msgs = [{"role": "system", "content": "You manage tasks. Ünïcödé ✓"},
                {"role": "user", "content": f"please {op.lower()} task {i} " + "x" * rng.randint(0, 40)}]
        if rng.random() < 0.5:
            msgs.append({"role": "assistant", "content": None, "tool_calls": [{"id": f"c{i}", "type": "function",
                         "function": {"name": "task_api", "arguments": json.dumps({"op": op, "id": i})}}]})
            msgs.append({"role": "tool", "tool_call_id": f"c{i}", "content": "{\"ok\": true}"})
        msgs.append({"role": "assistant", "content": f"Done: {op} #{i} 🎉 " + "y" * rng.randint(0, 80)})
        rec = {"messages": msgs, "metadata": {"operation": op if i % 17 else "Other"},
               "tools": [{"type": "function", "function": {"name": "task_api", "parameters": {"type": "object", "required": ["op"]}}}]}
        f.write(json.dumps(rec, ensure_ascii=(i % 2 == 0)) + "\n")
    f.write('{"messages": [oops\n')
PY
cat >oai/specs/oai.yaml <<'YAML'
dsci: 1
dataset:
  name: oai
  format: openai
  files: {train: data/train.jsonl}
gates:
  coverage:
    by: field
    field: metadata.operation
    categories: [{name: Create}, {name: Update}, {name: Delete}, {name: Query}]
  reproducibility: {level: off}
YAML
cat >ref-oai.json <<'JSON'
{"format": "openai", "files": {"train": ["data/train.jsonl"]},
 "coverage": {"by": "field", "field": "metadata.operation",
   "categories": [{"name": "Create"}, {"name": "Update"}, {"name": "Delete"}, {"name": "Query"}]}}
JSON
compare oai "$TRASH/ref-oai.json"

# 4. Alpaca in a pretty-printed JSON array, plus a JSONL split in auto format.
mkdir -p alp/specs alp/data
python3 - <<'PY'
import json, random
rng = random.Random(5)
recs = []
for i in range(300):
    r = {"instruction": f"Übersetze Satz {i}: " + "wort " * rng.randint(1, 12), "output": "Translation " * rng.randint(1, 9)}
    if i % 3:
        r["input"] = "" if i % 5 == 0 else f"Kontext {i} ß"
    recs.append(r)
json.dump(recs[:250], open("alp/data/train.json", "w", encoding="utf-8"), indent=2, ensure_ascii=False)
with open("alp/data/test.jsonl", "w", encoding="utf-8") as f:
    for r in recs[250:] + recs[:5]:
        f.write(json.dumps(r) + "\n")
PY
cat >alp/specs/alp.yaml <<'YAML'
dsci: 1
dataset:
  name: alp
  format: auto
  files: {train: data/train.json, test: data/test.jsonl}
gates:
  coverage: {level: warn, categories: [{name: Translate, keywords: ["übersetze"]}]}
  reproducibility: {level: off}
YAML
cat >ref-alp.json <<'JSON'
{"format": "auto", "files": {"train": ["data/train.json"], "test": ["data/test.jsonl"]},
 "coverage": {"by": "keywords", "categories": [{"name": "Translate", "keywords": ["übersetze"]}]}}
JSON
compare alp "$TRASH/ref-alp.json"

# 5. Broken framing: a JSON array with a broken element, one cut off at the end, and a
#    .jsonl file whose lines are arrays (JSONL whatever its first line holds).
mkdir -p brk/specs brk/data
python3 - <<'PY'
import json
recs = [{"instruction": f"step {i}", "output": f"done {i} ✓"} for i in range(40)]
text = json.dumps(recs[:20], indent=1, ensure_ascii=False)
text = text.replace('"step 3"', '"step 3" "oops"')       # a broken element; the rest is read
open("brk/data/train.json", "w", encoding="utf-8").write(text[:-40])   # cut off in the last one
with open("brk/data/test.jsonl", "w", encoding="utf-8") as f:
    f.write(json.dumps(recs[20:23]) + "\n")                # an array line: a non-object record
    for r in recs[23:]:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
    f.write(json.dumps([recs[0]]) + "\n")
PY
cat >brk/specs/brk.yaml <<'YAML'
dsci: 1
dataset:
  name: brk
  format: alpaca
  files: {train: data/train.json, test: data/test.jsonl}
gates:
  coverage: {level: warn, categories: [{name: Step, keywords: ["step 1"]}]}
  reproducibility: {level: off}
YAML
cat >ref-brk.json <<'JSON'
{"format": "alpaca", "files": {"train": ["data/train.json"], "test": ["data/test.jsonl"]},
 "coverage": {"by": "keywords", "categories": [{"name": "Step", "keywords": ["step 1"]}]}}
JSON
compare brk "$TRASH/ref-brk.json"
