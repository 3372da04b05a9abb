#!/bin/sh
# dsci init: usage errors and folders without data are exit 2 with one clear line and
# nothing written; data with broken records still gets a spec, on which check runs
# (and fails on the broken records: exit 1, never 2).
. "$DSCI_SOURCE_DIR/tests/lib.sh"

# nothing_written DIR: no specs/ folder appeared
nothing_written() {
    [ ! -e "$1/specs" ] || fail "init wrote into $1/specs: $(ls -A "$1/specs")"
}

say "help"
test_ok dsci help init
expect_line out "usage: dsci init [--name NAME] [--output PATH] [-q]"
test_ok dsci init --help
expect_line out "never overwrites"
test_ok dsci help
expect_line out "  init     write a starter spec for the dataset found here"

say "an empty folder"
mkdir empty
test_must_fail 2 dsci -C empty init
expect_line err "dsci: no data found in this folder or its subfolders: dsci init looks for .jsonl and .json files of ShareGPT, OpenAI chat, Alpaca, preference, completion or text records (also .gz or .zst compressed)"
[ ! -s out ] || fail "unexpected stdout: $(cat out)"
nothing_written empty

say "a folder with JSON that is not records"
mkdir -p web/node_modules/x web/.cache
printf '{\n  "name": "web",\n  "version": "1.0.0"\n}\n' >web/package.json
printf '[1, 2, 3]\n' >web/numbers.json
printf '{"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}]}\n' >web/node_modules/x/train.jsonl
cp web/node_modules/x/train.jsonl web/.cache/train.jsonl
test_must_fail 2 dsci -C web init
expect_line err "no data found in this folder or its subfolders"
expect_line err "left out: numbers.json (no JSON object among its first records), ..."
nothing_written web

say "bad options"
mkdir data
printf '{"instruction": "Say hi", "output": "Hi"}\n{"instruction": "Say bye", "output": "Bye"}\n' >data/train.jsonl
test_must_fail 2 dsci -C data init --force
expect_line err "dsci: dsci init has no --force: it never overwrites a spec; edit it, or remove it first"
test_must_fail 2 dsci -C data init --bogus
expect_line err "dsci: unknown option '--bogus' for init (see 'dsci help init')"
test_must_fail 2 dsci -C data init here
expect_line err "dsci: init takes no arguments, got 'here' (to look at another folder: dsci -C DIR init)"
test_must_fail 2 dsci -C data init --name "my data"
expect_line err "dsci: --name 'my data': use letters, digits, '.', '_' and '-' (not first), at most 100; it names the spec file"
test_must_fail 2 dsci -C data init --name ../x
test_must_fail 2 dsci -C data init --name
expect_line err "dsci: option '--name' needs a value"
test_must_fail 2 dsci -C data init --output spec.txt
expect_line err "dsci: --output 'spec.txt': a spec is a .yaml or .yml file"
test_must_fail 2 dsci -C data init --spec specs/x.yaml
expect_line err "dsci: init writes a spec rather than reading one: say where with --output PATH"
test_must_fail 2 dsci -C missing-folder init
nothing_written data

say "a path in the way of the specs folder is an I/O error, and nothing is left"
printf 'a file\n' >data/specs
test_must_fail 3 dsci -C data init
expect_line err "specs: cannot create the folder"
rm data/specs

say "symbolic links: a file inside is read, one leading outside is left out, folders are not followed"
mkdir -p links/data elsewhere
printf '{"instruction": "Say hi", "output": "Hi"}\n{"instruction": "Say bye", "output": "Bye"}\n' >links/data/train.jsonl
cp links/data/train.jsonl elsewhere/test.jsonl
ln -s train.jsonl links/data/dev.jsonl
ln -s ../../elsewhere/test.jsonl links/data/test.jsonl
ln -s ../elsewhere links/more
test_ok dsci -C links init
expect_line out "detected: 2 files, alpaca, 4 examples"
expect_line out "left out: data/test.jsonl ('data/test.jsonl' leaves the dataset root"
expect_line links/specs/links.yaml "    validation: data/dev.jsonl"
expect_no_line links/specs/links.yaml "more/"

say "broken records: a spec all the same; check fails on them (exit 1)"
mkdir broken
{
    printf '{"conversations": [{"from": "human", "value": "question one"}, {"from": "gpt", "value": "answer one"}]}\n'
    printf '{"conversations": [{"from": "human", "value": "question two"}, {"from": "gpt", "value": "answer two"}]}\n'
    printf '{"conversations": [{"from": "human", "value": "broken\n'
    printf '{"conversations": [{"from": "gpt", "value": "wrong order"}, {"from": "human", "value": "x"}]}\n'
} >broken/chats.jsonl
test_ok dsci -C broken init
expect_line out "detected: 1 file, sharegpt, 3 examples (and 1 record that does not parse), no label field for categories"
expect_line broken/specs/broken.yaml "    train: chats.jsonl"
test_must_fail 1 dsci -C broken check
expect_line out "RESULT: FAIL"
expect_line out "chats.jsonl:3"
