#!/bin/sh
# The tokenizer is part of a dataset version: --rev counts with the tokenizer as that
# revision has it, a tokenizer changed since the version tag is reported by the regression
# section and makes `dsci bump` propose a major version, and the version file records the
# tokenizer's path, kind and sha256.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

mkdir ds && cd ds
mkdir -p specs data tok
cat >specs/task.yaml <<'YAML'
dsci: 1
dataset:
  name: tok
  format: sharegpt
  files:
    train: data/train.jsonl
  version_file: data/version.json
gates:
  duplicates: {level: off}
  leakage: {level: off}
  reproducibility: {level: off}
  coverage: {level: off}
  splits: {level: off}
  pii: {level: off}
  quality: {level: off}
  tokens:
    tokenizer: tok/bytes.tiktoken
    encoding: cl100k_base
YAML
python3 - <<'PY'
import base64, json
with open("tok/bytes.tiktoken", "w") as f:
    for i in range(256):
        f.write("%s %d\n" % (base64.b64encode(bytes([i])).decode(), i))
with open("data/train.jsonl", "w") as f:
    for i in range(4):
        f.write(json.dumps({"conversations": [{"from": "human", "value": "hi hi %d" % i},
                                              {"from": "gpt", "value": "ok"}]}) + "\n")
PY
printf '{"version": "1.0.0"}\n' >data/version.json
make_repo .
old=$(sha256sum tok/bytes.tiktoken | cut -d' ' -f1)

say "bump records the tokenizer in the version file"
test_ok dsci bump
python3 - "$old" <<'PY'
import json, sys
t = json.load(open("data/version.json"))["tokenizer"]
assert t["path"] == "tok/bytes.tiktoken" and t["sha256"] == "sha256:" + sys.argv[1] and t["kind"], t
PY
git add -A && git commit -q -m "version 1.0.0" && git tag v1.0.0

say "the tokenizer changes: one more merge"
printf 'aGk= 256\n' >>tok/bytes.tiktoken
new=$(sha256sum tok/bytes.tiktoken | cut -d' ' -f1)
git commit -q -am "new tokenizer"

say "--rev counts with the revision's tokenizer"
test_ok dsci check --rev v1.0.0 --base none
expect_line out "[PASS] Tokenizer: tok/bytes.tiktoken"
expect_line out "sha256:$(printf %.12s "$old")"
say "the summary cache never serves counts made with another tokenizer (same data, new file)"
test_ok dsci check --base none --explain-cache
expect_line out "sha256:$(printf %.12s "$new")"
expect_line err "cache: head: 0 of 1 chunks reused"
test_ok dsci check --base none --explain-cache
expect_line err "cache: head: 1 of 1 chunks reused"

say "--staged counts with the index's tokenizer, not the work tree's"
printf 'IGhp 257\n' >>tok/bytes.tiktoken   # not staged
test_ok dsci check --staged --base none
expect_line out "sha256:$(printf %.12s "$new")"
test_ok dsci check --base none
expect_no_line out "sha256:$(printf %.12s "$new")"
git checkout -q -- tok

say "the regression section says so; the bump is major"
test_ok dsci check
expect_line out "[WARN] Tokenizer unchanged: sha256:$(printf %.12s "$new") (baseline sha256:$(printf %.12s "$old"))"
test_ok dsci bump
expect_line out "1.0.0 -> 2.0.0 (major: the tokenizer tok/bytes.tiktoken changed (sha256 $(printf %.12s "$old") -> $(printf %.12s "$new")))"
python3 - "$new" <<'PY'
import json, sys
t = json.load(open("data/version.json"))["tokenizer"]
assert t["sha256"] == "sha256:" + sys.argv[1], t
PY

say "versioning.rules.tokenizer_changed can make it a minor"
git checkout -q -- .
printf 'versioning:\n  rules: {tokenizer_changed: minor}\n' >>specs/task.yaml
test_ok dsci bump --dry-run
expect_line out "1.0.0 -> 1.1.0 (minor: the tokenizer tok/bytes.tiktoken changed"

say "dsci diff names the tokenizer change"
git checkout -q -- .
test_ok dsci diff v1.0.0
expect_line out "TOKENIZER: tok/bytes.tiktoken sha256:$(printf %.12s "$old") -> sha256:$(printf %.12s "$new") (changed: a new major version)"
test_ok dsci diff v1.0.0 --format json
python3 - <<'PY'
import json
t = json.load(open("out"))["tokenizer"]
assert t["changed"] is True and t["base"] != t["head"], t
PY
