/*
 * src/spec/ owns the dataset spec: YAML in specs/ -> struct spec (the YAML tree, typed
 * getters, per-gate key tables), finding the spec and telling whether a file is one,
 * and the dataset root a spec's path implies. spec_diff.h compares two specs.
 * This is the only module that touches libyaml. Every key has a default (docs/spec.md
 * lists them); an unknown key, a wrong type or a bad value is an error that names
 * file:line:column and the key.
 *
 *   struct spec *spec = NULL;
 *   if (spec_load(&spec, "specs/task.yaml") < 0)   // DSCI_EUSAGE, err_last() says why
 *       ...
 *   spec_free(spec);
 *
 * spec_find() picks the default spec (the only *.yaml with a `dsci:` key in ./specs/).
 * Ownership: a loaded struct spec is the caller's to spec_free(); every string and array
 * inside is owned by it. Invariants after a successful load: at least one split, each
 * with at least one relative pattern; category names unique; every gates.splits rule
 * names a split of dataset.files.
 */
#ifndef DSCI_SPEC_H
#define DSCI_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "version/semver.h"

enum gate_level { LEVEL_OFF = 0, LEVEL_WARN, LEVEL_BLOCK };

/* Chat formats first, then the ones whose records are not a conversation: preference pairs
 * (TRL prompt/chosen/rejected, implicit prompt, OpenAI preference JSONL), prompt/completion
 * and plain text corpora (docs/formats.md). */
enum dataset_format {
    FORMAT_AUTO = 0,
    FORMAT_SHAREGPT,
    FORMAT_OPENAI,
    FORMAT_ALPACA,
    FORMAT_PREFERENCE,
    FORMAT_COMPLETION,
    FORMAT_TEXT,
    FORMAT_COUNT
};

/* Where a key stood in the spec file (1-based), so reports can point at it. 0 = not given. */
struct spec_loc {
    size_t line, column;
};

struct spec_split {
    char *name;        /* train, validation, test, ... in spec order */
    char **patterns;   /* paths or globs, relative to the dataset root */
    size_t n_patterns;
    struct spec_loc loc;
};

struct spec_category {
    char *name;
    size_t min;
    char **keywords;   /* as written; matching lower-cases them */
    size_t n_keywords;
    struct spec_loc loc;
};

struct spec_band {
    double lo, hi;
};

/* A mean that should sit inside a band: lengths. */
struct spec_band_metric {
    struct spec_band target, acceptable;
    struct spec_loc loc;
};

/* A one-sided threshold: unique_messages (a minimum, percent) or turn_variance (a maximum). */
struct spec_limit_metric {
    double target, acceptable;
    struct spec_loc loc;
};

struct spec_split_rule {
    char *name;
    bool has_ratio;
    double ratio;     /* 0..1 */
    size_t min;
    struct spec_loc loc;
};

enum repro_requirement {
    REPRO_VERSION = 1 << 0,
    REPRO_CHECKSUMS = 1 << 1,
    REPRO_RANDOM_SEED = 1 << 2,
    REPRO_MODEL = 1 << 3,
    REPRO_CARD = 1 << 4,
};

enum pii_detector {
    PII_EMAIL = 1 << 0,
    PII_PHONE = 1 << 1,
    PII_CREDIT_CARD = 1 << 2,
    PII_IPV4 = 1 << 3,
    PII_IPV6 = 1 << 4,
    PII_API_KEY = 1 << 5,
};

enum coverage_by { COVERAGE_KEYWORDS = 0, COVERAGE_FIELD };

/* versioning.rules: the kinds of change `dsci bump` tells apart; each bumps the part
 * the spec gives it (docs/spec.md has the defaults). */
enum bump_rule {
    BUMP_RULE_FORMAT_CHANGE = 0,
    BUMP_RULE_SPLIT_REMOVED,
    BUMP_RULE_CATEGORY_REMOVED,
    BUMP_RULE_REMOVED_OVER_LIMIT,
    BUMP_RULE_EXAMPLES_ADDED,
    BUMP_RULE_CATEGORY_ADDED,
    BUMP_RULE_EXAMPLES_MODIFIED,
    BUMP_RULE_METADATA_CHANGED,
    BUMP_RULE_TOKENIZER_CHANGED,   /* gates.tokens' tokenizer file has other bytes */
    BUMP_RULE_COUNT
};

struct spec {
    char *path;   /* the spec file, as given */
    char *root;   /* dataset root: the folder above specs/, or the spec's folder */
    int version;  /* the `dsci:` value */
    unsigned char sha256[32];   /* of the spec's bytes: the parts of a sharded check name the spec by it */

    struct {
        char *name;
        char *pretty_name;
        enum dataset_format format;
        struct spec_split *splits;
        size_t n_splits;
        char *card;            /* relative to root; NULL when not given */
        char *version_file;    /* relative to root; NULL when not given */
        struct spec_loc card_loc, version_file_loc;   /* where those keys stand */
        char *license;
        char **language;
        size_t n_language;
        char **task_categories;
        size_t n_task_categories;
        char *id_field;        /* top-level key naming an example's identity; default "id" */
        size_t max_line_bytes; /* default 64 MiB */
        struct spec_loc loc;
    } dataset;

    struct {
        char *tag_prefix;      /* default "v" */
        enum semver_part rules[BUMP_RULE_COUNT];   /* versioning.rules */
        struct spec_loc loc;
    } versioning;

    struct {
        struct {
            enum gate_level level;
            char *role_human, *role_assistant, *role_system; /* ShareGPT role names */
            bool allow_system;    /* a system message may come first */
            bool ends_with_reply; /* a chat must end on the assistant's turn (default) */
            struct spec_loc loc;
        } format;
        struct {
            enum gate_level level;
            enum coverage_by by;
            char *field;          /* dotted path, for COVERAGE_FIELD */
            struct spec_category *categories;
            size_t n_categories;
            struct spec_loc loc;
        } coverage;
        struct {
            enum gate_level level;
            struct spec_band_metric human_length, assistant_length;
            struct spec_limit_metric unique_messages; /* percent, minimum */
            struct spec_limit_metric turn_variance;   /* maximum */
            struct spec_loc loc;
        } quality;
        struct {
            enum gate_level exact, near;
            double threshold;
            size_t shingle, permutations;
            struct spec_loc loc;
        } duplicates;
        struct {
            enum gate_level level;
            double near_threshold;
            struct spec_loc loc;
        } leakage;
        struct {
            enum gate_level level;
            unsigned detect;      /* enum pii_detector bits */
            char **allow;
            struct spec_loc *allow_loc;  /* where each allow entry is; NULL in specs built by hand */
            size_t n_allow;
            struct spec_loc loc;
        } pii;
        struct {
            enum gate_level level;
            unsigned require;     /* enum repro_requirement bits */
            struct spec_loc loc;
        } reproducibility;
        struct {
            enum gate_level level;
            double tolerance;     /* allowed |ratio - target|, absolute */
            struct spec_split_rule *rules;
            size_t n_rules;
            struct spec_loc loc;
        } splits;
        struct {
            enum gate_level level;
            enum gate_level coverage_drop;
            double max_removed;   /* fraction 0..1 */
            enum gate_level metric_drift;
            struct spec_loc loc;
        } regression;
        /* Off unless a tokenizer is given (then block). Counts are of every message's
         * role and text plus the template overhead (docs/spec.md: OpenAI's rule). */
        struct {
            enum gate_level level;
            char *tokenizer;      /* relative to root; NULL: gate off */
            char *encoding;       /* a .tiktoken file's encoding; NULL: from the file name */
            char *sha256;         /* pinned hash, 64 lower-case hex; NULL: not pinned */
            size_t max_tokens, min_tokens;   /* per example; 0: no limit */
            size_t per_message, per_example; /* template overhead, default 3 and 3 */
            size_t max_total_tokens;         /* 0: no limit */
            double price_per_million;        /* < 0: none */
            struct spec_loc loc, tokenizer_loc, sha256_loc, max_tokens_loc, min_tokens_loc,
                max_total_loc;
        } tokens;
        /* Preference pairs (docs/preference.md): every check blocks or warns by its own
         * level, which a gate-wide `level` caps when not set; a run without pairs adds no
         * section. */
        struct {
            enum gate_level level;
            enum gate_level identical, near, contradictory, length_bias;
            double near_threshold;         /* similarity of chosen vs rejected, 0..1 */
            struct spec_band length_band;  /* share of pairs whose chosen reply is longer */
            struct spec_loc loc, length_bias_loc;
        } preference;
    } gates;
};

/* Loads and validates `path` into *out (the caller's to spec_free). On error *out is NULL
 * and the result DSCI_EUSAGE with "path:line:col: ..." in err_last() (DSCI_EENV when the
 * OS refuses to read the file). */
int spec_load(struct spec **out, const char *path);

/* Parses YAML text already in memory (from a git blob); `path` is used in messages and for root. */
int spec_load_buffer(struct spec **out, const char *path, const char *data, size_t len);

/* The default spec in `dir`/specs/: the only .yaml/.yml file with a top-level `dsci:` key.
 * None or several are DSCI_EUSAGE errors (several are listed). *out is malloc'd. */
int spec_find(char **out, const char *dir);

void spec_free(struct spec *spec);   /* accepts NULL */

/* "Is this file a spec?": a YAML file with a top-level `dsci:` key. Two strengths of the
 * one rule, for two callers that must keep their answers:
 *  SPEC_SNIFF_PARSE (spec discovery): the YAML is parsed and its top-level mapping looked
 *    at; a file that does not parse, or is over 1 MiB, still counts when a line starts
 *    with "dsci:", so a broken spec is reported by spec_load instead of going unnoticed.
 *    A file the OS refuses to read is an error (< 0, DSCI_EENV), not "no spec".
 *  SPEC_SNIFF_LINES (the pre-commit hook, which must stay cheap and lenient): a line
 *    starting with "dsci:" is enough; a file that cannot be read or is over 1 MiB is not
 *    a spec. Never negative.
 * Returns 1 (a spec), 0 (not) or a negative error code. */
enum spec_sniff { SPEC_SNIFF_PARSE, SPEC_SNIFF_LINES };
int spec_sniff(const char *path, enum spec_sniff how);

/* The specs in the folder `specs_dir`: regular *.yaml / *.yml files (not hidden) that
 * spec_sniff() accepts, names only, sorted. A missing folder gives none; an unreadable one
 * is DSCI_EENV. *out (and each name) is the caller's to free; NULL when none. */
int spec_list(char ***out, size_t *n, const char *specs_dir, enum spec_sniff how);

/* The dataset root of the spec at `path`: the folder above specs/ for .../specs/NAME,
 * else the spec's own folder. Lexical on purpose: a relative path stays relative, no
 * symlinks are resolved, so a repository-relative path gives a repository-relative root.
 *  spec_root_len:     the root as a prefix of `path` (0: the current folder)
 *  spec_root_of:      the root as a string, "." for the current folder (malloc'd)
 *  spec_path_in_root: the spec's path below its root ("specs/NAME" or "NAME"), borrowed
 *                     from `path` */
size_t spec_root_len(const char *path);
char *spec_root_of(const char *path);
const char *spec_path_in_root(const char *path);

/* Lookups by name in a loaded spec; the result is borrowed from it. */
size_t spec_split_index(const struct spec *spec, const char *name);   /* SIZE_MAX: none */
const struct spec_category *spec_category_named(const struct spec *spec, const char *name);
const struct spec_split_rule *spec_split_rule_named(const struct spec *spec, const char *name);

const char *spec_level_name(enum gate_level level);
const char *spec_format_name(enum dataset_format format);
/* The versioning.rules key of a rule: "format_change", ... */
const char *spec_bump_rule_name(enum bump_rule rule);

#endif
