#include "util/json_write.h"

#include "util/utf8.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * The escaper writes to either a FILE or a buf through this sink, so that both
 * entry points share one implementation. A buf that hits its cap sets `failed`;
 * json_buf_string then rolls the buffer back so it never holds half a string.
 */
struct sink {
    FILE *file;
    struct buf *buf;
    bool failed;
};

static void sink_put(struct sink *k, const char *p, size_t n)
{
    if (k->file) {
        fwrite(p, 1, n, k->file);
    } else if (!k->failed && buf_add(k->buf, p, n) < 0) {
        k->failed = true;
    }
}

static const char hex_digits[] = "0123456789abcdef";

static void put_u_escape(struct sink *k, unsigned cp)
{
    char e[6] = { '\\', 'u',
                  hex_digits[(cp >> 12) & 0xf], hex_digits[(cp >> 8) & 0xf],
                  hex_digits[(cp >> 4) & 0xf], hex_digits[cp & 0xf] };
    sink_put(k, e, sizeof(e));
}


static void escape_to(struct sink *k, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t run = 0; /* start of the pending run of bytes that need no escaping */
    size_t i = 0;

    sink_put(k, "\"", 1);
    while (i < len) {
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t bad_len;
            size_t n = utf8_sequence(s + i, len - i, &bad_len);
            /* U+2028/U+2029 (e2 80 a8/a9) are valid JSON but break JavaScript embedding. */
            bool line_sep = n == 3 && c == 0xe2 && s[i + 1] == 0x80 &&
                            (s[i + 2] == 0xa8 || s[i + 2] == 0xa9);
            if (n && !line_sep) {
                i += n;
                continue;
            }
            sink_put(k, str + run, i - run);
            if (line_sep) {
                put_u_escape(k, s[i + 2] == 0xa8 ? 0x2028 : 0x2029);
                i += 3;
            } else {
                put_u_escape(k, 0xfffd);
                i += bad_len;
            }
            run = i;
            continue;
        }

        sink_put(k, str + run, i - run);
        switch (c) {
        case '"':  sink_put(k, "\\\"", 2); break;
        case '\\': sink_put(k, "\\\\", 2); break;
        case '\n': sink_put(k, "\\n", 2); break;
        case '\r': sink_put(k, "\\r", 2); break;
        case '\t': sink_put(k, "\\t", 2); break;
        case '\b': sink_put(k, "\\b", 2); break;
        case '\f': sink_put(k, "\\f", 2); break;
        default:   put_u_escape(k, c); break;
        }
        run = ++i;
    }
    sink_put(k, str + run, i - run);
    sink_put(k, "\"", 1);
}

void json_write_string(FILE *out, const char *s, size_t len)
{
    struct sink k = { out, NULL, false };
    escape_to(&k, s ? s : "", s ? len : 0);
}

void json_buf_string(struct buf *out, const char *s, size_t len)
{
    size_t old_len = out->len;
    struct sink k = { NULL, out, false };
    escape_to(&k, s ? s : "", s ? len : 0);
    if (k.failed) {
        /* All or nothing: past the cap, out is left as it was (check out->len). */
        out->len = old_len;
        if (out->ptr)
            out->ptr[old_len] = '\0';
    }
}

void json_write_number(FILE *out, double v)
{
    if (!isfinite(v)) {
        fputs("null", out);
        return;
    }
    /* Exact integers below 2^53 print as integers: counts stay counts. */
    if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        fprintf(out, "%.0f", v == 0 ? 0.0 : v);
        return;
    }
    /* The shortest of 15..17 significant digits that reads back as the same double,
     * so 0.1 prints as 0.1 rather than 0.10000000000000001. */
    char tmp[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
        if (prec == 17 || strtod(tmp, NULL) == v)
            break;
    }
    fputs(tmp, out);
}
