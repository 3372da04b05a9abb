# Sourced by the preference e2e tests (t1340-t1349) after tests/lib.sh: they read TRL
# records (prompt/chosen/rejected), which needs the preference reader (issue 16). A dsci
# that refuses `format: preference` in a spec has none yet: skip, do not fail.
need_preference_reader() {
    mkdir -p "$TRASH/probe"
    printf 'dsci: 1\ndataset: {name: probe, format: preference, files: {train: p.jsonl}}\n' >"$TRASH/probe/p.yaml"
    printf '{"prompt": "a", "chosen": "b", "rejected": "c"}\n' >"$TRASH/probe/p.jsonl"
    set +e
    "$DSCI" -C "$TRASH/probe" check --spec p.yaml -q >/dev/null 2>"$TRASH/probe/err"
    rc=$?
    set -e
    if [ "$rc" = 2 ] && grep -q "dataset.format: expected one of" "$TRASH/probe/err"; then
        skip "this dsci has no preference reader yet (format: preference)"
    fi
}
