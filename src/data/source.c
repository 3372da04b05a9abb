/*
 * Where bytes come from, whatever the backend: path checks and the public API. Every
 * path a caller gives is relative to the dataset root; it is normalized here and may
 * not leave the root's boundary (the repository, or outside git the dataset root),
 * which the backends enforce for what they alone can see (symlinks).
 */
#include "data/source.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "data/source_git.h"
#include "data/source_backend.h"
#include "data/source_path.h"
#include "data/source_worktree.h"
#include "util/err.h"
#include "util/xalloc.h"

static void init_common(struct source *src, const char *root, const char *description)
{
    src->root = xstrdup(root && *root ? root : ".");
    src->description = xstrdup(description);
}

int source_open_worktree(struct source **out, const char *dataset_root)
{
    struct source *src = xcalloc(1, sizeof(*src));
    init_common(src, dataset_root, "worktree");
    int rc = source_worktree_init(src);
    if (rc < 0) {
        source_free(src);
        return rc;
    }
    *out = src;
    return 0;
}

static int open_git(struct source **out, struct repo *repo, const char *rev, const char *root)
{
    struct source *src = xcalloc(1, sizeof(*src));
    init_common(src, root, rev ? rev : "index");
    int rc = source_git_init(src, repo, rev);
    if (rc < 0) {
        source_free(src);
        return rc;
    }
    *out = src;
    return 0;
}

int source_open_index(struct source **out, struct repo *repo, const char *dataset_root)
{
    return open_git(out, repo, NULL, dataset_root);
}

int source_open_rev(struct source **out, struct repo *repo, const char *rev, const char *dataset_root)
{
    return open_git(out, repo, rev, dataset_root);
}

void source_set_root(struct source *src, const char *dataset_root)
{
    free(src->root);
    src->root = xstrdup(dataset_root && *dataset_root ? dataset_root : ".");
}

void source_free(struct source *src)
{
    if (!src)
        return;
    if (src->ops && src->ops->release)
        src->ops->release(src);
    free(src->root);
    free(src->description);
    free(src);
}

const char *source_describe(const struct source *src)
{
    return src->description;
}

/* The normalized root-relative name, or an error when it is absolute. Leaving the
 * boundary lexically is judged by the backend, which knows the boundary. */
static int clean_path(const char *path, char **out)
{
    if (path[0] == '/')
        return err_set(DSCI_EUSAGE, "'%s': absolute paths are not allowed; give a path relative to the dataset root",
                       path);
    *out = xstrdup(path);
    source_path_normalize(*out);
    return 0;
}

static bool has_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

int source_expand(struct source *src, const char *pattern, char ***out, size_t *n)
{
    char *clean = NULL;
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = clean_path(pattern, &clean)) < 0)
        return rc;
    if (has_glob(clean)) {
        rc = src->ops->expand_glob(src, clean, out, n);
        free(clean);
        return rc;
    }
    /* A plain name is returned as it is: opening it reports a missing file by name. */
    *out = xmalloc(sizeof(**out));
    (*out)[0] = clean;
    *n = 1;
    return 0;
}

char *source_display_path(const struct source *src, const char *path)
{
    return src->ops->display_path(src, path);
}

int source_open_stream(struct source *src, const char *path, struct byte_stream *out)
{
    char *clean = NULL;
    int rc = clean_path(path, &clean);
    if (rc == 0)
        rc = src->ops->open_stream(src, clean, out);
    free(clean);
    return rc;
}

int source_read_file(struct source *src, const char *path, char **out, size_t *len)
{
    char *clean = NULL;
    int rc = clean_path(path, &clean);
    if (rc == 0)
        rc = src->ops->read_file(src, clean, out, len);
    free(clean);
    return rc;
}

int source_blob_id(struct source *src, const char *path, unsigned char id[20])
{
    char *clean = NULL;
    if (!src->ops->blob_id || clean_path(path, &clean) < 0) {
        err_clear();
        return 0;
    }
    int known = src->ops->blob_id(src, clean, id);
    free(clean);
    return known;
}

int source_size(struct source *src, const char *path, uint64_t *size)
{
    char *clean = NULL;
    *size = 0;
    int rc = clean_path(path, &clean);
    if (rc == 0 && src->ops->size)
        rc = src->ops->size(src, clean, size);
    else if (rc == 0) {   /* a backend that cannot tell without reading: read and count */
        struct byte_stream in;
        if ((rc = src->ops->open_stream(src, clean, &in)) == 0) {
            char block[65536];
            ssize_t n;
            while ((n = in.read(in.ctx, block, sizeof(block))) > 0)
                *size += (uint64_t)n;
            in.close(in.ctx);
            rc = n < 0 ? (int)n : 0;
        }
    }
    free(clean);
    return rc;
}

int source_exists(struct source *src, const char *path)
{
    char *clean = NULL;
    int rc = clean_path(path, &clean);
    if (rc < 0)
        return rc;
    int ok = src->ops->exists(src, clean);
    free(clean);
    return ok;
}
