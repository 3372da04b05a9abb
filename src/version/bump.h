/*
 * dsci bump: the next semantic version of a dataset, its version file and its tag.
 *
 * Two layers. bump_decide() is pure logic: from the example-level diff against the
 * baseline (or, without a baseline, the version file's record of the last version) and
 * the spec's versioning.rules, which part of the version to bump and why. bump_run()
 * does the rest for the work tree: compares with the baseline, finds the version to bump
 * from, writes the version file when it changed, and creates the annotated tag.
 *
 *   struct bump_outcome o;
 *   struct bump_options opts = { .base = "auto", .tag = true };
 *   int rc = bump_run(&o, &ds, &opts);   // o holds what was decided and done, even on error
 *   ... o.v.version, o.v.decision.part, o.v.decision.reason, o.written, o.tag ...
 *   bump_outcome_release(&o);
 *
 * Ownership: everything in a decision, a plan and an outcome is owned by it (released
 * with bump_decision_release, bump_plan_release, bump_outcome_release, which accept a
 * zeroed struct); the inputs of bump_decide and bump_plan_make are borrowed for the call.
 *
 * src/version/ owns the dataset's version: semver.c (parsing, bumping), version_file.c
 * (the file's text, read and re-emitted), and bump: bump_plan.c (the decision and the
 * one plan check and bump share), bump_record.c (the new record, written),
 * bump_tag.c (the tag), bump.c (bump_run). See bump_impl.h.
 */
#ifndef DSCI_BUMP_H
#define DSCI_BUMP_H

#include <stdbool.h>
#include <stddef.h>

#include "run/compare.h"
#include "data/dataset.h"
#include "run/diff.h"
#include "run/result.h"
#include "version/semver.h"
#include "spec/spec.h"
#include "util/buf.h"
#include "version/version_file.h"

/* What the decision looks at. With a baseline, diff, base and head come from
 * compare_run(..., hash_files = true); without one, diff and base are NULL and the
 * version file's record (`recorded`) stands in for the baseline: split counts and
 * checksums only, so format and category rules cannot fire. */
struct bump_input {
    const struct spec *spec;             /* rules, categories, and the splits the diff and
                                          * both runs index (compare's merged spec: the
                                          * head's splits, then those only the baseline has) */
    const struct spec *head_spec;        /* the head's own spec, to tell a split dropped
                                          * from it; NULL: the same as spec */
    const struct diff *diff;             /* NULL without a baseline */
    const struct result *base;           /* the baseline's run; NULL without a baseline */
    const struct result *head;           /* the work tree's run, files hashed */
    const struct version_file *recorded; /* the baseline's version file (without a baseline,
                                          * the current one); NULL when there is none */
    const struct spec *base_spec;        /* the spec as the baseline had it; NULL when unknown */
    const char *card_changed;            /* the card's path when it differs from the
                                          * baseline's, else NULL */
};

/* One rule that fired. */
struct bump_hit {
    enum bump_rule rule;
    enum semver_part part;   /* what versioning.rules makes of it */
    char *reason;            /* "12 examples added, net +12" */
};

struct bump_decision {
    enum semver_part part;   /* the largest part of any hit; SEMVER_NONE when none */
    char *reason;            /* the deciding hit's reason, or why nothing is bumped */
    bool data_changed;       /* some data file, the split set or the card differs */
    struct bump_hit hits[BUMP_RULE_COUNT];   /* each rule at most once, in rule order */
    size_t n_hits;
};

void bump_decide(struct bump_decision *out, const struct bump_input *in);

/* Whether `vf` records exactly the data of `head` (a run with hashed files, splits in
 * `spec` order): every split with the same files and checksums, and no other split.
 * False when a file was not hashed. What `dsci bump` would call "no change". */
bool bump_records_data(const struct version_file *vf, const struct spec *spec, const struct result *head);
void bump_decision_release(struct bump_decision *d);

/*
 * The next version, from a finished comparison: the one place that decides it, so that
 * `check` (its proposed version) and `bump` (what it writes) always agree.
 * `cmp` and `head` come from compare_run(..., hash_files = true) on `ds`; `current` is
 * the version file as the dataset has it now (NULL when absent). With a baseline the
 * decision looks at the diff, the baseline's version file and the card; without one at
 * the version file's record. Returns 0, or DSCI_EUSAGE when the version to bump from
 * cannot be told (a baseline that is no version tag and records none, a version file
 * whose version does not parse). Release with bump_plan_release() in either case.
 */
/* What a plan decides; bump moves it whole into its outcome. All owned: release with
 * bump_versions_release (which leaves it zeroed). */
struct bump_versions {
    char *baseline;                   /* the tag or revision compared with; NULL without one */
    char *from;                       /* the version bumped from; NULL for the first version */
    char *version;                    /* the version decided on; NULL on error or until decided */
    bool first;                       /* no earlier version: 1.0.0 (or the version file's) */
    struct bump_decision decision;
};
void bump_versions_release(struct bump_versions *v);

struct bump_plan {
    struct bump_versions v;
    struct version_file *baseline_vf; /* the baseline's version file; NULL when none */
    char *note;                       /* what the user should know (no baseline tag); or NULL */
};

int bump_plan_make(struct bump_plan *out, struct dataset *ds, const struct comparison *cmp,
                   const struct result *head, const struct version_file *current, const char *base_opt);
void bump_plan_release(struct bump_plan *p);

struct bump_options {
    const char *base;        /* --base: "auto" (NULL means it), "none" or a revision */
    bool dry_run;            /* decide and describe, write and tag nothing */
    bool tag;                /* create <tag_prefix><version> on HEAD */
};

struct bump_outcome {
    struct bump_versions v;  /* the plan's, once decided */
    bool decided;            /* v is filled */
    bool nothing;            /* nothing changed and the version file says so: no write */
    bool up_to_date;         /* the version file already records this version and data */
    bool written;            /* the version file was written */
    bool would_write;        /* dry run: it would have been */
    char *version_file;      /* the version file's path as shown to the user */
    struct buf summary;      /* dry run: what would change in it, one "  line\n" each */
    char *tag;               /* the tag created (dry run: that would be); NULL when none */
    bool tag_created;
    char **notes;            /* things the user should know, one line each */
    size_t n_notes, alloc_notes;
};

/*
 * Bumps the work-tree dataset `ds`. Returns 0, or a negative DSCI_E* with err_last():
 * DSCI_EUSAGE for a spec without dataset.version_file, a version file that does not
 * parse (left untouched), an existing tag (nothing changed), or data not committed for
 * --tag (the version file may have been written then: the message says to commit it with
 * the data and run `dsci bump --tag` again, which then only tags);
 * DSCI_EENV for I/O and for --tag or --base REV outside git.
 */
int bump_run(struct bump_outcome *out, struct dataset *ds, const struct bump_options *opts);
void bump_outcome_release(struct bump_outcome *o);

#endif
