/*
 * The one escaper of the HTML report. A browser must never read data as markup, and a
 * reviewer must never be shown text that reads differently from what it is: a bidi
 * override (U+202E) could reverse what follows it, so it is shown by name instead.
 */
#include "report/html.h"

#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

/* Code points shown as [U+XXXX] instead of themselves. */
static bool shown_by_name(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || utf8_is_bidi_control(cp);
}

bool html_text_cut(struct buf *b, const char *str, size_t max)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    size_t avail = strlen((const char *)s), chars = 0;
    while (avail) {
        if (chars == max) {
            buf_addstr(b, "…");
            return true;
        }
        uint32_t cp;
        size_t n = utf8_decode(s, avail, &cp);
        if (!n) {
            size_t bad;
            utf8_sequence(s, avail, &bad);
            n = bad ? bad : 1;
            buf_addstr(b, "\xef\xbf\xbd");
        } else if (cp == '\n' || cp == '\r' || cp == '\t') {
            buf_addch(b, ' ');
        } else if (shown_by_name(cp)) {
            buf_printf(b, "[U+%04X]", (unsigned)cp);
        } else {
            switch (cp) {
            case '&': buf_addstr(b, "&amp;"); break;
            case '<': buf_addstr(b, "&lt;"); break;
            case '>': buf_addstr(b, "&gt;"); break;
            case '"': buf_addstr(b, "&quot;"); break;
            case '\'': buf_addstr(b, "&#39;"); break;
            default: buf_add(b, s, n);
            }
        }
        s += n;
        avail -= n;
        chars++;
    }
    return false;
}

void html_text(struct buf *b, const char *s)
{
    html_text_cut(b, s, SIZE_MAX);
}

void html_count(struct buf *b, uint64_t n)
{
    char digits[24];
    int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            buf_addch(b, ',');
        buf_addch(b, digits[i]);
    }
}
