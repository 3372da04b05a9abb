/*
 * The check engine on small datasets written to a temporary folder: what it counts,
 * which gates run (all that are enabled, or only those that measure for a baseline),
 * what it asks of the reader (file hashes), and the spec errors it reports for files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_fixture.h"

#include "cache/store.h"
#include "data/source.h"
#include "run/engine.h"
#include "run/reread.h"
#include "spec/spec.h"
#include "util/err.h"

#define SPEC_HEAD                         \
    "dsci: 1\n"                           \
    "dataset:\n"                          \
    "  name: t\n"                         \
    "  format: sharegpt\n"                \
    "  files:\n"                          \
    "    train: data/train.jsonl\n"       \
    "    validation: data/val.jsonl\n"

#define SPEC_GATES                                              \
    "gates:\n"                                                  \
    "  format: block\n"                                         \
    "  coverage:\n"                                             \
    "    level: warn\n"                                         \
    "    categories:\n"                                         \
    "      - {name: Create, min: 1, keywords: [create]}\n"      \
    "      - {name: Delete, min: 1, keywords: [delete]}\n"      \
    "  duplicates: {exact: block, near: warn}\n"                \
    "  pii: warn\n"

#define CREATE FIXTURE_LINE("create a task", "Created the task for you.")
#define DELETE FIXTURE_LINE("delete it", "Deleted it.")
#define HELLO FIXTURE_LINE("hello there", "Hi, mail me at bob@corp.org")

struct run_fixture {
    char *root;
    struct spec *spec;
    struct source *src;
    struct result r;
};

/* Writes the spec and both splits, loads them and runs the engine; returns its code. */
static int run_on(struct run_fixture *f, const char *spec, const char *train, const char *val,
                  const struct engine_options *opts)
{
    memset(f, 0, sizeof(*f));
    f->root = fixture_dir();
    fixture_write(f->root, "specs/s.yaml", spec);
    if (train)
        fixture_write(f->root, "data/train.jsonl", train);
    if (val)
        fixture_write(f->root, "data/val.jsonl", val);
    char *spec_path = xasprintf("%s/specs/s.yaml", f->root);
    assert_int_equal(spec_load(&f->spec, spec_path), 0);
    free(spec_path);
    assert_int_equal(source_open_worktree(&f->src, f->spec->root), 0);
    return engine_check(&f->r, f->spec, f->src, opts);
}

static void run_release(struct run_fixture *f)
{
    result_release(&f->r);
    source_free(f->src);
    spec_free(f->spec);
    fixture_remove(f->root);
}

static const struct section *find_section(const struct result *r, const char *gate)
{
    for (size_t i = 0; i < r->n_sections; i++)
        if (!strcmp(r->sections[i].gate, gate))
            return &r->sections[i];
    return NULL;
}

/* What the engine counts, case by case. */
static void test_engine__counts(void **state)
{
    (void)state;
    static const struct {
        const char *name, *train, *val;
        uint64_t records, valid_json, examples, files;
        uint64_t split_examples[2];
    } cases[] = {
        { "all valid", CREATE DELETE CREATE, HELLO, 4, 4, 4, 2, { 3, 1 } },
        { "a line that is not JSON", CREATE DELETE, HELLO "not json\n", 4, 3, 3, 2, { 2, 1 } },
        { "an empty split", CREATE, "", 1, 1, 1, 2, { 1, 0 } },
        { "a record without turns", CREATE "{\"conversations\": []}\n", DELETE, 3, 3, 3, 2, { 2, 1 } },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct run_fixture f;
        print_message("case: %s\n", cases[i].name);
        assert_int_equal(run_on(&f, SPEC_HEAD SPEC_GATES, cases[i].train, cases[i].val, NULL), 0);
        assert_int_equal(f.r.metrics.records, cases[i].records);
        assert_int_equal(f.r.metrics.valid_json, cases[i].valid_json);
        assert_int_equal(f.r.metrics.examples, cases[i].examples);
        assert_int_equal(f.r.metrics.files, cases[i].files);
        assert_int_equal(f.r.n_files, 2);
        assert_int_equal(f.r.files[0].examples, cases[i].split_examples[0]);
        assert_int_equal(f.r.files[1].examples, cases[i].split_examples[1]);
        assert_string_equal(f.r.files[0].root_path, "data/train.jsonl");
        assert_int_equal(f.r.files[1].split, 1);
        run_release(&f);
    }
}

struct seen_text {
    int calls;
    char text[64];
    uint64_t line, ordinal;
};

static void keep_first_text(void *arg, const struct example *ex)
{
    struct seen_text *s = arg;
    s->calls++;
    snprintf(s->text, sizeof(s->text), "%.*s", (int)ex->turns[0].text_len, ex->turns[0].text);
    s->line = ex->line;
    s->ordinal = ex->ordinal;
}

/* An example read again (gate_ctx.reread) is the one at that line of a JSONL file, at
 * that index of a JSON array file, texts and all; a place with no example is an error. */
static void test_engine__reread_example(void **state)
{
    (void)state;
    struct run_fixture f;
    assert_int_equal(run_on(&f, SPEC_HEAD SPEC_GATES, CREATE DELETE HELLO, CREATE, NULL), 0);
    fixture_write(f.root, "data/arr.json",
                  "[{\"conversations\": [{\"from\": \"human\", \"value\": \"first\"}]},"
                  " {\"conversations\": [{\"from\": \"human\", \"value\": \"second\"}]}]");
    struct run_file files[2] = { { .path = (char *)"data/train.jsonl", .root_path = (char *)"data/train.jsonl" },
                                 { .path = (char *)"data/arr.json", .root_path = (char *)"data/arr.json" } };
    struct reread rr = { f.src, files, 2, { 0 }, NULL };
    reader_options_from_spec(&rr.options, f.spec);

    struct seen_text s = { 0 };
    assert_int_equal(reread_example(&rr, 0, 2, keep_first_text, &s), 0);
    assert_int_equal(s.calls, 1);
    assert_string_equal(s.text, "delete it");
    assert_int_equal(s.line, 2);

    memset(&s, 0, sizeof(s));
    assert_int_equal(reread_example(&rr, 1, 1, keep_first_text, &s), 0);   /* by index */
    assert_int_equal(s.calls, 1);
    assert_string_equal(s.text, "second");
    assert_int_equal(s.line, 1);
    assert_int_equal(s.ordinal, 1);

    memset(&s, 0, sizeof(s));
    assert_int_equal(reread_example(&rr, 0, 9, keep_first_text, &s), DSCI_EUSAGE);
    assert_int_equal(reread_example(&rr, 1, 2, keep_first_text, &s), DSCI_EUSAGE);
    assert_int_equal(reread_example(&rr, 2, 1, keep_first_text, &s), DSCI_EUSAGE);
    assert_int_equal(s.calls, 0);
    run_release(&f);
}

/* Every enabled gate writes its section, in report order; the result says who ran. */
static void test_engine__sections_in_report_order(void **state)
{
    (void)state;
    static const char *const order[] = { "format", "coverage", "quality", "splits", "duplicates",
                                         "pii", "leakage", "reproducibility" };
    struct run_fixture f;
    assert_int_equal(run_on(&f, SPEC_HEAD SPEC_GATES, CREATE DELETE CREATE, HELLO, NULL), 0);
    assert_int_equal(f.r.n_sections, sizeof(order) / sizeof(*order));
    for (size_t i = 0; i < f.r.n_sections; i++)
        assert_string_equal(f.r.sections[i].gate, order[i]);
    assert_string_equal(f.r.dataset_name, "t");
    assert_string_equal(f.r.source, "worktree");
    /* the copy of CREATE is an exact duplicate, the mail address a PII finding */
    const struct section *dup = find_section(&f.r, "duplicates");
    assert_non_null(dup);
    assert_string_equal(dup->checks[0].id, "duplicates.exact");
    assert_int_equal(dup->checks[0].n_findings, 1);
    assert_int_equal(dup->checks[0].findings[0].line, 3);
    assert_false(result_passed(&f.r));
    run_release(&f);
}

/* A baseline run (measures_only) runs only the gates whose numbers describe a version,
 * and makes no signatures: near duplicates and leakage are not judged. */
static void test_engine__measures_only(void **state)
{
    (void)state;
    struct engine_options opts = { .measures_only = true };
    struct run_fixture f;
    assert_int_equal(run_on(&f, SPEC_HEAD SPEC_GATES, CREATE DELETE, HELLO, &opts), 0);
    assert_non_null(find_section(&f.r, "coverage"));
    assert_non_null(find_section(&f.r, "quality"));
    assert_non_null(find_section(&f.r, "splits"));
    assert_non_null(find_section(&f.r, "reproducibility"));
    assert_null(find_section(&f.r, "format"));
    assert_null(find_section(&f.r, "duplicates"));
    assert_null(find_section(&f.r, "pii"));
    assert_null(find_section(&f.r, "leakage"));
    assert_int_equal(f.r.metrics.examples, 3);
    run_release(&f);
}

/* File checksums are made when asked, or when the reproducibility gate needs them. */
static void test_engine__hash_files(void **state)
{
    (void)state;
    static const struct {
        const char *spec;
        bool hash_files, want;
    } cases[] = {
        { SPEC_HEAD SPEC_GATES "  reproducibility: off\n", false, false },
        { SPEC_HEAD SPEC_GATES "  reproducibility: off\n", true, true },
        { SPEC_HEAD SPEC_GATES, false, true },   /* checksums are required by default */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct engine_options opts = { .hash_files = cases[i].hash_files };
        struct run_fixture f;
        print_message("case %zu\n", i);
        assert_int_equal(run_on(&f, cases[i].spec, CREATE, DELETE, &opts), 0);
        assert_int_equal(f.r.files[0].sha256_valid, cases[i].want);
        assert_int_equal(f.r.files[1].sha256_valid, cases[i].want);
        run_release(&f);
    }
}

static void count_extract(void *ctx, const struct example *ex, struct buf *out)
{
    (void)ctx;
    if (ex->parsed)
        buf_addstr(out, "seen");
}

/* Counts the examples whose replay got what extract wrote for them. */
static void count_replay(void *ctx, const struct example *at, const void *bytes, size_t len)
{
    if (at->parsed && len == 4 && !memcmp(bytes, "seen", 4))
        (*(size_t *)ctx)++;
}

/* An observer (the diff's collector) sees every example the gates see. */
static void test_engine__observer_sees_every_example(void **state)
{
    (void)state;
    size_t seen = 0;
    struct engine_observer obs = { count_extract, count_replay, &seen };
    struct engine_options opts = { .observer = &obs };
    struct run_fixture f;
    assert_int_equal(run_on(&f, SPEC_HEAD SPEC_GATES, CREATE DELETE CREATE, HELLO, &opts), 0);
    assert_int_equal(seen, 4);
    run_release(&f);
}

/* Runs the engine on `train` with `jobs` threads, keeping its summaries in a store under
 * the fixture; *keys gets the keys of what it kept. */
static void run_keeping(struct run_fixture *f, const char *spec, const char *train, const char *jobs,
                        struct cache_store **store, struct buf *keys)
{
    char *dir = fixture_dir();
    assert_int_equal(cache_store_open(store, dir, (uint64_t)1 << 30), 0);
    free(dir);
    setenv("DSCI_JOBS", jobs, 1);
    struct engine_options opts = { .cache = *store, .used_keys = keys };
    assert_int_equal(run_on(f, spec, train, HELLO, &opts), 0);
    unsetenv("DSCI_JOBS");
}

/* Every gate's extract() runs on the thread that parsed the record (PII's on the reading
 * thread, in order): the summaries kept are the same bytes whether the records were
 * parsed and extracted on one thread or on several, so a warm run replays what a cold
 * run of any -j would have read. With PII on (a slot made on the reading thread among
 * the parsing threads' slots) and off (every slot from the parsing threads). */
static void test_engine__summary_same_on_any_thread(void **state)
{
    (void)state;
    struct buf train = BUF_INIT;
    for (size_t i = 0; i < 20000; i++) {
        if (i % 997 == 5)
            buf_addstr(&train, "{\"conversations\": [oops\n");
        else if (i % 501 == 7)
            buf_addstr(&train, FIXTURE_LINE("", "empty question"));
        else
            buf_printf(&train, FIXTURE_LINE("create task %zu, mail x%zu@corp.org", "Created it %zu."), i, i % 13,
                       i % 5);
    }
    /* chunks big enough for the parsing threads (run/engine.c: parallel_after) */
    setenv("DSCI_CHUNK_BYTES", "400000", 1);
    static const char *const specs[] = {
        SPEC_HEAD SPEC_GATES "  quality: warn\n",
        SPEC_HEAD "gates:\n  format: block\n  quality: warn\n  pii: off\n  duplicates: off\n  leakage: off\n"
                  "  coverage: {level: warn, categories: [{name: Create, min: 1, keywords: [create]}]}\n",
    };
    for (size_t s = 0; s < 2; s++) {
        struct run_fixture one, many;
        struct cache_store *one_store, *many_store;
        struct buf one_keys = BUF_INIT, many_keys = BUF_INIT;
        run_keeping(&one, specs[s], train.ptr, "1", &one_store, &one_keys);
        run_keeping(&many, specs[s], train.ptr, "3", &many_store, &many_keys);
        assert_true(one_keys.len >= 3 * 32);   /* two chunks at least, and the file's entry */
        assert_int_equal(one_keys.len, many_keys.len);
        assert_memory_equal(one_keys.ptr, many_keys.ptr, one_keys.len);
        for (size_t k = 0; k < one_keys.len; k += 32) {
            struct cache_blob a, b;
            assert_true(cache_store_get(one_store, (const unsigned char *)one_keys.ptr + k, &a));
            assert_true(cache_store_get(many_store, (const unsigned char *)one_keys.ptr + k, &b));
            assert_int_equal(a.len, b.len);
            assert_memory_equal(a.data, b.data, a.len);
            cache_blob_release(&a);
            cache_blob_release(&b);
        }
        cache_store_close(one_store);
        cache_store_close(many_store);
        buf_release(&one_keys);
        buf_release(&many_keys);
        run_release(&one);
        run_release(&many);
    }
    unsetenv("DSCI_CHUNK_BYTES");
    buf_release(&train);
}

/* A split file that is not there: a spec error naming the spec's line, or, for a
 * baseline from before the split existed (missing_ok), an empty split and a note. */
static void test_engine__missing_file(void **state)
{
    (void)state;
    static const struct {
        const char *pattern, *error, *note;
    } cases[] = {
        { "data/val.jsonl", "specs/s.yaml:7: split 'validation': ", "split 'validation': 'data/val.jsonl' is not there" },
        { "data/val*.jsonl", "specs/s.yaml:7: split 'validation': no file matches 'data/val*.jsonl'",
          "split 'validation': no file matches 'data/val*.jsonl' here" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char *spec = xasprintf("dsci: 1\ndataset:\n  name: t\n  format: sharegpt\n  files:\n"
                               "    train: data/train.jsonl\n    validation: %s\n", cases[i].pattern);
        struct run_fixture f;
        assert_int_equal(run_on(&f, spec, CREATE, NULL, NULL), DSCI_EUSAGE);
        assert_non_null(strstr(err_last(), cases[i].error));
        run_release(&f);

        struct engine_options opts = { .missing_ok = true };
        assert_int_equal(run_on(&f, spec, CREATE, NULL, &opts), 0);
        assert_int_equal(f.r.n_files, 1);
        assert_int_equal(f.r.metrics.examples, 1);
        assert_int_equal(f.r.n_notes, 1);
        assert_string_equal(f.r.notes[0], cases[i].note);
        run_release(&f);
        free(spec);
    }
}

/* A file named by two splits is a spec error; named twice by one split, it is read once. */
static void test_engine__file_in_two_splits(void **state)
{
    (void)state;
    struct run_fixture f;
    assert_int_equal(run_on(&f,
                            "dsci: 1\ndataset:\n  name: t\n  format: sharegpt\n  files:\n"
                            "    train: [data/train.jsonl, data/*.jsonl]\n    validation: data/train.jsonl\n",
                            CREATE, NULL, NULL), DSCI_EUSAGE);
    assert_non_null(strstr(err_last(), "'data/train.jsonl' is in split 'train' and in split 'validation'"));
    run_release(&f);

    assert_int_equal(run_on(&f,
                            "dsci: 1\ndataset:\n  name: t\n  format: sharegpt\n  files:\n"
                            "    train: [data/train.jsonl, data/*.jsonl]\n",
                            CREATE DELETE, NULL, NULL), 0);
    assert_int_equal(f.r.n_files, 1);
    assert_int_equal(f.r.metrics.examples, 2);
    run_release(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine__counts),
        cmocka_unit_test(test_engine__sections_in_report_order),
        cmocka_unit_test(test_engine__measures_only),
        cmocka_unit_test(test_engine__hash_files),
        cmocka_unit_test(test_engine__observer_sees_every_example),
        cmocka_unit_test(test_engine__summary_same_on_any_thread),
        cmocka_unit_test(test_engine__missing_file),
        cmocka_unit_test(test_engine__file_in_two_splits),
        cmocka_unit_test(test_engine__reread_example),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
