#!/bin/sh
# Issue 16: the preference gate keeps the two-step model, so a check that reuses kept chunk
# summaries and a merge of shard parts give the JSON report of a cold check, byte for
# byte (the date aside for the merge): on a preference dataset with identical,
# near-identical and contradictory pairs (across files and chunks), length bias and
# e-mails in rejected replies, after an edit, and with another near_threshold (which must
# not reuse summaries made with the old one).
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3 "generates the data"

export DSCI_CHUNK_BYTES=16384
git init -q repo
cd repo
mkdir -p specs data
python3 "$DSCI_SOURCE_DIR/tests/data/gen_pairs.py" data/train.jsonl 3000 1
python3 "$DSCI_SOURCE_DIR/tests/data/gen_pairs.py" data/test.jsonl 300 2 --swap-from data/train.jsonl
cat >specs/d.yaml <<'YAML'
dsci: 1
dataset:
  name: pref-cache
  format: preference
  files: {train: data/train.jsonl, test: data/test.jsonl}
gates:
  format: {level: block}
  coverage: {level: off}
  quality: {level: warn}
  duplicates: {exact: block, near: warn, threshold: 0.8}
  leakage: {level: block, near_threshold: 0.9}
  pii: {level: block, detect: [email]}
  splits: {level: off}
  reproducibility: {level: off}
  preference: {near_threshold: 0.95}
YAML
git add -A
git commit -q -m data

# cache NAME: the report with the cache (filling, then reusing) equals the one without
cache() {
    name=$1
    set +e
    dsci check --no-cache --format json --output "$name.cold.json" 2>/dev/null
    cold=$?
    dsci check --format json --output "$name.fill.json" 2>/dev/null
    fill=$?
    dsci check --explain-cache --format json --output "$name.warm.json" 2>"$name.explain"
    warm=$?
    set -e
    [ "$cold" = 1 ] || fail "$name: the cold check exited $cold, expected 1 (blocking pairs)"
    [ "$cold" = "$fill" ] && [ "$cold" = "$warm" ] || fail "$name: exit codes $cold (cold) $fill (fill) $warm (warm)"
    test_cmp "$name.cold.json" "$name.fill.json"
    test_cmp "$name.cold.json" "$name.warm.json"
    grep -q "head: .* 0 read" "$name.explain" || { cat "$name.explain" >&2; fail "$name: the warm run read chunks"; }
}

# shards NAME: a merge of N shard parts equals one check, N = 1, 2, 3, 7
shards() {
    name=$1
    dsci check --no-cache --format json --output "$name.whole.json" 2>/dev/null && want=0 || want=$?
    sed '/"date":/d' "$name.whole.json" >"$name.expect"
    for n in 1 2 3 7; do
        rm -rf parts && mkdir parts
        i=1
        while [ "$i" -le "$n" ]; do
            dsci check --shard "$i/$n" --summary-out "parts/$i.dsum" -q || fail "$name: shard $i/$n exited $?"
            i=$((i + 1))
        done
        dsci merge parts/*.dsum --format json --output "$name.$n.json" 2>"$name.$n.err" && got=0 || got=$?
        [ "$got" = "$want" ] || { cat "$name.$n.err" >&2; fail "$name: merge of $n shards exited $got, check $want"; }
        sed '/"date":/d' "$name.$n.json" >"$name.$n.got"
        test_cmp "$name.expect" "$name.$n.got"
    done
}

say "the planted defects are found"
cache first
python3 - <<'PY'
import json
r = json.load(open("first.cold.json"))
p = r["metrics"]["preference"]
assert p["pairs"] == 3360, p
assert p["identical"] >= 30 and p["near_identical"] >= 20 and p["contradictory"] >= 50, p
assert p["chosen_longer_share"] > 0.65, p
checks = {c["id"]: c for s in r["gates"] for c in s["checks"]}
assert checks["preference.length_bias"]["status"] == "warn", checks["preference.length_bias"]
rejected = [f for f in checks["pii.email"]["findings"] if f["message"].endswith("in the rejected reply")]
assert len(rejected) >= 20, checks["pii.email"]["findings_total"]
cross = [f for f in checks["preference.contradictory"]["findings"]
         if f["path"] == "data/test.jsonl" and f["related"][0]["path"] == "data/train.jsonl"]
assert len(cross) >= 50, len(cross)
PY
shards first

say "an edit in the middle of train: warm equals cold, shards equal the check"
python3 - <<'PY'
import json
p = "data/train.jsonl"
lines = open(p, encoding="utf-8").read().split("\n")[:-1]
r = json.loads(lines[1500])
r["rejected"] = r["chosen"]
lines[1500] = json.dumps(r)
lines.insert(10, json.dumps({"prompt": r["prompt"], "chosen": r["chosen"], "rejected": r["chosen"] + "!"}))
open(p, "w", encoding="utf-8").write("\n".join(lines) + "\n")
PY
cache edited
shards edited
grep -q '"line": 1502' edited.cold.json || fail "the identical pair planted at line 1502 is not in the report"

say "another near_threshold is another report, never the old summaries'"
sed -i 's/near_threshold: 0.95}/near_threshold: 0.5}/' specs/d.yaml
cache threshold
python3 - <<'PY'
import json
a = json.load(open("edited.cold.json"))["metrics"]["preference"]
b = json.load(open("threshold.cold.json"))["metrics"]["preference"]
assert b["near_identical"] > a["near_identical"], (a, b)
PY
shards threshold
