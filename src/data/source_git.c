/*
 * The git backends: blobs of the index or of a revision's tree, read through libgit2
 * with no checkout and nothing written to disk. Paths are repository-relative once
 * joined to the dataset root; a symlink is followed only while its target stays in the
 * repository, and a path that enters a submodule continues in the submodule's own
 * repository at the commit the superproject records.
 */
#include "data/source_git.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "data/repo.h"
#include "data/source_backend.h"
#include "data/source_git_object.h"
#include "data/source_lfs.h"
#include "data/source_path.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define MAX_SYMLINK_HOPS 8
#define SMALL_FILE_MAX ((size_t)64 << 20)
#define LINK_MAX ((size_t)4096)

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
    char *full = source_path_join(src->root, path);
    source_path_normalize(full);
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

/* The subtree `name` of `dir` (shown as `shown`), checked before libgit2 reads it. */
static int open_subtree(git_tree **out, git_repository *git, const git_tree_entry *entry, const char *shown)
{
    const git_oid *id = git_tree_entry_id(entry);
    int rc = git_object_check_loose(git, id, GIT_OBJECT_TREE, shown);
    if (rc < 0)
        return rc;
    if (git_tree_lookup(out, git, id) < 0) {
        char hex[GIT_OID_HEXSZ + 1];
        git_oid_tostr(hex, sizeof(hex), id);
        const git_error *e = git_error_last();
        return err_set(DSCI_EENV, "%s: cannot read git tree %s: %s", shown, hex,
                       e && e->message ? e->message : "libgit2 error");
    }
    return 0;
}

/* The entry at exactly `path` below `root`, one folder at a time, so that a folder that
 * cannot be read is an error naming it, never "no such file": 0, 1 when there is no
 * such entry, < 0 when a tree on the way is damaged or missing. */
static int tree_lookup(git_repository *git, const git_tree *root, const char *path, git_oid *id,
                       git_filemode_t *mode)
{
    const git_tree *tree = root;
    git_tree *owned = NULL;
    int rc = 1;
    const char *p = path;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        char *name = xmemdup(p, len);
        const git_tree_entry *entry = git_tree_entry_byname(tree, name);
        free(name);
        if (!entry)
            break;
        if (!slash) {
            git_oid_cpy(id, git_tree_entry_id(entry));
            *mode = git_tree_entry_filemode(entry);
            rc = 0;
            break;
        }
        if (git_tree_entry_filemode(entry) != GIT_FILEMODE_TREE)
            break;
        char *shown = xmemdup(path, (size_t)(slash - path));
        git_tree *next = NULL;
        rc = open_subtree(&next, git, entry, shown);
        free(shown);
        if (rc < 0)
            break;
        rc = 1;
        git_tree_free(owned);
        tree = owned = next;
        p = slash + 1;
    }
    git_tree_free(owned);
    return rc;
}

/* The entry at exactly `path` in `at`: 0, 1 when there is none, < 0 on a read error. */
static int lookup_exact(struct gitsrc *g, const struct place *at, const char *path, git_oid *id,
                        git_filemode_t *mode)
{
    if (!at->tree) {
        const git_index_entry *e = git_index_get_bypath(g->index, path, 0);
        if (!e)
            return 1;
        git_oid_cpy(id, &e->id);
        *mode = (git_filemode_t)e->mode;
        return 0;
    }
    return tree_lookup(at->git, at->tree, path, id, mode);
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
    int rc = git_object_check_loose(sub, git_commit_tree_id(commit), GIT_OBJECT_TREE, sm_path);
    if (rc == 0 && git_commit_tree(tree_out, commit) < 0)
        rc = git_fail(DSCI_EENV, "cannot read a submodule tree");
    git_commit_free(commit);
    if (rc < 0)
        return rc;
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
    char *joined = source_path_join(dir, t);
    char *next = rest && *rest ? xasprintf("%s/%s", joined, rest) : xstrdup(joined);
    source_path_normalize(next);
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

/* A whole blob of at most `max` bytes (symlink targets, the version file, the card). */
static int read_small_blob(git_repository *git, const git_oid *id, const char *shown, size_t max, char **out,
                           size_t *len)
{
    struct git_object_reader *r = NULL;
    int rc = git_object_reader_open(&r, git, id, GIT_OBJECT_BLOB, shown);
    if (rc < 0)
        return rc;
    uint64_t size = git_object_reader_size(r);
    if (size > max) {
        git_object_reader_free(r);
        return err_set(DSCI_EUSAGE, "%s: larger than %zu bytes", shown, max);
    }
    char *data = xmalloc((size_t)size + 1);
    size_t have = 0;
    for (;;) {
        /* one more byte than announced is room to see a damaged object run long */
        ssize_t got = git_object_reader_read(r, data + have, (size_t)size + 1 - have);
        if (got < 0) {
            rc = (int)got;
            break;
        }
        if (got == 0)
            break;
        have += (size_t)got;
    }
    git_object_reader_free(r);
    if (rc < 0) {
        free(data);
        return rc;
    }
    data[have] = '\0';
    *out = data;
    *len = have;
    return 0;
}

/* Where the symlink blob `id` at `link` leads, with `rest` appended (follow_link). */
static int through_link(git_repository *git, const git_oid *id, const char *link, const char *rest, char **next)
{
    size_t tlen = 0;
    char *target = NULL;
    int rc = read_small_blob(git, id, link, LINK_MAX, &target, &tlen);
    if (rc == 0)
        rc = follow_link(link, target, tlen, rest, next);
    free(target);
    return rc;
}

/*
 * The blob at a repository path. Symlinks (at the end or in the middle of the path)
 * are followed while they stay inside; a path through a submodule continues in the
 * submodule's repository at the commit recorded here. Bounded, so loops end.
 */
struct found_blob {
    git_repository *git;     /* borrowed: the repository or one of g->subrepos */
    git_oid id;
    char *shown;             /* the repository path asked for, for messages */
};

static int find_blob(struct source *src, const char *path, struct found_blob *out)
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
        int found = lookup_exact(g, &at, current, &id, &mode);
        if (found < 0) {
            rc = found;
            break;
        }
        if (found == 0) {
            if (mode == GIT_FILEMODE_TREE || mode == GIT_FILEMODE_COMMIT) {
                rc = err_set(DSCI_EUSAGE, "%s: is a directory, expected a data file", shown);
                break;
            }
            if (mode == GIT_FILEMODE_LINK) {
                char *next = NULL;
                if ((rc = through_link(at.git, &id, current, NULL, &next)) < 0)
                    break;
                free(current);
                current = next;
                continue;
            }
            out->git = at.git;
            git_oid_cpy(&out->id, &id);
            out->shown = shown;
            shown = NULL;
            break;
        }
        /* Not there as is: a directory on the way may be a submodule or a symlink. */
        bool moved = false;
        char *prefix = xstrdup(current);
        for (char *slash = strchr(prefix, '/'); slash && !moved && rc == 0; slash = strchr(slash + 1, '/')) {
            *slash = '\0';
            int at_prefix = lookup_exact(g, &at, prefix, &id, &mode);
            if (at_prefix < 0)
                rc = at_prefix;
            else if (at_prefix == 0) {
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
                    char *next = NULL;
                    if ((rc = through_link(at.git, &id, prefix, rest, &next)) == 0) {
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

/* The blob's bytes as they are inflated: bounded memory for loose objects (see
 * source_git_object.h). */
static ssize_t blob_read(void *ctx, char *buf, size_t cap)
{
    return git_object_reader_read(ctx, buf, cap);
}

static void blob_close(void *ctx)
{
    git_object_reader_free(ctx);
}

static int git_open_stream(struct source *src, const char *path, struct byte_stream *out)
{
    struct found_blob f = { 0 };
    struct git_object_reader *r = NULL;
    int rc = find_blob(src, path, &f);
    if (rc == 0)
        rc = git_object_reader_open(&r, f.git, &f.id, GIT_OBJECT_BLOB, f.shown);
    free(f.shown);
    if (rc < 0)
        return rc;
    out->read = blob_read;
    out->close = blob_close;
    out->ctx = r;
    return 0;
}

static int git_read_file(struct source *src, const char *path, char **out, size_t *len)
{
    struct found_blob f = { 0 };
    int rc = find_blob(src, path, &f);
    if (rc == 0)
        rc = read_small_blob(f.git, &f.id, f.shown, SMALL_FILE_MAX, out, len);
    free(f.shown);
    return rc;
}

/* 1 when the path names a file, 0 when nothing is there: a file whose object cannot be
 * read exists (opening it reports the damage, so that it is never taken for a file that
 * is not there). */
static int git_exists(struct source *src, const char *path)
{
    struct found_blob f = { 0 };
    int rc = find_blob(src, path, &f);
    free(f.shown);
    if (rc == DSCI_EUSAGE) {
        err_clear();
        return 0;
    }
    return 1;
}

static char *git_display_path(const struct source *src, const char *path)
{
    char *full = source_path_join(src->root, path);
    source_path_normalize(full);
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

/* Whether files below the folder `dir` may match: its components match the pattern's
 * first ones (a '*' never crosses a '/'), and the pattern goes deeper. */
static bool dir_may_match(const char *pattern, const char *dir)
{
    size_t depth = 1;
    for (const char *p = dir; *p; p++)
        depth += *p == '/';
    const char *cut = pattern;
    for (size_t k = 0; k < depth; k++) {
        cut = strchr(cut, '/');
        if (!cut)
            return false;
        if (k + 1 < depth)
            cut++;
    }
    char *head = xmemdup(pattern, (size_t)(cut - pattern));
    bool ok = fnmatch(head, dir, FNM_PATHNAME | FNM_PERIOD) == 0;
    free(head);
    return ok;
}

/* Offers every file below `tree` (the folder `dir`, "" at the top), descending only where
 * the pattern may match; a folder on the way that cannot be read is an error. */
static int walk_tree(struct glob_walk *w, git_repository *git, const git_tree *tree, const char *dir)
{
    int rc = 0;
    size_t count = git_tree_entrycount(tree);
    for (size_t i = 0; i < count && rc == 0; i++) {
        const git_tree_entry *entry = git_tree_entry_byindex(tree, i);
        git_filemode_t mode = git_tree_entry_filemode(entry);
        char *rel = xasprintf("%s%s%s", dir, *dir ? "/" : "", git_tree_entry_name(entry));
        char *full = xasprintf("%s%s", w->prefix, rel);
        if (mode == GIT_FILEMODE_COMMIT)
            note_submodule(w, full, git_tree_entry_id(entry));
        else if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE || mode == GIT_FILEMODE_LINK)
            glob_offer(w, full);
        else if (mode == GIT_FILEMODE_TREE && dir_may_match(w->pattern, full)) {
            git_tree *sub = NULL;
            rc = open_subtree(&sub, git, entry, full);
            if (rc == 0)
                rc = walk_tree(w, git, sub, rel);
            git_tree_free(sub);
        }
        free(rel);
        free(full);
    }
    return rc;
}

/* Data in a submodule: its files are listed from the commit the superproject records. */
static int walk_submodules(struct gitsrc *g, struct glob_walk *w)
{
    int rc = 0;
    for (size_t i = 0; i < w->n_sm && rc == 0; i++) {
        git_repository *sub = open_submodule(g, g->git, w->sm_paths[i]);
        git_commit *commit = NULL;
        git_tree *tree = NULL;
        if (sub && git_commit_lookup(&commit, sub, &w->sm_ids[i]) == 0 &&
            (rc = git_object_check_loose(sub, git_commit_tree_id(commit), GIT_OBJECT_TREE, w->sm_paths[i])) == 0 &&
            git_commit_tree(&tree, commit) == 0) {
            char *prefix = xasprintf("%s/", w->sm_paths[i]);
            const char *saved = w->prefix;
            w->prefix = prefix;
            /* nested submodules are appended to w and walked by this same loop */
            rc = walk_tree(w, sub, tree, "");
            w->prefix = saved;
            free(prefix);
        }
        git_tree_free(tree);
        git_commit_free(commit);
    }
    strv_free(w->sm_paths, w->n_sm);
    free(w->sm_ids);
    return rc;
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

static int git_expand_glob(struct source *src, const char *pattern, char ***out, size_t *n)
{
    struct gitsrc *g = src->impl;
    char *full_pattern = NULL;
    int rc = repo_path(src, pattern, &full_pattern);
    if (rc < 0)
        return rc;
    struct glob_walk w = { .pattern = full_pattern, .prefix = "" };
    if (g->tree) {
        rc = walk_tree(&w, g->git, g->tree, "");
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
    int sm_rc = walk_submodules(g, &w);
    if (rc == 0)
        rc = sm_rc;
    free(full_pattern);
    /* Back to root-relative names, which is what the other calls take; a match beside
     * the root (a pattern like ../shared/x) climbs out of it with "../". */
    for (size_t i = 0; i < w.n; i++) {
        char *rel = root_relative(src->root, w.list[i]);
        free(w.list[i]);
        w.list[i] = rel;
    }
    if (w.n)
        qsort(w.list, w.n, sizeof(*w.list), strv_cmp);
    if (rc < 0) {
        strv_free(w.list, w.n);
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

/* A blob of the repository itself: its id names its bytes (one in a submodule's
 * repository is named the same way, and as unambiguously). */
static int gitsrc_blob_id(struct source *src, const char *path, unsigned char id[20])
{
    struct found_blob f = { 0 };
    int rc = find_blob(src, path, &f);
    free(f.shown);
    if (rc < 0) {
        err_clear();
        return 0;
    }
    memcpy(id, f.id.id, 20);
    return 1;
}

/* From the object's header: a packed object's size without inflating it. */
static int gitsrc_size(struct source *src, const char *path, uint64_t *size)
{
    struct found_blob f = { 0 };
    int rc = find_blob(src, path, &f);
    if (rc == 0) {
        git_odb *odb = NULL;
        size_t len = 0;
        git_object_t type;
        if (git_repository_odb(&odb, f.git) < 0 || git_odb_read_header(&len, &type, odb, &f.id) < 0)
            rc = git_fail(DSCI_EENV, f.shown);
        else
            *size = len;
        git_odb_free(odb);
    }
    free(f.shown);
    return rc;
}

static const struct source_ops git_ops = {
    git_expand_glob, git_open_stream, git_read_file, git_exists, git_display_path, gitsrc_blob_id, gitsrc_size, git_release,
};

int source_git_init(struct source *src, struct repo *repo, const char *rev)
{
    struct gitsrc *g = xcalloc(1, sizeof(*g));
    src->ops = &git_ops;
    src->impl = g;
    g->repo = repo;
    g->git = repo_git(repo);
    src->lfs_store = lfs_store_of_repository(g->git);
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
    rc = git_object_check_loose(g->git, git_commit_tree_id(commit), GIT_OBJECT_TREE, "the top folder");
    if (rc == 0 && git_commit_tree(&g->tree, commit) < 0)
        rc = git_fail(DSCI_EENV, "cannot read the commit's tree");
    char id[12];
    git_oid_tostr(id, sizeof(id) - 4, git_commit_id(commit));
    git_commit_free(commit);
    if (rc < 0)
        return rc;
    g->where = xasprintf("revision '%s'", rev);
    free(src->description);
    src->description = xasprintf("%s (%s)", rev, id);
    return 0;
}
