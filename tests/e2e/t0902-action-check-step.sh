#!/bin/sh
# The `dsci check` step of action.yml, run with bash and a stand-in binary that records
# its arguments: the command line it builds from the inputs (spec, base, args, the
# spec-from default per event) and that hostile inputs stay single, inert arguments.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

need_command bash
python3 - "$DSCI_SOURCE_DIR/action.yml" >step.sh <<'PY'
import sys, yaml
steps = yaml.safe_load(open(sys.argv[1]))["runs"]["steps"]
print([s for s in steps if s.get("id") == "check"][0]["run"])
PY

cat >fake-dsci <<'EOS'
#!/bin/sh
for a in "$@"; do printf '<%s>\n' "$a"; done >"$ARGV_LOG"
echo "GITHUB_ACTIONS=$GITHUB_ACTIONS" >>"$ARGV_LOG"
EOS
chmod +x fake-dsci
export DSCI="$TRASH/fake-dsci" ARGV_LOG="$TRASH/argv"

run_step() { # run_step EVENT SPEC BASE ARGS SPEC_FROM
    EVENT_NAME=$1 INPUT_SPEC=$2 INPUT_BASE=$3 INPUT_ARGS=$4 INPUT_SPEC_FROM=$5 \
        bash step.sh >log 2>&1
}
want() { printf '%s\n' "$@" >expect; test_cmp expect argv; }

say "push: spec and base, no --spec-from"
run_step push specs/a.yaml auto "" ""
want '<check>' '<--spec>' '<specs/a.yaml>' '<--base>' '<auto>' GITHUB_ACTIONS=true

say "pull_request: --spec-from base by default"
run_step pull_request "" auto "-C ds -q" ""
want '<check>' '<--base>' '<auto>' '<--spec-from>' '<base>' '<-C>' '<ds>' '<-q>' GITHUB_ACTIONS=true

say "pull_request with spec-from: head; push with spec-from: base"
run_step pull_request "" none "" head
want '<check>' '<--base>' '<none>' GITHUB_ACTIONS=true
run_step push "" none "" base
want '<check>' '<--base>' '<none>' '<--spec-from>' '<base>' GITHUB_ACTIONS=true

say "a bad spec-from is a usage error"
set +e; run_step push "" auto "" sideways; rc=$?; set -e
[ "$rc" -eq 2 ] || fail "spec-from: sideways exited $rc"
expect_line log "spec-from must be base or head"

say "hostile inputs: no expansion, no globbing, no workflow command in the log"
touch glob-me
hostile_spec='x.yaml
::add-mask::secret $(touch pwned) `touch pwned2`'
run_step push "$hostile_spec" auto '$(touch pwned3) * "a b" ;id
--format  github' ""
[ ! -e pwned ] && [ ! -e pwned2 ] && [ ! -e pwned3 ] || fail "an input was executed"
printf '%s\n' '<check>' '<--spec>' "<$hostile_spec>" '<--base>' '<auto>' \
    '<$(touch>' '<pwned3)>' '<*>' '<"a>' '<b">' '<;id>' '<--format>' '<github>' \
    GITHUB_ACTIONS=true >expect
test_cmp expect argv
if grep -q '^::add-mask::' log; then cat log >&2; fail "an input started a workflow command"; fi
token=$(sed -n 's/^::stop-commands::\(.*\)$/\1/p' log)
[ -n "$token" ] || fail "the command line is not echoed inside ::stop-commands::"
expect_line log "::$token::"

say "merge: dsci merge on the folder's parts; spec, base and spec-from are the parts'"
mkdir -p parts/shard-2 'odd $(touch pwned4)'
: >parts/shard-1.dsum
: >parts/shard-2/part.dsum
: >parts/notes.txt
INPUT_MERGE=parts run_step pull_request specs/a.yaml auto "--format json" ""
want '<merge>' '<parts/shard-1.dsum>' '<parts/shard-2/part.dsum>' '<--format>' '<json>' GITHUB_ACTIONS=true
: >'odd $(touch pwned4)/p.dsum'
INPUT_MERGE='odd $(touch pwned4)' run_step push "" auto "" ""
want '<merge>' '<odd $(touch pwned4)/p.dsum>' GITHUB_ACTIONS=true
[ ! -e pwned4 ] || fail "the merge folder's name was executed"
set +e; INPUT_MERGE=nothing-here run_step push "" auto "" ""; rc=$?; set -e
[ "$rc" -eq 2 ] || fail "merge of an empty folder exited $rc"
expect_line log "input merge: no"
