/* The pre-commit hook: the embedded script is hooks/pre-commit, installing never loses a
 * foreign hook, and which staged paths belong to a dataset (no git needed: the test links
 * no libgit2 code, which matters for the static build). */
#include "test_helpers.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hook/hook.h"
#include "spec/spec.h"
#include "util/err.h"
#include "util/xalloc.h"

/* ctest runs the unit tests in tests/ of the source tree. */
#define SCRIPT_PATH "../hooks/pre-commit"
#define EXAMPLE_SPEC "../examples/task-api/specs/task-api.yaml"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = NULL;
    size_t len = 0, alloc = 0;
    int c;
    while ((c = fgetc(f)) != EOF) {
        ALLOC_GROW(data, len + 2, alloc);
        data[len++] = (char)c;
    }
    fclose(f);
    if (!data)
        return xstrdup("");
    data[len] = '\0';
    return data;
}

static void spit(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, mode), 0);
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

static int make_tmp(void **state)
{
    char templ[] = "/tmp/dsci-test-hook.XXXXXX";
    assert_non_null(mkdtemp(templ));
    *state = xstrdup(templ);
    return 0;
}

static int remove_tmp(void **state)
{
    char *cmd = xasprintf("rm -rf '%s'", (char *)*state);
    int rc = system(cmd);
    free(cmd);
    free(*state);
    return rc == 0 ? 0 : -1;
}

static void test_hook__script_is_the_shipped_file(void **state)
{
    (void)state;
    char *shipped = slurp(SCRIPT_PATH);
    assert_non_null(shipped);
    assert_string_equal(hook_script, shipped);
    assert_non_null(strstr(hook_script, HOOK_MARKER "\n"));
    assert_non_null(strstr(hook_script, "--no-verify"));
    assert_int_equal(mode_of(SCRIPT_PATH) & 0111, 0111);
    free(shipped);
}

static void test_hook__installs_then_is_idempotent(void **state)
{
    char *dir = xasprintf("%s/not/yet/hooks", (char *)*state);
    struct hook_install_result res = HOOK_INSTALL_RESULT_INIT;

    assert_int_equal(hook_install(&res, dir, false), 0);
    assert_int_equal(res.outcome, HOOK_INSTALLED);
    assert_null(res.backup);
    char *want = xasprintf("%s/pre-commit", dir);
    assert_string_equal(res.path, want);
    char *got = slurp(want);
    assert_string_equal(got, hook_script);
    assert_int_equal(mode_of(want), 0755);
    free(got);
    hook_install_result_release(&res);

    assert_int_equal(hook_install(&res, dir, false), 0);
    assert_int_equal(res.outcome, HOOK_UNCHANGED);
    hook_install_result_release(&res);

    /* the same text without the execute bit does not run: rewrite it */
    assert_int_equal(chmod(want, 0644), 0);
    assert_int_equal(hook_install(&res, dir, false), 0);
    assert_int_equal(res.outcome, HOOK_UPDATED);
    assert_int_equal(mode_of(want), 0755);
    hook_install_result_release(&res);

    /* no temporary file left behind */
    char *cmd = xasprintf("test -z \"$(ls -A '%s' | grep -v '^pre-commit$')\"", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(want);
    free(dir);
}

static void test_hook__replaces_an_older_dsci_hook(void **state)
{
    char *path = xasprintf("%s/pre-commit", (char *)*state);
    struct hook_install_result res = HOOK_INSTALL_RESULT_INIT;

    spit(path, "#!/bin/sh\n" HOOK_MARKER "\nexec dsci check\n", 0755);
    assert_int_equal(hook_install(&res, *state, false), 0);
    assert_int_equal(res.outcome, HOOK_UPDATED);
    assert_null(res.backup);
    char *got = slurp(path);
    assert_string_equal(got, hook_script);
    free(got);
    hook_install_result_release(&res);
    free(path);
}

static void test_hook__refuses_a_foreign_hook_then_keeps_backups(void **state)
{
    const char *dir = *state;
    char *path = xasprintf("%s/pre-commit", dir);
    char *backup = xasprintf("%s/pre-commit.dsci-backup", dir);
    char *backup1 = xasprintf("%s/pre-commit.dsci-backup.1", dir);
    struct hook_install_result res = HOOK_INSTALL_RESULT_INIT;

    spit(path, "#!/bin/sh\necho mine\n", 0700);
    assert_int_equal(hook_install(&res, dir, false), DSCI_EUSAGE);
    assert_non_null(strstr(err_last(), "a pre-commit hook already exists at "));
    assert_non_null(strstr(err_last(), "--force"));
    assert_non_null(strstr(err_last(), backup));
    char *got = slurp(path);
    assert_string_equal(got, "#!/bin/sh\necho mine\n");
    free(got);
    assert_int_equal(access(backup, F_OK), -1);

    assert_int_equal(hook_install(&res, dir, true), 0);
    assert_int_equal(res.outcome, HOOK_REPLACED);
    assert_string_equal(res.backup, backup);
    got = slurp(backup);
    assert_string_equal(got, "#!/bin/sh\necho mine\n");
    free(got);
    assert_int_equal(mode_of(backup), 0700);
    got = slurp(path);
    assert_string_equal(got, hook_script);
    free(got);
    hook_install_result_release(&res);

    /* a second foreign hook: the first backup stays, the next number is used */
    spit(path, "#!/bin/sh\necho second\n", 0755);
    assert_int_equal(hook_install(&res, dir, true), 0);
    assert_string_equal(res.backup, backup1);
    got = slurp(backup);
    assert_string_equal(got, "#!/bin/sh\necho mine\n");
    free(got);
    got = slurp(backup1);
    assert_string_equal(got, "#!/bin/sh\necho second\n");
    free(got);
    hook_install_result_release(&res);
    free(path);
    free(backup);
    free(backup1);
}

static void test_hook__names_the_pre_commit_framework(void **state)
{
    char *path = xasprintf("%s/pre-commit", (char *)*state);
    struct hook_install_result res = HOOK_INSTALL_RESULT_INIT;

    spit(path, "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n", 0755);
    assert_int_equal(hook_install(&res, *state, false), DSCI_EUSAGE);
    assert_non_null(strstr(err_last(), ".pre-commit-config.yaml"));
    free(path);
}

static void test_hook__a_dangling_link_is_foreign(void **state)
{
    char *path = xasprintf("%s/pre-commit", (char *)*state);
    struct hook_install_result res = HOOK_INSTALL_RESULT_INIT;

    assert_int_equal(symlink("/nonexistent/hook", path), 0);
    assert_int_equal(hook_install(&res, *state, false), DSCI_EUSAGE);
    assert_int_equal(hook_install(&res, *state, true), 0);
    assert_int_equal(res.outcome, HOOK_REPLACED);
    char link[64];
    ssize_t n = readlink(res.backup, link, sizeof(link) - 1);
    assert_true(n > 0);
    link[n] = '\0';
    assert_string_equal(link, "/nonexistent/hook");
    hook_install_result_release(&res);
    free(path);
}

/* A spec with just the fields hook_spec_covers reads. */
struct small_spec {
    struct spec spec;
    struct spec_split splits[2];
    char *train[1], *eval[2];
};

static void small_spec_init(struct small_spec *s)
{
    memset(s, 0, sizeof(*s));
    s->train[0] = "data/splits/train.jsonl";
    s->eval[0] = "data/eval-*.jsonl";
    s->eval[1] = "../shared/test.jsonl";
    s->splits[0].name = "train";
    s->splits[0].patterns = s->train;
    s->splits[0].n_patterns = 1;
    s->splits[1].name = "test";
    s->splits[1].patterns = s->eval;
    s->splits[1].n_patterns = 2;
    s->spec.dataset.splits = s->splits;
    s->spec.dataset.n_splits = 2;
    s->spec.dataset.card = "./data/hf_dataset/README.md";
    s->spec.dataset.version_file = "data/hf_dataset/version.json";
}

static void test_hook__covers_paths_of_a_top_level_dataset(void **state)
{
    (void)state;
    struct small_spec s;
    small_spec_init(&s);
    assert_true(hook_spec_covers(&s.spec, "", "data/splits/train.jsonl"));
    assert_true(hook_spec_covers(&s.spec, "", "data/eval-1.jsonl"));
    assert_true(hook_spec_covers(&s.spec, "", "data/hf_dataset/README.md"));
    assert_true(hook_spec_covers(&s.spec, "", "data/hf_dataset/version.json"));
    /* '*' does not cross '/', as for the files the check reads */
    assert_false(hook_spec_covers(&s.spec, "", "data/eval-1/x.jsonl"));
    assert_false(hook_spec_covers(&s.spec, "", "README.md"));
    assert_false(hook_spec_covers(&s.spec, "", "data/splits/train.jsonl.bak"));
    /* "../shared" leaves the repository from the top: matches nothing */
    assert_false(hook_spec_covers(&s.spec, "", "shared/test.jsonl"));
}

static void test_hook__covers_paths_of_a_nested_dataset(void **state)
{
    (void)state;
    struct small_spec s;
    small_spec_init(&s);
    assert_true(hook_spec_covers(&s.spec, "sets/a", "sets/a/data/splits/train.jsonl"));
    assert_true(hook_spec_covers(&s.spec, "sets/a", "sets/a/data/eval-x.jsonl"));
    assert_true(hook_spec_covers(&s.spec, "sets/a", "sets/shared/test.jsonl"));
    assert_true(hook_spec_covers(&s.spec, "sets/a/", "sets/a/data/hf_dataset/README.md"));
    assert_false(hook_spec_covers(&s.spec, "sets/a", "data/splits/train.jsonl"));
    assert_false(hook_spec_covers(&s.spec, "sets/a", "sets/b/data/splits/train.jsonl"));
    /* the root's own glob characters are literal */
    assert_true(hook_spec_covers(&s.spec, "sets/[ab]*", "sets/[ab]*/data/eval-2.jsonl"));
    assert_false(hook_spec_covers(&s.spec, "sets/[ab]*", "sets/a/data/eval-2.jsonl"));
}

/* A work tree with a top-level dataset, a nested one, a broken spec and a YAML file in
 * specs/ that is not a dsci spec. */
static int make_tree(void **state)
{
    char *example = realpath(EXAMPLE_SPEC, NULL);
    if (!example)
        return -1;
    make_tmp(state);
    char *cmd = xasprintf("cd '%s' && mkdir -p specs sets/a/specs sets/b/specs && "
                          "cp '%s' specs/top.yaml && cp '%s' sets/a/specs/a.yaml && "
                          "echo 'openapi: 3.0.0' >specs/openapi.yaml && "
                          "printf 'dsci: 1\\ndataset: [\\n' >sets/b/specs/broken.yaml",
                          (char *)*state, example, example);
    int rc = system(cmd);
    free(cmd);
    free(example);
    return rc == 0 ? 0 : -1;
}

/* hook_touched_specs on `staged` (sorted); the result joined with ' '. */
static char *touched(const char *workdir, const char **staged, size_t n)
{
    char **specs = NULL;
    size_t n_specs = 0;
    assert_int_equal(hook_touched_specs(&specs, &n_specs, workdir, (char *const *)staged, n), 0);
    char *joined = xstrdup("");
    for (size_t i = 0; i < n_specs; i++) {
        char *next = xasprintf("%s%s%s", joined, i ? " " : "", specs[i]);
        free(joined);
        joined = next;
        free(specs[i]);
    }
    free(specs);
    return joined;
}

#define assert_touched(want, ...)                                                         \
    do {                                                                                  \
        const char *staged_[] = { __VA_ARGS__ };                                          \
        char *got_ = touched(*state, staged_, sizeof(staged_) / sizeof(staged_[0]));      \
        assert_string_equal(got_, want);                                                  \
        free(got_);                                                                       \
    } while (0)

static void test_hook__skips_paths_outside_datasets(void **state)
{
    assert_touched("", "README.md");
    assert_touched("", "data/notes.txt", "docs/x/y.md", "sets/a/README.md");
    assert_touched("", "specs/openapi.yaml");
    assert_touched("", "data/splits/train.jsonl.orig");
    assert_int_equal(hook_touched_specs(&(char **){ NULL }, &(size_t){ 0 }, *state, NULL, 0), 0);
}

static void test_hook__finds_the_datasets_of_staged_paths(void **state)
{
    assert_touched("specs/top.yaml", "data/splits/train.jsonl");
    assert_touched("specs/top.yaml", "specs/top.yaml");
    assert_touched("specs/top.yaml", "data/hf_dataset/README.md");
    assert_touched("sets/a/specs/a.yaml", "sets/a/data/splits/val.jsonl");
    assert_touched("sets/a/specs/a.yaml specs/top.yaml", "data/splits/test.jsonl",
                   "sets/a/data/hf_dataset/version.json");
    /* a spec that does not load: the check reports it */
    assert_touched("sets/b/specs/broken.yaml", "sets/b/anything.txt");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hook__script_is_the_shipped_file),
        cmocka_unit_test_setup_teardown(test_hook__installs_then_is_idempotent, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(test_hook__replaces_an_older_dsci_hook, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(test_hook__refuses_a_foreign_hook_then_keeps_backups, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(test_hook__names_the_pre_commit_framework, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(test_hook__a_dangling_link_is_foreign, make_tmp, remove_tmp),
        cmocka_unit_test(test_hook__covers_paths_of_a_top_level_dataset),
        cmocka_unit_test(test_hook__covers_paths_of_a_nested_dataset),
        cmocka_unit_test_setup_teardown(test_hook__skips_paths_outside_datasets, make_tree, remove_tmp),
        cmocka_unit_test_setup_teardown(test_hook__finds_the_datasets_of_staged_paths, make_tree, remove_tmp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
