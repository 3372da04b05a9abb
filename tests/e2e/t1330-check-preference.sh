#!/bin/sh
# Preference pairs in TRL's explicit form (strings and message lists), TRL's implicit
# prompt (strings and lists) and OpenAI's preference fine-tuning form, found by `auto`,
# as JSONL, a JSON array, .jsonl.gz and .jsonl.zst, on disk, staged and at a revision:
# the planted defects are reported at their lines, a pair whose chosen reply equals the
# rejected one reads fine (judging it is the preference gate's), and exact duplicates of
# a pair are exact only when the rejected side is the same too.
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

def user(t): return {"role": "user", "content": t}
def bot(t): return {"role": "assistant", "content": t}

# TRL explicit, strings: line 4 chosen == rejected, line 7 no rejected, line 11 empty chosen
rows = [{"prompt": f"Question {i} about the weather?", "chosen": f"A careful answer {i}.",
         "rejected": f"A sloppy answer {i}."} for i in range(1, 16)]
rows[3]["rejected"] = rows[3]["chosen"]
del rows[6]["rejected"]
rows[10]["chosen"] = ""
open("data/train.jsonl", "w").write(jsonl(rows))

# TRL explicit, conversational, as a JSON array (one record a line from line 2 on):
# record 2 (line 4) has a rejected reply that is a user message
conv = [{"prompt": [user(f"Hello {i}, how are you?")], "chosen": [bot(f"Fine, thanks {i}.")],
         "rejected": [bot(f"Whatever {i}.")]} for i in range(6)]
conv[2]["rejected"] = [user("Go away.")]
open("data/conv.json", "w").write("[\n" + ",\n".join("  " + json.dumps(r) for r in conv) + "\n]\n")

# TRL implicit prompt, message lists, gzip: line 3 shares no leading message
imp = [{"chosen": [user(f"Tell me fact {i}."), bot(f"Fact {i} is true.")],
        "rejected": [user(f"Tell me fact {i}."), bot(f"Fact {i} is false.")]} for i in range(8)]
imp[2]["rejected"][0] = user("Something else entirely.")
with open("data/implicit.jsonl.gz", "wb") as f:
    f.write(gzip.compress(jsonl(imp).encode(), mtime=0))

# TRL implicit prompt, strings, zstd: line 5 has an empty chosen side
strs = [{"chosen": f"Q{i}: the sky is blue.", "rejected": f"Q{i}: the sky is green."} for i in range(9)]
strs[4]["chosen"] = "   "
open("data/strings.jsonl.zst", "wb").write(
    subprocess.run(["zstd", "-q", "-c"], input=jsonl(strs).encode(), stdout=subprocess.PIPE, check=True).stdout)

# OpenAI preference: line 2 prefers two messages, line 6 has no non_preferred_output
oa = [{"input": {"messages": [user(f"Name a colour {i}.")], "tools": [], "parallel_tool_calls": True},
       "preferred_output": [bot(f"Blue {i}.")], "non_preferred_output": [bot(f"Dunno {i}.")]} for i in range(7)]
oa[1]["preferred_output"].append(bot("And red."))
del oa[5]["non_preferred_output"]
open("data/openai.jsonl", "w").write(jsonl(oa))
PY
cat >spec.yaml <<'YAML'
dsci: 1
dataset:
  name: pairs
  format: auto
  files:
    train: data/train.jsonl
    validation: [data/conv.json, data/implicit.jsonl.gz]
    test: [data/strings.jsonl.zst, data/openai.jsonl]
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
git commit -q -m "preference pairs"

defects() {
    expect_line out "format: preference (auto-detected: data/train.jsonl, data/conv.json, data/implicit.jsonl.gz and 2 more)"
    expect_line out "data/train.jsonl:7: 'rejected' is missing"
    expect_line out "data/train.jsonl:11: 'chosen' is empty or whitespace only"
    expect_line out "data/conv.json:4:3 (record 2): rejected[0] is a user message: a reply holds assistant messages only"
    expect_line out "data/implicit.jsonl.gz:3: 'chosen' and 'rejected' share no leading message"
    expect_line out "data/strings.jsonl.zst:5: 'chosen' is empty or whitespace only"
    expect_line out "data/openai.jsonl:2: 'preferred_output' has 2 messages: it takes exactly one assistant message"
    expect_line out "data/openai.jsonl:6: 'non_preferred_output' is missing"
    expect_line out "[FAIL] Schema: 43/45"
    expect_line out "[FAIL] Turn order: 42/45"
    expect_line out "[FAIL] Non-empty messages: 43/45"
    expect_line out "[PASS] Tool calls: 45/45"
    expect_no_line out "data/train.jsonl:4:"
}
for where in --worktree --staged --rev=HEAD; do
    say "defects at their lines: $where"
    test_must_fail 1 dsci check --spec spec.yaml $(echo "$where" | tr = ' ')
    defects
done

say "format: preference reads the same"
sed -i 's/format: auto/format: preference/' spec.yaml
test_must_fail 1 dsci check --spec spec.yaml --no-cache
expect_line out "data/train.jsonl:7: 'rejected' is missing"
expect_line out "data/openai.jsonl:2: 'preferred_output' has 2 messages"
expect_no_line out "auto-detected"

say "a clean pair set passes; exact duplicates need the same rejected reply"
python3 - <<'PY'
import json
rows = [{"prompt": f"Question {i}?", "chosen": f"Answer {i}.", "rejected": f"Wrong {i}."} for i in range(20)]
rows.append(dict(rows[3]))                                   # line 21: same pair as line 4
rows.append(dict(rows[5], rejected="Another wrong answer."))  # line 22: same prompt and chosen only
open("data/train.jsonl", "w").write("".join(json.dumps(r) + "\n" for r in rows))
PY
cat >spec.yaml <<'YAML'
dsci: 1
dataset:
  name: pairs
  format: preference
  files:
    train: data/train.jsonl
gates:
  duplicates: {exact: block, near: off}
  leakage: {level: off}
  reproducibility: {level: off}
  coverage: {level: off}
  splits: {level: off}
  pii: {level: off}
  quality: {level: off}
YAML
test_must_fail 1 dsci check --spec spec.yaml
expect_line out "data/train.jsonl:21"
expect_no_line out "data/train.jsonl:22"
expect_line out "[PASS] Schema: 22/22"

say "-j 1 and -j 2 read a big file alike"
python3 - <<'PY'
import json
rows = [{"prompt": f"Question number {i} about a long topic?" * 3, "chosen": f"Answer {i}. " * 20,
         "rejected": f"Wrong {i}. " * 20} for i in range(20000)]
rows[12345]["rejected"] = [{"role": "user", "content": "x"}]
open("data/train.jsonl", "w").write("".join(json.dumps(r) + "\n" for r in rows))
PY
test_must_fail 1 dsci check --spec spec.yaml -j 1 --format json --output j1.json
test_must_fail 1 dsci check --spec spec.yaml -j 2 --format json --output j2.json --no-cache
grep -v '"date"' j1.json >j1.cmp
grep -v '"date"' j2.json >j2.cmp
test_cmp j1.cmp j2.cmp
expect_line j1.json "both must be strings or both lists"
