/* util/path_boundary: the one check of where a path really leads. */
#include "test_helpers.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/err.h"
#include "util/path_boundary.h"
#include "util/xalloc.h"

static void test_path_boundary__inside_is_by_component(void **state)
{
    (void)state;
    assert_true(path_inside("/a/b", "/a/b"));
    assert_true(path_inside("/a/b", "/a/b/c"));
    assert_false(path_inside("/a/b", "/a/bc"));
    assert_false(path_inside("/a/b", "/a"));
    assert_true(path_inside("/", "/anything"));
}

static void test_path_boundary__git_component_any_case(void **state)
{
    (void)state;
    assert_true(path_has_git_component(".git/config"));
    assert_true(path_has_git_component("a/.GIT/hooks/x"));
    assert_true(path_has_git_component("a//.Git"));
    assert_false(path_has_git_component(".github/workflows/x.yml"));
    assert_false(path_has_git_component("data/.gitattributes"));
    assert_false(path_has_git_component("x.git/y"));
}

static void test_path_boundary__error_classes(void **state)
{
    (void)state;
    assert_int_equal(path_error_code(ENOENT), DSCI_EUSAGE);
    assert_int_equal(path_error_code(ELOOP), DSCI_EUSAGE);
    assert_int_equal(path_error_code(EISDIR), DSCI_EUSAGE);
    assert_int_equal(path_error_code(EACCES), DSCI_EENV);
    assert_int_equal(path_error_code(EIO), DSCI_EENV);
}

static void test_path_boundary__below_names_the_rest(void **state)
{
    (void)state;
    static const struct {
        const char *boundary, *real, *want;   /* want NULL: outside */
    } cases[] = {
        { "/a/b", "/a/b", "" },
        { "/a/b", "/a/b/c/d", "c/d" },
        { "/a/b", "/a/bc", NULL },
        { "/a/b", "/a", NULL },
        { "/", "/", "" },
        { "/", "/x/y", "x/y" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        const char *got = path_below(cases[i].boundary, cases[i].real);
        if (!cases[i].want)
            assert_null(got);
        else
            assert_string_equal(got, cases[i].want);
    }
}

static void test_path_boundary__same_ignores_leading_dot_slash(void **state)
{
    (void)state;
    assert_true(path_same("data/a.jsonl", "data/a.jsonl"));
    assert_true(path_same("./data/a.jsonl", "data/a.jsonl"));
    assert_true(path_same("././data/a.jsonl", "./data/a.jsonl"));
    assert_false(path_same("data/a.jsonl", "data/b.jsonl"));
    assert_false(path_same("data/./a.jsonl", "data/a.jsonl"));   /* lexical, leading only */
    assert_false(path_same(".data", "data"));
}

/* A temporary folder with: real/, link -> real, dangling -> nowhere, loop -> loop. */
static int setup(void **state)
{
    char tmpl[] = "/tmp/dsci-path-boundary.XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    char *real = realpath(dir, NULL);   /* /tmp may itself be a link */
    char *p = xasprintf("%s/real", real);
    assert_int_equal(mkdir(p, 0755), 0);
    free(p);
    p = xasprintf("%s/link", real);
    assert_int_equal(symlink("real", p), 0);
    free(p);
    p = xasprintf("%s/dangling", real);
    assert_int_equal(symlink("nowhere", p), 0);
    free(p);
    p = xasprintf("%s/loop", real);
    assert_int_equal(symlink("loop", p), 0);
    free(p);
    *state = real;
    return 0;
}

static int teardown(void **state)
{
    char *real = *state;
    char *cmd = xasprintf("rm -rf '%s'", real);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(real);
    return 0;
}

static void test_path_boundary__resolve_follows_links_and_keeps_missing_rest(void **state)
{
    const char *dir = *state;
    char *in = xasprintf("%s/link/new/file.md", dir), *want = xasprintf("%s/real/new/file.md", dir), *out = NULL;
    assert_int_equal(path_resolve(in, &out), PATH_RESOLVED);
    assert_string_equal(out, want);
    free(out);
    free(in);
    free(want);

    in = xasprintf("%s/link", dir);
    want = xasprintf("%s/real", dir);
    assert_int_equal(path_resolve(in, &out), PATH_RESOLVED);
    assert_string_equal(out, want);
    free(out);
    free(in);
    free(want);
}

static void test_path_boundary__resolve_refuses_dangling_and_loops(void **state)
{
    const char *dir = *state;
    char *out = NULL;
    char *in = xasprintf("%s/dangling", dir);
    assert_int_equal(path_resolve(in, &out), PATH_DANGLING);
    assert_null(out);
    free(in);
    in = xasprintf("%s/dangling/below.md", dir);
    assert_int_equal(path_resolve(in, &out), PATH_DANGLING);
    free(in);
    in = xasprintf("%s/loop", dir);
    assert_int_equal(path_resolve(in, &out), PATH_ERRNO);
    assert_int_equal(errno, ELOOP);
    assert_null(out);
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_boundary__inside_is_by_component),
        cmocka_unit_test(test_path_boundary__below_names_the_rest),
        cmocka_unit_test(test_path_boundary__same_ignores_leading_dot_slash),
        cmocka_unit_test(test_path_boundary__git_component_any_case),
        cmocka_unit_test(test_path_boundary__error_classes),
        cmocka_unit_test_setup_teardown(test_path_boundary__resolve_follows_links_and_keeps_missing_rest, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_path_boundary__resolve_refuses_dangling_and_loops, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
