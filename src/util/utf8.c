#include "util/utf8.h"

/*
 * Length of the well-formed UTF-8 sequence at s (at most `avail` bytes), or 0 when
 * the bytes there are not one. Follows Unicode's table 3-7: no overlong forms, no
 * surrogates, nothing above U+10FFFF. *bad_len gets the length of the "maximal
 * subpart" to replace with one U+FFFD when the result is 0 (always >= 1).
 */
size_t utf8_sequence(const unsigned char *s, size_t avail, size_t *bad_len)
{
    unsigned char c = s[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */

    *bad_len = 1;
    if (c >= 0xc2 && c <= 0xdf) {
        need = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 3;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
    } else {
        return 0;
    }
    for (size_t i = 1; i < need; i++) {
        if (i >= avail)
            return 0;
        unsigned char lo_i = i == 1 ? lo : 0x80, hi_i = i == 1 ? hi : 0xbf;
        if (s[i] < lo_i || s[i] > hi_i)
            return 0;
        *bad_len = i + 1;
    }
    return need;
}

size_t utf8_len(const unsigned char *s)
{
    size_t avail = 0, bad;
    while (avail < 4 && s[avail])
        avail++;
    return avail ? utf8_sequence(s, avail, &bad) : 0;
}

bool utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = *p < 0x80 ? 1 : utf8_len(p);
        if (!n)
            return false;
        p += n;
    }
    return true;
}
