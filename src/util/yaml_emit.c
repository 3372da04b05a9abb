#include "util/yaml_emit.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "util/utf8.h"

static bool ascii_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Characters a plain scalar may hold after its first one. Conservative: anything else
 * is quoted, which YAML reads the same. */
static bool plain_char(char c, enum yaml_scalar_style style)
{
    if (ascii_alpha(c) || (c >= '0' && c <= '9') || strchr(" _.-/", c))
        return c != '\0';
    return style == YAML_SCALAR_CARD && c && strchr("<>+()", c);
}

static bool plain_ok(const char *s, enum yaml_scalar_style style)
{
    static const char *const keywords[] = {
        "y", "n", "yes", "no", "on", "off", "true", "false", "null",
    };
    size_t len = strlen(s);
    if (!len || s[len - 1] == ' ')
        return false;
    if (!ascii_alpha(s[0]) && !(style == YAML_SCALAR_SPEC && s[0] == '_'))
        return false;
    for (size_t i = 0; i < len; i++)
        if (!plain_char(s[i], style))
            return false;
    for (size_t k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++)
        if (!strcasecmp(s, keywords[k]))
            return false;
    return true;
}

/* YAML_SCALAR_SPEC's quoted body: byte by byte. */
static void quote_bytes(struct buf *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_printf(out, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            buf_printf(out, "\\x%02x", *p);
        else
            buf_addch(out, (char)*p);
    }
}

/* YAML_SCALAR_CARD's quoted body: code point by code point. */
static void quote_unicode(struct buf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        uint32_t cp = 0;
        size_t n = utf8_decode(p + i, len - i, &cp);
        if (!n) {
            buf_addstr(out, "\\uFFFD");   /* not UTF-8: YAML streams must be */
            i++;
            continue;
        }
        if (cp == '"' || cp == '\\') {
            buf_addch(out, '\\');
            buf_addch(out, (char)cp);
        } else if (cp == '\n') {
            buf_addstr(out, "\\n");
        } else if (cp == '\t') {
            buf_addstr(out, "\\t");
        } else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
            buf_printf(out, "\\x%02X", (unsigned)cp);
        } else if (cp == 0x2028 || cp == 0x2029 || cp == 0xfeff || cp == 0xfffe || cp == 0xffff) {
            /* YAML line breaks and a byte order mark: not printable inside a scalar */
            buf_printf(out, "\\u%04X", (unsigned)cp);
        } else {
            buf_add(out, s + i, n);
        }
        i += n;
    }
}

void yaml_emit_scalar(struct buf *out, const char *s, enum yaml_scalar_style style)
{
    if (plain_ok(s, style)) {
        buf_addstr(out, s);
        return;
    }
    buf_addch(out, '"');
    if (style == YAML_SCALAR_SPEC)
        quote_bytes(out, s);
    else
        quote_unicode(out, s);
    buf_addch(out, '"');
}
