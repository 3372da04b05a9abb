/*
 * UTF-8 well-formedness, the one place that knows Unicode's table 3-7 (no overlong
 * forms, no surrogates, nothing above U+10FFFF). Every writer that must turn invalid
 * bytes into U+FFFD (JSON, XML, terminal, GitHub) asks here.
 *
 *   size_t bad, n = utf8_sequence(p, end - p, &bad);   // 0: replace `bad` bytes
 */
#ifndef DSCI_UTF8_H
#define DSCI_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length of the well-formed sequence at s (at most `avail` bytes), or 0; then *bad_len
 * is the length of the maximal subpart to replace with one U+FFFD (always >= 1). */
size_t utf8_sequence(const unsigned char *s, size_t avail, size_t *bad_len);

/* The same for a NUL-terminated string (the NUL stops any scan). */
size_t utf8_len(const unsigned char *s);

/* Whether the NUL-terminated string s is well-formed UTF-8 throughout. */
bool utf8_valid(const char *s);

#endif
