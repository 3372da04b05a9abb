#!/bin/sh
# A conversation must end on the assistant's reply (gates.format.ends_with_reply, default
# true): a ShareGPT conversation ending on a human turn, or an OpenAI chat whose last
# message is not the assistant's, fails "Turn order" and blocks. Alpaca is not affected.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir -p ds/specs ds/data
write_spec() {
    cat >ds/specs/ds.yaml <<YAML
dsci: 1
dataset:
  name: replies
  format: $1
  files:
    train: data/train.jsonl
gates:
  format: {level: block$2}
  quality: {level: off}
  duplicates: {level: off}
  reproducibility: {level: off}
  splits: {level: off}
YAML
}

say "ShareGPT: human, gpt, human"
write_spec sharegpt ""
{
    printf '{"conversations": [{"from": "human", "value": "hello"}, {"from": "gpt", "value": "hi there"}]}\n'
    printf '{"conversations": [{"from": "human", "value": "one"}, {"from": "gpt", "value": "two"}, {"from": "human", "value": "three?"}]}\n'
    printf '{"conversations": [{"from": "system", "value": "be brief"}, {"from": "human", "value": "x"}, {"from": "gpt", "value": "y"}]}\n'
} >ds/data/train.jsonl
test_must_fail 1 dsci -C ds check
expect_line out "[FAIL] Turn order: 2/3 (66.7%)"
expect_line out "data/train.jsonl:2: conversation ends on a 'human' turn (conversations[2]) with no 'gpt' reply"
expect_line out "RESULT: FAIL"
test_must_fail 1 dsci -C ds check --format json
expect_line out '"kind": "ends_without_reply"'

say "ShareGPT: the spec allows it"
write_spec sharegpt ", ends_with_reply: false"
test_ok dsci -C ds check
expect_line out "[PASS] Turn order: 3/3 (100%)"

say "a wrong value is a spec error"
write_spec sharegpt ", ends_with_reply: maybe"
test_must_fail 2 dsci -C ds check
expect_line err "ends_with_reply"

say "OpenAI: the last message must be the assistant's"
write_spec openai ""
{
    printf '{"messages": [{"role": "user", "content": "hello"}, {"role": "assistant", "content": "hi"}]}\n'
    printf '{"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}, {"role": "user", "content": "and?"}]}\n'
    printf '{"messages": [{"role": "user", "content": "q"}]}\n'
} >ds/data/train.jsonl
test_must_fail 1 dsci -C ds check
expect_line out "[FAIL] Turn order: 1/3 (33.3%)"
expect_line out "data/train.jsonl:2: the last message (messages[3]) is 'user', not 'assistant'"
expect_line out "data/train.jsonl:3: no assistant message"
write_spec openai ", ends_with_reply: no"
test_must_fail 1 dsci -C ds check
expect_line out "[FAIL] Turn order: 2/3 (66.7%)"

say "Alpaca is not affected"
write_spec alpaca ""
printf '{"instruction": "add 1 and 2", "input": "", "output": "3"}\n' >ds/data/train.jsonl
test_ok dsci -C ds check
expect_line out "[PASS] Turn order: 1/1 (100%)"
