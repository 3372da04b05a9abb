/* gates/token_stats: exact nearest-rank percentiles over one split and over several. */
#include "test_helpers.h"

#include <stdlib.h>
#include <string.h>

#include "gates/token_stats.h"

static void test_token_stats__none_is_zero(void **state)
{
    (void)state;
    struct token_counts c = TOKEN_COUNTS_INIT;
    struct result_token_stats s = { .over = 2 };
    token_counts_stats(&s, &c, 1);
    assert_int_equal(s.examples, 0);
    assert_int_equal(s.total, 0);
    assert_int_equal(s.p50, 0);
    assert_int_equal(s.over, 2);   /* kept: the gate fills it */
    assert_true(s.mean == 0.0);
}

static void test_token_stats__nearest_rank(void **state)
{
    (void)state;
    struct token_counts c = TOKEN_COUNTS_INIT;
    /* 1..20 in a scrambled order: p50 = 10 (ceil(20 * 0.5) = 10th), p95 = 19 (19th) */
    for (unsigned i = 0; i < 20; i++)
        token_counts_add(&c, (i * 7) % 20 + 1);
    struct result_token_stats s = { 0 };
    token_counts_stats(&s, &c, 1);
    assert_int_equal(s.examples, 20);
    assert_int_equal(s.total, 210);
    assert_int_equal(s.max, 20);
    assert_int_equal(s.p50, 10);
    assert_int_equal(s.p95, 19);
    assert_true(s.mean == 10.5);
    token_counts_release(&c);

    /* one example: every percentile is it */
    token_counts_add(&c, 5);
    token_counts_stats(&s, &c, 1);
    assert_int_equal(s.p50, 5);
    assert_int_equal(s.p95, 5);
    token_counts_release(&c);
}

static void test_token_stats__several_lists_merge(void **state)
{
    (void)state;
    struct token_counts c[3] = { TOKEN_COUNTS_INIT, TOKEN_COUNTS_INIT, TOKEN_COUNTS_INIT };
    for (unsigned i = 1; i <= 10; i++)
        token_counts_add(&c[0], i * 100);   /* 100..1000 */
    token_counts_add(&c[2], 1);             /* c[1] empty */
    struct result_token_stats s = { 0 };
    token_counts_stats(&s, c, 3);
    assert_int_equal(s.examples, 11);
    assert_int_equal(s.total, 5501);
    assert_int_equal(s.max, 1000);
    assert_int_equal(s.p50, 500);    /* 6th of 1,100,...,1000 */
    assert_int_equal(s.p95, 1000);   /* 11th */
    for (size_t i = 0; i < 3; i++)
        token_counts_release(&c[i]);
}

static void test_token_stats__huge_count_saturates_but_totals_do_not(void **state)
{
    (void)state;
    struct token_counts c = TOKEN_COUNTS_INIT;
    token_counts_add(&c, (uint64_t)UINT32_MAX + 10);
    token_counts_add(&c, 1);
    struct result_token_stats s = { 0 };
    token_counts_stats(&s, &c, 1);
    assert_true(s.total == (uint64_t)UINT32_MAX + 11);
    assert_true(s.max == (uint64_t)UINT32_MAX + 10);
    assert_int_equal(s.p50, 1);
    assert_true(s.p95 == UINT32_MAX);
    token_counts_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_stats__none_is_zero),
        cmocka_unit_test(test_token_stats__nearest_rank),
        cmocka_unit_test(test_token_stats__several_lists_merge),
        cmocka_unit_test(test_token_stats__huge_count_saturates_but_totals_do_not),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
