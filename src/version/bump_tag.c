/*
 * The release tag of `dsci bump --tag`: <tag_prefix><version>, annotated, on HEAD. An
 * existing tag is refused before anything is written (dsci never moves tags), and the
 * tag goes only on a commit that holds exactly the data and the version file.
 */
#include "version/bump_impl.h"

#include <stdlib.h>
#include <string.h>

#include "data/repo.h"
#include "data/source_path.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/path_boundary.h"
#include "util/xalloc.h"
#include "util/strv.h"

/* A root-relative path as the repository names it. */
static int repo_relative(char **out, const struct dataset *ds, const char *rel)
{
    const char *top = repo_workdir(ds->repo);
    char *root = realpath(ds->spec->root, NULL);
    const char *inside = top && root ? path_below(top, root) : NULL;
    if (!inside) {
        free(root);
        return err_set(DSCI_EENV, "the dataset root '%s' is not inside the repository's work tree", ds->spec->root);
    }
    *out = source_path_join(inside, rel);
    source_path_normalize(*out);
    free(root);
    return 0;
}

/* --tag needs HEAD to hold exactly the data and the version file: lists what is not
 * committed in the error, with the commands that finish the job. dsci writes no commits
 * (the user's hooks, signing and message conventions are theirs), so --tag on
 * uncommitted data is two steps: this run writes the version file, the user commits it
 * with the data, and a second `dsci bump --tag` finds it up to date and only tags. */
static int require_committed(const struct dataset *ds, const struct result *head, const char *vf_rel,
                             const struct bump_outcome *o)
{
    char **paths = xcalloc(head->n_files + 1, sizeof(*paths)), **dirty = NULL;
    size_t n = 0, n_dirty = 0;
    struct buf list = BUF_INIT;
    int rc;

    if ((rc = repo_relative(&paths[n++], ds, vf_rel)) < 0)
        goto done;
    for (size_t i = 0; i < head->n_files; i++)
        if ((rc = repo_relative(&paths[n++], ds, head->files[i].root_path)) < 0)
            goto done;
    if ((rc = repo_uncommitted_paths(ds->repo, (const char *const *)paths, n, &dirty, &n_dirty)) < 0)
        goto done;
    if (n_dirty) {
        for (size_t i = 0; i < n_dirty; i++)
            buf_printf(&list, " %s", dirty[i]);
        rc = err_set(DSCI_EUSAGE, "not tagged: the tag goes on a commit that holds the version file and the data; "
                     "commit them, then tag: git add%s && git commit -m 'dataset %s' && dsci bump --tag%s",
                     buf_cstr(&list), o->v.version,
                     o->written ? " (the version file is written: the second run only creates the tag)" : "");
    }
done:
    strv_free(paths, n);
    strv_free(dirty, n_dirty);
    buf_release(&list);
    return rc;
}

int bump_tag_reserve(struct bump_outcome *o, const struct dataset *ds)
{
    const struct spec *spec = ds->spec;
    o->tag = xasprintf("%s%s", spec->versioning.tag_prefix ? spec->versioning.tag_prefix : "", o->v.version);
    int exists = repo_tag_exists(ds->repo, o->tag);
    if (exists < 0)
        return exists;
    if (exists)
        return err_set(DSCI_EUSAGE, "tag '%s' already exists; dsci never moves tags", o->tag);
    return 0;
}

int bump_tag_create(struct bump_outcome *o, const struct dataset *ds, const struct result *head, const char *vf_rel)
{
    const struct spec *spec = ds->spec;
    int rc;

    if ((rc = require_committed(ds, head, vf_rel, o)) < 0)
        return rc;
    char *message = xasprintf("dataset %s %s\n\n%s: %s\n", spec->dataset.name ? spec->dataset.name : "dataset",
                              o->v.version, semver_part_name(o->v.decision.part), o->v.decision.reason);
    rc = repo_create_tag(ds->repo, o->tag, message, NULL);
    free(message);
    if (rc >= 0)
        o->tag_created = true;
    return rc;
}
