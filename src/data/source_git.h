/*
 * The git backend of struct source (for source.c only): blobs of the index (rev NULL)
 * or of a revision's tree, read through libgit2 and source_git_object.h, never a checkout.
 */
#ifndef DSCI_SOURCE_GIT_H
#define DSCI_SOURCE_GIT_H

struct repo;
struct source;

/* src->root is set; `repo` is borrowed and must outlive the source. Fills src->ops and
 * src->impl (freed by ops->release, even on failure). */
int source_git_init(struct source *src, struct repo *repo, const char *rev);

#endif
