/*
 * The git backends: blobs of the index or of a revision's tree, read through libgit2
 * with no checkout and nothing written to disk. Paths are repository-relative once
 * joined to the dataset root; a symlink is followed only while its target stays in the
 * repository, and a path that enters a submodule continues in the submodule's own
 * repository at the commit the superproject records.
 */
#include "source_impl.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "repo.h"
#include "util/err.h"
#include "util/xalloc.h"

#define MAX_SYMLINK_HOPS 8
#define SMALL_FILE_MAX ((size_t)64 << 20)

struct gitsrc {
    struct repo *repo;          /* borrowed */
    git_repository *git;
    git_tree *tree;             /* rev: the commit's tree */
    git_index *index;           /* index: the index git prepared (GIT_INDEX_FILE) */
    char *where;                /* "the index" or "rev 'dataset-v1.2.0'" for messages */
    git_repository **subrepos;  /* submodules opened on the way; freed at the end */
    size_t n_subrepos, alloc_subrepos;
};

static int git_fail(int code, const char *what)
{
    const git_error *e = git_error_last();
    return err_set(code, "%s: %s", what, e && e->message ? e->message : "libgit2 error");
}

/* Root-relative -> repository-relative; a name that leaves the repository is refused. */
static int repo_path(const struct source *src, const char *path, char **out)
{
    char *full = source_join(src->root, path);
    source_normalize(full);
    if (!strcmp(full, "..") || !strncmp(full, "../", 3) || full[0] == '/') {
        int rc = err_set(DSCI_EUSAGE, "'%s' leaves the repository; dataset files must be inside it", path);
        free(full);
        return rc;
    }
    *out = full;
    return 0;
}

static git_repository *open_submodule(struct gitsrc *g, git_repository *parent, const char *sm_path)
{
    git_submodule *sm = NULL;
    git_repository *sub = NULL;
    if (git_submodule_lookup(&sm, parent, sm_path) < 0)
        return NULL;
    if (git_submodule_open(&sub, sm) < 0)
        sub = NULL;
    git_submodule_free(sm);
    if (sub) {
        ALLOC_GROW(g->subrepos, g->n_subrepos + 1, g->alloc_subrepos);
        g->subrepos[g->n_subrepos++] = sub;
    }
    return sub;
}

/* Walks `path` through `tree` component by component, entering submodules. On success
 * *blob_id / *mode describe the final entry and *owner the repository holding it. */
static int walk_tree(struct gitsrc *g, git_repository *git, const git_tree *tree, const char *path,
                     const char *shown, git_oid *blob_id, git_filemode_t *mode, git_repository **owner)
{
    git_tree_entry *entry = NULL;
    if (git_tree_entry_bypath(&entry, tree, path) == 0) {
        git_oid_cpy(blob_id, git_tree_entry_id(entry));
        *mode = git_tree_entry_filemode(entry);
        *owner = git;
        git_tree_entry_free(entry);
        return 0;
    }
    /* Not found as is: perhaps a prefix is a submodule (a gitlink entry). */
    char *prefix = xstrdup(path);
    for (char *slash = strchr(prefix, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (git_tree_entry_bypath(&entry, tree, prefix) == 0) {
            git_filemode_t m = git_tree_entry_filemode(entry);
            git_oid commit_id;
            git_oid_cpy(&commit_id, git_tree_entry_id(entry));
            git_tree_entry_free(entry);
            if (m != GIT_FILEMODE_COMMIT)
                break;
            git_repository *sub = open_submodule(g, git, prefix);
            git_commit *commit = NULL;
            git_tree *subtree = NULL;
            int rc;
            if (!sub || git_commit_lookup(&commit, sub, &commit_id) < 0) {
                rc = err_set(DSCI_EUSAGE, "'%s' is in submodule '%s', which is not checked out here; "
                                          "run `git submodule update --init`", shown, prefix);
            } else if (git_commit_tree(&subtree, commit) < 0) {
                rc = git_fail(DSCI_EENV, "cannot read a submodule tree");
            } else {
                rc = walk_tree(g, sub, subtree, slash + 1, shown, blob_id, mode, owner);
            }
            git_tree_free(subtree);
            git_commit_free(commit);
            free(prefix);
            return rc;
        }
        *slash = '/';
    }
    free(prefix);
    return err_set(DSCI_EUSAGE, "%s: no such file in %s", shown, g->where);
}

static int lookup_index(struct gitsrc *g, const char *path, const char *shown, git_oid *blob_id,
                        git_filemode_t *mode, git_repository **owner)
{
    const git_index_entry *e = git_index_get_bypath(g->index, path, 0);
    if (e) {
        git_oid_cpy(blob_id, &e->id);
        *mode = (git_filemode_t)e->mode;
        *owner = g->git;
        return 0;
    }
    char *prefix = xstrdup(path);
    for (char *slash = strchr(prefix, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        e = git_index_get_bypath(g->index, prefix, 0);
        if (e && e->mode == GIT_FILEMODE_COMMIT) {
            git_repository *sub = open_submodule(g, g->git, prefix);
            git_commit *commit = NULL;
            git_tree *subtree = NULL;
            int rc;
            if (!sub || git_commit_lookup(&commit, sub, &e->id) < 0)
                rc = err_set(DSCI_EUSAGE, "'%s' is in submodule '%s', which is not checked out here; "
                                          "run `git submodule update --init`", shown, prefix);
            else if (git_commit_tree(&subtree, commit) < 0)
                rc = git_fail(DSCI_EENV, "cannot read a submodule tree");
            else
                rc = walk_tree(g, sub, subtree, slash + 1, shown, blob_id, mode, owner);
            git_tree_free(subtree);
            git_commit_free(commit);
            free(prefix);
            return rc;
        }
        *slash = '/';
    }
    free(prefix);
    return err_set(DSCI_EUSAGE, "%s: no such file in %s (is it staged?)", shown, g->where);
}

/* The blob for a repository path, following symlinks that stay inside. */
static int find_blob(struct source *src, const char *path, git_blob **out)
{
    struct gitsrc *g = src->impl;
    char *current = NULL;
    int rc = repo_path(src, path, &current);
    if (rc < 0)
        return rc;
    for (int hop = 0;; hop++) {
        git_oid id;
        git_filemode_t mode;
        git_repository *owner;
        rc = g->tree ? walk_tree(g, g->git, g->tree, current, current, &id, &mode, &owner)
                     : lookup_index(g, current, current, &id, &mode, &owner);
        if (rc < 0)
            break;
        if (mode == GIT_FILEMODE_TREE || mode == GIT_FILEMODE_COMMIT) {
            rc = err_set(DSCI_EUSAGE, "%s: is a directory, expected a data file", current);
            break;
        }
        git_blob *blob = NULL;
        if (git_blob_lookup(&blob, owner, &id) < 0) {
            rc = git_fail(DSCI_EENV, current);
            break;
        }
        if (mode != GIT_FILEMODE_LINK) {
            *out = blob;
            break;
        }
        /* A symlink: its blob is the target. Resolve it next to the link. */
        size_t tlen = (size_t)git_blob_rawsize(blob);
        char *target = xmemdup(git_blob_rawcontent(blob), tlen);
        git_blob_free(blob);
        if (hop >= MAX_SYMLINK_HOPS || target[0] == '/' || memchr(target, '\0', tlen)) {
            rc = err_set(DSCI_EUSAGE, "%s: symlink to '%s' %s", current, target,
                         hop >= MAX_SYMLINK_HOPS ? "is part of a loop" : "points outside the repository");
            free(target);
            break;
        }
        char *slash = strrchr(current, '/');
        char *dir = slash ? xmemdup(current, (size_t)(slash - current)) : xstrdup("");
        char *next = source_join(dir, target);
        source_normalize(next);
        free(dir);
        if (!strcmp(next, "..") || !strncmp(next, "../", 3)) {
            rc = err_set(DSCI_EUSAGE, "%s: symlink to '%s' points outside the repository", current, target);
            free(target);
            free(next);
            break;
        }
        free(target);
        free(current);
        current = next;
    }
    free(current);
    return rc;
}

struct blob_stream {
    git_blob *blob;
    const char *data;
    size_t len, pos;
};

static ssize_t blob_read(void *ctx, char *buf, size_t cap)
{
    struct blob_stream *b = ctx;
    size_t n = b->len - b->pos < cap ? b->len - b->pos : cap;
    memcpy(buf, b->data + b->pos, n);
    b->pos += n;
    return (ssize_t)n;
}

static void blob_close(void *ctx)
{
    struct blob_stream *b = ctx;
    git_blob_free(b->blob);
    free(b);
}

static int git_open_stream(struct source *src, const char *path, struct byte_stream *out)
{
    git_blob *blob = NULL;
    int rc = find_blob(src, path, &blob);
    if (rc < 0)
        return rc;
    struct blob_stream *b = xcalloc(1, sizeof(*b));
    b->blob = blob;
    b->data = git_blob_rawcontent(blob);
    b->len = (size_t)git_blob_rawsize(blob);
    out->read = blob_read;
    out->close = blob_close;
    out->ctx = b;
    return 0;
}

static int git_read_file(struct source *src, const char *path, char **out, size_t *len)
{
    git_blob *blob = NULL;
    int rc = find_blob(src, path, &blob);
    if (rc < 0)
        return rc;
    size_t n = (size_t)git_blob_rawsize(blob);
    if (n > SMALL_FILE_MAX)
        rc = err_set(DSCI_EUSAGE, "%s: larger than %zu bytes", path, SMALL_FILE_MAX);
    else {
        *out = xmemdup(git_blob_rawcontent(blob), n);
        *len = n;
    }
    git_blob_free(blob);
    return rc;
}

static bool git_exists(struct source *src, const char *path)
{
    git_blob *blob = NULL;
    if (find_blob(src, path, &blob) < 0)
        return false;
    git_blob_free(blob);
    return true;
}

static char *git_display_path(const struct source *src, const char *path)
{
    char *full = source_join(src->root, path);
    source_normalize(full);
    return full;
}

struct glob_walk {
    const char *pattern;
    char **list;
    size_t n, alloc;
};

static void glob_offer(struct glob_walk *w, const char *full_path)
{
    if (fnmatch(w->pattern, full_path, FNM_PATHNAME | FNM_PERIOD) == 0) {
        ALLOC_GROW(w->list, w->n + 1, w->alloc);
        w->list[w->n++] = xstrdup(full_path);
    }
}

static int tree_walk_cb(const char *root, const git_tree_entry *entry, void *payload)
{
    git_filemode_t mode = git_tree_entry_filemode(entry);
    if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE && mode != GIT_FILEMODE_LINK)
        return 0;
    char *full = xasprintf("%s%s", root, git_tree_entry_name(entry));
    glob_offer(payload, full);
    free(full);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int git_expand_glob(struct source *src, const char *pattern, char ***out, size_t *n)
{
    struct gitsrc *g = src->impl;
    char *full_pattern = NULL;
    int rc = repo_path(src, pattern, &full_pattern);
    if (rc < 0)
        return rc;
    struct glob_walk w = { full_pattern, NULL, 0, 0 };
    if (g->tree) {
        if (git_tree_walk(g->tree, GIT_TREEWALK_PRE, tree_walk_cb, &w) < 0)
            rc = git_fail(DSCI_EENV, "cannot walk the tree");
    } else {
        size_t count = git_index_entrycount(g->index);
        for (size_t i = 0; i < count; i++) {
            const git_index_entry *e = git_index_get_byindex(g->index, i);
            if (e && git_index_entry_stage(e) == 0 && e->mode != GIT_FILEMODE_COMMIT)
                glob_offer(&w, e->path);
        }
    }
    free(full_pattern);
    /* Back to root-relative names, which is what the other calls take. */
    size_t strip = !strcmp(src->root, ".") ? 0 : strlen(src->root) + 1;
    for (size_t i = 0; i < w.n; i++) {
        char *rel = xstrdup(w.list[i] + (strlen(w.list[i]) >= strip ? strip : 0));
        free(w.list[i]);
        w.list[i] = rel;
    }
    if (w.n)
        qsort(w.list, w.n, sizeof(*w.list), cmp_str);
    if (rc < 0) {
        for (size_t i = 0; i < w.n; i++)
            free(w.list[i]);
        free(w.list);
        return rc;
    }
    *out = w.list;
    *n = w.n;
    return 0;
}

static void git_release(struct source *src)
{
    struct gitsrc *g = src->impl;
    if (!g)
        return;
    git_tree_free(g->tree);
    git_index_free(g->index);
    for (size_t i = 0; i < g->n_subrepos; i++)
        git_repository_free(g->subrepos[i]);
    free(g->subrepos);
    free(g->where);
    free(g);
}

static const struct source_ops git_ops = {
    git_expand_glob, git_open_stream, git_read_file, git_exists, git_display_path, git_release,
};

int source_git_init(struct source *src, struct repo *repo, const char *rev)
{
    struct gitsrc *g = xcalloc(1, sizeof(*g));
    src->ops = &git_ops;
    src->impl = g;
    g->repo = repo;
    g->git = repo_git(repo);
    if (!rev) {
        if (git_repository_is_bare(g->git))
            return err_set(DSCI_EUSAGE, "a bare repository has no index; use --rev REV");
        if (git_repository_index(&g->index, g->git) < 0)
            return git_fail(DSCI_EENV, "cannot read the git index");
        g->where = xstrdup("the index");
        return 0;
    }
    git_object *obj = NULL;
    git_commit *commit = NULL;
    if (git_revparse_single(&obj, g->git, rev) < 0)
        return err_set(DSCI_EUSAGE, "unknown revision '%s': no such tag, branch or commit%s", rev,
                       git_repository_is_shallow(g->git) ? " (this is a shallow clone: fetch tags with "
                                                           "`git fetch --tags --unshallow`, or check out "
                                                           "with fetch-depth: 0)" : "");
    int rc = git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT);
    git_object_free(obj);
    if (rc < 0)
        return err_set(DSCI_EUSAGE, "'%s' does not name a commit", rev);
    rc = git_commit_tree(&g->tree, commit);
    char id[12];
    git_oid_tostr(id, sizeof(id) - 4, git_commit_id(commit));
    git_commit_free(commit);
    if (rc < 0)
        return git_fail(DSCI_EENV, "cannot read the commit's tree");
    g->where = xasprintf("revision '%s'", rev);
    free(src->description);
    src->description = xasprintf("%s (%s)", rev, id);
    return 0;
}
