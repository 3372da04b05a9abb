#!/bin/sh
# Refactoring guard: runs two dsci binaries on the same scenarios (the bundled example,
# a tagged change of it, a generated ShareGPT set with every gate, broken input) and
# compares every report byte for byte (stdout, stderr, exit code and files written).
#
#   scripts/same-reports.sh OLD_DSCI NEW_DSCI [SIZE_MB]     (SIZE_MB of generated data, default 5)
#
# Exit 0 when every output is identical; otherwise the differing files are listed.
set -eu
[ $# -ge 2 ] || { echo "usage: scripts/same-reports.sh OLD_DSCI NEW_DSCI [SIZE_MB]" >&2; exit 2; }
old=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
new=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
size=${3:-5}
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/dsci-same.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
export TZ=UTC LC_ALL=C.UTF-8 GIT_CONFIG_NOSYSTEM=1 HOME="$work/home" SOURCE_DATE_EPOCH=1735743600
export GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=a@example.invalid GIT_COMMITTER_NAME=C GIT_COMMITTER_EMAIL=c@example.invalid
export GIT_AUTHOR_DATE=2025-01-01T00:00:00Z GIT_COMMITTER_DATE=2025-01-01T00:00:00Z
unset GITHUB_ACTIONS GITHUB_STEP_SUMMARY GITHUB_OUTPUT
mkdir -p "$work/home"
cd "$work"

# The scenarios, built once; each binary runs in its own copy.
mkdir fixtures
cp -R "$src/examples/task-api" fixtures/ex
(cd fixtures/ex && git init -q && git add -A && git commit -qm v1 && git tag dataset-v1.0.0 &&
 sed -i '3d;7d' data/splits/train.jsonl && head -n 2 data/splits/train.jsonl >>data/splits/val.jsonl &&
 printf '%s\n' '{"conversations": [{"from": "human", "value": "mail bob@corp.example.org to create a task"}, {"from": "gpt", "value": "Created."}]}' \
     '{"conversations": [{"from": "human", "value": "broken' >>data/splits/train.jsonl &&
 git add -A && git commit -qm v2)
mkdir -p fixtures/gen/specs
python3 "$src/bench/gen_sharegpt.py" fixtures/gen/all.jsonl "$size" --seed 1 >/dev/null 2>&1
n=$(wc -l <fixtures/gen/all.jsonl)
head -n $((n * 8 / 10)) fixtures/gen/all.jsonl >fixtures/gen/train.jsonl
tail -n +$((n * 8 / 10 + 1)) fixtures/gen/all.jsonl | head -n $((n / 10)) >fixtures/gen/val.jsonl
tail -n +$((n * 8 / 10 + n / 10 + 1)) fixtures/gen/all.jsonl >fixtures/gen/test.jsonl
rm fixtures/gen/all.jsonl
# every gate but reproducibility (the generated set has no version file)
python3 - "$src/examples/task-api/specs/task-api.yaml" fixtures/gen/specs/gen.yaml <<'PY'
import sys, yaml
spec = yaml.safe_load(open(sys.argv[1]))
spec["dataset"] = {"name": "gen", "format": "sharegpt",
                   "files": {"train": "train.jsonl", "validation": "val.jsonl", "test": "test.jsonl"}}
spec["gates"].pop("reproducibility", None)
open(sys.argv[2], "w").write(yaml.safe_dump(spec, sort_keys=False))
PY
(cd fixtures/gen && git init -q && git add -A && git commit -qm gen)

run_all() { # run_all BIN OUTDIR
    bin=$1 out=$work/$2
    rm -rf "$out" && mkdir -p "$out" && cp -R fixtures "$out/fx"
    i=0
    step() { # step NAME DIR ARGS...: stdout, stderr and exit code of one run
        name=$1 dir=$2
        shift 2
        set +e
        (cd "$out/fx/$dir" && "$bin" "$@") >"$out/$name.out" 2>"$out/$name.err"
        echo $? >"$out/$name.rc"
        set -e
    }
    for f in text json markdown sarif junit; do
        step "ex-check-$f" ex check --format "$f"
        step "ex-base-none-$f" ex check --base none --format "$f"
        step "gen-check-$f" gen check --format "$f" -j 2
    done
    step ex-rev ex check --rev dataset-v1.0.0 --format json
    step ex-staged ex check --staged
    step ex-diff ex diff
    step ex-diff-json ex diff --format json
    step ex-bump ex bump --dry-run
    step ex-bump-json ex bump --dry-run --format json
    step ex-help ex help check
    step ex-bad-option ex check --no-such-option
    step ex-bad-spec ex check --spec specs/none.yaml
    GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$out/ex-summary.md" GITHUB_OUTPUT="$out/ex-outputs.txt" \
        step ex-github ex check
    # the runner's one-time tokens are random by design
    sed -i 's/ghadelimiter_[0-9a-f_]*/DELIM/' "$out/ex-outputs.txt"
    sed -i 's/^::stop-commands::[0-9a-f]*$/::stop-commands::TOKEN/; s/^::[0-9a-f]\{32\}::$/::TOKEN::/' "$out/ex-github.out"
    step ex-card ex card
    cp "$out/fx/ex/data/hf_dataset/README.md" "$out/ex-card.md"
    step ex-init ex init --output ../init.yaml
    cp "$out/fx/init.yaml" "$out/ex-init.yaml" 2>/dev/null || true
    rm -rf "$out/fx"
}
run_all "$old" old
run_all "$new" new
if diff -r old new >diff.txt; then
    echo "same-reports: $(ls old | wc -l) outputs identical"
else
    cat diff.txt | head -100
    echo "same-reports: outputs differ" >&2
    exit 1
fi
