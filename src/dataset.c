#include "dataset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source_impl.h"
#include "util/err.h"
#include "util/xalloc.h"

/* The spec's path from the repository top, given a path from the current directory. */
static int spec_path_in_repo(const struct repo *repo, const char *spec_path, char **out)
{
    const char *top = repo_workdir(repo);
    if (!top) {
        /* bare: there is no current position in a tree; take the path as repo-relative */
        *out = xstrdup(spec_path);
        source_normalize(*out);
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
    char *full = source_join(real_dir, name);
    free(real_dir);
    source_normalize(full);
    size_t n = strlen(top);
    if (strncmp(full, top, n) != 0 || full[n] != '/') {
        int rc = err_set(DSCI_EUSAGE, "%s: the spec is outside the repository (%s)", spec_path, top);
        free(full);
        return rc;
    }
    *out = xstrdup(full + n + 1);
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
        /* the dataset root, relative to the repository top */
        root_buf = xstrdup(head->spec_repo_path);
        char *slash = strrchr(root_buf, '/');
        if (slash) {
            *slash = '\0';
            char *up = strrchr(root_buf, '/');
            const char *dirname = up ? up + 1 : root_buf;
            if (!strcmp(dirname, "specs")) {
                if (up)
                    *up = '\0';
                else
                    root_buf[0] = '\0';
            }
        } else {
            root_buf[0] = '\0';
        }
        root = root_buf;
    }
    int rc = source_open_rev(&out->src, head->repo, rev, root);
    free(root_buf);
    if (rc < 0)
        return rc;
    out->spec = NULL;   /* the head's spec is used: see dataset.h */
    return 0;
}

void dataset_close(struct dataset *ds)
{
    source_free(ds->src);
    spec_free(ds->spec);
    repo_free(ds->repo);
    free(ds->spec_repo_path);
    memset(ds, 0, sizeof(*ds));
}
