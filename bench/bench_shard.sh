#!/usr/bin/env bash
# The sharding benchmark of issue 14: a CI matrix of N one-core runners simulated on this
# machine, against one check of the same data.
#
# Usage: bench/bench_shard.sh [REPO [SPEC]]
#
# REPO: a git repository holding a dataset (default bench/data/big-1000, the 1 GB, three-
# split repository bench_speed.sh makes), SPEC: its spec (default specs/all.yaml: every
# gate). For each N in BENCH_SHARDS, every shard runs alone, pinned to one core (taskset,
# -j 1, --no-cache), as a matrix job on its own runner would; then dsci merge of the
# parts (-j 1). Printed per N: the slowest shard, the sum of the shards (the CPU a matrix
# pays), the merge, "matrix" = slowest shard + merge (the wall time a matrix of N runners
# gives, job start-up aside), the merge's peak RSS, the parts' total size and its size per
# GB of data. The reference is one `dsci check` with -j 1 and with -j 2 (this machine's
# two cores). Every merge's JSON report is compared with the check's (the date aside).
#
# Environment: DSCI (default build/dsci), BENCH_SHARDS (default "1 2 4 8"), BENCH_BASE
# (--base for every run; default none).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dsci=$(realpath "${DSCI:-$root/build/dsci}")
repo=$(realpath "${1:-$root/bench/data/big-1000}")
spec=${2:-specs/all.yaml}
shards=${BENCH_SHARDS:-1 2 4 8}
base=${BENCH_BASE:-none}
[ -x "$dsci" ] || { echo "bench_shard: no dsci at $dsci (build it, or set DSCI)" >&2; exit 2; }
[ -d "$repo/.git" ] || { echo "bench_shard: $repo is not a git repository (bench/bench_speed.sh makes big-1000)" >&2; exit 2; }
command -v taskset >/dev/null || { echo "bench_shard: taskset is missing (util-linux)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-shard.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$repo"

# timed NAME CMD...: wall seconds, user seconds and peak RSS (KB) of CMD into $work/NAME.time
timed() {
    name=$1
    shift
    /usr/bin/time -f "%e %U %M" -o "$work/$name.time" "$@" >/dev/null 2>"$work/$name.err" || {
        rc=$?
        [ "$rc" -eq 1 ] || { cat "$work/$name.err" >&2; echo "bench_shard: $name exited $rc" >&2; exit 2; }
    }
}
wall() { cut -d' ' -f1 "$work/$1.time"; }
user() { cut -d' ' -f2 "$work/$1.time"; }
rss_mb() { awk '{ printf "%.0f", $3 / 1024 }' "$work/$1.time"; }

bytes=0
while read -r f; do bytes=$((bytes + $(stat -c %s "$f"))); done < <(git ls-files data)
gb=$(awk -v b="$bytes" 'BEGIN { printf "%.3f", b / 1e9 }')
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; dsci $("$dsci" --version | head -1)"
echo "data: $repo, $gb GB in $(git ls-files data | wc -l) files; spec $spec; --base $base; cold (--no-cache)"

timed check1 "$dsci" check --spec "$spec" --base "$base" --no-cache -j 1 --format json --output "$work/check.json"
timed check2 "$dsci" check --spec "$spec" --base "$base" --no-cache -j 2 --format json --output "$work/check2.json"
sed '/"date":/d' "$work/check.json" >"$work/expect"
printf '%-28s %8s %8s %8s\n' "one check" "wall s" "user s" "RSS MB"
printf '%-28s %8s %8s %8s\n' "-j 1" "$(wall check1)" "$(user check1)" "$(rss_mb check1)"
printf '%-28s %8s %8s %8s\n' "-j 2 (both cores)" "$(wall check2)" "$(user check2)" "$(rss_mb check2)"
echo
printf '%4s %12s %12s %10s %12s %10s %10s %10s %10s\n' N "slowest s" "shards sum" "merge s" "matrix s" \
    "merge RSS" "parts MB" "MB per GB" "speedup"
for n in $shards; do
    rm -f "$work"/*.dsum
    slowest=0 sum=0
    for i in $(seq 1 "$n"); do
        timed "shard$i" taskset -c $(((i - 1) % $(nproc))) "$dsci" check --spec "$spec" --base "$base" --no-cache \
            -j 1 --shard "$i/$n" --summary-out "$work/$i.dsum"
        t=$(wall "shard$i")
        sum=$(awk -v a="$sum" -v b="$t" 'BEGIN { print a + b }')
        slowest=$(awk -v a="$slowest" -v b="$t" 'BEGIN { print (b > a ? b : a) }')
    done
    timed merge "$dsci" merge "$work"/*.dsum -j 1 --format json --output "$work/merged.json"
    sed '/"date":/d' "$work/merged.json" >"$work/got"
    cmp -s "$work/expect" "$work/got" || { echo "bench_shard: the merge of $n shards differs from the check" >&2; exit 1; }
    parts=$(cat "$work"/*.dsum | wc -c)
    matrix=$(awk -v a="$slowest" -v b="$(wall merge)" 'BEGIN { print a + b }')
    printf '%4s %12s %12s %10s %12s %10s %10.1f %10.1f %9.2fx\n' "$n" "$slowest" "$sum" "$(wall merge)" "$matrix" \
        "$(rss_mb merge)" "$(awk -v p="$parts" 'BEGIN { print p / 1e6 }')" \
        "$(awk -v p="$parts" -v g="$gb" 'BEGIN { print p / 1e6 / g }')" \
        "$(awk -v c="$(wall check2)" -v m="$matrix" 'BEGIN { print c / m }')"
done
echo "speedup: one check with -j 2 over the matrix (slowest shard + merge); every merge's report equals the check's"
