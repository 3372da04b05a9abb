#!/bin/sh
# dsci card on a repository with version tags: the bundled card is current; text written
# by hand outside the markers survives regeneration byte for byte; a second run changes
# nothing; a new version gets a changelog entry counted against the previous version's
# tag, above the entries already there; the front matter parses as YAML with Hub values.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

copy_example
cd task-api
CARD=data/hf_dataset/README.md
git init -q
git add -A
git commit -q -m "dataset 1.0.0"
git tag -a dataset-v1.0.0 -m "dataset 1.0.0"

say "the bundled card is what dsci card writes"
test_ok dsci card
expect_line out "card is up to date: $CARD"
test_ok dsci card --check

say "hand-written text outside the markers survives; generated text is replaced"
python3 - "$CARD" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = s.replace("<!-- dsci:begin statistics -->\n",
              "### Notes by hand\r\n\r\nKeep me \u2014 *exactly* as I am.  \n\n"
              "<!-- dsci:begin statistics -->\n| stale | table |\n", 1)
s += "\nA last word, no newline at the end."
open(p, "w", encoding="utf-8", newline="").write(s)
PY
cp "$CARD" "$TRASH/edited.md"
test_ok dsci card
expect_line out "updated $CARD"
expect_no_line "$CARD" "| stale | table |"
outside() { # the lines outside the dsci blocks
    awk '/^<!-- dsci:begin /{inside=1} !inside{print} /^<!-- dsci:end /{inside=0}' "$1"
}
outside "$TRASH/edited.md" >"$TRASH/edited.outside"
outside "$CARD" >"$TRASH/now.outside"
test_cmp "$TRASH/edited.outside" "$TRASH/now.outside"

say "a second run changes nothing"
cp "$CARD" "$TRASH/first.md"
test_ok dsci card
expect_line out "card is up to date"
test_cmp "$TRASH/first.md" "$CARD"

say "a new version: an entry from the diff against the previous version's tag"
git commit -q -a -m "hand notes"
# two new train examples (new texts, ids of the test split) and one edited text
head -n 2 data/splits/test.jsonl | sed 's/TSK-/TSK-9/g; s/"id": "task-api-/"id": "task-api-new-/' >>data/splits/train.jsonl
sed -i '5s/"value": "/"value": "Edited: /' data/splits/train.jsonl
python3 - <<'PY'
# the version file as `dsci bump` writes it: the new data's counts and checksums
import hashlib, json
p = "data/hf_dataset/version.json"
v = json.load(open(p))
v.update(version="1.1.0", previous="1.0.0", created="2025-02-01T09:00:00Z")
for s in v["splits"].values():
    data = open(s["path"], "rb").read()
    s.update(examples=data.count(b"\n"), bytes=len(data), checksum="sha256:" + hashlib.sha256(data).hexdigest())
json.dump(v, open(p, "w"), indent=2)
PY
cp "$CARD" "$TRASH/before.md"
test_must_fail 1 dsci card --check
expect_line out "card is stale: $CARD (run \`dsci card\`)"
test_ok dsci card --dry-run
expect_line out "+++ b/$CARD"
expect_line out "+### 1.1.0 (2025-02-01)"
expect_line out "would update $CARD"
test_cmp "$TRASH/before.md" "$CARD"
test_ok dsci card
python3 - "$CARD" <<'PY'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
block = s[s.index("<!-- dsci:begin changelog -->"):s.index("<!-- dsci:end changelog -->")]
want = ("### 1.1.0 (2025-02-01)\n\n- 132 examples (train 106, validation 13, test 13)\n"
        "- Since `dataset-v1.0.0`: 2 added, 0 removed, 1 modified\n")
assert want in block, block
assert block.index("### 1.1.0") < block.index("### 1.0.0 (2025-01-01)\n\n- 130 examples"), block
PY
cp "$CARD" "$TRASH/second.md"
test_ok dsci card
expect_line out "card is up to date"
test_cmp "$TRASH/second.md" "$CARD"

say "the front matter parses and carries the Hub's values"
if python3 -c 'import yaml' 2>/dev/null; then
    python3 - "$CARD" <<'PY'
import sys, yaml
s = open(sys.argv[1], encoding="utf-8").read()
assert s.startswith("---\n")
fm = yaml.safe_load(s[4:s.index("\n---\n", 4)])
assert fm["pretty_name"] == "Task API Assistant", fm["pretty_name"]
assert fm["license"] == "apache-2.0" and fm["language"] == ["en"], fm
assert fm["size_categories"] == ["n<1K"], fm["size_categories"]
assert fm["tags"] == ["sharegpt", "synthetic", "tool-use"], "a key dsci does not own was lost"
files = fm["configs"][0]["data_files"]
assert files == [{"split": "train", "path": "data/splits/train.jsonl"},
                 {"split": "validation", "path": "data/splits/val.jsonl"},
                 {"split": "test", "path": "data/splits/test.jsonl"}], files
info = fm["dataset_info"]
assert info["splits"][0] == {"name": "train", "num_bytes": info["splits"][0]["num_bytes"], "num_examples": 106}
assert info["dataset_size"] == sum(x["num_bytes"] for x in info["splits"]) == info["download_size"]
assert [f["name"] for f in info["features"]] == ["id", "conversations", "metadata"], info["features"]
PY
else
    say "python3-yaml not installed: YAML parsing is covered by the unit test (libyaml)"
fi
