#!/usr/bin/env bash
# Issue 12 ("pay for the change, not the dataset"): how long the checks take when a little
# of a large dataset changed. Measures the binary as it is; when it has a cache (its
# `dsci check --help` lists --no-cache) every dsci command is timed cold and warm too.
#
# Usage: bench/bench_incremental.sh
#
# Scenarios (repositories built from bench/gen_sharegpt.py shards, 50 MB each by default):
#   A  10 files, ~453 MB, every gate on: train = 7 shards + a small file (3 MB),
#      validation = 1 shard, test = 1 shard. A few records of the small file are edited and
#      staged; timed: git diff --cached --stat, dsci check --staged (baseline auto),
#      dsci check --staged --base none, dsci hook run.
#   B  one 500 MB file, every gate on. One record in the middle is edited (same length, then
#      a longer one) and staged; timed: dsci check --staged.
#   C  one 200 MB file, format + coverage + quality only (the spec of bench_check.sh). A few
#      records edited in the work tree; timed: dsci check (baseline auto) and --base none.
# Each scenario's baseline is made by `dsci bump --tag` (an annotated tag when bump cannot).
# A and B exit 1 after the edit, as a real pre-commit would: the version file's checksum and
# the card are stale until `dsci bump` (reproducibility gate); every gate still runs.
#
# Environment:
#   DSCI=path           the binary (default build/dsci, relative to the repository root)
#   BENCH_RUNS=N        runs per measurement; median and min are reported (default 3)
#   BENCH_OUT=file      JSON lines, one per measurement (default bench/data/incremental.jsonl)
#   BENCH_DIR=dir       keep the shards and the repositories there and reuse them next time
#                       (default: a temporary folder, deleted at the end)
#   BENCH_SCENARIOS     which to run (default "A B C")
#   BENCH_SHARD_MB      shard size in MB (default 50; small values for a quick trial)
#   BENCH_CACHE_DIR     the cache folder inside the git dir, deleted for a cold run (default dsci)
#
# Modes, when the binary has a cache: cold = the cache folder deleted before each run;
# warm = the same command again on a primed cache; edit = the cache primed on the state
# before the edit, then the edit made and timed (the pre-commit case the issue is about).
# The ratios warm/cold and edit/cold are printed after the table. Without a cache every
# command is timed as is (mode "-"). Peak RSS is the largest of the runs (GNU time's %M,
# else Python's getrusage of the children). "cpu s" is the median user+system time: on a
# machine shared with other work it moves less than the wall time. Exit status 1 (a blocking gate failed) counts
# as a complete run; any other non-zero status is an error.
set -euo pipefail

die() { echo "bench_incremental: $*" >&2; exit 2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DSCI=${DSCI:-build/dsci}
if [[ $DSCI == */* ]]; then
    [[ $DSCI == /* ]] || { if [[ -e $PWD/$DSCI ]]; then DSCI=$PWD/$DSCI; else DSCI=$ROOT/$DSCI; fi; }
else
    DSCI=$(command -v "$DSCI" || echo "$DSCI")
fi
[[ -x $DSCI ]] || die "no dsci binary at $DSCI (build first, or set DSCI)"
RUNS=${BENCH_RUNS:-3}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, got '$RUNS'"
SHARD_MB=${BENCH_SHARD_MB:-50}
[[ $SHARD_MB =~ ^[0-9]+([.][0-9]+)?$ ]] || die "BENCH_SHARD_MB must be a positive number, got '$SHARD_MB'"
SCENARIOS=${BENCH_SCENARIOS:-A B C}
CACHE_DIR_NAME=${BENCH_CACHE_DIR:-dsci}
OUT=${BENCH_OUT:-$ROOT/bench/data/incremental.jsonl}
[[ $OUT == /* ]] || OUT=$PWD/$OUT
mkdir -p "$(dirname "$OUT")"
: >"$OUT"
command -v python3 >/dev/null || die "python3 is required (generator and edits)"
command -v git >/dev/null || die "git is required"

if [[ -n ${BENCH_DIR:-} ]]; then
    WORK=$(mkdir -p "$BENCH_DIR" && cd "$BENCH_DIR" && pwd)
    KEEP=yes
else
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/dsci-bench-inc.XXXXXX")
    KEEP=no
fi
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/dsci-bench-scratch.XXXXXX")
cleanup() {
    rm -rf "$SCRATCH"
    [[ $KEEP == yes ]] || rm -rf "$WORK"
}
trap cleanup EXIT

export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
export GIT_CONFIG_NOSYSTEM=1
unset GITHUB_ACTIONS

# ---------------------------------------------------------------------------------------------
# Machine, binary, cache support
# ---------------------------------------------------------------------------------------------
CPU=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
CORES=$(nproc)
echo "CPU: ${CPU:-unknown}, $CORES cores; $(uptime | sed 's/^ *//')"
echo "dsci: $DSCI ($("$DSCI" --version 2>&1 | head -n 1)); runs per measurement: $RUNS"
if "$DSCI" check --help 2>&1 | grep -q -- '--no-cache'; then
    HAVE_CACHE=yes
    echo "cache: available (cold = .git/$CACHE_DIR_NAME deleted before each run)"
else
    HAVE_CACHE=no
    echo "cache: not available in this binary"
fi

TIMER=python
if [[ -x /usr/bin/time ]] && /usr/bin/time -f "%M %U %S" -o "$SCRATCH/probe" true 2>/dev/null; then
    TIMER=gnu
fi

# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------
declare -a ROWS=()

# run_once CMD...: one run; sets RUN_S (wall seconds), RUN_CPU (user + system seconds),
# RUN_KB (peak RSS) and RUN_RC.
run_once() {
    local start end
    if [[ $TIMER == gnu ]]; then
        start=$(date +%s%N)
        if /usr/bin/time -f "%M %U %S" -o "$SCRATCH/rss" "$@" >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"; then RUN_RC=0; else RUN_RC=$?; fi
        end=$(date +%s%N)
        RUN_S=$(awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }')
        read -r RUN_KB RUN_CPU < <(awk 'END { printf "%d %.3f\n", $1, $2 + $3 }' "$SCRATCH/rss")
        [[ $RUN_KB =~ ^[0-9]+$ ]] || RUN_KB=0
    else
        python3 - "$SCRATCH" "$@" <<'PY'
import resource, subprocess, sys, time
scratch, cmd = sys.argv[1], sys.argv[2:]
with open(scratch + "/stdout", "wb") as out, open(scratch + "/stderr", "wb") as err:
    start = time.monotonic()
    rc = subprocess.call(cmd, stdout=out, stderr=err)
    wall = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
open(scratch + "/timed", "w").write("%d %.3f %d %.3f\n" % (rc, wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime))
PY
        read -r RUN_RC RUN_S RUN_KB RUN_CPU <"$SCRATCH/timed"
    fi
    if [[ $RUN_RC != 0 && $RUN_RC != 1 ]]; then
        echo "bench_incremental: exit $RUN_RC from: $*" >&2
        head -n 20 "$SCRATCH/stderr" >&2
        return 1
    fi
}

drop_cache() {
    local git_dir
    git_dir=$(git rev-parse --git-dir) || return 1
    rm -rf "${git_dir:?}/${CACHE_DIR_NAME:?}"
}

median_of_list() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# record SCENARIO COMMAND MODE PEAK_KB EXIT LOAD CPU_TIMES TIMES... : one table row and one
# JSON line (CPU_TIMES: the runs' user + system seconds, comma separated).
record() {
    local scenario=$1 command=$2 mode=$3 rss_kb=$4 rc=$5 load=$6 cpus=$7
    shift 7
    local median min rss_mib cpu_median times
    min=$(printf '%s\n' "$@" | sort -g | head -n 1)
    median=$(printf '%s\n' "$@" | median_of_list)
    cpu_median=$(tr , '\n' <<<"$cpus" | median_of_list)
    rss_mib=$(awk -v kb="$rss_kb" 'BEGIN { printf "%.1f", kb / 1024 }')
    ROWS+=("$scenario|$command|$mode|$median|$min|$cpu_median|$rss_mib|$load|$rc")
    times=$(IFS=,; echo "$*")
    printf '{"scenario":"%s","command":"%s","mode":"%s","runs":%d,"times_s":[%s],"median_s":%s,"min_s":%s,"cpu_s":[%s],"median_cpu_s":%s,"peak_rss_mib":%s,"exit":%s,"load1":%s,"cpu_model":"%s","cores":%s,"cache":"%s","dsci":"%s"}\n' \
        "$scenario" "$command" "$mode" "$#" "$times" "$median" "$min" "$cpus" "$cpu_median" "$rss_mib" "$rc" "$load" \
        "$CPU" "$CORES" "$HAVE_CACHE" "$("$DSCI" --version 2>&1 | head -n 1)" >>"$OUT"
    printf '  %-2s %-42s %-5s median %8.3f s  min %8.3f s  cpu %8.3f s  %8s MiB  exit %s  load %s\n' \
        "$scenario" "$command" "$mode" "$median" "$min" "$cpu_median" "$rss_mib" "$rc" "$load"
}

load1() { cut -d' ' -f1 /proc/loadavg; }

# measure SCENARIO MODE PREPARE CMD...: BENCH_RUNS timed runs of CMD in the current
# directory; PREPARE (a shell function name, or "") runs untimed before each.
measure() {
    local scenario=$1 mode=$2 prepare=$3
    shift 3
    local label=${*#"$DSCI"}
    [[ $1 == "$DSCI" ]] && label="dsci$label"
    label+=${LABEL_SUFFIX:+ ($LABEL_SUFFIX)}
    local -a times=() cpus=()
    local peak=0 load rc=0 i
    load=$(load1)
    for ((i = 1; i <= RUNS; i++)); do
        [[ -z $prepare ]] || "$prepare"
        run_once "$@" || return 1
        times+=("$RUN_S")
        cpus+=("$RUN_CPU")
        ((RUN_KB > peak)) && peak=$RUN_KB
        rc=$RUN_RC
    done
    record "$scenario" "$label" "$mode" "$peak" "$rc" "$load" "$(IFS=,; echo "${cpus[*]}")" "${times[@]}"
}

# time_dsci SCENARIO UNDO REDO CMD...: times a dsci command; with a cache cold, warm and,
# when UNDO/REDO are given (functions that take the edit back and make it again), edit.
time_dsci() {
    local scenario=$1 undo=$2 redo=$3
    shift 3
    if [[ $HAVE_CACHE == no ]]; then
        measure "$scenario" - "" "$@"
        return
    fi
    measure "$scenario" cold drop_cache "$@"
    measure "$scenario" warm "" "$@"
    if [[ -n $undo ]]; then
        UNDO_FN=$undo REDO_FN=$redo PRIME_CMD=("$@")
        # the hook skips when nothing is staged (the undone state): what primed a user's
        # cache is the hook's check of their previous commit, `check --staged`
        [[ $* == *"hook run"* ]] && PRIME_CMD=("$DSCI" check --staged)
        measure "$scenario" edit prime_then_edit "$@"
    fi
}
# Before each "edit" run: the edit taken back, the cache primed on that state, the edit
# made again; so the timed run sees a cache that is one edit behind.
prime_then_edit() {
    "$UNDO_FN"
    drop_cache
    "${PRIME_CMD[@]}" >/dev/null 2>&1 || true
    "$REDO_FN"
}

# ---------------------------------------------------------------------------------------------
# Data: shards 1..10 (seed = number) and a small file, generated once per BENCH_DIR
# ---------------------------------------------------------------------------------------------
SHARDS=$WORK/shards
SMALL_MB=$(awk -v s="$SHARD_MB" 'BEGIN { v = s * 0.06; if (v < 0.05) v = 0.05; printf "%g", v }')
make_shards() {
    local stamp="shard_mb=$SHARD_MB small_mb=$SMALL_MB"
    if [[ -f $SHARDS/stamp && $(cat "$SHARDS/stamp") == "$stamp" ]]; then
        echo "reusing the shards in $SHARDS"
        return
    fi
    rm -rf "$SHARDS"
    mkdir -p "$SHARDS"
    echo "generating 10 shards of $SHARD_MB MB and a small file of $SMALL_MB MB in $SHARDS ..."
    local i pids=()
    # two generators at a time: the machines this runs on have few cores
    for i in 1 2 3 4 5 6 7 8 9 10; do
        python3 "$ROOT/bench/gen_sharegpt.py" "$SHARDS/shard-$i.jsonl" "$SHARD_MB" --seed "$i" 2>/dev/null &
        pids+=($!)
        if ((${#pids[@]} == 2)); then wait "${pids[@]}" || die "the generator failed"; pids=(); fi
    done
    ((${#pids[@]} == 0)) || wait "${pids[@]}" || die "the generator failed"
    python3 "$ROOT/bench/gen_sharegpt.py" "$SHARDS/small.jsonl" "$SMALL_MB" --seed 11 2>/dev/null \
        || die "the generator failed"
    echo "$stamp" >"$SHARDS/stamp"
}

CATEGORIES='[{name: Create, min: 20, keywords: [create, new task, add task, set up]},
                 {name: Update, min: 20, keywords: [update, change, modify, mark as]},
                 {name: Complete, min: 15, keywords: [complete, finish, done, completed]},
                 {name: Delete, min: 15, keywords: [delete, remove, cancel]},
                 {name: Query, min: 15, keywords: [show, list, what tasks, overdue, filter]}]'

# full_spec FILES_YAML SPLITS_YAML: every gate on (the seed example's spec).
full_spec() {
    cat <<EOF
dsci: 1
dataset:
  name: bench-incremental
  format: sharegpt
  files:
$1
  card: data/README.md
  version_file: data/version.json
  license: apache-2.0
  language: [en]
versioning:
  tag_prefix: dataset-v
gates:
  format: {level: block}
  coverage:
    level: block
    by: keywords
    categories: $CATEGORIES
  quality:
    level: warn
    human_length:     {target: [30, 80],  acceptable: [20, 100]}
    assistant_length: {target: [80, 200], acceptable: [50, 300]}
    unique_messages:  {target: 95%, acceptable: 90%}
    turn_variance:    {target: 2.0, acceptable: 3.0}
  duplicates: {exact: block, near: warn, threshold: 0.8}
  leakage:    {level: block, near_threshold: 0.9}
  pii:        {level: block, detect: [email, phone, credit_card, ipv4, api_key], allow: [example.com]}
  reproducibility:
    level: block
    require: [version, checksums, random_seed, model, card]
  splits:
    level: block
$2
  regression:
    level: block
    coverage_drop: block
    max_removed: 5%
    metric_drift: warn
EOF
}

# The spec of bench_check.sh, with a version file so that bump can make the baseline.
light_spec() {
    cat <<EOF
dsci: 1
dataset:
  name: bench-incremental-light
  format: sharegpt
  files: {train: data/train.jsonl}
  version_file: data/version.json
versioning:
  tag_prefix: dataset-v
gates:
  format: {level: block}
  coverage: {level: warn, by: keywords, categories: [{name: Create, min: 1, keywords: [create, new task]}, {name: Update, min: 1, keywords: [update, change]}, {name: Delete, min: 1, keywords: [delete, remove]}, {name: Query, min: 1, keywords: [show, list]}]}
  quality: {level: warn}
  splits: {level: off}
  reproducibility: {level: off}
  duplicates: {level: off}
  leakage: {level: off}
  pii: {level: off}
  regression: {level: off}
EOF
}

# baseline REPO: commit everything, then the baseline version by `dsci bump --tag` (the
# first run writes the version file when it must, which is committed before tagging).
baseline() {
    git add -A && git commit -q -m "dataset"
    if ! "$DSCI" bump --tag >"$SCRATCH/bump.out" 2>&1; then
        git add -A && git commit -q -m "dataset: version file"
        "$DSCI" bump --tag >>"$SCRATCH/bump.out" 2>&1 || true
    fi
    if [[ -z $(git tag -l 'dataset-v*') ]]; then
        echo "note: dsci bump --tag did not tag ($(tail -n 1 "$SCRATCH/bump.out")); tagging dataset-v1.0.0 by hand"
        git tag -a -m "dataset 1.0.0" dataset-v1.0.0
    fi
    if grep -q '^  card:' specs/*.yaml; then
        # the card the reproducibility gate wants, up to date with the tagged version
        "$DSCI" card >/dev/null 2>&1 || echo "note: dsci card failed"
        git add -A
        git commit -q -m "dataset card" || true
    fi
    echo "baseline: $(git describe --tags --abbrev=0 2>/dev/null || echo none)"
}

# new_repo NAME: a fresh repository $WORK/NAME (reused when BENCH_DIR kept a finished one:
# then it is reset to its last commit). Returns 1 when it was reused.
new_repo() {
    local dir=$WORK/$1
    if [[ -f $dir/.bench-ready && $(cat "$dir/.bench-ready") == "$(cat "$SHARDS/stamp")" ]]; then
        cd "$dir"
        git reset -q --hard && git clean -qfd -e .bench-ready
        drop_cache
        echo "reusing $dir"
        return 1
    fi
    rm -rf "$dir"
    mkdir -p "$dir/specs" "$dir/data"
    cd "$dir"
    git init -q
    echo ".bench-ready" >.git/info/exclude
    return 0
}
repo_ready() { cat "$SHARDS/stamp" >.bench-ready; }

version_seed() {
    printf '{\n  "version": "1.0.0",\n  "generation_config": {"random_seed": 1, "model": "bench/gen_sharegpt.py"}\n}\n' >data/version.json
}

# edit_records FILE K: appends a few words to the first message of K records spread over FILE.
edit_records() {
    python3 - "$1" "$2" <<'PY'
import json, os, sys
path, k = sys.argv[1], int(sys.argv[2])
lines = open(path, "rb").read().split(b"\n")
n = len(lines) - 1 if lines[-1] == b"" else len(lines)
for j in range(k):
    i = (j + 1) * n // (k + 1)
    rec = json.loads(lines[i])
    rec["conversations"][0]["value"] += " (edited for the benchmark)"
    lines[i] = json.dumps(rec, ensure_ascii=False).encode("utf-8")
tmp = path + ".tmp"
open(tmp, "wb").write(b"\n".join(lines))
os.replace(tmp, path)
PY
}

# edit_middle FILE same|longer: one record in the middle of FILE: a letter of a message
# changed in place (same length), or words inserted into a message (the file grows).
edit_middle() {
    python3 - "$1" "$2" <<'PY'
import os, shutil, sys
path, how = sys.argv[1], sys.argv[2]
size = os.path.getsize(path)
with open(path, "r+b") as f:
    f.seek(size // 2)
    f.readline()
    start = f.tell()
    line = f.readline()
    at = line.index(b'"value": "') + len(b'"value": "')
    if how == "same":
        while not (0x61 <= line[at] <= 0x7a):
            at += 1
        f.seek(start + at)
        f.write(b"q" if line[at] != ord("q") else b"z")
        sys.exit(0)
tmp = path + ".tmp"
with open(path, "rb") as src, open(tmp, "wb") as dst:
    dst.write(src.read(start + at))
    dst.write(b"Edited for the benchmark: ")
    shutil.copyfileobj(src, dst, 1 << 24)
os.replace(tmp, path)
PY
}

# ---------------------------------------------------------------------------------------------
# Scenario A: 10 files, every gate, a few records of the small file edited and staged
# ---------------------------------------------------------------------------------------------
a_undo() { git reset -q && git checkout -q -- data/train/small.jsonl; }
a_redo() { edit_records data/train/small.jsonl 3 && git add data/train/small.jsonl; }
scenario_a() {
    echo
    echo "== A: 10 files, every gate; 3 records of the small file edited and staged"
    if new_repo repo-a; then
        mkdir -p data/train
        for i in 1 2 3 4 5 6 7; do cp "$SHARDS/shard-$i.jsonl" data/train/; done
        cp "$SHARDS/small.jsonl" data/train/small.jsonl
        cp "$SHARDS/shard-8.jsonl" data/validation.jsonl
        cp "$SHARDS/shard-9.jsonl" data/test.jsonl
        full_spec "    train: data/train/*.jsonl
    validation: data/validation.jsonl
    test: data/test.jsonl" "    train:      {ratio: 0.8, min: 68}
    validation: {ratio: 0.1, min: 8}
    test:       {ratio: 0.1, min: 8}" >specs/bench.yaml
        version_seed
        baseline
        repo_ready
    fi
    echo "$(git ls-files data | grep -c jsonl) files, $(cat data/train/*.jsonl data/*.jsonl | wc -c) bytes"
    a_redo
    measure A - "" git diff --cached --stat
    time_dsci A a_undo a_redo "$DSCI" check --staged
    time_dsci A a_undo a_redo "$DSCI" check --staged --base none
    time_dsci A a_undo a_redo "$DSCI" hook run
    a_undo
}

# ---------------------------------------------------------------------------------------------
# Scenario B: one 500 MB file, every gate, one record in the middle edited and staged
# ---------------------------------------------------------------------------------------------
B_HOW=same
b_undo() { git reset -q && git checkout -q -- data/all.jsonl; }
b_redo() { edit_middle data/all.jsonl "$B_HOW" && git add data/all.jsonl; }
scenario_b() {
    echo
    echo "== B: one file, every gate; one record in the middle edited and staged"
    if new_repo repo-b; then
        cat "$SHARDS"/shard-{1,2,3,4,5,6,7,8,9,10}.jsonl >data/all.jsonl
        full_spec "    train: data/all.jsonl" "    train: {ratio: 1.0, min: 68}" >specs/bench.yaml
        version_seed
        baseline
        repo_ready
    fi
    echo "1 file, $(wc -c <data/all.jsonl) bytes"
    for B_HOW in same longer; do
        b_redo
        LABEL_SUFFIX="${B_HOW/same/same length}" time_dsci B b_undo b_redo "$DSCI" check --staged
        b_undo
    done
}

# ---------------------------------------------------------------------------------------------
# Scenario C: 200 MB, format + coverage + quality, a few records edited in the work tree
# ---------------------------------------------------------------------------------------------
c_undo() { git checkout -q -- data/train.jsonl; }
c_redo() { edit_records data/train.jsonl 3; }
scenario_c() {
    echo
    echo "== C: one file, format + coverage + quality; 3 records edited in the work tree"
    if new_repo repo-c; then
        cat "$SHARDS"/shard-{1,2,3,4}.jsonl >data/train.jsonl
        light_spec >specs/bench.yaml
        version_seed
        baseline
        repo_ready
    fi
    echo "1 file, $(wc -c <data/train.jsonl) bytes"
    c_redo
    time_dsci C c_undo c_redo "$DSCI" check
    time_dsci C c_undo c_redo "$DSCI" check --base none
    c_undo
}

make_shards
for s in $SCENARIOS; do
    case $s in
        A) scenario_a ;;
        B) scenario_b ;;
        C) scenario_c ;;
        *) die "unknown scenario '$s' (A, B or C)" ;;
    esac
    cd "$ROOT"
done

# ---------------------------------------------------------------------------------------------
# Table and ratios
# ---------------------------------------------------------------------------------------------
echo
uptime | sed 's/^ *//'
printf '%-3s %-40s %-5s %9s %9s %9s %8s %6s %4s\n' scn command mode "median s" "min s" "cpu s" "RSS MiB" load exit
for row in "${ROWS[@]}"; do
    IFS='|' read -r s c m med mn cpu rss ld rc <<<"$row"
    printf '%-3s %-40s %-5s %9.3f %9.3f %9.3f %8s %6s %4s\n' "$s" "$c" "$m" "$med" "$mn" "$cpu" "$rss" "$ld" "$rc"
done

median_of() { # SCENARIO COMMAND MODE
    local row s c m med rest
    for row in "${ROWS[@]}"; do
        IFS='|' read -r s c m med rest <<<"$row"
        [[ $s == "$1" && $c == "$2" && $m == "$3" ]] && { echo "$med"; return; }
    done
}
ratio() { # LABEL NUM DEN
    [[ -n $2 && -n $3 ]] || return 0
    local r
    r=$(awk -v a="$2" -v b="$3" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }')
    printf '%-64s %sx\n' "$1" "$r"
    printf '{"ratio":"%s","value":"%s"}\n' "$1" "$r" >>"$OUT"
}
echo
if [[ $HAVE_CACHE == yes ]]; then
    for row in "${ROWS[@]}"; do
        IFS='|' read -r s c m _ <<<"$row"
        [[ $m == cold ]] || continue
        cold=$(median_of "$s" "$c" cold)
        ratio "$s $c: warm/cold" "$(median_of "$s" "$c" warm)" "$cold"
        ratio "$s $c: edit/cold" "$(median_of "$s" "$c" edit)" "$cold"
    done
    m=cold
else
    echo "cache: not available in this binary"
    m=-
fi
ratio "A check --staged / check --staged --base none ($m)" \
    "$(median_of A "dsci check --staged" $m)" "$(median_of A "dsci check --staged --base none" $m)"
ratio "C check (baseline auto) / check --base none ($m)" \
    "$(median_of C "dsci check" $m)" "$(median_of C "dsci check --base none" $m)"
echo "JSON lines: $OUT"
