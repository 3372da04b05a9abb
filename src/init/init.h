/*
 * dsci init: look at the data under a folder and write a starter spec for it.
 *
 *   struct init_options o = { "task-api", "specs/task-api.yaml" };
 *   struct init_scan scan = INIT_SCAN_INIT;
 *   if (init_run(&scan, &o) < 0)       // DSCI_EUSAGE: no data, or the file exists
 *       ...
 *   init_describe(&line, &scan);       // what was found, for the terminal
 *   init_scan_release(&scan);
 *
 * init_run is init_scan_run (find and measure) + init_render (the commented YAML) +
 * spec_load_buffer (the text must load) + init_write_spec (never overwrites).
 *
 * The scan finds *.jsonl and *.json files below the folder (not in hidden folders,
 * node_modules or specs/), keeps those whose first record is a ShareGPT, OpenAI chat,
 * Alpaca, preference, completion or text record (so package.json or version.json are
 * left out), streams every record
 * once through the reader, and measures what a starter spec needs: the format, the
 * splits (named from the file names), a label field with a few values for coverage,
 * the quality means, the split sizes, and a card or version file lying next to the
 * data. The numbers it writes describe the data as it is today, so `dsci check` passes
 * on data without real problems; the comments say how to tighten each one.
 *
 * Nothing here prints. All strings in the structs are owned by them (released by
 * init_scan_release / init_field_release). src/init/ owns this command's library side:
 * scan (init_scan.c), the robust bands (init_propose.c), the YAML (init_render.c).
 */
#ifndef DSCI_INIT_H
#define DSCI_INIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec/spec.h"
#include "util/buf.h"

/* A label field qualifies with this many distinct values (inclusive) ... */
#define INIT_MIN_CATEGORIES 2
#define INIT_MAX_CATEGORIES 30
/* ... when at least this share of the examples has one of them. */
#define INIT_LABEL_COVERAGE 0.9
/* Longest label value taken as a category name, in bytes. */
#define INIT_MAX_LABEL_BYTES 64

struct init_value {
    char *text;
    uint64_t count;
};

/* The values one candidate label field took, as far as they were counted. */
struct init_field {
    char *path;              /* dotted, e.g. metadata.operation */
    struct init_value *values;   /* sorted by init_field_sort: most frequent first */
    size_t n_values, alloc_values;
    uint64_t labeled;        /* examples with a string value that was counted */
    bool too_many;           /* more than INIT_MAX_CATEGORIES distinct values: counting stopped */
    bool unusable;           /* a value that cannot be a category name (control characters, too long) */
};

struct init_file {
    char *path;              /* relative to the root, as the spec names it */
    char *split;             /* the split it goes to */
    enum dataset_format format;
    bool is_array;           /* a JSON array rather than JSON Lines */
    uint64_t records;        /* records read */
    uint64_t examples;       /* records that parsed as objects: what the gates count */
};

struct init_split {
    char *name;
    uint64_t examples;
};

/* Values (message lengths, messages per example) counted exactly below INIT_HIST_EXACT and
 * in 1/16-octave buckets above, so quartiles and an outlier fence take bounded memory. */
#define INIT_HIST_EXACT 65536
#define INIT_HIST_BIG 768
struct init_hist {
    uint64_t *exact;                 /* [INIT_HIST_EXACT], allocated by the first add */
    uint64_t big_n[INIT_HIST_BIG];   /* values >= INIT_HIST_EXACT per bucket ... */
    double big_sum[INIT_HIST_BIG];   /* ... and their sum */
    uint64_t n;
};

/* Where the largest value was seen: for a note that names it. */
struct init_longest {
    uint64_t value;
    char *path;                      /* NULL when nothing was seen */
    size_t line;
};

/* One mean that quality judges (a role's message length, or the turn variance): what it
 * is today, what it is without the outliers, and the bands written. */
struct init_measure {
    bool measured;                   /* any values at all */
    double value;                    /* as dsci check computes it, over everything */
    double robust;                   /* the same without the outliers */
    uint64_t outliers;               /* values beyond the fence */
    double fence;
    struct init_longest longest;
    struct spec_band target, acceptable;   /* lengths: both ends; turn variance: hi only */
};

/* What the starter quality gate says and why (init_decide_quality). */
struct init_quality {
    struct init_measure human, assistant, turns;
    double unique;                   /* percent of message texts that are distinct */
    double unique_target, unique_acceptable;
    char **concerns;                 /* data the starter spec does not bless: one line each */
    size_t n_concerns;
};

struct init_scan {
    char *root;                  /* the folder scanned, as given */
    struct init_file *files;     /* taken, in split order then path order */
    size_t n_files;
    char **skipped;              /* "path (why)" for data files left out */
    size_t n_skipped;
    struct init_split *splits;   /* train, validation, test first, then the others */
    size_t n_splits;
    enum dataset_format format;  /* the one all files share, else FORMAT_AUTO */

    uint64_t records, examples;
    uint64_t user_chars, user_texts, assistant_chars, assistant_texts;
    uint64_t texts, distinct_texts;
    double turns_mean, turns_variance;   /* messages per example, population variance */
    struct init_quality quality;         /* the starter quality bands, and any concerns */

    struct init_field *field;    /* the label field for coverage, NULL when none qualified */
    char *card;                  /* a README.md next to the data, NULL when none */
    char *version_file;          /* a version.json next to the data, NULL when none */
};

#define INIT_SCAN_INIT { 0 }

struct init_options {
    const char *name;        /* dataset.name (init_name_ok) */
    const char *output;      /* the spec to write; its dataset root is the folder scanned */
};

/*
 * Scans the dataset root of o->output (init_spec_root), renders the spec, checks that
 * it loads, and writes it. DSCI_EUSAGE when o->output exists (checked before the scan
 * and again before writing) or no data was found; DSCI_EENV for I/O errors. *scan is
 * filled as far as the scan went; the caller releases it.
 */
int init_run(struct init_scan *out, const struct init_options *o);

/* The dataset name for a folder: init_sanitize_name of its real name. Caller frees. */
char *init_default_name(const char *root);

/*
 * Scans `root` (relative to the current directory, or absolute). 0 on success, with at
 * least one file; DSCI_EUSAGE when no data file was found (err_last() says what was
 * looked for and what was left out); DSCI_EENV for I/O errors.
 */
int init_scan_run(struct init_scan *out, const char *root);
void init_scan_release(struct init_scan *scan);

/* Appends the commented starter spec for `scan` to `out`; `name` is dataset.name. */
void init_render(struct buf *out, const struct init_scan *scan, const char *name);

/* The one-line summary the spec's header and dsci init print:
 * "3 files, sharegpt, 130 examples, categories from metadata.operation (5 values)". */
void init_describe(struct buf *out, const struct init_scan *scan);

/*
 * Writes `text` to `path` (creating its folder) with atomic_write_file, unless `path`
 * exists: then DSCI_EUSAGE "PATH already exists; dsci init never overwrites ...".
 */
int init_write_spec(const char *path, const char *text, size_t len);

/* The dataset root a spec at `path` would have (as spec_load works it out): the folder
 * above specs/ for specs/x.yaml, else the spec's folder. Caller frees. */
char *init_spec_root(const char *path);

/* ---- the decisions, exposed for the unit tests ------------------------------------ */

/* "train", "validation" or "test" when a word of the file name (or else of a folder
 * on its path) says so: train/training, val/valid/validation/dev, test/testing/eval/
 * evaluation. Words are split at anything but letters and digits, case-insensitive.
 * NULL when nothing does. */
const char *init_split_word(const char *path);

/*
 * Names the split of each of the n `paths` (relative, sorted): the split word when there
 * is one; otherwise the file's stem (sanitized: letters, digits, '.', '_', '-'), with
 * the parent folder's name put in front when two files would share a stem; a lone file
 * with no split word is "train". *out: caller frees each and the array.
 */
void init_name_splits(char ***out, char *const *paths, size_t n);

/* A dataset name from a folder name: lower case, runs of anything but [a-z0-9._-] become
 * one '-', no leading or trailing '-' or '.'; "dataset" when nothing is left. Caller frees. */
char *init_sanitize_name(const char *folder);

/* Whether `name` is fine as dataset.name and as specs/NAME.yaml. */
bool init_name_ok(const char *name);

/* Counts one value of a candidate field (stops counting past INIT_MAX_CATEGORIES). */
void init_field_add(struct init_field *f, const char *value, size_t len);
/* Sorts the values: most frequent first, then by name. */
void init_field_sort(struct init_field *f);
/* Whether the field names categories for `examples` examples: INIT_MIN_CATEGORIES to
 * INIT_MAX_CATEGORIES usable values, on at least INIT_LABEL_COVERAGE of the examples,
 * each value used twice on average (so ids and free text do not qualify). */
bool init_field_qualifies(const struct init_field *f, uint64_t examples);
void init_field_release(struct init_field *f);

/* x rounded to the nearest multiple of step (halves away from zero). */
double init_round_to(double x, double step);
/* x rounded down / up to two significant digits (integers below 10): 21.15 -> 21,
 * 84.6 -> 85, 169.2 -> 170, 1234 -> 1300, 0.4 -> 0 / 1. */
double init_round_down(double x);
double init_round_up(double x);

/* The bands written for a mean length: target [mean/2, 2*mean], acceptable
 * [mean/4, 4*mean], each rounded outward. */
void init_length_bands(struct spec_band *target, struct spec_band *acceptable, double mean);

/* The least share of distinct message texts (percent) a starter spec accepts: below it
 * the data repeats itself and the spec does not bless it. */
#define INIT_UNIQUE_FLOOR 30.0

void init_hist_add(struct init_hist *h, uint64_t v);
/* The smallest value with at least ceil(q * n) values at or below it (nearest rank);
 * 0 when empty. Bucketed values read as their bucket's lower bound. */
double init_hist_quantile(const struct init_hist *h, double q);
/* Count, mean and population variance of the values at or below `limit`. */
void init_hist_stats(const struct init_hist *h, double limit, uint64_t *n, double *mean, double *variance);
void init_hist_release(struct init_hist *h);

/* Above this a value is an outlier: beyond Tukey's outer fence on a log scale,
 * q3 * (q3/q1)^3, and more than 4 * q3. One 26k-character reply among 300-character ones
 * is; the long tail of healthy, skewed lengths (log-normal) practically never is. */
double init_outlier_fence(double q1, double q3);

/* Decides the quality bands of the starter spec (scan->quality) from the histograms of
 * message lengths per role and of messages per example, and the scan's means; lists a
 * concern for every band today's data does not meet. Takes over the longest[] paths. */
enum { INIT_HUMAN, INIT_ASSISTANT, INIT_TURNS, INIT_MEASURES };
void init_decide_quality(struct init_scan *scan, const struct init_hist hist[INIT_MEASURES],
                         struct init_longest longest[INIT_MEASURES]);

#endif
