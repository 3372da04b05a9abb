/*
 * read/json_fast: for every text the fast path accepts, yajl accepts it too and gives
 * the same events with the same bytes (json_trace.h); the fast path accepts all strict
 * JSON with an object or array root, and refuses what yajl would read differently.
 * Every text is parsed from a heap buffer of exactly its size, so a read past the end
 * fails under ASan.
 */
#include "test_helpers.h"

#include <stdio.h>
#include <string.h>

#include "json_trace.h"

enum want { EITHER, ACCEPT, REFUSE };

static void check_text(const char *text, size_t len, enum want want, const char *what)
{
    char *exact = malloc(len ? len : 1);
    struct json_trace slow = { 0 }, fast = { 0 };
    if (len)
        memcpy(exact, text, len);
    bool slow_ok = json_trace_yajl(&slow, exact, len);
    bool fast_ok = json_trace_fast(&fast, exact, len);
    if (fast_ok && !slow_ok)
        fail_msg("%s: the fast path accepted what yajl refuses", what);
    if (fast_ok && !json_trace_equal(&slow, &fast))
        fail_msg("%s: the fast path's events differ from yajl's", what);
    if (want == ACCEPT && !fast_ok)
        fail_msg("%s: refused (yajl %s)", what, slow_ok ? "accepts" : "refuses too");
    if (want == REFUSE && fast_ok)
        fail_msg("%s: accepted, should go to yajl", what);
    json_trace_release(&slow);
    json_trace_release(&fast);
    free(exact);
}

#define CHECK(lit, want) check_text((lit), sizeof(lit) - 1, (want), (lit))

static void test_json_fast__escapes(void **state)
{
    (void)state;
    CHECK("[\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"]", ACCEPT);
    CHECK("[\"\\u0041\\u00e9\\u00E9\\u4e2d\\uFFFF\\u07ff\\u0800\"]", ACCEPT);
    CHECK("[\"a\\u0000b\"]", ACCEPT);                        /* a NUL byte, as yajl gives it */
    CHECK("{\"k\\n\\u0041\":\"\\ud83d\\ude00\"}", ACCEPT);  /* escaped key, surrogate pair */
    CHECK("[\"\\uDBFF\\uDFFF\\uD800\\uDC00\"]", ACCEPT);
    CHECK("[\"\\\"\"]", ACCEPT);
    CHECK("[\"\\\\\"]", ACCEPT);
    CHECK("[\"\\x\"]", REFUSE);
    CHECK("[\"\\u00g0\"]", REFUSE);
    CHECK("[\"\\u00\"]", REFUSE);
    CHECK("[\"\\", REFUSE);
    CHECK("[\"\\u", REFUSE);
    CHECK("[\"\\u12", REFUSE);
    CHECK("[\"\\'\"]", REFUSE);
}

static void test_json_fast__lone_surrogates_go_to_yajl(void **state)
{
    (void)state;
    /* yajl decodes these to '?' (dropping a byte) or to CESU bytes: its answer stands */
    CHECK("[\"\\uD800\"]", REFUSE);
    CHECK("[\"\\uD800x\"]", REFUSE);
    CHECK("[\"\\uDC00\"]", REFUSE);
    CHECK("[\"\\uDFFFab\"]", REFUSE);
    CHECK("[\"\\uD800\\u0041\"]", REFUSE);
    CHECK("[\"\\uD800\\uD800\"]", REFUSE);
    CHECK("[\"\\uD800\\n\"]", REFUSE);
    CHECK("[\"\\uDBFF\\uE000\"]", REFUSE);
    CHECK("[\"\\uD83D\\uDE0", REFUSE);
}

static void test_json_fast__utf8(void **state)
{
    (void)state;
    CHECK("[\"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xed\x9f\xbf\xee\x80\x80\"]", ACCEPT);
    CHECK("{\"\xc3\xa9\":\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xf0\x90\x80\x80\"}", ACCEPT);
    static const char *bad[] = {
        "\x80", "\xbf", "\xc3", "\xc3\x41", "\xe4\xb8", "\xe4\xb8\x41", "\xf0\x9f\x98",
        "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xe0\x9f\xbf", "\xf0\x80\x80\x80",
        "\xf0\x8f\xbf\xbf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80",
        "\xf5\x80\x80\x80", "\xf7\xbf\xbf\xbf", "\xf8\x88\x80\x80\x80", "\xfe", "\xff",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char text[64];
        /* in the middle of a string, at its end, and cut by the end of the text */
        int n = snprintf(text, sizeof(text), "[\"a%sb\"]", bad[i]);
        check_text(text, (size_t)n, REFUSE, "invalid UTF-8 inside");
        n = snprintf(text, sizeof(text), "[\"%s\"]", bad[i]);
        check_text(text, (size_t)n, REFUSE, "invalid UTF-8 at the end");
        n = snprintf(text, sizeof(text), "{\"%s\":1}", bad[i]);
        check_text(text, (size_t)n, REFUSE, "invalid UTF-8 in a key");
        n = snprintf(text, sizeof(text), "[\"%s", bad[i]);
        check_text(text, (size_t)n, REFUSE, "invalid UTF-8 cut");
    }
    CHECK("[\xc3\xa9]", REFUSE);                             /* non-ASCII outside a string */
}

static void test_json_fast__control_and_nul(void **state)
{
    (void)state;
    for (int c = 0; c < 0x20; c++) {
        char text[] = "[\"a?b\"]";
        text[3] = (char)c;
        check_text(text, sizeof(text) - 1, REFUSE, "a control character in a string");
    }
    CHECK("[\"\x7f\"]", ACCEPT);                             /* DEL is not a control here */
    check_text("[\"a\0\"]", 6, REFUSE, "NUL in a string");
    check_text("[1,\0 2]", 7, REFUSE, "NUL between values");
    check_text("[1]\0", 4, REFUSE, "NUL after the root");
    check_text("\0", 1, REFUSE, "only NUL");
}

static void test_json_fast__numbers(void **state)
{
    (void)state;
    CHECK("[0,-0,1,-1,10,1.5,-0.25,1e5,1E5,1e+5,1e-5,-0.0e0,0.5E-0,9007199254740993,"
          "123456789012345678901234567890123,1e999999,-1e-999999]", ACCEPT);
    CHECK("{\"a\":0}", ACCEPT);
    CHECK("{\"a\":-12.5e+3 }", ACCEPT);
    static const char *bad[] = {
        "[01]", "[-]", "[-a]", "[1.]", "[.5]", "[1e]", "[1e+]", "[+1]", "[1.e5]", "[0x1]",
        "[NaN]", "[Infinity]", "[-Infinity]", "[1.5.3]", "[1e5e5]", "[--1]", "[00]", "[-01]",
        "[1", "[-", "[1.", "[1e", "[1e-", "[0", "[1 2]", "[1true]", "[1\"a\"]",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        check_text(bad[i], strlen(bad[i]), REFUSE, bad[i]);
}

static void test_json_fast__literals_and_structure(void **state)
{
    (void)state;
    CHECK("[true,false,null]", ACCEPT);
    CHECK("{}", ACCEPT);
    CHECK("[]", ACCEPT);
    CHECK("[{},[],{\"a\":[]},[[{}]]]", ACCEPT);
    CHECK("{\"a\":1,\"a\":2,\"\":null}", ACCEPT);
    static const char *bad[] = {
        "[tru]", "[truex]", "[fals]", "[nul]", "[nulll]", "[True]", "[t", "[f", "[n",
        "[1,]", "[,1]", "{\"a\":1,}", "{,}", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{1:2}",
        "{\"a\":1 \"b\":2}", "[1 2]", "[}", "{]", "[[]", "{\"a\":{}", "]", "}", "[]]",
        "{\"a\":1}}", "[\"a\":1]", "{'a':1}", "[\"abc", "[\"", "{\"a", "{\"a\":", "{\"a\":[",
        "", " ", "\n\t\r ",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        check_text(bad[i], strlen(bad[i]), REFUSE, bad[i]);
}

static void test_json_fast__root_scalars_go_to_yajl(void **state)
{
    (void)state;
    static const char *roots[] = { "1", "-1.5", "\"s\"", "true", "false", "null", " 2 ", "\"\\u0041\"" };
    for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
        check_text(roots[i], strlen(roots[i]), REFUSE, roots[i]);
}

static void test_json_fast__whitespace(void **state)
{
    (void)state;
    CHECK(" \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n[ \t\r\n1 \t\r\n, \t\r\n2 \t\r\n] \t\r\n} \t\r\n", ACCEPT);
    CHECK("{\"a\":1}\n", ACCEPT);
    CHECK("{\"a\":1}\r\n", ACCEPT);
    /* yajl takes \v and \f as whitespace, JSON does not: yajl decides */
    CHECK("\v{}", REFUSE);
    CHECK("{}\f", REFUSE);
    CHECK("[1,\v2]", REFUSE);
    CHECK("{\"a\"\f:1}", REFUSE);
    CHECK("[1,\xc2\xa0" "2]", REFUSE);                   /* no-break space */
}

static void test_json_fast__trailing_garbage(void **state)
{
    (void)state;
    static const char *bad[] = { "{} x", "{}{}", "[][]", "{}1", "[] ,", "{}]", "[]\"\"", "{} //", "[]/**/" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        check_text(bad[i], strlen(bad[i]), REFUSE, bad[i]);
}

static void test_json_fast__deep_nesting(void **state)
{
    (void)state;
    size_t n = 200000;
    char *text = malloc(2 * n + 8);
    for (size_t depth = JSON_FAST_MAX_DEPTH - 1; depth <= JSON_FAST_MAX_DEPTH + 1; depth++) {
        memset(text, '[', depth);
        memset(text + depth, ']', depth);
        check_text(text, 2 * depth, depth <= JSON_FAST_MAX_DEPTH ? ACCEPT : REFUSE, "nested arrays");
    }
    /* objects each holding an array under key "k" */
    size_t len = 0, depth = 600;
    for (size_t i = 0; i < depth; i++) {
        memcpy(text + len, "{\"k\":[", 6);
        len += 6;
    }
    for (size_t i = 0; i < depth; i++) {
        memcpy(text + len, "]}", 2);
        len += 2;
    }
    check_text(text, len, REFUSE, "objects and arrays 1200 deep");
    check_text(text, 6 * 170 + 0, REFUSE, "an unclosed nest");
    /* far deeper than anything: refused without using the stack */
    memset(text, '[', n);
    memset(text + n, ']', n);
    check_text(text, 2 * n, REFUSE, "200000 deep");
    check_text(text, n, REFUSE, "200000 open");
    free(text);
}

/* A string of `len` bytes ending `gap` bytes before the end of an exact-size buffer. */
static void test_json_fast__string_ends_near_the_buffer_end(void **state)
{
    (void)state;
    static const size_t gaps[] = { 0, 1, 2, 14, 15, 16, 17, 18, 30, 31, 32, 33, 34, 63, 64, 65 };
    char *text = malloc(300);
    for (size_t g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
        for (size_t slen = 0; slen < 100; slen++) {
            size_t gap = gaps[g];
            /* ["sss..."<spaces>] : the closing quote is gap bytes before the end */
            size_t len = 0;
            text[len++] = '[';
            text[len++] = '"';
            memset(text + len, 'a' + (char)(slen % 26), slen);
            len += slen;
            text[len++] = '"';
            if (!gap)
                continue; /* ']' must follow: a gap of 0 is the unterminated case below */
            memset(text + len, ' ', gap - 1);
            len += gap - 1;
            text[len++] = ']';
            check_text(text, len, ACCEPT, "string near the end");
            /* the same text cut right after the string, inside it and before its quote */
            check_text(text, 2 + slen + 1, REFUSE, "cut after the quote");
            check_text(text, 2 + slen, REFUSE, "cut before the quote");
            if (slen) {
                text[2 + slen - 1] = '\\';
                check_text(text, 2 + slen, REFUSE, "cut after a backslash");
                text[2 + slen - 1] = '\xc3';
                check_text(text, 2 + slen, REFUSE, "cut inside a UTF-8 sequence");
            }
        }
    }
    free(text);
}

static void test_json_fast__long_strings(void **state)
{
    (void)state;
    size_t n = 200000;
    char *text = malloc(n + 16);
    size_t len = 0;
    memcpy(text, "{\"k\":\"", 6);
    len = 6;
    for (size_t i = 0; len < n; i++) {
        /* ASCII with UTF-8 and escapes now and then */
        if (i % 997 == 0) {
            memcpy(text + len, "\xe4\xb8\xad", 3);
            len += 3;
        } else if (i % 1499 == 0) {
            memcpy(text + len, "\\n", 2);
            len += 2;
        } else {
            text[len++] = (char)('a' + i % 26);
        }
    }
    memcpy(text + len, "\"}", 2);
    check_text(text, len + 2, ACCEPT, "a 200 KB string");
    /* pure ASCII: the in-place case */
    memset(text + 6, 'x', n - 6);
    memcpy(text + n, "\"}", 2);
    check_text(text, n + 2, ACCEPT, "a 200 KB ASCII string");
    free(text);
}

/* A callback returning 0 cancels: the fast path refuses, never reports success. */
static void test_json_fast__cancel_refuses(void **state)
{
    (void)state;
    const char text[] = "{\"a\":[1,\"s\",true,null,{}],\"b\":\"x\\n\"}";
    for (size_t at = 1; at <= 14; at++) {
        struct json_trace t = { 0 };
        t.cancel_at = at;
        bool ok = json_trace_fast(&t, text, sizeof(text) - 1);
        if (at <= 13 && ok)
            fail_msg("cancel at event %zu: accepted", at);
        if (at == 14 && !ok)
            fail_msg("13 events, cancel at 14: refused");
        json_trace_release(&t);
    }
}

/* --- generated JSON: seeded, strict, every kind of string content --------------------- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

struct gen {
    char *p;
    size_t len, alloc;
};

static void gen_put(struct gen *g, const char *s, size_t n)
{
    if (g->len + n > g->alloc) {
        g->alloc = (g->len + n) * 2 + 256;
        g->p = realloc(g->p, g->alloc);
    }
    memcpy(g->p + g->len, s, n);
    g->len += n;
}
#define PUT(g, lit) gen_put((g), (lit), sizeof(lit) - 1)

static void gen_ws(struct gen *g)
{
    static const char ws[] = " \t\r\n";
    if (rnd(3) == 0)
        return;
    for (uint32_t i = rnd(3); i-- > 0;)
        gen_put(g, &ws[rnd(4)], 1);
}

static void gen_string(struct gen *g)
{
    static const char *pieces[] = {
        "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0000", "\\u001f",
        "\\u0041", "\\u00e9", "\\u07FF", "\\u0800", "\\uffff", "\\ud83d\\ude00",
        "\\uDBFF\\uDFFF", "\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf",
        "\xed\x9f\xbf", "\x7f", " ", "/",
    };
    PUT(g, "\"");
    uint32_t parts = rnd(4) == 0 ? rnd(200) : rnd(12);
    for (uint32_t i = 0; i < parts; i++) {
        if (rnd(3)) {
            /* a run of plain ASCII, long sometimes so the vector loops run */
            uint32_t n = rnd(4) == 0 ? rnd(100) : rnd(8);
            for (uint32_t k = 0; k < n; k++) {
                char c = (char)(0x20 + rnd(0x5f));
                if (c == '"' || c == '\\')
                    c = 'q';
                gen_put(g, &c, 1);
            }
        } else {
            const char *s = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];
            gen_put(g, s, strlen(s));
        }
    }
    PUT(g, "\"");
}

static void gen_number(struct gen *g)
{
    char buf[64];
    int n = 0;
    if (rnd(2))
        buf[n++] = '-';
    if (rnd(4) == 0) {
        buf[n++] = '0';
    } else {
        buf[n++] = (char)('1' + rnd(9));
        for (uint32_t k = rnd(12); k-- > 0;)
            buf[n++] = (char)('0' + rnd(10));
    }
    if (rnd(3) == 0) {
        buf[n++] = '.';
        for (uint32_t k = 1 + rnd(6); k-- > 0;)
            buf[n++] = (char)('0' + rnd(10));
    }
    if (rnd(4) == 0) {
        buf[n++] = rnd(2) ? 'e' : 'E';
        if (rnd(2))
            buf[n++] = rnd(2) ? '+' : '-';
        for (uint32_t k = 1 + rnd(3); k-- > 0;)
            buf[n++] = (char)('0' + rnd(10));
    }
    gen_put(g, buf, (size_t)n);
}

static void gen_value(struct gen *g, int depth)
{
    uint32_t kind = depth > 6 ? 2 + rnd(6) : rnd(8);
    if (kind == 0 || kind == 1) {
        bool map = kind == 0;
        gen_put(g, map ? "{" : "[", 1);
        uint32_t n = rnd(6);
        gen_ws(g);
        for (uint32_t i = 0; i < n; i++) {
            if (i) {
                gen_ws(g);
                PUT(g, ",");
                gen_ws(g);
            }
            if (map) {
                gen_string(g);
                gen_ws(g);
                PUT(g, ":");
                gen_ws(g);
            }
            gen_value(g, depth + 1);
        }
        gen_ws(g);
        gen_put(g, map ? "}" : "]", 1);
        return;
    }
    switch (kind) {
    case 2: case 3: gen_string(g); break;
    case 4: gen_number(g); break;
    case 5: PUT(g, "true"); break;
    case 6: PUT(g, "false"); break;
    default: PUT(g, "null"); break;
    }
}

static void gen_record(struct gen *g)
{
    g->len = 0;
    gen_ws(g);
    if (rnd(2)) {
        PUT(g, "{");
        uint32_t n = rnd(5);
        for (uint32_t i = 0; i < n; i++) {
            if (i)
                PUT(g, ",");
            gen_ws(g);
            gen_string(g);
            PUT(g, ":");
            gen_ws(g);
            gen_value(g, 1);
        }
        PUT(g, "}");
    } else {
        PUT(g, "[");
        gen_value(g, 1);
        PUT(g, "]");
    }
    gen_ws(g);
}

static void test_json_fast__generated_records_match_yajl(void **state)
{
    (void)state;
    struct gen g = { 0 };
    rng_state = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 5000; i++) {
        gen_record(&g);
        check_text(g.p, g.len, ACCEPT, "a generated record");
    }
    free(g.p);
}

/* Damaged records: a byte changed, inserted or dropped. Whatever the fast path accepts
 * must be what yajl accepts, with the same events. */
static void test_json_fast__damaged_records_never_differ(void **state)
{
    (void)state;
    static const char interesting[] = "\"\\{}[],:0-.eE+u \t\n\r\v\f\x01\x80\xbf\xc3\xe4\xed\xf0\xf4\xff\0tfnaD8C";
    struct gen g = { 0 };
    rng_state = 0x243F6A8885A308D3ull;
    for (int i = 0; i < 20000; i++) {
        gen_record(&g);
        if (!g.len)
            continue;
        for (uint32_t edits = 1 + rnd(2); edits-- > 0;) {
            size_t at = rnd((uint32_t)g.len);
            char c = interesting[rnd(sizeof(interesting) - 1)];
            switch (rnd(3)) {
            case 0:
                g.p[at] = c;
                break;
            case 1:
                gen_put(&g, "", 0);
                PUT(&g, " ");
                memmove(g.p + at + 1, g.p + at, g.len - at - 1);
                g.p[at] = c;
                break;
            default:
                memmove(g.p + at, g.p + at + 1, g.len - at - 1);
                g.len--;
                break;
            }
            if (!g.len)
                break;
        }
        check_text(g.p, g.len, EITHER, "a damaged record");
        /* and every prefix of a short one: texts cut anywhere */
        if (g.len < 64)
            for (size_t cut = 0; cut < g.len; cut++)
                check_text(g.p, cut, EITHER, "a cut record");
    }
    free(g.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_fast__escapes),
        cmocka_unit_test(test_json_fast__lone_surrogates_go_to_yajl),
        cmocka_unit_test(test_json_fast__utf8),
        cmocka_unit_test(test_json_fast__control_and_nul),
        cmocka_unit_test(test_json_fast__numbers),
        cmocka_unit_test(test_json_fast__literals_and_structure),
        cmocka_unit_test(test_json_fast__root_scalars_go_to_yajl),
        cmocka_unit_test(test_json_fast__whitespace),
        cmocka_unit_test(test_json_fast__trailing_garbage),
        cmocka_unit_test(test_json_fast__deep_nesting),
        cmocka_unit_test(test_json_fast__string_ends_near_the_buffer_end),
        cmocka_unit_test(test_json_fast__long_strings),
        cmocka_unit_test(test_json_fast__cancel_refuses),
        cmocka_unit_test(test_json_fast__generated_records_match_yajl),
        cmocka_unit_test(test_json_fast__damaged_records_never_differ),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
