/*
 * The Mermaid charts of the markdown summary: the label escaper against hostile names
 * (each output is checked to be one Mermaid string of safe bytes, as the grammar
 * reads it), and the charts' shape, caps and size.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"

#include "report/markdown_charts.h"
#include "report/report.h"
#include "run/compare.h"
#include "run/result.h"
#include "util/buf.h"
#include "util/utf8.h"

static char *label(const char *name, size_t max)
{
    struct buf b = BUF_INIT;
    mermaid_label(&b, name, max);
    return (char *)buf_cstr(&b);
}

/* What a safe label is, checked byte by byte: one "..." string with no quote, line
 * break, backtick, %, <, >, &, ':' or control byte inside, no bidi or invisible format
 * character, valid UTF-8, and every # the start of a numeric entity code. */
static void assert_safe_label(const char *l)
{
    size_t len = strlen(l);
    assert_true(len >= 2);
    assert_int_equal(l[0], '"');
    assert_int_equal(l[len - 1], '"');
    assert_int_equal(utf8_invalid_at((const unsigned char *)l, len), len);
    for (size_t i = 1; i + 1 < len; i++) {
        unsigned char c = (unsigned char)l[i];
        assert_true(c >= 0x20 && c != 0x7f);
        assert_null(strchr("\"`%<>&:;[]{}\\|*=@$^~", c));
        if (c == '#') {
            size_t k = i + 1;
            while (l[k] >= '0' && l[k] <= '9')
                k++;
            assert_true(k > i + 1);
            assert_int_equal(l[k], ';');
            i = k;
            continue;
        }
    }
    static const char *const hidden[] = { "\xe2\x80\xae", "\xe2\x80\xad", "\xe2\x81\xa6", "\xe2\x81\xa9",
                                          "\xe2\x80\x8b", "\xe2\x80\xa8", "\xef\xbb\xbf", "\xc2\x85" };
    for (size_t h = 0; h < sizeof(hidden) / sizeof(*hidden); h++)
        assert_null(strstr(l, hidden[h]));
}

static void test_mermaid__plain_names_stay_readable(void **state)
{
    (void)state;
    char *l = label("Create", 40);
    assert_string_equal(l, "\"Create\"");
    free(l);
    l = label("Multi-turn (long), v2/b_c!", 40);
    assert_string_equal(l, "\"Multi-turn (long), v2/b_c!\"");
    free(l);
    l = label("日本語 café", 40);
    assert_string_equal(l, "\"日本語 café\"");
    free(l);
}

static void test_mermaid__hostile_names_are_inert(void **state)
{
    (void)state;
    static const char *const hostile[] = {
        "a\"b", "x\", \"y", "]\n  bar [1]", "```\n# heading", "%%{init: {'theme':'dark'}}%%", "a %% b",
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "&amp; &lt;", "#quot; #35;", "`md`",
        "\"`**bold**`\"", "style a fill:#f00;", "classDef x fill:#f00;", "tab\there\r\nnew",
        "bell\a esc\x1b[31m del\x7f", "rtl \xe2\x80\xae evil \xe2\x80\xac", "iso \xe2\x81\xa6x\xe2\x81\xa9",
        "zw\xe2\x80\x8bsp", "nel\xc2\x85", "bom\xef\xbb\xbf", "ls\xe2\x80\xa8ps\xe2\x80\xa9",
        "bad \xff\xfe utf8 \xed\xa0\x80", "javascript:alert(1)", "{{x}} [y] \\z |w| *v* =u @t $s ^r ~q",
        "",
    };
    for (size_t i = 0; i < sizeof(hostile) / sizeof(*hostile); i++) {
        char *l = label(hostile[i], 40);
        assert_safe_label(l);
        free(l);
    }
    char *l = label("a\"b<c>&d:e%f#g`h", 40);
    assert_string_equal(l, "\"a#34;b#60;c#62;#38;d#58;e#37;f#35;g#96;h\"");
    free(l);
    l = label("", 40);
    assert_string_equal(l, "\"(empty)\"");
    free(l);
    l = label("rtl\xe2\x80\xaeX", 40);
    assert_string_equal(l, "\"rtl\xef\xbf\xbdX\"");
    free(l);
}

static void test_mermaid__long_names_are_cut(void **state)
{
    (void)state;
    char *l = label("abcdefghij", 4);
    assert_string_equal(l, "\"abcd\xe2\x80\xa6\"");
    free(l);
    l = label("abcd", 4);
    assert_string_equal(l, "\"abcd\"");
    free(l);
    l = label("ééééé", 3);   /* characters, not bytes */
    assert_string_equal(l, "\"ééé\xe2\x80\xa6\"");
    free(l);
}

static struct section *coverage(struct result *r, size_t n, const char *const *names)
{
    struct section *s = result_add_section(r, "coverage", "COVERAGE", LEVEL_BLOCK, (struct spec_loc){ 0, 0 });
    for (size_t i = 0; i < n; i++) {
        char id[64], name[64];
        snprintf(id, sizeof(id), "coverage.%zu", i);
        if (names)
            snprintf(name, sizeof(name), "%s", names[i]);
        else
            snprintf(name, sizeof(name), "cat%zu", i);
        struct check *c = result_add_check(s, id, name);
        c->value = (double)(i * 10);
        c->threshold = 15;
        c->status = c->value < c->threshold ? STATUS_FAIL : STATUS_PASS;
    }
    return s;
}

static char *chart(const struct result *r)
{
    struct report_options o = { 0 };
    struct buf b = BUF_INIT;
    markdown_coverage_chart(&b, r, &o);
    return (char *)buf_cstr(&b);
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
        n++;
    return n;
}

static void test_mermaid__coverage_chart_shape(void **state)
{
    (void)state;
    struct result r;
    result_init(&r);
    static const char *const names[] = { "Create", "x\"]\n```\n<b>", "Query" };
    coverage(&r, 3, names);
    char *c = chart(&r);
    assert_non_null(strstr(c, "```mermaid\nxychart-beta\n"));
    assert_non_null(strstr(c, "  x-axis [\"Create\", \"x#34;#93; #96;#96;#96; #60;b#62;\", \"Query\"]\n"));
    assert_non_null(strstr(c, "  y-axis \"Examples\" 0 --> 20\n"));
    assert_non_null(strstr(c, "  bar \"this run\" [0, 10, 20]\n"));
    assert_non_null(strstr(c, "  line \"minimum\" [15, 15, 15]\n"));
    assert_null(strstr(c, "baseline"));
    assert_int_equal(count(c, "```"), 2);   /* the fence opens and closes, nothing else */
    free(c);
    result_release(&r);
}

/* With a baseline, each category's baseline bar stands beside its own, named on the
 * axis: Mermaid draws series over each other and has no legend. */
static void test_mermaid__baseline_beside_this_run(void **state)
{
    (void)state;
    struct result r;
    result_init(&r);
    static const char *const names[] = { "Create", "Query" };
    coverage(&r, 2, names);
    struct comparison cmp = { .have = true };
    char *base_names[] = { "Query", "Create" };
    uint64_t base_counts[] = { 4, 25 };
    cmp.base.n_categories = 2;
    cmp.base.category_names = base_names;
    cmp.base.metrics.category_counts = base_counts;
    struct report_options o = { .comparison = &cmp };
    struct buf b = BUF_INIT;
    markdown_coverage_chart(&b, &r, &o);
    const char *c = buf_cstr(&b);
    assert_non_null(strstr(c, "  x-axis [\"Create\", \"Create (baseline)\", \"Query\", \"Query (baseline)\"]\n"));
    assert_non_null(strstr(c, "  y-axis \"Examples\" 0 --> 25\n"));
    assert_non_null(strstr(c, "  bar \"this run\" [0, 0, 10, 0]\n"));
    assert_non_null(strstr(c, "  bar \"baseline\" [0, 25, 0, 4]\n"));
    assert_non_null(strstr(c, "  line \"minimum\" [15, 15, 15, 15]\n"));
    assert_int_equal(count(c, "```"), 2);
    buf_release(&b);

    /* the cap counts places: half as many categories, the furthest below first */
    result_release(&r);
    result_init(&r);
    coverage(&r, 40, NULL);
    b = (struct buf)BUF_INIT;
    char *one[] = { "cat39" };
    cmp.base.category_names = one;
    cmp.base.n_categories = 1;
    markdown_coverage_chart(&b, &r, &o);
    c = buf_cstr(&b);
    assert_non_null(strstr(c, "The chart shows 15 of 40 categories"));
    assert_non_null(strstr(c, "xychart-beta horizontal\n"));
    buf_release(&b);
    result_release(&r);
}

static void test_mermaid__coverage_chart_caps_bars(void **state)
{
    (void)state;
    struct result r;
    result_init(&r);
    coverage(&r, 200, NULL);
    char *c = chart(&r);
    const char *axis = strstr(c, "x-axis [");
    assert_non_null(axis);
    size_t labels = 0;
    for (const char *p = axis; *p != '\n'; p++)
        labels += *p == '"';
    assert_int_equal(labels / 2, MERMAID_MAX_BARS);
    assert_non_null(strstr(c, "```mermaid\nxychart-beta horizontal\n"));   /* a label per row */
    /* the two below their minimum first (cat0, cat1), then the largest; in spec order */
    assert_non_null(strstr(c, "x-axis [\"cat0\", \"cat1\", \"cat172\","));
    assert_non_null(strstr(c, "\"cat199\"]"));
    assert_non_null(strstr(c, "The chart shows 30 of 200 categories"));
    assert_non_null(strstr(c, "170 more are in the table"));
    assert_true(strlen(c) < 4000);
    free(c);
    result_release(&r);
}

static void test_mermaid__long_names_lie_on_their_side(void **state)
{
    (void)state;
    struct result r;
    result_init(&r);
    static const char *const names[] = { "Multi-turn tool use with retries", "Refusals of unsafe requests",
                                         "Summaries of long documents", "Code review comments" };
    coverage(&r, 4, names);
    char *c = chart(&r);
    assert_non_null(strstr(c, "```mermaid\nxychart-beta horizontal\n"));
    assert_non_null(strstr(c, "\"Multi-turn tool use with\xe2\x80\xa6\""));
    free(c);
    result_release(&r);
}

static void test_mermaid__split_chart(void **state)
{
    (void)state;
    struct result r;
    result_init(&r);
    char *names[] = { "train", "te\"st", "empty" };
    uint64_t counts[] = { 90, 10, 0 };
    r.n_splits = 3;
    r.split_names = names;
    r.metrics.split_examples = counts;
    struct buf b = BUF_INIT;
    markdown_split_chart(&b, &r, NULL);
    const char *c = buf_cstr(&b);
    assert_non_null(strstr(c, "```mermaid\npie showData\n"));
    assert_non_null(strstr(c, "  \"train\" : 90\n  \"te#34;st\" : 10\n```"));
    assert_non_null(strstr(c, "1 split with no examples is not drawn"));
    buf_release(&b);

    r.n_splits = 1;   /* one split: nothing to compare */
    markdown_split_chart(&b, &r, NULL);
    assert_int_equal(b.len, 0);
    r.split_names = NULL;
    r.metrics.split_examples = NULL;
    r.n_splits = 0;
    result_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mermaid__plain_names_stay_readable),
        cmocka_unit_test(test_mermaid__hostile_names_are_inert),
        cmocka_unit_test(test_mermaid__long_names_are_cut),
        cmocka_unit_test(test_mermaid__coverage_chart_shape),
        cmocka_unit_test(test_mermaid__baseline_beside_this_run),
        cmocka_unit_test(test_mermaid__coverage_chart_caps_bars),
        cmocka_unit_test(test_mermaid__long_names_lie_on_their_side),
        cmocka_unit_test(test_mermaid__split_chart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
