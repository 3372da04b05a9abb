#include "util/utf8.h"

/* Unicode's table 3-7 by lead byte: the sequence's length and its second byte's range
 * (every later byte is 80..BF). A byte in no row starts no sequence. */
static const struct utf8_form {
    unsigned char first, last, need, lo, hi;
} utf8_forms[] = {
    { 0xc2, 0xdf, 2, 0x80, 0xbf },
    { 0xe0, 0xe0, 3, 0xa0, 0xbf },
    { 0xe1, 0xec, 3, 0x80, 0xbf },
    { 0xed, 0xed, 3, 0x80, 0x9f },   /* no surrogates */
    { 0xee, 0xef, 3, 0x80, 0xbf },
    { 0xf0, 0xf0, 4, 0x90, 0xbf },
    { 0xf1, 0xf3, 4, 0x80, 0xbf },
    { 0xf4, 0xf4, 4, 0x80, 0x8f },   /* nothing above U+10FFFF */
};

/*
 * Length of the well-formed UTF-8 sequence at s (at most `avail` bytes), or 0 when
 * the bytes there are not one. Follows Unicode's table 3-7: no overlong forms, no
 * surrogates, nothing above U+10FFFF. *bad_len gets the length of the "maximal
 * subpart" to replace with one U+FFFD when the result is 0 (always >= 1).
 */
size_t utf8_sequence(const unsigned char *s, size_t avail, size_t *bad_len)
{
    const struct utf8_form *f = NULL;

    *bad_len = 1;
    for (size_t k = 0; !f && k < sizeof(utf8_forms) / sizeof(utf8_forms[0]); k++)
        if (s[0] >= utf8_forms[k].first && s[0] <= utf8_forms[k].last)
            f = &utf8_forms[k];
    if (!f)
        return 0;
    for (size_t i = 1; i < f->need; i++) {
        if (i >= avail)
            return 0;
        if (s[i] < (i == 1 ? f->lo : 0x80) || s[i] > (i == 1 ? f->hi : 0xbf))
            return 0;
        *bad_len = i + 1;
    }
    return f->need;
}

size_t utf8_len(const unsigned char *s)
{
    size_t avail = 0, bad;
    while (avail < 4 && s[avail])
        avail++;
    return avail ? utf8_sequence(s, avail, &bad) : 0;
}

size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
    size_t i = 0;
    uint32_t cp;
    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (!n)
            return i;
        i += n;
    }
    return len;
}

size_t utf8_encode(uint32_t cp, unsigned char out[4])
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Python's str.isspace() code points. */
static bool is_space_cp(uint32_t cp)
{
    switch (cp) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D:
    case 0x1C: case 0x1D: case 0x1E: case 0x1F: case 0x20:
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
        return true;
    }
    return cp >= 0x2000 && cp <= 0x200A;
}

bool utf8_is_blank(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (!n || !is_space_cp(cp))
            return false;
        i += n;
    }
    return true;
}
