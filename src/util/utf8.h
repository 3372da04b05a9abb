/*
 * UTF-8, the one place that knows Unicode's table 3-7 (no overlong forms, no
 * surrogates, nothing above U+10FFFF). Every reader of text asks here: the decoder for
 * code points (lowercasing, MinHash shingles, YAML quoting), the validator for a
 * record's bytes, and every writer that must turn invalid bytes into U+FFFD (JSON,
 * XML, terminal, GitHub).
 *
 *   uint32_t cp; size_t n = utf8_decode(p, end - p, &cp);   // 0: malformed here
 *   size_t bad, n = utf8_sequence(p, end - p, &bad);         // 0: replace `bad` bytes
 *   if (!utf8_valid(s, len)) ...                              // whole text
 *   n = utf8_encode(cp, out);                                 // 1..4 bytes
 */
#ifndef DSCI_UTF8_H
#define DSCI_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The code point of the well-formed sequence at s (at most `avail` bytes) in *cp, and
 * its length (1-4); 0 when the bytes there are not one (or avail is 0), *cp untouched.
 * Inline: it runs once per character on the hot paths (gates, signatures). */
static inline size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    if (!avail)
        return 0;
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

/* Encodes cp (<= U+10FFFF, not a surrogate) to out; returns the number of bytes (1..4). */
size_t utf8_encode(uint32_t cp, unsigned char out[4]);

/* Length of the well-formed sequence at s (at most `avail` bytes), or 0; then *bad_len
 * is the length of the maximal subpart to replace with one U+FFFD (always >= 1). */
size_t utf8_sequence(const unsigned char *s, size_t avail, size_t *bad_len);

/* The same for a NUL-terminated string (the NUL stops any scan). */
size_t utf8_len(const unsigned char *s);

/* Offset of the first byte that does not start a well-formed sequence in s[0..len),
 * or len when all of it is UTF-8 (a NUL byte is valid UTF-8). */
size_t utf8_invalid_at(const unsigned char *s, size_t len);

/* The bidirectional controls (U+061C, U+200E/F, U+202A..E, U+2066..9): invisible, they
 * reorder the text around them, so a name can read as another ("Trojan Source").
 * Every writer of untrusted text for a person shows them instead of passing them on. */
static inline bool utf8_is_bidi_control(uint32_t cp)
{
    return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/* Only whitespace as Python's str.isspace() means it (what strip() strips), or empty;
 * false for invalid UTF-8. */
bool utf8_is_blank(const char *text, size_t len);

/* All of s[0..len) is well-formed UTF-8. */
static inline bool utf8_valid(const char *s, size_t len)
{
    return utf8_invalid_at((const unsigned char *)s, len) == len;
}

#endif
