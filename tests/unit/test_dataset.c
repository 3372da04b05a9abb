/*
 * data/dataset: a spec and its data opened from the work tree, the index or a revision
 * of a real repository the test builds, the baseline, --spec-from, and where dsci may
 * write (dataset_write_target). The spec differs by place: HEAD has no card, the index
 * and the work tree name one.
 */
#include "test_git_fixture.h"

#include "data/dataset.h"
#include "util/err.h"

#define SPEC_HEAD "dsci: 1\ndataset:\n  files:\n    train: data/train.jsonl\n"
#define SPEC_NOW SPEC_HEAD "  card: data/README.md\n"

struct fixture {
    char *base, *top, *cwd;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    f->cwd = getcwd(NULL, 0);
    f->base = fixture_new("dataset");
    f->top = fixture_repo(f->base, "repo");
    fixture_write(f->top, "specs/task.yaml", SPEC_HEAD);
    fixture_write(f->top, "data/train.jsonl", "{}\n");
    fixture_git(f->top, "add -A && git commit -qm one");
    fixture_write(f->top, "specs/task.yaml", SPEC_NOW);
    fixture_git(f->top, "add -A");
    fixture_symlink(f->top, "data/dangling.json", "nowhere/x.json");
    fixture_symlink(f->top, "data/gitlink", "../.git");
    fixture_write(f->base, "plain/specs/task.yaml", SPEC_HEAD);
    assert_int_equal(chdir(f->top), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(chdir(f->cwd), 0);
    free(f->cwd);
    free(f->top);
    fixture_remove(f->base);
    free(f);
    return 0;
}

static void test_dataset__spec_and_data_from_the_same_place(void **state)
{
    (void)state;
    static const struct {
        enum dataset_place place;
        const char *rev;
        const char *card;   /* NULL: the spec names none */
        const char *describe;
    } cases[] = {
        { DATASET_WORKTREE, NULL, "data/README.md", "worktree" },
        { DATASET_INDEX, NULL, "data/README.md", "index" },
        { DATASET_REV, "HEAD", NULL, "HEAD (" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct dataset ds;
        int rc = dataset_open(&ds, cases[i].place, cases[i].rev, "specs/task.yaml");
        if (rc != 0)
            fprintf(stderr, "%s\n", err_last());
        assert_int_equal(rc, 0);
        assert_non_null(ds.repo);
        assert_string_equal(ds.spec_repo_path, "specs/task.yaml");
        if (cases[i].card)
            assert_string_equal(ds.spec->dataset.card, cases[i].card);
        else
            assert_null(ds.spec->dataset.card);
        const char *d = source_describe(ds.src);
        assert_memory_equal(d, cases[i].describe, strlen(cases[i].describe));
        char *data = NULL;
        size_t len = 0;
        assert_int_equal(source_read_file(ds.src, "data/train.jsonl", &data, &len), 0);
        assert_string_equal(data, "{}\n");
        free(data);
        dataset_close(&ds);
        assert_null(ds.spec);
    }
}

static void test_dataset__spec_path_through_a_subfolder(void **state)
{
    struct fixture *f = *state;
    struct dataset ds;
    assert_int_equal(chdir("data"), 0);
    int rc = dataset_open(&ds, DATASET_INDEX, NULL, "../specs/task.yaml");
    assert_int_equal(chdir(f->top), 0);
    assert_int_equal(rc, 0);
    assert_string_equal(ds.spec_repo_path, "specs/task.yaml");
    dataset_close(&ds);
}

static void test_dataset__outside_git(void **state)
{
    struct fixture *f = *state;
    struct dataset ds;
    char *spec = xasprintf("%s/plain/specs/task.yaml", f->base);
    setenv("GIT_CEILING_DIRECTORIES", f->base, 1);
    assert_int_equal(dataset_open(&ds, DATASET_WORKTREE, NULL, spec), 0);
    assert_null(ds.repo);
    assert_null(ds.spec_repo_path);
    struct dataset base;
    assert_int_equal(dataset_open_baseline(&base, &ds, "HEAD"), DSCI_EENV);
    dataset_close(&ds);

    assert_int_equal(chdir(f->base), 0);
    int rc = dataset_open(&ds, DATASET_INDEX, NULL, "plain/specs/task.yaml");
    assert_int_equal(chdir(f->top), 0);
    unsetenv("GIT_CEILING_DIRECTORIES");
    assert_int_equal(rc, DSCI_EENV);
    assert_non_null(strstr(err_last(), "--staged needs a git repository"));
    free(spec);
}

static void test_dataset__baseline_reads_the_old_data_with_the_head_spec(void **state)
{
    (void)state;
    struct dataset head, base;
    assert_int_equal(dataset_open(&head, DATASET_WORKTREE, NULL, "specs/task.yaml"), 0);
    assert_int_equal(dataset_open_baseline(&base, &head, "HEAD"), 0);
    assert_null(base.spec);   /* the head's spec judges both */
    assert_int_equal(base.place, DATASET_REV);
    assert_int_equal(source_exists(base.src, "data/train.jsonl"), 1);
    assert_int_equal(source_exists(base.src, "specs/task.yaml"), 1);
    dataset_close(&base);
    assert_int_equal(dataset_open_baseline(&base, &head, "no-such-rev"), DSCI_EUSAGE);
    dataset_close(&head);
}

static void test_dataset__spec_from_a_revision(void **state)
{
    (void)state;
    struct dataset ds;
    struct spec *own = NULL;
    assert_int_equal(dataset_open(&ds, DATASET_INDEX, NULL, "specs/task.yaml"), 0);
    assert_int_equal(dataset_use_spec_from(&ds, "HEAD", &own), 0);
    assert_null(ds.spec->dataset.card);            /* judged by HEAD's spec */
    assert_string_equal(own->dataset.card, "data/README.md");
    assert_string_equal(ds.spec->root, own->root);
    spec_free(own);
    own = NULL;
    assert_int_equal(dataset_use_spec_from(&ds, "no-such-rev", &own), DSCI_EUSAGE);
    assert_null(own);
    dataset_close(&ds);
}

static void test_dataset__write_target(void **state)
{
    struct fixture *f = *state;
    struct dataset ds;
    assert_int_equal(dataset_open(&ds, DATASET_WORKTREE, NULL, "specs/task.yaml"), 0);
    static const struct {
        const char *rel;
        const char *error;   /* NULL: allowed */
    } cases[] = {
        { "data/README.md", NULL },
        { "data/new/x.json", NULL },
        { "./data/../data/train.jsonl", NULL },
        { "../outside.json", "is outside the repository" },
        { ".git/config", "is in a .git folder" },
        { "data/gitlink/config", "leads into the git directory" },
        { "data/dangling.json", "a symbolic link on the way leads nowhere" },
        { "data", "is not a regular file (a folder)" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char *real = NULL;
        struct spec_loc loc = { 0 };
        int rc = dataset_write_target(&real, &ds, cases[i].rel, NULL, loc);
        if (!cases[i].error) {
            if (rc != 0)
                fprintf(stderr, "%s: %s\n", cases[i].rel, err_last());
            assert_int_equal(rc, 0);
            assert_memory_equal(real, f->top, strlen(f->top));
            assert_int_equal(real[strlen(f->top)], '/');
            free(real);
            continue;
        }
        if (rc != DSCI_EUSAGE || !strstr(err_last(), cases[i].error))
            fprintf(stderr, "%s: %d %s\n", cases[i].rel, rc, err_last());
        assert_int_equal(rc, DSCI_EUSAGE);
        assert_null(real);
        assert_non_null(strstr(err_last(), cases[i].error));
    }
    dataset_close(&ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dataset__spec_and_data_from_the_same_place),
        cmocka_unit_test(test_dataset__spec_path_through_a_subfolder),
        cmocka_unit_test(test_dataset__outside_git),
        cmocka_unit_test(test_dataset__baseline_reads_the_old_data_with_the_head_spec),
        cmocka_unit_test(test_dataset__spec_from_a_revision),
        cmocka_unit_test(test_dataset__write_target),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
