/* util/simd_scan: every kernel variant this CPU runs gives the scalar variant's answer. */
#include "test_helpers.h"

#include <stdlib.h>
#include <string.h>

#include "util/simd_scan.h"

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

/* Each variant on an exact-size heap copy (ASan catches a read past the end). */
static void compare_all(const unsigned char *bytes, size_t len)
{
    size_t n;
    const struct simd_kernels *k = simd_variants(&n);
    unsigned char *exact = malloc(len ? len : 1);
    memcpy(exact, bytes, len);
    size_t stop = k[0].string_stop(exact, len), count = k[0].count_code_points(exact, len);
    for (size_t v = 1; v < n; v++) {
        if (k[v].string_stop(exact, len) != stop)
            fail_msg("%s string_stop on %zu bytes: %zu, scalar %zu", k[v].name, len,
                     k[v].string_stop(exact, len), stop);
        if (k[v].count_code_points(exact, len) != count)
            fail_msg("%s count_code_points on %zu bytes: %zu, scalar %zu", k[v].name, len,
                     k[v].count_code_points(exact, len), count);
    }
    free(exact);
}

static void test_simd_scan__scalar_reference(void **state)
{
    (void)state;
    size_t n;
    const struct simd_kernels *k = simd_variants(&n);
    assert_string_equal(k[0].name, "scalar");
    assert_int_equal(k[0].string_stop((const unsigned char *)"abc\"d", 5), 3);
    assert_int_equal(k[0].string_stop((const unsigned char *)"ab\\", 3), 2);
    assert_int_equal(k[0].string_stop((const unsigned char *)"a\x1f", 2), 1);
    assert_int_equal(k[0].string_stop((const unsigned char *)"\x80", 1), 0);
    assert_int_equal(k[0].string_stop((const unsigned char *)"a\x7f ", 3), 3);
    assert_int_equal(k[0].count_code_points((const unsigned char *)"a\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80", 10), 4);
    assert_non_null(simd_best());
    assert_true(simd_best() >= k && simd_best() < k + n);
}

/* Every stop byte at every position of every length up to 100, in plain ASCII. */
static void test_simd_scan__each_stop_byte_at_each_position(void **state)
{
    (void)state;
    static const unsigned char stops[] = { '"', '\\', 0x00, 0x1f, 0x0a, 0x80, 0xbf, 0xc3, 0xff };
    unsigned char buf[128] = { 0 };
    for (size_t len = 0; len <= 100; len++) {
        for (size_t i = 0; i < len; i++)
            buf[i] = (unsigned char)(0x20 + (i * 7) % 0x5f);
        for (size_t i = 0; i < len; i++)
            if (buf[i] == '"' || buf[i] == '\\')
                buf[i] = 'x';
        compare_all(buf, len);
        for (size_t at = 0; at < len; at++) {
            for (size_t s = 0; s < sizeof(stops); s++) {
                unsigned char keep = buf[at];
                buf[at] = stops[s];
                compare_all(buf, len);
                buf[at] = keep;
            }
        }
    }
}

/* Random bytes, short and long (past the 255-block counter limit), at every offset. */
static void test_simd_scan__random_bytes(void **state)
{
    (void)state;
    size_t cap = 40000;
    unsigned char *buf = malloc(cap);
    for (int round = 0; round < 300; round++) {
        size_t len = round < 200 ? rnd(300) : rnd((unsigned)cap);
        unsigned mode = rnd(3);
        for (size_t i = 0; i < len; i++) {
            if (mode == 0)
                buf[i] = (unsigned char)rnd(256);
            else if (mode == 1)
                buf[i] = (unsigned char)(rnd(64) ? 0x20 + rnd(0x5f) : rnd(256));
            else
                buf[i] = (unsigned char)(0x80 + rnd(0x80)); /* all non-ASCII */
        }
        compare_all(buf, len);
        size_t off = rnd(33);
        if (off < len)
            compare_all(buf + off, len - off);
    }
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simd_scan__scalar_reference),
        cmocka_unit_test(test_simd_scan__each_stop_byte_at_each_position),
        cmocka_unit_test(test_simd_scan__random_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
