/*
 * The git repository around the dataset, through libgit2 (never a git subprocess).
 * source.c reads bytes from it; this module answers questions about it: where it is,
 * where its hooks go, which tags it has, what is an ancestor of what.
 *
 *   struct repo *repo = NULL;
 *   if (repo_open(&repo, ".") < 0) ...        // DSCI_EENV: not a git repository
 *   repo_free(repo);
 *
 * repo_open honours GIT_DIR, GIT_WORK_TREE and GIT_INDEX_FILE the way git does
 * (GIT_REPOSITORY_OPEN_FROM_ENV), so a pre-commit hook sees the index git prepared.
 */
#ifndef DSCI_REPO_H
#define DSCI_REPO_H

#include <stdbool.h>
#include <stddef.h>

struct repo;

/* Opens the repository containing `dir` (searching upwards). Outside a repository:
 * DSCI_EENV with "not a git repository" (callers that can do without git check
 * repo_open's code and go on). */
int repo_open(struct repo **out, const char *dir);
void repo_free(struct repo *repo);

/* The work tree's top folder (realpath, no trailing slash); NULL for a bare repository. */
const char *repo_workdir(const struct repo *repo);
bool repo_is_bare(const struct repo *repo);
/* The git directory (GIT_DIR, or a linked worktree's own gitdir) and the common one
 * its objects, refs and hooks live in (the same for an ordinary clone), as libgit2
 * found them; borrowed. Nothing dsci writes for a dataset may land there. */
const char *repo_gitdir(const struct repo *repo);
const char *repo_commondir(const struct repo *repo);
bool repo_is_shallow(const struct repo *repo);

/* Where hooks live: core.hooksPath (relative to the work tree when relative) or
 * $GIT_DIR/hooks (the common dir for linked worktrees). *out is malloc'd. */
int repo_hooks_dir(const struct repo *repo, char **out);

/* Tag names starting with `prefix`, sorted by name. *out: free each and the array. */
int repo_list_tags(const struct repo *repo, const char *prefix, char ***out, size_t *n);

/* 1 when `ancestor` is `rev` or an ancestor of it, 0 when not, < 0 on error (a name
 * that does not resolve is DSCI_EUSAGE). Names are anything git rev-parse accepts
 * that libgit2 supports (tags, branches, HEAD~2, abbreviated ids). */
int repo_is_ancestor(const struct repo *repo, const char *ancestor, const char *rev);

/* The full commit id (40 hex) a name resolves to; DSCI_EUSAGE when it does not. */
int repo_resolve_commit(const struct repo *repo, const char *rev, char out[41]);

/* The paths the index changes relative to HEAD (every path of the index before the
 * first commit): additions, modifications and deletions, repo-relative, sorted, each
 * once. The index is GIT_INDEX_FILE's when set, as git points a commit hook at it.
 * *out: free each and the array. (src/repo_status.c) */
int repo_staged_paths(const struct repo *repo, char ***out, size_t *n);

/* 1 when the tag `name` exists (refs/tags/<name>), 0 when not, < 0 on error. */
int repo_tag_exists(const struct repo *repo, const char *name);

/*
 * Creates the annotated tag `name` on the commit HEAD points at, with `message`. The
 * tagger is git's committer identity (GIT_COMMITTER_NAME/EMAIL, else user.name and
 * user.email), or "dsci <dsci@localhost>" when there is none, as in CI. A tag is never
 * moved: an existing one is DSCI_EUSAGE "tag 'x' already exists; dsci never moves tags",
 * as are a name git refuses and a HEAD without a commit. *out_id (41 bytes, may be
 * NULL) gets the tag object's id.
 */
int repo_create_tag(const struct repo *repo, const char *name, const char *message, char *out_id);

/*
 * Which of `paths` (repository-relative) are not committed as they are: changed in the
 * work tree or the index against HEAD, untracked, ignored or missing. *out lists them in
 * the order given (free each and the array); *n is 0 when every path equals HEAD.
 * Needs a work tree.
 */
int repo_uncommitted_paths(const struct repo *repo, const char *const *paths, size_t n_paths, char ***out,
                           size_t *n);

/*
 * A ref that names a blob rather than a commit (refs/dsci/summary/<tag>: a released
 * version's summary). write: the blob is made from `bytes` and the ref created or moved
 * to it. read: 1 with the blob's bytes in *out (free it), 0 when there is no such ref,
 * < 0 (DSCI_EENV) when it cannot be read or names no blob. (src/repo_blob_ref.c)
 */
int repo_write_blob_ref(const struct repo *repo, const char *refname, const void *bytes, size_t len,
                        const char *log_message);
int repo_read_blob_ref(const struct repo *repo, const char *refname, char **out, size_t *len);

/* libgit2's handle, for source.c and repo_blob_ref.c only. */
struct git_repository *repo_git(const struct repo *repo);

#endif
