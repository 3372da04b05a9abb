#include "repo.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <git2.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

struct repo {
    git_repository *git;
    char *workdir;   /* realpath, no trailing slash */
};

static int git_fail(int code, const char *what)
{
    const git_error *e = git_error_last();
    return err_set(code, "%s: %s", what, e && e->message ? e->message : "libgit2 error");
}

int repo_open(struct repo **out, const char *dir)
{
    git_repository *git = NULL;
    int rc;

    git_libgit2_init();
    /*
     * FROM_ENV: GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_CEILING_DIRECTORIES... as
     * git reads them. With FROM_ENV libgit2 searches from the current directory (path
     * must be NULL), so a different `dir` is searched without the environment.
     */
    if (!dir || !strcmp(dir, "."))
        rc = git_repository_open_ext(&git, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
    else
        rc = git_repository_open_ext(&git, dir, 0, NULL);
    if (rc == GIT_ENOTFOUND) {
        git_libgit2_shutdown();
        return err_set(DSCI_EENV, "not a git repository (or any parent up to /): %s; "
                                  "run inside a clone, or use --worktree", dir ? dir : ".");
    }
    if (rc < 0) {
        rc = git_fail(DSCI_EENV, "cannot open the git repository");
        git_libgit2_shutdown();
        return rc;
    }
    struct repo *repo = xcalloc(1, sizeof(*repo));
    repo->git = git;
    const char *wd = git_repository_workdir(git);
    if (wd) {
        repo->workdir = realpath(wd, NULL);
        if (!repo->workdir) {
            repo->workdir = xstrdup(wd);
            size_t n = strlen(repo->workdir);
            if (n > 1 && repo->workdir[n - 1] == '/')
                repo->workdir[n - 1] = '\0';
        }
    }
    *out = repo;
    return 0;
}

void repo_free(struct repo *repo)
{
    if (!repo)
        return;
    git_repository_free(repo->git);
    free(repo->workdir);
    free(repo);
    git_libgit2_shutdown();
}

const char *repo_workdir(const struct repo *repo)
{
    return repo->workdir;
}

bool repo_is_bare(const struct repo *repo)
{
    return git_repository_is_bare(repo->git);
}

bool repo_is_shallow(const struct repo *repo)
{
    return git_repository_is_shallow(repo->git) == 1;
}

struct git_repository *repo_git(const struct repo *repo)
{
    return repo->git;
}

int repo_hooks_dir(const struct repo *repo, char **out)
{
    git_config *cfg = NULL;
    git_buf value = GIT_BUF_INIT;
    int rc = 0;

    if (git_repository_config_snapshot(&cfg, repo->git) < 0)
        return git_fail(DSCI_EENV, "cannot read the git configuration");
    if (git_config_get_path(&value, cfg, "core.hooksPath") == 0 && value.size) {
        /* git resolves a relative core.hooksPath against the work tree top */
        if (value.ptr[0] == '/' || !repo->workdir)
            *out = xstrdup(value.ptr);
        else
            *out = xasprintf("%s/%s", repo->workdir, value.ptr);
    } else {
        /* linked worktrees share the hooks of the main repository */
        const char *common = git_repository_commondir(repo->git);
        size_t n = strlen(common);
        *out = xasprintf("%s%shooks", common, n && common[n - 1] == '/' ? "" : "/");
    }
    git_buf_dispose(&value);
    git_config_free(cfg);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int repo_list_tags(const struct repo *repo, const char *prefix, char ***out, size_t *n)
{
    git_strarray names = { 0 };
    char **list = NULL;
    size_t count = 0;
    size_t plen = strlen(prefix);

    /* git_tag_list_match uses wildmatch, where '*' crosses '/': filter by prefix here. */
    if (git_tag_list(&names, repo->git) < 0)
        return git_fail(DSCI_EENV, "cannot list tags");
    list = xcalloc(names.count ? names.count : 1, sizeof(*list));
    for (size_t i = 0; i < names.count; i++)
        if (!strncmp(names.strings[i], prefix, plen))
            list[count++] = xstrdup(names.strings[i]);
    git_strarray_dispose(&names);
    qsort(list, count, sizeof(*list), cmp_str);
    *out = list;
    *n = count;
    return 0;
}

static int resolve(const struct repo *repo, const char *rev, git_oid *out)
{
    git_object *obj = NULL, *commit = NULL;
    if (git_revparse_single(&obj, repo->git, rev) < 0)
        return err_set(DSCI_EUSAGE, "unknown revision '%s': no such tag, branch or commit", rev);
    int rc = git_object_peel(&commit, obj, GIT_OBJECT_COMMIT);
    git_object_free(obj);
    if (rc < 0)
        return err_set(DSCI_EUSAGE, "'%s' does not name a commit", rev);
    git_oid_cpy(out, git_object_id(commit));
    git_object_free(commit);
    return 0;
}

int repo_resolve_commit(const struct repo *repo, const char *rev, char out[41])
{
    git_oid oid;
    int rc = resolve(repo, rev, &oid);
    if (rc < 0)
        return rc;
    git_oid_tostr(out, 41, &oid);
    return 0;
}

int repo_is_ancestor(const struct repo *repo, const char *ancestor, const char *rev)
{
    git_oid a, r;
    int rc;
    if ((rc = resolve(repo, ancestor, &a)) < 0 || (rc = resolve(repo, rev, &r)) < 0)
        return rc;
    if (git_oid_equal(&a, &r))
        return 1;
    rc = git_graph_descendant_of(repo->git, &r, &a);
    if (rc < 0)
        return git_fail(DSCI_EENV, "cannot walk the history");
    return rc;
}
