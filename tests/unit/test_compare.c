/*
 * Comparing with a baseline on real git repositories the tests build (fixed author and
 * dates): which baseline is found (auto: the highest version tag on HEAD's history, a
 * revision, none), what is said when there is none, and the diff and REGRESSION section
 * a found baseline gives.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_fixture.h"

#include "data/dataset.h"
#include "run/compare.h"
#include "util/err.h"

#define SPEC                                          \
    "dsci: 1\n"                                       \
    "dataset:\n"                                      \
    "  name: t\n"                                     \
    "  format: sharegpt\n"                            \
    "  files:\n"                                      \
    "    train: data/train.jsonl\n"                   \
    "    validation: data/val.jsonl\n"                \
    "versioning:\n"                                   \
    "  tag_prefix: dataset-v\n"

#define A FIXTURE_LINE("create a task", "Created the task.")
#define B FIXTURE_LINE("delete the task", "Deleted the task.")
#define C FIXTURE_LINE("what time is it", "It is noon.")
#define D FIXTURE_LINE("rename the task", "Renamed the task.")

/* A dataset in root (v1: A B / C), committed as `git_setup` says, then edited to A B D / C. */
static char *make_repo(const char *git_setup)
{
    char *root = fixture_dir();
    fixture_write(root, "specs/s.yaml", SPEC);
    fixture_write(root, "data/train.jsonl", A B);
    fixture_write(root, "data/val.jsonl", C);
    if (git_setup)
        fixture_git(root, git_setup);
    fixture_write(root, "data/train.jsonl", A B D);
    return root;
}

struct compared {
    char *cwd;
    struct dataset ds;
    struct result r;
    struct comparison cmp;
};

static int compare_in(struct compared *c, const char *root, const char *base)
{
    memset(c, 0, sizeof(*c));
    c->cwd = getcwd(NULL, 0);
    assert_int_equal(chdir(root), 0);
    assert_int_equal(dataset_open(&c->ds, DATASET_WORKTREE, NULL, "specs/s.yaml"), 0);
    return compare_run(&c->r, &c->cmp, &c->ds, base, false);
}

static void compared_release(struct compared *c)
{
    comparison_release(&c->cmp);
    result_release(&c->r);
    dataset_close(&c->ds);
    assert_int_equal(chdir(c->cwd), 0);
    free(c->cwd);
}

static bool has_section(const struct result *r, const char *gate)
{
    for (size_t i = 0; i < r->n_sections; i++)
        if (!strcmp(r->sections[i].gate, gate))
            return true;
    return false;
}

static bool has_note(const struct result *r, const char *text)
{
    for (size_t i = 0; i < r->n_notes; i++)
        if (strstr(r->notes[i], text))
            return true;
    return false;
}

#define SETUP_V1 "init -q && git add -A && git commit -qm v1 && git tag dataset-v1.0.0"

/* Which baseline is found, case by case, and what the run then has. */
static void test_compare__baseline(void **state)
{
    (void)state;
    static const struct {
        const char *name, *setup, *base;
        const char *baseline;   /* NULL: none found */
        const char *note;       /* a note the run must have, or NULL */
    } cases[] = {
        { "auto picks the version tag", SETUP_V1, "auto", "dataset-v1.0.0", NULL },
        { "the highest tag on the history",
          SETUP_V1 " && git commit -q --allow-empty -m v2 && git tag dataset-v1.1.0 && git tag other-v9.0.0",
          "auto", "dataset-v1.1.0", NULL },
        { "a revision", SETUP_V1, "HEAD", "HEAD", NULL },
        { "none", SETUP_V1, "none", NULL, NULL },
        { "no tag", "init -q && git add -A && git commit -qm v1", "auto", NULL,
          "no version tag on HEAD's history (such as 'dataset-v1.0.0'): no baseline, regression gates skipped" },
        { "no commit", "init -q", "auto", NULL, "no commit yet: no baseline, regression gates skipped" },
        { "not in git", NULL, "auto", NULL, "not in a git repository: no baseline, regression gates skipped" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        print_message("case: %s\n", cases[i].name);
        char *root = make_repo(cases[i].setup);
        struct compared c;
        assert_int_equal(compare_in(&c, root, cases[i].base), 0);
        if (cases[i].baseline) {
            assert_string_equal(c.cmp.baseline, cases[i].baseline);
            assert_true(c.cmp.have);
            assert_string_equal(c.r.baseline, cases[i].baseline);
            assert_true(has_section(&c.r, "regression"));
            /* v1 -> worktree: D added to train, the rest unchanged */
            assert_int_equal(c.cmp.diff.total.added, 1);
            assert_int_equal(c.cmp.diff.total.unchanged, 3);
            assert_int_equal(c.cmp.base.metrics.examples, 3);
        } else {
            assert_null(c.cmp.baseline);
            assert_false(c.cmp.have);
            assert_null(c.r.baseline);
            assert_false(has_section(&c.r, "regression"));
        }
        if (cases[i].note)
            assert_true(has_note(&c.r, cases[i].note));
        assert_int_equal(c.r.metrics.examples, 4);
        compared_release(&c);
        fixture_remove(root);
    }
}

/* A revision that is not there, or --base outside git: errors, not a silent skip. */
static void test_compare__bad_base(void **state)
{
    (void)state;
    static const struct {
        const char *setup, *base;
        int rc;
        const char *error;
    } cases[] = {
        { NULL, "dataset-v1.0.0", DSCI_EENV, "--base dataset-v1.0.0 needs a git repository" },
        { SETUP_V1, "dataset-v9.9.9", DSCI_EUSAGE, "unknown revision 'dataset-v9.9.9'" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char *root = make_repo(cases[i].setup);
        struct compared c;
        int rc = compare_in(&c, root, cases[i].base);
        print_message("case %zu: %d %s\n", i, rc, err_last());
        assert_int_equal(rc, cases[i].rc);
        assert_non_null(strstr(err_last(), cases[i].error));
        compared_release(&c);
        fixture_remove(root);
    }
}

/* A split the baseline did not have is read as empty there: all of it is added. */
static void test_compare__split_added_since(void **state)
{
    (void)state;
    char *root = make_repo(SETUP_V1);
    fixture_write(root, "data/test.jsonl", FIXTURE_LINE("list my tasks", "Here they are."));
    fixture_write(root, "specs/s.yaml",
                  "dsci: 1\ndataset:\n  name: t\n  format: sharegpt\n  files:\n    train: data/train.jsonl\n"
                  "    validation: data/val.jsonl\n    test: data/test.jsonl\nversioning:\n  tag_prefix: dataset-v\n");
    struct compared c;
    assert_int_equal(compare_in(&c, root, "auto"), 0);
    assert_true(c.cmp.have);
    assert_int_equal(c.cmp.diff.n_splits, 3);
    assert_int_equal(c.cmp.diff.by_split[2].added, 1);
    assert_int_equal(c.cmp.diff.base_split_counts[2], 0);
    assert_int_equal(c.cmp.diff.total.added, 2);
    compared_release(&c);
    fixture_remove(root);
}

static void test_compare__no_tag_text(void **state)
{
    (void)state;
    static const struct {
        const char *prefix, *ref, *version, *want;
    } cases[] = {
        { "dataset-v", "HEAD", NULL, "no version tag on HEAD's history (such as 'dataset-v1.0.0')" },
        { "dataset-v", "HEAD", "2.3.4", "no version tag on HEAD's history (such as 'dataset-v2.3.4')" },
        { "v", "main", "not a version", "no version tag on main's history (such as 'v1.0.0')" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct spec spec;
        memset(&spec, 0, sizeof(spec));
        spec.versioning.tag_prefix = (char *)cases[i].prefix;
        char *text = compare_no_tag_text(&spec, cases[i].ref, cases[i].version);
        assert_string_equal(text, cases[i].want);
        free(text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare__baseline),
        cmocka_unit_test(test_compare__bad_base),
        cmocka_unit_test(test_compare__split_added_since),
        cmocka_unit_test(test_compare__no_tag_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
