/*
 * The work-tree backend of struct source (for source.c only): files read from disk,
 * no path leaving the repository (or, outside git, the dataset root), symlinks followed.
 */
#ifndef DSCI_SOURCE_WORKTREE_H
#define DSCI_SOURCE_WORKTREE_H

struct source;

/* src->root is set; fills src->ops and src->impl (freed by ops->release, even on failure). */
int source_worktree_init(struct source *src);

#endif
