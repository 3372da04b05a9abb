#!/bin/sh
# A catastrophic regex in gates.pii.allow (nested quantifiers on hostile input) stops at
# PCRE2's match limit within seconds: exit 2 naming the spec line of the regex and the
# limit, never a run that hangs. The built-in detectors run under the same limits.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir -p ds/specs ds/data
python3 - <<'PY'
import json
def conv(q, a):
    return {"conversations": [{"from": "human", "value": q}, {"from": "gpt", "value": a}]}
rows = []
for i in range(2000):
    # 'aaaa.aaaa....' local parts for the first regex, long runs of 'a' for the second
    local = ".".join(["aaaa"] * 12) if i % 2 else "a" * 60
    rows.append(conv(f"write to {local}@corp-mail.net please ({i})", "Noted, I will write."))
open("ds/data/train.jsonl", "w").write("".join(json.dumps(r) + "\n" for r in rows))
# hostile input for the built-in detectors: huge runs that look like starts of matches
big = ("a" * 5000 + "@" + "a." * 20000 + "1.2." * 5000 + "+1 " + "2 " * 20000
       + ":" + "a:" * 20000 + "sk-" + "A" * 50000)
open("ds/data/big.jsonl", "w").write(json.dumps(conv(big, "ok")) + "\n")
PY

write_spec() {
    cat >ds/specs/p.yaml <<YAML
dsci: 1
dataset:
  name: redos
  format: sharegpt
  files: {train: data/train.jsonl}
gates:
  reproducibility: {level: off}
  quality: {level: off}
  coverage: {level: off}
  duplicates: {level: off}
  leakage: {level: off}
  pii:
    level: block
    allow:
      - example.com
      - '$1'
YAML
}

run_bounded() {
    start=$(date +%s)
    test_must_fail 2 timeout 60 "$DSCI" -C ds check
    took=$(( $(date +%s) - start ))
    [ "$took" -le 5 ] || fail "the run took ${took}s"
}

write_spec '/^([a-z0-9]+\.?)+@example\.com$/'
run_bounded
expect_line err "specs/p.yaml:16:9: gates.pii.allow: the regex '/^([a-z0-9]+\.?)+@example\.com\$/' hit PCRE2's"
expect_line err "limit"

write_spec '/(a|aa)+$/'
run_bounded
expect_line err "specs/p.yaml:16:9: gates.pii.allow: the regex '/(a|aa)+\$/' hit PCRE2's"

# a sane regex on the same data: no error, the emails are allowed
write_spec '/^[a-z.]+@corp-mail\.net$/'
test_ok dsci -C ds check
expect_line out "[PASS] Emails: none found"

# the built-in detectors on one hostile record: bounded time, no crash
sed -i 's|files: {train: data/train.jsonl}|files: {train: data/big.jsonl}|' ds/specs/p.yaml
start=$(date +%s)
set +e
timeout 60 "$DSCI" -C ds check >out 2>err
rc=$?
set -e
took=$(( $(date +%s) - start ))
[ "$rc" -le 1 ] || { cat err >&2; fail "built-in detectors: exit $rc"; }
[ "$took" -le 5 ] || fail "built-in detectors took ${took}s"

# many values that each stay under the match limit (27 'a's: a few hundred thousand
# steps apiece) add up: the regex's total CPU time is bounded too, exit 2 naming it
python3 - <<'PY'
import json
rows = []
for i in range(8000):
    local = "a" * 27
    q = f"mail {local}@corp.net {local}@corp.org {local}@corp.io ({i})"
    rows.append(json.dumps({"conversations": [{"from": "human", "value": q}, {"from": "gpt", "value": "Noted."}]}))
open("ds/data/many.jsonl", "w").write("\n".join(rows) + "\n")
PY
write_spec '/^(a|aa)+$/'
sed -i 's|files: {train: data/train.jsonl}|files: {train: data/many.jsonl}|' ds/specs/p.yaml
test_must_fail 2 timeout 120 "$DSCI" -C ds check
expect_line err "specs/p.yaml:16:9: gates.pii.allow: the regex '/^(a|aa)+\$/' hit PCRE2's total CPU time limit"
