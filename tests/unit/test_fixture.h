/*
 * Real files for the unit tests of src/run/: a temporary dataset folder (specs/ and
 * data/), written file by file, optionally made a git repository by the real git with a
 * fixed author and date, so ids and tags are stable. Header-only; each test program
 * includes it once.
 *
 *   char *root = fixture_dir();                       // mkdtemp; the caller fixture_remove()s
 *   fixture_write(root, "data/train.jsonl", text);    // creates the folders
 *   fixture_git(root, "init -q && git add -A && git commit -qm v1");
 *   fixture_remove(root);                             // rm -rf, then free
 */
#ifndef DSCI_TEST_FIXTURE_H
#define DSCI_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_helpers.h"
#include "util/xalloc.h"

static inline char *fixture_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = xasprintf("%s/dsci-unit.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
    return dir;
}

/* Writes root/rel (making its folders), replacing what was there. */
static inline void fixture_write(const char *root, const char *rel, const char *text)
{
    char *path = xasprintf("%s/%s", root, rel);
    for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        mkdir(path, 0777);
        *p = '/';
    }
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
    free(path);
}

/* Runs `git <args>` (a shell command line: "init -q && git add -A") in root. */
static inline void fixture_git(const char *root, const char *args)
{
    char *cmd = xasprintf("cd '%s' && export GIT_CONFIG_NOSYSTEM=1 HOME='%s' TZ=UTC "
                          "GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=a@example.invalid "
                          "GIT_COMMITTER_NAME=C GIT_COMMITTER_EMAIL=c@example.invalid "
                          "GIT_AUTHOR_DATE=2025-01-01T00:00:00Z GIT_COMMITTER_DATE=2025-01-01T00:00:00Z && "
                          "git %s >/dev/null 2>&1", root, root, args);
    assert_int_equal(system(cmd), 0);
    free(cmd);
}

static inline void fixture_remove(char *root)
{
    char *cmd = xasprintf("rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(root);
}

/* A ShareGPT line: one human turn and one gpt turn. */
#define FIXTURE_LINE(human, gpt) \
    "{\"conversations\": [{\"from\": \"human\", \"value\": \"" human "\"}, {\"from\": \"gpt\", \"value\": \"" gpt "\"}]}\n"

#endif
