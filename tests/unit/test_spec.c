/*
 * The spec loader: the contract's seed spec field by field, defaults, every kind of
 * error message (exact text with file:line:column), hostile YAML, the dataset root,
 * spec_find, and a crash sweep over truncated and mutated specs.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* nftw, mkdtemp */
#endif
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_helpers.h"

#include "spec/spec.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/suggest.h"
#include "util/xalloc.h"

#define PATH "specs/task.yaml"

/* The seed example from CONTRACT.md, verbatim. Line numbers in the tests refer to it. */
static const char seed[] =
    "dsci: 1                              # spec format version\n"
    "dataset:\n"
    "  name: task-api\n"
    "  format: sharegpt                   # sharegpt | openai | alpaca | auto\n"
    "  files:                             # split -> repo-relative path (a glob may match several files)\n"
    "    train: data/splits/train.jsonl\n"
    "    validation: data/splits/val.jsonl\n"
    "    test: data/splits/test.jsonl\n"
    "  card: data/hf_dataset/README.md\n"
    "  version_file: data/hf_dataset/version.json\n"
    "  license: apache-2.0\n"
    "  language: [en]\n"
    "versioning:\n"
    "  tag_prefix: dataset-v              # tags look like dataset-v1.2.0\n"
    "gates:\n"
    "  format: {level: block}             # valid JSON, schema, alternating turns, non-empty (all must be 100%)\n"
    "  coverage:\n"
    "    level: block\n"
    "    by: keywords                     # keywords (first matching category wins, in spec order) | field\n"
    "    field: metadata.operation        # used when by: field\n"
    "    categories:\n"
    "      - {name: Create,   min: 20, keywords: [create, new task, add task, set up]}\n"
    "      - {name: Update,   min: 20, keywords: [update, change, modify, mark as]}\n"
    "      - {name: Complete, min: 15, keywords: [complete, finish, done, completed]}\n"
    "      - {name: Delete,   min: 15, keywords: [delete, remove, cancel]}\n"
    "      - {name: Query,    min: 15, keywords: [show, list, what tasks, overdue, filter]}\n"
    "  quality:\n"
    "    level: warn                      # in target: PASS; in acceptable: WARN; outside: FAIL (non-blocking unless level: block)\n"
    "    human_length:     {target: [30, 80],  acceptable: [20, 100]}    # mean characters (Unicode code points)\n"
    "    assistant_length: {target: [80, 200], acceptable: [50, 300]}\n"
    "    unique_messages:  {target: 95%, acceptable: 90%}                # share of distinct message texts, minimum\n"
    "    turn_variance:    {target: 2.0, acceptable: 3.0}                # variance of turns per conversation, maximum\n"
    "  duplicates: {exact: block, near: warn, threshold: 0.8}            # near = MinHash Jaccard estimate\n"
    "  leakage:    {level: block, near_threshold: 0.9}                   # no example shared across splits\n"
    "  pii:        {level: block, detect: [email, phone, credit_card, ipv4, api_key], allow: [example.com]}\n"
    "  reproducibility:\n"
    "    level: block\n"
    "    require: [version, checksums, random_seed, model, card]\n"
    "  splits:\n"
    "    level: block\n"
    "    train:      {ratio: 0.8, min: 68}\n"
    "    validation: {ratio: 0.1, min: 8}\n"
    "    test:       {ratio: 0.1, min: 8}\n"
    "  regression:                        # against the baseline version\n"
    "    level: block\n"
    "    coverage_drop: block             # a category may not fall below its count in the baseline\n"
    "    max_removed: 5%                  # share of baseline examples removed\n"
    "    metric_drift: warn               # a quality metric leaving its target band that was inside it before\n";

/* The smallest valid spec: four lines, so snippets appended to it start at line 5. */
#define MIN "dsci: 1\ndataset:\n  files:\n    train: data/train.jsonl\n"

/* ---- helpers ----------------------------------------------------------------- */

static struct spec *load_ok(const char *yaml)
{
    struct spec *s = NULL;
    int r = spec_load_buffer(&s, PATH, yaml, strlen(yaml));
    if (r != 0)
        print_message("unexpected error: %s\n", err_last());
    assert_int_equal(r, 0);
    assert_non_null(s);
    return s;
}

static void expect_error(const char *yaml, size_t len, const char *message)
{
    struct spec *s = NULL;
    int r = spec_load_buffer(&s, PATH, yaml, len);
    if (r == 0)
        print_message("expected an error: %s\n", message);
    assert_int_equal(r, DSCI_EUSAGE);
    assert_null(s);
    assert_string_equal(err_last(), message);
}

#define EXPECT_ERROR(yaml, message) expect_error((yaml), strlen(yaml), (message))

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static char *make_tmpdir(void)
{
    char *dir = xstrdup("/tmp/dsci-test-spec-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static void remove_tree(char *dir)
{
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

static void write_file(const char *dir, const char *name, const char *text, size_t len)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(path);
}

static void make_dir(const char *dir, const char *name)
{
    char *path = xasprintf("%s/%s", dir, name);
    assert_int_equal(mkdir(path, 0755), 0);
    free(path);
}

/* ---- the seed spec ------------------------------------------------------------- */

static void test_spec__loads_seed_spec(void **state)
{
    (void)state;
    char *dir = make_tmpdir();
    char *path = xasprintf("%s/specs/task.yaml", dir);
    struct spec *s = NULL;

    make_dir(dir, "specs");
    write_file(dir, "specs/task.yaml", seed, strlen(seed));
    assert_int_equal(spec_load(&s, path), 0);

    assert_string_equal(s->path, path);
    assert_string_equal(s->root, dir);
    assert_int_equal(s->version, 1);

    assert_string_equal(s->dataset.name, "task-api");
    assert_null(s->dataset.pretty_name);
    assert_int_equal(s->dataset.format, FORMAT_SHAREGPT);
    assert_int_equal(s->dataset.n_splits, 3);
    assert_string_equal(s->dataset.splits[0].name, "train");
    assert_int_equal(s->dataset.splits[0].n_patterns, 1);
    assert_string_equal(s->dataset.splits[0].patterns[0], "data/splits/train.jsonl");
    assert_int_equal(s->dataset.splits[0].loc.line, 6);
    assert_int_equal(s->dataset.splits[0].loc.column, 5);
    assert_string_equal(s->dataset.splits[1].name, "validation");
    assert_string_equal(s->dataset.splits[1].patterns[0], "data/splits/val.jsonl");
    assert_string_equal(s->dataset.splits[2].name, "test");
    assert_string_equal(s->dataset.splits[2].patterns[0], "data/splits/test.jsonl");
    assert_string_equal(s->dataset.card, "data/hf_dataset/README.md");
    assert_string_equal(s->dataset.version_file, "data/hf_dataset/version.json");
    assert_string_equal(s->dataset.license, "apache-2.0");
    assert_int_equal(s->dataset.n_language, 1);
    assert_string_equal(s->dataset.language[0], "en");
    assert_int_equal(s->dataset.n_task_categories, 0);
    assert_string_equal(s->dataset.id_field, "id");
    assert_int_equal(s->dataset.max_line_bytes, 64u << 20);
    assert_int_equal(s->dataset.loc.line, 2);
    assert_int_equal(s->dataset.loc.column, 1);

    assert_string_equal(s->versioning.tag_prefix, "dataset-v");
    assert_int_equal(s->versioning.loc.line, 13);

    assert_int_equal(s->gates.format.level, LEVEL_BLOCK);
    assert_string_equal(s->gates.format.role_human, "human");
    assert_string_equal(s->gates.format.role_assistant, "gpt");
    assert_string_equal(s->gates.format.role_system, "system");
    assert_true(s->gates.format.allow_system);
    assert_true(s->gates.format.ends_with_reply);
    assert_int_equal(s->gates.format.loc.line, 16);
    assert_int_equal(s->gates.format.loc.column, 3);

    assert_int_equal(s->gates.coverage.level, LEVEL_BLOCK);
    assert_int_equal(s->gates.coverage.by, COVERAGE_KEYWORDS);
    assert_string_equal(s->gates.coverage.field, "metadata.operation");
    assert_int_equal(s->gates.coverage.loc.line, 17);
    assert_int_equal(s->gates.coverage.n_categories, 5);
    static const char *const names[] = { "Create", "Update", "Complete", "Delete", "Query" };
    static const size_t mins[] = { 20, 20, 15, 15, 15 };
    static const size_t n_keywords[] = { 4, 4, 4, 3, 5 };
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(s->gates.coverage.categories[i].name, names[i]);
        assert_int_equal(s->gates.coverage.categories[i].min, mins[i]);
        assert_int_equal(s->gates.coverage.categories[i].n_keywords, n_keywords[i]);
        assert_int_equal(s->gates.coverage.categories[i].loc.line, 22 + i);
        assert_int_equal(s->gates.coverage.categories[i].loc.column, 9);
    }
    assert_string_equal(s->gates.coverage.categories[0].keywords[1], "new task");
    assert_string_equal(s->gates.coverage.categories[0].keywords[3], "set up");
    assert_string_equal(s->gates.coverage.categories[4].keywords[2], "what tasks");

    assert_int_equal(s->gates.quality.level, LEVEL_WARN);
    assert_int_equal(s->gates.quality.loc.line, 27);
    assert_true(s->gates.quality.human_length.target.lo == 30);
    assert_true(s->gates.quality.human_length.target.hi == 80);
    assert_true(s->gates.quality.human_length.acceptable.lo == 20);
    assert_true(s->gates.quality.human_length.acceptable.hi == 100);
    assert_int_equal(s->gates.quality.human_length.loc.line, 29);
    assert_int_equal(s->gates.quality.human_length.loc.column, 5);
    assert_true(s->gates.quality.assistant_length.target.lo == 80);
    assert_true(s->gates.quality.assistant_length.target.hi == 200);
    assert_true(s->gates.quality.assistant_length.acceptable.lo == 50);
    assert_true(s->gates.quality.assistant_length.acceptable.hi == 300);
    assert_true(s->gates.quality.unique_messages.target == 95);
    assert_true(s->gates.quality.unique_messages.acceptable == 90);
    assert_int_equal(s->gates.quality.unique_messages.loc.line, 31);
    assert_true(s->gates.quality.turn_variance.target == 2.0);
    assert_true(s->gates.quality.turn_variance.acceptable == 3.0);

    assert_int_equal(s->gates.duplicates.exact, LEVEL_BLOCK);
    assert_int_equal(s->gates.duplicates.near, LEVEL_WARN);
    assert_true(s->gates.duplicates.threshold == 0.8);
    assert_int_equal(s->gates.duplicates.shingle, 5);
    assert_int_equal(s->gates.duplicates.permutations, 128);
    assert_int_equal(s->gates.duplicates.loc.line, 33);

    assert_int_equal(s->gates.leakage.level, LEVEL_BLOCK);
    assert_true(s->gates.leakage.near_threshold == 0.9);

    assert_int_equal(s->gates.pii.level, LEVEL_BLOCK);
    assert_int_equal(s->gates.pii.detect, PII_EMAIL | PII_PHONE | PII_CREDIT_CARD | PII_IPV4 | PII_API_KEY);
    assert_int_equal(s->gates.pii.n_allow, 1);
    assert_string_equal(s->gates.pii.allow[0], "example.com");

    assert_int_equal(s->gates.reproducibility.level, LEVEL_BLOCK);
    assert_int_equal(s->gates.reproducibility.require,
                     REPRO_VERSION | REPRO_CHECKSUMS | REPRO_RANDOM_SEED | REPRO_MODEL | REPRO_CARD);

    assert_int_equal(s->gates.splits.level, LEVEL_BLOCK);
    assert_true(s->gates.splits.tolerance == 0.05);
    assert_int_equal(s->gates.splits.n_rules, 3);
    assert_string_equal(s->gates.splits.rules[0].name, "train");
    assert_true(s->gates.splits.rules[0].has_ratio);
    assert_true(s->gates.splits.rules[0].ratio == 0.8);
    assert_int_equal(s->gates.splits.rules[0].min, 68);
    assert_int_equal(s->gates.splits.rules[0].loc.line, 41);
    assert_int_equal(s->gates.splits.rules[0].loc.column, 5);
    assert_string_equal(s->gates.splits.rules[1].name, "validation");
    assert_int_equal(s->gates.splits.rules[1].min, 8);
    assert_string_equal(s->gates.splits.rules[2].name, "test");
    assert_true(s->gates.splits.rules[2].ratio == 0.1);

    assert_int_equal(s->gates.regression.level, LEVEL_BLOCK);
    assert_int_equal(s->gates.regression.coverage_drop, LEVEL_BLOCK);
    assert_true(s->gates.regression.max_removed == 0.05);
    assert_int_equal(s->gates.regression.metric_drift, LEVEL_WARN);
    assert_int_equal(s->gates.regression.loc.line, 44);

    spec_free(s);
    free(path);
    remove_tree(dir);
}

static void test_spec__applies_defaults(void **state)
{
    (void)state;
    struct spec *s = load_ok(MIN);

    assert_string_equal(s->root, ".");
    assert_null(s->dataset.name);
    assert_int_equal(s->dataset.format, FORMAT_AUTO);
    assert_null(s->dataset.card);
    assert_null(s->dataset.version_file);
    assert_null(s->dataset.license);
    assert_int_equal(s->dataset.n_language, 0);
    assert_string_equal(s->dataset.id_field, "id");
    assert_int_equal(s->dataset.max_line_bytes, 64u << 20);
    assert_string_equal(s->versioning.tag_prefix, "v");
    assert_int_equal(s->versioning.loc.line, 0);

    assert_int_equal(s->gates.format.level, LEVEL_BLOCK);
    assert_string_equal(s->gates.format.role_assistant, "gpt");
    assert_true(s->gates.format.allow_system);
    assert_int_equal(s->gates.coverage.level, LEVEL_OFF);
    assert_int_equal(s->gates.coverage.n_categories, 0);
    assert_int_equal(s->gates.quality.level, LEVEL_WARN);
    assert_true(s->gates.quality.human_length.target.lo == 10);
    assert_true(s->gates.quality.human_length.target.hi == 2000);
    assert_true(s->gates.quality.human_length.acceptable.lo == 1);
    assert_true(s->gates.quality.human_length.acceptable.hi == 8000);
    assert_true(s->gates.quality.assistant_length.target.lo == 20);
    assert_true(s->gates.quality.assistant_length.target.hi == 4000);
    assert_true(s->gates.quality.assistant_length.acceptable.hi == 16000);
    assert_true(s->gates.quality.unique_messages.target == 95);
    assert_true(s->gates.quality.unique_messages.acceptable == 90);
    assert_true(s->gates.quality.turn_variance.target == 4.0);
    assert_true(s->gates.quality.turn_variance.acceptable == 16.0);
    assert_int_equal(s->gates.duplicates.exact, LEVEL_BLOCK);
    assert_int_equal(s->gates.duplicates.near, LEVEL_WARN);
    assert_true(s->gates.duplicates.threshold == 0.8);
    assert_int_equal(s->gates.leakage.level, LEVEL_BLOCK);
    assert_true(s->gates.leakage.near_threshold == 0.9);
    assert_int_equal(s->gates.pii.level, LEVEL_BLOCK);
    assert_int_equal(s->gates.pii.detect, PII_EMAIL | PII_PHONE | PII_CREDIT_CARD | PII_IPV4 |
                                              PII_IPV6 | PII_API_KEY);
    assert_int_equal(s->gates.reproducibility.level, LEVEL_WARN);
    assert_int_equal(s->gates.reproducibility.require, 0x1f);
    assert_int_equal(s->gates.splits.level, LEVEL_BLOCK);
    assert_int_equal(s->gates.splits.n_rules, 0);
    assert_int_equal(s->gates.regression.level, LEVEL_BLOCK);
    assert_int_equal(s->gates.regression.coverage_drop, LEVEL_BLOCK);
    assert_true(s->gates.regression.max_removed == 0.05);
    assert_int_equal(s->gates.regression.metric_drift, LEVEL_WARN);
    spec_free(s);

    /* Empty values mean "the default", like an omitted key. */
    s = load_ok(MIN "  card:\nversioning:\ngates:\n  pii: ~\n  quality:\n    turn_variance:\n");
    assert_null(s->dataset.card);
    assert_string_equal(s->versioning.tag_prefix, "v");
    assert_int_equal(s->gates.pii.level, LEVEL_BLOCK);
    assert_int_equal(s->gates.pii.loc.line, 8);
    spec_free(s);
}

static void test_spec__reads_lists_sizes_and_roles(void **state)
{
    (void)state;
    struct spec *s = load_ok(
        "dsci: 1\n"
        "dataset:\n"
        "  files:\n"
        "    train: [data/a/*.jsonl, data/b.jsonl]\n"
        "  language: en\n"
        "  task_categories: [text-generation, question-answering]\n"
        "  max_line_bytes: 512KiB\n"
        "  id_field: uid\n"
        "  pretty_name: Task API\n"
        "gates:\n"
        "  format:\n"
        "    roles: {human: user, assistant: bot}\n"
        "    allow_system: no\n"
        "    ends_with_reply: off\n"
        "  pii: {detect: ipv6, allow: [a@example.com, 127.0.0.1]}\n"
        "  reproducibility: {require: []}\n"
        "  duplicates: {shingle: 3, permutations: 256}\n");
    assert_int_equal(s->dataset.splits[0].n_patterns, 2);
    assert_string_equal(s->dataset.splits[0].patterns[0], "data/a/*.jsonl");
    assert_string_equal(s->dataset.splits[0].patterns[1], "data/b.jsonl");
    assert_int_equal(s->dataset.n_language, 1);
    assert_string_equal(s->dataset.language[0], "en");
    assert_int_equal(s->dataset.n_task_categories, 2);
    assert_string_equal(s->dataset.task_categories[1], "question-answering");
    assert_int_equal(s->dataset.max_line_bytes, 512 * 1024);
    assert_string_equal(s->dataset.id_field, "uid");
    assert_string_equal(s->dataset.pretty_name, "Task API");
    assert_string_equal(s->gates.format.role_human, "user");
    assert_string_equal(s->gates.format.role_assistant, "bot");
    assert_string_equal(s->gates.format.role_system, "system");
    assert_false(s->gates.format.allow_system);
    assert_false(s->gates.format.ends_with_reply);
    assert_int_equal(s->gates.pii.detect, PII_IPV6);
    assert_int_equal(s->gates.pii.n_allow, 2);
    /* each entry's own place, for errors about one regex */
    assert_non_null(s->gates.pii.allow_loc);
    assert_int_equal(s->gates.pii.allow_loc[1].line, s->gates.pii.allow_loc[0].line);
    assert_true(s->gates.pii.allow_loc[1].column > s->gates.pii.allow_loc[0].column);
    assert_int_equal(s->gates.reproducibility.require, 0);
    assert_int_equal(s->gates.duplicates.shingle, 3);
    assert_int_equal(s->gates.duplicates.permutations, 256);
    spec_free(s);

    static const struct { const char *text; size_t bytes; } sizes[] = {
        { "1048576", 1048576 }, { "64MiB", (size_t)64 << 20 }, { "1GiB", (size_t)1 << 30 },
        { "\"2 MiB\"", (size_t)2 << 20 }, { "10KB", 10000 }, { "100B", 100 }, { "3mib", (size_t)3 << 20 },
    };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        char *yaml = xasprintf(MIN "  max_line_bytes: %s\n", sizes[i].text);
        s = load_ok(yaml);
        assert_int_equal(s->dataset.max_line_bytes, sizes[i].bytes);
        spec_free(s);
        free(yaml);
    }
    EXPECT_ERROR(MIN "  max_line_bytes: 64 megs\n",
                 PATH ":5:19: dataset.max_line_bytes: expected a positive size such as 67108864 or '64MiB', got '64 megs'");
    EXPECT_ERROR(MIN "  max_line_bytes: 0\n",
                 PATH ":5:19: dataset.max_line_bytes: expected a positive size such as 67108864 or '64MiB', got '0'");
    EXPECT_ERROR(MIN "  max_line_bytes: 99999999999GiB\n",
                 PATH ":5:19: dataset.max_line_bytes: expected a positive size such as 67108864 or '64MiB', got '99999999999GiB'");
}

static void test_spec__dataset_files_errors(void **state)
{
    (void)state;
    EXPECT_ERROR("dsci: 1\ndataset:\n  name: x\n",
                 PATH ":2:1: missing required key 'dataset.files'");
    EXPECT_ERROR("dsci: 1\ndataset:\n  files: {}\n",
                 PATH ":3:10: dataset.files: needs at least one split, such as 'train: data/train.jsonl'");
    EXPECT_ERROR("dsci: 1\ndataset:\n  files: [a.jsonl]\n",
                 PATH ":3:10: dataset.files: expected a mapping, got a list");
    EXPECT_ERROR("dsci: 1\ndataset:\n  files:\n    train: []\n",
                 PATH ":4:12: dataset.files.train: needs at least one path");
    EXPECT_ERROR("dsci: 1\ndataset:\n  files:\n    train: /etc/passwd\n",
                 PATH ":4:12: dataset.files.train: paths are relative to the dataset root, got '/etc/passwd'");
    EXPECT_ERROR("dsci: 1\ndataset:\n  files:\n    train:\n",
                 PATH ":4:11: dataset.files.train: expected a path, a glob or a list of them, got nothing");
    EXPECT_ERROR("dsci: 1\nversioning: {tag_prefix: v}\n",
                 PATH ":1:1: missing required key 'dataset' (with 'files': split -> path)");
}

/* ---- messages ------------------------------------------------------------------ */

static void test_spec__rejects_unknown_key(void **state)
{
    (void)state;
    EXPECT_ERROR(MIN "gates:\n  duplicates:\n    level: warn\n    treshold: 0.8\n",
                 PATH ":8:5: unknown key 'treshold' in gates.duplicates (did you mean 'threshold'?)");
    EXPECT_ERROR(MIN "gates:\n  quality:\n    human_lenght: {target: [1, 2]}\n",
                 PATH ":7:5: unknown key 'human_lenght' in gates.quality (did you mean 'human_length'?)");
    EXPECT_ERROR(MIN "gates:\n  coverage:\n    categories:\n      - {name: A, keyword: [a]}\n",
                 PATH ":8:19: unknown key 'keyword' in gates.coverage.categories[0] (did you mean 'keywords'?)");
    /* Nothing close: no hint. */
    EXPECT_ERROR(MIN "gates:\n  toxicity: block\n",
                 PATH ":6:3: unknown key 'toxicity' in gates");
}

static void test_spec__rejects_unknown_top_level_key(void **state)
{
    (void)state;
    EXPECT_ERROR("dsci: 1\ndatset:\n  files: {train: a.jsonl}\n",
                 PATH ":2:1: unknown key 'datset' at the top level (did you mean 'dataset'?)");
}

static void test_spec__rejects_wrong_types(void **state)
{
    (void)state;
    EXPECT_ERROR(MIN "gates:\n  coverage:\n    categories:\n"
                 "      - {name: A, keywords: [a]}\n"
                 "      - {name: B, keywords: [b]}\n"
                 "      - {name: C, min: ten, keywords: [c]}\n",
                 PATH ":10:24: gates.coverage.categories[2].min: expected a non-negative integer, got 'ten'");
    EXPECT_ERROR(MIN "gates:\n  coverage:\n    categories: {name: A}\n",
                 PATH ":7:17: gates.coverage.categories: expected a list of categories, got a mapping");
    EXPECT_ERROR(MIN "gates:\n  duplicates: {threshold: high}\n",
                 PATH ":6:27: gates.duplicates.threshold: expected a number from 0 to 1, got 'high'");
    EXPECT_ERROR(MIN "gates:\n  duplicates: {threshold: 1.5}\n",
                 PATH ":6:27: gates.duplicates.threshold: expected a number from 0 to 1, got '1.5'");
    EXPECT_ERROR(MIN "gates:\n  duplicates: {threshold: .nan}\n",
                 PATH ":6:27: gates.duplicates.threshold: expected a number from 0 to 1, got '.nan'");
    EXPECT_ERROR(MIN "gates:\n  duplicates: {permutations: 0}\n",
                 PATH ":6:30: gates.duplicates.permutations: expected an integer from 1 to 1024, got '0'");
    EXPECT_ERROR(MIN "gates:\n  splits:\n    train: {min: -3}\n",
                 PATH ":7:18: gates.splits.train.min: expected a non-negative integer, got '-3'");
    EXPECT_ERROR(MIN "gates:\n  format: {allow_system: maybe}\n",
                 PATH ":6:26: gates.format.allow_system: expected true or false, got 'maybe'");
    EXPECT_ERROR(MIN "  name: [a, b]\n",
                 PATH ":5:9: dataset.name: expected a string, got a list");
    EXPECT_ERROR(MIN "  language: [en, {x: 1}]\n",
                 PATH ":5:18: dataset.language[1]: expected a string, got a mapping");
    EXPECT_ERROR(MIN "  format: sharegtp\n",
                 PATH ":5:11: dataset.format: expected one of sharegpt, openai, alpaca, preference, completion, text, auto, got 'sharegtp' (did you mean 'sharegpt'?)");
    EXPECT_ERROR(MIN "gates:\n  pii: {detect: [email, phnoe]}\n",
                 PATH ":6:25: gates.pii.detect[1]: expected one of email, phone, credit_card, ipv4, ipv6, api_key, got 'phnoe' (did you mean 'phone'?)");
    EXPECT_ERROR(MIN "gates:\n  reproducibility: {require: [seed]}\n",
                 PATH ":6:31: gates.reproducibility.require[0]: expected one of version, checksums, random_seed, model, card, got 'seed'");
    EXPECT_ERROR(MIN "gates: [format]\n",
                 PATH ":5:8: gates: expected a mapping, got a list");
    EXPECT_ERROR("- dsci: 1\n",
                 PATH ":1:1: expected a mapping at the top level, got a list");
    EXPECT_ERROR(MIN "gates:\n  coverage:\n    categories:\n      - {min: 3, keywords: [a]}\n",
                 PATH ":8:9: missing required key 'gates.coverage.categories[0].name'");
    EXPECT_ERROR(MIN "versioning: {tag_prefix: 'data v'}\n",
                 PATH ":5:26: versioning.tag_prefix: 'data v' cannot start a git tag name");
}

static void test_spec__rejects_bad_percent(void **state)
{
    (void)state;
    EXPECT_ERROR(MIN "gates:\n  quality:\n    unique_messages: {target: abc%}\n",
                 PATH ":7:31: gates.quality.unique_messages.target: expected a percentage from 0% to 100% such as '95%', got 'abc%'");
    EXPECT_ERROR(MIN "gates:\n  quality:\n    unique_messages: {target: -5%}\n",
                 PATH ":7:31: gates.quality.unique_messages.target: expected a percentage from 0% to 100% such as '95%', got '-5%'");
    EXPECT_ERROR(MIN "gates:\n  quality:\n    unique_messages: {target: 101%}\n",
                 PATH ":7:31: gates.quality.unique_messages.target: expected a percentage from 0% to 100% such as '95%', got '101%'");
    EXPECT_ERROR(MIN "gates:\n  quality:\n    unique_messages: {target: 150}\n",
                 PATH ":7:31: gates.quality.unique_messages.target: expected a percentage from 0% to 100% such as '95%', got '150'");
    EXPECT_ERROR(MIN "gates:\n  quality:\n    unique_messages: {target: 0.95}\n",
                 PATH ":7:31: gates.quality.unique_messages.target: '0.95' is ambiguous: plain numbers here are percents; write '95%' or '0.95%'");
    EXPECT_ERROR(MIN "gates:\n  regression: {max_removed: 7}\n",
                 PATH ":6:29: gates.regression.max_removed: expected a fraction from 0 to 1 or a percentage such as '5%', got '7'");
    EXPECT_ERROR(MIN "gates:\n  regression: {max_removed: 5%%}\n",
                 PATH ":6:29: gates.regression.max_removed: expected a percentage from 0% to 100% such as '5%', got '5%%'");
}

static void test_spec__accepts_percent_forms(void **state)
{
    (void)state;
    struct spec *s = load_ok(MIN "gates:\n  quality:\n    unique_messages: {target: 95.5%, acceptable: 90}\n"
                             "  regression: {max_removed: 0.1}\n");
    assert_true(s->gates.quality.unique_messages.target == 95.5);
    assert_true(s->gates.quality.unique_messages.acceptable == 90);
    assert_true(s->gates.regression.max_removed == 0.1);
    spec_free(s);

    s = load_ok(MIN "gates:\n  quality:\n    unique_messages: {target: \"100%\", acceptable: 0%}\n"
                "  regression: {max_removed: 12.5%}\n");
    assert_true(s->gates.quality.unique_messages.target == 100);
    assert_true(s->gates.quality.unique_messages.acceptable == 0);
    assert_true(s->gates.regression.max_removed == 0.125);
    spec_free(s);
}

static void test_spec__rejects_bad_level(void **state)
{
    (void)state;
    EXPECT_ERROR(MIN "gates:\n  leakage: {level: blocking}\n",
                 PATH ":6:20: gates.leakage.level: expected one of block, warn, off, got 'blocking' (did you mean 'block'?)");
    EXPECT_ERROR(MIN "gates:\n  pii: warning\n",
                 PATH ":6:8: gates.pii: expected one of block, warn, off, got 'warning' (did you mean 'warn'?)");
    EXPECT_ERROR(MIN "gates:\n  duplicates: {exact: fatal}\n",
                 PATH ":6:23: gates.duplicates.exact: expected one of block, warn, off, got 'fatal'");
    EXPECT_ERROR(MIN "gates:\n  pii: [block]\n",
                 PATH ":6:8: gates.pii: expected a level (block, warn, off) or a mapping, got a list");
}

static void test_spec__accepts_level_shorthand(void **state)
{
    (void)state;
    struct spec *s = load_ok(MIN "gates:\n  format: warn\n  quality: block\n  leakage: off\n"
                             "  pii: off\n  reproducibility: block\n  splits: warn\n  coverage: off\n");
    assert_int_equal(s->gates.format.level, LEVEL_WARN);
    assert_int_equal(s->gates.format.loc.line, 6);
    assert_int_equal(s->gates.quality.level, LEVEL_BLOCK);
    assert_int_equal(s->gates.leakage.level, LEVEL_OFF);
    assert_int_equal(s->gates.pii.level, LEVEL_OFF);
    assert_int_equal(s->gates.reproducibility.level, LEVEL_BLOCK);
    assert_int_equal(s->gates.splits.level, LEVEL_WARN);
    assert_int_equal(s->gates.coverage.level, LEVEL_OFF);
    spec_free(s);

    /* A coverage gate that is on needs something to check. */
    EXPECT_ERROR(MIN "gates:\n  coverage: block\n",
                 PATH ":6:3: gates.coverage: level block needs at least one category");
}

/* `level` stands for the checks nobody set: duplicates sets them, regression caps them. */
static void test_spec__sub_levels_follow_level(void **state)
{
    (void)state;
    static const struct {
        const char *gate;
        enum gate_level level, a, b;   /* duplicates: exact, near; regression: coverage_drop, metric_drift */
    } cases[] = {
        { "duplicates: {level: off}", LEVEL_BLOCK, LEVEL_OFF, LEVEL_OFF },
        { "duplicates: {near: block, level: warn}", LEVEL_BLOCK, LEVEL_WARN, LEVEL_BLOCK },
        { "duplicates: block", LEVEL_BLOCK, LEVEL_BLOCK, LEVEL_BLOCK },
        { "duplicates: {near: off}", LEVEL_BLOCK, LEVEL_BLOCK, LEVEL_OFF },
        { "regression: warn", LEVEL_WARN, LEVEL_WARN, LEVEL_WARN },
        { "regression: {level: off, metric_drift: block}", LEVEL_OFF, LEVEL_OFF, LEVEL_BLOCK },
        { "regression: {coverage_drop: warn}", LEVEL_BLOCK, LEVEL_WARN, LEVEL_WARN },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *yaml = xasprintf(MIN "gates:\n  %s\n", cases[i].gate);
        struct spec *s = load_ok(yaml);
        bool dup = !strncmp(cases[i].gate, "duplicates", 10);
        if (dup) {
            assert_int_equal(s->gates.duplicates.exact, cases[i].a);
            assert_int_equal(s->gates.duplicates.near, cases[i].b);
        } else {
            assert_int_equal(s->gates.regression.level, cases[i].level);
            assert_int_equal(s->gates.regression.coverage_drop, cases[i].a);
            assert_int_equal(s->gates.regression.metric_drift, cases[i].b);
        }
        spec_free(s);
        free(yaml);
    }
}

static void test_spec__coverage_cross_checks(void **state)
{
    (void)state;
    struct spec *s = load_ok(MIN "gates:\n  coverage:\n    by: field\n    field: meta.op\n"
                             "    categories: [{name: A, min: 2}, {name: B}]\n");
    assert_int_equal(s->gates.coverage.level, LEVEL_BLOCK);
    assert_int_equal(s->gates.coverage.by, COVERAGE_FIELD);
    assert_string_equal(s->gates.coverage.field, "meta.op");
    assert_int_equal(s->gates.coverage.categories[1].min, 0);
    spec_free(s);

    s = load_ok(MIN "gates:\n  coverage:\n    level: warn\n    categories: [{name: A, keywords: x}]\n");
    assert_int_equal(s->gates.coverage.level, LEVEL_WARN);
    assert_string_equal(s->gates.coverage.categories[0].keywords[0], "x");
    spec_free(s);

    EXPECT_ERROR(MIN "gates:\n  coverage:\n    by: field\n    categories: [{name: A}]\n",
                 PATH ":6:3: missing required key 'gates.coverage.field' (by: field names the field that holds the category)");
    EXPECT_ERROR(MIN "gates:\n  coverage:\n    categories:\n      - {name: A, keywords: [a]}\n      - {name: B}\n",
                 PATH ":9:9: gates.coverage.categories[1]: category 'B' needs keywords (by: keywords)");
    EXPECT_ERROR(MIN "gates:\n  coverage:\n    categories:\n      - {name: A, keywords: [a]}\n      - {name: A, keywords: [b]}\n",
                 PATH ":9:16: gates.coverage.categories[1].name: duplicate category 'A' (first at line 8)");
    EXPECT_ERROR(MIN "gates:\n  coverage:\n    categories:\n      - {name: A, keywords: [a, '']}\n",
                 PATH ":8:33: gates.coverage.categories[0].keywords[1]: must not be empty");
}

static void test_spec__rejects_newer_format(void **state)
{
    (void)state;
    EXPECT_ERROR("dsci: 2\ndataset: {files: {train: a}}\nfuture_key: 1\n",
                 PATH ":1:7: spec format 2 is newer than this dsci supports (1); upgrade dsci");
    EXPECT_ERROR("dsci: 0\n", PATH ":1:7: dsci: spec format 0 does not exist; use 'dsci: 1'");
    EXPECT_ERROR("dsci: one\n", PATH ":1:7: dsci: expected the spec format version 1, got 'one'");
    EXPECT_ERROR("dataset: {files: {train: a}}\n",
                 PATH ":1:1: missing required key 'dsci' (the spec format version: 'dsci: 1')");
    EXPECT_ERROR("", PATH ": the spec is empty; it needs 'dsci: 1' and a 'dataset' with 'files'");
    EXPECT_ERROR("# just a comment\n",
                 PATH ": the spec is empty; it needs 'dsci: 1' and a 'dataset' with 'files'");
}

static void test_spec__rejects_unknown_split_rule(void **state)
{
    (void)state;
    EXPECT_ERROR(MIN "gates:\n  splits:\n    trian: {ratio: 0.8}\n",
                 PATH ":7:5: split 'trian' is not in dataset.files (did you mean 'train'?)");
    EXPECT_ERROR(MIN "gates:\n  splits:\n    tolerence: 0.1\n",
                 PATH ":7:16: gates.splits.tolerence: expected a mapping such as {ratio: 0.8, min: 100}, got '0.1'");
    /* gates before dataset: the rule is checked once everything is read. */
    EXPECT_ERROR("dsci: 1\ngates:\n  splits: {holdout: {min: 1}}\ndataset: {files: {train: a}}\n",
                 PATH ":3:12: split 'holdout' is not in dataset.files");
    EXPECT_ERROR(MIN "gates:\n  splits: {train: {ratio: 1.2}}\n",
                 PATH ":6:27: gates.splits.train.ratio: expected a number from 0 to 1, got '1.2'");

    struct spec *s = load_ok("dsci: 1\ngates:\n  splits: {tolerance: 0.1, train: {min: 3}}\n"
                             "dataset: {files: {train: a}}\n");
    assert_true(s->gates.splits.tolerance == 0.1);
    assert_int_equal(s->gates.splits.n_rules, 1);
    assert_false(s->gates.splits.rules[0].has_ratio);
    assert_int_equal(s->gates.splits.rules[0].min, 3);
    spec_free(s);
}

static void test_spec__rejects_bad_bands(void **state)
{
    (void)state;
    EXPECT_ERROR(MIN "gates:\n  quality:\n    human_length: {target: [80, 30]}\n",
                 PATH ":7:28: gates.quality.human_length.target: low end 80 is above high end 30");
    EXPECT_ERROR(MIN "gates:\n  quality:\n    human_length: {target: [10, 50], acceptable: [20, 100]}\n",
                 PATH ":7:5: gates.quality.human_length: target [10, 50] must lie inside acceptable [20, 100]");
    EXPECT_ERROR(MIN "gates:\n  quality:\n    assistant_length: {acceptable: [50, 300]}\n",
                 PATH ":7:5: gates.quality.assistant_length: target [20, 4000] (the default) must lie inside acceptable [50, 300]; set target too");
}

static void test_spec__rejects_bad_limits(void **state)
{
    (void)state;
    EXPECT_ERROR(MIN "gates:\n  quality:\n    human_length: {target: [10, 50, 90]}\n",
                 PATH ":7:28: gates.quality.human_length.target: expected a list [low, high], got a list");
    EXPECT_ERROR(MIN "gates:\n  quality:\n    human_length: {target: [ten, 50]}\n",
                 PATH ":7:29: gates.quality.human_length.target[0]: expected a non-negative number, got 'ten'");
    EXPECT_ERROR(MIN "gates:\n  quality:\n    unique_messages: {target: 80%}\n",
                 PATH ":7:5: gates.quality.unique_messages: acceptable 90% (the default) must not be above target 80% (higher is better here); set acceptable too");
    EXPECT_ERROR(MIN "gates:\n  quality:\n    turn_variance: {target: 5, acceptable: 2}\n",
                 PATH ":7:5: gates.quality.turn_variance: acceptable 2 must not be below target 5 (lower is better here)");
    EXPECT_ERROR(MIN "gates:\n  quality:\n    turn_variance: {target: -1}\n",
                 PATH ":7:29: gates.quality.turn_variance.target: expected a non-negative number, got '-1'");
}

/* ---- hostile YAML -------------------------------------------------------------- */

static void test_spec__refuses_aliases(void **state)
{
    (void)state;
    static const char laughs[] =
        "dsci: 1\n"
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
        "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
        "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
        "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
        "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
    EXPECT_ERROR(laughs, PATH ":2:4: YAML anchors and aliases are not supported in dsci specs");
    EXPECT_ERROR(MIN "gates:\n  pii: *level\n",
                 PATH ":6:8: YAML aliases are not supported in dsci specs");
    EXPECT_ERROR(MIN "gates: &g\n  pii: off\n",
                 PATH ":5:8: YAML anchors and aliases are not supported in dsci specs");
}

static void test_spec__rejects_duplicate_keys(void **state)
{
    (void)state;
    EXPECT_ERROR(MIN "gates:\n  duplicates:\n    threshold: 0.8\n    threshold: 0.9\n",
                 PATH ":8:5: duplicate key 'threshold' in gates.duplicates (first at line 7)");
    EXPECT_ERROR(MIN "dsci: 1\n", PATH ":5:1: duplicate top-level key 'dsci' (first at line 1)");
    EXPECT_ERROR("dsci: 1\ndataset:\n  files: {train: a, test: b, train: c}\n",
                 PATH ":3:30: duplicate key 'train' in dataset.files (first at line 3)");
    EXPECT_ERROR(MIN "gates:\n  splits: {train: {min: 1}, train: {min: 2}}\n",
                 PATH ":6:29: duplicate key 'train' in gates.splits (first at line 6)");
    EXPECT_ERROR(MIN "? [a, b]\n: c\n", PATH ":5:3: keys must be strings, got a list");
}

static void test_spec__rejects_syntax_errors(void **state)
{
    (void)state;
    EXPECT_ERROR("dsci: 1\ndataset: [a, b\n",
                 PATH ":3:1: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at 2:10)");
    EXPECT_ERROR("dsci: 1\n gates: 2\n",
                 PATH ":2:7: invalid YAML: mapping values are not allowed in this context");
    expect_error("dsci: 1\nx: a\0b\n", 14,
                 PATH ":2:5: invalid YAML: control characters are not allowed (character 0x00)");
    EXPECT_ERROR("dsci: 1\nx: caf\xc3\xa9 \xff\n",
                 PATH ":2:9: invalid YAML: invalid leading UTF-8 octet (byte 0xFF)");
    EXPECT_ERROR("dsci: 1\nx: \"a\\0b\"\n", PATH ":2:4: a NUL character is not allowed in a spec");
    EXPECT_ERROR(MIN "---\ndsci: 1\n", PATH ":5:1: a spec is one YAML document; found a second one");
}

static void test_spec__rejects_tags(void **state)
{
    (void)state;
    EXPECT_ERROR(MIN "  name: !!python/object:os.system x\n",
                 PATH ":5:9: YAML tag 'tag:yaml.org,2002:python/object:os.system' is not supported in dsci specs");
    EXPECT_ERROR(MIN "  name: !custom x\n", PATH ":5:9: YAML tag '!custom' is not supported in dsci specs");
    struct spec *s = load_ok(MIN "  name: !!str 123\n  license: ! mit\n");
    assert_string_equal(s->dataset.name, "123");
    assert_string_equal(s->dataset.license, "mit");
    spec_free(s);
}

static void test_spec__caps_depth_and_size(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    char *dir, *path;
    struct spec *s = NULL;

    buf_addstr(&b, "dsci: 1\nx: ");
    for (int i = 0; i < 100; i++)
        buf_addch(&b, '[');
    EXPECT_ERROR(buf_cstr(&b), PATH ":2:67: spec nests deeper than 64 levels");
    buf_reset(&b);

    /* Many small nodes, well under the byte cap. */
    buf_addstr(&b, "dsci: 1\nx: [");
    for (int i = 0; i < 100001; i++)
        buf_addstr(&b, "1,");
    buf_addstr(&b, "1]\n");
    struct spec *none = NULL;
    assert_int_equal(spec_load_buffer(&none, PATH, b.ptr, b.len), DSCI_EUSAGE);
    assert_non_null(strstr(err_last(), "spec has more than 100000 YAML nodes"));
    buf_reset(&b);

    /* Over 1 MiB, from memory and from a file. */
    buf_addstr(&b, MIN);
    while (b.len <= (1u << 20))
        buf_addstr(&b, "# padding padding padding padding padding padding padding padding\n");
    expect_error(b.ptr, b.len, PATH ": spec is larger than 1 MiB; a dsci spec is a small YAML file");
    dir = make_tmpdir();
    write_file(dir, "big.yaml", b.ptr, b.len);
    path = xasprintf("%s/big.yaml", dir);
    assert_int_equal(spec_load(&s, path), DSCI_EUSAGE);
    assert_null(s);
    char *want = xasprintf("%s: spec is larger than 1 MiB; a dsci spec is a small YAML file", path);
    assert_string_equal(err_last(), want);
    free(want);
    free(path);
    remove_tree(dir);
    buf_release(&b);
}

static void test_spec__load_reports_missing_file(void **state)
{
    (void)state;
    struct spec *s = NULL;
    assert_int_equal(spec_load(&s, "/nonexistent/specs/task.yaml"), DSCI_EUSAGE);
    assert_string_equal(err_last(), "/nonexistent/specs/task.yaml: no such file");
    assert_int_equal(spec_load(&s, "/tmp"), DSCI_EUSAGE);
    assert_string_equal(err_last(), "/tmp: is a directory, not a spec file");
    assert_null(s);
    spec_free(NULL);
}

/* ---- root and spec_find -------------------------------------------------------- */

static void test_spec__computes_root(void **state)
{
    (void)state;
    static const struct { const char *path, *root; } cases[] = {
        { "specs/task.yaml", "." },
        { "./specs/task.yaml", "." },
        { "specs//task.yaml", "." },
        { "a/b/specs/task.yaml", "a/b" },
        { "datasets/x/specs/x.yml", "datasets/x" },
        { "other/task.yaml", "other" },
        { "task.yaml", "." },
        { "my-specs/task.yaml", "my-specs" },
        { "/abs/specs/task.yaml", "/abs" },
        { "/specs/task.yaml", "/" },
        { "/abs/conf/task.yaml", "/abs/conf" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct spec *s = NULL;
        assert_int_equal(spec_load_buffer(&s, cases[i].path, MIN, strlen(MIN)), 0);
        assert_string_equal(s->path, cases[i].path);
        assert_string_equal(s->root, cases[i].root);
        spec_free(s);
    }
}

static void test_spec__find_none(void **state)
{
    (void)state;
    char *dir = make_tmpdir(), *out = NULL;

    assert_int_equal(spec_find(&out, dir), DSCI_EUSAGE);
    char *want = xasprintf("no spec found: put a spec with a 'dsci:' key in %s/specs/, or pass --spec PATH", dir);
    assert_string_equal(err_last(), want);
    free(want);

    make_dir(dir, "specs");
    write_file(dir, "specs/other.yaml", "name: not a spec\n", 17);
    write_file(dir, "specs/notes.txt", "dsci: 1\n", 8);
    assert_int_equal(spec_find(&out, dir), DSCI_EUSAGE);
    assert_null(out);
    remove_tree(dir);
}

static void test_spec__find_one(void **state)
{
    (void)state;
    char *dir = make_tmpdir(), *out = NULL, *cwd = getcwd(NULL, 0);

    make_dir(dir, "specs");
    write_file(dir, "specs/task.yaml", seed, strlen(seed));
    write_file(dir, "specs/other.yaml", "dsci_like: 1\n", 13);
    write_file(dir, "specs/.hidden.yaml", "dsci: 1\n", 8);
    assert_int_equal(spec_find(&out, dir), 0);
    char *want = xasprintf("%s/specs/task.yaml", dir);
    assert_string_equal(out, want);
    free(want);
    free(out);

    /* From the dataset root itself: a short relative path. */
    assert_int_equal(chdir(dir), 0);
    assert_int_equal(spec_find(&out, "."), 0);
    assert_string_equal(out, "specs/task.yaml");
    free(out);
    assert_int_equal(chdir(cwd), 0);
    free(cwd);
    remove_tree(dir);
}

static void test_spec__find_several(void **state)
{
    (void)state;
    char *dir = make_tmpdir(), *out = NULL, *cwd = getcwd(NULL, 0);

    make_dir(dir, "specs");
    write_file(dir, "specs/b.yml", MIN, strlen(MIN));
    write_file(dir, "specs/a.yaml", MIN, strlen(MIN));
    /* Broken YAML still counts when a line starts with dsci:, so its error is not hidden. */
    write_file(dir, "specs/c.yaml", "dsci: 1\ndataset: [\n", 20);
    assert_int_equal(chdir(dir), 0);
    assert_int_equal(spec_find(&out, "."), DSCI_EUSAGE);
    assert_string_equal(err_last(), "several specs in specs/: a.yaml, b.yml, c.yaml; choose one with --spec");
    assert_null(out);
    assert_int_equal(chdir(cwd), 0);
    free(cwd);
    remove_tree(dir);
}

/* The root as a prefix of the path, and the spec's path below it: what the baseline
 * reader (repository-relative paths) and the work tree share. */
static void test_spec__root_len_and_path_in_root(void **state)
{
    (void)state;
    static const struct { const char *path, *root, *in_root; } cases[] = {
        { "specs/task.yaml", "", "specs/task.yaml" },
        { "task.yaml", "", "task.yaml" },
        { "sub/task.yaml", "sub", "task.yaml" },
        { "a/b/specs/task.yaml", "a/b", "specs/task.yaml" },
        { "a/specs-old/task.yaml", "a/specs-old", "task.yaml" },
        { "a/myspecs/task.yaml", "a/myspecs", "task.yaml" },
        { "./specs/task.yaml", ".", "specs/task.yaml" },
        { "/specs/task.yaml", "/", "specs/task.yaml" },
        { "/abs/specs/task.yaml", "/abs", "specs/task.yaml" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *path = cases[i].path;
        size_t len = spec_root_len(path);
        char *root = spec_root_of(path);
        assert_int_equal(len, strlen(cases[i].root));
        assert_memory_equal(path, cases[i].root, len);
        assert_string_equal(root, len ? cases[i].root : ".");
        assert_string_equal(spec_path_in_root(path), cases[i].in_root);
        free(root);
    }
}

/* One rule, two strengths: discovery parses, the hook reads lines. */
static void test_spec__sniff_strengths(void **state)
{
    (void)state;
    char *dir = make_tmpdir();
    static const struct { const char *name, *text; int parse, lines; } cases[] = {
        { "plain.yaml", "dsci: 1\ndataset: {}\n", 1, 1 },
        { "flow.yaml", "{dsci: 1}\n", 1, 0 },
        { "quoted.yaml", "\"dsci\": 1\n", 1, 0 },
        { "broken.yaml", "dsci: 1\ndataset: [\n", 1, 1 },
        { "nested.yaml", "x:\n  dsci: 1\n", 0, 0 },
        { "other.yaml", "name: not a spec\n", 0, 0 },
        { "empty.yaml", "", 0, 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        write_file(dir, cases[i].name, cases[i].text, strlen(cases[i].text));
        char *path = xasprintf("%s/%s", dir, cases[i].name);
        assert_int_equal(spec_sniff(path, SPEC_SNIFF_PARSE), cases[i].parse);
        assert_int_equal(spec_sniff(path, SPEC_SNIFF_LINES), cases[i].lines);
        free(path);
    }

    /* Over 1 MiB: discovery still sees the dsci: line (spec_load then says it is too
     * large); the hook does not take it for a spec. */
    struct buf big = BUF_INIT;
    buf_addstr(&big, "dsci: 1\n");
    while (big.len <= ((size_t)1 << 20))
        buf_addstr(&big, "# padding padding padding padding padding padding padding padding\n");
    write_file(dir, "big.yaml", big.ptr, big.len);
    buf_release(&big);
    char *path = xasprintf("%s/big.yaml", dir);
    assert_int_equal(spec_sniff(path, SPEC_SNIFF_PARSE), 1);
    assert_int_equal(spec_sniff(path, SPEC_SNIFF_LINES), 0);
    free(path);

    /* A missing file is no spec, in either strength, and leaves no error behind. */
    path = xasprintf("%s/missing.yaml", dir);
    assert_int_equal(spec_sniff(path, SPEC_SNIFF_PARSE), 0);
    assert_int_equal(spec_sniff(path, SPEC_SNIFF_LINES), 0);
    assert_string_equal(err_last(), "");
    free(path);
    remove_tree(dir);
}

static void test_spec__list(void **state)
{
    (void)state;
    char *dir = make_tmpdir(), *specs = xasprintf("%s/specs", dir);
    char **names = NULL;
    size_t n = 99;

    assert_int_equal(spec_list(&names, &n, specs, SPEC_SNIFF_PARSE), 0);   /* no folder */
    assert_null(names);
    assert_int_equal(n, 0);

    make_dir(dir, "specs");
    make_dir(dir, "specs/folder.yaml");
    write_file(dir, "specs/b.yml", MIN, strlen(MIN));
    write_file(dir, "specs/a.yaml", MIN, strlen(MIN));
    write_file(dir, "specs/.hidden.yaml", MIN, strlen(MIN));
    write_file(dir, "specs/notes.txt", MIN, strlen(MIN));
    write_file(dir, "specs/flow.yaml", "{dsci: 1}\n", 10);
    assert_int_equal(spec_list(&names, &n, specs, SPEC_SNIFF_PARSE), 0);
    assert_int_equal(n, 3);
    assert_string_equal(names[0], "a.yaml");
    assert_string_equal(names[1], "b.yml");
    assert_string_equal(names[2], "flow.yaml");
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);

    assert_int_equal(spec_list(&names, &n, specs, SPEC_SNIFF_LINES), 0);
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "a.yaml");
    assert_string_equal(names[1], "b.yml");
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(specs);
    remove_tree(dir);
}

static void test_spec__lookups_by_name(void **state)
{
    (void)state;
    struct spec *s = load_ok(seed);

    assert_int_equal(spec_split_index(s, "validation"), 1);
    assert_int_equal(spec_split_index(s, "holdout"), SIZE_MAX);
    assert_int_equal(spec_category_named(s, "Delete")->min, 15);
    assert_null(spec_category_named(s, "delete"));
    assert_int_equal(spec_split_rule_named(s, "train")->min, 68);
    assert_null(spec_split_rule_named(s, "holdout"));
    spec_free(s);
}

/* ---- names and suggestions ----------------------------------------------------- */

static void test_spec__names(void **state)
{
    (void)state;
    assert_string_equal(spec_level_name(LEVEL_OFF), "off");
    assert_string_equal(spec_level_name(LEVEL_WARN), "warn");
    assert_string_equal(spec_level_name(LEVEL_BLOCK), "block");
    assert_string_equal(spec_format_name(FORMAT_AUTO), "auto");
    assert_string_equal(spec_format_name(FORMAT_SHAREGPT), "sharegpt");
    assert_string_equal(spec_format_name(FORMAT_OPENAI), "openai");
    assert_string_equal(spec_format_name(FORMAT_ALPACA), "alpaca");
}

static void test_suggest__closest(void **state)
{
    (void)state;
    static const char *const keys[] = { "level", "exact", "near", "threshold", "shingle", "permutations" };

    assert_string_equal(suggest_closest("treshold", keys, 6), "threshold");
    assert_string_equal(suggest_closest("thershold", keys, 6), "threshold");   /* a swap */
    assert_string_equal(suggest_closest("lvel", keys, 6), "level");
    assert_string_equal(suggest_closest("permutation", keys, 6), "permutations");
    assert_null(suggest_closest("toxicity", keys, 6));
    assert_null(suggest_closest("x", NULL, 0));
    assert_int_equal(suggest_distance("abc", "abc"), 0);
    assert_int_equal(suggest_distance("ab", "ba"), 1);
    assert_int_equal(suggest_distance("", "abc"), 3);
    assert_int_equal(suggest_distance("kitten", "sitting"), 3);
}

/* ---- robustness ---------------------------------------------------------------- */

/* Every error, whatever the damage, is a usage error naming the spec file. */
static void check_survives(const char *data, size_t len)
{
    struct spec *s = NULL;
    int r = spec_load_buffer(&s, PATH, data, len);
    if (r == 0) {
        assert_non_null(s);
        spec_free(s);
        return;
    }
    assert_int_equal(r, DSCI_EUSAGE);
    assert_null(s);
    assert_memory_equal(err_last(), PATH ":", strlen(PATH) + 1);
}

static void test_spec__survives_truncation_and_mutation(void **state)
{
    (void)state;
    static const char bytes[] = ":-[]{},&*!|>'\"#%@` \n\t\xff\xc3\0aZ9.";
    size_t len = strlen(seed);
    char *copy = xmalloc(len);
    unsigned long x = 12345;

    for (size_t i = 0; i <= len; i++)
        check_survives(seed, i);
    for (int round = 0; round < 3000; round++) {
        memcpy(copy, seed, len);
        for (int k = 0; k < 3; k++) {
            x = x * 6364136223846793005UL + 1442695040888963407UL;
            copy[(x >> 33) % len] = bytes[(x >> 17) % (sizeof(bytes) - 1)];
        }
        check_survives(copy, len);
    }
    free(copy);
}

static void test_spec__tokens_gate(void **state)
{
    (void)state;
    struct spec *s = load_ok(MIN);
    assert_int_equal(s->gates.tokens.level, LEVEL_OFF);   /* off without a tokenizer */
    assert_int_equal(s->gates.tokens.per_message, 3);
    assert_int_equal(s->gates.tokens.per_example, 3);
    assert_true(s->gates.tokens.price_per_million < 0);
    spec_free(s);

    s = load_ok(MIN "gates:\n  tokens:\n    tokenizer: tok/o200k_base.tiktoken\n    sha256: SHA256:"
                "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855\n    max_tokens: 16385\n"
                "    min_tokens: 2\n    per_message: 4\n    per_example: 0\n    max_total_tokens: 1000000\n"
                "    price_per_million: 25\n");
    assert_int_equal(s->gates.tokens.level, LEVEL_BLOCK);   /* block once a tokenizer is given */
    assert_string_equal(s->gates.tokens.tokenizer, "tok/o200k_base.tiktoken");
    assert_string_equal(s->gates.tokens.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_int_equal(s->gates.tokens.tokenizer_loc.line, 7);
    assert_int_equal(s->gates.tokens.sha256_loc.line, 8);
    assert_int_equal(s->gates.tokens.max_tokens, 16385);
    assert_int_equal(s->gates.tokens.min_tokens, 2);
    assert_int_equal(s->gates.tokens.per_message, 4);
    assert_int_equal(s->gates.tokens.per_example, 0);
    assert_int_equal(s->gates.tokens.max_total_tokens, 1000000);
    assert_true(s->gates.tokens.price_per_million == 25);
    spec_free(s);

    EXPECT_ERROR(MIN "gates:\n  tokens: {level: warn}\n",
                 PATH ":6:3: missing required key 'gates.tokens.tokenizer' (the tokenizer file the counts use, "
                      "relative to the dataset root)");
    EXPECT_ERROR(MIN "gates:\n  tokens: {tokenizer: t.json, sha256: abc}\n",
                 PATH ":6:39: gates.tokens.sha256: expected 64 hex digits (the file's SHA-256, e.g. from "
                      "`sha256sum`), got 'abc'");
    EXPECT_ERROR(MIN "gates:\n  tokens: {tokenizer: /abs/t.json}\n",
                 PATH ":6:23: gates.tokens.tokenizer: paths are relative to the dataset root, got '/abs/t.json'");
    EXPECT_ERROR(MIN "gates:\n  tokens: {tokenizer: t.json, max_tokens: 10, min_tokens: 20}\n",
                 PATH ":6:47: gates.tokens: min_tokens 20 is above max_tokens 10");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec__loads_seed_spec),
        cmocka_unit_test(test_spec__applies_defaults),
        cmocka_unit_test(test_spec__reads_lists_sizes_and_roles),
        cmocka_unit_test(test_spec__dataset_files_errors),
        cmocka_unit_test(test_spec__rejects_unknown_key),
        cmocka_unit_test(test_spec__rejects_unknown_top_level_key),
        cmocka_unit_test(test_spec__rejects_wrong_types),
        cmocka_unit_test(test_spec__rejects_bad_percent),
        cmocka_unit_test(test_spec__accepts_percent_forms),
        cmocka_unit_test(test_spec__rejects_bad_level),
        cmocka_unit_test(test_spec__accepts_level_shorthand),
        cmocka_unit_test(test_spec__sub_levels_follow_level),
        cmocka_unit_test(test_spec__coverage_cross_checks),
        cmocka_unit_test(test_spec__rejects_newer_format),
        cmocka_unit_test(test_spec__rejects_unknown_split_rule),
        cmocka_unit_test(test_spec__rejects_bad_bands),
        cmocka_unit_test(test_spec__rejects_bad_limits),
        cmocka_unit_test(test_spec__refuses_aliases),
        cmocka_unit_test(test_spec__rejects_duplicate_keys),
        cmocka_unit_test(test_spec__rejects_syntax_errors),
        cmocka_unit_test(test_spec__rejects_tags),
        cmocka_unit_test(test_spec__caps_depth_and_size),
        cmocka_unit_test(test_spec__load_reports_missing_file),
        cmocka_unit_test(test_spec__computes_root),
        cmocka_unit_test(test_spec__find_none),
        cmocka_unit_test(test_spec__find_one),
        cmocka_unit_test(test_spec__find_several),
        cmocka_unit_test(test_spec__root_len_and_path_in_root),
        cmocka_unit_test(test_spec__sniff_strengths),
        cmocka_unit_test(test_spec__list),
        cmocka_unit_test(test_spec__lookups_by_name),
        cmocka_unit_test(test_spec__names),
        cmocka_unit_test(test_spec__tokens_gate),
        cmocka_unit_test(test_suggest__closest),
        cmocka_unit_test(test_spec__survives_truncation_and_mutation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
