#!/usr/bin/env bash
# Reading compressed datasets (issue 16): dsci check on the same ShareGPT data as .jsonl,
# .jsonl.gz and .jsonl.zst, against `zcat | wc -l` and `zstdcat | wc -l` (the
# decompression floor) in one run, the machine stated. Speeds are MB/s of DECOMPRESSED
# data (the plain file's size over the wall time), medians of BENCH_RUNS runs, wall and
# user CPU seconds (on a shared machine the user time is the steadier figure).
#
# Usage: bench/bench_compressed.sh
#
# Environment:
#   DSCI=path          the dsci binary (default build/dsci, relative to the repository root)
#   BENCH_RUNS=N       runs per measurement, the median is reported (default 3)
#   BENCH_MB=N         size of the generated file in MB (default 200)
#   BENCH_DATA=path    an existing ShareGPT JSONL to use instead of generating one
#   BENCH_GZIP_LEVEL, BENCH_ZSTD_LEVEL   compression levels (default 6 and 3: the tools')
#
# dsci runs the checks of bench_speed.sh part 1 (format + coverage + quality, --no-cache,
# -j 1 and -j 2). Data goes to bench/data/ (gitignored); the compressed copies are reused
# while the plain file is older than them. Not a ctest test: timings are not pass/fail.
set -euo pipefail

die() { echo "bench_compressed: $*" >&2; exit 2; }
RUNS=${BENCH_RUNS:-3}
SIZE_MB=${BENCH_MB:-200}
GZ_LEVEL=${BENCH_GZIP_LEVEL:-6}
ZST_LEVEL=${BENCH_ZSTD_LEVEL:-3}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, got '$RUNS'"
[[ $SIZE_MB =~ ^[1-9][0-9]*$ ]] || die "BENCH_MB must be a positive integer, got '$SIZE_MB'"
ORIG_PWD=$PWD
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DSCI=${DSCI:-build/dsci}
if [[ $DSCI != /* ]]; then
    if [[ -e $ORIG_PWD/$DSCI ]]; then DSCI=$ORIG_PWD/$DSCI; else DSCI=$ROOT/$DSCI; fi
fi
[[ -x $DSCI ]] || die "no dsci binary at $DSCI (build it first, or set DSCI=path)"
for c in gzip zcat zstd zstdcat python3; do
    command -v "$c" >/dev/null || die "$c is required (scripts/deps.sh bench installs it)"
done
/usr/bin/time -f %e true 2>/dev/null || die "GNU time is required at /usr/bin/time (Debian: apt-get install time)"

DATA_DIR=$ROOT/bench/data/compressed
mkdir -p "$DATA_DIR/specs"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

. "$ROOT/bench/lib_timing.sh"
# measure NAME CMD...: M_WALL, M_USER (medians of RUNS), M_RSS (KB, the highest); exit 0 or 1 is a run
measure() {
    local name=$1
    shift
    timed_runs "$name" 26 "$@"
    printf '%-32s %8.2f %8.2f %9.1f %9.1f\n' "$name" "$M_WALL" "$M_USER" \
        "$(awk -v b="$BYTES" -v w="$M_WALL" 'BEGIN { if (w <= 0) w = 0.001; print b / 1e6 / w }')" \
        "$(awk -v k="$M_RSS" 'BEGIN { print k / 1024 }')" >>"$WORK/table"
}

echo "== machine"
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)
echo "CPU:   ${cpu:-unknown}, $(nproc) CPUs online"
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$ROOT" diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
echo "dsci:  $("$DSCI" --version 2>&1 | head -n 1), $DSCI, source tree at commit $commit"
echo "tools: $(gzip --version | head -n 1), $(zstd --version)"
echo "runs:  median of $RUNS; user = user CPU seconds"
echo "load:  $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) (1, 5, 15 min) at the start"

PLAIN=$DATA_DIR/speed.jsonl
if [[ -n ${BENCH_DATA:-} ]]; then
    [[ $BENCH_DATA == /* ]] || BENCH_DATA=$ORIG_PWD/$BENCH_DATA
    [[ -f $BENCH_DATA ]] || die "BENCH_DATA=$BENCH_DATA is not a file"
    rm -f "$PLAIN"
    ln "$BENCH_DATA" "$PLAIN" 2>/dev/null || cp "$BENCH_DATA" "$PLAIN"
elif [[ ! -f $PLAIN || $(cat "$PLAIN.stamp" 2>/dev/null) != "size_mb=$SIZE_MB" ]]; then
    echo "generating $PLAIN ($SIZE_MB MB) ..."
    python3 "$ROOT/bench/gen_sharegpt.py" "$PLAIN.tmp" "$SIZE_MB" --seed 1 >/dev/null
    mv "$PLAIN.tmp" "$PLAIN"
    echo "size_mb=$SIZE_MB" >"$PLAIN.stamp"
fi
[[ -f $PLAIN.gz && $PLAIN.gz -nt $PLAIN ]] || gzip -n -"$GZ_LEVEL" -c "$PLAIN" >"$PLAIN.gz"
[[ -f $PLAIN.zst && $PLAIN.zst -nt $PLAIN ]] || zstd -q -f -"$ZST_LEVEL" -o "$PLAIN.zst" "$PLAIN"
BYTES=$(stat -c %s "$PLAIN")
LINES=$(wc -l <"$PLAIN")

GATES='  format: {level: block}
  coverage: {level: warn, by: keywords, categories: [{name: Create, min: 1, keywords: [create, new task]}, {name: Update, min: 1, keywords: [update, change]}, {name: Delete, min: 1, keywords: [delete, remove]}, {name: Query, min: 1, keywords: [show, list]}]}
  quality: {level: warn}
  splits: {level: off}
  reproducibility: {level: off}
  duplicates: {level: off}
  leakage: {level: off}
  pii: {level: off}'
for ext in jsonl jsonl.gz jsonl.zst; do
    printf 'dsci: 1\ndataset:\n  name: compressed\n  format: sharegpt\n  files: {train: speed.%s}\ngates:\n%s\n' "$ext" "$GATES" \
        >"$DATA_DIR/specs/$ext.yaml"
done

echo
echo "== $(awk -v b="$BYTES" 'BEGIN { printf "%.0f MB", b / 1e6 }') decompressed, $LINES lines; stored:" \
    "$(stat -c %s "$PLAIN.gz") bytes .gz (level $GZ_LEVEL), $(stat -c %s "$PLAIN.zst") bytes .zst (level $ZST_LEVEL)"
: >"$WORK/table"
cd "$DATA_DIR"
measure "zcat | wc -l" "zcat speed.jsonl.gz | wc -l"
measure "zstdcat | wc -l" "zstdcat speed.jsonl.zst | wc -l"
for j in 1 2; do
    for ext in jsonl jsonl.gz jsonl.zst; do
        measure "dsci check .$ext -j $j" "'$DSCI' check --spec specs/$ext.yaml --no-cache --base none -j $j --format json --output /dev/null"
    done
done
echo
printf '%-32s %8s %8s %9s %9s\n' "" "wall s" "user s" "MB/s" "RSS MB"
cat "$WORK/table"
