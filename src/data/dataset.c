#include "data/dataset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "data/source_path.h"
#include "util/err.h"
#include "util/path_boundary.h"
#include "util/xalloc.h"

/* The spec's path from the repository top, given a path from the current directory. */
static int spec_path_in_repo(const struct repo *repo, const char *spec_path, char **out)
{
    const char *top = repo_workdir(repo);
    if (!top) {
        /* bare: there is no current position in a tree; take the path as repo-relative */
        *out = xstrdup(spec_path);
        source_path_normalize(*out);
        return 0;
    }
    /* The spec's folder through realpath, like the work tree's top: a path that goes
     * through a symlink (or /tmp -> /private/tmp) must still be found inside. */
    char *dir = xstrdup(spec_path);
    char *slash = strrchr(dir, '/');
    const char *name = slash ? spec_path + (slash - dir) + 1 : spec_path;
    if (slash)
        *slash = '\0';
    char *real_dir = realpath(slash ? (*dir ? dir : "/") : ".", NULL);
    free(dir);
    if (!real_dir)
        return err_set(DSCI_EUSAGE, "%s: cannot resolve the spec's folder", spec_path);
    char *full = source_path_join(real_dir, name);
    free(real_dir);
    source_path_normalize(full);
    const char *inside = path_below(top, full);
    if (!inside || !*inside) {
        int rc = err_set(DSCI_EUSAGE, "%s: the spec is outside the repository (%s)", spec_path, top);
        free(full);
        return rc;
    }
    *out = xstrdup(inside);
    free(full);
    return 0;
}

int dataset_open(struct dataset *out, enum dataset_place place, const char *rev, const char *spec_path)
{
    int rc;
    char *data = NULL;
    size_t len = 0;

    memset(out, 0, sizeof(*out));
    out->place = place;
    out->rev = rev;
    if (place == DATASET_WORKTREE) {
        if ((rc = spec_load(&out->spec, spec_path)) < 0 || (rc = source_open_worktree(&out->src, out->spec->root)) < 0)
            goto fail;
        /* The repository, when there is one, serves the baseline. */
        if (repo_open(&out->repo, out->spec->root) < 0) {
            out->repo = NULL;
            err_clear();
        } else if ((rc = spec_path_in_repo(out->repo, spec_path, &out->spec_repo_path)) < 0) {
            goto fail;
        }
        return 0;
    }

    if ((rc = repo_open(&out->repo, ".")) < 0) {
        /* err_set formats into the buffer err_last() points at: copy it first */
        char why[512];
        snprintf(why, sizeof(why), "%s", err_last());
        err_set(rc, "--%s needs a git repository: %s", place == DATASET_INDEX ? "staged" : "rev", why);
        goto fail;
    }
    if ((rc = spec_path_in_repo(out->repo, spec_path, &out->spec_repo_path)) < 0)
        goto fail;
    rc = place == DATASET_INDEX ? source_open_index(&out->src, out->repo, "")
                                : source_open_rev(&out->src, out->repo, rev, "");
    if (rc < 0)
        goto fail;
    if ((rc = source_read_file(out->src, out->spec_repo_path, &data, &len)) < 0)
        goto fail;
    rc = spec_load_buffer(&out->spec, out->spec_repo_path, data, len);
    free(data);
    if (rc < 0)
        goto fail;
    source_set_root(out->src, out->spec->root);
    return 0;
fail:
    dataset_close(out);
    return rc;
}

int dataset_use_spec_from(struct dataset *ds, const char *rev, struct spec **head_spec)
{
    struct source *at = NULL;
    struct spec *spec = NULL;
    char *data = NULL;
    size_t len = 0;
    int rc;

    *head_spec = NULL;
    if (!ds->repo || !ds->spec_repo_path)
        return err_set(DSCI_EENV, "--spec-from %s needs a git repository", rev);
    if ((rc = source_open_rev(&at, ds->repo, rev, "")) < 0)
        goto done;
    if ((rc = source_read_file(at, ds->spec_repo_path, &data, &len)) < 0) {
        char why[512];
        snprintf(why, sizeof(why), "%s", err_last());
        err_set(rc, "--spec-from %s: %s (a new spec cannot judge its own pull request: merge it first, "
                    "or pass --spec-from head where that is safe)", rev, why);
        goto done;
    }
    if ((rc = spec_load_buffer(&spec, ds->spec_repo_path, data, len)) < 0)
        goto done;
    /* Same path, same root rule; keep the root in the form this dataset's source uses. */
    free(spec->root);
    spec->root = xstrdup(ds->spec->root);
    *head_spec = ds->spec;
    ds->spec = spec;
    spec = NULL;
done:
    free(data);
    spec_free(spec);
    source_free(at);
    return rc;
}

int dataset_open_baseline(struct dataset *out, const struct dataset *head, const char *rev)
{
    memset(out, 0, sizeof(*out));
    if (!head->repo)
        return err_set(DSCI_EENV, "not a git repository: there is no baseline to compare with");
    out->place = DATASET_REV;
    const char *root = ".";
    char *root_buf = NULL;
    if (head->spec_repo_path) {
        /* the dataset root, relative to the repository top ("" for the top) */
        root_buf = xstrndup(head->spec_repo_path, spec_root_len(head->spec_repo_path));
        root = root_buf;
    }
    int rc = source_open_rev(&out->src, head->repo, rev, root);
    free(root_buf);
    if (rc < 0)
        return rc;
    out->spec = NULL;   /* the head's spec is used: see dataset.h */
    return 0;
}

/* "specs/x.yaml:12: dataset.card 'p'" or "'p'" for a file the spec does not name. */
static void target_name(char *buf, size_t size, const struct dataset *ds, const char *rel, const char *key,
                        struct spec_loc loc)
{
    if (key && loc.line)
        snprintf(buf, size, "%s:%zu: %s '%s'", ds->spec->path, loc.line, key, rel);
    else if (key)
        snprintf(buf, size, "%s: %s '%s'", ds->spec->path, key, rel);
    else
        snprintf(buf, size, "'%s'", rel);
}

/* Whether `real` is inside the git directory `dir` (as libgit2 or GIT_DIR names it). */
static bool in_git_dir(const char *dir, const char *real)
{
    if (!dir || !*dir)
        return false;
    char *dir_real = realpath(dir, NULL);
    bool in = dir_real && path_inside(dir_real, real);
    free(dir_real);
    return in;
}

int dataset_write_target(char **out, const struct dataset *ds, const char *rel, const char *key,
                         struct spec_loc loc)
{
    char name[1024];
    char *full = source_path_join(ds->spec->root, rel), *real = NULL, *boundary = NULL;
    const char *top = ds->repo ? repo_workdir(ds->repo) : NULL;
    int rc = 0;

    *out = NULL;
    target_name(name, sizeof(name), ds, rel, key, loc);
    source_path_normalize(full);
    if (path_has_git_component(rel)) {
        rc = err_set(DSCI_EUSAGE, "%s is in a .git folder; dsci never writes into a git directory", name);
        goto done;
    }
    int r = path_resolve(full, &real);
    if (r == PATH_DANGLING) {
        rc = err_set(DSCI_EUSAGE, "%s: a symbolic link on the way leads nowhere; dsci does not write through it",
                     name);
        goto done;
    }
    if (r < 0) {
        rc = err_set(path_error_code(errno), "%s: cannot resolve: %s", name, strerror(errno));
        goto done;
    }
    boundary = top ? xstrdup(top) : realpath(ds->spec->root, NULL);
    if (!boundary) {
        rc = err_set(DSCI_EENV, "%s: dataset root not found: %s", ds->spec->root, strerror(errno));
        goto done;
    }
    if (!path_inside(boundary, real)) {
        rc = err_set(DSCI_EUSAGE, "%s is outside the %s (%s); dsci writes only inside it", name,
                     top ? "repository" : "dataset root", boundary);
        goto done;
    }
    /* Where it really lands: a symlinked folder may lead into .git, GIT_DIR may be any
     * folder of the work tree, a linked worktree's gitdir is in the main repository. */
    if (path_has_git_component(real + strlen(boundary)) ||
        (ds->repo && (in_git_dir(repo_gitdir(ds->repo), real) || in_git_dir(repo_commondir(ds->repo), real))) ||
        in_git_dir(getenv("GIT_DIR"), real) || in_git_dir(getenv("GIT_COMMON_DIR"), real)) {
        rc = err_set(DSCI_EUSAGE, "%s leads into the git directory; dsci never writes there", name);
        goto done;
    }
    struct stat st;
    if (stat(real, &st) == 0 && !S_ISREG(st.st_mode)) {
        rc = err_set(DSCI_EUSAGE, "%s is not a regular file (%s)", name,
                     S_ISDIR(st.st_mode) ? "a folder" : S_ISFIFO(st.st_mode) ? "a FIFO"
                     : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" : "a special file");
        goto done;
    }
    *out = real;
    real = NULL;
done:
    free(full);
    free(real);
    free(boundary);
    return rc;
}

void dataset_close(struct dataset *ds)
{
    source_free(ds->src);
    spec_free(ds->spec);
    repo_free(ds->repo);
    free(ds->spec_repo_path);
    memset(ds, 0, sizeof(*ds));
}
