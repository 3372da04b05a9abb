/* The version file: the parser's additions (files, changes) and the writer, which keeps
 * every key it does not compute exactly as written. */
#include "test_helpers.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/xalloc.h"
#include "version/version_file.h"

#define PATH "data/version.json"

/* A version file with two splits: train of one file, test of two. */
static struct version_file *sample(void)
{
    struct version_file *vf = xcalloc(1, sizeof(*vf));
    vf->version = xstrdup("1.1.0");
    vf->previous = xstrdup("1.0.0");
    vf->created = xstrdup("2025-01-02T00:00:00Z");
    vf->splits = xcalloc(2, sizeof(*vf->splits));
    vf->n_splits = 2;
    struct version_split *t = &vf->splits[0];
    t->name = xstrdup("train");
    t->path = xstrdup("data/train.jsonl");
    t->checksum = xstrdup("sha256:aa");
    t->examples = 10;
    t->bytes = 100;
    t->has_examples = t->has_bytes = true;
    struct version_split *s = &vf->splits[1];
    s->name = xstrdup("test");
    s->path = xstrdup("data/test-0.jsonl");
    s->checksum = xstrdup("sha256:bb");
    s->examples = 3;
    s->bytes = 30;
    s->has_examples = s->has_bytes = true;
    s->files = xcalloc(2, sizeof(*s->files));
    s->n_files = 2;
    s->files[0] = (struct version_split_file){ xstrdup("data/test-0.jsonl"), xstrdup("sha256:bb"), 1, 10, true, true };
    s->files[1] = (struct version_split_file){ xstrdup("data/test-1.jsonl"), xstrdup("sha256:cc"), 2, 20, true, true };
    vf->has_changes = true;
    vf->added = 5;
    vf->removed = 1;
    vf->modified = 2;
    return vf;
}

static char *render(const struct version_file *vf, const char *old)
{
    char *out = NULL;
    size_t len = 0;
    int rc = version_file_render(&out, &len, vf, PATH, old, old ? strlen(old) : 0);
    if (rc != 0)
        fail_msg("render failed: %s", err_last());
    assert_int_equal(strlen(out), len);
    return out;
}

static const char *const SPLITS_TEXT =
    "  \"splits\": {\n"
    "    \"train\": {\n"
    "      \"path\": \"data/train.jsonl\",\n"
    "      \"examples\": 10,\n"
    "      \"bytes\": 100,\n"
    "      \"checksum\": \"sha256:aa\"\n"
    "    },\n"
    "    \"test\": {\n"
    "      \"path\": \"data/test-0.jsonl\",\n"
    "      \"examples\": 3,\n"
    "      \"bytes\": 30,\n"
    "      \"checksum\": \"sha256:bb\",\n"
    "      \"files\": [\n"
    "        {\n"
    "          \"path\": \"data/test-0.jsonl\",\n"
    "          \"examples\": 1,\n"
    "          \"bytes\": 10,\n"
    "          \"checksum\": \"sha256:bb\"\n"
    "        },\n"
    "        {\n"
    "          \"path\": \"data/test-1.jsonl\",\n"
    "          \"examples\": 2,\n"
    "          \"bytes\": 20,\n"
    "          \"checksum\": \"sha256:cc\"\n"
    "        }\n"
    "      ]\n"
    "    }\n"
    "  },\n";

static void test_version_file__new_file_layout(void **state)
{
    (void)state;
    struct version_file *vf = sample();
    char *text = render(vf, NULL);
    char *want = xasprintf("{\n"
                           "  \"version\": \"1.1.0\",\n"
                           "  \"previous\": \"1.0.0\",\n"
                           "  \"created\": \"2025-01-02T00:00:00Z\",\n"
                           "%s"
                           "  \"generation_config\": {\n"
                           "    \"random_seed\": null,\n"
                           "    \"model\": null\n"
                           "  },\n"
                           "  \"changes\": {\n"
                           "    \"added\": 5,\n"
                           "    \"removed\": 1,\n"
                           "    \"modified\": 2\n"
                           "  }\n"
                           "}\n",
                           SPLITS_TEXT);
    assert_string_equal(text, want);
    free(want);
    free(text);
    version_file_free(vf);
}

static void test_version_file__previous_null(void **state)
{
    (void)state;
    struct version_file *vf = sample();
    free(vf->previous);
    vf->previous = NULL;
    char *text = render(vf, NULL);
    assert_non_null(strstr(text, "\n  \"previous\": null,\n"));
    free(text);
    version_file_free(vf);
}

static void test_version_file__keeps_unknown_keys_and_numbers(void **state)
{
    (void)state;
    const char *old =
        "{\n"
        "  \"notes\": \"hand written\",\n"
        "  \"version\": \"1.0.0\",\n"
        "  \"generation_config\": {\"random_seed\": 20250101, \"model\": \"m\", \"temperature\": 0.70,\n"
        "                        \"big\": 12345678901234567890, \"exp\": 1E+3, \"neg\": -0.0,\n"
        "                        \"nested\": {\"a\": [1, [2, {\"b\": null}], true, false], \"empty\": {}, \"none\": []}},\n"
        "  \"tokenizer\": {\"name\": \"cl100k\", \"vocab\": 100277},\n"
        "  \"owners\": [\"a\", \"b\"],\n"
        "  \"changes\": {\"added\": 1, \"removed\": 0, \"modified\": 0, \"ticket\": \"DS-12\"},\n"
        "  \"count\": 7.0e0\n"
        "}\n";
    struct version_file *vf = sample();
    char *text = render(vf, old);
    char *want = xasprintf("{\n"
                           "  \"version\": \"1.1.0\",\n"
                           "  \"previous\": \"1.0.0\",\n"
                           "  \"created\": \"2025-01-02T00:00:00Z\",\n"
                           "%s"
                           "  \"generation_config\": {\n"
                           "    \"random_seed\": 20250101,\n"
                           "    \"model\": \"m\",\n"
                           "    \"temperature\": 0.70,\n"
                           "    \"big\": 12345678901234567890,\n"
                           "    \"exp\": 1E+3,\n"
                           "    \"neg\": -0.0,\n"
                           "    \"nested\": {\n"
                           "      \"a\": [\n"
                           "        1,\n"
                           "        [\n"
                           "          2,\n"
                           "          {\n"
                           "            \"b\": null\n"
                           "          }\n"
                           "        ],\n"
                           "        true,\n"
                           "        false\n"
                           "      ],\n"
                           "      \"empty\": {},\n"
                           "      \"none\": []\n"
                           "    }\n"
                           "  },\n"
                           "  \"tokenizer\": {\n"
                           "    \"name\": \"cl100k\",\n"
                           "    \"vocab\": 100277\n"
                           "  },\n"
                           "  \"changes\": {\n"
                           "    \"added\": 5,\n"
                           "    \"removed\": 1,\n"
                           "    \"modified\": 2,\n"
                           "    \"ticket\": \"DS-12\"\n"
                           "  },\n"
                           "  \"notes\": \"hand written\",\n"
                           "  \"owners\": [\n"
                           "    \"a\",\n"
                           "    \"b\"\n"
                           "  ],\n"
                           "  \"count\": 7.0e0\n"
                           "}\n",
                           SPLITS_TEXT);
    assert_string_equal(text, want);
    free(want);
    free(text);
    version_file_free(vf);
}

static void test_version_file__keeps_split_extras_drops_gone_splits(void **state)
{
    (void)state;
    const char *old = "{\"version\": \"1.0.0\", \"splits\": {\n"
                      "  \"train\": {\"path\": \"x\", \"examples\": 1, \"license\": \"cc-by-4.0\", \"files\": null},\n"
                      "  \"gone\": {\"path\": \"y\", \"examples\": 2}}}\n";
    struct version_file *vf = sample();
    char *text = render(vf, old);
    assert_non_null(strstr(text, "      \"checksum\": \"sha256:aa\",\n      \"license\": \"cc-by-4.0\"\n    },"));
    assert_null(strstr(text, "gone"));
    assert_null(strstr(text, "\"x\""));
    free(text);
    version_file_free(vf);
}

static void test_version_file__unicode(void **state)
{
    (void)state;
    const char *old = "{\"version\": \"1.0.0\", \"title\": \"caf\\u00e9 \xe6\x97\xa5\xe6\x9c\xac \\ud83d\\ude00\",\n"
                      " \"quote\": \"say \\\"hi\\\"\\n\\ttab \\/ slash\", \"\xc3\xa9t\xc3\xa9\": 1}\n";
    struct version_file *vf = sample();
    char *text = render(vf, old);
    /* strings come back as the same characters, written the one way dsci writes JSON */
    assert_non_null(strstr(text, "\"title\": \"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80\""));
    assert_non_null(strstr(text, "\"quote\": \"say \\\"hi\\\"\\n\\ttab / slash\""));
    assert_non_null(strstr(text, "\"\xc3\xa9t\xc3\xa9\": 1"));
    free(text);
    version_file_free(vf);
}

static void test_version_file__round_trip(void **state)
{
    (void)state;
    const char *old = "{\"x\": {\"deep\": [1.5e-3, \"\xe2\x82\xac\"]}, \"version\": \"0.9.0\",\n"
                      " \"generation_config\": {\"random_seed\": \"abc\", \"model\": \"gpt\"}}";
    struct version_file *vf = sample();
    char *once = render(vf, old);
    char *twice = render(vf, once);
    assert_string_equal(once, twice);

    /* and the parser reads back what was written */
    struct version_file *back = NULL;
    assert_int_equal(version_file_parse(&back, PATH, once, strlen(once)), 0);
    assert_string_equal(back->version, "1.1.0");
    assert_string_equal(back->previous, "1.0.0");
    assert_int_equal(back->n_splits, 2);
    assert_string_equal(back->splits[1].name, "test");
    assert_int_equal(back->splits[1].n_files, 2);
    assert_string_equal(back->splits[1].files[1].path, "data/test-1.jsonl");
    assert_string_equal(back->splits[1].files[1].checksum, "sha256:cc");
    assert_int_equal(back->splits[1].files[1].examples, 2);
    assert_int_equal(back->splits[1].files[1].bytes, 20);
    assert_true(back->has_changes);
    assert_int_equal(back->added, 5);
    assert_int_equal(back->removed, 1);
    assert_int_equal(back->modified, 2);
    assert_string_equal(back->seed_text, "abc");
    assert_string_equal(back->model, "gpt");
    version_file_free(back);
    free(once);
    free(twice);
    version_file_free(vf);
}

/* A file that does not parse is an error naming its line, and no text comes out. */
static void expect_error(const char *old, const char *want)
{
    struct version_file *vf = sample();
    char *out = (char *)"unchanged";
    size_t len = 1;
    int rc = version_file_render(&out, &len, vf, PATH, old, strlen(old));
    assert_int_equal(rc, DSCI_EUSAGE);
    assert_null(out);
    if (!strstr(err_last(), want))
        fail_msg("error '%s' lacks '%s'", err_last(), want);
    version_file_free(vf);
}

static void test_version_file__bad_file_errors_with_line(void **state)
{
    (void)state;
    expect_error("{\n  \"version\": \"1.0.0\",\n  \"splits\": {\n", PATH ":4: invalid version file");
    expect_error("{\n  \"version\": \"1.0.0\",\n  \"x\": [1,,2]\n}\n", PATH ":3: invalid version file");
    expect_error("{\n  \"created\": \"x\",\n  \"version\": 3\n}\n", PATH ":3: 'version' must be a string");
    expect_error("[1, 2]\n", PATH ":1: invalid version file: not a JSON object");
    expect_error("{\"version\": \"1.0.0\",\n\"splits\": {\"t\": {\"files\": [\n {\"path\": 7}]}}}",
                 PATH ":3: 'splits.t.files[0].path' must be a string");
    expect_error("{\"version\": \"1.0.0\",\n\"splits\": {\"t\": {\"files\": {}}}}",
                 PATH ":2: 'splits.t.files' must be a list of files");
    expect_error("{\"version\": \"1.0.0\",\n\"note\": \"a\\u0000b\"}", PATH ":2: a string holds \\u0000");
    /* an escaped backslash before u0000 is text, not a NUL */
    struct version_file *vf = sample();
    char *text = render(vf, "{\"note\": \"a\\\\u0000b\"}");
    assert_non_null(strstr(text, "\"note\": \"a\\\\u0000b\""));
    free(text);
    version_file_free(vf);
}

static void test_version_file__too_deep(void **state)
{
    (void)state;
    char old[4096];
    size_t n = 0;
    n += (size_t)snprintf(old + n, sizeof(old) - n, "{\"x\": ");
    for (int i = 0; i < 300; i++)
        old[n++] = '[';
    for (int i = 0; i < 300; i++)
        old[n++] = ']';
    old[n++] = '}';
    old[n] = '\0';
    struct version_file *vf = sample();
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(version_file_render(&out, &len, vf, PATH, old, n), DSCI_EUSAGE);
    assert_non_null(strstr(err_last(), "nest deeper"));
    assert_null(out);
    version_file_free(vf);
}

static void test_version_file__changes_of_other_shapes_read_as_absent(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "{\"changes\": \"many\"}",
        "{\"changes\": {\"added\": 1}}",
        "{\"changes\": {\"added\": -1, \"removed\": 0, \"modified\": 0}}",
        "{\"changes\": {\"added\": 1.5, \"removed\": 0, \"modified\": 0}}",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct version_file *vf = NULL;
        assert_int_equal(version_file_parse(&vf, PATH, texts[i], strlen(texts[i])), 0);
        assert_false(vf->has_changes);
        version_file_free(vf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_file__new_file_layout),
        cmocka_unit_test(test_version_file__previous_null),
        cmocka_unit_test(test_version_file__keeps_unknown_keys_and_numbers),
        cmocka_unit_test(test_version_file__keeps_split_extras_drops_gone_splits),
        cmocka_unit_test(test_version_file__unicode),
        cmocka_unit_test(test_version_file__round_trip),
        cmocka_unit_test(test_version_file__bad_file_errors_with_line),
        cmocka_unit_test(test_version_file__too_deep),
        cmocka_unit_test(test_version_file__changes_of_other_shapes_read_as_absent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
