/*
 * What the gates conclude: a run has sections (one per gate), each with checks (one
 * report line each: "[PASS] Valid JSON: 106/106 (100%)"), each with findings that point
 * at an example by path:line. Gates fill it once; every reporter reads the same struct.
 *
 *   struct check *c = result_add_check(section, "format.valid_json", "Valid JSON");
 *   c->status = STATUS_FAIL;  check_set_value(c, "%zu/%zu (%.0f%%)", ok, n, pct);
 *   check_add_finding(c, path, line, "invalid_json", "unexpected '}' at column 12");
 *
 * Findings beyond RESULT_MAX_FINDINGS per check are counted, not stored, so a dataset
 * with a million broken lines costs no memory when only a few are shown (text, github,
 * markdown). A run that writes json or sarif, which list every finding, lifts the cap
 * first with result_set_max_findings(SIZE_MAX). Everything is owned by struct result.
 */
#ifndef DSCI_RESULT_H
#define DSCI_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec/spec.h"

/* Findings stored per check (gates use it for what they keep pending, too): 1000 unless
 * the command raised it before the run. Process-wide; set it before any gate runs. */
#define RESULT_DEFAULT_MAX_FINDINGS 1000
#define RESULT_MAX_FINDINGS (result_max_findings())
size_t result_max_findings(void);
void result_set_max_findings(size_t n);
#define FINDING_KEY_SIZE 16

enum status { STATUS_SKIP = 0, STATUS_PASS, STATUS_WARN, STATUS_FAIL };

/* Another place a finding is about: the original of a duplicate, the other members of a
 * near-duplicate cluster, the train example a held-out one leaks into. */
struct finding_ref {
    char *path;
    size_t line;
};

struct finding {
    char *path;      /* repo-relative; NULL for a finding without a file */
    size_t line;     /* 0 when not tied to a line */
    /* In a JSON array file, where on the line (a minified array is one line): the 1-based
     * byte column and the record's index in the array. Column 0 and no record in JSONL,
     * where the line says it all (check_locate_last sets them). */
    size_t column;
    size_t char_column;   /* the same place in characters (code points): SARIF's column */
    uint64_t record;
    bool has_record;
    char *kind;      /* machine name: invalid_json, turn_order, below_minimum, ... */
    char *message;   /* one line, no trailing period */
    /* What the finding is about, by content (docs/known-findings.md): the same problem
     * in the same example(s) has the same key wherever the lines move. */
    unsigned char key[FINDING_KEY_SIZE];
    bool keyed;
    /* The key an older dsci gave the same finding (a leak: held-out + train example), so
     * a known-findings file written then still matches; has_old_key false when none. */
    unsigned char old_key[FINDING_KEY_SIZE];
    bool has_old_key;
    bool accepted;   /* listed in the known-findings file */
    struct finding_ref *related;
    size_t n_related;
};

struct check {
    char *id;             /* stable: "format.valid_json", "coverage.Create" */
    char *name;           /* "Valid JSON", "Create" */
    enum status status;
    bool blocking;        /* a FAIL of a gate at level block */
    char *value_text;     /* "106/106 (100%)", "28 examples" */
    char *threshold_text; /* "target: 20", NULL when none */
    double value;         /* the measured number, for JSON; NAN when none */
    double threshold;     /* NAN when none */
    char *remediation;    /* one specific step when it fails, NULL otherwise */
    /* remediation[first_at, first_at + first_len) names findings[0] ("first: a.jsonl:4"):
     * known_findings_apply() points it at an open finding when that one is accepted. */
    size_t first_at, first_len;
    struct finding *findings;
    size_t n_findings, alloc_findings;
    uint64_t findings_total; /* including those not stored */
    uint64_t accepted;       /* findings listed in the known-findings file */
};

struct section {
    char *gate;           /* "format" */
    char *title;          /* "FORMAT" */
    enum gate_level level;
    struct spec_loc loc;  /* the gate's key in the spec */
    char *note;           /* a line shown under the title, NULL when none */
    struct check *checks;
    size_t n_checks, alloc_checks;
};

/* One file the run read: what the version file and the card record about it. */
struct result_file {
    char *path;             /* as reports show it */
    char *root_path;        /* relative to the dataset root, as the spec names it */
    size_t split;
    enum dataset_format format;
    uint64_t bytes, records, examples;
    unsigned char sha256[32];
    bool sha256_valid;      /* computed only when asked (engine_options.hash_files) */
    bool lfs_pointer;
};

/* Token counts of one split (or of all), as the tokens gate measured them. p50/p95:
 * the nearest-rank percentiles of the examples' counts. */
struct result_token_stats {
    uint64_t examples, total, p50, p95, max;
    uint64_t over, under;   /* examples over max_tokens, under min_tokens */
    double mean;
};

/* What the tokens gate says of the run, for the reports' numbers, the card and the
 * version file. */
struct result_tokens {
    char *path;             /* the tokenizer as the spec names it (dataset root) */
    char *shown_path;       /* as findings show it (repository-relative in git) */
    char *kind;             /* "tiktoken cl100k_base"; NULL when it did not load */
    unsigned char sha256[32];
    bool sha256_valid;      /* the file was read */
    struct result_token_stats *splits;   /* per spec split */
    char **split_names;                  /* their names (owned) */
    size_t n_splits;
    struct result_token_stats all;
    double price_per_million;            /* < 0: none given */
};

/* What the preference gate counted (NULL in a run without preference pairs). */
struct result_preference {
    uint64_t pairs, identical, near, contradictory;
    uint64_t chosen_longer;   /* pairs whose chosen reply has more code points */
};

/* Message lengths per split and role, in code points, on a fixed log scale: bucket 0
 * holds empty messages, bucket k (1..RESULT_LENGTH_BUCKETS-1) lengths in [2^(k-1), 2^k),
 * the last one everything longer. The quality gate counts them in replay(), so a warm
 * cache and a sharded merge give the same counts as a cold check; for the HTML charts
 * (the JSON report does not carry them). */
#define RESULT_LENGTH_BUCKETS 21
enum result_length_role { RESULT_ROLE_USER = 0, RESULT_ROLE_ASSISTANT, RESULT_ROLES };
struct result_lengths {
    size_t n_splits;
    uint64_t (*counts)[RESULT_ROLES][RESULT_LENGTH_BUCKETS];   /* [split][role][bucket] */
};
size_t result_length_bucket(uint64_t chars);

/* Token counts per split on the same doubling scale, as the tokens gate counts them: whole
 * examples (texts, roles and the chat template's per-message and per-example tokens; its
 * limits are per example), and user and assistant messages (each its role, text, tool
 * calls and the template's per-message tokens). Counted in its replay() like
 * result_lengths, for the HTML charts (the JSON report does not carry them). */
struct result_token_lengths {
    size_t n_splits;
    uint64_t (*counts)[RESULT_LENGTH_BUCKETS];   /* [split][bucket]: examples */
    uint64_t (*roles)[RESULT_ROLES][RESULT_LENGTH_BUCKETS];   /* [split][role][bucket]: messages */
};

struct result {
    char *date;           /* ISO-8601 UTC */
    char *spec_path;
    char *spec_repo_path;  /* the spec from the repository top, for annotations; NULL outside git */
    char *dataset_name;
    char *version;        /* from the version file; NULL when unknown */
    char *source;         /* "worktree", "index", "rev abc123" */
    char *baseline;       /* "dataset-v1.2.0" or NULL */
    struct section *sections;
    size_t n_sections, alloc_sections;
    char **notes;         /* run-level notes ("format auto: train.jsonl is sharegpt") */
    size_t n_notes, alloc_notes;

    /* The measured numbers, also given raw in JSON so other tools can compare them. */
    struct result_metrics {
        uint64_t records, valid_json, examples, bytes, files;
        double human_length, assistant_length, unique_messages, turn_variance;
        uint64_t *split_examples;   /* per spec split */
        uint64_t *category_counts;  /* per spec category, then one for "(none)" */
        uint64_t overlaps;
    } metrics;
    struct result_file *files;     /* in spec order */
    size_t n_files;
    size_t n_splits, n_categories;
    char **split_names;            /* borrowed from the spec */
    char **category_names;         /* borrowed from the spec */
    struct result_tokens *tokens;  /* NULL unless the tokens gate ran */
    struct result_preference *preference;   /* NULL unless the preference gate saw pairs */
    struct result_lengths lengths; /* counts NULL unless the quality gate ran */
    struct result_token_lengths token_lengths;   /* counts NULL unless the tokens gate counted */
};

void result_init(struct result *r);
void result_release(struct result *r);
void result_tokens_free(struct result_tokens *t);   /* accepts NULL */

struct section *result_add_section(struct result *r, const char *gate, const char *title,
                                   enum gate_level level, struct spec_loc loc);
struct check *result_add_check(struct section *s, const char *id, const char *name);
/* The section of `gate` ("coverage"), NULL when the gate did not run. */
const struct section *result_find_section(const struct result *r, const char *gate);
/* A note the result already has is not added again. */
void result_add_note(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void check_set_value(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void check_set_threshold(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void check_set_remediation(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void check_add_finding(struct check *c, const char *path, size_t line, const char *kind,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A remediation step that names the check's first finding: head + first + tail, where
 * `first` ("first: data/a.jsonl:4") is about findings[0]. When the known-findings file
 * accepts findings[0], the step names the first open finding instead. */
void check_set_remediation_first(struct check *c, const char *head, const char *first, const char *tail);

/* The same with the head formatted and first = "first: " + `where`, the first finding's
 * place as the gate words it ("data/a.jsonl:4", "a.jsonl:4 duplicates a.jsonl:2"). */
void check_set_remediation_firstf(struct check *c, const char *where, const char *tail, const char *head_fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The first stored finding that is not accepted, or NULL. */
const struct finding *check_first_open(const struct check *c);

/* The same, for a finding about particular examples: `key` identifies the problem by
 * their content hashes (finding_key_of), so the known-findings file can accept it. */
void check_add_keyed_finding(struct check *c, const unsigned char key[FINDING_KEY_SIZE], const char *path,
                             size_t line, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Gives the finding added last the key an older dsci gave it (struct finding.old_key). */
void check_set_old_key_last(struct check *c, const unsigned char key[FINDING_KEY_SIZE]);

/* Adds a related place to the finding added last (nothing when it was not stored). */
void check_relate_last(struct check *c, const char *path, size_t line);

/* Gives the finding added last its column (in bytes and in characters) and record index
 * (nothing when it was not stored); a gate calls it for examples of JSON array files
 * (example.column != 0). */
void check_locate_last(struct check *c, size_t column, size_t char_column, uint64_t record);

/* ":48213 (record 6)", what follows "path:line" for a finding with a column or a record
 * index; "" otherwise. Returns out. */
#define FINDING_PLACE_SIZE 64
const char *finding_place(char out[FINDING_PLACE_SIZE], const struct finding *f);
const char *finding_place_of(char out[FINDING_PLACE_SIZE], size_t column, bool has_record, uint64_t record);

/* Applies a gate's level to a check's raw status: FAIL at level warn shows as WARN
 * (except where the gate keeps FAIL, as quality does), and only level block blocks. */
void check_apply_level(struct check *c, enum gate_level level, bool keep_fail_at_warn);

size_t result_blocking_failures(const struct result *r);
bool result_passed(const struct result *r);

const char *status_name(enum status s);   /* "PASS" ... */

#endif
