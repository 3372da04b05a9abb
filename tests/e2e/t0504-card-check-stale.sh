#!/bin/sh
# dsci check regenerates the card in memory with dsci card's own code: a card that
# `dsci card` would change is "Dataset card: stale (run `dsci card`)", FAIL at level
# block, WARN at level warn; text written by hand outside the markers never makes it
# stale; --staged judges the staged card against the staged data.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

copy_example
cd task-api
CARD=data/hf_dataset/README.md
cp specs/task-api.yaml "$TRASH/spec.yaml"

say "the bundled card is current"
test_ok dsci check
expect_line out "[PASS] Dataset card: up to date"

say "a hand-written addition outside the markers is not staleness"
printf '\n## Contact\n\nAsk the maintainers.\n' >>"$CARD"
test_ok dsci check
expect_line out "[PASS] Dataset card: up to date"

say "generated text edited by hand: stale"
sed -i 's/^| train | 104 | /| train | 105 | /' "$CARD"
line=$(grep -n '^| train | 105 | ' "$CARD" | cut -d: -f1)
cp "$CARD" "$TRASH/stale.md"
test_must_fail 1 dsci check
expect_line out "[FAIL] Dataset card: stale (run \`dsci card\`)"
expect_line out "Run \`dsci card\` to regenerate $CARD from the data, the spec and the version file (it differs from line $line)"
test_must_fail 1 dsci check --format json --output "$TRASH/report.json"
expect_line "$TRASH/report.json" '"reproducibility.card_current"'
expect_line "$TRASH/report.json" '"card_stale"'
test_must_fail 1 dsci card --check
expect_line out "card is stale: $CARD (run \`dsci card\`)"
test_ok dsci card --dry-run
expect_line out "-| train | 105 | "
expect_line out "+| train | 104 | "
test_cmp "$TRASH/stale.md" "$CARD"

say "at level warn it warns"
sed -i '/^  reproducibility:/{n;s/level: block/level: warn/}' specs/task-api.yaml
test_ok dsci check
expect_line out "[WARN] Dataset card: stale (run \`dsci card\`)"
cp "$TRASH/spec.yaml" specs/task-api.yaml

say "not required: no card check"
sed -i 's/require: \[version, checksums, random_seed, model, card\]/require: [version, checksums, random_seed, model]/' specs/task-api.yaml
test_ok dsci check
expect_no_line out "Dataset card"
cp "$TRASH/spec.yaml" specs/task-api.yaml

say "regenerated: current again, the hand-written section kept"
test_ok dsci card
expect_line out "updated $CARD"
test_ok dsci check
expect_line out "[PASS] Dataset card: up to date"
expect_line "$CARD" "Ask the maintainers."

say "data changed, card not regenerated: stale"
sed -i '1s/"value": "/"value": "Please: /' data/splits/train.jsonl
test_must_fail 1 dsci check
expect_line out "[FAIL] Dataset card: stale (run \`dsci card\`)"

say "--staged judges what is staged"
sed -i '1s/"value": "Please: /"value": "/' data/splits/train.jsonl
git init -q
git add -A
git commit -q -m "dataset"
sed -i 's/^| train | 104 | /| train | 105 | /' "$CARD"
git add "$CARD"
test_must_fail 1 dsci check --staged
expect_line out "[FAIL] Dataset card: stale (run \`dsci card\`)"
test_ok dsci card          # the work tree is fixed, the index is not
test_ok dsci check
expect_line out "[PASS] Dataset card: up to date"
test_must_fail 1 dsci check --staged
git add "$CARD"
test_ok dsci check --staged
expect_line out "[PASS] Dataset card: up to date"
