#!/usr/bin/env bash
# How the merge's memory grows with examples (issue 14: the merge of the parts for 10M
# examples within 2 GiB): for each size in BENCH_EXAMPLES, a three-split dataset of short
# chat examples (80/10/10, about 120 bytes each, random words: few duplicates), every gate
# on (bench/data/big-1000/specs/all.yaml's gates), BENCH_SHARDS shards, then dsci merge.
# Prints the merge's wall time, peak RSS and RSS per example, and the parts' size.
#
# With BENCH_BASELINE=1 the data is committed and tagged v1.0.0, one example is added, and
# every run compares with the tag (both sides' diff records are then held: 48 B per
# example each).
#
# Usage: bench/bench_merge_memory.sh        (DSCI, BENCH_EXAMPLES="1000000 10000000", BENCH_SHARDS=2)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dsci=$(realpath "${DSCI:-$root/build/dsci}")
sizes=${BENCH_EXAMPLES:-1000000 10000000}
n=${BENCH_SHARDS:-2}
base=none
[ "${BENCH_BASELINE:-0}" = 1 ] && base=v1.0.0
work=${BENCH_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/bench-merge-mem.XXXXXX")}
mkdir -p "$work"
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; dsci $("$dsci" --version | head -1); $n shards; --base $base"
printf '%12s %10s %10s %12s %12s %10s %10s\n' examples "data MB" "parts MB" "merge s" "merge RSS MB" "B/example" "check RSS"
for size in $sizes; do
    d=$work/d$size
    rm -rf "$d" && mkdir -p "$d/data" "$d/specs"
    python3 - "$d/data" "$size" <<'PY'
import random, sys
out, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(n)
words = [("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))) for _ in range(20000)]
ops = ["create", "update", "delete", "show", "list", "change", "remove"]
files = {s: open(f"{out}/{s}.jsonl", "w") for s in ("train", "val", "test")}
for i in range(n):
    r = i % 10
    f = files["train" if r < 8 else "val" if r == 8 else "test"]
    q = rng.choice(ops) + " " + " ".join(rng.choices(words, k=5))
    a = " ".join(rng.choices(words, k=9))
    f.write('{"conversations":[{"from":"human","value":"%s"},{"from":"gpt","value":"%s"}]}\n' % (q, a))
PY
    sed 's/^  name: big/  name: mem/' "$root/bench/data/big-1000/specs/all.yaml" 2>/dev/null >"$d/specs/all.yaml" ||
        { echo "bench_merge_memory: needs bench/data/big-1000/specs/all.yaml (bench_speed.sh makes it)" >&2; exit 2; }
    if [ "$base" != none ]; then
        (cd "$d" && git init -q && git add -A && git -c user.name=b -c user.email=b@b commit -qm data &&
            git tag v1.0.0 && tail -n 1 data/val.jsonl >>data/train.jsonl)
    fi
    (cd "$d" && for i in $(seq 1 "$n"); do
        "$dsci" check --spec specs/all.yaml --base "$base" --no-cache --shard "$i/$n" --summary-out "$i.dsum" -q
    done)
    (cd "$d" && /usr/bin/time -f "%e %M" -o merge.time "$dsci" merge ./*.dsum --format json --output merged.json) || [ $? -eq 1 ]
    (cd "$d" && /usr/bin/time -f "%e %M" -o check.time "$dsci" check --spec specs/all.yaml --base "$base" --no-cache \
        --format json --output whole.json) || [ $? -eq 1 ]
    cmp -s <(sed '/"date":/d' "$d/whole.json") <(sed '/"date":/d' "$d/merged.json") ||
        { echo "bench_merge_memory: merge and check differ at $size examples" >&2; exit 1; }
    data=$(cat "$d"/data/*.jsonl | wc -c)
    parts=$(cat "$d"/*.dsum | wc -c)
    read -r t rss <"$d/merge.time"
    read -r _ crss <"$d/check.time"
    awk -v n="$size" -v d="$data" -v p="$parts" -v t="$t" -v r="$rss" -v c="$crss" \
        'BEGIN { printf "%12s %10.0f %10.0f %12s %12.0f %10.0f %10.0f\n", n, d / 1e6, p / 1e6, t, r / 1024, r * 1024 / n, c / 1024 }'
    [ -n "${BENCH_KEEP:-}" ] || rm -rf "$d"
done
