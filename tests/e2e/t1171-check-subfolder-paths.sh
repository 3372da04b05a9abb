#!/bin/sh
# A dataset in a subfolder (dsci -C datasets/chat): every finding path in annotations
# and SARIF is repository-relative, also for the version file, the card and the spec
# (GitHub and SARIF viewers resolve them from the repository top).
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

mkdir -p repo/datasets
copy_example repo/datasets/chat
cd repo
D=datasets/chat
python3 - <<'PY'
import json
p = "datasets/chat/data/hf_dataset/version.json"
d = json.load(open(p))
del d["generation_config"]["random_seed"]                      # a version-file finding
d["splits"]["test"]["checksum"] = "sha256:" + "0" * 64         # a checksum finding
json.dump(d, open(p, "w"), indent=2)
PY
sed -i 's/^    num_examples: 104$/    num_examples: 105/' $D/data/hf_dataset/README.md     # stale card
sed -i 's/{name: Delete,   min: 15,/{name: Delete,   min: 500,/' $D/specs/task-api.yaml   # a spec-line finding
grep -q 'min: 500' $D/specs/task-api.yaml || fail "spec not edited"
make_repo . "datasets"

# every_path_exists FILE...: each path in the list exists from the repository top.
every_path_exists() {
    n=0
    while IFS= read -r p; do
        n=$((n + 1))
        [ -e "$p" ] || fail "'$p' is not a path from the repository top"
    done
    [ "$n" -gt 0 ] || fail "no paths found"
}

say "github annotations"
GITHUB_ACTIONS=true test_must_fail 1 dsci -C $D check --format github
expect_line out "::error file=$D/data/hf_dataset/version.json,title=REPRODUCIBILITY%3A Random seed::"
expect_line out "::error file=$D/data/hf_dataset/README.md,line="
expect_line out "::error file=$D/data/splits/test.jsonl,title=REPRODUCIBILITY%3A Checksums::"
expect_line out "::error file=$D/specs/task-api.yaml,line="
sed -n 's/^::[a-z]* file=\([^,:]*\).*/\1/p' out | sort -u | every_path_exists

say "SARIF"
test_must_fail 1 dsci -C $D check --format sarif
python3 - out <<'PY' | every_path_exists
import json, sys
doc = json.load(open(sys.argv[1]))
uris = set()
for run in doc["runs"]:
    for res in run["results"]:
        for loc in res.get("locations", []) + res.get("relatedLocations", []):
            uris.add(loc["physicalLocation"]["artifactLocation"]["uri"])
for u in sorted(uris):
    print(u)
PY
expect_line out "\"uri\": \"$D/data/hf_dataset/version.json\""
expect_line out "\"uri\": \"$D/data/hf_dataset/README.md\""

say "from inside the folder, and with --rev: the same paths"
(cd $D && test_must_fail 1 dsci check --format github && mv out ../../inside)
expect_line inside "::error file=$D/data/hf_dataset/version.json,"
test_must_fail 1 dsci -C $D check --rev HEAD --format github
expect_line out "::error file=$D/data/hf_dataset/version.json,"
expect_line out "::error file=$D/data/hf_dataset/README.md,line="
