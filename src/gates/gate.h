/*
 * Gates see the dataset once, as a stream: observe() gets every example in file
 * order (texts valid only during the call), finish() turns what they kept into a
 * report section. A gate keeps only compact state (counts, sums, hashes), so memory
 * grows with the number of examples, never with the bytes of text.
 *
 *   struct gate_ctx ctx = { spec, files, n_files, &result, ... };
 *   for each gate g: g->begin(&state, &ctx); ... g->observe(state, ex); ... g->finish(state, &ctx); g->free(state);
 *
 * One file per gate in src/gates/; gate_list() gives them in report order.
 */
#ifndef DSCI_GATE_H
#define DSCI_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "read/example.h"
#include "read/run_file.h"
#include "run/result.h"
#include "spec/spec.h"

/* What every gate may consult at finish() time. */
struct gate_ctx {
    const struct spec *spec;
    struct run_file *files;
    size_t n_files;
    struct result *result;
    /* Reads a repo file (version file, card) from the same place as the data:
     * work tree, index or revision. Returns 0 and malloc'd bytes, GIT_ENOTFOUND-like
     * DSCI_EUSAGE when missing. */
    int (*read_file)(void *source, const char *path, char **out, size_t *out_len);
    void *source;
    /* The path reports show (repository-relative in git) for a path relative to the
     * dataset root, malloc'd; NULL: the path as given. Findings on files the spec names
     * (version file, card, a recorded split file) go through gate_shown_path(). */
    char *(*display_path)(void *source, const char *root_path);
    /* The spec as reports show it (repository-relative in git); NULL: spec->path. */
    const char *spec_path;
    /* The MinHash signatures of every parsed example, at finish() time, when a gate
     * that compares by similarity is on (src/gates/signatures.h); NULL otherwise. */
    const struct signature_store *signatures;
};

struct signature_store;

struct gate {
    const char *name;        /* spec key: "format" */
    const char *title;       /* report section: "FORMAT" */
    bool (*enabled)(const struct spec *spec);
    void *(*begin)(const struct gate_ctx *ctx);
    void (*observe)(void *state, const struct example *ex);
    int (*finish)(void *state, const struct gate_ctx *ctx);
    void (*free)(void *state);
    /* Its numbers describe a version (metrics, counts, version, file checksums): a
     * baseline run, which is read only to be compared with, runs just these gates. */
    bool measures;
};

extern const struct gate gate_format;
extern const struct gate gate_coverage;
extern const struct gate gate_quality;
extern const struct gate gate_splits;
extern const struct gate gate_duplicates;
extern const struct gate gate_reproducibility;

/* The category of a parsed example by the spec's coverage rules: an index into
 * spec->gates.coverage.categories, or n_categories for none. `state` comes from
 * gate_coverage.begin(), which works whatever the gate's level. */
size_t gate_coverage_classify(const void *state, const struct example *ex);

struct diff;

/* The regression gate is not a streaming gate: it compares the finished head run with
 * the baseline's run and the diff, and adds its "REGRESSION (vs BASELINE)" section. */
void gate_regression_add(struct result *head, const struct spec *spec, const char *baseline,
                         const struct diff *diff, const struct result *base);

/* All gates, in report order, NULL-terminated. */
const struct gate *const *gate_list(void);

#endif
