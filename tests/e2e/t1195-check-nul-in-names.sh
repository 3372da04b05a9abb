#!/bin/sh
# A NUL inside a role, a key or a tool name ("assistant\u0000x") is shown, never allowed
# to cut the name short in a message: 'assistant' alone would name a valid role.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir -p ds/specs ds/data
cat >ds/specs/ds.yaml <<'YAML'
dsci: 1
dataset:
  name: nul
  format: openai
  files: {train: data/train.jsonl}
gates:
  reproducibility: {level: off}
YAML
cat >ds/data/train.jsonl <<'JSONL'
{"messages": [{"role": "user", "content": "hello there friend"}, {"role": "assistant\u0000x", "content": "hi there, how can I help?"}]}
{"messages": [{"role": "user", "content": "hello there friend", "bad\u0000key": 1}, {"role": "assistant", "content": "hi there, how can I help?"}]}
{"messages": [{"role": "user", "content": "call it"}, {"role": "assistant", "tool_calls": [{"id": "1", "type": "function", "function": {"name": "f\u0000g", "arguments": "[1]"}}]}]}
JSONL
test_must_fail 1 dsci -C ds check
expect_line out "data/train.jsonl:1: messages[1]: unrecognized role 'assistant\\u0000x'"
expect_line out "data/train.jsonl:2: messages[0]: unrecognized key 'bad\\u0000key'"
expect_line out "arguments of tool call 'f\\u0000g' are not a JSON object"
expect_no_line out "unrecognized role 'assistant'"
test_must_fail 1 dsci -C ds check --format json
expect_line out "unrecognized role 'assistant\\\\u0000x'"

say "ShareGPT: the turn-order finding shows the whole role"
sed -i 's/format: openai/format: sharegpt/' ds/specs/ds.yaml
cat >ds/data/train.jsonl <<'JSONL'
{"conversations": [{"from": "human", "value": "hello there friend"}, {"from": "gpt\u0000x", "value": "hi there, how can I help?"}]}
JSONL
test_must_fail 1 dsci -C ds check
expect_line out "conversations[1] is from 'gpt\\u0000x', expected 'gpt'"
