#!/bin/sh
# The HTML report's numbers come from the result: a warm cache, a cold check and the
# merge of a sharded check give the same page (length histograms included, which the
# quality gate counts in replay()). In GitHub Actions the step summary links to the
# run's artifacts when the check wrote an HTML file, and to nothing when the runner's
# values are malformed.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3 "generates the data"

export DSCI_CHUNK_BYTES=16384
git init -q repo
cd repo
mkdir -p specs data
python3 "$DSCI_SOURCE_DIR/tests/data/gen_messy.py" data/test.jsonl 200 2
python3 "$DSCI_SOURCE_DIR/tests/data/gen_messy.py" data/train.jsonl 2000 1 --leak-from data/test.jsonl
cat >specs/d.yaml <<'YAML'
dsci: 1
dataset:
  name: html-test
  format: auto
  files:
    train: data/train.jsonl
    test: data/test.jsonl
versioning: {tag_prefix: v}
gates:
  format: {level: block}
  coverage:
    level: block
    by: keywords
    categories:
      - {name: Create, min: 5, keywords: [create, set up]}
      - {name: Archive, min: 5, keywords: [archive]}
  quality: {level: warn}
  duplicates: {exact: block, near: warn, threshold: 0.8}
  leakage: {level: block, near_threshold: 0.9}
  pii: {level: block, detect: [email, phone]}
  splits: {level: off}
  reproducibility: {level: off}
  regression: {level: block, coverage_drop: block, max_removed: 5%}
YAML
git add -A
git commit -q -m data
git tag -a v1.0.0 -m v1.0.0
python3 - <<'PY'
p = "data/train.jsonl"
lines = open(p, encoding="utf-8").read().split("\n")[:-1]
lines.insert(3, lines[200])
del lines[1000:1040]
open(p, "w", encoding="utf-8").write("\n".join(lines) + "\n")
PY
git commit -q -am edits

say "cold, warm and merged checks write the same page"
test_must_fail 1 dsci check --no-cache --format html --output ../cold.html
expect_line ../cold.html 'id="lengths"'
expect_line ../cold.html 'id="diff"'
expect_line ../cold.html '<div class="quote">'
test_must_fail 1 dsci check --format html --output ../fill.html
test_must_fail 1 dsci check --format html --output ../warm.html
test_cmp ../cold.html ../warm.html
for n in 1 3; do
    rm -rf parts && mkdir parts
    i=1
    while [ "$i" -le "$n" ]; do
        dsci check --shard "$i/$n" --summary-out "parts/$i.dsum" -q || fail "shard $i/$n exited $?"
        i=$((i + 1))
    done
    test_must_fail 1 dsci merge parts/*.dsum --format html --output "../merge$n.html"
    test_cmp ../cold.html "../merge$n.html"
done

say "in GitHub Actions the step summary links to the run's artifacts"
gha() {
    env GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$TRASH/summary.md" GITHUB_OUTPUT="$TRASH/output.txt" \
        GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=o/r GITHUB_RUN_ID=12345 \
        GITHUB_SHA="$(git rev-parse HEAD)" "$@"
}
: >"$TRASH/summary.md"
gha "$DSCI" check --format html --output dsci-report.html >/dev/null 2>&1 || true
expect_line "$TRASH/summary.md" "HTML report with charts: \`dsci-report.html\` in [this run's artifacts](https://github.com/o/r/actions/runs/12345)."
expect_line dsci-report.html "<a href=\"https://github.com/o/r/blob/$(git rev-parse HEAD)/data/train.jsonl#L"

say "no link without an HTML file, nor with a malformed run id or server"
: >"$TRASH/summary.md"
gha "$DSCI" check --format json --output r.json >/dev/null 2>&1 || true
expect_no_line "$TRASH/summary.md" "HTML report"
: >"$TRASH/summary.md"
gha env GITHUB_RUN_ID='1)[x](javascript:alert(1)' "$DSCI" check --format html --output r.html >/dev/null 2>&1 || true
expect_no_line "$TRASH/summary.md" "HTML report"
: >"$TRASH/summary.md"
gha env GITHUB_SERVER_URL='https://evil.example/x' "$DSCI" check --format html --output r.html >/dev/null 2>&1 || true
expect_no_line "$TRASH/summary.md" "HTML report"
expect_no_line r.html "<a href"
