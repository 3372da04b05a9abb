/*
 * The HTML report's escaper, its GitHub links (built only from valid runner values) and
 * the length buckets the quality and tokens gates count for its histograms, and the
 * token histograms drawn from them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"

#include "report/html.h"
#include "run/result.h"
#include "util/buf.h"

static char *escaped(const char *s, size_t max)
{
    struct buf b = BUF_INIT;
    html_text_cut(&b, s, max);
    return buf_detach(&b, NULL);
}

static void expect_escape(const char *in, const char *want)
{
    char *got = escaped(in, SIZE_MAX);
    assert_string_equal(got, want);
    free(got);
}

static void test_html__escapes_markup_and_quotes(void **state)
{
    (void)state;
    expect_escape("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
    expect_escape("\" onmouseover='x' & y", "&quot; onmouseover=&#39;x&#39; &amp; y");
    expect_escape("</svg><script>", "&lt;/svg&gt;&lt;script&gt;");
}

static void test_html__shows_controls_and_bidi_by_name(void **state)
{
    (void)state;
    expect_escape("a\xe2\x80\xae" "b", "a[U+202E]b");          /* RLO */
    expect_escape("\xe2\x81\xa6x\xe2\x81\xa9", "[U+2066]x[U+2069]");
    expect_escape("a\x01" "b\x7f" "c\xc2\x85", "a[U+0001]b[U+007F]c[U+0085]");
    expect_escape("line\nbreak\ttab", "line break tab");
    expect_escape("ok é 日本", "ok é 日本");
}

static void test_html__replaces_invalid_utf8(void **state)
{
    (void)state;
    expect_escape("a\xff" "b", "a\xef\xbf\xbd" "b");
    /* a lone surrogate: one U+FFFD per maximal subpart, as the other writers do */
    expect_escape("\xed\xb0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    expect_escape("x\xe2\x82", "x\xef\xbf\xbd");                     /* cut short */
}

static void test_html__cuts_at_code_points(void **state)
{
    (void)state;
    char *got = escaped("日本語テキスト", 3);
    assert_string_equal(got, "日本語…");
    free(got);
    got = escaped("abc", 3);
    assert_string_equal(got, "abc");
    free(got);
}

static void test_html__count_separates_thousands(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    html_count(&b, 13402);
    buf_addch(&b, ' ');
    html_count(&b, 999);
    buf_addch(&b, ' ');
    html_count(&b, 1000000);
    assert_string_equal(buf_cstr(&b), "13,402 999 1,000,000");
    buf_release(&b);
}

static void set_runner(const char *server, const char *repo, const char *sha)
{
    setenv("GITHUB_ACTIONS", "true", 1);
    setenv("GITHUB_SERVER_URL", server, 1);
    setenv("GITHUB_REPOSITORY", repo, 1);
    setenv("GITHUB_SHA", sha, 1);
    setenv("GITHUB_RUN_ID", "42", 1);
}

#define SHA "0123456789abcdef0123456789abcdef01234567"

static void test_html__links_only_from_valid_runner_values(void **state)
{
    (void)state;
    set_runner("https://github.com", "o/r", SHA);
    struct buf b = BUF_INIT;
    html_place(&b, "data/a b\"#.jsonl", 7, "", true);
    assert_string_equal(buf_cstr(&b), "<a href=\"https://github.com/o/r/blob/" SHA "/data/a%20b%22%23.jsonl#L7\">"
                                      "<code>data/a b&quot;#.jsonl:7</code></a>");
    char run[REPORT_RUN_URL_SIZE];
    assert_true(report_run_url(run));
    assert_string_equal(run, "https://github.com/o/r/actions/runs/42");

    const char *bad[][3] = {
        { "javascript:alert(1)//", "o/r", SHA },
        { "http://github.com", "o/r", SHA },
        { "https://github.com/x", "o/r", SHA },
        { "https://git\"hub.com", "o/r", SHA },
        { "https://github.com", "o/r/x", SHA },
        { "https://github.com", "o/..", SHA },
        { "https://github.com", "o/r\" onclick=\"x", SHA },
        { "https://github.com", "o/r", "abc" },
        { "https://github.com", "o/r", SHA "\"" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        set_runner(bad[i][0], bad[i][1], bad[i][2]);
        buf_reset(&b);
        html_place(&b, "data/a.jsonl", 3, "", true);
        assert_null(strstr(buf_cstr(&b), "href"));
    }
    set_runner("https://github.com", "o/r", SHA);
    setenv("GITHUB_RUN_ID", "42)[x](javascript:1", 1);
    assert_false(report_run_url(run));
    unsetenv("GITHUB_ACTIONS");
    buf_reset(&b);
    html_place(&b, "data/a.jsonl", 3, "", true);
    assert_string_equal(buf_cstr(&b), "<code>data/a.jsonl:3</code>");
    buf_release(&b);
}

static void test_html__length_buckets_double(void **state)
{
    (void)state;
    assert_int_equal(result_length_bucket(0), 0);
    assert_int_equal(result_length_bucket(1), 1);
    assert_int_equal(result_length_bucket(2), 2);
    assert_int_equal(result_length_bucket(3), 2);
    assert_int_equal(result_length_bucket(4), 3);
    assert_int_equal(result_length_bucket(1023), 10);
    assert_int_equal(result_length_bucket(1024), 11);
    assert_int_equal(result_length_bucket(UINT64_MAX), RESULT_LENGTH_BUCKETS - 1);
}

/* Tokens per example: one figure per split that counted something, from its first to its
 * last non-empty bucket (empty ones between shown as 0), the split's name escaped. */
static void test_html__token_charts_per_split(void **state)
{
    (void)state;
    struct result r;
    result_init(&r);
    struct report_options o = { 0 };
    struct buf b = BUF_INIT;
    html_token_length_charts(&b, &r, &o);
    assert_int_equal(b.len, 0);   /* the tokens gate did not count */

    char *names[] = { "<b>train", "empty" };
    r.n_splits = 2;
    r.split_names = names;
    r.token_lengths.n_splits = 2;
    r.token_lengths.counts = calloc(2, sizeof(*r.token_lengths.counts));
    assert_non_null(r.token_lengths.counts);
    r.token_lengths.counts[0][result_length_bucket(5)] = 3;      /* 4-7 */
    r.token_lengths.counts[0][result_length_bucket(40)] = 1200;  /* 32-63 */
    html_token_length_charts(&b, &r, &o);
    const char *page = buf_cstr(&b);
    assert_non_null(strstr(page, "<h2 id=\"token-lengths\">Tokens per example</h2>"));
    assert_non_null(strstr(page, "<figcaption>&lt;b&gt;train, tokens per example (1,203 examples)</figcaption>"));
    assert_non_null(strstr(page, "<tr><td>4–7</td><td class=\"n\">3</td></tr>\n"
                                 "<tr><td>8–15</td><td class=\"n\">0</td></tr>\n"
                                 "<tr><td>16–31</td><td class=\"n\">0</td></tr>\n"
                                 "<tr><td>32–63</td><td class=\"n\">1200</td></tr>\n</tbody>"));
    assert_null(strstr(page, "<b>"));
    assert_null(strstr(page, "empty"));   /* a split without examples has no figure */
    assert_null(strstr(page, "tok-1-t"));
    buf_release(&b);
    r.split_names = NULL;
    result_release(&r);
}

/* Tokens per message: per split a user and an assistant figure after the examples', only
 * for the roles that counted something; no section when no message counted. */
static void test_html__token_charts_per_role(void **state)
{
    (void)state;
    struct result r;
    result_init(&r);
    struct report_options o = { 0 };
    struct buf b = BUF_INIT;
    char *names[] = { "train", "val" };
    r.n_splits = 2;
    r.split_names = names;
    r.token_lengths.n_splits = 2;
    r.token_lengths.counts = calloc(2, sizeof(*r.token_lengths.counts));
    r.token_lengths.roles = calloc(2, sizeof(*r.token_lengths.roles));
    assert_non_null(r.token_lengths.counts);
    assert_non_null(r.token_lengths.roles);
    r.token_lengths.counts[0][result_length_bucket(30)] = 2;
    html_token_length_charts(&b, &r, &o);
    assert_null(strstr(buf_cstr(&b), "token-roles"));   /* only system messages, say */

    r.token_lengths.roles[0][RESULT_ROLE_USER][result_length_bucket(9)] = 2;          /* 8-15 */
    r.token_lengths.roles[0][RESULT_ROLE_ASSISTANT][result_length_bucket(20)] = 1;    /* 16-31 */
    r.token_lengths.roles[0][RESULT_ROLE_ASSISTANT][result_length_bucket(70)] = 1001; /* 64-127 */
    buf_reset(&b);
    html_token_length_charts(&b, &r, &o);
    const char *page = buf_cstr(&b);
    const char *roles = strstr(page, "<h2 id=\"token-roles\">Tokens per message</h2>");
    assert_non_null(roles);
    assert_true(strstr(page, "tokens per example (2 examples)") < roles);
    assert_non_null(strstr(roles, "<figcaption>train, tokens per user message (2 messages)</figcaption>"));
    assert_non_null(strstr(roles, "<title id=\"tok-0-0-t\">Lengths of train user messages in tokens"));
    assert_non_null(strstr(roles, "<figcaption>train, tokens per assistant message (1,002 messages)</figcaption>"));
    assert_non_null(strstr(roles, "<tr><td>16–31</td><td class=\"n\">1</td></tr>\n"
                                  "<tr><td>32–63</td><td class=\"n\">0</td></tr>\n"
                                  "<tr><td>64–127</td><td class=\"n\">1001</td></tr>\n</tbody>"));
    assert_true(strstr(roles, "tokens per user message") < strstr(roles, "tokens per assistant message"));
    assert_null(strstr(page, "val, tokens per"));   /* a split that counted nothing has no figure */
    assert_null(strstr(page, "tok-1-0-t"));
    buf_release(&b);
    r.split_names = NULL;
    result_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html__escapes_markup_and_quotes),
        cmocka_unit_test(test_html__shows_controls_and_bidi_by_name),
        cmocka_unit_test(test_html__replaces_invalid_utf8),
        cmocka_unit_test(test_html__cuts_at_code_points),
        cmocka_unit_test(test_html__count_separates_thousands),
        cmocka_unit_test(test_html__links_only_from_valid_runner_values),
        cmocka_unit_test(test_html__length_buckets_double),
        cmocka_unit_test(test_html__token_charts_per_split),
        cmocka_unit_test(test_html__token_charts_per_role),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
