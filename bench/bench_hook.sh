#!/usr/bin/env bash
# The pre-commit path on a repository with 10k examples: how long `dsci check --staged`
# (what the hook runs when data is staged) and the hook's skip path take. Prints the best
# of N runs in milliseconds. Needs the built binary at ${DSCI:-build/dsci}.
set -euo pipefail
cd "$(dirname "$0")/.."
DSCI=$(realpath "${DSCI:-build/dsci}")
N=${BENCH_RUNS:-5}
EXAMPLES=${BENCH_EXAMPLES:-10000}
[ -x "$DSCI" ] || { echo "dsci not built at $DSCI" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.invalid GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@example.invalid

mkdir -p "$work/repo/specs" "$work/repo/data"
python3 - "$work/repo/data" "$EXAMPLES" <<'PY'
import json, random, sys
out, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(1)
ops = ["create", "update", "complete", "delete", "show"]
words = "task project report meeting deadline review budget client launch draft".split()
files = {"train": open(f"{out}/train.jsonl", "w"), "test": open(f"{out}/test.jsonl", "w")}
for i in range(n):
    op = rng.choice(ops)
    q = f"Please {op} the {rng.choice(words)} {rng.choice(words)} item number {i} for {rng.choice(words)}"
    a = f"Sure - I will {op} item {i}. " + " ".join(rng.choice(words) for _ in range(rng.randint(12, 30)))
    rec = {"id": f"ex-{i}", "conversations": [{"from": "human", "value": q}, {"from": "gpt", "value": a}]}
    files["test" if i % 10 == 0 else "train"].write(json.dumps(rec) + "\n")
PY
cat >"$work/repo/specs/bench.yaml" <<'YAML'
dsci: 1
dataset:
  name: hook-bench
  format: sharegpt
  files: {train: data/train.jsonl, test: data/test.jsonl}
versioning: {tag_prefix: dataset-v}
gates:
  coverage:
    level: block
    categories:
      - {name: Create, min: 1, keywords: [create]}
      - {name: Update, min: 1, keywords: [update]}
      - {name: Delete, min: 1, keywords: [delete]}
  splits: {level: block, train: {ratio: 0.9}, test: {ratio: 0.1}}
  reproducibility: {level: off}
YAML
cd "$work/repo"
git init -q && git add -A && git commit -qm v1 && git tag dataset-v1.0.0
# one edited line staged: the hook's usual job
sed -i '5s/Please/Kindly/' data/train.jsonl
git add data/train.jsonl
echo "# unrelated" > NOTES.md

best() { # best NAME CMD...: the fastest of N runs, in ms
    name=$1; shift
    b=""
    for _ in $(seq "$N"); do
        s=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        e=$(date +%s%N)
        t=$(( (e - s) / 1000000 ))
        if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
    done
    printf '%-44s %6s ms\n' "$name" "$b"
}

bytes=$(cat data/*.jsonl | wc -c)
echo "repository: $EXAMPLES examples, $bytes bytes of JSONL, baseline tag dataset-v1.0.0"
best "dsci check --staged (with baseline + diff)" "$DSCI" check --staged
best "dsci check --staged --base none" "$DSCI" check --staged --base none
best "dsci check --rev HEAD --base none" "$DSCI" check --rev HEAD --base none
best "dsci check --worktree --base none" "$DSCI" check --worktree --base none
if "$DSCI" help hook >/dev/null 2>&1; then
    best "dsci hook run (data staged)" "$DSCI" hook run
    git reset -q data/train.jsonl && git add NOTES.md
    best "dsci hook run (no data staged: skip)" "$DSCI" hook run
fi
