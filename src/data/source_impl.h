/*
 * Private to source*.c: the backends behind struct source. Each backend fills the
 * ops table; source.c checks the paths (no escaping the boundary) before it calls them,
 * so backends only see clean root-relative names.
 */
#ifndef DSCI_SOURCE_IMPL_H
#define DSCI_SOURCE_IMPL_H

#include <stdbool.h>

#include "data/source.h"

struct source_ops {
    /* Every file name under the root matching the glob, sorted; root-relative. */
    int (*expand_glob)(struct source *src, const char *pattern, char ***out, size_t *n);
    /* A root-relative name, already normalized and known not to leave the boundary. */
    int (*open_stream)(struct source *src, const char *path, struct byte_stream *out);
    int (*read_file)(struct source *src, const char *path, char **out, size_t *len);
    /* 1: a file; 0: nothing there; < 0: something unusable there (err_last says why) */
    int (*exists)(struct source *src, const char *path);
    char *(*display_path)(const struct source *src, const char *path);
    void (*release)(struct source *src);
};

struct source {
    const struct source_ops *ops;
    char *root;          /* the dataset root: relative to the cwd (work tree) or repo top (git) */
    char *description;
    void *impl;
};

/* "a/b" + "c" -> "a/b/c"; "." or "" as dir -> "c". malloc'd. */
char *source_join(const char *dir, const char *rel);
/* Resolves "." and ".." by name, in place ("ds/../x" -> "x", "" -> "."). */
void source_normalize(char *path);

int source_worktree_init(struct source *src);
int source_git_init(struct source *src, struct repo *repo, const char *rev);

#endif
