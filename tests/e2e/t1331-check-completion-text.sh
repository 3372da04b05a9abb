#!/bin/sh
# Prompt/completion records (OpenAI's legacy form: the prompt may be empty, the completion
# not) and text-only records, found by `auto`, as JSONL, a JSON array, .jsonl.gz and
# .jsonl.zst, on disk, staged and at a revision: an empty completion and an empty text
# are reported at their lines. A text corpus has no user messages: quality measures its
# texts as the assistant's and skips the human length instead of failing it.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3
need_command gzip
need_command zstd "scripts/deps.sh test installs it"

mkdir -p repo/data
cd repo
python3 - <<'PY'
import gzip, json, subprocess

def jsonl(rows):
    return "".join(json.dumps(r) + "\n" for r in rows)

def zstd(text):
    return subprocess.run(["zstd", "-q", "-c"], input=text.encode(), stdout=subprocess.PIPE, check=True).stdout

# completions: line 6 an empty completion, line 9 no completion; line 2 an empty prompt is fine
comp = [{"prompt": f"Translate {i} to French:", "completion": f" Le numéro {i}."} for i in range(12)]
comp[1]["prompt"] = ""
comp[5]["completion"] = ""
del comp[8]["completion"]
open("data/comp.jsonl", "w").write(jsonl(comp))
# as a JSON array: record 3 (line 5) has a whitespace-only completion
arr = [{"prompt": f"Sum {i}+{i}=", "completion": f"{2 * i}"} for i in range(5)]
arr[3]["completion"] = " \n "
open("data/comp.json", "w").write("[\n" + ",\n".join("  " + json.dumps(r) for r in arr) + "\n]\n")
# texts, gzip: line 3 empty
texts = [{"text": f"Document {i}: a paragraph of plain prose for continued pretraining."} for i in range(10)]
texts[2]["text"] = ""
with open("data/corpus.jsonl.gz", "wb") as f:
    f.write(gzip.compress(jsonl(texts).encode(), mtime=0))
# texts, zstd: line 4 not a string
more = [{"text": f"Another document {i} with enough words in it to read."} for i in range(6)]
more[3]["text"] = 42
open("data/more.jsonl.zst", "wb").write(zstd(jsonl(more)))
PY
cat >spec.yaml <<'YAML'
dsci: 1
dataset:
  name: plain
  format: auto
  files:
    train: [data/comp.jsonl, data/comp.json]
    test: [data/corpus.jsonl.gz, data/more.jsonl.zst]
gates:
  duplicates: {level: off}
  leakage: {level: off}
  reproducibility: {level: off}
  coverage: {level: off}
  splits: {level: off}
  pii: {level: off}
  quality: {level: off}
YAML
git init -q
git add -A
git commit -q -m "completions and texts"

defects() {
    expect_line out "format: completion (auto-detected: data/comp.jsonl, data/comp.json); text (auto-detected: data/corpus.jsonl.gz, data/more.jsonl.zst)"
    expect_line out "data/comp.jsonl:6: 'completion' is empty or whitespace only"
    expect_line out "data/comp.jsonl:9: 'completion' is missing"
    expect_line out "data/comp.json:5:3 (record 3): 'completion' is empty or whitespace only"
    expect_line out "data/corpus.jsonl.gz:3: 'text' is empty or whitespace only"
    expect_line out "data/more.jsonl.zst:4: 'text' is not a string"
    expect_line out "[FAIL] Schema: 31/33"
    expect_line out "[PASS] Turn order: 33/33"
    expect_line out "[FAIL] Non-empty messages: 30/33"
    expect_no_line out "data/comp.jsonl:2:"
    expect_no_line out "Tool calls"
}
for where in --worktree --staged --rev=HEAD; do
    say "defects at their lines: $where"
    test_must_fail 1 dsci check --spec spec.yaml $(echo "$where" | tr = ' ')
    defects
done

say "a clean text corpus with quality on: the human length is skipped, the text measured"
python3 - <<'PY'
import json
rows = [{"text": f"Document {i}: " + "a sentence of plain prose. " * (3 + i % 5)} for i in range(40)]
open("data/corpus.jsonl", "w").write("".join(json.dumps(r) + "\n" for r in rows))
PY
cat >spec.yaml <<'YAML'
dsci: 1
dataset:
  name: plain
  format: text
  files:
    train: data/corpus.jsonl
gates:
  reproducibility: {level: off}
  coverage: {level: off}
  splits: {level: off}
  quality:
    level: block
    assistant_length: {target: [20, 4000], acceptable: [10, 8000]}
YAML
test_ok dsci check --spec spec.yaml
expect_line out "[SKIP] Avg human length: no human messages to measure"
expect_line out "[PASS] Avg assistant length:"
expect_line out "RESULT: PASS"
