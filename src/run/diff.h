/*
 * The example-level diff between two versions of a dataset. Each side is collected
 * while the engine reads it (diff_side_observer), keeping per example only its content
 * hash, identity, split, category and location; then diff_compute matches them:
 *   - unchanged: the same content hash in the same split (reordering or reformatting
 *     a file is no change);
 *   - modified: a removed and an added record of the same split with the same
 *     identity: the `id` field when the records have one, otherwise the text of the
 *     first user message;
 *   - removed / added: the rest.
 * Removed records count under their old category, the others under their new one.
 *
 *   struct diff_side base, head;
 *   diff_side_init(&base, spec);  ...engine_check(..., &obs)...
 *   diff_compute(&d, &base, &head);
 */
#ifndef DSCI_DIFF_H
#define DSCI_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "run/engine.h"
#include "spec/spec.h"

struct classifier;

struct diff_rec {
    uint64_t h0, h1;         /* first 128 bits of the content hash */
    uint64_t ident[2];       /* identity hash; both 0 when the record has none */
    uint32_t split, category, file;
    uint32_t line;
};

struct diff_side {
    const struct spec *spec;
    struct classifier *classifier;   /* owned: the category of each record */
    struct diff_rec *recs;
    size_t n, alloc;
    char **files;            /* paths by file index */
    size_t n_files, alloc_files;
};

void diff_side_init(struct diff_side *side, const struct spec *spec);
struct engine_observer diff_side_observer(struct diff_side *side);
void diff_side_release(struct diff_side *side);

struct result;
/* Leaves out of both sides the records of every file that either side could not read
 * (a git LFS pointer whose object is not in the local store): its examples are unknown,
 * not removed or added. Each result is its side's run (its files in the run's order). */
void diff_leave_out_unread(struct diff_side *base, const struct result *base_result, struct diff_side *head,
                           const struct result *head_result);

struct diff_counts {
    uint64_t added, removed, modified, unchanged;
};

enum diff_kind { DIFF_ADDED = 0, DIFF_REMOVED, DIFF_MODIFIED };

/* A few changed records to show, with where they are (head side; removed: base side). */
struct diff_sample {
    enum diff_kind kind;
    uint32_t split, category;
    char *path;
    size_t line;
};

#define DIFF_MAX_SAMPLES 20

struct diff {
    size_t n_splits, n_categories;     /* by_category has n_categories + 1: last is none */
    struct diff_counts total;
    struct diff_counts *by_split;
    struct diff_counts *by_category;
    uint64_t base_examples, head_examples;
    uint64_t *base_category_counts, *head_category_counts;   /* n_categories + 1 */
    uint64_t *base_split_counts, *head_split_counts;         /* n_splits */
    struct diff_sample samples[DIFF_MAX_SAMPLES];
    size_t n_samples;
};

/* Both sides must come from the same spec. */
void diff_compute(struct diff *out, const struct diff_side *base, const struct diff_side *head);
void diff_release(struct diff *d);

const char *diff_kind_name(enum diff_kind kind);

#endif
