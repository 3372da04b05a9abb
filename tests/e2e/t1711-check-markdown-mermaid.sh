#!/bin/sh
# The Mermaid charts of the markdown summary (issue 17) go through Mermaid's own parser
# (tests/npm-mermaid, pinned) with hostile category and split names: every block
# parses, each series has a value per label, and the labels read back (entity codes
# decoded) are the names, cut at 24 characters, with line breaks as spaces and bidi
# overrides as U+FFFD. The fence is never closed early; a baseline adds its bar series,
# each bar beside this run's ("name (baseline)" on the axis);
# more than 30 categories are capped. The github step summary carries the same charts.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
    fail "node and npm are needed to run Mermaid's parser (scripts/deps.sh test installs them)"
set +e
npm_dir=$(sh "$DSCI_SOURCE_DIR/scripts/npm-tools.sh" mermaid 2>"$TRASH/npm.err")
rc=$?
set -e
if [ "$rc" -eq 77 ]; then
    cat "$TRASH/npm.err"
    skip_client "$(tail -n 1 "$TRASH/npm.err"): cannot install Mermaid (tests/npm-mermaid)"
fi
[ "$rc" -eq 0 ] || { cat "$TRASH/npm.err" >&2; fail "could not install Mermaid (tests/npm-mermaid)"; }
# check.mjs resolves mermaid and jsdom from the folder it is in
cp "$DSCI_SOURCE_DIR/tests/npm-mermaid/check.mjs" "$npm_dir/check.mjs"
check() {
    node "$npm_dir/check.mjs" "$1" "$2" || { cat "$1" >&2; fail "Mermaid rejects or misreads the charts of $1"; }
}

python3 - <<'PY'
import json, os
names = ['a"b', 'x", "y', ']\n  bar [1]', '```\n# heading', "%%{init: {'theme':'dark'}}%%", 'a %% b',
         '<script>alert(1)</script>', '&amp; #quot; #35;', '`md`', '"`**bold**`"', 'style a fill:#f00;',
         'rtl \u202e evil', 'L' * 60]
splits = ['tr"ain', 'te<st>']
os.makedirs('ds/specs', exist_ok=True)
os.makedirs('ds/data', exist_ok=True)
cats = ''.join('      - {name: %s, min: 2, keywords: [kw%d]}\n' % (json.dumps(n), i) for i, n in enumerate(names))
files = ''.join('    %s: data/s%d.jsonl\n' % (json.dumps(s), i) for i, s in enumerate(splits))
open('ds/specs/ds.yaml', 'w').write('''dsci: 1
dataset:
  name: hostile
  format: sharegpt
  files:
%sgates:
  reproducibility: {level: off}
  splits: {level: off}
  leakage: {level: off}
  duplicates: {level: off}
  coverage:
    level: block
    by: keywords
    categories:
%s''' % (files, cats))
def ex(i, k):
    return json.dumps({"conversations": [{"from": "human", "value": "please kw%d now, item %d" % (k, i)},
                                         {"from": "gpt", "value": "done with item %d of kw%d" % (i, k)}]})
with open('ds/data/s0.jsonl', 'w') as f:
    for i in range(60):
        f.write(ex(i, i % len(names)) + '\n')
with open('ds/data/s1.jsonl', 'w') as f:
    for i in range(60, 70):
        f.write(ex(i, i % len(names)) + '\n')
def shown(n):
    n = n.replace('\n', ' ').replace('\u202e', '\ufffd')
    return n if len(n) <= 24 else n[:24] + '\u2026'
json.dump({"blocks": 2, "categories": [shown(n) for n in names], "splits": splits,
           "series": ["this run", "minimum"]}, open('want.json', 'w'))
json.dump({"blocks": 2, "categories": [x for n in names for x in (shown(n), shown(n) + " (baseline)")],
           "splits": splits, "series": ["this run", "baseline", "minimum"]}, open('want-base.json', 'w'))
PY

say "hostile names: Mermaid parses the charts and reads the names back"
dsci -C ds check --format markdown >summary.md 2>err || true
check summary.md want.json
# the only fences are the charts' own: two open, two close
[ "$(grep -c '^```' summary.md)" -eq 4 ] || { cat summary.md >&2; fail "a name opened or closed a code fence"; }
# inside the fences (the tables escape for markdown, not for Mermaid): no raw < % " `
python3 - <<'PY' || fail "a raw special character inside a Mermaid block"
import re
md = open("summary.md", encoding="utf-8").read()
for block in re.findall(r"^```mermaid\n(.*?)^```$", md, re.S | re.M):
    for line in block.splitlines():
        if line.startswith("  x-axis") or line.startswith('  "'):
            inner = re.sub(r'"[^"]*"', lambda m: m.group(0)[1:-1], line)
            assert not re.search(r'[<>%`&:]', inner.split("[", 1)[-1] if "x-axis" in line else inner.rsplit(":", 1)[0]), line
PY

say "with a baseline: its bars are a series of their own, beside this run's"
make_repo ds
git -C ds tag v1.0.0
head -n 30 ds/data/s0.jsonl >ds/data/s0.tmp && mv ds/data/s0.tmp ds/data/s0.jsonl
dsci -C ds check --format markdown >summary.md 2>err || true
expect_line summary.md '  bar "baseline" ['
check summary.md want-base.json

say "the github step summary carries the same charts"
: >step.md
GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=$PWD/step.md dsci -C ds check >out 2>err || true
check step.md want-base.json

say "more categories than a chart can show: 30, the rest counted"
python3 - <<'PY'
import json
cats = ''.join('      - {name: c%02d, min: 1, keywords: [k%02d]}\n' % (i, i) for i in range(45))
open('many.yaml', 'w').write('''dsci: 1
dataset:
  name: many
  format: sharegpt
  files:
    train: data/s0.jsonl
    test: data/s1.jsonl
gates:
  reproducibility: {level: off}
  splits: {level: off}
  leakage: {level: off}
  duplicates: {level: off}
  coverage:
    level: block
    by: keywords
    categories:
%s''' % cats)
json.dump({"blocks": 2}, open('want-many.json', 'w'))
PY
mkdir -p many/specs && cp many.yaml many/specs/ && cp -R ds/data many/data
dsci -C many check --format markdown >summary.md 2>err || true
check summary.md want-many.json
expect_line summary.md "The chart shows 30 of 45 categories"
