#!/bin/sh
# --format html: one self-contained page of a failing pull request (a coverage gap
# against the minimum and the baseline, a duplicate, a leak, PII) that headless
# Chromium renders (a screenshot) and whose DOM holds the verdict, every category and
# the gap. Hostile data (<script>, </svg>, javascript:, an RTL override, an event
# handler attribute) in a category name, the dataset name and a quoted text stays
# inert: no script element, no on* attribute, no javascript: link. The only URLs are
# the GitHub blob links built from a validated runner environment.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

rlo=$(printf '\342\200\256')
hostile="<script>alert(1)</script> </svg><script>alert(2)</script> javascript:alert(3) ${rlo}evil\\\" onmouseover=alert(4) x"

say "a released version, then a pull request that breaks it"
copy_example
make_repo task-api
(cd task-api && git tag dataset-v1.0.0)
cd task-api
for f in data/splits/*.jsonl; do
    grep -v '"operation": "Delete"' "$f" >"$f.new" || true
    mv "$f.new" "$f"
done
sed -n 3p data/splits/train.jsonl >>data/splits/train.jsonl            # an exact duplicate
sed -n 2p data/splits/test.jsonl >>data/splits/train.jsonl             # a leak of test into train
printf '%s\n' '{"conversations": [{"from": "human", "value": "Email me at jane.doe@corp-mail.net to create the task"}, {"from": "gpt", "value": "Sure, I will create a task for it."}]}' \
    >>data/splits/train.jsonl
line="{\"conversations\": [{\"from\": \"human\", \"value\": \"Create a task: $hostile\"}, {\"from\": \"gpt\", \"value\": \"Created the task $hostile for you.\"}]}"
printf '%s\n%s\n' "$line" "$line" >>data/splits/train.jsonl
# a category named by hostile text, with a keyword nothing matches: a gap below its minimum
sed -i "s|      - {name: Query,|      - {name: '$hostile', min: 3, keywords: [zzqqxx]}\n      - {name: Query,|" specs/task-api.yaml
sed -i "s|^  name: task-api|  name: 'task-api $hostile'|" specs/task-api.yaml
git add -A && git commit -q -m "a change"
test_must_fail 1 dsci check --format html --output ../report.html
cd ..
[ -s report.html ] || fail "no report.html"

say "the file is one page without scripts or resources"
expect_line report.html "<!DOCTYPE html>"
expect_no_line report.html "<script"
expect_no_line report.html "src="
if grep -Eq 'https?://' report.html; then
    grep -Eo '.{40}https?://.{40}' report.html >&2
    fail "a URL outside GitHub Actions"
fi
expect_line report.html "@media (prefers-color-scheme:dark)"
expect_line report.html '<svg role="img"'
expect_line report.html "below min"
expect_line report.html "[U+202E]"
expect_line report.html '&lt;script&gt;alert(1)&lt;/script&gt;'
expect_line report.html '<div class="quote">'

# checks the page's DOM (as a browser built it, or the file itself): no script element,
# no event handler attribute, no link but https://github.com/o/r/blob/<sha>/.
cat >dom_check.py <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.bad = []; self.links = 0
    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "foreignobject", "img", "link", "base"):
            self.bad.append("element " + tag)
        for k, v in attrs:
            if k.lower().startswith("on"):
                self.bad.append("attribute " + k)
            if k.lower() in ("href", "xlink:href", "src", "action", "formaction"):
                self.links += 1
                if not (v or "").startswith(sys.argv[2]):
                    self.bad.append("link " + repr(v))
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
if p.bad:
    print("\n".join(p.bad)); sys.exit(1)
print("links", p.links)
PY
python3 dom_check.py report.html "https://github.com/o/r/blob/" >dom.txt || { cat dom.txt >&2; fail "report.html"; }
expect_line dom.txt "links 0"

say "in GitHub Actions each finding links to its line at the commit, path encoded"
sha=$(git -C task-api rev-parse HEAD)
(cd task-api && GITHUB_ACTIONS=true GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=o/r GITHUB_SHA=$sha \
    test_must_fail 1 "$DSCI" check --format html --output ../gh.html)
expect_line gh.html "<a href=\"https://github.com/o/r/blob/$sha/data/splits/train.jsonl#L"
python3 dom_check.py gh.html "https://github.com/o/r/blob/$sha/" >dom.txt || { cat dom.txt >&2; fail "gh.html"; }
others=$(grep -Eo 'https?://[^"<> ]*' gh.html | grep -v "^https://github.com/o/r/blob/$sha/" || true)
[ -z "$others" ] || fail "URLs other than the blob links: $others"
# a removed example's place is in the baseline: shown, never linked at the head's commit
expect_line gh.html 'in the baseline:</span> <code>data/splits/train.jsonl:3</code>'
expect_line gh.html '<td>removed</td><td><code>data/splits/train.jsonl:3</code>' 
expect_no_line dom.txt "links 0"

say "a malformed runner environment gives no link at all"
for env in "GITHUB_SERVER_URL=javascript:alert(1)//" "GITHUB_SERVER_URL=http://github.com" \
           "GITHUB_REPOSITORY=o/r\"onmouseover=x" "GITHUB_SHA=abc" "GITHUB_REPOSITORY=../r"; do
    (cd task-api && env GITHUB_ACTIONS=true GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=o/r GITHUB_SHA=$sha \
        "$env" "$DSCI" check --format html --output ../bad.html >/dev/null 2>&1) || true
    if grep -q '<a href' bad.html; then fail "a link with $env"; fi
done

say "headless Chromium renders it: a screenshot, and the DOM has the verdict, the categories and the gap"
browser=
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
[ -n "$browser" ] || skip_client "no chromium (Debian package chromium; scripts/deps.sh test installs it)"
run_browser() {
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --disable-dev-shm-usage \
        --user-data-dir="$TRASH/chromium-profile" "$@" 2>browser.err
}
if ! run_browser --screenshot="$TRASH/out.png" --window-size=1280,2000 "file://$TRASH/report.html" >/dev/null ||
   [ ! -s out.png ]; then
    tail -5 browser.err >&2
    skip_client "chromium could not run here"
fi
[ "$(head -c 8 out.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "out.png is not a PNG"
[ "$(wc -c <out.png)" -gt 20000 ] || fail "the screenshot is nearly empty ($(wc -c <out.png) bytes)"
run_browser --dump-dom "file://$TRASH/report.html" >dom.html || { tail -5 browser.err >&2; fail "chromium --dump-dom"; }
expect_line dom.html "FAIL — "
expect_line dom.html "blocking failures"
for c in Create Update Complete Delete Query '&lt;script&gt;alert(1)&lt;/script&gt;'; do
    expect_line dom.html "$c"
done
expect_line dom.html "below min: 15 more needed"
expect_line dom.html "below min: 3 more needed"
python3 dom_check.py dom.html "https://github.com/o/r/blob/" >dom.txt || { cat dom.txt >&2; fail "the browser's DOM"; }
