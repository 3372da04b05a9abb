/*
 * The fast JSON path (read/json_fast.h). Strings dominate a dataset's bytes, so the
 * string lexer is the part that matters: a vector scan (util/simd_scan.h) skips plain
 * ASCII 16 or 32 bytes at a time and stops only at the quote, a backslash, a control
 * character or a non-ASCII byte; non-ASCII is checked as strict UTF-8 on the spot.
 * Escapes are checked in that one pass and decoded in a second one, only for strings
 * that have them. The rest is a small state machine with an explicit stack.
 *
 * Where yajl is laxer than JSON (\v and \f as whitespace, overlong or surrogate UTF-8,
 * lone surrogate escapes, which its decoder turns into '?' or CESU bytes) this parser
 * refuses, and yajl decides: nothing is ever accepted here that yajl would deliver
 * differently.
 */
#include "read/json_fast.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/simd_scan.h"
#include "util/utf8.h"

bool json_fast_enabled(void)
{
    /* 0: not read yet, 1: on, 2: off. Every racing thread reads the same environment. */
    static int state;
    int s = __atomic_load_n(&state, __ATOMIC_RELAXED);
    if (!s) {
        const char *v = getenv("DSCI_JSON");
        s = v && strcmp(v, "yajl") == 0 ? 2 : 1;
        __atomic_store_n(&state, s, __ATOMIC_RELAXED);
    }
    return s == 1;
}

struct lexer {
    const unsigned char *end;
    size_t (*string_stop)(const unsigned char *s, size_t len);
    struct arena *scratch;
};

static inline bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static inline const unsigned char *skip_ws(const unsigned char *p, const unsigned char *end)
{
    while (p < end && is_ws(*p))
        p++;
    return p;
}

static inline int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* The four hex digits at p (all there: the caller checked the length), or -1. */
static inline int32_t hex4(const unsigned char *p)
{
    int32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hex_value(p[i]);
        if (h < 0)
            return -1;
        v = (v << 4) | h;
    }
    return v;
}

/* The escape at p (a backslash) is one this parser decodes as yajl does; its length
 * (2, 6 or 12 for a surrogate pair), or 0 to refuse. */
static size_t escape_length(const unsigned char *p, const unsigned char *end)
{
    if (end - p < 2)
        return 0;
    switch (p[1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        return 2;
    case 'u':
        break;
    default:
        return 0;
    }
    if (end - p < 6)
        return 0;
    int32_t cp = hex4(p + 2);
    if (cp < 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
        return 0;
    if (cp < 0xD800 || cp > 0xDBFF)
        return 6;
    /* a high surrogate: only a low one right after it makes a pair yajl decodes right */
    if (end - p < 12 || p[6] != '\\' || p[7] != 'u')
        return 0;
    int32_t low = hex4(p + 8);
    return low >= 0xDC00 && low <= 0xDFFF ? 12 : 0;
}

/* Decodes a string whose escapes escape_length accepted into the scratch arena. */
static const unsigned char *decode(struct lexer *lx, const unsigned char *s, size_t len,
                                   size_t *out_len)
{
    unsigned char *out = arena_alloc(lx->scratch, len ? len : 1), *o = out;
    const unsigned char *p = s, *end = s + len;
    while (p < end) {
        const unsigned char *bs = memchr(p, '\\', (size_t)(end - p));
        if (!bs) {
            memcpy(o, p, (size_t)(end - p));
            o += end - p;
            break;
        }
        memcpy(o, p, (size_t)(bs - p));
        o += bs - p;
        switch (bs[1]) {
        case 'b': *o++ = '\b'; p = bs + 2; continue;
        case 'f': *o++ = '\f'; p = bs + 2; continue;
        case 'n': *o++ = '\n'; p = bs + 2; continue;
        case 'r': *o++ = '\r'; p = bs + 2; continue;
        case 't': *o++ = '\t'; p = bs + 2; continue;
        case 'u': break;
        default: *o++ = bs[1]; p = bs + 2; continue;   /* " \ / */
        }
        uint32_t cp = (uint32_t)hex4(bs + 2);
        p = bs + 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)hex4(bs + 8) - 0xDC00);
            p = bs + 12;
        }
        o += utf8_encode(cp, o);
    }
    *out_len = (size_t)(o - out);
    return out;
}

/*
 * The string whose opening quote is just before p: its bytes in *out (in place, or
 * decoded), and the position after the closing quote; NULL to refuse.
 */
static const unsigned char *lex_string(struct lexer *lx, const unsigned char *p,
                                       const unsigned char **out, size_t *out_len)
{
    const unsigned char *start = p, *end = lx->end;
    bool escaped = false;
    for (;;) {
#ifdef SIMD_HAVE_STOP_MASK16
        if (end - p >= 16) {
            unsigned m = simd_string_stop_mask16(p);
            p += m ? (size_t)__builtin_ctz(m) : 16 + lx->string_stop(p + 16, (size_t)(end - p) - 16);
        } else
#endif
        {
            p += lx->string_stop(p, (size_t)(end - p));
        }
        if (p == end)
            return NULL;
        unsigned char c = *p;
        if (c == '"')
            break;
        if (c == '\\') {
            size_t n = escape_length(p, end);
            if (!n)
                return NULL;
            escaped = true;
            p += n;
        } else if (c < 0x20) {
            return NULL;
        } else {
            /* non-ASCII usually comes in runs (a word of a script): check it whole */
            do {
                uint32_t cp;
                size_t n = utf8_decode(p, (size_t)(end - p), &cp);
                if (!n)
                    return NULL;
                p += n;
            } while (p < end && *p >= 0x80);
        }
    }
    if (escaped) {
        *out = decode(lx, start, (size_t)(p - start), out_len);
    } else {
        *out = start;
        *out_len = (size_t)(p - start);
    }
    return p + 1;
}

static inline bool is_digit(const unsigned char *p, const unsigned char *end)
{
    return p < end && *p >= '0' && *p <= '9';
}

/* JSON's number grammar from p; the position after it, or NULL. */
static const unsigned char *lex_number(const unsigned char *p, const unsigned char *end)
{
    if (p < end && *p == '-')
        p++;
    if (!is_digit(p, end))
        return NULL;
    if (*p++ != '0')
        while (is_digit(p, end))
            p++;
    if (p < end && *p == '.') {
        p++;
        if (!is_digit(p, end))
            return NULL;
        while (is_digit(p, end))
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (!is_digit(p, end))
            return NULL;
        while (is_digit(p, end))
            p++;
    }
    return p;
}

static inline bool literal_at(const unsigned char *p, const unsigned char *end, const char *lit,
                              size_t n)
{
    return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* A callback that may be absent (skipped, as yajl skips it) and may cancel. */
#define CALL(fn, ...) ((fn) == NULL || (fn)(__VA_ARGS__))

bool json_fast_parse(const yajl_callbacks *cb, void *ctx, struct arena *scratch,
                     const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    struct lexer lx = { end, simd_best()->string_stop, scratch };
    /* the open containers: 1 for an object, 0 for an array */
    unsigned char in_map[JSON_FAST_MAX_DEPTH];
    size_t depth = 0;
    const unsigned char *s, *q;
    size_t n;

    if (!cb->yajl_number)
        return false;
    p = skip_ws(p, end);
    if (p == end || (*p != '{' && *p != '['))
        return false; /* a scalar root: rare, and yajl's to describe */

value:
    if (p == end)
        return false;
    switch (*p) {
    case '{':
        if (depth == JSON_FAST_MAX_DEPTH || !CALL(cb->yajl_start_map, ctx))
            return false;
        in_map[depth++] = 1;
        p = skip_ws(p + 1, end);
        if (p < end && *p == '}') {
            p++;
            goto close;
        }
        goto key;
    case '[':
        if (depth == JSON_FAST_MAX_DEPTH || !CALL(cb->yajl_start_array, ctx))
            return false;
        in_map[depth++] = 0;
        p = skip_ws(p + 1, end);
        if (p < end && *p == ']') {
            p++;
            goto close;
        }
        goto value;
    case '"':
        if (!(p = lex_string(&lx, p + 1, &s, &n)) || !CALL(cb->yajl_string, ctx, s, n))
            return false;
        goto after_value;
    case 't':
        if (!literal_at(p, end, "true", 4) || !CALL(cb->yajl_boolean, ctx, 1))
            return false;
        p += 4;
        goto after_value;
    case 'f':
        if (!literal_at(p, end, "false", 5) || !CALL(cb->yajl_boolean, ctx, 0))
            return false;
        p += 5;
        goto after_value;
    case 'n':
        if (!literal_at(p, end, "null", 4) || !CALL(cb->yajl_null, ctx))
            return false;
        p += 4;
        goto after_value;
    default:
        if (!(q = lex_number(p, end)) || !cb->yajl_number(ctx, (const char *)p, (size_t)(q - p)))
            return false;
        p = q;
        goto after_value;
    }

key:
    if (p == end || *p != '"')
        return false;
    if (!(p = lex_string(&lx, p + 1, &s, &n)) || !CALL(cb->yajl_map_key, ctx, s, n))
        return false;
    p = skip_ws(p, end);
    if (p == end || *p != ':')
        return false;
    p = skip_ws(p + 1, end);
    goto value;

close:
    /* the container in_map[depth - 1] ends just before p */
    if (in_map[--depth] ? !CALL(cb->yajl_end_map, ctx) : !CALL(cb->yajl_end_array, ctx))
        return false;
    /* fall through: a closed container is a value of its parent */

after_value:
    p = skip_ws(p, end);
    if (!depth)
        return p == end;
    if (p == end)
        return false;
    if (*p == ',') {
        p = skip_ws(p + 1, end);
        if (in_map[depth - 1])
            goto key;
        goto value;
    }
    if (*p == (in_map[depth - 1] ? '}' : ']')) {
        p++;
        goto close;
    }
    return false;
}
