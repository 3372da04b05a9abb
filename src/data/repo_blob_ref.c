/*
 * Refs that name blobs (refs/dsci/summary/<tag>): git keeps, pushes and fetches them like
 * any ref, and no checkout or branch ever shows them.
 */
#include "data/repo.h"

#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "util/err.h"
#include "util/xalloc.h"

static int blob_ref_fail(const char *what, const char *refname)
{
    const git_error *e = git_error_last();
    int rc = err_set(DSCI_EENV, "%s %s: %s", what, refname, e && e->message ? e->message : "libgit2 error");
    git_error_clear();
    return rc;
}

int repo_write_blob_ref(const struct repo *repo, const char *refname, const void *bytes, size_t len,
                        const char *log_message)
{
    git_oid id;
    git_reference *ref = NULL;
    git_repository *git = repo_git(repo);
    if (git_blob_create_from_buffer(&id, git, bytes, len) < 0)
        return blob_ref_fail("cannot write the blob for", refname);
    /* force: a ref left by an interrupted bump of the same tag names a stale blob */
    if (git_reference_create(&ref, git, refname, &id, 1, log_message) < 0)
        return blob_ref_fail("cannot write the ref", refname);
    git_reference_free(ref);
    return 0;
}

int repo_read_blob_ref(const struct repo *repo, const char *refname, char **out, size_t *len)
{
    git_reference *ref = NULL, *direct = NULL;
    git_blob *blob = NULL;
    git_repository *git = repo_git(repo);
    int rc;
    *out = NULL;
    *len = 0;
    rc = git_reference_lookup(&ref, git, refname);
    if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
        git_error_clear();
        return 0;
    }
    if (rc < 0)
        return blob_ref_fail("cannot read the ref", refname);
    if (git_reference_resolve(&direct, ref) < 0) {
        rc = blob_ref_fail("cannot resolve the ref", refname);
        goto done;
    }
    /* a ref naming a commit or a tree is no summary: the caller says so */
    if (git_blob_lookup(&blob, git, git_reference_target(direct)) < 0) {
        rc = blob_ref_fail("no blob at", refname);
        goto done;
    }
    size_t n = (size_t)git_blob_rawsize(blob);
    *out = xmalloc(n ? n : 1);
    memcpy(*out, git_blob_rawcontent(blob), n);
    *len = n;
    rc = 1;
done:
    git_blob_free(blob);
    git_reference_free(direct);
    git_reference_free(ref);
    return rc;
}
