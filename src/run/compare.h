/*
 * A check compared with a baseline: which version to compare with (auto: the highest
 * semantic-version tag with the spec's prefix that is an ancestor of HEAD), reading
 * both sides, the example-level diff, and the regression gate's section.
 *
 *   struct comparison cmp;
 *   compare_run(&result, &cmp, &ds, "auto");   // result has the head's gates + REGRESSION
 *   ... cmp.diff, cmp.base ...
 *   comparison_release(&cmp);
 */
#ifndef DSCI_COMPARE_H
#define DSCI_COMPARE_H

#include <stdbool.h>

#include "data/dataset.h"
#include "run/diff.h"
#include "run/result.h"
#include "run/summary_cache.h"
#include "run/summary_ref.h"
#include "util/buf.h"

struct comparison {
    char *baseline;          /* the tag or revision compared with; NULL when none */
    bool have;               /* base and diff are filled */
    /* The head's spec with the splits of both sides: the head's splits first (with the
     * baseline's own file names where the baseline's spec names them), then splits only
     * the baseline has. Split indices in the diff refer to it. */
    struct spec merged;
    struct spec_split *merged_splits;
    struct spec *base_spec;  /* the spec as it was at the baseline; NULL when unreadable */
    struct result base;      /* the baseline's own run (metrics) */
    struct diff diff;
    /* What the summary cache did for the head's run and the baseline's (--explain-cache). */
    bool cached;
    struct summary_cache_counts cache_head, cache_base;
    /* The baseline tag's stored summary (refs/dsci/summary/<tag>) imported before its run. */
    struct summary_import summary;
};

/*
 * Finds the baseline for `base_opt` ("auto", "none" or a revision). Sets *out to NULL
 * with a note in `notes_to` when there is none (outside git, no matching tag, ...).
 */
int compare_find_baseline(char **out, const struct dataset *head, const char *base_opt, struct result *notes_to);

/* What to say when `ref`'s history has no version tag, naming the tag that would do:
 * "no version tag on HEAD's history (such as 'dataset-v1.2.0')". `version` (the version
 * file's, when known) picks the example; without it, 1.0.0. The caller frees. */
char *compare_no_tag_text(const struct spec *spec, const char *ref, const char *version);

/* Runs the head's check into `head_result` and, when a baseline is found, the baseline
 * and the diff, and adds the REGRESSION section. hash_files: fill result.files' SHA-256
 * on both sides (bump and card need them). */
int compare_run(struct result *head_result, struct comparison *cmp, struct dataset *head, const char *base_opt,
                bool hash_files);

/* The same as a shard of a sharded check (the runs write their part; no diff, no
 * verdict) or as the merge of the parts (the runs replay them): run/shard.h. */
struct shard_job;
int compare_run_sharded(struct result *head_result, struct comparison *cmp, struct dataset *head,
                        const char *base_opt, bool hash_files, struct shard_job *shard);

void comparison_release(struct comparison *cmp);

/* The baseline's count of the coverage category `name`, for the reports that draw it
 * beside the head's: false when there is no baseline or it has no such category. */
bool comparison_base_category(const struct comparison *cmp, const char *name, uint64_t *out);

/* Runs the revision `rev` as compare_run runs a baseline with `head`'s spec, only to fill
 * `store` with its summary: `used_keys` gets the key of every entry the run found or kept
 * (what `dsci bump --tag` stores with the tag: run/summary_ref.h). */
int compare_keep_baseline_summary(struct dataset *head, const char *rev, struct cache_store *store,
                                  struct buf *used_keys);

#endif
