/*
 * dsci bump: the order of the steps (bump_impl.h says which file does each) and the
 * outcome the command prints. See bump.h for the API and docs/spec.md for
 * versioning.rules.
 */
#include "version/bump_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/source.h"
#include "util/err.h"
#include "util/xalloc.h"
#include "util/strv.h"

static void note(struct bump_outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct bump_outcome *o, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < o->n_notes; i++)
        if (!strcmp(o->notes[i], text))
            return;   /* said once */
    ALLOC_GROW(o->notes, o->n_notes + 1, o->alloc_notes);
    o->notes[o->n_notes++] = xstrdup(text);
}

/* Refusals that need nothing read: no version file to write, --tag or --base REV outside
 * git. Outside git, --base auto means the version file: said in a note. */
static int check_options(struct bump_outcome *o, const struct dataset *ds, const struct bump_options *opts,
                         const char *base_opt)
{
    const struct spec *spec = ds->spec;
    if (!spec->dataset.version_file)
        return err_set(DSCI_EUSAGE, "%s:%zu: dataset.version_file is not set: bump writes the version there "
                       "(e.g. version_file: data/version.json)", spec->path, spec->dataset.loc.line);
    if (!ds->repo && opts->tag)
        return err_set(DSCI_EENV, "--tag needs a git repository: not a git repository (or any parent up to /)");
    if (!ds->repo && strcmp(base_opt, "auto") && strcmp(base_opt, "none"))
        return err_set(DSCI_EENV, "--base %s needs a git repository: not a git repository (or any parent up to /)",
                       base_opt);
    if (!ds->repo && !strcmp(base_opt, "auto"))
        note(o, "not in a git repository: no baseline tag; bumping from the version file (--base none)");
    return 0;
}

/* The version file as it is now (*cur NULL when absent); one that does not parse is an
 * error and is left alone. *data gets its text, which the new text keeps the layout of. */
static int read_current(struct version_file **cur, char **data, size_t *len, const struct dataset *ds,
                        const char *shown)
{
    const char *rel = ds->spec->dataset.version_file;
    int rc;
    if (!source_exists(ds->src, rel))
        return 0;
    if ((rc = source_read_file(ds->src, rel, data, len)) < 0)
        return rc;
    return version_file_parse(cur, shown, *data, *len);
}

/* The plan's decision and versions move into the outcome; the plan keeps the rest. */
static void take_plan(struct bump_outcome *o, struct bump_plan *plan)
{
    if (plan->note)
        note(o, "%s", plan->note);
    o->v = plan->v;
    memset(&plan->v, 0, sizeof(plan->v));
    o->decided = true;
}

int bump_run(struct bump_outcome *o, struct dataset *ds, const struct bump_options *opts)
{
    const char *base_opt = opts->base ? opts->base : "auto";
    const char *vf_rel = ds->spec->dataset.version_file;
    struct result head;
    struct comparison cmp;
    struct bump_plan plan;
    struct version_file *cur = NULL, *nv = xcalloc(1, sizeof(*nv));
    char *cur_data = NULL, *fs_path = NULL;
    size_t cur_len = 0;
    int rc;

    memset(o, 0, sizeof(*o));
    o->summary = (struct buf)BUF_INIT;
    memset(&cmp, 0, sizeof(cmp));
    memset(&plan, 0, sizeof(plan));
    result_init(&head);

    if ((rc = check_options(o, ds, opts, base_opt)) < 0 || (rc = bump_record_target(&fs_path, ds, vf_rel)) < 0)
        goto done;
    o->version_file = source_display_path(ds->src, vf_rel);
    if ((rc = read_current(&cur, &cur_data, &cur_len, ds, o->version_file)) < 0 ||
        (rc = compare_run(&head, &cmp, ds, base_opt, true)) < 0)
        goto done;
    for (size_t i = 0; i < head.n_files; i++)
        if (head.files[i].lfs_pointer)
            note(o, "%s is a git LFS pointer: its checksum is the pointer's, not the data's", head.files[i].path);

    if ((rc = bump_plan_make(&plan, ds, &cmp, &head, cur, base_opt)) < 0)
        goto done;
    take_plan(o, &plan);
    bump_record_make(nv, o, cur, plan.baseline_vf, &cmp, ds->spec, &head);
    if (opts->tag && (rc = bump_tag_reserve(o, ds)) < 0)
        goto done;
    if ((rc = bump_record_write(o, nv, cur, cur_data, cur_len, fs_path, opts->dry_run)) < 0)
        goto done;
    if (opts->tag && !opts->dry_run)
        rc = bump_tag_create(o, ds, &head, vf_rel);
    if (rc >= 0 && o->tag_created) {
        size_t n_entries;
        if (bump_summary_store(ds, o->tag, &n_entries) < 0) {
            note(o, "tag '%s' has no stored summary (%s): a check against it reads it again", o->tag, err_last());
            err_clear();
        }
    }
done:
    if (rc < 0 && o->tag && !o->tag_created && !opts->dry_run) {
        free(o->tag);
        o->tag = NULL;
    }
    free(fs_path);
    free(cur_data);
    version_file_free(cur);
    version_file_free(nv);
    bump_plan_release(&plan);
    comparison_release(&cmp);
    result_release(&head);
    return rc;
}

void bump_outcome_release(struct bump_outcome *o)
{
    bump_versions_release(&o->v);
    free(o->version_file);
    buf_release(&o->summary);
    free(o->tag);
    strv_free(o->notes, o->n_notes);
    memset(o, 0, sizeof(*o));
}
