#!/usr/bin/env bash
# The speed benchmark of issue 13: medians and ratios in one run, the machine stated.
#
# Usage: bench/bench_speed.sh
#
# Prints the CPU model, gcc's version and dsci's version and commit, then medians of
# BENCH_RUNS runs (wall seconds and user CPU seconds: on a shared machine the user time is
# the steadier figure) of:
#   1. on the BENCH_MB file (bench/gen_sharegpt.py, the layout and spec of bench_check.sh):
#      dsci check with format + coverage + quality, -j 1 and -j 2 (--no-cache --base none),
#      in MB/s and examples/s; a simdjson On-Demand parse-only pass (bench/simdjson_parse.cpp,
#      built here with g++ -O3 when simdjson.h is installed) and dsci's share of its speed;
#      jq -c .conversations, bench/reference.py (the straightforward Python) and wc -l, with
#      the ratios dsci/jq and dsci/python;
#   2. on a BENCH_BIG file split 80/10/10 in a git repository made here (committed, gc'd):
#      every gate alone, then all of them, with -j 2: MB/s and peak RSS;
#   3. on that repository: --rev HEAD against the work tree (format + coverage + quality, -j 2).
#
# Environment:
#   DSCI=path          the dsci binary (default build/dsci, relative to the repository root)
#   BENCH_RUNS=N       runs per measurement, the median is reported (default 5)
#   BENCH_SLOW_RUNS=N  runs of jq and reference.py, which take minutes (default 1)
#   BENCH_MB=N         size of the first file in MB of 10^6 bytes (default 200)
#   BENCH_BIG=N        size of the big file in MB (default 1000; 0 skips parts 2 and 3)
#   BENCH_SEED=N       generator seed (default 1; the big file uses N + 1)
#   BENCH_DATA=path    an existing ShareGPT JSONL to use for part 1 instead of generating one
#
# Data goes to bench/data/ (gitignored) and is reused while its size and seed match. It
# builds dsci nothing and is not a ctest test: timings are not pass/fail.
set -euo pipefail

die() { echo "bench_speed: $*" >&2; exit 2; }
trap 'echo "bench_speed: a command failed at line $LINENO" >&2' ERR
note() { echo "bench_speed: $*" >&2; }

RUNS=${BENCH_RUNS:-5}
SLOW_RUNS=${BENCH_SLOW_RUNS:-1}
SIZE_MB=${BENCH_MB:-200}
BIG_MB=${BENCH_BIG:-1000}
SEED=${BENCH_SEED:-1}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, got '$RUNS'"
[[ $SLOW_RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_SLOW_RUNS must be a positive integer, got '$SLOW_RUNS'"
[[ $SIZE_MB =~ ^[1-9][0-9]*$ ]] || die "BENCH_MB must be a positive integer, got '$SIZE_MB'"
[[ $BIG_MB =~ ^[0-9]+$ ]] || die "BENCH_BIG must be a non-negative integer, got '$BIG_MB'"
[[ $SEED =~ ^[0-9]+$ ]] || die "BENCH_SEED must be a non-negative integer, got '$SEED'"

ORIG_PWD=$PWD
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# DSCI as bench_check.sh takes it: relative to where the user stands if it exists there,
# else to the repository root; a bare name is looked up on PATH.
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
[[ -x $DSCI ]] || die "no dsci binary at $DSCI (build it first, or set DSCI=path)"
if [[ -n ${BENCH_DATA:-} ]]; then
    [[ $BENCH_DATA == /* ]] || BENCH_DATA=$ORIG_PWD/$BENCH_DATA
    [[ -f $BENCH_DATA ]] || die "BENCH_DATA=$BENCH_DATA is not a file"
fi
command -v python3 >/dev/null || die "python3 is required (the generator and the reference)"
if ! /usr/bin/time -f %e true 2>/dev/null; then
    die "GNU time is required at /usr/bin/time for user time and peak RSS (Debian: apt-get install time)"
fi
command -v git >/dev/null || die "git is required (part 3 reads a repository)"

cd "$ROOT"
DATA_DIR=$ROOT/bench/data
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dsci-speed.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$DATA_DIR"

# ---------------------------------------------------------------------------------------------
# Measuring: median of runs, wall and user seconds, peak RSS
# ---------------------------------------------------------------------------------------------
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; m = int((NR + 1) / 2); printf "%.3f", NR % 2 ? v[m] : (v[m] + v[m + 1]) / 2 }'; }

# measure NAME RUNS OK_CODES CMD...: sets M_WALL, M_USER (medians), M_RSS (KB, the highest)
# and prints one line per run. OK_CODES: the exit codes that mean a complete run.
measure() {
    local name=$1 runs=$2 ok=$3 run rc wall user rss
    shift 3
    : >"$WORK/walls"
    : >"$WORK/users"
    M_RSS=0
    for ((run = 1; run <= runs; run++)); do
        if /usr/bin/time -f "%e %U %M" -o "$WORK/time" "$@" >"$WORK/stdout" 2>"$WORK/stderr"; then rc=0; else rc=$?; fi
        if [[ " $ok " != *" $rc "* ]]; then
            note "$name exited with status $rc: $*"
            head -n 20 "$WORK/stderr" >&2
            return 1
        fi
        read -r wall user rss < <(tail -n 1 "$WORK/time")
        echo "$wall" >>"$WORK/walls"
        echo "$user" >>"$WORK/users"
        if ((rss > M_RSS)); then M_RSS=$rss; fi
        printf '  %-28s run %d: %6.2f s wall %6.2f s user %7.1f MB RSS\n' "$name" "$run" "$wall" "$user" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
    done
    M_WALL=$(median <"$WORK/walls")
    M_USER=$(median <"$WORK/users")
}

# row NAME BYTES EXAMPLES: a table row from the last measure
row() {
    awk -v n="$1" -v b="$2" -v ex="$3" -v w="$M_WALL" -v u="$M_USER" -v r="$M_RSS" 'BEGIN {
        if (w <= 0) w = 0.001
        printf "%-30s %8.2f %8.2f %9.1f %12.0f %9.1f\n", n, w, u, b / 1e6 / w, ex / w, r / 1024 }'
}
header() { printf '%-30s %8s %8s %9s %12s %9s\n' "" "wall s" "user s" "MB/s" "examples/s" "RSS MB"; }

# ---------------------------------------------------------------------------------------------
# The machine
# ---------------------------------------------------------------------------------------------
echo "== machine"
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)
echo "CPU:   ${cpu:-unknown (no lscpu)}, $(nproc) CPUs online"
echo "gcc:   $(gcc --version 2>/dev/null | head -n 1 || echo 'not found')"
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$ROOT" diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
echo "dsci:  $("$DSCI" --version 2>&1 | head -n 1), $DSCI, source tree at commit $commit"
echo "runs:  median of $RUNS (jq and reference.py: $SLOW_RUNS); user = user CPU seconds"
# others' work on the machine slows the wall times (not much the user times): say how busy
echo "load:  $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) (1, 5, 15 min) at the start"

# ---------------------------------------------------------------------------------------------
# 1. The BENCH_MB file
# ---------------------------------------------------------------------------------------------
# generate PATH MB SEED: bench/gen_sharegpt.py's file, reused while its stamp matches
generate() {
    local path=$1 mb=$2 seed=$3 stamp=$1.stamp want
    want="size_mb=$mb seed=$seed"
    if [[ -f $path && -f $stamp ]] && [[ "$(cat "$stamp")" == "$want bytes=$(stat -c %s "$path")" ]]; then
        return 0
    fi
    echo "generating $path ($mb MB, seed $seed) ..."
    rm -f "$stamp"
    python3 "$ROOT/bench/gen_sharegpt.py" "$path.tmp" "$mb" --seed "$seed" >/dev/null ||
        die "the generator failed (bench/gen_sharegpt.py)"
    mv "$path.tmp" "$path"
    echo "$want bytes=$(stat -c %s "$path")" >"$stamp"
}

# the gates of bench_check.sh: format, keyword coverage, quality
GATES_FCQ='  format: {level: block}
  coverage: {level: warn, by: keywords, categories: [{name: Create, min: 1, keywords: [create, new task]}, {name: Update, min: 1, keywords: [update, change]}, {name: Delete, min: 1, keywords: [delete, remove]}, {name: Query, min: 1, keywords: [show, list]}]}
  quality: {level: warn}
  splits: {level: off}
  reproducibility: {level: off}
  duplicates: {level: off}
  leakage: {level: off}
  pii: {level: off}'

mkdir -p "$DATA_DIR/specs"
if [[ -n ${BENCH_DATA:-} ]]; then
    # a link out of the repository would be refused: a hard link, else a copy
    rm -f "$DATA_DIR/speed.jsonl"
    ln "$BENCH_DATA" "$DATA_DIR/speed.jsonl" 2>/dev/null || cp "$BENCH_DATA" "$DATA_DIR/speed.jsonl"
else
    generate "$DATA_DIR/bench.jsonl" "$SIZE_MB" "$SEED"
    rm -f "$DATA_DIR/speed.jsonl"
    ln "$DATA_DIR/bench.jsonl" "$DATA_DIR/speed.jsonl"
fi
DATA=$DATA_DIR/speed.jsonl
SPEC=$DATA_DIR/specs/speed.yaml
printf 'dsci: 1\ndataset:\n  name: speed\n  format: sharegpt\n  files: {train: speed.jsonl}\ngates:\n%s\n' "$GATES_FCQ" >"$SPEC"
BYTES=$(stat -c %s "$DATA")
EXAMPLES=$(wc -l <"$DATA")

echo
echo "== 1. $(awk -v b="$BYTES" 'BEGIN { printf "%.0f MB", b / 1e6 }') (${BENCH_DATA:-$DATA_DIR/bench.jsonl}, $EXAMPLES lines)"
declare -A WALL CPU_S
results=$WORK/table1
: >"$results"
for j in 1 2; do
    measure "dsci -j $j" "$RUNS" "0 1" "$DSCI" check --spec "$SPEC" --no-cache --base none -j "$j" \
        --format json --output /dev/null || die "dsci failed"
    WALL[dsci$j]=$M_WALL
    CPU_S[dsci$j]=$M_USER
    row "dsci check fmt+cov+qual -j $j" "$BYTES" "$EXAMPLES" >>"$results"
done

SIMD_WHY=""
if [[ ! -f /usr/include/simdjson.h ]]; then
    SIMD_WHY="simdjson.h not installed (Debian: libsimdjson-dev; scripts/deps.sh bench)"
elif ! command -v g++ >/dev/null; then
    SIMD_WHY="no g++ to build bench/simdjson_parse.cpp"
elif ! g++ -O3 -std=c++17 "$ROOT/bench/simdjson_parse.cpp" -o "$WORK/simdjson_parse" -lsimdjson 2>"$WORK/gxx"; then
    SIMD_WHY="bench/simdjson_parse.cpp did not build: $(head -n 3 "$WORK/gxx" | tr '\n' ' ')"
elif measure "simdjson parse-only" "$RUNS" "0" "$WORK/simdjson_parse" "$DATA"; then
    WALL[simdjson]=$M_WALL
    CPU_S[simdjson]=$M_USER
    row "simdjson On-Demand parse only" "$BYTES" "$EXAMPLES" >>"$results"
else
    SIMD_WHY="simdjson_parse failed on the file"
fi

if command -v jq >/dev/null; then
    if measure "jq -c .conversations" "$SLOW_RUNS" "0" jq -c .conversations "$DATA"; then
        WALL[jq]=$M_WALL
        row "jq -c .conversations" "$BYTES" "$EXAMPLES" >>"$results"
    fi
else
    note "jq not installed: no jq row"
fi

cat >"$WORK/reference.json" <<EOF
{"format": "sharegpt", "files": {"train": ["$DATA"]},
 "coverage": {"by": "keywords", "categories": [
   {"name": "Create", "keywords": ["create", "new task"]}, {"name": "Update", "keywords": ["update", "change"]},
   {"name": "Delete", "keywords": ["delete", "remove"]}, {"name": "Query", "keywords": ["show", "list"]}]}}
EOF
if measure "bench/reference.py" "$SLOW_RUNS" "0" python3 "$ROOT/bench/reference.py" "$WORK/reference.json"; then
    WALL[python]=$M_WALL
    row "bench/reference.py (Python)" "$BYTES" "$EXAMPLES" >>"$results"
fi
measure "wc -l" "$RUNS" "0" wc -l "$DATA" && row "wc -l (the I/O floor)" "$BYTES" "$EXAMPLES" >>"$results"

echo
header
cat "$results"
echo
# ratio A B: A's wall time over B's ("-" when either is missing)
ratio() { awk -v a="${WALL[$1]:-}" -v b="${WALL[$2]:-}" 'BEGIN { if (a == "" || b == "" || b <= 0) print "-"; else printf "%.2f", a / b }'; }
if [[ -n ${WALL[simdjson]:-} ]]; then
    echo "dsci's speed as a share of simdjson's parse-only speed: -j 1 $(awk -v s="${WALL[simdjson]}" -v d="${WALL[dsci1]}" 'BEGIN { printf "%.0f%%", 100 * s / d }'), -j 2 $(awk -v s="${WALL[simdjson]}" -v d="${WALL[dsci2]}" 'BEGIN { printf "%.0f%%", 100 * s / d }')"
else
    echo "simdjson: skipped: $SIMD_WHY"
fi
echo "dsci faster than jq by (jq wall / dsci wall): -j 1 $(ratio jq dsci1)x, -j 2 $(ratio jq dsci2)x"
echo "dsci faster than Python by (reference.py wall / dsci wall): -j 1 $(ratio python dsci1)x, -j 2 $(ratio python dsci2)x"

[[ $BIG_MB -gt 0 ]] || { echo; echo "(BENCH_BIG=0: parts 2 and 3 skipped; load at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null))"; exit 0; }

# ---------------------------------------------------------------------------------------------
# 2. Every gate on the big file, -j 2
# ---------------------------------------------------------------------------------------------
BIG=$DATA_DIR/big-$BIG_MB
BIG_SEED=$((SEED + 1))
BIG_STAMP="size_mb=$BIG_MB seed=$BIG_SEED"
if [[ ! -f $BIG/.stamp || "$(cat "$BIG/.stamp")" != "$BIG_STAMP" ]]; then
    rm -rf "$BIG"
    mkdir -p "$BIG/data" "$BIG/specs"
    generate "$BIG/all.jsonl" "$BIG_MB" "$BIG_SEED"
    echo "splitting 80/10/10 and committing it to $BIG (git gc) ..."
    n=$(wc -l <"$BIG/all.jsonl")
    tr=$((n * 8 / 10))
    va=$((n / 10))
    awk -v tr="$tr" -v va="$va" -v d="$BIG/data" '
        NR <= tr { print > (d "/train.jsonl"); next }
        NR <= tr + va { print > (d "/val.jsonl"); next }
        { print > (d "/test.jsonl") }' "$BIG/all.jsonl"
    rm -f "$BIG/all.jsonl" "$BIG/all.jsonl.stamp"
    (
        cd "$BIG"
        git init -q .
        git add data
        git -c user.name=bench -c user.email=bench@example.invalid commit -q -m "bench data"
        git gc -q
    ) || die "could not make the git repository in $BIG"
    echo "$BIG_STAMP" >"$BIG/.stamp"
fi
BIG_BYTES=$(cat "$BIG"/data/*.jsonl | wc -c)
BIG_EXAMPLES=$(cat "$BIG"/data/*.jsonl | wc -l)

# big_spec NAME GATES: a spec of the three splits with these gates' lines
big_spec() {
    printf 'dsci: 1\ndataset:\n  name: big\n  format: sharegpt\n  files: {train: data/train.jsonl, validation: data/val.jsonl, test: data/test.jsonl}\ngates:\n%s\n' "$2" >"$BIG/specs/$1.yaml"
}
OFF='  format: {level: off}
  coverage: {level: off}
  quality: {level: off}
  duplicates: {level: off}
  leakage: {level: off}
  pii: {level: off}
  reproducibility: {level: off}
  splits: {level: off}'
declare -A GATE=(
    [format]='  format: {level: block}'
    [coverage]='  coverage: {level: warn, by: keywords, categories: [{name: Create, min: 1, keywords: [create, new task]}, {name: Update, min: 1, keywords: [update, change]}, {name: Delete, min: 1, keywords: [delete, remove]}, {name: Query, min: 1, keywords: [show, list]}]}'
    [quality]='  quality: {level: warn}'
    [duplicates]='  duplicates: {exact: warn, near: warn, threshold: 0.8}'
    [leakage]='  leakage: {level: warn, near_threshold: 0.9}'
    [pii]='  pii: {level: warn, detect: [email, phone, credit_card, ipv4, api_key]}'
    [reproducibility]='  reproducibility: {level: warn, require: [checksums]}'
    [splits]='  splits: {level: warn, train: {ratio: 0.8}, validation: {ratio: 0.1}, test: {ratio: 0.1}}'
)
ORDER="format coverage quality duplicates leakage pii reproducibility splits"
all=""
for g in $ORDER; do
    # the gate's own line, the others off
    big_spec "$g" "$(printf '%s\n' "$OFF" | grep -v "^  $g:")
${GATE[$g]}"
    all+="${GATE[$g]}"$'\n'
done
big_spec all "${all%$'\n'}"
big_spec fcq "$GATES_FCQ"
# --rev reads the spec from the revision too: the specs are committed as they are now
(
    cd "$BIG"
    git add specs
    git diff --cached --quiet ||
        git -c user.name=bench -c user.email=bench@example.invalid commit -q -m "bench specs"
) || die "could not commit the specs in $BIG"

echo
echo "== 2. every gate, -j 2, on $(awk -v b="$BIG_BYTES" 'BEGIN { printf "%.0f MB", b / 1e6 }') in three splits ($BIG, $BIG_EXAMPLES lines)"
results=$WORK/table2
: >"$results"
for g in $ORDER all; do
    if measure "gate $g" "$RUNS" "0 1" "$DSCI" -C "$BIG" check --spec "specs/$g.yaml" --no-cache --base none -j 2 \
        --format json --output /dev/null; then
        row "$g" "$BIG_BYTES" "$BIG_EXAMPLES" >>"$results"
    else
        echo "$g: failed (see above)" >>"$results"
    fi
done
echo
header
cat "$results"

# ---------------------------------------------------------------------------------------------
# 3. --rev HEAD against the work tree
# ---------------------------------------------------------------------------------------------
echo
echo "== 3. --rev HEAD (packed) against the work tree, format + coverage + quality, -j 2, same files"
results=$WORK/table3
: >"$results"
measure "work tree" "$RUNS" "0 1" "$DSCI" -C "$BIG" check --spec specs/fcq.yaml --no-cache --base none -j 2 \
    --format json --output /dev/null || die "dsci failed on the work tree"
WALL[wt]=$M_WALL
CPU_S[wt]=$M_USER
row "work tree" "$BIG_BYTES" "$BIG_EXAMPLES" >>"$results"
measure "--rev HEAD" "$RUNS" "0 1" "$DSCI" -C "$BIG" check --rev HEAD --spec specs/fcq.yaml --no-cache --base none -j 2 \
    --format json --output /dev/null || die "dsci failed on --rev HEAD"
WALL[rev]=$M_WALL
CPU_S[rev]=$M_USER
row "--rev HEAD" "$BIG_BYTES" "$BIG_EXAMPLES" >>"$results"
echo
header
cat "$results"
echo
echo "load:  $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) at the end"
echo "--rev HEAD / work tree: wall $(ratio rev wt)x, user $(awk -v a="${CPU_S[rev]}" -v b="${CPU_S[wt]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')x"
