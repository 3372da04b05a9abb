#!/bin/sh
# dsci init finds .jsonl.gz, .json.gz and .jsonl.zst files, names their splits from the
# name without the extensions and writes a spec that checks; in a clone whose work tree
# holds Git LFS pointers it reads the objects from the local LFS store, and leaves out a
# pointer whose object is not there, saying how to fetch it.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command zstd "scripts/deps.sh test installs it"

# openai_lines N START: N OpenAI chat records
openai_lines() {
    i=$2
    while [ "$i" -lt $(($2 + $1)) ]; do
        printf '{"messages": [{"role": "user", "content": "What is %d plus %d?"}, {"role": "assistant", "content": "%d plus %d is %d."}]}\n' \
            "$i" "$i" "$i" "$i" $((i + i))
        i=$((i + 1))
    done
}

say "compressed files: found, named, checked"
mkdir -p packed/data
openai_lines 40 0 | gzip -n >packed/data/train.jsonl.gz
openai_lines 6 100 | zstd -q >packed/data/valid.jsonl.zst
{ printf '[\n'; openai_lines 5 200 | sed '$!s/$/,/'; printf ']\n'; } | gzip -n >packed/data/test.json.gz
test_ok dsci -C packed init
expect_line out "detected: 3 files, openai, 51 examples"
expect_line packed/specs/packed.yaml "    train: data/train.jsonl.gz"
expect_line packed/specs/packed.yaml "    validation: data/valid.jsonl.zst"
expect_line packed/specs/packed.yaml "    test: data/test.json.gz"
test_ok dsci -C packed check
expect_line out "RESULT: PASS"

need_command git-lfs "scripts/deps.sh test installs it"
say "Git LFS: pointers in the work tree, objects in the local store"
git lfs install >/dev/null
mkdir -p lfs/data
openai_lines 40 0 >lfs/data/train.jsonl
openai_lines 8 100 >lfs/data/val.jsonl
git -C lfs init -q
(cd lfs && git lfs track 'data/*.jsonl' >/dev/null && git add -A && git commit -q -m data)
GIT_LFS_SKIP_SMUDGE=1 git clone -q lfs clone
head -n 1 clone/data/train.jsonl | grep -q '^version https://git-lfs' || fail "the clone should hold pointers"
test_must_fail 2 dsci -C clone init
expect_line err "data/train.jsonl (a git LFS pointer whose object is not in the local LFS store; run \`git lfs pull\`)"
(cd clone && git lfs fetch >/dev/null 2>&1)
test_ok dsci -C clone init
expect_line out "detected: 2 files, openai, 48 examples"
expect_line clone/specs/clone.yaml "    train: data/train.jsonl"
test_ok dsci -C clone check
expect_line out "RESULT: PASS"
