#!/bin/sh
# The fast JSON path (src/read/json_fast.c) changes nothing a report says: the same
# records through it and through yajl alone (DSCI_JSON=yajl) give byte-identical
# reports, for clean records and for every kind the fast path hands to yajl (lone
# surrogate escapes, UTF-8 yajl takes but JSON does not, \v and \f as whitespace,
# nesting past the reader's limit, trailing garbage, scalar roots, broken records), in
# JSON Lines and in a JSON array file.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir -p ds/specs ds/data
cat >ds/specs/ds.yaml <<'YAML'
dsci: 1
dataset:
  name: fastpath
  format: auto
  id_field: id
  files:
    train: data/train.jsonl
    val: data/val.json
gates:
  format: {level: block}
  quality: {level: warn}
  coverage: {level: warn, by: field, field: meta.task, categories: [{name: qa, min: 1}, {name: "t\u00e9", min: 1}]}
  duplicates: {level: off}
  reproducibility: {level: off}
  splits: {level: off}
YAML
python3 - >ds/data/train.jsonl <<'PY'
import sys
turn = lambda who, text: '{"from": "%s", "value": "%s"}' % (who, text)
conv = lambda a, b, extra="": '{"id": "r%%d", "conversations": [%s, %s]%s}' % (turn("human", a), turn("gpt", b), extra)
rows = [
    conv("plain question", "plain answer", ', "meta": {"task": "qa"}'),
    conv("tab\\tnew\\nline \\\"quoted\\\" back\\\\slash \\/ \\b\\f\\r", "\\u00e9\\u4e2d\\ud83d\\ude00 caf\u00e9 \u4e2d\u6587 \U0001f680", ', "meta": {"task": "esc"}'),
    conv("nul \\u0000 inside", "ok"),
    conv("lone \\ud800 high", "ok"),
    conv("lone \\udc00 low", "ok"),
    conv("bad pair \\ud800\\u0041x", "ok"),
    conv("x" * 70000, "long"),
    '{"id": 17, "conversations": [{"from": "human", "value": "numeric id"}, {"from": "gpt", "value": "ok", "weight": 1.5e3}]}',
    '{"id": "r\\u0041", "conversations": [{"from": "human", "value": "escaped id"}, {"from": "gpt", "value": "ok"}], "meta": {"task": "t\\u00e9"}}',
    '\v{"conversations": [{"from": "human", "value": "vtab"}, {"from": "gpt", "value": "ok"}]}',
    '{"conversations": [{"from": "human", "value": "ff"}, {"from": "gpt", "value": "ok"}]}\f',
    '{"conversations": [{"from": "human", "value": "garbage"}, {"from": "gpt", "value": "ok"}]} x',
    '{"conversations": [{"from": "human", "value": "two"}, {"from": "gpt", "value": "ok"}]}{}',
    '"a string root"', '17', 'null', '[]', '[{"from": "human"}]',
    '{"conversations": ' + '[' * 600 + ']' * 600 + '}',
    '{"conversations": ' + '[{"a":' * 300 + '1' + '}]' * 300 + '}',
    '{"conversations": [{"from": "human", "value": "trailing comma"},]}',
    '{"conversations": [{"from": "human", "value": 01}]}',
    '{"conversations": [{"from": "human", "value": "cut',
    '{"conversations": [{"from": "human", "value": "ctl \x01 char"}, {"from": "gpt", "value": "ok"}]}',
    '{"conversations": [{"from": "human", "value": "bad \\x escape"}, {"from": "gpt", "value": "ok"}]}',
    '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\\"a\\": 1}"}}]}, {"role": "tool", "tool_call_id": "c1", "content": "done"}, {"role": "assistant", "content": "ok"}], "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "required": ["a", "b\\u0041"]}}}]}',
    '{"instruction": "do \\"it\\"", "input": "", "output": "done \\u2713"}',
]
out = sys.stdout.buffer
for i, r in enumerate(rows):
    out.write((r.replace("r%d", "r%d" % i) if "r%d" in r else r).encode("utf-8", "surrogatepass") + b"\n")
# bytes yajl takes inside a string and strict UTF-8 does not: overlong, surrogate, above U+10FFFF
for bad in (b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xf7\xbf\xbf\xbf", b"\xc3", b"\x80"):
    out.write(b'{"conversations": [{"from": "human", "value": "x' + bad + b'y"}, {"from": "gpt", "value": "ok"}]}\n')
PY

# a JSON array file: its elements are records too, with their own places
printf '[\n  {"conversations": [{"from": "human", "value": "array \\u00e9 \\"one\\""}, {"from": "gpt", "value": "ok"}]},\n  {"conversations": [{"from": "human", "value": "lone \\udfff"}, {"from": "gpt", "value": "ok"}]} ,\v\n  {"conversations": [{"from": "human", "value": "two"}, {"from": "gpt", "value": 1e5}]}\n]\n' >ds/data/val.json

# OpenAI records with tool calls: each call's arguments go through the same fast path
mkdir -p oa/specs oa/data
sed -e 's/format: auto/format: openai/' -e '/val: /d' -e 's/coverage: {.*}/coverage: {level: off}/' \
    ds/specs/ds.yaml >oa/specs/ds.yaml
python3 - >oa/data/train.jsonl <<'PY'
import json
tool = {"type": "function", "function": {"name": "f", "parameters": {"type": "object", "required": ["a", "b"]}}}
args = ['{"a": 1, "b": "x"}', '{"a": 1}', '{"a": "\\u00e9", "b\\u0041": [1, {"c": null}]}', '{"a": "\\ud800", "b": 2}',
        '[1, 2]', '"a string"', '17', '{"a": 1', '{"a": 1} x', '\v{"a": 1, "b": 2}', '{' * 600 + '}' * 600, '']
for i, a in enumerate(args):
    call = {"id": "c%d" % i, "type": "function", "function": {"name": "f", "arguments": a}}
    print(json.dumps({"messages": [{"role": "user", "content": "call %d" % i},
                                   {"role": "assistant", "content": None, "tool_calls": [call]},
                                   {"role": "tool", "tool_call_id": "c%d" % i, "content": "done"},
                                   {"role": "assistant", "content": "ok %d" % i}], "tools": [tool]}))
PY

for dir in ds oa; do
    for fmt in text json; do
        set +e
        DSCI_JSON=yajl "$DSCI" -C $dir check --max-examples 100 --format "$fmt" >slow.$fmt 2>slow.$fmt.err
        slow_rc=$?
        "$DSCI" -C $dir check --max-examples 100 --format "$fmt" >fast.$fmt 2>fast.$fmt.err
        fast_rc=$?
        set -e
        [ "$slow_rc" -eq "$fast_rc" ] || fail "$dir: exit codes differ: yajl $slow_rc, fast $fast_rc"
        [ "$fmt" = text ] || sed -i '/"date":/d' slow.$fmt fast.$fmt
        test_cmp slow.$fmt fast.$fmt
        test_cmp slow.$fmt.err fast.$fmt.err
    done
    cp fast.text $dir.text
done
# the file really has what the test is about: broken records and parsed ones
expect_line ds.text "invalid JSON"
expect_line ds.text "nesting deeper than"
expect_line ds.text "RESULT: FAIL"
expect_line oa.text "arguments"
