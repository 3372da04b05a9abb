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
#include "data/source_lfs.h"
#include "data/source_path.h"
#include "data/source_worktree.h"
#include "data/stream_codec.h"
#include "util/buf.h"
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
    free(src->lfs_store);
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

/* The local LFS store of the source's repository; NULL outside one. */
static const char *lfs_store(struct source *src)
{
    if (!src->lfs_store && !src->lfs_looked)
        src->lfs_store = lfs_store_of_dir(src->root);
    src->lfs_looked = true;
    return src->lfs_store;
}

/*
 * The bytes the reader is to see in place of the stored ones: an LFS pointer's object
 * when the local store has it (when it does not, the pointer itself: the reader reports
 * it), then decompressed when the name says so. On error *s is closed.
 */
static int decode_stream(struct source *src, const char *path, struct byte_stream *s)
{
    struct lfs_pointer pointer;
    int rc = lfs_peek(s, &pointer);
    char *shown = rc < 0 ? NULL : src->ops->display_path(src, path);
    /* a git blob's stream may call libgit2, which stays on the caller's thread */
    bool own_thread = src->thread_safe_streams;
    if (rc == 1) {
        const char *store = lfs_store(src);
        rc = store ? lfs_open_object(s, store, &pointer, shown) : 0;
        if (rc == 0) {   /* not fetched: the pointer, never decompressed */
            free(shown);
            return 0;
        }
        own_thread = true;   /* the object is a plain file */
    }
    enum stream_codec codec = stream_codec_of(path);
    if (rc >= 0 && codec != CODEC_NONE)
        rc = stream_codec_wrap(s, codec, shown, own_thread);
    if (rc < 0)
        s->close(s->ctx);
    free(shown);
    return rc < 0 ? rc : 0;
}

int source_open_stream(struct source *src, const char *path, struct byte_stream *out)
{
    char *clean = NULL;
    memset(out, 0, sizeof(*out));   /* a backend sets read, close and ctx; stored stays NULL */
    int rc = clean_path(path, &clean);
    if (rc == 0)
        rc = src->ops->open_stream(src, clean, out);
    if (rc == 0)
        rc = decode_stream(src, clean, out);
    free(clean);
    return rc;
}

/* What source_read_file gives for a compressed file or an LFS pointer: its decoded
 * bytes, as a stream gives them, up to the same limit as a plain file's. */
static int read_decoded(struct source *src, const char *path, char **out, size_t *len)
{
    enum { MAX_BYTES = 64 << 20 };
    struct byte_stream s;
    int rc = source_open_stream(src, path, &s);
    if (rc < 0)
        return rc;
    struct buf b = BUF_INIT;
    ssize_t n;
    for (;;) {
        buf_grow(&b, 65536);
        n = s.read(s.ctx, b.ptr + b.len, 65536);
        if (n <= 0)
            break;
        b.len += (size_t)n;
        if (b.len > MAX_BYTES) {
            char *shown = src->ops->display_path(src, path);
            n = err_set(DSCI_EUSAGE, "%s: larger than %d bytes once decoded", shown, (int)MAX_BYTES);
            free(shown);
            break;
        }
    }
    s.close(s.ctx);
    if (n < 0) {
        buf_release(&b);
        return (int)n;
    }
    buf_grow(&b, 1);
    b.ptr[b.len] = '\0';
    *len = b.len;
    *out = b.ptr;
    return 0;
}

int source_read_file(struct source *src, const char *path, char **out, size_t *len)
{
    char *clean = NULL;
    int rc = clean_path(path, &clean);
    if (rc == 0)
        rc = src->ops->read_file(src, clean, out, len);
    struct lfs_pointer pointer;
    if (rc == 0 && (stream_codec_of(clean) != CODEC_NONE || lfs_pointer_parse(*out, *len, &pointer))) {
        free(*out);
        *out = NULL;
        rc = read_decoded(src, clean, out, len);
    }
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

/* An LFS pointer whose object is in the local store stands for the object's bytes:
 * its size is the pointer's `size` (what a sharded check plans with). */
static void lfs_object_size(struct source *src, const char *path, uint64_t *size)
{
    char *text = NULL;
    size_t len = 0;
    struct lfs_pointer pointer;
    if (*size >= LFS_POINTER_MAX || src->ops->read_file(src, path, &text, &len) < 0) {
        err_clear();
        return;
    }
    const char *store = lfs_pointer_parse(text, len, &pointer) ? lfs_store(src) : NULL;
    if (store && lfs_object_present(store, &pointer))
        *size = pointer.size;
    free(text);
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
    if (rc == 0)
        lfs_object_size(src, clean, size);
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
