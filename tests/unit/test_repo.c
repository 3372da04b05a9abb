/*
 * data/repo: the questions dsci asks about the repository around a dataset, on a real
 * repository the test builds with `git`:
 *
 *   commit one (a.txt)       tagged dataset-v1.0.0 (annotated)
 *   commit two (+ b.txt)     HEAD, tagged other-1 (lightweight)
 *   then: a.txt changed and staged, d.txt staged, c.txt untracked
 */
#include "test_git_fixture.h"

#include "data/repo.h"
#include "util/err.h"

struct fixture {
    char *base, *top;
    char head[41], first[41];
};

/* The first line `git <args>` prints in dir, into out (at most cap-1 bytes). */
static void git_output(const char *dir, const char *args, char *out, size_t cap)
{
    char *cmd = xasprintf("cd '%s' && git %s", dir, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(out, (int)cap, p));
    out[strcspn(out, "\n")] = '\0';
    assert_int_equal(pclose(p), 0);
    free(cmd);
}

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    f->base = fixture_new("repo");
    f->top = fixture_repo(f->base, "repo");
    fixture_write(f->top, "a.txt", "a\n");
    fixture_git(f->top, "add -A && git commit -qm one && git tag -a dataset-v1.0.0 -m v1");
    fixture_write(f->top, "b.txt", "b\n");
    fixture_write(f->top, "sub/keep.txt", "k\n");
    fixture_git(f->top, "add -A && git commit -qm two && git tag other-1");
    fixture_write(f->top, "a.txt", "a2\n");
    fixture_write(f->top, "d.txt", "d\n");
    fixture_git(f->top, "add -A");
    fixture_write(f->top, "c.txt", "c\n");
    git_output(f->top, "rev-parse HEAD", f->head, sizeof(f->head));
    git_output(f->top, "rev-parse HEAD~1", f->first, sizeof(f->first));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    free(f->top);
    fixture_remove(f->base);
    free(f);
    return 0;
}

static struct repo *open_top(const struct fixture *f)
{
    struct repo *repo = NULL;
    assert_int_equal(repo_open(&repo, f->top), 0);
    return repo;
}

static void test_repo__where_it_is(void **state)
{
    struct fixture *f = *state;
    struct repo *repo = NULL;
    char *sub = xasprintf("%s/sub", f->top);
    assert_int_equal(repo_open(&repo, sub), 0);   /* found upwards from a folder inside */
    free(sub);
    assert_string_equal(repo_workdir(repo), f->top);
    assert_false(repo_is_bare(repo));
    assert_false(repo_is_shallow(repo));
    char *git = xasprintf("%s/.git", f->top);
    assert_memory_equal(repo_gitdir(repo), git, strlen(git));
    assert_memory_equal(repo_commondir(repo), git, strlen(git));
    free(git);
    repo_free(repo);
}

static void test_repo__outside_a_repository(void **state)
{
    struct fixture *f = *state;
    struct repo *repo = NULL;
    char *plain = xasprintf("%s/plain", f->base);
    assert_int_equal(mkdir(plain, 0755), 0);
    setenv("GIT_CEILING_DIRECTORIES", f->base, 1);   /* /tmp itself might be in one */
    assert_int_equal(repo_open(&repo, plain), DSCI_EENV);
    unsetenv("GIT_CEILING_DIRECTORIES");
    assert_null(repo);
    assert_non_null(strstr(err_last(), "not a git repository"));
    repo_free(NULL);
    free(plain);
}

static void expect_tags(const struct repo *repo, const char *prefix, const char *const *want, size_t n_want)
{
    char **tags = NULL;
    size_t n = 0;
    assert_int_equal(repo_list_tags(repo, prefix, &tags, &n), 0);
    fixture_expect_names(tags, n, want, n_want);
}

static void test_repo__tags(void **state)
{
    struct fixture *f = *state;
    struct repo *repo = open_top(f);
    static const char *const v[] = { "dataset-v1.0.0" };
    static const char *const all[] = { "dataset-v1.0.0", "other-1" };
    expect_tags(repo, "dataset-v1.0", v, 1);
    expect_tags(repo, "", all, 2);
    expect_tags(repo, "nothing-", NULL, 0);
    assert_int_equal(repo_tag_exists(repo, "other-1"), 1);
    assert_int_equal(repo_tag_exists(repo, "dataset-v9.9.9"), 0);
    repo_free(repo);
}

static void test_repo__revisions(void **state)
{
    struct fixture *f = *state;
    struct repo *repo = open_top(f);
    char id[41];
    static const struct {
        const char *ancestor, *rev;
        int want;
    } cases[] = {
        { "dataset-v1.0.0", "HEAD", 1 },
        { "HEAD", "HEAD", 1 },
        { "HEAD", "dataset-v1.0.0", 0 },
        { "HEAD~1", "other-1", 1 },
        { "no-such-rev", "HEAD", DSCI_EUSAGE },
        { "HEAD", "no-such-rev", DSCI_EUSAGE },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        assert_int_equal(repo_is_ancestor(repo, cases[i].ancestor, cases[i].rev), cases[i].want);
    assert_int_equal(repo_resolve_commit(repo, "HEAD", id), 0);
    assert_string_equal(id, f->head);
    /* an annotated tag resolves to its commit */
    assert_int_equal(repo_resolve_commit(repo, "dataset-v1.0.0", id), 0);
    assert_string_equal(id, f->first);
    char abbrev[8];
    snprintf(abbrev, sizeof(abbrev), "%.7s", f->first);
    assert_int_equal(repo_resolve_commit(repo, abbrev, id), 0);
    assert_string_equal(id, f->first);
    assert_int_equal(repo_resolve_commit(repo, "no-such-rev", id), DSCI_EUSAGE);
    repo_free(repo);
}

static void test_repo__staged_and_uncommitted_paths(void **state)
{
    struct fixture *f = *state;
    struct repo *repo = open_top(f);
    char **paths = NULL;
    size_t n = 0;
    static const char *const staged[] = { "a.txt", "d.txt" };
    assert_int_equal(repo_staged_paths(repo, &paths, &n), 0);
    fixture_expect_names(paths, n, staged, 2);

    /* in the order given: staged change, untracked, missing; b.txt is as committed */
    const char *const ask[] = { "b.txt", "a.txt", "c.txt", "sub/keep.txt", "none.txt" };
    static const char *const uncommitted[] = { "a.txt", "c.txt", "none.txt" };
    assert_int_equal(repo_uncommitted_paths(repo, ask, 5, &paths, &n), 0);
    fixture_expect_names(paths, n, uncommitted, 3);
    assert_int_equal(repo_uncommitted_paths(repo, ask, 1, &paths, &n), 0);
    assert_int_equal(n, 0);
    free(paths);
    repo_free(repo);
}

static void expect_hooks_dir(const struct fixture *f, const char *rel)
{
    struct repo *repo = open_top(f);
    char *dir = NULL, *want = xasprintf("%s/%s", f->top, rel);
    assert_int_equal(repo_hooks_dir(repo, &dir), 0);
    assert_string_equal(dir, want);
    free(dir);
    free(want);
    repo_free(repo);
}

static void test_repo__hooks_dir(void **state)
{
    struct fixture *f = *state;
    expect_hooks_dir(f, ".git/hooks");
    fixture_git(f->top, "config core.hooksPath my-hooks");
    expect_hooks_dir(f, "my-hooks");   /* relative to the work tree */
    fixture_git(f->top, "config --unset core.hooksPath");
}

static void test_repo__create_tag_never_moves_one(void **state)
{
    struct fixture *f = *state;
    struct repo *repo = open_top(f);
    char id[41] = "";
    assert_int_equal(repo_create_tag(repo, "dataset-v1.1.0", "dataset 1.1.0", id), 0);
    assert_int_equal(strlen(id), 40);
    assert_int_equal(repo_tag_exists(repo, "dataset-v1.1.0"), 1);
    char target[41];
    assert_int_equal(repo_resolve_commit(repo, "dataset-v1.1.0", target), 0);
    assert_string_equal(target, f->head);
    assert_int_equal(repo_create_tag(repo, "dataset-v1.1.0", "again", NULL), DSCI_EUSAGE);
    assert_non_null(strstr(err_last(), "already exists"));
    assert_int_equal(repo_create_tag(repo, "bad..name", "x", NULL), DSCI_EUSAGE);
    repo_free(repo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repo__where_it_is),
        cmocka_unit_test(test_repo__outside_a_repository),
        cmocka_unit_test(test_repo__tags),
        cmocka_unit_test(test_repo__revisions),
        cmocka_unit_test(test_repo__staged_and_uncommitted_paths),
        cmocka_unit_test(test_repo__hooks_dir),
        cmocka_unit_test(test_repo__create_tag_never_moves_one),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
