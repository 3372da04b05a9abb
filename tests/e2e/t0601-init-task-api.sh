#!/bin/sh
# dsci init on the bundled example without its spec: it finds the three splits from the file
# names and the categories in metadata.operation, writes a commented spec that `dsci check`
# passes, never overwrites it, and takes --name, --output and the folder's name.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

copy_example
rm -r task-api/specs
cp -R task-api pristine
spec=task-api/specs/task-api.yaml
detected="3 files, sharegpt, 130 examples, categories from metadata.operation (5 values)"

say "the starter spec"
test_ok dsci -C task-api init
expect_line out "detected: $detected"
expect_line out "  train        data/splits/train.jsonl (104 examples)"
expect_line out "  validation   data/splits/val.jsonl (13 examples)"
expect_line out "  test         data/splits/test.jsonl (13 examples)"
expect_line out "wrote specs/task-api.yaml"
expect_line out "next: review it, then run: dsci check"
[ ! -s err ] || fail "unexpected stderr: $(cat err)"
[ -f "$spec" ] || fail "no spec written"
expect_line "$spec" "# detected: $detected"
expect_line "$spec" "  name: task-api"
expect_line "$spec" "  format: sharegpt"
expect_line "$spec" "    train: data/splits/train.jsonl"
expect_line "$spec" "    validation: data/splits/val.jsonl"
expect_line "$spec" "    test: data/splits/test.jsonl"
expect_line "$spec" "    by: field"
expect_line "$spec" "    field: metadata.operation"
expect_line "$spec" "      - {name: Create, min: 15}"
expect_line "$spec" "      - {name: Query, min: 12}"
expect_line "$spec" "    train: {ratio: 0.8, min: 52}"
expect_line "$spec" "    validation: {ratio: 0.1, min: 6}"
expect_line "$spec" "  # card: data/hf_dataset/README.md"
expect_line "$spec" "  # version_file: data/hf_dataset/version.json"
# only the spec is new: the data and the card are untouched
diff -r -x specs pristine task-api >/dev/null || fail "init changed the dataset"
[ "$(ls -A task-api/specs)" = "task-api.yaml" ] || fail "left behind: $(ls -A task-api/specs)"

say "dsci check passes on it"
test_ok dsci -C task-api check
expect_line out "Dataset: task-api (specs/task-api.yaml)"
expect_line out "[PASS] Valid JSON: 130/130 (100%)"
expect_line out "[PASS] Create: 30 examples (target: 15)"
expect_line out "[PASS] Delete: 24 examples (target: 12)"
expect_line out "[PASS] train: 104 examples, 80.0% (target: 80% ± 5%, min 52)"
expect_line out "[PASS] Avg human length: 46.3 chars (target: 23-93)"
expect_line out "RESULT: PASS"
expect_no_line out "[FAIL]"

say "init again: refused, the spec unchanged"
cp "$spec" before.yaml
test_must_fail 2 dsci -C task-api init
expect_line err "dsci: specs/task-api.yaml already exists; dsci init never overwrites — edit it, or remove it first"
[ ! -s out ] || fail "unexpected stdout: $(cat out)"
test_cmp before.yaml "$spec"
printf '# edited by hand\n' >>"$spec"
cp "$spec" edited.yaml
test_must_fail 2 dsci -C task-api init --output specs/task-api.yaml
test_cmp edited.yaml "$spec"
[ "$(ls -A task-api/specs)" = "task-api.yaml" ] || fail "left behind: $(ls -A task-api/specs)"

say "--name: a second spec, so check needs --spec"
test_ok dsci -C task-api init --name tasks -q
[ ! -s out ] || fail "-q printed: $(cat out)"
expect_line task-api/specs/tasks.yaml "  name: tasks"
test_ok dsci -C task-api init --name=tasks2
expect_line out "next: review it, then run: dsci check --spec specs/tasks2.yaml"
test_ok dsci -C task-api check --spec specs/tasks.yaml
expect_line out "Dataset: tasks (specs/tasks.yaml)"

say "the folder's name, sanitized"
cp -R pristine "My Tasks (v2)"
test_ok dsci -C "My Tasks (v2)" init
expect_line out "wrote specs/my-tasks-v2.yaml"
expect_line "My Tasks (v2)/specs/my-tasks-v2.yaml" "  name: my-tasks-v2"

say "--output elsewhere: its dataset root is the folder looked at"
mkdir -p repo/datasets
cp -R pristine repo/datasets/chat
printf 'not data\n' >repo/README.md
make_repo repo
test_ok dsci -C repo init --output datasets/chat/specs/chat.yaml
expect_line out "wrote datasets/chat/specs/chat.yaml"
expect_line out "next: review it, then run: dsci check --spec datasets/chat/specs/chat.yaml"
expect_line repo/datasets/chat/specs/chat.yaml "  name: chat"
expect_line repo/datasets/chat/specs/chat.yaml "    train: data/splits/train.jsonl"
test_ok dsci -C repo check --spec datasets/chat/specs/chat.yaml
expect_line out "RESULT: PASS"
(cd repo/datasets/chat && test_ok dsci check)
expect_line out "RESULT: PASS"
