/*
 * Real git repositories for the unit tests of src/data: built in a temporary folder with
 * the `git` command (as a user would), never mocked. Fixed identities and dates keep
 * ids stable; the user's and the system's git configuration are kept out.
 *
 *   char *top = fixture_new("source");             // realpath of an empty folder
 *   char *repo = fixture_repo(top, "repo");        // top/repo, after `git init`
 *   fixture_write(top, "data/a.jsonl", "{}\n");
 *   fixture_git(top, "add -A && git commit -qm one");
 *   fixture_remove(top);                           // rm -rf, then frees top
 */
#ifndef DSCI_TEST_GIT_FIXTURE_H
#define DSCI_TEST_GIT_FIXTURE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* nftw, mkdtemp */
#endif
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_helpers.h"

#include "util/xalloc.h"

/* The environment git and libgit2 see: no GIT_DIR from a hook or a CI runner, no
 * configuration but the repository's own. */
static inline void fixture_env(void)
{
    unsetenv("GIT_DIR");
    unsetenv("GIT_WORK_TREE");
    unsetenv("GIT_INDEX_FILE");
    unsetenv("GIT_COMMON_DIR");
    unsetenv("GIT_OBJECT_DIRECTORY");
    setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
    setenv("GIT_AUTHOR_NAME", "Test", 1);
    setenv("GIT_AUTHOR_EMAIL", "test@example.com", 1);
    setenv("GIT_COMMITTER_NAME", "Test", 1);
    setenv("GIT_COMMITTER_EMAIL", "test@example.com", 1);
    setenv("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z", 1);
    setenv("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z", 1);
    setenv("TZ", "UTC", 1);
}

/* A new empty folder, by its real path (/tmp may be a link); the caller fixture_removes it. */
static char *fixture_new(const char *name)
{
    fixture_env();
    char *tmpl = xasprintf("/tmp/dsci-%s.XXXXXX", name);
    assert_non_null(mkdtemp(tmpl));
    char *real = realpath(tmpl, NULL);
    assert_non_null(real);
    free(tmpl);
    return real;
}

/* Runs `git <args>` in `dir` through the shell (args may chain "&& git ..."); must succeed. */
static inline void fixture_git(const char *dir, const char *args)
{
    char *cmd = xasprintf("cd '%s' && git -c init.defaultBranch=main -c core.autocrlf=false %s >/dev/null 2>&1",
                          dir, args);
    int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "fixture: failed: %s\n", cmd);
    free(cmd);
    assert_int_equal(rc, 0);
}

/* base/name, made a new git repository; the caller frees the path. */
static inline char *fixture_repo(const char *base, const char *name)
{
    char *top = xasprintf("%s/%s", base, name);
    assert_int_equal(mkdir(top, 0755), 0);
    fixture_git(top, "init -q");
    return top;
}

/* Writes `text` to dir/rel, creating the folders on the way. */
static inline void fixture_write(const char *dir, const char *rel, const char *text)
{
    char *path = xasprintf("%s/%s", dir, rel);
    for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
    free(path);
}

/* A list of names is `want` (n_want of them, in order); frees the list. */
static inline void fixture_expect_names(char **got, size_t n, const char *const *want, size_t n_want)
{
    assert_int_equal(n, n_want);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(got[i], want[i]);
        free(got[i]);
    }
    free(got);
}

static inline void fixture_symlink(const char *dir, const char *rel, const char *target)
{
    char *path = xasprintf("%s/%s", dir, rel);
    assert_int_equal(symlink(target, path), 0);
    free(path);
}

static inline int fixture_unlink(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Removes the folder and everything in it (symlinks themselves, never their targets). */
static inline void fixture_remove(char *dir)
{
    if (dir)
        nftw(dir, fixture_unlink, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

#endif
