#!/bin/sh
# $GITHUB_OUTPUT carries only values dsci accepts: a version file whose "version" is not
# a semantic version (here with a line break and "::error::") gives an empty `version`
# output, and no value can add lines of its own to the file.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

gha() {
    GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$TRASH/summary.md" GITHUB_OUTPUT="$TRASH/output.txt" "$DSCI" "$@"
}

# well_formed FILE: every line is name=value, or a name<<DELIM block closed by DELIM;
# prints the output names, one a line.
well_formed() {
    python3 - "$1" <<'PY' || fail "$1 is not a well-formed GITHUB_OUTPUT file"
import re, sys
lines = open(sys.argv[1], encoding='utf-8').read().split('\n')
assert lines[-1] == '', 'no final newline'
i = 0
names = []
while i < len(lines) - 1:
    m = re.match(r'^([A-Za-z0-9_-]+)(=|<<)(.*)$', lines[i])
    assert m, 'stray line %r' % lines[i]
    names.append(m.group(1))
    if m.group(2) == '<<':
        end = lines.index(m.group(3), i + 1)
        i = end
    i += 1
print('\n'.join(names))
PY
}

output() {
    sed -n "s/^$1=//p" "$TRASH/output.txt"
}

copy_example
python3 - <<'PY'
import json
p = 'task-api/data/hf_dataset/version.json'
v = json.load(open(p))
v['version'] = '1.0.0\n::error::pwned\nversion=9.9.9'
json.dump(v, open(p, 'w'), indent=2)
PY
make_repo task-api
cd task-api

say "a version that is not semver is not passed on"
: >../output.txt
set +e
gha check --format json --output "$(printf 'rep\nresult=pass.json')" >out 2>err
set -e
well_formed ../output.txt >names
[ "$(grep -c '^version$' names)" = 1 ] || fail "one version output: $(cat ../output.txt)"
[ "$(grep -c '^result$' names)" = 1 ] || fail "one result output: $(cat ../output.txt)"
[ -z "$(output version)" ] || fail "version output: $(output version)"
expect_no_line ../output.txt "9.9.9"
expect_no_line ../output.txt "::error::pwned"
expect_line ../output.txt "report_path<<ghadelimiter_"

say "a valid version is passed on"
git checkout -q -- .
python3 - <<'PY'
import json
p = 'data/hf_dataset/version.json'
v = json.load(open(p))
v['version'] = '1.0.0'
json.dump(v, open(p, 'w'), indent=2)
PY
: >../output.txt
set +e
gha check >out 2>err
set -e
well_formed ../output.txt >names
[ "$(output version)" = 1.0.0 ] || fail "version output: $(cat ../output.txt)"
