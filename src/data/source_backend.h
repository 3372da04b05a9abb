/*
 * For the source backends (source_worktree.c, source_git.c, a test's in-memory one):
 * the ops table behind struct source. Dependencies run one way: source.c (the façade)
 * includes this header and the backends' constructors (source_worktree.h,
 * source_git.h); a backend includes this header, source_path.h and what it reads
 * through, never source.h, so no backend depends on the façade that calls it.
 *
 * Invariants the façade keeps before it calls an op: `path` is root-relative,
 * normalized (source_path_normalize), and not absolute. Leaving the boundary through
 * ".." or a symlink is for the backend to judge: only it knows the boundary.
 */
#ifndef DSCI_SOURCE_IMPL_H
#define DSCI_SOURCE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "data/byte_stream.h"

struct source;

struct source_ops {
    /* Every file name under the root matching the glob, sorted; root-relative.
     * *out: the caller frees each string and the array. */
    int (*expand_glob)(struct source *src, const char *pattern, char ***out, size_t *n);
    /* A root-relative name, already normalized and known not to leave the boundary. */
    int (*open_stream)(struct source *src, const char *path, struct byte_stream *out);
    /* *out is malloc'd (NUL-terminated after len bytes), the caller's to free. */
    int (*read_file)(struct source *src, const char *path, char **out, size_t *len);
    /* 1: a file; 0: nothing there; < 0: something unusable there (err_last says why) */
    int (*exists)(struct source *src, const char *path);
    /* malloc'd, the caller's to free */
    char *(*display_path)(const struct source *src, const char *path);
    /* The git blob id of the file's bytes when the source knows it without reading them
     * (1, id written), else 0; NULL: never. The summary cache skips a file it has seen. */
    int (*blob_id)(struct source *src, const char *path, unsigned char id[20]);
    /* The file's stored size in bytes, without reading it (a stat, a git object's
     * header): 0 and *size, or a negative DSCI_E* as open_stream would fail. Shards of a
     * check (run/shard_plan.h) balance by it. */
    int (*size)(struct source *src, const char *path, uint64_t *size);
    /* Frees impl (only); the façade frees root, description and the struct. */
    void (*release)(struct source *src);
};

/* Owned by the façade (source.c); a backend's constructor sets ops and impl. */
struct source {
    const struct source_ops *ops;
    char *root;          /* the dataset root: relative to the cwd (work tree) or repo top (git) */
    char *description;
    void *impl;          /* the backend's own state, freed by ops->release */
};

#endif
