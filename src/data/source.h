/*
 * Where bytes come from: the work tree, the git index, or a revision. The only module
 * that touches the file system for dataset content (and, from the git-native issue on,
 * the only one that touches git_*). Every path it accepts is relative to the dataset
 * root and may not leave the repository (or, outside git, the dataset root).
 *
 *   struct source *src = NULL;
 *   source_open_worktree(&src, spec->root);
 *   source_expand(src, "data/train-[0-9].jsonl", &paths, &n);      // sorted, repo-relative names
 *   source_open_stream(src, paths[0], &stream);          // read with stream.read()
 *   source_free(src);
 *
 * Ownership: a source from source_open_* is the caller's to source_free (which accepts
 * NULL); a git source borrows its repo, which must outlive it. Strings handed out are
 * malloc'd and the caller's (expand, display_path, read_file) except source_describe's,
 * borrowed until source_free. A stream is the caller's to close.
 * The backends behind this façade are in source_backend.h; see src/data/README.md.
 */
#ifndef DSCI_SOURCE_H
#define DSCI_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "data/byte_stream.h"

struct repo;
struct source;

int source_open_worktree(struct source **out, const char *dataset_root);

/*
 * Git sources read blobs through libgit2, never a checkout: the index (`staged`, what
 * a commit would record; GIT_INDEX_FILE honoured through repo_open) or the tree of a
 * revision. `dataset_root` is relative to the repository top ("" for the top itself);
 * it may be changed once the spec is known (source_set_root). The repo is borrowed.
 */
int source_open_index(struct source **out, struct repo *repo, const char *dataset_root);
int source_open_rev(struct source **out, struct repo *repo, const char *rev, const char *dataset_root);
void source_set_root(struct source *src, const char *dataset_root);
void source_free(struct source *src);

/* "worktree", "index", "dataset-v1.2.0 (3f2a9c1)" for the report header */
const char *source_describe(const struct source *src);

/* Expands a path or glob (relative to the dataset root) to the files it names,
 * sorted. No match gives n = 0 (the caller reports it). A path that escapes the
 * root is DSCI_EUSAGE. *out: caller frees each string and the array. */
int source_expand(struct source *src, const char *pattern, char ***out, size_t *n);

/* The path as reports show it: repo-relative (or relative to the current directory). */
char *source_display_path(const struct source *src, const char *path);

int source_open_stream(struct source *src, const char *path, struct byte_stream *out);

/* Whole small files (version file, card). Missing: DSCI_EUSAGE with a message. */
int source_read_file(struct source *src, const char *path, char **out, size_t *len);
/* 1 when `path` is a file, 0 when nothing is there, < 0 (err_last() says why) when
 * something is there that cannot be read as a file: a folder, a FIFO, a path leaving
 * the boundary, the OS refusing. `if (source_exists(...))` then reading reports it. */
int source_exists(struct source *src, const char *path);

/* 1 and the git blob id of the file's bytes when the source knows it without reading
 * them (the index, a revision), else 0 (the work tree). */
int source_blob_id(struct source *src, const char *path, unsigned char id[20]);

/* The file's stored size without reading it: 0, or a negative DSCI_E* (err_last() says
 * why) where opening it would fail. */
int source_size(struct source *src, const char *path, uint64_t *size);

#endif
