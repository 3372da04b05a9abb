/*
 * dsci check's work as a library call: open the dataset, pick the spec that judges it,
 * run the gates and the comparison with the baseline, apply the known findings, and
 * plan the version bump. Printing is the caller's (cmd/check.c).
 */
#include "run/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/repo.h"
#include "data/source.h"
#include "run/known_findings.h"
#include "spec/spec_diff.h"
#include "util/err.h"
#include "util/xalloc.h"

/* What `dsci bump` would make of this change: the bump module's own plan, so check's
 * proposed version is the one bump writes. A version file that does not parse, or a
 * baseline whose version cannot be told, proposes nothing (the reproducibility gate
 * reports the version file). */
static bool plan_bump(struct bump_plan *out, struct dataset *ds, const struct comparison *cmp,
                      const struct result *head, const char *base_opt)
{
    const char *rel = ds->spec->dataset.version_file;
    struct version_file *cur = NULL;
    char *data = NULL;
    size_t len = 0;
    bool ok = true;
    if (rel && source_exists(ds->src, rel) > 0)
        ok = source_read_file(ds->src, rel, &data, &len) == 0 && version_file_parse(&cur, rel, data, len) == 0;
    ok = ok && bump_plan_make(out, ds, cmp, head, cur, base_opt) == 0;
    err_clear();
    version_file_free(cur);
    free(data);
    return ok;
}

/*
 * Which revision's spec judges the data. On pull_request events the default is the
 * base branch (GITHUB_BASE_REF): the pull request must not be able to loosen the
 * gates it is judged by. *out NULL means the spec from the same place as the data.
 */
static int resolve_spec_from(const struct check_options *o, const struct dataset *ds, const char **out)
{
    static char resolved[512];
    const char *want = o->spec_from;
    const char *event = getenv("GITHUB_EVENT_NAME");
    *out = NULL;
    if (!want && event && (!strcmp(event, "pull_request") || !strcmp(event, "pull_request_target")))
        want = "base";
    if (!want || !strcmp(want, "head"))
        return 0;
    if (!ds->repo)
        return err_set(DSCI_EUSAGE, "--spec-from %s needs a git repository", want);
    if (strcmp(want, "base") != 0) {
        *out = want;
        return 0;
    }
    const char *base_ref = getenv("GITHUB_BASE_REF");
    if (!base_ref || !*base_ref)
        return err_set(DSCI_EUSAGE, "--spec-from base: GITHUB_BASE_REF is not set (it is on pull_request events); "
                           "name the revision instead, e.g. --spec-from origin/main");
    const char *forms[] = { "origin/%s", "refs/remotes/origin/%s", "%s" };
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        char id[41];
        snprintf(resolved, sizeof(resolved), forms[i], base_ref);
        if (repo_resolve_commit(ds->repo, resolved, id) == 0) {
            *out = resolved;
            return 0;
        }
    }
    return err_set(DSCI_EUSAGE, "--spec-from base: the base branch '%s' is not in this clone; check out with "
                       "fetch-depth: 0 (actions/checkout) so the spec can be read from it", base_ref);
}

/* A pull request that edits the spec is told what it changes, though the base spec judged it. */
static void note_spec_changes(struct result *r, const struct spec *judge, const struct spec *own, const char *rev)
{
    char **lines = NULL;
    size_t n = 0;
    spec_diff_lines(&lines, &n, judge, own);
    if (n)
        result_add_note(r, "this change edits the spec; it was judged with the spec from %s. Changed: %zu", rev, n);
    for (size_t i = 0; i < n; i++) {
        result_add_note(r, "spec change: %s", lines[i]);
        free(lines[i]);
    }
    free(lines);
}

int check_run(struct check_outcome *out, const struct check_options *o)
{
    struct known_findings *known = NULL;
    char *spec_path = NULL, *known_shown = NULL;
    const char *spec_rev = NULL;
    bool known_edited = false;
    int rc;

    memset(out, 0, sizeof(*out));
    result_init(&out->result);
    if (o->spec)
        spec_path = xstrdup(o->spec);
    else if ((rc = spec_find(&spec_path, ".")) < 0)
        goto done;
    if ((rc = dataset_open(&out->ds, o->place, o->rev, spec_path)) < 0 ||
        (rc = resolve_spec_from(o, &out->ds, &spec_rev)) < 0)
        goto done;
    if (spec_rev && (rc = dataset_use_spec_from(&out->ds, spec_rev, &out->own_spec)) < 0)
        goto done;
    if (!o->update_known &&
        (rc = known_findings_load(&known, &known_shown, &known_edited, &out->ds, spec_rev)) < 0)
        goto done;
    if ((rc = compare_run_sharded(&out->result, &out->cmp, &out->ds, o->base ? o->base : "auto", o->want_bump,
                                  o->shard)) < 0)
        goto done;
    if (known_edited)
        result_add_note(&out->result, "this change edits %s; it was judged with the one from %s (the edit "
                        "applies once merged)", KNOWN_FINDINGS_FILE, spec_rev);
    if (known)
        known_findings_apply(known, &out->result, known_shown);
    if (o->update_known && (rc = known_findings_update(&out->ds, &out->result)) < 0)
        goto done;
    if (out->own_spec)
        note_spec_changes(&out->result, out->ds.spec, out->own_spec, spec_rev);
    if (out->ds.spec_repo_path)
        out->result.spec_repo_path = xstrdup(out->ds.spec_repo_path);
    if (o->want_bump)
        out->planned = plan_bump(&out->plan, &out->ds, &out->cmp, &out->result, o->base);
    rc = 0;
done:
    known_findings_free(known);
    free(known_shown);
    free(spec_path);
    return rc;
}

void check_outcome_release(struct check_outcome *out)
{
    bump_plan_release(&out->plan);
    result_release(&out->result);
    comparison_release(&out->cmp);
    spec_free(out->own_spec);
    dataset_close(&out->ds);
}
