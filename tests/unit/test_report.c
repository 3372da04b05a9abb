/*
 * Reporters, the JSON escaper and the clock: results are built by hand, written to
 * a memory stream and compared with the exact expected bytes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_helpers.h"

#include "report/report.h"
#include "run/result.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/json_write.h"
#include "util/xalloc.h"

#define RULE "==================================================\n"

static const struct spec_loc no_loc = { 0, 0 };

static char *render(const struct reporter *rep, const struct result *r,
                    const struct report_options *opts)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(rep->write(f, r, opts), 0);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(strlen(text), len);
    return text;
}

static char *json_string(const char *s, size_t len)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    assert_non_null(f);
    json_write_string(f, s, len);
    assert_int_equal(fclose(f), 0);
    return text;
}

static char *json_number(double v)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    assert_non_null(f);
    json_write_number(f, v);
    assert_int_equal(fclose(f), 0);
    return text;
}

static void fill_header(struct result *r)
{
    r->date = xstrdup("2025-01-01T15:30:00Z");
    r->spec_path = xstrdup("specs/task-api.yaml");
    r->dataset_name = xstrdup("task-api");
    r->source = xstrdup("worktree");
}

static void build_pass(struct result *r)
{
    result_init(r);
    fill_header(r);
    r->version = xstrdup("1.0.0");
    result_add_note(r, "format auto: %s is sharegpt", "train.jsonl");

    struct section *s = result_add_section(r, "format", "FORMAT", LEVEL_BLOCK, no_loc);
    struct check *c = result_add_check(s, "format.valid_json", "Valid JSON");
    check_set_value(c, "%d/%d (%d%%)", 106, 106, 100);
    c->value = 100;

    s = result_add_section(r, "coverage", "COVERAGE", LEVEL_BLOCK, (struct spec_loc){ 14, 3 });
    c = result_add_check(s, "coverage.Create", "Create");
    check_set_value(c, "28 examples");
    check_set_threshold(c, "target: 20");
    c->value = 28;
    c->threshold = 20;
    c = result_add_check(s, "coverage.Other", "Other");
    c->status = STATUS_SKIP;

    s = result_add_section(r, "quality", "QUALITY", LEVEL_WARN, no_loc);
    c = result_add_check(s, "quality.human_length", "Avg human length");
    check_set_value(c, "42.3 chars");
    check_set_threshold(c, "target: 30-80");
    c = result_add_check(s, "splits.train", "Splits");
    check_set_threshold(c, "ratio 0.8");

    s = result_add_section(r, "regression", "REGRESSION", LEVEL_BLOCK, no_loc);
    s->note = xstrdup("no baseline: regression gates skipped");
}

static const char pass_report[] =
    RULE
    "DATASET VALIDATION REPORT\n"
    RULE
    "Date: 2025-01-01T15:30:00Z\n"
    "Version: 1.0.0\n"
    "Dataset: task-api (specs/task-api.yaml)\n"
    "Source: worktree\n"
    "Note: format auto: train.jsonl is sharegpt\n"
    "\n"
    "FORMAT\n"
    "  [PASS] Valid JSON: 106/106 (100%)\n"
    "COVERAGE\n"
    "  [PASS] Create: 28 examples (target: 20)\n"
    "  [SKIP] Other\n"
    "QUALITY\n"
    "  [PASS] Avg human length: 42.3 chars (target: 30-80)\n"
    "  [PASS] Splits (ratio 0.8)\n"
    "REGRESSION\n"
    "  no baseline: regression gates skipped\n"
    RULE
    "RESULT: PASS\n"
    "Dataset is production-ready for fine-tuning.\n"
    RULE;

/* Sections in an order that puts a non-blocking FAIL before the blocking ones. */
static void build_fail(struct result *r)
{
    result_init(r);
    fill_header(r);
    r->baseline = xstrdup("dataset-v1.2.0");

    struct section *s = result_add_section(r, "quality", "QUALITY", LEVEL_WARN, no_loc);
    struct check *c = result_add_check(s, "quality.human_length", "Avg human length");
    check_set_value(c, "12.0 chars");
    check_set_threshold(c, "target: 30-80");
    check_set_remediation(c, "lengthen human turns");
    check_add_finding(c, NULL, 0, "out_of_band", "mean is far below the band");
    c->status = STATUS_FAIL;
    check_apply_level(c, LEVEL_WARN, true);
    c = result_add_check(s, "quality.unique_messages", "Unique messages");
    check_set_value(c, "92.0%%");
    check_set_threshold(c, "target: 95%%");
    check_set_remediation(c, "raise the share of distinct messages");
    check_add_finding(c, "data/splits/val.jsonl", 0, "repeated", "3 repeated messages");
    c->status = STATUS_FAIL;
    check_apply_level(c, LEVEL_WARN, false);

    s = result_add_section(r, "format", "FORMAT", LEVEL_BLOCK, (struct spec_loc){ 12, 3 });
    c = result_add_check(s, "format.valid_json", "Valid JSON");
    check_set_value(c, "64/106 (60%%)");
    check_set_threshold(c, "target: 100%%");
    for (size_t i = 1; i <= 42; i++)
        check_add_finding(c, "data/splits/train.jsonl", i, "invalid_json",
                          "unexpected '}' at column %zu", i + 10);
    c->status = STATUS_FAIL;
    check_apply_level(c, LEVEL_BLOCK, false);

    s = result_add_section(r, "coverage", "COVERAGE", LEVEL_BLOCK, no_loc);
    c = result_add_check(s, "coverage.Create", "Create");
    check_set_value(c, "28 examples");
    check_set_threshold(c, "target: 20");
    c = result_add_check(s, "coverage.Delete", "Delete");
    check_set_value(c, "10 examples");
    check_set_threshold(c, "target: 15");
    check_set_remediation(c, "add at least 5 more 'Delete' examples");
    c->value = 10;
    c->threshold = 15;
    c->status = STATUS_FAIL;
    check_apply_level(c, LEVEL_BLOCK, false);
}

#define FAIL_STEPS                                                   \
    "REMEDIATION STEPS:\n"                                           \
    "1. fix format check 'Valid JSON'\n"                             \
    "   data/splits/train.jsonl:1: unexpected '}' at column 11\n"    \
    "   data/splits/train.jsonl:2: unexpected '}' at column 12\n"    \
    "   data/splits/train.jsonl:3: unexpected '}' at column 13\n"    \
    "   data/splits/train.jsonl:4: unexpected '}' at column 14\n"    \
    "   data/splits/train.jsonl:5: unexpected '}' at column 15\n"    \
    "   ... and 37 more\n"                                           \
    "2. add at least 5 more 'Delete' examples\n"                     \
    "3. lengthen human turns\n"                                      \
    "   mean is far below the band\n"

#define FAIL_VERDICT                                                 \
    RULE                                                             \
    "RESULT: FAIL\n"                                                 \
    "Dataset does not meet production criteria.\n"                   \
    "Blocking failures: 2\n"                                         \
    RULE

static const char fail_report[] =
    RULE
    "DATASET VALIDATION REPORT\n"
    RULE
    "Date: 2025-01-01T15:30:00Z\n"
    "Version: unversioned\n"
    "Dataset: task-api (specs/task-api.yaml)\n"
    "Source: worktree\n"
    "Baseline: dataset-v1.2.0\n"
    "\n"
    "QUALITY\n"
    "  [FAIL] Avg human length: 12.0 chars (target: 30-80)\n"
    "  [WARN] Unique messages: 92.0% (target: 95%)\n"
    "FORMAT\n"
    "  [FAIL] Valid JSON: 64/106 (60%) (target: 100%)\n"
    "COVERAGE\n"
    "  [PASS] Create: 28 examples (target: 20)\n"
    "  [FAIL] Delete: 10 examples (target: 15)\n"
    FAIL_VERDICT
    "\n"
    FAIL_STEPS
    "\n"
    "WARNINGS:\n"
    "1. raise the share of distinct messages\n"
    "   data/splits/val.jsonl: 3 repeated messages\n";

static void test_report__text_pass_exact(void **state)
{
    (void)state;
    struct result r;
    build_pass(&r);
    struct report_options opts = { 0 };
    char *text = render(&report_text, &r, &opts);
    assert_string_equal(text, pass_report);
    free(text);

    /* No options at all behaves like the defaults. */
    text = render(&report_text, &r, NULL);
    assert_string_equal(text, pass_report);
    free(text);
    result_release(&r);
}

static void test_report__text_fail_exact(void **state)
{
    (void)state;
    struct result r;
    build_fail(&r);
    assert_false(result_passed(&r));
    struct report_options opts = { 0 };
    char *text = render(&report_text, &r, &opts);
    assert_string_equal(text, fail_report);
    free(text);
    result_release(&r);
}

static void test_report__text_max_examples(void **state)
{
    (void)state;
    struct result r;
    build_fail(&r);
    struct report_options opts = { .max_examples = 2 };
    char *text = render(&report_text, &r, &opts);
    assert_non_null(strstr(text, "   data/splits/train.jsonl:2: unexpected '}' at column 12\n"
                                 "   ... and 40 more\n"
                                 "2. add at least"));
    assert_null(strstr(text, "train.jsonl:3:"));
    free(text);

    /* Beyond RESULT_MAX_FINDINGS the count still covers the findings not stored. */
    struct check *c = &r.sections[1].checks[0];
    for (size_t i = 0; i < RESULT_MAX_FINDINGS + 10; i++)
        check_add_finding(c, "data/splits/train.jsonl", 100 + i, "invalid_json", "bad");
    assert_int_equal(c->n_findings, RESULT_MAX_FINDINGS);
    opts.max_examples = 0;
    text = render(&report_text, &r, &opts);
    assert_non_null(strstr(text, "   ... and 1047 more\n"));
    free(text);
    result_release(&r);
}

static void test_report__text_quiet(void **state)
{
    (void)state;
    struct result r;
    build_fail(&r);
    struct report_options opts = { .quiet = true };
    char *text = render(&report_text, &r, &opts);
    assert_string_equal(text,
                        RULE
                        "DATASET VALIDATION REPORT\n"
                        RULE
                        "QUALITY\n"
                        "  [FAIL] Avg human length: 12.0 chars (target: 30-80)\n"
                        "  [WARN] Unique messages: 92.0% (target: 95%)\n"
                        "FORMAT\n"
                        "  [FAIL] Valid JSON: 64/106 (60%) (target: 100%)\n"
                        "COVERAGE\n"
                        "  [FAIL] Delete: 10 examples (target: 15)\n"
                        FAIL_VERDICT
                        "\n"
                        FAIL_STEPS);
    free(text);
    result_release(&r);

    build_pass(&r);
    text = render(&report_text, &r, &opts);
    assert_string_equal(text,
                        RULE
                        "DATASET VALIDATION REPORT\n"
                        RULE
                        RULE
                        "RESULT: PASS\n"
                        "Dataset is production-ready for fine-tuning.\n"
                        RULE);
    free(text);
    result_release(&r);
}

static void test_report__text_pass_lists_warnings(void **state)
{
    (void)state;
    struct result r;
    build_pass(&r);
    struct section *s = result_add_section(&r, "pii", "PII", LEVEL_WARN, no_loc);
    struct check *c = result_add_check(s, "pii.email", "Email addresses");
    check_set_value(c, "2 found");
    check_add_finding(c, "data/splits/train.jsonl", 7, "email", "email address 'a@b.io'");
    c->status = STATUS_FAIL;
    check_apply_level(c, LEVEL_WARN, true);
    /* A warning with nothing to act on stays out of the list. */
    c = result_add_check(s, "pii.phone", "Phone numbers");
    c->status = STATUS_WARN;
    c = result_add_check(s, "pii.ipv4", "IPv4 addresses");
    c->status = STATUS_WARN;
    check_set_remediation(c, "replace addresses with documentation ranges");

    assert_true(result_passed(&r));
    struct report_options opts = { 0 };
    char *text = render(&report_text, &r, &opts);
    const char *tail = strstr(text, "RESULT: PASS\n");
    assert_non_null(tail);
    assert_string_equal(tail,
                        "RESULT: PASS\n"
                        "Dataset is production-ready for fine-tuning.\n"
                        RULE
                        "\n"
                        "WARNINGS:\n"
                        "1. fix pii check 'Email addresses'\n"
                        "   data/splits/train.jsonl:7: email address 'a@b.io'\n"
                        "2. replace addresses with documentation ranges\n");
    assert_non_null(strstr(text, "PII\n  [FAIL] Email addresses: 2 found\n"
                                 "  [WARN] Phone numbers\n  [WARN] IPv4 addresses\n"));
    free(text);
    result_release(&r);
}

static void test_report__text_color_only_when_asked(void **state)
{
    (void)state;
    struct result r;
    build_fail(&r);
    struct report_options opts = { .color = true };
    char *text = render(&report_text, &r, &opts);
    assert_non_null(strstr(text, "  \033[32m[PASS]\033[0m Create: 28 examples"));
    assert_non_null(strstr(text, "  \033[33m[WARN]\033[0m Unique messages"));
    assert_non_null(strstr(text, "  \033[1;31m[FAIL]\033[0m Delete: 10 examples"));
    assert_non_null(strstr(text, "\033[1;31mRESULT: FAIL\033[0m\n"));
    free(text);

    opts.color = false;
    text = render(&report_text, &r, &opts);
    assert_null(strchr(text, '\033'));
    free(text);
    result_release(&r);

    build_pass(&r);
    opts.color = true;
    text = render(&report_text, &r, &opts);
    assert_non_null(strstr(text, "\033[32mRESULT: PASS\033[0m\n"));
    assert_non_null(strstr(text, "  [SKIP] Other\n"));
    free(text);
    result_release(&r);
}

static void test_report__text_sanitises_control_characters(void **state)
{
    (void)state;
    struct result r;
    build_fail(&r);
    struct check *c = &r.sections[2].checks[1];
    free(c->findings);
    c->findings = NULL;
    c->n_findings = c->alloc_findings = 0;
    c->findings_total = 0;
    check_add_finding(c, "data/\033[2Jx.jsonl", 3, "evil",
                      "a\033]0;pwned\007b\tc\rd\x7f" "e\xc2\x9b" "31mf\x9bg caf\xc3\xa9 \xe2\x9c\x93"
                      " \xe2\x80\xaeRLO\xe2\x80\xa8LS\xe2\x81\xa6");
    check_set_value(c, "10\033[1A examples");
    free(c->name);
    c->name = xstrdup("Del\x1b" "ete");

    struct report_options opts = { 0 };
    char *text = render(&report_text, &r, &opts);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        assert_true(*p >= 0x20 || *p == '\n');
        assert_true(*p != 0x7f && *p != 0x9b);
    }
    assert_non_null(strstr(text, "  [FAIL] Del?ete: 10?[1A examples (target: 15)\n"));
    assert_non_null(strstr(text, "2. add at least 5 more 'Delete' examples\n"
                                 "   data/?[2Jx.jsonl:3: a?]0;pwned?b?c?d?e?31mf?g caf\xc3\xa9 \xe2\x9c\x93"
                                 " ?RLO?LS?\n"));
    free(text);
    result_release(&r);
}

static void test_report__text_write_error(void **state)
{
    (void)state;
    FILE *f = fopen("/dev/full", "w");
    if (!f)
        skip();
    struct result r;
    build_pass(&r);
    err_clear();
    assert_int_equal(report_text.write(f, &r, NULL), DSCI_EENV);
    assert_int_equal(err_last_code(), DSCI_EENV);
    assert_int_equal(report_json.write(f, &r, NULL), DSCI_EENV);
    fclose(f);
    result_release(&r);
}

/* Runs the JSON through python3's and jq's parsers when they are installed. */
static void assert_parses(const char *json)
{
    char path[] = "/tmp/dsci_test_report_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(json);
    assert_int_equal(write(fd, json, len), (ssize_t)len);
    close(fd);
    char *cmd = NULL;
    if (system("command -v python3 >/dev/null 2>&1") == 0) {
        cmd = xasprintf("python3 -m json.tool '%s' >/dev/null", path);
        assert_int_equal(system(cmd), 0);
        free(cmd);
    }
    if (system("command -v jq >/dev/null 2>&1") == 0) {
        cmd = xasprintf("jq -e '.gates | length >= 0' '%s' >/dev/null", path);
        assert_int_equal(system(cmd), 0);
        free(cmd);
    }
    unlink(path);
}

static void add_metrics(struct result *r)
{
    static char *splits[] = { "train", "validation", "test" };
    static char *categories[] = { "Create", "Delete" };
    r->metrics.records = 106;
    r->metrics.valid_json = 64;
    r->metrics.examples = 64;
    r->metrics.bytes = 123456;
    r->metrics.files = 3;
    r->metrics.human_length = 42.3;
    r->metrics.assistant_length = NAN;
    r->metrics.unique_messages = 92.0;
    r->metrics.turn_variance = 0.1;
    r->n_splits = 3;
    r->split_names = splits;
    r->metrics.split_examples = xcalloc(3, sizeof(uint64_t));
    r->metrics.split_examples[0] = 50;
    r->metrics.split_examples[1] = 7;
    r->metrics.split_examples[2] = 7;
    r->n_categories = 2;
    r->category_names = categories;
    r->metrics.category_counts = xcalloc(3, sizeof(uint64_t));
    r->metrics.category_counts[0] = 28;
    r->metrics.category_counts[1] = 10;
    r->metrics.category_counts[2] = 26;
    r->metrics.overlaps = 1;
}

static void test_report__json_fail(void **state)
{
    (void)state;
    struct result r;
    build_fail(&r);
    add_metrics(&r);
    result_add_note(&r, "quote \" and \\ and \x01 and \xff");
    /* Hostile dataset text in a finding must still give valid JSON. */
    check_add_finding(&r.sections[1].checks[0], "data/\"x\".jsonl", 99, "invalid_json",
                      "bad \xc3 byte \xe2\x80\xa8 and \033[31m");
    char *text = render(&report_json, &r, NULL);

    assert_true(strncmp(text, "{\n  \"dsci_version\": \"", 21) == 0);
    assert_non_null(strstr(text, "\n  \"date\": \"2025-01-01T15:30:00Z\",\n"
                                 "  \"spec\": \"specs/task-api.yaml\",\n"
                                 "  \"dataset\": \"task-api\",\n"
                                 "  \"version\": null,\n"
                                 "  \"source\": \"worktree\",\n"
                                 "  \"baseline\": \"dataset-v1.2.0\",\n"
                                 "  \"result\": \"fail\",\n"
                                 "  \"blocking_failures\": 2,\n"
                                 "  \"notes\": [\n"
                                 "    \"quote \\\" and \\\\ and \\u0001 and \\ufffd\"\n"
                                 "  ],\n"
                                 "  \"metrics\": {\n"
                                 "    \"records\": 106,\n"));
    assert_non_null(strstr(text, "    \"human_length\": 42.3,\n"
                                 "    \"assistant_length\": null,\n"
                                 "    \"unique_messages\": 92,\n"
                                 "    \"turn_variance\": 0.1,\n"
                                 "    \"splits\": {\n"
                                 "      \"train\": 50,\n"
                                 "      \"validation\": 7,\n"
                                 "      \"test\": 7\n"
                                 "    },\n"
                                 "    \"coverage\": {\n"
                                 "      \"Create\": 28,\n"
                                 "      \"Delete\": 10,\n"
                                 "      \"(none)\": 26\n"
                                 "    },\n"
                                 "    \"overlaps\": 1\n"
                                 "  },\n"
                                 "  \"gates\": [\n"
                                 "    {\n"
                                 "      \"gate\": \"quality\",\n"
                                 "      \"title\": \"QUALITY\",\n"
                                 "      \"level\": \"warn\",\n"
                                 "      \"status\": \"fail\",\n"
                                 "      \"spec_line\": null,\n"
                                 "      \"note\": null,\n"
                                 "      \"checks\": [\n"));
    assert_non_null(strstr(text, "          \"id\": \"quality.unique_messages\",\n"
                                 "          \"name\": \"Unique messages\",\n"
                                 "          \"status\": \"warn\",\n"
                                 "          \"blocking\": false,\n"
                                 "          \"value\": null,\n"
                                 "          \"value_text\": \"92.0%\",\n"
                                 "          \"threshold\": null,\n"
                                 "          \"threshold_text\": \"target: 95%\",\n"
                                 "          \"remediation\": \"raise the share of distinct messages\",\n"
                                 "          \"findings_total\": 1,\n"
                                 "          \"accepted\": 0,\n"
                                 "          \"findings\": [\n"
                                 "            {\n"
                                 "              \"path\": \"data/splits/val.jsonl\",\n"
                                 "              \"line\": null,\n"
                                 "              \"kind\": \"repeated\",\n"
                                 "              \"message\": \"3 repeated messages\",\n"
                                 "              \"accepted\": false\n"
                                 "            }\n"
                                 "          ]\n"));
    assert_non_null(strstr(text, "\"gate\": \"format\",\n"
                                 "      \"title\": \"FORMAT\",\n"
                                 "      \"level\": \"block\",\n"
                                 "      \"status\": \"fail\",\n"
                                 "      \"spec_line\": 12,\n"));
    assert_non_null(strstr(text, "\"blocking\": true,\n"
                                 "          \"value\": 10,\n"
                                 "          \"value_text\": \"10 examples\",\n"
                                 "          \"threshold\": 15,\n"));
    assert_non_null(strstr(text, "\"findings_total\": 43,\n"));
    assert_non_null(strstr(text, "\"path\": \"data/\\\"x\\\".jsonl\",\n"
                                 "              \"line\": 99,\n"
                                 "              \"kind\": \"invalid_json\",\n"
                                 "              \"message\": \"bad \\ufffd byte \\u2028 and \\u001b[31m\",\n"));
    assert_non_null(strstr(text, "\"remediation\": null,\n"));
    size_t len = strlen(text);
    assert_true(len > 7);
    assert_string_equal(text + len - 7, "\n  ]\n}\n");
    assert_parses(text);
    free(text);
    result_release(&r);
}

static void test_report__json_pass_and_empty(void **state)
{
    (void)state;
    struct result r;
    build_pass(&r);
    char *text = render(&report_json, &r, NULL);
    assert_non_null(strstr(text, "  \"version\": \"1.0.0\",\n"));
    assert_non_null(strstr(text, "  \"baseline\": null,\n  \"result\": \"pass\",\n"
                                 "  \"blocking_failures\": 0,\n"));
    /* No splits or categories: empty objects; a gate without checks is skipped. */
    assert_non_null(strstr(text, "    \"splits\": {},\n    \"coverage\": {},\n"));
    assert_non_null(strstr(text, "\"gate\": \"regression\",\n"
                                 "      \"title\": \"REGRESSION\",\n"
                                 "      \"level\": \"block\",\n"
                                 "      \"status\": \"skip\",\n"
                                 "      \"spec_line\": null,\n"
                                 "      \"note\": \"no baseline: regression gates skipped\",\n"
                                 "      \"checks\": []\n"));
    assert_non_null(strstr(text, "\"spec_line\": 14,\n"));
    assert_non_null(strstr(text, "\"findings\": []\n"));
    assert_parses(text);
    free(text);
    result_release(&r);

    /* A result with nothing in it at all is still a valid document. */
    result_init(&r);
    text = render(&report_json, &r, NULL);
    assert_non_null(strstr(text, "  \"date\": null,\n"));
    assert_non_null(strstr(text, "  \"notes\": [],\n"));
    assert_non_null(strstr(text, "  \"gates\": []\n}\n"));
    assert_parses(text);
    free(text);
    result_release(&r);
}

static void assert_json_string(const char *in, size_t len, const char *expected)
{
    char *out = json_string(in, len);
    assert_string_equal(out, expected);
    free(out);

    /* The buf variant writes the same bytes. */
    struct buf b = BUF_INIT;
    buf_addstr(&b, "x=");
    json_buf_string(&b, in, len);
    char *want = xasprintf("x=%s", expected);
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.ptr, want, b.len);
    free(want);
    buf_release(&b);
}

#define JS(lit, expected) assert_json_string(lit, sizeof(lit) - 1, expected)

static void test_report__json_string_escapes(void **state)
{
    (void)state;
    JS("", "\"\"");
    JS("plain text", "\"plain text\"");
    JS("a\"b\\c/d", "\"a\\\"b\\\\c/d\"");
    JS("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"");
    JS("\x01\x1b\x1f", "\"\\u0001\\u001b\\u001f\"");
    JS("del\x7f", "\"del\x7f\"");
    JS("a\0b", "\"a\\u0000b\"");
    /* Valid UTF-8 passes through; U+2028/U+2029 are escaped. */
    JS("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80\"");
    JS("\xe2\x80\xa8|\xe2\x80\xa9", "\"\\u2028|\\u2029\"");
    /* Invalid UTF-8: one U+FFFD per maximal bad subpart. */
    JS("\xff", "\"\\ufffd\"");
    JS("\xc3", "\"\\ufffd\"");
    JS("a\xc3", "\"a\\ufffd\"");
    JS("\xc3(", "\"\\ufffd(\"");
    JS("\xe2\x82x", "\"\\ufffdx\"");
    JS("\xc0\xaf", "\"\\ufffd\\ufffd\"");          /* overlong */
    JS("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""); /* surrogate */
    JS("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* above U+10FFFF */
    JS("\x80", "\"\\ufffd\"");

    /* The length is honoured: text after it is not read. */
    char *out = json_string("abcdef", 3);
    assert_string_equal(out, "\"abc\"");
    free(out);
    out = json_string(NULL, 5);
    assert_string_equal(out, "\"\"");
    free(out);
}

static void test_report__json_buf_string_respects_cap(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    b.max = 8;
    assert_int_equal(buf_addstr(&b, "ab"), 0);
    json_buf_string(&b, "0123456789", 10);
    assert_int_equal(b.len, 2);
    assert_string_equal(b.ptr, "ab");
    json_buf_string(&b, "xy", 2);
    assert_string_equal(b.ptr, "ab\"xy\"");
    buf_release(&b);
}

static void assert_number(double v, const char *expected)
{
    char *out = json_number(v);
    assert_string_equal(out, expected);
    free(out);
}

static void test_report__json_numbers(void **state)
{
    (void)state;
    assert_number(0, "0");
    assert_number(-0.0, "0");
    assert_number(1, "1");
    assert_number(-2.5, "-2.5");
    assert_number(42.3, "42.3");
    assert_number(0.1, "0.1");
    assert_number(1e300, "1e+300");
    assert_number(1.0 / 3.0, "0.3333333333333333");
    assert_number(123456789012.0, "123456789012");
    assert_number(9007199254740991.0, "9007199254740991");
    assert_number(NAN, "null");
    assert_number(INFINITY, "null");
    assert_number(-INFINITY, "null");
    /* Whatever is printed reads back as the same double. */
    double hard[] = { 0.1 + 0.2, 5e-324, 1.7976931348623157e308, -123.456e-7 };
    for (size_t i = 0; i < sizeof(hard) / sizeof(hard[0]); i++) {
        char *out = json_number(hard[i]);
        assert_true(strtod(out, NULL) == hard[i]);
        free(out);
    }
}

static void test_report__clock_source_date_epoch(void **state)
{
    (void)state;
    char *saved = getenv("SOURCE_DATE_EPOCH") ? xstrdup(getenv("SOURCE_DATE_EPOCH")) : NULL;

    setenv("SOURCE_DATE_EPOCH", "0", 1);
    char *d = clock_now_iso8601();
    assert_string_equal(d, "1970-01-01T00:00:00Z");
    free(d);
    setenv("SOURCE_DATE_EPOCH", "1735745400", 1);
    d = clock_now_iso8601();
    assert_string_equal(d, "2025-01-01T15:30:00Z");
    free(d);

    /* Invalid values fall back to the real clock. */
    const char *bad[] = { "", "abc", "-5", "12x", " 12", "1.5", "99999999999999999999999" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setenv("SOURCE_DATE_EPOCH", bad[i], 1);
        d = clock_now_iso8601();
        assert_int_equal(strlen(d), 20);
        assert_true(strncmp(d, "2024", 4) >= 0);
        assert_int_equal(d[10], 'T');
        assert_int_equal(d[19], 'Z');
        free(d);
    }

    d = clock_format_iso8601(951782400); /* leap day */
    assert_string_equal(d, "2000-02-29T00:00:00Z");
    free(d);

    if (saved)
        setenv("SOURCE_DATE_EPOCH", saved, 1);
    else
        unsetenv("SOURCE_DATE_EPOCH");
    free(saved);
}

/* The same note twice is said once; different notes stay, in order. */
static void test_report__identical_notes_once(void **state)
{
    struct result r;
    result_init(&r);
    for (int i = 0; i < 3; i++)
        result_add_note(&r, "Set dataset.version_file in %s", "specs/a.yaml");
    result_add_note(&r, "another note");
    result_add_note(&r, "Set dataset.version_file in %s", "specs/b.yaml");
    assert_int_equal(r.n_notes, 3);
    assert_string_equal(r.notes[0], "Set dataset.version_file in specs/a.yaml");
    assert_string_equal(r.notes[1], "another note");
    assert_string_equal(r.notes[2], "Set dataset.version_file in specs/b.yaml");
    result_release(&r);
}

static void test_report__find(void **state)
{
    (void)state;
    assert_ptr_equal(report_find("text"), &report_text);
    assert_ptr_equal(report_find("json"), &report_json);
    assert_null(report_find("TEXT"));
    assert_null(report_find("tex"));
    assert_null(report_find("json "));
    assert_null(report_find(""));
    assert_null(report_find(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report__text_pass_exact),
        cmocka_unit_test(test_report__text_fail_exact),
        cmocka_unit_test(test_report__text_max_examples),
        cmocka_unit_test(test_report__text_quiet),
        cmocka_unit_test(test_report__text_pass_lists_warnings),
        cmocka_unit_test(test_report__text_color_only_when_asked),
        cmocka_unit_test(test_report__text_sanitises_control_characters),
        cmocka_unit_test(test_report__text_write_error),
        cmocka_unit_test(test_report__json_fail),
        cmocka_unit_test(test_report__json_pass_and_empty),
        cmocka_unit_test(test_report__json_string_escapes),
        cmocka_unit_test(test_report__json_buf_string_respects_cap),
        cmocka_unit_test(test_report__json_numbers),
        cmocka_unit_test(test_report__clock_source_date_epoch),
        cmocka_unit_test(test_report__identical_notes_once),
        cmocka_unit_test(test_report__find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
