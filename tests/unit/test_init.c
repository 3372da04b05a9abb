/* dsci init: split names from file names, label fields that make categories, the
 * rounding of bands and ratios, YAML quoting, and whole scans of small folders whose
 * starter spec must load and never overwrite anything. */
#include "test_helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "init/init.h"
#include "spec/spec.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"
#include "util/yaml_emit.h"

/* ---- helpers --------------------------------------------------------------------------- */

static int make_tmp(void **state)
{
    char templ[] = "/tmp/dsci-test-init.XXXXXX";
    assert_non_null(mkdtemp(templ));
    *state = xstrdup(templ);
    return 0;
}

static int remove_tmp(void **state)
{
    char *cmd = xasprintf("rm -rf '%s'", (char *)*state);
    int rc = system(cmd);
    free(cmd);
    free(*state);
    return rc == 0 ? 0 : -1;
}

/* Writes `text` to dir/rel, creating the folders on the way. */
static void put(const char *dir, const char *rel, const char *text)
{
    char *full = xasprintf("%s/%s", dir, rel);
    for (char *p = full + strlen(dir) + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(full, 0777);
            *p = '/';
        }
    FILE *f = fopen(full, "wb");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
    free(full);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_add(&b, chunk, n);
    fclose(f);
    return buf_detach(&b, NULL);
}

/* n ShareGPT lines; example i gets metadata.category cats[i % n_cats] */
static char *sharegpt_lines(size_t n, size_t offset, const char *const *cats, size_t n_cats)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        buf_printf(&b,
                   "{\"conversations\": [{\"from\": \"human\", \"value\": \"question number %zu about tasks\"}, "
                   "{\"from\": \"gpt\", \"value\": \"an answer that is a little longer, number %zu\"}], "
                   "\"metadata\": {\"category\": \"%s\"}}\n",
                   i + offset, i + offset, cats[i % n_cats]);
    return buf_detach(&b, NULL);
}

static const char *split_of(char **names, size_t i)
{
    return names[i];
}

/* ---- split names ----------------------------------------------------------------------- */

static void test_init__split_words(void **state)
{
    (void)state;
    assert_string_equal(init_split_word("data/splits/train.jsonl"), "train");
    assert_string_equal(init_split_word("training.jsonl"), "train");
    assert_string_equal(init_split_word("train-00001-of-00004.jsonl"), "train");
    assert_string_equal(init_split_word("data/val.jsonl"), "validation");
    assert_string_equal(init_split_word("valid.json"), "validation");
    assert_string_equal(init_split_word("Validation.JSONL"), "validation");
    assert_string_equal(init_split_word("dev.jsonl"), "validation");
    assert_string_equal(init_split_word("test.json"), "test");
    assert_string_equal(init_split_word("eval.jsonl"), "test");
    assert_string_equal(init_split_word("task_api_test.jsonl"), "test");
    /* a folder says it when the file name does not, the nearest folder first */
    assert_string_equal(init_split_word("data/train/part-0.jsonl"), "train");
    assert_string_equal(init_split_word("test/data/dev/shard.jsonl"), "validation");
    /* whole words only */
    assert_null(init_split_word("contest.jsonl"));
    assert_null(init_split_word("trainer.jsonl"));
    assert_null(init_split_word("evaluations/notes.jsonl"));
    assert_null(init_split_word("data/conversations.jsonl"));
}

static void test_init__split_names(void **state)
{
    (void)state;
    char **names = NULL;

    char *three[] = { "data/splits/test.jsonl", "data/splits/train.jsonl", "data/splits/val.jsonl" };
    init_name_splits(&names, three, 3);
    assert_string_equal(split_of(names, 0), "test");
    assert_string_equal(split_of(names, 1), "train");
    assert_string_equal(split_of(names, 2), "validation");
    for (size_t i = 0; i < 3; i++)
        free(names[i]);
    free(names);

    /* a lone file without a split word is the train split */
    char *one[] = { "data/conversations.jsonl" };
    init_name_splits(&names, one, 1);
    assert_string_equal(names[0], "train");
    free(names[0]);
    free(names);

    /* otherwise one split per file, by its stem; shards of a split share it */
    char *mixed[] = { "a/chat.jsonl", "b/chat.jsonl", "extra notes.json", "train-0.jsonl", "train-1.jsonl" };
    init_name_splits(&names, mixed, 5);
    assert_string_equal(names[0], "a_chat");
    assert_string_equal(names[1], "b_chat");
    assert_string_equal(names[2], "extra_notes");
    assert_string_equal(names[3], "train");
    assert_string_equal(names[4], "train");
    for (size_t i = 0; i < 5; i++)
        free(names[i]);
    free(names);

    /* the same stem in the same-named folder: numbered */
    char *same[] = { "x/d/data.jsonl", "y/d/data.jsonl" };
    init_name_splits(&names, same, 2);
    assert_string_equal(names[0], "d_data");
    assert_string_equal(names[1], "d_data-2");
    for (size_t i = 0; i < 2; i++)
        free(names[i]);
    free(names);
}

static void test_init__dataset_names(void **state)
{
    (void)state;
    char *s;
    assert_string_equal(s = init_sanitize_name("task-api"), "task-api");
    free(s);
    assert_string_equal(s = init_sanitize_name("My Data Set (v2)"), "my-data-set-v2");
    free(s);
    assert_string_equal(s = init_sanitize_name(".hidden_"), "hidden_");
    free(s);
    assert_string_equal(s = init_sanitize_name("\xc3\xa9t\xc3\xa9"), "t");
    free(s);
    assert_string_equal(s = init_sanitize_name("!!!"), "dataset");
    free(s);
    assert_true(init_name_ok("task-api"));
    assert_true(init_name_ok("a.b_c-1"));
    assert_false(init_name_ok(""));
    assert_false(init_name_ok("-x"));
    assert_false(init_name_ok(".x"));
    assert_false(init_name_ok("a/b"));
    assert_false(init_name_ok("a b"));

    char *r;
    assert_string_equal(r = init_spec_root("specs/x.yaml"), ".");
    free(r);
    assert_string_equal(r = init_spec_root("datasets/chat/specs/chat.yaml"), "datasets/chat");
    free(r);
    assert_string_equal(r = init_spec_root("conf/x.yaml"), "conf");
    free(r);
    assert_string_equal(r = init_spec_root("x.yaml"), ".");
    free(r);
}

/* ---- categories ------------------------------------------------------------------------ */

static void add_n(struct init_field *f, const char *value, size_t n)
{
    for (size_t i = 0; i < n; i++)
        init_field_add(f, value, strlen(value));
}

static void test_init__category_detection(void **state)
{
    (void)state;
    struct init_field f = { 0 };

    /* five values on every example: categories, most frequent first */
    add_n(&f, "Update", 26);
    add_n(&f, "Create", 30);
    add_n(&f, "Query", 24);
    add_n(&f, "Delete", 26);
    add_n(&f, "Complete", 24);
    assert_true(init_field_qualifies(&f, 130));
    init_field_sort(&f);
    assert_string_equal(f.values[0].text, "Create");
    assert_string_equal(f.values[1].text, "Delete");   /* ties by name */
    assert_string_equal(f.values[2].text, "Update");
    assert_int_equal(f.values[4].count, 24);
    /* on less than 90% of the examples: not a label */
    assert_false(init_field_qualifies(&f, 145));
    assert_true(init_field_qualifies(&f, 144));
    init_field_release(&f);

    /* one value says nothing */
    add_n(&f, "en", 50);
    assert_false(init_field_qualifies(&f, 50));
    init_field_release(&f);

    /* 30 values qualify, the 31st stops the count */
    char v[16];
    for (int i = 0; i < 30; i++) {
        snprintf(v, sizeof(v), "v%d", i);
        add_n(&f, v, 3);
    }
    assert_true(init_field_qualifies(&f, 90));
    add_n(&f, "one-too-many", 1);
    assert_true(f.too_many);
    assert_false(init_field_qualifies(&f, 90));
    init_field_release(&f);

    /* ids: as many values as examples */
    for (int i = 0; i < 10; i++) {
        snprintf(v, sizeof(v), "id-%d", i);
        add_n(&f, v, 1);
    }
    assert_false(init_field_qualifies(&f, 10));
    init_field_release(&f);

    /* a value that cannot be a category name */
    add_n(&f, "a", 5);
    add_n(&f, "line\nbreak", 5);
    assert_true(f.unusable);
    assert_false(init_field_qualifies(&f, 10));
    init_field_release(&f);
    char long_value[INIT_MAX_LABEL_BYTES + 2];
    memset(long_value, 'x', sizeof(long_value) - 1);
    long_value[sizeof(long_value) - 1] = '\0';
    add_n(&f, "a", 5);
    add_n(&f, long_value, 5);
    assert_false(init_field_qualifies(&f, 10));
    init_field_release(&f);

    /* empty strings are no label */
    add_n(&f, "", 5);
    assert_int_equal(f.labeled, 0);
    init_field_release(&f);
}

/* ---- rounding -------------------------------------------------------------------------- */

static void test_init__rounding(void **state)
{
    (void)state;
    assert_true(init_round_to(0.8, 0.05) == 0.8 || fabs(init_round_to(0.8, 0.05) - 0.8) < 1e-12);
    assert_true(fabs(init_round_to(104.0 / 130.0, 0.05) - 0.80) < 1e-12);
    assert_true(fabs(init_round_to(13.0 / 130.0, 0.05) - 0.10) < 1e-12);
    assert_true(fabs(init_round_to(0.724, 0.05) - 0.70) < 1e-12);
    assert_true(fabs(init_round_to(0.726, 0.05) - 0.75) < 1e-12);
    assert_true(fabs(init_round_to(0.01, 0.05)) < 1e-12);

    assert_true(init_round_down(21.15) == 21);
    assert_true(init_round_up(84.6) == 85);
    assert_true(init_round_up(169.2) == 170);
    assert_true(init_round_down(169.2) == 160);
    assert_true(init_round_up(1234) == 1300);
    assert_true(init_round_down(1234) == 1200);
    assert_true(init_round_down(0.4) == 0);
    assert_true(init_round_up(0.4) == 1);
    assert_true(init_round_up(80) == 80);
    assert_true(init_round_down(0) == 0);

    struct spec_band t, a;
    init_length_bands(&t, &a, 42.3);
    assert_true(t.lo == 21 && t.hi == 85);
    assert_true(a.lo == 10 && a.hi == 170);
    init_length_bands(&t, &a, 131.0);
    assert_true(t.lo == 65 && t.hi == 270);
    assert_true(a.lo == 32 && a.hi == 530);
    /* the target always lies inside acceptable, whatever the mean */
    for (double m = 0.1; m < 100000; m *= 1.37) {
        init_length_bands(&t, &a, m);
        assert_true(a.lo <= t.lo && t.lo <= m && m <= t.hi && t.hi <= a.hi);
    }
}

/* Quartiles, the outlier fence, and the quality a starter spec writes: an outlier never
 * sets a band, a rare one only; repeated texts keep a floor and are a concern. */
static void test_init__robust_quality(void **state)
{
    (void)state;
    struct init_hist h = { 0 };
    for (uint64_t v = 1; v <= 100; v++)
        init_hist_add(&h, v);
    assert_true(init_hist_quantile(&h, 0.25) == 25);
    assert_true(init_hist_quantile(&h, 0.75) == 75);
    assert_true(init_hist_quantile(&h, 1.0) == 100);
    init_hist_add(&h, 1000000);       /* a bucketed value reads as its bucket's lower bound */
    assert_true(init_hist_quantile(&h, 1.0) <= 1000000 && init_hist_quantile(&h, 1.0) > 950000);
    uint64_t n;
    double mean, var;
    init_hist_stats(&h, 100, &n, &mean, &var);
    assert_int_equal(n, 100);
    assert_true(fabs(mean - 50.5) < 1e-9 && fabs(var - 833.25) < 1e-6);
    init_hist_release(&h);

    /* the fence: 4 x q3 at least, far out on a log scale */
    assert_true(init_outlier_fence(100, 100) == 400);
    assert_true(init_outlier_fence(50, 200) == 200 * 64);
    assert_true(init_outlier_fence(0, 0) == 4);

    /* 8 replies of 300 chars and one of 26000: the band is the 300s' */
    struct init_scan scan;
    memset(&scan, 0, sizeof(scan));
    struct init_hist hist[INIT_MEASURES];
    memset(hist, 0, sizeof(hist));
    struct init_longest longest[INIT_MEASURES];
    memset(longest, 0, sizeof(longest));
    for (int i = 0; i < 8; i++) {
        init_hist_add(&hist[INIT_ASSISTANT], 300);
        init_hist_add(&hist[INIT_HUMAN], 40);
        init_hist_add(&hist[INIT_TURNS], 2);
    }
    init_hist_add(&hist[INIT_ASSISTANT], 26000);
    init_hist_add(&hist[INIT_HUMAN], 40);
    init_hist_add(&hist[INIT_TURNS], 2);
    longest[INIT_ASSISTANT].value = 26000;
    longest[INIT_ASSISTANT].path = xstrdup("data/train.jsonl");
    longest[INIT_ASSISTANT].line = 9;
    scan.assistant_chars = 8 * 300 + 26000;
    scan.assistant_texts = 9;
    scan.user_chars = 9 * 40;
    scan.user_texts = 9;
    scan.texts = 18;
    scan.distinct_texts = 18;
    init_decide_quality(&scan, hist, longest);
    const struct init_quality *q = &scan.quality;
    assert_int_equal(q->assistant.outliers, 1);
    assert_true(q->assistant.robust == 300);
    assert_true(q->assistant.target.lo == 150 && q->assistant.target.hi == 600);
    assert_true(q->human.target.lo == 20 && q->human.target.hi == 80);
    assert_int_equal(q->n_concerns, 1);
    assert_non_null(strstr(q->concerns[0], "(26000 chars, at data/train.jsonl:9)"));
    assert_true(q->unique_target == 95 && q->unique_acceptable == 90);
    init_scan_release(&scan);

    /* 4% distinct: a floor, never 0%, and a concern; 60%: today's share, 5 points below */
    memset(&scan, 0, sizeof(scan));
    scan.texts = 200;
    scan.distinct_texts = 8;
    init_decide_quality(&scan, hist, longest);
    assert_true(scan.quality.unique_target == 50 && scan.quality.unique_acceptable == INIT_UNIQUE_FLOOR);
    assert_int_equal(scan.quality.n_concerns, 1);
    assert_non_null(strstr(scan.quality.concerns[0], "only 4.0% of message texts are distinct"));
    init_scan_release(&scan);
    memset(&scan, 0, sizeof(scan));
    scan.texts = 200;
    scan.distinct_texts = 121;
    init_decide_quality(&scan, hist, longest);
    assert_true(scan.quality.unique_target == 60 && scan.quality.unique_acceptable == 55);
    init_scan_release(&scan);
    for (int i = 0; i < INIT_MEASURES; i++)
        init_hist_release(&hist[i]);
}

/* ---- YAML ------------------------------------------------------------------------------ */

static void test_init__yaml_scalars(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "Create", "Create" },
        { "data/splits/train.jsonl", "data/splits/train.jsonl" },
        { "new task", "new task" },
        { "yes", "\"yes\"" },
        { "Off", "\"Off\"" },
        { "null", "\"null\"" },
        { "12", "\"12\"" },
        { "-x", "\"-x\"" },
        { "a: b", "\"a: b\"" },
        { "a #b", "\"a #b\"" },
        { "say \"hi\"\\", "\"say \\\"hi\\\"\\\\\"" },
        { "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
        { "", "\"\"" },
        { "trailing ", "\"trailing \"" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct buf b = BUF_INIT;
        yaml_emit_scalar(&b, cases[i].in, YAML_SCALAR_SPEC);
        assert_string_equal(buf_cstr(&b), cases[i].out);
        buf_release(&b);
    }
}

/* ---- whole scans ----------------------------------------------------------------------- */

static void test_init__scan_sharegpt_folder(void **state)
{
    const char *dir = *state;
    static const char *const cats[] = { "Create", "Update", "Delete", "Query" };
    char *train = sharegpt_lines(80, 0, cats, 4);
    char *val = sharegpt_lines(10, 100, cats, 4);
    char *test = sharegpt_lines(10, 200, cats, 4);
    put(dir, "data/train.jsonl", train);
    put(dir, "data/val.jsonl", val);
    put(dir, "data/test.jsonl", test);
    put(dir, "data/version.json", "{\"version\": \"1.0.0\"}\n");
    put(dir, "package.json", "{\n  \"name\": \"x\"\n}\n");
    put(dir, "node_modules/dep/train.jsonl", train);
    put(dir, ".cache/train.jsonl", train);
    put(dir, "specs/old.jsonl", train);
    put(dir, "README.md", "# the card\n");
    free(train);
    free(val);
    free(test);

    struct init_scan scan = INIT_SCAN_INIT;
    assert_int_equal(init_scan_run(&scan, dir), 0);
    assert_int_equal(scan.n_files, 3);
    assert_string_equal(scan.files[0].path, "data/train.jsonl");
    assert_string_equal(scan.files[1].path, "data/val.jsonl");
    assert_string_equal(scan.files[2].path, "data/test.jsonl");
    assert_int_equal(scan.n_splits, 3);
    assert_string_equal(scan.splits[1].name, "validation");
    assert_int_equal(scan.splits[0].examples, 80);
    assert_int_equal(scan.examples, 100);
    assert_int_equal(scan.format, FORMAT_SHAREGPT);
    assert_int_equal(scan.n_skipped, 2);     /* data/version.json and package.json */
    assert_non_null(scan.field);
    assert_string_equal(scan.field->path, "metadata.category");
    assert_int_equal(scan.field->n_values, 4);
    assert_int_equal(scan.user_texts, 100);
    assert_int_equal(scan.texts, 200);
    assert_int_equal(scan.distinct_texts, 200);
    assert_true(scan.turns_variance == 0);
    assert_string_equal(scan.card, "README.md");
    assert_string_equal(scan.version_file, "data/version.json");

    struct buf d = BUF_INIT;
    init_describe(&d, &scan);
    assert_string_equal(buf_cstr(&d), "3 files, sharegpt, 100 examples, categories from metadata.category (4 values)");
    buf_release(&d);

    /* the rendered spec loads, and says what was measured */
    struct buf text = BUF_INIT;
    struct spec *spec = NULL;
    init_render(&text, &scan, "demo");
    char *path = xasprintf("%s/specs/demo.yaml", dir);
    if (spec_load_buffer(&spec, path, text.ptr, text.len) < 0)
        fail_msg("%s\n%s", err_last(), text.ptr);
    assert_int_equal(spec->dataset.format, FORMAT_SHAREGPT);
    assert_int_equal(spec->dataset.n_splits, 3);
    assert_string_equal(spec->dataset.splits[0].name, "train");
    assert_string_equal(spec->dataset.splits[0].patterns[0], "data/train.jsonl");
    assert_int_equal(spec->gates.coverage.by, COVERAGE_FIELD);
    assert_string_equal(spec->gates.coverage.field, "metadata.category");
    assert_int_equal(spec->gates.coverage.n_categories, 4);
    assert_string_equal(spec->gates.coverage.categories[0].name, "Create");
    assert_int_equal(spec->gates.coverage.categories[0].min, 13);   /* 26 today */
    assert_int_equal(spec->gates.splits.n_rules, 3);
    assert_true(fabs(spec->gates.splits.rules[0].ratio - 0.8) < 1e-9);
    assert_int_equal(spec->gates.splits.rules[0].min, 40);
    assert_true(fabs(spec->gates.splits.tolerance - 0.05) < 1e-9);
    assert_int_equal(spec->gates.quality.level, LEVEL_WARN);
    assert_null(spec->dataset.card);          /* suggested in a comment only */
    assert_non_null(strstr(text.ptr, "# detected: 3 files, sharegpt, 100 examples"));
    assert_non_null(strstr(text.ptr, "# card: README.md"));
    assert_non_null(strstr(text.ptr, "# version_file: data/version.json"));
    assert_non_null(strstr(text.ptr, "# left out: package.json (one JSON document, not records)"));
    spec_free(spec);
    free(path);
    buf_release(&text);
    init_scan_release(&scan);
}

static void test_init__scan_alpaca_array(void **state)
{
    const char *dir = *state;
    struct buf b = BUF_INIT;
    buf_addstr(&b, "[\n");
    for (int i = 0; i < 12; i++)
        buf_printf(&b, "  {\"instruction\": \"Say hello %d\", \"input\": \"\", \"output\": \"Hello number %d\"}%s\n",
                   i, i, i < 11 ? "," : "");
    buf_addstr(&b, "]\n");
    put(dir, "alpaca_data.json", b.ptr);
    buf_release(&b);

    struct init_scan scan = INIT_SCAN_INIT;
    assert_int_equal(init_scan_run(&scan, dir), 0);
    assert_int_equal(scan.n_files, 1);
    assert_int_equal(scan.format, FORMAT_ALPACA);
    assert_true(scan.files[0].is_array);
    assert_string_equal(scan.files[0].split, "train");
    assert_int_equal(scan.examples, 12);
    assert_null(scan.field);
    struct buf text = BUF_INIT;
    struct spec *spec = NULL;
    init_render(&text, &scan, "alpaca");
    char *path = xasprintf("%s/specs/alpaca.yaml", dir);
    if (spec_load_buffer(&spec, path, text.ptr, text.len) < 0)
        fail_msg("%s\n%s", err_last(), text.ptr);
    assert_int_equal(spec->dataset.format, FORMAT_ALPACA);
    assert_int_equal(spec->gates.coverage.level, LEVEL_OFF);
    assert_int_equal(spec->gates.splits.n_rules, 1);
    assert_false(spec->gates.splits.rules[0].has_ratio);
    assert_int_equal(spec->gates.splits.rules[0].min, 6);
    spec_free(spec);
    free(path);
    buf_release(&text);
    init_scan_release(&scan);
}

static void test_init__no_data(void **state)
{
    const char *dir = *state;
    struct init_scan scan = INIT_SCAN_INIT;
    assert_int_equal(init_scan_run(&scan, dir), DSCI_EUSAGE);
    assert_non_null(strstr(err_last(), "no data found in"));
    init_scan_release(&scan);

    put(dir, "package.json", "{\"name\": \"x\", \"version\": \"1.0.0\"}\n");
    put(dir, "list.json", "[1, 2, 3]\n");
    assert_int_equal(init_scan_run(&scan, dir), DSCI_EUSAGE);
    assert_non_null(strstr(err_last(), "left out: list.json (no JSON object among its first records)"));
    assert_int_equal(scan.n_skipped, 2);
    init_scan_release(&scan);
}

static void test_init__never_overwrites(void **state)
{
    const char *dir = *state;
    static const char *const cats[] = { "A" };
    char *lines = sharegpt_lines(4, 0, cats, 1);
    put(dir, "data.jsonl", lines);
    free(lines);
    put(dir, "specs/demo.yaml", "# mine\n");

    char *out = xasprintf("%s/specs/demo.yaml", dir);
    struct init_options o = { "demo", out };
    struct init_scan scan = INIT_SCAN_INIT;
    assert_int_equal(init_run(&scan, &o), DSCI_EUSAGE);
    assert_non_null(strstr(err_last(), "specs/demo.yaml already exists; dsci init never overwrites"));
    char *kept = slurp(out);
    assert_string_equal(kept, "# mine\n");
    free(kept);
    init_scan_release(&scan);

    /* a new name is written, and loads */
    char *other = xasprintf("%s/specs/other.yaml", dir);
    struct init_options o2 = { "other", other };
    assert_int_equal(init_run(&scan, &o2), 0);
    init_scan_release(&scan);
    struct spec *spec = NULL;
    assert_int_equal(spec_load(&spec, other), 0);
    assert_string_equal(spec->dataset.name, "other");
    assert_string_equal(spec->dataset.splits[0].patterns[0], "data.jsonl");
    spec_free(spec);
    assert_int_equal(init_run(&scan, &o2), DSCI_EUSAGE);
    init_scan_release(&scan);
    free(other);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init__split_words),
        cmocka_unit_test(test_init__split_names),
        cmocka_unit_test(test_init__dataset_names),
        cmocka_unit_test(test_init__category_detection),
        cmocka_unit_test(test_init__rounding),
        cmocka_unit_test(test_init__yaml_scalars),
        cmocka_unit_test_setup_teardown(test_init__scan_sharegpt_folder, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(test_init__scan_alpaca_array, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(test_init__no_data, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(test_init__never_overwrites, make_tmp, remove_tmp),
        cmocka_unit_test(test_init__robust_quality),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
