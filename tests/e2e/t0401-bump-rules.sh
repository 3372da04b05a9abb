#!/bin/sh
# dsci bump on a real repository tagged dataset-v1.0.0, one kind of change at a time:
# added examples are minor, an edited text is a patch, a removed category or a changed
# format is major. The version file it writes records the files' real checksums, and
# `dsci check` then passes its checksums check.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3
need_command sha256sum

copy_example
cd task-api
make_repo . "dataset 1.0.0"
git tag -a -m "dataset 1.0.0" dataset-v1.0.0
VF=data/hf_dataset/version.json

# checksums_match: every split's checksum, bytes and examples in the version file
# are those of its file on disk.
checksums_match() {
    python3 - "$VF" <<'PY' || fail "the version file does not match the data"
import hashlib, json, os, sys
vf = json.load(open(sys.argv[1]))
for name, s in vf["splits"].items():
    data = open(s["path"], "rb").read()
    want = "sha256:" + hashlib.sha256(data).hexdigest()
    assert s["checksum"] == want, (name, s["checksum"], want)
    assert s["bytes"] == len(data), (name, s["bytes"], len(data))
    assert s["examples"] == data.count(b"\n"), (name, s["examples"])
PY
    for split in train val test; do
        sum=$(sha256sum "data/splits/$split.jsonl" | cut -d' ' -f1)
        grep -q "\"checksum\": \"sha256:$sum\"" "$VF" || { cat "$VF" >&2; fail "no checksum $sum for $split"; }
    done
}

# back to the tagged version
reset() {
    git checkout -q -- .
    git clean -qfd
}

say "added examples: minor"
python3 - <<'PY'
import json
path = "data/splits/train.jsonl"
recs = [json.loads(l) for l in open(path, encoding="utf-8")]
with open(path, "a", encoding="utf-8") as f:
    for k in range(12):
        r = json.loads(json.dumps(recs[k]))
        r["id"] = "task-api-new-%d" % k
        r["conversations"][0]["value"] += " (variant %d)" % k
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
PY
test_ok dsci bump
expect_line out "dsci: 1.0.0 -> 1.1.0 (minor: 12 examples added, net +12)"
expect_line out "dsci: wrote data/hf_dataset/version.json"
checksums_match
python3 - "$VF" <<'PY'
import json, sys
vf = json.load(open(sys.argv[1]))
assert vf["version"] == "1.1.0" and vf["previous"] == "1.0.0", vf
assert vf["created"] == "2025-01-01T15:00:00Z", vf["created"]          # SOURCE_DATE_EPOCH
assert vf["changes"] == {"added": 12, "removed": 0, "modified": 0}, vf["changes"]
assert vf["splits"]["train"]["examples"] == 116, vf["splits"]["train"]
assert list(vf) == ["version", "previous", "created", "splits", "generation_config", "changes"], list(vf)
assert vf["generation_config"]["random_seed"] == 20250101
PY
# (the card, which bump does not write, may be reported stale: only the checksums matter here)
dsci check --format json --output report.json >/dev/null || true
python3 - <<'PY'
import json
r = json.load(open("report.json"))
checks = {c["id"]: c["status"] for g in r["gates"] for c in g["checks"]}
assert checks["reproducibility.checksums"] == "pass", checks
assert checks["reproducibility.version"] == "pass", checks
PY
rm report.json

say "bump twice: the second run changes nothing"
cp "$VF" "$TRASH/first.json"
SOURCE_DATE_EPOCH=1767225600 test_ok dsci bump
expect_line out "dsci: 1.0.0 -> 1.1.0 (minor: 12 examples added, net +12)"
expect_line out "dsci: version file already up to date (1.1.0)"
expect_no_line out "wrote"
test_cmp "$TRASH/first.json" "$VF"
reset

say "an edited text: patch"
python3 - <<'PY'
import json
path = "data/splits/val.jsonl"
recs = [json.loads(l) for l in open(path, encoding="utf-8")]
recs[3]["conversations"][1]["value"] += " Let me know if anything else changes."
with open(path, "w", encoding="utf-8") as f:
    for r in recs:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
PY
test_ok dsci bump
expect_line out "dsci: 1.0.0 -> 1.0.1 (patch: 1 example modified)"
checksums_match
grep -q '"modified": 1' "$VF" || fail "changes.modified is not 1"
reset

say "reformatting a file (same examples, other bytes): patch"
python3 - <<'PY'
import json
path = "data/splits/test.jsonl"
recs = [json.loads(l) for l in open(path, encoding="utf-8")]
with open(path, "w", encoding="utf-8") as f:
    for r in recs:
        f.write(json.dumps(r, ensure_ascii=True, separators=(",", ":")) + "\n")
PY
test_ok dsci bump
expect_line out "dsci: 1.0.0 -> 1.0.1 (patch: data/splits/test.jsonl changed, its examples did not)"
checksums_match
reset

say "a removed category: major"
# The regression gate would block this; bump does not run on check's verdict, but keep
# the scenario honest: a team that removes a category on purpose turns the gate off.
sed -i '/^  regression:/{n;s/level: block/level: off/}' specs/task-api.yaml
git commit -q -am "regression gate off"
python3 - <<'PY'
import json
for split in ("train", "val", "test"):
    path = "data/splits/%s.jsonl" % split
    recs = [json.loads(l) for l in open(path, encoding="utf-8")]
    with open(path, "w", encoding="utf-8") as f:
        for r in recs:
            if r["metadata"]["operation"] != "Delete":
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
PY
test_ok dsci bump --format json
python3 - <<'PY'
import json
o = json.load(open("out"))
assert o["previous"] == "1.0.0" and o["version"] == "2.0.0" and o["bump"] == "major", o
assert o["reason"] == "category 'Delete' removed (24 examples before, none now)", o["reason"]
assert o["written"] is True and o["tag"] is None and o["baseline"] == "dataset-v1.0.0", o
assert [r["rule"] for r in o["rules"]] == ["category_removed", "removed_over_limit", "examples_modified"], o["rules"]
PY
checksums_match
git reset -q --hard dataset-v1.0.0

say "a split converted to OpenAI messages: major"
sed -i 's/^  format: sharegpt /  format: auto     /' specs/task-api.yaml
git commit -q -am "format: auto"
python3 - <<'PY'
import json
path = "data/splits/test.jsonl"
recs = [json.loads(l) for l in open(path, encoding="utf-8")]
with open(path, "w", encoding="utf-8") as f:
    for r in recs:
        msgs = [{"role": "user" if m["from"] == "human" else "assistant", "content": m["value"]}
                for m in r["conversations"]]
        f.write(json.dumps({"id": r.get("id"), "messages": msgs, "metadata": r["metadata"]},
                           ensure_ascii=False) + "\n")
PY
test_ok dsci bump
expect_line out "dsci: 1.0.0 -> 2.0.0 (major: split 'test' changed format from sharegpt to openai)"
checksums_match
git reset -q --hard dataset-v1.0.0

say "versioning.rules overrides a default"
sed -i 's/^  tag_prefix: dataset-v .*/  tag_prefix: dataset-v\n  rules: {examples_modified: minor}/' specs/task-api.yaml
git commit -q -am "edits are minor here"
sed -i '2s/"value": "/"value": "Quick one: /' data/splits/test.jsonl
test_ok dsci bump --dry-run
expect_line out "dsci: 1.0.0 -> 1.1.0 (minor: 1 example modified)"
sed -i 's/examples_modified: minor/examples_modifed: minor/' specs/task-api.yaml
test_must_fail 2 dsci bump
expect_line err "unknown key 'examples_modifed' in versioning.rules (did you mean 'examples_modified'?)"
