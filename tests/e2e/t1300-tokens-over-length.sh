#!/bin/sh
# gates.tokens with a tokenizer committed in the repository (a .tiktoken rank table of
# the 256 single bytes: one token per byte, so every count here is known by hand):
# an example over max_tokens is found at its line in every report format, the
# stats per split are in the JSON and the markdown, and the tokenizer's hash is pinned.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

mkdir ds && cd ds
format_only_spec specs/task.yaml tok
cat >>specs/task.yaml <<'YAML'
  tokens:
    tokenizer: tok/bytes.tiktoken
    encoding: cl100k_base
    max_tokens: 100
    min_tokens: 25
    price_per_million: 8
YAML
mkdir -p data tok
python3 - <<'PY'
import base64, json
with open("tok/bytes.tiktoken", "w") as f:
    for i in range(256):
        f.write("%s %d\n" % (base64.b64encode(bytes([i])).decode(), i))
with open("data/train.jsonl", "w") as f:
    for i in range(9):
        # tokens: 3 (reply priming) + 2 * 3 (per message) + "user" 4 + "assistant" 9
        #         + the texts' bytes = 22 + 3 * (i + 1) + 2: 27, 30, ..., 51
        f.write(json.dumps({"conversations": [{"from": "human", "value": "hi " * (i + 1)},
                                              {"from": "gpt", "value": "ok"}]}) + "\n")
    # line 10: 22 + 200 + 2 = 224 tokens, 124 over
    f.write(json.dumps({"conversations": [{"from": "human", "value": "x" * 200},
                                          {"from": "gpt", "value": "ok"}]}) + "\n")
PY
make_repo .

say "over max_tokens: blocks, at its line, in every format"
test_must_fail 1 dsci check --format text --format json --output r.json --format github --output r.gh \
    --format sarif --output r.sarif --format junit --output r.xml --format markdown --output r.md
expect_line out "TOKENS"
expect_line out "[FAIL] Within max_tokens: 9/10 (90%) (max: 100 tokens)"
expect_line out "data/train.jsonl:10: 224 tokens, 124 over max_tokens 100"
expect_line out "[PASS] At least min_tokens: 10/10 (100%) (min: 25 tokens)"
expect_line out "Tokens in train: 575 tokens in 10 examples; mean 57.5, p50 39, p95 224, max 224"
expect_line out "training cost per epoch ~\$0.00 at \$8 per million"
expect_line r.gh "::error file=data/train.jsonl,line=10"
expect_line r.gh "224 tokens, 124 over max_tokens 100"
expect_line r.md "### Tokens"
expect_line r.md "| train | 10 | 575 | 57.5 | 39 | 224 | 224 | 1 | 0 |"
expect_line r.md "data/train.jsonl:10"
expect_line r.xml "data/train.jsonl:10"
python3 - <<'PY'
import json
r = json.load(open("r.json"))
t = r["metrics"]["tokens"]
assert t["tokenizer"] == "tok/bytes.tiktoken", t
assert len(t["sha256"]) == 64, t
s = t["splits"]["train"]
assert (s["examples"], s["tokens"], s["p50"], s["p95"], s["max"], s["over_max_tokens"]) == (10, 575, 39, 224, 224, 1), s
assert abs(s["mean"] - 57.5) < 1e-9 and t["all"]["tokens"] == 575, t
gate = [g for g in r["gates"] if g["gate"] == "tokens"][0]
c = [c for c in gate["checks"] if c["id"] == "tokens.max_tokens"][0]
assert c["status"] == "fail" and c["blocking"], c
f = c["findings"]
assert len(f) == 1 and f[0]["path"] == "data/train.jsonl" and f[0]["line"] == 10 and f[0]["kind"] == "over_max_tokens", f
sarif = json.load(open("r.sarif"))
locs = [(res["ruleId"], l["physicalLocation"]["artifactLocation"]["uri"], l["physicalLocation"]["region"]["startLine"])
        for run in sarif["runs"] for res in run["results"] for l in res["locations"]]
assert any(rule == "DSCI-TOKENS-002" and uri.endswith("data/train.jsonl") and line == 10
           for rule, uri, line in locs), locs
PY

say "under min_tokens"
sed -i 's/min_tokens: 25/min_tokens: 30/' specs/task.yaml
test_must_fail 1 dsci check
expect_line out "[FAIL] At least min_tokens: 9/10 (90%) (min: 30 tokens)"
expect_line out "data/train.jsonl:1: 27 tokens, 3 under min_tokens 30"
git checkout -q specs/task.yaml

say "the pinned hash: a match passes, a mismatch blocks naming both hashes and the file"
sum=$(python3 -c 'import hashlib; print(hashlib.sha256(open("tok/bytes.tiktoken","rb").read()).hexdigest())')
sed -i 's/max_tokens: 100/max_tokens: 1000/' specs/task.yaml
printf '    sha256: %s\n' "$sum" >>specs/task.yaml
test_ok dsci check
expect_line out "[PASS] Tokenizer: tok/bytes.tiktoken"
expect_line out "(pinned: sha256:$(printf %.12s "$sum"))"
printf 'aGk= 256\n' >>tok/bytes.tiktoken   # one more rank ("hi"): another tokenizer
new=$(python3 -c 'import hashlib; print(hashlib.sha256(open("tok/bytes.tiktoken","rb").read()).hexdigest())')
test_must_fail 1 dsci check --format text --format json --output pin.json
expect_line out "[FAIL] Tokenizer"
expect_line out "specs/task.yaml:21: tok/bytes.tiktoken has sha256 $new, the spec pins $sum"
python3 - "$new" "$sum" <<'PY'
import json, sys
r = json.load(open("pin.json"))
gate = [g for g in r["gates"] if g["gate"] == "tokens"][0]
c = [c for c in gate["checks"] if c["id"] == "tokens.tokenizer"][0]
assert c["status"] == "fail" and c["blocking"], c
assert sys.argv[1] in c["findings"][0]["message"] and sys.argv[2] in c["findings"][0]["message"], c
PY

say "a level of warn still blocks a pin mismatch"
sed -i 's/    encoding: cl100k_base/    level: warn\n    encoding: cl100k_base/' specs/task.yaml
test_must_fail 1 dsci check
expect_line out "[FAIL] Tokenizer"

say "a missing tokenizer file is a failure that names it"
git checkout -q -- .
rm tok/bytes.tiktoken
test_must_fail 1 dsci check
expect_line out "[FAIL] Tokenizer: tok/bytes.tiktoken: not loaded"
expect_line out "specs/task.yaml:16: cannot read the tokenizer"

say "an LFS pointer or a damaged file is refused, never counted"
printf 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n' >tok/bytes.tiktoken
test_must_fail 1 dsci check
expect_line out "tok/bytes.tiktoken is a git LFS pointer, not the tokenizer"
head -c 2000 /dev/urandom >tok/bytes.tiktoken
test_must_fail 1 dsci check
expect_line out "[FAIL] Tokenizer: tok/bytes.tiktoken: not loaded"
expect_no_line out "Within max_tokens"
