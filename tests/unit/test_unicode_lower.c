/*
 * unicode_lower: Python's str.lower(), code point by code point and on whole strings
 * (expected values are what CPython 3 prints for the same input).
 */
#include "test_helpers.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/unicode_lower.h"

static void assert_lower_cp(uint32_t cp, size_t n, uint32_t a, uint32_t b)
{
    uint32_t out[3] = { 0, 0, 0 };
    size_t got = unicode_lower(cp, out);
    if (got != n || out[0] != a || (n > 1 && out[1] != b))
        fail_msg("U+%04X lowers to %zu: U+%04X U+%04X, expected %zu: U+%04X U+%04X", cp, got, out[0],
                 out[1], n, a, b);
}

/* text.lower() == want */
static void assert_lower(const char *text, const char *want)
{
    struct buf b = BUF_INIT;
    unicode_lower_utf8(&b, text, strlen(text));
    assert_string_equal(buf_cstr(&b), want);
    buf_release(&b);
}

static void test_unicode_lower__ascii(void **state)
{
    for (uint32_t c = 0; c < 0x80; c++)
        assert_lower_cp(c, 1, c >= 'A' && c <= 'Z' ? c + 32 : c, 0);
    assert_lower("Hello, WORLD! [x]_^@`{}", "hello, world! [x]_^@`{}");
    assert_lower("", "");
}

static void test_unicode_lower__latin1(void **state)
{
    assert_lower_cp(0xC0, 1, 0xE0, 0);   /* À -> à */
    assert_lower_cp(0xD6, 1, 0xF6, 0);   /* Ö -> ö */
    assert_lower_cp(0xD7, 1, 0xD7, 0);   /* × has no case */
    assert_lower_cp(0xDE, 1, 0xFE, 0);   /* Þ -> þ */
    assert_lower_cp(0xDF, 1, 0xDF, 0);   /* ß stays (lower, not casefold) */
    assert_lower_cp(0xFF, 1, 0xFF, 0);
    assert_lower_cp(0x178, 1, 0xFF, 0);  /* Ÿ -> ÿ */
    assert_lower("\xc3\x9c" "BERPR\xc3\x9c" "FUNG", "\xc3\xbc" "berpr\xc3\xbc" "fung");   /* ÜBERPRÜFUNG */
    assert_lower("Stra\xc3\x9f" "E", "stra\xc3\x9f" "e");
}

static void test_unicode_lower__greek(void **state)
{
    assert_lower_cp(0x391, 1, 0x3B1, 0);   /* Α -> α */
    assert_lower_cp(0x3A9, 1, 0x3C9, 0);   /* Ω -> ω */
    assert_lower_cp(0x3A3, 1, 0x3C3, 0);   /* Σ alone: σ (no context) */
    assert_lower_cp(0x386, 1, 0x3AC, 0);   /* Ά -> ά */
    assert_lower_cp(0x1F88, 1, 0x1F80, 0); /* ᾈ -> ᾀ (lower keeps one code point) */
    /* Final sigma: ΟΔΟΣ -> οδος, but ΟΔΟΣΑ -> οδοσα and a lone Σ -> σ */
    assert_lower("\xce\x9f\xce\x94\xce\x9f\xce\xa3", "\xce\xbf\xce\xb4\xce\xbf\xcf\x82");
    assert_lower("\xce\x9f\xce\x94\xce\x9f\xce\xa3\xce\x91", "\xce\xbf\xce\xb4\xce\xbf\xcf\x83\xce\xb1");
    assert_lower("\xce\xa3", "\xcf\x83");
    assert_lower(" \xce\xa3 ", " \xcf\x83 ");
    /* case-ignorable marks around it are skipped: "ΑΣ." and "Α'Σ" end words */
    assert_lower("\xce\x91\xce\xa3.", "\xce\xb1\xcf\x82.");
    assert_lower("\xce\x91'\xce\xa3", "\xce\xb1'\xcf\x82");
    assert_lower("\xce\x91\xce\xa3'\xce\x92", "\xce\xb1\xcf\x83'\xce\xb2");
    /* the word before ends at a space */
    assert_lower("\xce\x91 \xce\xa3", "\xce\xb1 \xcf\x83");
}

static void test_unicode_lower__cyrillic(void **state)
{
    assert_lower_cp(0x410, 1, 0x430, 0);   /* А -> а */
    assert_lower_cp(0x401, 1, 0x451, 0);   /* Ё -> ё */
    assert_lower_cp(0x42F, 1, 0x44F, 0);   /* Я -> я */
    assert_lower_cp(0x430, 1, 0x430, 0);
    assert_lower("\xd0\x9f\xd0\xa0\xd0\x98\xd0\x92\xd0\x95\xd0\xa2",
                 "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");   /* ПРИВЕТ -> привет */
}

static void test_unicode_lower__dotted_capital_i(void **state)
{
    /* Python: 'İ'.lower() == 'i̇' (two code points); 'I'.lower() == 'i' (no Turkish rule) */
    assert_lower_cp(0x130, 2, 'i', 0x307);
    assert_lower_cp('I', 1, 'i', 0);
    assert_lower_cp(0x131, 1, 0x131, 0);   /* ı is already lower */
    assert_lower("\xc4\xb0STANBUL", "i\xcc\x87stanbul");
}

static void test_unicode_lower__other_scripts(void **state)
{
    assert_lower_cp(0x4E2D, 1, 0x4E2D, 0);     /* 中 unchanged */
    assert_lower_cp(0x3042, 1, 0x3042, 0);     /* あ unchanged */
    assert_lower_cp(0x1F680, 1, 0x1F680, 0);   /* 🚀 unchanged */
    assert_lower_cp(0x10400, 1, 0x10428, 0);   /* Deseret 𐐀 -> 𐐨 */
    assert_lower_cp(0x1E900, 1, 0x1E922, 0);   /* Adlam */
    assert_lower_cp(0x212A, 1, 'k', 0);        /* KELVIN SIGN -> k */
    assert_lower_cp(0x2126, 1, 0x3C9, 0);      /* OHM SIGN -> ω */
    assert_lower_cp(0x1C5, 1, 0x1C6, 0);       /* ǅ -> ǆ */
    assert_lower_cp(0x10FFFF, 1, 0x10FFFF, 0);
    assert_lower_cp(0x110000, 1, 0x110000, 0); /* not a code point: returned as is */
    assert_lower("\xe4\xb8\xad\xe6\x96\x87 ABC \xf0\x9f\x9a\x80", "\xe4\xb8\xad\xe6\x96\x87 abc \xf0\x9f\x9a\x80");
}

static void test_unicode_lower__invalid_bytes_pass_through(void **state)
{
    assert_lower("A\xff" "B\xc3", "a\xff" "b\xc3");
    assert_lower("\xed\xa0\x80Z", "\xed\xa0\x80z");   /* an encoded surrogate is not UTF-8 */
    assert_lower("\xc0\xafQ", "\xc0\xafq");           /* overlong */
}

static void test_unicode_lower__utf8_codec(void **state)
{
    static const uint32_t cps[] = { 0, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF };
    for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
        unsigned char enc[4];
        uint32_t back = 0xDEAD;
        size_t n = utf8_encode(cps[i], enc);
        assert_int_equal(utf8_decode(enc, n, &back), n);
        assert_int_equal(back, cps[i]);
        if (n > 1)   /* truncated */
            assert_int_equal(utf8_decode(enc, n - 1, &back), 0);
    }
    uint32_t cp;
    assert_int_equal(utf8_decode((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp), 0);
    assert_int_equal(utf8_decode((const unsigned char *)"\x80", 1, &cp), 0);
}

/* One character in context, table-driven: the length consumed, the code point and its
 * lower case (a capital sigma is final only at the end of a word). */
static void test_unicode_lower__lower_at(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t i;
        size_t len;          /* 0: not UTF-8 there */
        uint32_t cp;
        size_t n_low;
        uint32_t low[3];
    } cases[] = {
        { "\xc3\x80", 0, 2, 0xC0, 1, { 0xE0 } },                     /* À -> à */
        { "\xc4\xb0", 0, 2, 0x130, 2, { 'i', 0x307 } },               /* İ -> i + dot */
        { "\xce\x9f\xce\xa3", 2, 2, 0x3A3, 1, { 0x3C2 } },           /* ΟΣ: final sigma */
        { "\xce\x9f\xce\xa3\xce\x9f", 2, 2, 0x3A3, 1, { 0x3C3 } },   /* ΟΣΟ: not final */
        { "\xce\xa3", 0, 2, 0x3A3, 1, { 0x3C3 } },                   /* alone: not final */
        { "\xe4\xb8\xad", 0, 3, 0x4E2D, 1, { 0x4E2D } },             /* no case */
        { "a\xff", 1, 0, 0, 0, { 0 } },
        { "\xed\xa0\x80", 0, 0, 0, 0, { 0 } },                       /* a surrogate */
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        struct unicode_lowered lw = { 0 };
        size_t n = unicode_lower_at(&lw, cases[c].text, strlen(cases[c].text), cases[c].i);
        if (n != cases[c].len)
            fail_msg("case %zu: length %zu, want %zu", c, n, cases[c].len);
        if (!n)
            continue;
        assert_int_equal(lw.cp, cases[c].cp);
        assert_int_equal(lw.n_low, cases[c].n_low);
        for (size_t j = 0; j < lw.n_low; j++)
            assert_int_equal(lw.low[j], cases[c].low[j]);
    }
}

static void test_unicode_lower__case_classes(void **state)
{
    assert_int_equal(unicode_case_class('a'), UNICODE_CASED);
    assert_int_equal(unicode_case_class('Z'), UNICODE_CASED);
    assert_int_equal(unicode_case_class(0x3A3), UNICODE_CASED);
    assert_int_equal(unicode_case_class('\''), UNICODE_CASE_IGNORABLE);
    assert_int_equal(unicode_case_class('.'), UNICODE_CASE_IGNORABLE);
    assert_int_equal(unicode_case_class(0x301), UNICODE_CASE_IGNORABLE);   /* combining acute */
    assert_int_equal(unicode_case_class(' '), UNICODE_CASE_OTHER);
    assert_int_equal(unicode_case_class('1'), UNICODE_CASE_OTHER);
    assert_int_equal(unicode_case_class(0x4E2D), UNICODE_CASE_OTHER);
}

static void test_unicode_lower__lead_bytes(void **state)
{
    /* Every code point whose lead byte is not flagged lowers to itself. */
    for (uint32_t cp = 0x80; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        unsigned char enc[4];
        utf8_encode(cp, enc);
        uint32_t low[3];
        if (!unicode_lower_lead_changes(enc[0]) && (unicode_lower(cp, low) != 1 || low[0] != cp))
            fail_msg("U+%04X changes but its lead byte 0x%02X is not flagged", cp, enc[0]);
    }
    assert_false(unicode_lower_lead_changes('A'));          /* ASCII is not a lead here */
    assert_true(unicode_lower_lead_changes(0xC3));          /* À */
    assert_true(unicode_lower_lead_changes(0xCE));          /* Σ */
    assert_false(unicode_lower_lead_changes(0xE4));         /* CJK */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unicode_lower__ascii),
        cmocka_unit_test(test_unicode_lower__latin1),
        cmocka_unit_test(test_unicode_lower__greek),
        cmocka_unit_test(test_unicode_lower__cyrillic),
        cmocka_unit_test(test_unicode_lower__dotted_capital_i),
        cmocka_unit_test(test_unicode_lower__other_scripts),
        cmocka_unit_test(test_unicode_lower__invalid_bytes_pass_through),
        cmocka_unit_test(test_unicode_lower__utf8_codec),
        cmocka_unit_test(test_unicode_lower__lower_at),
        cmocka_unit_test(test_unicode_lower__case_classes),
        cmocka_unit_test(test_unicode_lower__lead_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
