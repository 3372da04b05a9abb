/*
 * One `dsci check` as a library call, for the check command and the pre-commit hook.
 *
 *   struct check_options o = { .place = DATASET_INDEX, .spec = "specs/a.yaml" };
 *   struct check_outcome out;
 *   int rc = check_run(&out, &o);       // < 0: err_last() says why (exit 2 or 3)
 *   ... report out.result (passed or not), out.plan when out.planned ...
 *   check_outcome_release(&out);        // always, also after a failure
 *
 * Nothing here prints. The report's finding cap (result_set_max_findings) is the
 * caller's to raise before the run for formats that list every finding; the run raises
 * it by the known-findings file's entries.
 */
#ifndef DSCI_CHECK_H
#define DSCI_CHECK_H

#include <stdbool.h>

#include "data/dataset.h"
#include "run/compare.h"
#include "run/result.h"
#include "spec/spec.h"
#include "version/bump.h"

struct check_options {
    enum dataset_place place;    /* work tree, index or --rev */
    const char *rev;             /* DATASET_REV: the revision */
    const char *spec;            /* the spec; NULL: the only spec in ./specs/ */
    const char *base;            /* --base: NULL or "auto", "none", a revision */
    const char *spec_from;       /* --spec-from: base, head, a revision; NULL: head (base in PRs) */
    bool update_known;           /* --update-baseline: write the known-findings file */
    bool want_bump;              /* plan the version bump (hashes both sides' files) */
    struct shard_job *shard;     /* a shard of a sharded check, or the merge of the parts
                                  * (run/shard.h); NULL: a whole check */
};

struct shard_job;

/* Everything the run produced; the caller's to check_outcome_release. */
struct check_outcome {
    struct dataset ds;
    struct result result;        /* the report */
    struct comparison cmp;       /* the baseline and the diff with it */
    struct spec *own_spec;       /* the data's own spec when another one judged it */
    struct bump_plan plan;       /* what `dsci bump` would do, when planned */
    bool planned;
};

int check_run(struct check_outcome *out, const struct check_options *o);
void check_outcome_release(struct check_outcome *out);

#endif
