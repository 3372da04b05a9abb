/*
 * What the next commit would change: the index against HEAD. Kept apart from repo.c
 * because only the pre-commit hook asks it (to skip quickly when no staged path
 * touches a dataset).
 */
#include "data/repo.h"

#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "util/err.h"
#include "util/strv.h"
#include "util/xalloc.h"

static int git_fail(const char *what)
{
    const git_error *e = git_error_last();
    return err_set(DSCI_EENV, "%s: %s", what, e && e->message ? e->message : "libgit2 error");
}

int repo_staged_paths(const struct repo *repo, char ***out, size_t *n)
{
    git_repository *git = repo_git(repo);
    git_index *index = NULL;
    git_object *head_tree = NULL;
    git_diff *diff = NULL;
    git_diff_options opts;
    char **list = NULL;
    size_t count = 0, alloc = 0;
    int rc = 0, unborn;

    *out = NULL;
    *n = 0;
    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    /* With the repository opened FROM_ENV this is GIT_INDEX_FILE's index when set. */
    if (git_repository_index(&index, git) < 0) {
        rc = git_fail("cannot read the index");
        goto done;
    }
    unborn = git_repository_head_unborn(git);
    if (unborn < 0) {
        rc = git_fail("cannot read HEAD");
        goto done;
    }
    /* Before the first commit everything in the index is new: diff against no tree. */
    if (!unborn && git_revparse_single(&head_tree, git, "HEAD^{tree}") < 0) {
        rc = git_fail("cannot read the tree of HEAD");
        goto done;
    }
    /* No rename detection: a rename is its deletion and its addition, both paths listed. */
    if (git_diff_tree_to_index(&diff, git, (git_tree *)head_tree, index, &opts) < 0) {
        rc = git_fail("cannot compare the index with HEAD");
        goto done;
    }
    for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
        const git_diff_delta *d = git_diff_get_delta(diff, i);
        const char *path = d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
        if (!path)
            continue;
        ALLOC_GROW(list, count + 1, alloc);
        list[count++] = xstrdup(path);
    }
    if (count > 1) {
        size_t kept = 1;
        qsort(list, count, sizeof(*list), strv_cmp);
        for (size_t i = 1; i < count; i++) {
            if (!strcmp(list[i], list[kept - 1]))
                free(list[i]);
            else
                list[kept++] = list[i];
        }
        count = kept;
    }
    *out = list;
    *n = count;
    list = NULL;
done:
    free(list);
    git_diff_free(diff);
    git_object_free(head_tree);
    git_index_free(index);
    return rc;
}
