#!/usr/bin/env bash
# Benchmark `dsci check` on a large generated ShareGPT JSONL against jq, the Python reference
# implementation and `wc -l` (the I/O floor).
#
# Usage: bench/bench_check.sh [SIZE_MB]        (default 200; 1 MB = 1,000,000 bytes)
#
# Environment:
#   DSCI=path        the dsci binary (default build/dsci, relative to the repository root)
#   BENCH_SEED=N     generator seed (default 1)
#   BENCH_RUNS=N     runs per tool, the best (fastest) is reported (default 3)
#   DSCI_ARGS="..."  extra arguments appended to the dsci command line
#
# It builds nothing. Data goes to bench/data/ (gitignored) and is reused when the size and seed
# match. Wall time is measured with date +%s%N, peak RSS with /usr/bin/time -f %M when available.
set -euo pipefail

die() { echo "bench_check: $*" >&2; exit 2; }

SIZE_MB=${1:-200}
SEED=${BENCH_SEED:-1}
RUNS=${BENCH_RUNS:-3}
[[ $SIZE_MB =~ ^[0-9]+([.][0-9]+)?$ ]] || die "SIZE_MB must be a positive number, got '$SIZE_MB'"
[[ $SEED =~ ^[0-9]+$ ]] || die "BENCH_SEED must be a non-negative integer, got '$SEED'"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, got '$RUNS'"

ORIG_PWD=$PWD
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Resolve DSCI before changing directory: a relative path given by the user that exists from
# where they stand wins; otherwise it is relative to the repository root; a bare name is
# looked up on PATH.
DSCI=${DSCI:-build/dsci}
if [[ $DSCI == */* ]]; then
    if [[ $DSCI != /* && -e $ORIG_PWD/$DSCI ]]; then
        DSCI=$ORIG_PWD/$DSCI
    elif [[ $DSCI != /* ]]; then
        DSCI=$ROOT/$DSCI
    fi
else
    DSCI=$(command -v "$DSCI" || echo "$DSCI")
fi

cd "$ROOT"
command -v python3 >/dev/null || die "python3 is required (generator and reference)"

DATA_DIR=bench/data
DATA=$DATA_DIR/bench.jsonl
STAMP=$DATA_DIR/bench.jsonl.stamp
SPEC=$DATA_DIR/specs/bench.yaml
REF_CONFIG=$DATA_DIR/bench.reference.json
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dsci-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

mkdir -p "$DATA_DIR/specs"

# ---------------------------------------------------------------------------------------------
# Data: generate, or reuse when the stamp (size, seed, byte count) matches.
# ---------------------------------------------------------------------------------------------
want_stamp="size_mb=$SIZE_MB seed=$SEED"
reuse=no
if [[ -f $DATA && -f $STAMP ]]; then
    read -r stamp_size stamp_seed stamp_bytes < "$STAMP" || true
    if [[ "$stamp_size $stamp_seed" == "$want_stamp" && $stamp_bytes == "bytes=$(stat -c %s "$DATA")" ]]; then
        reuse=yes
    fi
fi
if [[ $reuse == yes ]]; then
    echo "Reusing $DATA ($SIZE_MB MB, seed $SEED)"
else
    echo "Generating $DATA ($SIZE_MB MB, seed $SEED) ..."
    rm -f "$STAMP"
    gen_start=$(date +%s%N)
    python3 bench/gen_sharegpt.py "$DATA.tmp" "$SIZE_MB" --seed "$SEED" \
        || die "the generator failed (bench/gen_sharegpt.py)"
    mv "$DATA.tmp" "$DATA"
    gen_end=$(date +%s%N)
    echo "$want_stamp bytes=$(stat -c %s "$DATA")" > "$STAMP"
    awk -v ns=$((gen_end - gen_start)) 'BEGIN { printf "Generated in %.1f s\n", ns / 1e9 }'
fi
BYTES=$(stat -c %s "$DATA")
LINES=$(wc -l < "$DATA")

cat > "$SPEC" <<'EOF'
dsci: 1
dataset:
  name: bench
  format: sharegpt
  files: {train: bench.jsonl}
gates:
  format: {level: block}
  coverage: {level: warn, by: keywords, categories: [{name: Create, min: 1, keywords: [create, new task]}, {name: Update, min: 1, keywords: [update, change]}, {name: Delete, min: 1, keywords: [delete, remove]}, {name: Query, min: 1, keywords: [show, list]}]}
  quality: {level: warn}
  splits: {level: off}
  reproducibility: {level: off}
  duplicates: {level: off}
  leakage: {level: off}
  pii: {level: off}
EOF

cat > "$REF_CONFIG" <<EOF
{
  "format": "sharegpt",
  "files": {"train": ["$DATA"]},
  "coverage": {"by": "keywords", "categories": [
    {"name": "Create", "keywords": ["create", "new task"]},
    {"name": "Update", "keywords": ["update", "change"]},
    {"name": "Delete", "keywords": ["delete", "remove"]},
    {"name": "Query", "keywords": ["show", "list"]}
  ]}
}
EOF

# ---------------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------------
HAVE_GNU_TIME=no
if [[ -x /usr/bin/time ]] && /usr/bin/time -f "%e %M" -o "$WORK/probe" true 2>/dev/null; then
    HAVE_GNU_TIME=yes
else
    echo "note: /usr/bin/time (GNU time) not found; peak RSS will not be reported" >&2
fi

declare -a T_NAME=() T_SEC=() T_RSS=()

# time_tool NAME OK_CODES STDOUT_FILE CMD...   (OK_CODES: space separated exit codes accepted)
time_tool() {
    local name=$1 ok_codes=$2 out=$3
    shift 3
    local best="" peak=0 run rc start end ns rss
    for ((run = 1; run <= RUNS; run++)); do
        start=$(date +%s%N)
        if [[ $HAVE_GNU_TIME == yes ]]; then
            if /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" > "$out" 2> "$WORK/stderr"; then rc=0; else rc=$?; fi
        else
            if "$@" > "$out" 2> "$WORK/stderr"; then rc=0; else rc=$?; fi
        fi
        end=$(date +%s%N)
        if [[ " $ok_codes " != *" $rc "* ]]; then
            echo "bench_check: $name exited with status $rc: $*" >&2
            head -n 20 "$WORK/stderr" >&2
            return 1
        fi
        ns=$((end - start))
        if [[ -z $best || $ns -lt $best ]]; then best=$ns; fi
        if [[ $HAVE_GNU_TIME == yes ]]; then
            rss=$(awk 'END { print $2 }' "$WORK/time")
            [[ $rss =~ ^[0-9]+$ ]] && ((rss > peak)) && peak=$rss
        fi
        awk -v n="$name" -v r=$run -v ns=$ns 'BEGIN { printf "  %-14s run %d: %.3f s\n", n, r, ns / 1e9 }'
    done
    T_NAME+=("$name")
    T_SEC+=("$(awk -v ns="$best" 'BEGIN { printf "%.6f", ns / 1e9 }')")
    if [[ $HAVE_GNU_TIME == yes ]]; then T_RSS+=("$peak"); else T_RSS+=("-"); fi
}

echo "Timing, best of $RUNS runs, on $DATA ($BYTES bytes, $LINES lines):"

DSCI_OK=no
if [[ -x $DSCI ]]; then
    # Exit 1 means a blocking gate failed: still a complete run worth timing.
    # shellcheck disable=SC2086
    if time_tool dsci "0 1" /dev/null "$DSCI" check --spec "$SPEC" --format json --output /dev/null ${DSCI_ARGS:-}; then
        DSCI_OK=yes
    else
        echo "bench_check: dsci failed; its row is left out" >&2
    fi
else
    echo "dsci not built ($DSCI missing); skipping it"
fi

if command -v jq >/dev/null; then
    time_tool "jq" "0" /dev/null jq -c .conversations "$DATA" \
        || echo "bench_check: jq failed; its row is left out" >&2
else
    echo "jq not installed; skipping it"
fi

time_tool "reference.py" "0" "$WORK/reference.json" python3 bench/reference.py "$REF_CONFIG" \
    || echo "bench_check: reference.py failed; its row is left out" >&2

time_tool "wc -l (floor)" "0" /dev/null wc -l "$DATA" \
    || echo "bench_check: wc -l failed; its row is left out" >&2

# Examples: from the reference implementation when it ran, else the line count.
EXAMPLES=$LINES
if [[ -s $WORK/reference.json ]]; then
    EXAMPLES=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["examples"])' "$WORK/reference.json")
fi

# ---------------------------------------------------------------------------------------------
# Table
# ---------------------------------------------------------------------------------------------
DSCI_SEC=""
for i in "${!T_NAME[@]}"; do
    [[ ${T_NAME[$i]} == dsci ]] && DSCI_SEC=${T_SEC[$i]}
done

echo
awk -v bytes="$BYTES" -v ex="$EXAMPLES" 'BEGIN {
    printf "Data: %.1f MB, %d examples\n", bytes / 1e6, ex
    printf "%-14s %10s %10s %14s %12s %16s\n", "tool", "seconds", "MB/s", "examples/s", "peak RSS MB", "dsci speed-up"
}'
for i in "${!T_NAME[@]}"; do
    awk -v name="${T_NAME[$i]}" -v sec="${T_SEC[$i]}" -v rss="${T_RSS[$i]}" \
        -v bytes="$BYTES" -v ex="$EXAMPLES" -v dsci="$DSCI_SEC" 'BEGIN {
        if (sec <= 0) sec = 1e-6
        rss_s = (rss == "-") ? "-" : sprintf("%.1f", rss / 1024)
        ratio = (dsci == "") ? "-" : sprintf("%.2fx", sec / dsci)
        printf "%-14s %10.3f %10.1f %14.0f %12s %16s\n", name, sec, bytes / 1e6 / sec, ex / sec, rss_s, ratio
    }'
done
echo
echo "dsci speed-up = tool seconds / dsci seconds (above 1: dsci is faster; for wc -l, below 1 is expected)."
if [[ $DSCI_OK != yes ]]; then
    echo "(no dsci row: build it first, or set DSCI=path/to/dsci)"
    # A dsci that exists but failed is an error; a missing one is only a skipped row.
    [[ -x $DSCI ]] && exit 1
fi
exit 0
