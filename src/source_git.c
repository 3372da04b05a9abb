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
#include "util/buf.h"
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

/* Where a lookup stands: a repository and its tree, or (top level, staged) the index. */
struct place {
    git_repository *git;
    const git_tree *tree;     /* NULL: the index of the top-level repository */
};

/* The entry at exactly `path` in `at`: 0, or -1 when there is none. */
static int lookup_exact(struct gitsrc *g, const struct place *at, const char *path, git_oid *id,
                        git_filemode_t *mode)
{
    if (!at->tree) {
        const git_index_entry *e = git_index_get_bypath(g->index, path, 0);
        if (!e)
            return -1;
        git_oid_cpy(id, &e->id);
        *mode = (git_filemode_t)e->mode;
        return 0;
    }
    git_tree_entry *entry = NULL;
    if (git_tree_entry_bypath(&entry, at->tree, path) < 0)
        return -1;
    git_oid_cpy(id, git_tree_entry_id(entry));
    *mode = git_tree_entry_filemode(entry);
    git_tree_entry_free(entry);
    return 0;
}

/* Enters the submodule at `sm_path` (recorded at `commit_id`) of `at`. */
static int enter_submodule(struct gitsrc *g, struct place *at, const char *sm_path, const git_oid *commit_id,
                           const char *shown, git_tree **tree_out)
{
    git_repository *sub = open_submodule(g, at->git, sm_path);
    git_commit *commit = NULL;
    if (!sub || git_commit_lookup(&commit, sub, commit_id) < 0)
        return err_set(DSCI_EUSAGE, "'%s' is in submodule '%s', which is not checked out here; "
                                    "run `git submodule update --init`", shown, sm_path);
    int rc = git_commit_tree(tree_out, commit);
    git_commit_free(commit);
    if (rc < 0)
        return git_fail(DSCI_EENV, "cannot read a submodule tree");
    at->git = sub;
    at->tree = *tree_out;
    return 0;
}

/* The path after following the symlink at `link` (target text `target`), with `rest`
 * (what followed the link in the path) appended; refused when it leaves the repository. */
static int follow_link(const char *link, const char *target, size_t target_len, const char *rest,
                       char **out)
{
    if (target_len == 0 || target[0] == '/' || memchr(target, '\0', target_len))
        return err_set(DSCI_EUSAGE, "%s: symlink to '%.*s' points outside the repository", link,
                       (int)target_len, target);
    const char *slash = strrchr(link, '/');
    char *dir = slash ? xmemdup(link, (size_t)(slash - link)) : xstrdup("");
    char *t = xmemdup(target, target_len);
    char *joined = source_join(dir, t);
    char *next = rest && *rest ? xasprintf("%s/%s", joined, rest) : xstrdup(joined);
    source_normalize(next);
    free(dir);
    free(t);
    free(joined);
    if (!strcmp(next, "..") || !strncmp(next, "../", 3)) {
        int rc = err_set(DSCI_EUSAGE, "%s: symlink to '%.*s' points outside the repository", link,
                         (int)target_len, target);
        free(next);
        return rc;
    }
    *out = next;
    return 0;
}

static char *link_target(git_repository *git, const git_oid *id, size_t *len)
{
    git_blob *blob = NULL;
    if (git_blob_lookup(&blob, git, id) < 0)
        return NULL;
    *len = (size_t)git_blob_rawsize(blob);
    char *t = xmemdup(git_blob_rawcontent(blob), *len);
    git_blob_free(blob);
    return t;
}

/*
 * The blob at a repository path. Symlinks (at the end or in the middle of the path)
 * are followed while they stay inside; a path through a submodule continues in the
 * submodule's repository at the commit recorded here. Bounded, so loops end.
 */
static int find_blob(struct source *src, const char *path, git_blob **out)
{
    struct gitsrc *g = src->impl;
    struct place at = { g->git, g->tree };
    git_tree *owned[MAX_SYMLINK_HOPS + 1];
    size_t n_owned = 0;
    char *current = NULL;
    int rc = repo_path(src, path, &current);
    if (rc < 0)
        return rc;
    char *shown = xstrdup(current);

    for (int step = 0;; step++) {
        git_oid id;
        git_filemode_t mode;
        if (step > MAX_SYMLINK_HOPS) {
            rc = err_set(DSCI_EUSAGE, "%s: too many symlinks or submodules on the way (a loop?)", shown);
            break;
        }
        if (lookup_exact(g, &at, current, &id, &mode) == 0) {
            if (mode == GIT_FILEMODE_TREE || mode == GIT_FILEMODE_COMMIT) {
                rc = err_set(DSCI_EUSAGE, "%s: is a directory, expected a data file", shown);
                break;
            }
            if (mode == GIT_FILEMODE_LINK) {
                size_t tlen = 0;
                char *target = link_target(at.git, &id, &tlen), *next = NULL;
                rc = target ? follow_link(current, target, tlen, NULL, &next) : git_fail(DSCI_EENV, current);
                free(target);
                if (rc < 0)
                    break;
                free(current);
                current = next;
                continue;
            }
            if (git_blob_lookup(out, at.git, &id) < 0)
                rc = git_fail(DSCI_EENV, shown);
            break;
        }
        /* Not there as is: a directory on the way may be a submodule or a symlink. */
        bool moved = false;
        char *prefix = xstrdup(current);
        for (char *slash = strchr(prefix, '/'); slash && !moved && rc == 0; slash = strchr(slash + 1, '/')) {
            *slash = '\0';
            if (lookup_exact(g, &at, prefix, &id, &mode) == 0) {
                const char *rest = slash + 1;
                if (mode == GIT_FILEMODE_COMMIT && n_owned <= MAX_SYMLINK_HOPS) {
                    rc = enter_submodule(g, &at, prefix, &id, shown, &owned[n_owned]);
                    if (rc == 0) {
                        n_owned++;
                        char *next = xstrdup(rest);
                        free(current);
                        current = next;
                        moved = true;
                    }
                } else if (mode == GIT_FILEMODE_LINK) {
                    size_t tlen = 0;
                    char *target = link_target(at.git, &id, &tlen), *next = NULL;
                    rc = target ? follow_link(prefix, target, tlen, rest, &next) : git_fail(DSCI_EENV, prefix);
                    free(target);
                    if (rc == 0) {
                        free(current);
                        current = next;
                        moved = true;
                    }
                } else if (mode != GIT_FILEMODE_TREE) {
                    *slash = '/';
                    break; /* a file where a directory should be */
                }
            }
            if (!moved)
                *slash = '/';
        }
        free(prefix);
        if (rc < 0)
            break;
        if (!moved) {
            rc = err_set(DSCI_EUSAGE, "%s: no such file in %s%s", shown, g->where, g->tree ? "" : " (is it staged?)");
            break;
        }
    }
    for (size_t i = 0; i < n_owned; i++)
        git_tree_free(owned[i]);
    free(current);
    free(shown);
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

static int git_exists(struct source *src, const char *path)
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
    const char *prefix;      /* path of the submodule being walked, "" at the top */
    char **list;
    size_t n, alloc;
    /* submodules met on the way whose path starts the pattern: walked afterwards */
    char **sm_paths;
    git_oid *sm_ids;
    size_t n_sm, alloc_sm, alloc_sm_ids;
};

static void note_submodule(struct glob_walk *w, const char *path, const git_oid *id)
{
    size_t n = strlen(path);
    if (strncmp(w->pattern, path, n) != 0 || w->pattern[n] != '/')
        return;
    ALLOC_GROW(w->sm_paths, w->n_sm + 1, w->alloc_sm);
    ALLOC_GROW(w->sm_ids, w->n_sm + 1, w->alloc_sm_ids);
    w->sm_paths[w->n_sm] = xstrdup(path);
    git_oid_cpy(&w->sm_ids[w->n_sm++], id);
}

static void glob_offer(struct glob_walk *w, const char *full_path)
{
    if (fnmatch(w->pattern, full_path, FNM_PATHNAME | FNM_PERIOD) == 0) {
        ALLOC_GROW(w->list, w->n + 1, w->alloc);
        w->list[w->n++] = xstrdup(full_path);
    }
}

static int tree_walk_cb(const char *root, const git_tree_entry *entry, void *payload)
{
    struct glob_walk *w = payload;
    git_filemode_t mode = git_tree_entry_filemode(entry);
    char *full = xasprintf("%s%s%s", w->prefix, root, git_tree_entry_name(entry));
    if (mode == GIT_FILEMODE_COMMIT)
        note_submodule(w, full, git_tree_entry_id(entry));
    else if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE || mode == GIT_FILEMODE_LINK)
        glob_offer(w, full);
    free(full);
    return 0;
}

/* Data in a submodule: its files are listed from the commit the superproject records. */
static void walk_submodules(struct gitsrc *g, struct glob_walk *w)
{
    for (size_t i = 0; i < w->n_sm; i++) {
        git_repository *sub = open_submodule(g, g->git, w->sm_paths[i]);
        git_commit *commit = NULL;
        git_tree *tree = NULL;
        if (sub && git_commit_lookup(&commit, sub, &w->sm_ids[i]) == 0 && git_commit_tree(&tree, commit) == 0) {
            char *prefix = xasprintf("%s/", w->sm_paths[i]);
            const char *saved = w->prefix;
            w->prefix = prefix;
            /* nested submodules are appended to w and walked by this same loop */
            git_tree_walk(tree, GIT_TREEWALK_PRE, tree_walk_cb, w);
            w->prefix = saved;
            free(prefix);
        }
        git_tree_free(tree);
        git_commit_free(commit);
    }
    for (size_t i = 0; i < w->n_sm; i++)
        free(w->sm_paths[i]);
    free(w->sm_paths);
    free(w->sm_ids);
}

static char *root_relative(const char *root, const char *repo_rel)
{
    if (!strcmp(root, "."))
        return xstrdup(repo_rel);
    size_t n = strlen(root);
    if (!strncmp(repo_rel, root, n) && repo_rel[n] == '/')
        return xstrdup(repo_rel + n + 1);
    struct buf b = BUF_INIT;
    for (const char *p = root; *p; p++)
        if (p == root || p[-1] == '/')
            buf_addstr(&b, "../");
    buf_addstr(&b, repo_rel);
    return buf_detach(&b, NULL);
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
    struct glob_walk w = { .pattern = full_pattern, .prefix = "" };
    if (g->tree) {
        if (git_tree_walk(g->tree, GIT_TREEWALK_PRE, tree_walk_cb, &w) < 0)
            rc = git_fail(DSCI_EENV, "cannot walk the tree");
    } else {
        size_t count = git_index_entrycount(g->index);
        for (size_t i = 0; i < count; i++) {
            const git_index_entry *e = git_index_get_byindex(g->index, i);
            if (!e || git_index_entry_stage(e) != 0)
                continue;
            if (e->mode == GIT_FILEMODE_COMMIT)
                note_submodule(&w, e->path, &e->id);
            else
                glob_offer(&w, e->path);
        }
    }
    walk_submodules(g, &w);
    free(full_pattern);
    /* Back to root-relative names, which is what the other calls take; a match beside
     * the root (a pattern like ../shared/x) climbs out of it with "../". */
    for (size_t i = 0; i < w.n; i++) {
        char *rel = root_relative(src->root, w.list[i]);
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
