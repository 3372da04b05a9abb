/*
 * The summary stored with a release tag: `dsci bump --tag` runs the tagged tree as a
 * later check runs its baseline and keeps every summary cache entry that run used under
 * refs/dsci/summary/<tag> (run/summary_ref.h), so a check against this version, in any
 * clone that fetched the ref, replays the baseline instead of parsing it.
 */
#include "version/bump_impl.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "data/repo.h"
#include "run/compare.h"
#include "run/summary_cache.h"
#include "run/summary_ref.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

/* A store only for this bump when the repository's cache is off (--no-cache,
 * DSCI_NO_CACHE): under the git dir, where a work tree never sees it. NULL in *dir when
 * none can be made. */
static void open_private_store(struct cache_store **out, char **dir, const struct repo *repo)
{
    *out = NULL;
    *dir = NULL;
    const char *git = repo_gitdir(repo);
    if (!git)
        return;
    const char *slash = git[0] && git[strlen(git) - 1] == '/' ? "" : "/";
    char *parent = xasprintf("%s%sdsci", git, slash);
    if (mkdir(parent, 0755) < 0 && errno != EEXIST) {
        free(parent);
        return;
    }
    char *tmpl = xasprintf("%s/summary-XXXXXX", parent);
    free(parent);
    if (!mkdtemp(tmpl)) {
        free(tmpl);
        return;
    }
    if (cache_store_open(out, tmpl, UINT64_MAX) < 0) {
        err_clear();
        *out = NULL;
        rmdir(tmpl);
        free(tmpl);
        return;
    }
    *dir = tmpl;
}

int bump_summary_store(struct dataset *ds, const char *tag, size_t *n_entries)
{
    struct cache_store *store = NULL;
    char *private_dir = NULL;
    struct buf keys = BUF_INIT;
    int rc;

    *n_entries = 0;
    summary_cache_open_store(&store, ds->repo);
    if (!store)
        open_private_store(&store, &private_dir, ds->repo);
    if (!store)
        return err_set(DSCI_EENV, "no cache folder could be opened");
    if ((rc = compare_keep_baseline_summary(ds, tag, store, &keys)) == 0)
        rc = summary_ref_store(ds->repo, tag, store, &keys, n_entries);
    cache_store_close(store);
    if (private_dir) {
        nftw(private_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(private_dir);
    }
    buf_release(&keys);
    return rc;
}
