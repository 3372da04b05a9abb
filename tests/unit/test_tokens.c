/* tokens/: the BPE engine on small hand-made vocabularies, checked against a naive
 * merge written here; loading and refusing files; invalid UTF-8 and NFC. */
#include "test_helpers.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokens/tokenizer.h"
#include "util/buf.h"
#include "util/err.h"

static void b64(struct buf *out, const unsigned char *s, size_t n)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        uint32_t w = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);
        buf_addch(out, a[w >> 18 & 63]);
        buf_addch(out, a[w >> 12 & 63]);
        buf_addch(out, i + 1 < n ? a[w >> 6 & 63] : '=');
        buf_addch(out, i + 2 < n ? a[w & 63] : '=');
    }
}

/* The 256 bytes (ranks 0..255), then `extra` in rank order from 256. */
static const char *const extra[] = { "ab", "bc", "abc", "aa", "aaaa", "ba", "bab", "abab", "bb", "aab" };
#define N_EXTRA (sizeof extra / sizeof extra[0])

static struct tokenizer *small_tiktoken(void)
{
    struct buf f = BUF_INIT;
    for (int b = 0; b < 256; b++) {
        unsigned char c = (unsigned char)b;
        b64(&f, &c, 1);
        buf_printf(&f, " %d\n", b);
    }
    for (size_t i = 0; i < N_EXTRA; i++) {
        b64(&f, (const unsigned char *)extra[i], strlen(extra[i]));
        buf_printf(&f, " %zu\n", 256 + i);
    }
    struct tokenizer *t;
    assert_int_equal(tokenizer_load_tiktoken(&t, "small.tiktoken", "r50k_base", f.ptr, f.len), 0);
    buf_release(&f);
    return t;
}

static size_t encode(struct tokenizer *t, const char *text, uint32_t *ids, size_t cap)
{
    struct tokenizer_scratch *s = tokenizer_scratch_new(t);
    size_t n = tokenizer_encode(t, s, text, strlen(text), ids, cap);
    assert_int_equal(tokenizer_count(t, s, text, strlen(text)), n);
    tokenizer_scratch_free(s);
    return n;
}

static void test_tokens__lowest_rank_then_leftmost(void **state)
{
    struct tokenizer *t = small_tiktoken();
    uint32_t ids[16];
    assert_int_equal(encode(t, "abc", ids, 16), 1);          /* a whole token */
    assert_int_equal(ids[0], 258);
    assert_int_equal(encode(t, "abcd", ids, 16), 2);         /* ab, then abc; d stays */
    assert_int_equal(ids[0], 258);
    assert_int_equal(ids[1], 'd');
    assert_int_equal(encode(t, "aaaaa", ids, 16), 2);        /* leftmost aa first: aaaa a */
    assert_int_equal(ids[0], 260);
    assert_int_equal(ids[1], 'a');
    assert_int_equal(encode(t, "x", ids, 16), 1);
    assert_int_equal(encode(t, "", ids, 16), 0);
    /* more tokens than room: all are counted, cap are written */
    assert_int_equal(encode(t, "x y z", ids, 2), 5);
    assert_string_equal(tokenizer_kind(t), "tiktoken r50k_base");
    tokenizer_free(t);
}

/* The rule itself, on bytes: merge the adjacent pair whose concatenation has the lowest
 * rank, leftmost first, until none is a token. */
static size_t naive_merge(const char *s, size_t n, uint32_t *out)
{
    char parts[4096][8];
    size_t np = 0;
    for (size_t i = 0; i < n; i++, np++)
        parts[np][0] = s[i], parts[np][1] = '\0';
    for (;;) {
        size_t best = SIZE_MAX, at = 0;
        for (size_t i = 0; i + 1 < np; i++) {
            /* parts hold at most 7 bytes and a NUL: two fit in 16 */
            char both[16];
            size_t la = strnlen(parts[i], 7), lb = strnlen(parts[i + 1], 7);
            memcpy(both, parts[i], la);
            memcpy(both + la, parts[i + 1], lb);
            both[la + lb] = '\0';
            for (size_t k = 0; k < N_EXTRA; k++) {
                if (strcmp(extra[k], both) == 0 && k < best)
                    best = k, at = i;
            }
        }
        if (best == SIZE_MAX)
            break;
        size_t len = strlen(parts[at]);
        memcpy(parts[at] + len, parts[at + 1], strlen(parts[at + 1]) + 1);
        memmove(parts + at + 1, parts + at + 2, (np - at - 2) * sizeof parts[0]);
        np--;
    }
    for (size_t i = 0; i < np; i++) {
        out[i] = (unsigned char)parts[i][0];
        for (size_t k = 0; k < N_EXTRA && parts[i][1]; k++) {
            if (strcmp(extra[k], parts[i]) == 0)
                out[i] = (uint32_t)(256 + k);
        }
    }
    return np;
}

static void test_tokens__short_and_long_pieces_merge_as_the_rule_says(void **state)
{
    struct tokenizer *t = small_tiktoken();
    srand(15);
    static uint32_t got[4096], want[4096];
    static char text[4096];
    /* 1..3000 letters: both the array path (<= 192 bytes) and the heap path */
    for (int round = 0; round < 300; round++) {
        size_t n = round < 200 ? (size_t)(1 + rand() % 190) : (size_t)(193 + rand() % 2800);
        for (size_t i = 0; i < n; i++)
            text[i] = "abc"[rand() % (round % 3 == 0 ? 2 : 3)];
        text[n] = '\0';
        size_t k = encode(t, text, got, 4096);
        /* a whole-token piece is looked up, not merged: the rule gives the same here */
        size_t w = naive_merge(text, n, want);
        assert_int_equal(k, w);
        assert_memory_equal(got, want, k * sizeof *got);
    }
    tokenizer_free(t);
}

static void test_tokens__invalid_utf8_is_replacement_characters(void **state)
{
    struct tokenizer *t = small_tiktoken();
    uint32_t a[32], b[32];
    /* each maximal invalid subsequence is one U+FFFD: a stray continuation byte, a cut
     * 3-byte sequence, an encoded surrogate (three), a byte never in UTF-8 */
    size_t na = encode(t, "a\x80 b\xe2\x82 c\xed\xa0\x80 d\xff", a, 32);
    size_t nb = encode(t, "a\xef\xbf\xbd b\xef\xbf\xbd c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd d\xef\xbf\xbd", b, 32);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na * sizeof *a);
    tokenizer_free(t);
}

static void test_tokens__tiktoken_files_refused_cleanly(void **state)
{
    struct tokenizer *t = (struct tokenizer *)1;
    assert_int_equal(tokenizer_load_tiktoken(&t, "x.tiktoken", NULL, "YQ== 0\nnot a line\n", 18), DSCI_EUSAGE);
    assert_null(t);
    assert_non_null(strstr(err_last(), "x.tiktoken:2"));
    assert_int_equal(tokenizer_load_tiktoken(&t, "x", "cl100k_base", "YQ== 0\nYQ== 1\n", 14), DSCI_EUSAGE);
    assert_non_null(strstr(err_last(), "twice"));
    assert_int_equal(tokenizer_load_tiktoken(&t, "x", "o100k", "YQ== 0\n", 7), DSCI_EUSAGE);
    assert_non_null(strstr(err_last(), "unknown encoding 'o100k'"));
    assert_int_equal(tokenizer_load_tiktoken(&t, "x", "cl100k_base", "YQ== 0\n", 7), DSCI_EUSAGE);
    assert_non_null(strstr(err_last(), "byte 0x00 is not a token"));
    assert_int_equal(tokenizer_load(&t, "ranks", "YQ== 0\n", 7), DSCI_EUSAGE);
    assert_non_null(strstr(err_last(), "which encoding"));
    assert_int_equal(tokenizer_load(&t, "bin", "\x00\x01\x02", 3), DSCI_EUSAGE);
}

/* A byte-level tokenizer.json: the 256 byte characters, then "ab" and "Ġa" and "é", merges
 * in the given form, with the given normalizer and pre-tokenizer. */
static char *small_json(const char *normalizer, const char *pre, bool array_merges, const char *model_extra)
{
    struct buf j = BUF_INIT;
    buf_addstr(&j, "{\"model\":{\"type\":\"BPE\",\"dropout\":null,\"byte_fallback\":false");
    buf_printf(&j, "%s,\"vocab\":{", model_extra);
    int next = 256;
    for (int b = 0; b < 256; b++) {
        bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
        int cp = printable ? b : next++;
        if (cp == '"' || cp == '\\')
            buf_printf(&j, "\"\\%c\":%d,", cp, b);
        else
            buf_printf(&j, "\"\\u%04x\":%d,", cp, b);
    }
    buf_addstr(&j, "\"ab\":256,\"\\u0120a\":257,\"\\u00c3\\u00a9\":258},\"merges\":[");
    buf_addstr(&j, array_merges ? "[\"a\",\"b\"],[\"\\u0120\",\"a\"],[\"\\u00c3\",\"\\u00a9\"]"
                                : "\"a b\",\"\\u0120 a\",\"\\u00c3 \\u00a9\"");
    buf_printf(&j, "]},\"normalizer\":%s,\"pre_tokenizer\":%s,\"added_tokens\":[]}", normalizer, pre);
    return buf_detach(&j, NULL);
}

static const char *const byte_level = "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"use_regex\":true}";

static void test_tokens__tokenizer_json_byte_level_bpe(void **state)
{
    for (int form = 0; form < 2; form++) {
        char *json = small_json("null", byte_level, form == 1, "");
        struct tokenizer *t;
        assert_int_equal(tokenizer_load(&t, "tokenizer.json", json, strlen(json)), 0);
        uint32_t ids[16];
        /* GPT-2's pieces "ab" " ab": [ab] and [Ġ, ab] ("a b" ranks before "Ġ a") */
        assert_int_equal(encode(t, "ab ab", ids, 16), 3);
        assert_int_equal(ids[0], 256);
        assert_int_equal(ids[1], ' ');
        assert_int_equal(ids[2], 256);
        assert_int_equal(encode(t, " a", ids, 16), 1);
        assert_int_equal(ids[0], 257);
        assert_string_equal(tokenizer_kind(t), "tokenizer.json BPE");
        tokenizer_free(t);
        free(json);
    }
}

static void test_tokens__nfc_normalizer_composes(void **state)
{
    char *json = small_json("{\"type\":\"NFC\"}", byte_level, false, "");
    struct tokenizer *t;
    assert_int_equal(tokenizer_load(&t, "tokenizer.json", json, strlen(json)), 0);
    uint32_t a[8], b[8];
    assert_int_equal(encode(t, "e\xcc\x81", a, 8), 1);   /* e + U+0301 -> é, one token */
    assert_int_equal(encode(t, "\xc3\xa9", b, 8), 1);
    assert_int_equal(a[0], 258);
    assert_int_equal(b[0], 258);
    tokenizer_free(t);
    free(json);
}

static void test_tokens__tokenizer_json_refused_by_name(void **state)
{
    static const struct { const char *normalizer, *pre, *model_extra, *says; } cases[] = {
        { "{\"type\":\"NFKC\"}", NULL, "", "normalizer NFKC" },
        { "null", "{\"type\":\"Metaspace\"}", "", "pre-tokenizer Metaspace" },
        { "null", "{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Split\",\"pattern\":{\"Regex\":\"a\"},"
                  "\"behavior\":\"Removed\",\"invert\":false},{\"type\":\"ByteLevel\",\"use_regex\":false}]}",
          "", "behavior Isolated" },
        { "null", NULL, ",\"continuing_subword_prefix\":\"##\"", "subword prefixes" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *json = small_json(cases[i].normalizer, cases[i].pre ? cases[i].pre : byte_level, false,
                                cases[i].model_extra);
        struct tokenizer *t;
        assert_int_equal(tokenizer_load(&t, "tok.json", json, strlen(json)), DSCI_EUSAGE);
        assert_non_null(strstr(err_last(), cases[i].says));
        assert_non_null(strstr(err_last(), "tok.json"));
        free(json);
    }
    struct tokenizer *t;
    const char *unigram = "{\"model\":{\"type\":\"Unigram\",\"vocab\":[[\"a\",0.0]]}}";
    assert_int_equal(tokenizer_load(&t, "u.json", unigram, strlen(unigram)), DSCI_EUSAGE);
    assert_non_null(strstr(err_last(), "a Unigram model is not supported"));
    const char *broken = "{\"model\": {\"type\": \"BPE\", ";
    assert_int_equal(tokenizer_load(&t, "b.json", broken, strlen(broken)), DSCI_EUSAGE);
    assert_non_null(strstr(err_last(), "not valid JSON"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokens__lowest_rank_then_leftmost),
        cmocka_unit_test(test_tokens__short_and_long_pieces_merge_as_the_rule_says),
        cmocka_unit_test(test_tokens__invalid_utf8_is_replacement_characters),
        cmocka_unit_test(test_tokens__tiktoken_files_refused_cleanly),
        cmocka_unit_test(test_tokens__tokenizer_json_byte_level_bpe),
        cmocka_unit_test(test_tokens__nfc_normalizer_composes),
        cmocka_unit_test(test_tokens__tokenizer_json_refused_by_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
