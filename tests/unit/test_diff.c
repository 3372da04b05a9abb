/*
 * The example-level diff: two versions of a dataset written to temporary folders, each
 * read by the engine with a diff side observing, then matched. Table-driven: each case
 * is a base and a head of the train and validation splits and the counts expected.
 */
#include <stdlib.h>
#include <string.h>

#include "test_fixture.h"

#include "data/source.h"
#include "run/diff.h"
#include "run/engine.h"
#include "spec/spec.h"

#define SPEC                                                    \
    "dsci: 1\n"                                                 \
    "dataset:\n"                                                \
    "  name: t\n"                                               \
    "  format: sharegpt\n"                                      \
    "  files:\n"                                                \
    "    train: data/train.jsonl\n"                             \
    "    validation: data/val.jsonl\n"                          \
    "gates:\n"                                                  \
    "  coverage:\n"                                             \
    "    level: warn\n"                                         \
    "    categories:\n"                                         \
    "      - {name: Create, min: 1, keywords: [create]}\n"      \
    "      - {name: Delete, min: 1, keywords: [delete]}\n"

/* A record with an id: its identity, so an edit is "modified". */
#define ID_LINE(id, human, gpt)                                                                        \
    "{\"id\": \"" id "\", \"conversations\": [{\"from\": \"human\", \"value\": \"" human "\"}, "       \
    "{\"from\": \"gpt\", \"value\": \"" gpt "\"}]}\n"

#define A ID_LINE("a", "create a task", "Created it.")
#define A2 ID_LINE("a", "create a task", "Created it, with a due date.")
#define B ID_LINE("b", "delete the task", "Deleted it.")
#define C ID_LINE("c", "what time is it", "It is noon.")
/* without an id, the first user message is the identity */
#define N FIXTURE_LINE("create a list", "Done.")
#define N2 FIXTURE_LINE("create a list", "Done, it is empty.")

struct version {
    const char *train, *val;
};

/* Reads one version of the data (in its own folder) with the spec loaded from `spec`. */
static void collect(struct diff_side *side, const struct spec *spec, const struct version *v)
{
    char *root = fixture_dir();
    fixture_write(root, "data/train.jsonl", v->train);
    fixture_write(root, "data/val.jsonl", v->val);
    struct source *src = NULL;
    assert_int_equal(source_open_worktree(&src, root), 0);
    diff_side_init(side, spec);
    struct engine_observer obs = diff_side_observer(side);
    struct engine_options opts = { .observer = &obs, .measures_only = true };
    struct result r;
    assert_int_equal(engine_check(&r, spec, src, &opts), 0);
    result_release(&r);
    source_free(src);
    fixture_remove(root);
}

static void test_diff__counts(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        struct version base, head;
        struct diff_counts total;
        struct diff_counts train;
    } cases[] = {
        { "no change", { A B, C }, { A B, C }, { 0, 0, 0, 3 }, { 0, 0, 0, 2 } },
        { "reordered lines are no change", { A B, C }, { B A, C }, { 0, 0, 0, 3 }, { 0, 0, 0, 2 } },
        { "an edit of a record with an id", { A B, C }, { A2 B, C }, { 0, 0, 1, 2 }, { 0, 0, 1, 1 } },
        { "an edit of a record without one", { N B, C }, { N2 B, C }, { 0, 0, 1, 2 }, { 0, 0, 1, 1 } },
        { "added and removed", { A B, C }, { A, C B }, { 1, 1, 0, 2 }, { 0, 1, 0, 1 } },
        { "a duplicate counts once per copy", { A, C }, { A A, C }, { 1, 0, 0, 2 }, { 1, 0, 0, 1 } },
        { "all new", { "", "" }, { A B, C }, { 3, 0, 0, 0 }, { 2, 0, 0, 0 } },
    };
    char *root = fixture_dir();
    fixture_write(root, "specs/s.yaml", SPEC);
    char *spec_path = xasprintf("%s/specs/s.yaml", root);
    struct spec *spec = NULL;
    assert_int_equal(spec_load(&spec, spec_path), 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        print_message("case: %s\n", cases[i].name);
        struct diff_side base, head;
        collect(&base, spec, &cases[i].base);
        collect(&head, spec, &cases[i].head);
        struct diff d;
        diff_compute(&d, &base, &head);
        assert_int_equal(d.total.added, cases[i].total.added);
        assert_int_equal(d.total.removed, cases[i].total.removed);
        assert_int_equal(d.total.modified, cases[i].total.modified);
        assert_int_equal(d.total.unchanged, cases[i].total.unchanged);
        assert_int_equal(d.n_splits, 2);
        assert_int_equal(d.by_split[0].added, cases[i].train.added);
        assert_int_equal(d.by_split[0].removed, cases[i].train.removed);
        assert_int_equal(d.by_split[0].modified, cases[i].train.modified);
        assert_int_equal(d.by_split[0].unchanged, cases[i].train.unchanged);
        assert_int_equal(d.base_examples, base.n);
        assert_int_equal(d.head_examples, head.n);
        uint64_t changed = d.total.added + d.total.removed + d.total.modified;
        assert_int_equal(d.n_samples, changed < DIFF_MAX_SAMPLES ? changed : DIFF_MAX_SAMPLES);
        diff_release(&d);
        diff_side_release(&base);
        diff_side_release(&head);
    }
    spec_free(spec);
    free(spec_path);
    fixture_remove(root);
}

/* Records are classified by the coverage rules (keywords), whatever the gate's level;
 * samples say where, in file order, removed ones on the base side. */
static void test_diff__categories_and_samples(void **state)
{
    (void)state;
    char *root = fixture_dir();
    fixture_write(root, "specs/s.yaml", SPEC);
    char *spec_path = xasprintf("%s/specs/s.yaml", root);
    struct spec *spec = NULL;
    assert_int_equal(spec_load(&spec, spec_path), 0);
    static const struct version v1 = { A B, C }, v2 = { A2 C, "" };
    struct diff_side base, head;
    collect(&base, spec, &v1);
    collect(&head, spec, &v2);
    struct diff d;
    diff_compute(&d, &base, &head);
    assert_int_equal(d.n_categories, 2);
    /* Create, Delete, (none) */
    assert_int_equal(d.base_category_counts[0], 1);
    assert_int_equal(d.base_category_counts[1], 1);
    assert_int_equal(d.base_category_counts[2], 1);
    assert_int_equal(d.head_category_counts[0], 1);
    assert_int_equal(d.head_category_counts[2], 1);
    assert_int_equal(d.by_category[0].modified, 1);
    assert_int_equal(d.by_category[1].removed, 1);
    assert_int_equal(d.base_split_counts[1], 1);
    assert_int_equal(d.head_split_counts[1], 0);
    /* modified first, then added, then removed; each in file order */
    static const struct {
        enum diff_kind kind;
        const char *path;
        size_t line;
    } want[] = {
        { DIFF_MODIFIED, "data/train.jsonl", 1 },
        { DIFF_ADDED, "data/train.jsonl", 2 },
        { DIFF_REMOVED, "data/train.jsonl", 2 },
        { DIFF_REMOVED, "data/val.jsonl", 1 },
    };
    assert_int_equal(d.n_samples, sizeof(want) / sizeof(*want));
    for (size_t i = 0; i < d.n_samples; i++) {
        assert_string_equal(diff_kind_name(d.samples[i].kind), diff_kind_name(want[i].kind));
        assert_non_null(strstr(d.samples[i].path, want[i].path));
        assert_int_equal(d.samples[i].line, want[i].line);
    }
    diff_release(&d);
    diff_side_release(&base);
    diff_side_release(&head);
    spec_free(spec);
    free(spec_path);
    fixture_remove(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff__counts),
        cmocka_unit_test(test_diff__categories_and_samples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
