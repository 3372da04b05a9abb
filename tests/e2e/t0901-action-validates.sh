#!/bin/sh
# action.yml, the example data-PR workflow and dsci's own CI workflow validate with
# @action-validator/cli (pinned by tests/npm, installed into the build tree once); the validator
# does reject a broken action (so a pass means something); scripts/install-action.sh
# and the action's run: scripts are shellcheck-clean (when shellcheck is installed); and
# no run: script interpolates ${{ inputs.* }} (script injection).
. "$DSCI_SOURCE_DIR/tests/lib.sh"

src=$DSCI_SOURCE_DIR
files="action.yml examples/workflows/dataset-pr.yml examples/workflows/dataset-pr-sharded.yml .github/workflows/ci.yml"
for f in $files scripts/install-action.sh; do
    [ -f "$src/$f" ] || fail "missing $f"
done

say "no run: script of the action interpolates an input or other untrusted context"
python3 - "$src/action.yml" "$TRASH" <<'PY'
import re, sys, yaml
action = yaml.safe_load(open(sys.argv[1]))
bad = []
runs = action["runs"]
assert runs["using"] == "composite", runs["using"]
for want in ("spec", "base", "args", "version", "spec-from"):
    assert want in action["inputs"], "input missing: " + want
    assert "default" in action["inputs"][want], "input without default: " + want
assert action["inputs"]["base"]["default"] == "auto"
for want in ("result", "version", "next_version", "bump", "blocking_failures", "report_path"):
    assert want in action["outputs"], "output missing: " + want
    assert "steps.check.outputs." + want in action["outputs"][want]["value"], want
for i, step in enumerate(runs["steps"]):
    if "run" not in step:
        continue
    if re.search(r"\$\{\{[^}]*(inputs\.|github\.event|github\.head_ref)", step["run"]):
        bad.append(step.get("name", i))
    with open("%s/step%d.sh" % (sys.argv[2], i), "w") as out:
        out.write(step["run"])
if bad:
    sys.exit("run: scripts interpolate untrusted contexts: %s" % bad)
PY

if command -v shellcheck >/dev/null 2>&1; then
    say "shellcheck scripts/install-action.sh and the action's run: scripts"
    shellcheck "$src/scripts/install-action.sh" || fail "shellcheck: scripts/install-action.sh"
    for s in "$TRASH"/step*.sh; do
        shellcheck -s bash -e SC2129 "$s" || fail "shellcheck: action.yml run: script ($s)"
    done
else
    [ "${DSCI_REQUIRE_CLIENTS:-0}" != 1 ] || fail "shellcheck is not installed (DSCI_REQUIRE_CLIENTS=1; apt-get install shellcheck)"
    say "shellcheck is not installed: not linting the scripts (apt-get install shellcheck)"
fi

# The validator comes pinned from tests/npm/package-lock.json (scripts/npm-tools.sh).
set +e
npm_dir=$(sh "$DSCI_SOURCE_DIR/scripts/npm-tools.sh" 2>"$TRASH/npm.err")
rc=$?
set -e
if [ "$rc" -eq 77 ]; then
    cat "$TRASH/npm.err"
    skip_client "$(tail -n 1 "$TRASH/npm.err"): cannot validate action.yml and the workflows with action-validator"
fi
[ "$rc" -eq 0 ] || { cat "$TRASH/npm.err" >&2; fail "could not install @action-validator/cli"; }
validator=$npm_dir/node_modules/.bin/action-validator

for f in $files; do
    say "action-validator $f"
    # The validator resolves nothing relative to the file; run it from the source root.
    if ! (cd "$src" && "$validator" "$f") >"$TRASH/v.out" 2>&1; then
        cat "$TRASH/v.out" >&2
        fail "action-validator rejects $f"
    fi
    cat "$TRASH/v.out"
done

say "the validator rejects a composite step without shell (it is not a rubber stamp)"
mkdir broken
sed 's/^      shell: bash$//' "$src/action.yml" >broken/action.yml
if "$validator" broken/action.yml >v.out 2>&1; then
    fail "action-validator accepted a composite action whose run: steps lack shell:"
fi
grep -q '/shell"' v.out || { cat v.out >&2; fail "the rejection does not name shell"; }
