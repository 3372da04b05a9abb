/* util/utf8: the one UTF-8 decoder, validator and encoder (Unicode table 3-7). */
#include "test_helpers.h"

#include <string.h>

#include "util/utf8.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* One sequence at the start of the bytes: what utf8_decode returns and decodes. */
static const struct {
    const char *bytes;
    size_t avail;        /* bytes offered (may cut the sequence short) */
    size_t len;          /* utf8_decode's result: 0 = malformed */
    uint32_t cp;
} decode_cases[] = {
    { "A", 1, 1, 'A' },
    { "\x00", 1, 1, 0 },
    { "\x7f", 1, 1, 0x7F },
    { "\xc2\x80", 2, 2, 0x80 },
    { "\xc3\xa9", 2, 2, 0xE9 },                   /* é */
    { "\xdf\xbf", 2, 2, 0x7FF },
    { "\xe0\xa0\x80", 3, 3, 0x800 },
    { "\xe4\xb8\xad", 3, 3, 0x4E2D },             /* 中 */
    { "\xed\x9f\xbf", 3, 3, 0xD7FF },             /* last before the surrogates */
    { "\xee\x80\x80", 3, 3, 0xE000 },
    { "\xef\xbf\xbf", 3, 3, 0xFFFF },
    { "\xf0\x90\x80\x80", 4, 4, 0x10000 },
    { "\xf0\x9f\x98\x80", 4, 4, 0x1F600 },        /* 😀 */
    { "\xf4\x8f\xbf\xbf", 4, 4, 0x10FFFF },
    { "", 0, 0, 0 },                              /* nothing offered */
    { "\x80", 1, 0, 0 },                          /* a lone continuation byte */
    { "\xbf", 1, 0, 0 },
    { "\xc0\x80", 2, 0, 0 },                      /* overlong NUL */
    { "\xc1\xbf", 2, 0, 0 },                      /* overlong */
    { "\xe0\x80\x80", 3, 0, 0 },                  /* overlong */
    { "\xe0\x9f\xbf", 3, 0, 0 },                  /* overlong */
    { "\xed\xa0\x80", 3, 0, 0 },                  /* a surrogate (U+D800) */
    { "\xed\xbf\xbf", 3, 0, 0 },                  /* a surrogate (U+DFFF) */
    { "\xf0\x80\x80\x80", 4, 0, 0 },              /* overlong */
    { "\xf0\x8f\xbf\xbf", 4, 0, 0 },              /* overlong */
    { "\xf4\x90\x80\x80", 4, 0, 0 },              /* above U+10FFFF */
    { "\xf5\x80\x80\x80", 4, 0, 0 },
    { "\xff", 1, 0, 0 },
    { "\xc3\xa9", 1, 0, 0 },                      /* cut short */
    { "\xe4\xb8\xad", 2, 0, 0 },
    { "\xf0\x9f\x98\x80", 3, 0, 0 },
    { "\xc3\x41", 2, 0, 0 },                      /* no continuation byte */
    { "\xe4\xb8\x41", 3, 0, 0 },
};

static void test_utf8__decode_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < N(decode_cases); i++) {
        uint32_t cp = 0xDEAD;
        size_t n = utf8_decode((const unsigned char *)decode_cases[i].bytes, decode_cases[i].avail, &cp);
        if (n != decode_cases[i].len)
            fail_msg("case %zu: length %zu, want %zu", i, n, decode_cases[i].len);
        if (n && cp != decode_cases[i].cp)
            fail_msg("case %zu: U+%04X, want U+%04X", i, (unsigned)cp, (unsigned)decode_cases[i].cp);
        if (!n && cp != 0xDEAD)
            fail_msg("case %zu: *cp written for a malformed sequence", i);
    }
}

/* The decoder, utf8_sequence (which writers use to replace bad bytes) and utf8_len
 * give one answer on every sequence of up to three bytes and on every four-byte one
 * with a possible lead byte: one rule, however it is asked. */
static void test_utf8__all_validators_agree(void **state)
{
    (void)state;
    unsigned char s[5] = { 0 };
    for (unsigned a = 0x80; a <= 0xFF; a++) {
        for (unsigned b = 0; b <= 0xFF; b++) {
            for (unsigned c = 0; c <= 0xFF; c++) {
                /* the fourth byte matters only after a four-byte lead: its edges */
                static const unsigned fourth[] = { 0x7F, 0x80, 0xBF, 0xC0 };
                size_t n_fourth = a >= 0xF0 && a <= 0xF4 ? N(fourth) : 1;
                for (size_t k = 0; k < n_fourth; k++) {
                    unsigned d = fourth[k];
                    s[0] = (unsigned char)a, s[1] = (unsigned char)b, s[2] = (unsigned char)c;
                    s[3] = (unsigned char)d;
                    uint32_t cp;
                    size_t bad, n = utf8_decode(s, 4, &cp);
                    size_t seq = utf8_sequence(s, 4, &bad);
                    if (n != seq)
                        fail_msg("%02X %02X %02X %02X: decode %zu, sequence %zu", a, b, c, d, n, seq);
                    if (!n && (bad < 1 || bad > 3))
                        fail_msg("%02X %02X %02X %02X: maximal subpart %zu", a, b, c, d, bad);
                    if (s[1] && s[2] && utf8_len(s) != n)
                        fail_msg("%02X %02X %02X %02X: utf8_len disagrees", a, b, c, d);
                    if (utf8_invalid_at(s, n ? n : 4) != (n ? n : 0))
                        fail_msg("%02X %02X %02X %02X: utf8_invalid_at disagrees", a, b, c, d);
                }
            }
        }
    }
}

static const struct {
    const char *bytes;
    size_t len;
    size_t invalid_at;   /* len when valid */
} text_cases[] = {
    { "", 0, 0 },
    { "plain ascii", 11, 11 },
    { "a\0b", 3, 3 },                                   /* NUL is UTF-8; the reader judges it */
    { "h\xc3\xa9llo \xe4\xb8\xad\xf0\x9f\x98\x80", 14, 14 },
    { "abc\xff", 4, 3 },
    { "ab\xc3", 3, 2 },                                 /* cut at the end */
    { "\xed\xa0\x80x", 4, 0 },                          /* a surrogate */
    { "ok \xc3\xa9 \xe0\x80\x80", 9, 6 },               /* overlong after valid text */
    { "\xf4\x8f\xbf\xbf\xf4\x90\x80\x80", 8, 4 },
};

static void test_utf8__invalid_at_and_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < N(text_cases); i++) {
        const unsigned char *s = (const unsigned char *)text_cases[i].bytes;
        size_t at = utf8_invalid_at(s, text_cases[i].len);
        if (at != text_cases[i].invalid_at)
            fail_msg("case %zu: invalid at %zu, want %zu", i, at, text_cases[i].invalid_at);
        assert_int_equal(utf8_valid(text_cases[i].bytes, text_cases[i].len),
                         text_cases[i].invalid_at == text_cases[i].len);
    }
}

static void test_utf8__encode_round_trips(void **state)
{
    (void)state;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        unsigned char enc[4];
        uint32_t back = 0;
        size_t n = utf8_encode(cp, enc);
        size_t want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (n != want || utf8_decode(enc, n, &back) != n || back != cp)
            fail_msg("U+%04X does not round-trip", (unsigned)cp);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8__decode_table),
        cmocka_unit_test(test_utf8__all_validators_agree),
        cmocka_unit_test(test_utf8__invalid_at_and_valid),
        cmocka_unit_test(test_utf8__encode_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
