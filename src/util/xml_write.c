#include "util/xml_write.h"

#include "util/utf8.h"

#include <stdint.h>
#include <string.h>

/* Writes to a FILE or a buf through one sink, as json_write.c does. */
struct sink {
    FILE *file;
    struct buf *buf;
    int failed;
};

static void sink_put(struct sink *k, const char *p, size_t n)
{
    if (k->file)
        fwrite(p, 1, n, k->file);
    else if (!k->failed && buf_add(k->buf, p, n) < 0)
        k->failed = 1;
}

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */


static void escape_to(struct sink *k, const char *str, size_t len, bool attr)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t run = 0, i = 0;

    while (i < len) {
        unsigned char c = s[i];
        const char *rep = NULL;
        size_t skip = 1;

        if (c >= 0x80) {
            size_t bad_len, n = utf8_sequence(s + i, len - i, &bad_len);
            /* U+FFFE and U+FFFF (ef bf be/bf) are not XML 1.0 characters. */
            bool nonchar = n == 3 && c == 0xef && s[i + 1] == 0xbf && s[i + 2] >= 0xbe;
            if (n && !nonchar) {
                i += n;
                continue;
            }
            rep = replacement;
            skip = n ? n : bad_len;
        } else {
            switch (c) {
            case '&': rep = "&amp;"; break;
            case '<': rep = "&lt;"; break;
            case '>': rep = "&gt;"; break;
            case '"': rep = "&quot;"; break;
            case '\'': rep = "&apos;"; break;
            case '\r': rep = "&#13;"; break;
            case '\t': rep = attr ? "&#9;" : NULL; break;
            case '\n': rep = attr ? "&#10;" : NULL; break;
            default:
                if (c < 0x20)
                    rep = replacement;
                break;
            }
            if (!rep) {
                i++;
                continue;
            }
        }
        sink_put(k, str + run, i - run);
        sink_put(k, rep, strlen(rep));
        i += skip;
        run = i;
    }
    sink_put(k, str + run, i - run);
}

void xml_write_text(FILE *out, const char *s, size_t len, bool attr)
{
    struct sink k = { out, NULL, 0 };
    if (s)
        escape_to(&k, s, len, attr);
}

int xml_buf_text(struct buf *out, const char *s, size_t len, bool attr)
{
    struct sink k = { NULL, out, 0 };
    size_t before = out->len;
    if (s)
        escape_to(&k, s, len, attr);
    if (k.failed) {
        out->len = before;
        if (out->ptr)
            out->ptr[before] = '\0';
        return -1;
    }
    return 0;
}
