#include "data/repo.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <git2.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/strv.h"
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

const char *repo_gitdir(const struct repo *repo)
{
    return git_repository_path(repo->git);
}

const char *repo_commondir(const struct repo *repo)
{
    return git_repository_commondir(repo->git);
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
    qsort(list, count, sizeof(*list), strv_cmp);
    *out = list;
    *n = count;
    return 0;
}

static int resolve(const struct repo *repo, const char *rev, git_oid *out)
{
    git_object *obj = NULL, *commit = NULL;
    if (git_revparse_single(&obj, repo->git, rev) < 0)
        return err_set(DSCI_EUSAGE, "unknown revision '%s': no such tag, branch or commit%s", rev,
                       repo_is_shallow(repo) ? " (this is a shallow clone: fetch the tags with `git fetch --tags "
                                               "--unshallow`, or use actions/checkout with fetch-depth: 0)"
                                             : "");
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
    if (rc < 0 && repo_is_shallow(repo)) {
        /* the history is cut off: what cannot be reached is not known to be an ancestor */
        git_error_clear();
        return 0;
    }
    if (rc < 0)
        return git_fail(DSCI_EENV, "cannot walk the history");
    return rc;
}

/* ------------------------------------------------------------------------------ */
/* Tags (dsci bump --tag)                                                          */

int repo_tag_exists(const struct repo *repo, const char *name)
{
    git_reference *ref = NULL;
    char *refname = xasprintf("refs/tags/%s", name);
    int rc = git_reference_lookup(&ref, repo->git, refname);
    free(refname);
    git_reference_free(ref);
    if (rc == 0)
        return 1;
    if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC)
        return 0;
    return git_fail(DSCI_EENV, "cannot read the tags");
}

/* A configuration value, or NULL when unset or empty. */
static char *config_string(git_config *cfg, const char *key)
{
    git_buf value = GIT_BUF_INIT;
    char *out = NULL;
    if (cfg && git_config_get_string_buf(&value, cfg, key) == 0 && value.size)
        out = xstrdup(value.ptr);
    git_buf_dispose(&value);
    return out;
}

/*
 * git's committer identity: the environment first, then user.name/user.email. libgit2's
 * git_signature_default reads only the configuration and fails when it is unset (usual
 * in CI), so a fixed "dsci" identity stands in rather than refusing to tag.
 */
static int tagger(git_signature **out, git_repository *git)
{
    git_config *cfg = NULL;
    const char *env_name = getenv("GIT_COMMITTER_NAME"), *env_email = getenv("GIT_COMMITTER_EMAIL");
    char *name = env_name && *env_name ? xstrdup(env_name) : NULL;
    char *email = env_email && *env_email ? xstrdup(env_email) : NULL;

    if ((!name || !email) && git_repository_config_snapshot(&cfg, git) < 0) {
        git_error_clear();
        cfg = NULL;
    }
    if (!name)
        name = config_string(cfg, "user.name");
    if (!email)
        email = config_string(cfg, "user.email");
    int rc = name && email ? git_signature_now(out, name, email) : GIT_ENOTFOUND;
    if (rc < 0) {
        git_error_clear();
        rc = git_signature_now(out, "dsci", "dsci@localhost");
    }
    free(name);
    free(email);
    git_config_free(cfg);
    return rc < 0 ? git_fail(DSCI_EINTERNAL, "cannot make the tagger signature") : 0;
}

int repo_create_tag(const struct repo *repo, const char *name, const char *message, char *out_id)
{
    git_object *head = NULL;
    git_signature *sig = NULL;
    git_oid oid;
    int valid = 0, rc;

    if (git_tag_name_is_valid(&valid, name) < 0 || !valid)
        return err_set(DSCI_EUSAGE, "'%s' is not a valid tag name", name);
    if ((rc = repo_tag_exists(repo, name)) != 0)
        return rc < 0 ? rc : err_set(DSCI_EUSAGE, "tag '%s' already exists; dsci never moves tags", name);
    if (git_revparse_single(&head, repo->git, "HEAD^{commit}") < 0) {
        git_error_clear();
        return err_set(DSCI_EUSAGE, "HEAD has no commit to tag yet; commit the data first");
    }
    if ((rc = tagger(&sig, repo->git)) < 0)
        goto done;
    rc = git_tag_create(&oid, repo->git, name, head, sig, message, 0);
    if (rc == GIT_EEXISTS) {
        rc = err_set(DSCI_EUSAGE, "tag '%s' already exists; dsci never moves tags", name);
        goto done;
    }
    if (rc < 0) {
        rc = git_fail(DSCI_EENV, "cannot create the tag");
        goto done;
    }
    if (out_id)
        git_oid_tostr(out_id, 41, &oid);
    rc = 0;
done:
    git_signature_free(sig);
    git_object_free(head);
    return rc;
}

int repo_uncommitted_paths(const struct repo *repo, const char *const *paths, size_t n_paths, char ***out,
                           size_t *n)
{
    char **list = xcalloc(n_paths ? n_paths : 1, sizeof(*list));
    size_t count = 0;

    *out = NULL;
    *n = 0;
    if (!repo->workdir) {
        free(list);
        return err_set(DSCI_EUSAGE, "a bare repository has no work tree to compare with HEAD");
    }
    for (size_t i = 0; i < n_paths; i++) {
        unsigned int flags = 0;
        int rc = git_status_file(&flags, repo->git, paths[i]);
        if (rc == GIT_ENOTFOUND) {
            git_error_clear();
            flags = GIT_STATUS_WT_DELETED;   /* neither on disk nor in HEAD: not committed */
        } else if (rc < 0) {
            rc = git_fail(DSCI_EENV, "cannot read the status of the work tree");
            strv_free(list, count);
            return rc;
        }
        if (flags != GIT_STATUS_CURRENT)
            list[count++] = xstrdup(paths[i]);
    }
    *out = list;
    *n = count;
    return 0;
}
