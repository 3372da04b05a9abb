#!/bin/sh
# Issue 16: the PII gate reads a preference pair's rejected reply too: an e-mail address
# only in a rejected reply blocks at the record's line, and the finding says where it
# was (text, JSON, SARIF); one in the prompt or the chosen reply reads as before.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

mkdir ds && cd ds
mkdir -p specs data
cat >specs/d.yaml <<'YAML'
dsci: 1
dataset:
  name: prefs
  format: preference
  files:
    train: data/train.jsonl
gates:
  reproducibility: {level: off}
  coverage: {level: off}
  splits: {level: off}
  quality: {level: off}
  preference: {length_bias: off}
  pii: {level: block, detect: [email]}
YAML
python3 - <<'PY'
import json
rows = [
    {"prompt": "How do I reset my password?", "chosen": "Use the reset link on the sign-in page.",
     "rejected": "No idea."},
    {"prompt": "Who handles refunds?", "chosen": "The billing team, through the help centre form.",
     "rejected": "Write to jane.doe@corp-mail.io and she will sort it out."},    # line 2
    {"prompt": "Thanks!", "chosen": "You're welcome.", "rejected": "Whatever."},
]
with open("data/train.jsonl", "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
PY
make_repo .

say "an e-mail only in a rejected reply blocks at its line"
test_must_fail 1 dsci check --format text --format json --output r.json --format sarif --output r.sarif
expect_line out "[FAIL] Emails: 1 found in 1 example"
expect_line out "data/train.jsonl:2: email j***@c********.io in the rejected reply"
python3 - <<'PY'
import json
r = json.load(open("r.json"))
c = [c for s in r["gates"] if s["gate"] == "pii" for c in s["checks"] if c["id"] == "pii.email"][0]
assert c["blocking"] and [(f["path"], f["line"], f["kind"], f["message"]) for f in c["findings"]] == \
    [("data/train.jsonl", 2, "pii_email", "email j***@c********.io in the rejected reply")], c
s = json.load(open("r.sarif"))
res = [x for x in s["runs"][0]["results"] if x["properties"]["check"] == "pii.email"]
assert len(res) == 1 and res[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 2, res
PY

say "in the chosen reply it reads as in any conversation"
python3 - <<'PY'
import json
with open("data/train.jsonl", "a") as f:
    f.write(json.dumps({"prompt": "Contact?", "chosen": "Mail bob.smith@corp-mail.io.", "rejected": "None."}) + "\n")
PY
test_must_fail 1 dsci check
expect_line out "[FAIL] Emails: 2 found in 2 examples"
expect_line out "data/train.jsonl:4: email b***@c********.io"
expect_no_line out "data/train.jsonl:4: email b***@c********.io in the rejected reply"

say "allowed domains are allowed on the rejected side too"
sed -i 's/detect: \[email\]}/detect: [email], allow: [corp-mail.io]}/' specs/d.yaml
test_ok dsci check
expect_line out "[PASS] Emails: none found"
