#!/bin/sh
# dsci init recognizes preference pairs (each of TRL's explicit and implicit forms and
# OpenAI's), prompt/completion and text files, writes a spec for each that `dsci check`
# passes, and for pairs names the preference gate's defaults. A JSON file whose `text`
# is no string is not taken for a dataset.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3
need_command zstd "scripts/deps.sh test installs it"

python3 - <<'PY'
import json, os, subprocess

def write(path, rows, zst=False):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = "".join(json.dumps(r) + "\n" for r in rows).encode()
    if zst:
        data = subprocess.run(["zstd", "-q", "-c"], input=data, stdout=subprocess.PIPE, check=True).stdout
    open(path, "wb").write(data)

def user(t): return {"role": "user", "content": t}
def bot(t): return {"role": "assistant", "content": t}

n = 30
write("explicit/data/train.jsonl", [{"prompt": f"What is the capital of country number {i}?",
      "chosen": f"The capital of country {i} is a fine city on a river.", "rejected": f"No idea {i}."} for i in range(n)])
write("implicit/data/train.jsonl.zst", [{"chosen": [user(f"Explain topic {i} to me, please."), bot(f"Topic {i} is explained well here.")],
      "rejected": [user(f"Explain topic {i} to me, please."), bot(f"Topic {i}? Meh.")]} for i in range(n)], zst=True)
write("openai/data/train.jsonl", [{"input": {"messages": [user(f"Write a greeting for person {i}.")]},
      "preferred_output": [bot(f"Hello, dear person number {i}, welcome!")], "non_preferred_output": [bot(f"Hi {i}.")]}
      for i in range(n)])
write("completion/data/train.jsonl", [{"prompt": f"Continue the story {i}:", "completion": f" Once upon a time there was a tale {i}."}
      for i in range(n)])
write("text/data/train.jsonl", [{"text": f"Document {i}: a paragraph of plain prose used for continued pretraining."}
      for i in range(n)])
os.makedirs("notdata", exist_ok=True)
json.dump({"text": 5, "name": "config"}, open("notdata/settings.json", "w"))
PY

for shape in explicit implicit openai completion text; do
    say "init on $shape"
    test_ok dsci -C $shape init
    case $shape in
        completion) format=completion ;;
        text) format=text ;;
        *) format=preference ;;
    esac
    expect_line out "detected: 1 file, $format, 30 examples"
    expect_line $shape/specs/$shape.yaml "  format: $format"
    if [ "$format" = preference ]; then
        expect_line $shape/specs/$shape.yaml "  # preference: {level: block, near_threshold: 0.95, length_bias: [0.35, 0.65]}"
    else
        expect_no_line $shape/specs/$shape.yaml "preference:"
    fi
    test_ok dsci -C $shape check
    expect_line out "RESULT: PASS"
    sed -i 's|^  # card: README.md|  card: README.md|' $shape/specs/$shape.yaml
    test_ok dsci -C $shape card
    case $shape in
        completion) expect_line $shape/README.md "Prompt/completion, as JSON Lines (one record per line): a \`prompt\` string"
                    expect_line $shape/README.md "| \`completion\` | string |" ;;
        text) expect_line $shape/README.md "Plain text, as JSON Lines (one record per line): one \`text\` string per record"
              expect_line $shape/README.md "| \`text\` | string |" ;;
        *) expect_line $shape/README.md "Preference pairs, as JSON Lines (one record per line): a prompt with a \`chosen\`" ;;
    esac
done
expect_line explicit/README.md "| \`rejected\` | string |"
expect_line openai/README.md "| \`preferred_output\` | list of {\`role\`: string, \`content\`: string} |"
expect_line text/specs/text.yaml "human_length: no user messages to measure; the default band applies"

say "a JSON file whose text is not a string is no dataset"
test_must_fail 2 dsci -C notdata init
expect_line err "settings.json"
