#!/usr/bin/env bash
# Benchmark near-duplicates + leakage (and the full check) on ~1M short ShareGPT
# conversations, split 80/10/10 into train/val/test, against jq and a straightforward
# Python MinHash (bench/reference_minhash.py, on a subset: it is ~1000x slower).
#
# Usage: bench/bench_near.sh [SIZE_MB]      (default 640: about 1,000,000 examples)
#
# Environment: DSCI (default build/dsci), BENCH_RUNS (best of, default 3),
#              PY_LIMIT (examples for the Python reference, default 20000).
set -euo pipefail

die() { echo "bench_near: $*" >&2; exit 2; }
SIZE_MB=${1:-640}
RUNS=${BENCH_RUNS:-3}
PY_LIMIT=${PY_LIMIT:-20000}
[[ $SIZE_MB =~ ^[0-9]+$ ]] || die "SIZE_MB must be a whole number, got '$SIZE_MB'"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DSCI=${DSCI:-$ROOT/build/dsci}
[[ -x $DSCI ]] || die "no dsci binary at $DSCI (build first, or set DSCI)"
DIR=$ROOT/bench/data/near-$SIZE_MB
mkdir -p "$DIR/specs"

if [[ ! -s $DIR/test.jsonl ]]; then
    echo "generating $SIZE_MB MB ..."
    python3 "$ROOT/bench/gen_sharegpt.py" "$DIR/all.jsonl" "$SIZE_MB" --seed 3
    n=$(wc -l <"$DIR/all.jsonl")
    tr=$((n * 8 / 10)); va=$((n / 10))
    head -n "$tr" "$DIR/all.jsonl" >"$DIR/train.jsonl"
    tail -n +"$((tr + 1))" "$DIR/all.jsonl" | head -n "$va" >"$DIR/val.jsonl"
    tail -n +"$((tr + va + 1))" "$DIR/all.jsonl" >"$DIR/test.jsonl"
    rm "$DIR/all.jsonl"
fi
cat >"$DIR/specs/near.yaml" <<'YAML'
dsci: 1
dataset:
  name: near
  format: sharegpt
  files: {train: train.jsonl, validation: val.jsonl, test: test.jsonl}
gates:
  format: {level: block}
  coverage: {level: off}
  quality: {level: off}
  splits: {level: off}
  reproducibility: {level: off}
  duplicates: {exact: off, near: warn, threshold: 0.8}
  leakage: {level: warn, near_threshold: 0.9}
  pii: {level: off}
YAML
cat >"$DIR/specs/all.yaml" <<'YAML'
dsci: 1
dataset:
  name: near
  format: sharegpt
  files: {train: train.jsonl, validation: val.jsonl, test: test.jsonl}
gates:
  format: {level: block}
  coverage: {level: warn, by: keywords, categories: [{name: Create, min: 1, keywords: [create, new task]}, {name: Update, min: 1, keywords: [update, change]}, {name: Delete, min: 1, keywords: [delete, remove]}, {name: Query, min: 1, keywords: [show, list]}]}
  quality: {level: warn}
  splits: {level: warn, train: {ratio: 0.8}, validation: {ratio: 0.1}, test: {ratio: 0.1}}
  reproducibility: {level: off}
  duplicates: {exact: warn, near: warn, threshold: 0.8}
  leakage: {level: warn, near_threshold: 0.9}
  pii: {level: warn, detect: [email, phone, credit_card, ipv4, ipv6, api_key], allow: [example.com]}
YAML

bytes=$(cat "$DIR"/train.jsonl "$DIR"/val.jsonl "$DIR"/test.jsonl | wc -c)
examples=$(cat "$DIR"/train.jsonl "$DIR"/val.jsonl "$DIR"/test.jsonl | wc -l)
echo "data: $examples examples, $bytes bytes in $DIR"
printf '| run | jobs | s | MB/s | examples/s | peak RSS MB |\n|---|---|---|---|---|---|\n'

best_of() {   # prints "seconds rss_kb" of the fastest of RUNS runs of "$@"
    local best="" rss=0
    for _ in $(seq "$RUNS"); do
        local t0 t1 out
        out=$(mktemp)
        t0=$(date +%s%N)
        /usr/bin/time -f %M -o "$out" "$@" >/dev/null 2>&1 || true
        t1=$(date +%s%N)
        local dt=$(( (t1 - t0) / 1000000 ))
        if [[ -z $best || $dt -lt $best ]]; then best=$dt; rss=$(tail -1 "$out"); fi
        rm -f "$out"
    done
    echo "$best $rss"
}
row() {
    local name=$1 jobs=$2; shift 2
    read -r ms rss < <(best_of "$@")
    awk -v n="$name" -v j="$jobs" -v ms="$ms" -v b="$bytes" -v e="$examples" -v r="$rss" 'BEGIN {
        s = ms / 1000; printf "| %s | %s | %.2f | %.0f | %.0f | %.0f |\n", n, j, s, b / 1e6 / s, e / s, r / 1024 }'
}
for j in 1 2; do
    row "dsci near-duplicates + leakage" "$j" "$DSCI" -C "$DIR" --spec specs/near.yaml --jobs "$j" check --base none
done
for j in 1 2; do
    row "dsci every gate" "$j" "$DSCI" -C "$DIR" --spec specs/all.yaml --jobs "$j" check --base none
done
if command -v jq >/dev/null; then
    row "jq -c .conversations (parse only)" 1 sh -c "cat '$DIR'/train.jsonl '$DIR'/val.jsonl '$DIR'/test.jsonl | jq -c .conversations"
fi
echo
python3 "$ROOT/bench/reference_minhash.py" "$DIR" --limit "$PY_LIMIT"
