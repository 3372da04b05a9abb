#!/bin/sh
# The version file bump writes: keys it does not compute survive with their values as
# written (numbers keep their text, nesting, order, unicode); a file that does not parse
# is reported with file:line and left alone; the first version; a split of several
# files; outside git.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

copy_example
cd task-api
VF=data/hf_dataset/version.json

say "keys dsci does not compute are kept as written"
python3 - "$VF" <<'PY'
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read().rstrip()
assert text.endswith("}")
extra = ''',
  "maintainers": ["Zoë", {"team": "données", "emoji": "\\ud83d\\ude00"}],
  "quality_report": {"score": 1.50, "big": 12345678901234567890, "tiny": 1e-7, "ok": true, "none": null},
  "tokenizer_note": "cl100k",
  "empty": {}, "list": []
}'''
text = text[:-1].rstrip() + extra
# a tokenizer block between generation_config and changes
text = text.replace('  "changes": {', '  "tokenizer": {"name": "cl100k_base", "vocab_size": 100277},\n  "changes": {', 1)
open(path, "w", encoding="utf-8").write(text + "\n")
PY
make_repo . "dataset 1.0.0"
git tag -a -m "dataset 1.0.0" dataset-v1.0.0
cp "$VF" "$TRASH/old.json"
python3 - <<'PY'
import json
path = "data/splits/test.jsonl"
recs = [json.loads(l) for l in open(path, encoding="utf-8")]
recs[0]["conversations"][1]["value"] += " Done."
open(path, "w", encoding="utf-8").write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs))
PY
test_ok dsci bump
expect_line out "dsci: 1.0.0 -> 1.0.1 (patch: 1 example modified)"
expect_line out "dsci: run \`dsci card\` to bring data/hf_dataset/README.md up to date with it"
python3 - "$TRASH/old.json" "$VF" <<'PY'
import json, sys
def load(p):   # numbers as their text, keys in order
    return json.loads(open(p, encoding="utf-8").read(), parse_float=lambda s: "float:" + s,
                      parse_int=lambda s: "int:" + s, object_pairs_hook=lambda kv: kv)
old, new = dict(load(sys.argv[1])), load(sys.argv[2])
keys = [k for k, _ in new]
assert keys == ["version", "previous", "created", "splits", "generation_config", "tokenizer", "changes",
                "maintainers", "quality_report", "tokenizer_note", "empty", "list"], keys
new = dict(new)
for k in ("generation_config", "tokenizer", "maintainers", "quality_report", "tokenizer_note", "empty", "list"):
    assert new[k] == old[k], (k, new[k], old[k])
assert new["version"] == "1.0.1" and new["previous"] == "1.0.0"
PY
grep -q '"score": 1.50,' "$VF" || fail "1.50 lost its text"
grep -q '"big": 12345678901234567890,' "$VF" || fail "a big integer lost its text"
grep -q '"tiny": 1e-7,' "$VF" || fail "1e-7 lost its text"
grep -q '"emoji": "😀"' "$VF" || fail "the emoji is not kept"
grep -q '"Zoë",' "$VF" || fail "Zoë is not kept"

say "a version file that does not parse is reported with its line and left alone"
git checkout -q -- .
printf '{\n  "version": "1.0.0",\n  "splits": {\n    "train": {"path": "x",}\n  }\n}\n' >"$VF"
cp "$VF" "$TRASH/bad.json"
sed -i '2s/"value": "/"value": "Hi! /' data/splits/val.jsonl
test_must_fail 2 dsci bump
expect_line err "dsci: data/hf_dataset/version.json:4: invalid version file"
test_cmp "$TRASH/bad.json" "$VF"
printf '{\n  "splits": {},\n  "version": 1.1\n}\n' >"$VF"
test_must_fail 2 dsci bump
expect_line err "dsci: data/hf_dataset/version.json:3: 'version' must be a string"
printf '{"version": "v1"}\n' >"$VF"
test_must_fail 2 dsci bump --base none
expect_line err "data/hf_dataset/version.json: version"
git checkout -q -- .

say "a spec without version_file"
sed -i '/^  version_file:/d' specs/task-api.yaml
test_must_fail 2 dsci bump
expect_line err "dataset.version_file is not set"
git checkout -q -- .

say "no tag and no version file: the first version is 1.0.0"
git rm -q "$VF"
git tag -d dataset-v1.0.0 >/dev/null
test_ok dsci bump
expect_line out "dsci: 1.0.0 (first version: no baseline tag and no version file)"
python3 - "$VF" <<'PY'
import json, sys
vf = json.load(open(sys.argv[1]))
assert vf["version"] == "1.0.0" and vf["previous"] is None, vf
assert vf["generation_config"] == {"random_seed": None, "model": None}, vf["generation_config"]
assert vf["changes"] == {"added": 130, "removed": 0, "modified": 0}, vf["changes"]
PY
cp "$VF" "$TRASH/first.json"
test_ok dsci bump
expect_line out "dsci: no change since version 1.0.0; nothing to bump"
test_cmp "$TRASH/first.json" "$VF"

say "a hand-written version to start from"
printf '{"version": "0.1.0", "generation_config": {"random_seed": 7, "model": "m"}}\n' >"$VF"
test_ok dsci bump
expect_line out "dsci: 0.1.0 (first record of 0.1.0: the version file listed no splits)"
grep -q '"version": "0.1.0"' "$VF" || fail "the version was not kept"
grep -q '"random_seed": 7' "$VF" || fail "the seed was not kept"
test_ok dsci bump
expect_line out "nothing to bump"

say "outside git: bumped from the version file's record"
rm -rf .git
sed -i '$d' data/splits/train.jsonl
test_ok dsci bump
expect_line err "not in a git repository"
expect_line out "dsci: 0.1.0 -> 0.1.1 (patch: split 'train' changed, net -1)"
test_must_fail 3 dsci bump --base v1
expect_line err "needs a git repository"
test_ok dsci bump --base none -q
test ! -s err || fail "-q printed notes"

say "a split of several files"
git init -q && git add -A && git commit -q -m "dataset 0.1.1"
git tag -a -m v dataset-v0.1.1
mkdir data/splits/train
split -l 60 -d --additional-suffix=.jsonl data/splits/train.jsonl data/splits/train/part-
rm data/splits/train.jsonl
sed -i 's|^    train: data/splits/train.jsonl|    train: data/splits/train/part-*.jsonl|' specs/task-api.yaml
test_ok dsci bump
python3 - "$VF" <<'PY'
import hashlib, json, sys
vf = json.load(open(sys.argv[1]))
t = vf["splits"]["train"]
assert [f["path"] for f in t["files"]] == ["data/splits/train/part-00.jsonl", "data/splits/train/part-01.jsonl"], t
assert t["path"] == t["files"][0]["path"] and t["checksum"] == t["files"][0]["checksum"], t
assert t["examples"] == sum(f["examples"] for f in t["files"]) == 103, t
for f in t["files"]:
    assert f["checksum"] == "sha256:" + hashlib.sha256(open(f["path"], "rb").read()).hexdigest(), f
PY
expect_line out "dsci: 0.1.1 -> 0.1.2 (patch: data/splits/train/part-00.jsonl changed, its examples did not)"
cp "$VF" "$TRASH/parts.json"
test_ok dsci bump
expect_line out "version file already up to date (0.1.2)"
test_cmp "$TRASH/parts.json" "$VF"
dsci check --format json --output "$TRASH/report.json" >/dev/null || true
python3 - "$TRASH/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
checks = {c["id"]: c["status"] for g in r["gates"] for c in g["checks"]}
assert checks["reproducibility.checksums"] == "pass", checks
PY
cp -R data/splits/train "$TRASH/train-parts"

say "every file of the split is verified, not only the first"
printf '%s\n' '{"conversations": [{"from": "human", "value": "Create a task to water the plants"}, {"from": "gpt", "value": "Created the task: water the plants."}]}' >>data/splits/train/part-01.jsonl
test_must_fail 1 dsci check
expect_line out "[FAIL] Checksums: 3/4 match"
expect_line out "data/splits/train/part-01.jsonl: sha256 is"
cp "$TRASH/train-parts/part-01.jsonl" data/splits/train/part-01.jsonl

say "a file of the split that the version file does not list"
cp "$TRASH/train-parts/part-01.jsonl" data/splits/train/part-02.jsonl
sed -i '1s/Create/Add/' data/splits/train/part-02.jsonl
test_must_fail 1 dsci check
expect_line out "data/splits/train/part-02.jsonl: in split 'train' but not in the version file; run \`dsci bump\`"
rm data/splits/train/part-02.jsonl
test_ok dsci card
test_ok dsci check
expect_line out "[PASS] Checksums: 4/4 match"

say "the version file's folder must exist inside the repository"
sed -i 's|^  version_file: .*|  version_file: ../outside/version.json|' specs/task-api.yaml
mkdir -p ../outside
test_must_fail 2 dsci bump
expect_line err "is outside the repository"
sed -i 's|^  version_file: .*|  version_file: nowhere/version.json|' specs/task-api.yaml
test_must_fail 2 dsci bump
expect_line err "folder 'nowhere' does not exist"
