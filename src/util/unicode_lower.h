/*
 * Lower case with Python's str.lower() semantics, so coverage keywords match exactly
 * the texts the reference pipeline matches. The table is generated from Python itself
 * by scripts/gen_unicode_lower.py (src/util/unicode_lower_table.h, Unicode version in
 * UNICODE_LOWER_UNIDATA_VERSION).
 *
 *   uint32_t low[3];
 *   size_t n = unicode_lower(0x130, low);        // 2: 'i', U+0307
 *
 *   struct buf b = BUF_INIT;
 *   unicode_lower_utf8(&b, text, len);           // whole string, like text.lower()
 *
 * unicode_lower() is context-free. Python also applies one contextual rule: a capital
 * sigma (U+03A3) at the end of a word becomes U+03C2, not U+03C3 (unicode_final_sigma
 * decides it from the surrounding text; unicode_lower_utf8 applies it). Bytes that are
 * not valid UTF-8 are passed through unchanged.
 */
#ifndef DSCI_UNICODE_LOWER_H
#define DSCI_UNICODE_LOWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/utf8.h"

#define UNICODE_CAPITAL_SIGMA 0x3A3u

enum unicode_case_class {
    UNICODE_CASE_OTHER = 0,
    UNICODE_CASED,           /* cased and not case-ignorable */
    UNICODE_CASE_IGNORABLE,  /* skipped when looking for the word around a sigma */
};

/* The context-free lower case of cp: writes 1 to 3 code points to out and returns how
 * many. A code point without a lower case (or not a code point) is returned as is. */
size_t unicode_lower(uint32_t cp, uint32_t out[3]);

enum unicode_case_class unicode_case_class(uint32_t cp);

/* Whether some code point whose UTF-8 starts with byte `lead` changes under lower()
 * (a capital sigma included). Text with no such lead byte lower-cases to itself. */
bool unicode_lower_lead_changes(unsigned char lead);

/* The former names of utf8_decode and utf8_encode (util/utf8.h, the one UTF-8 codec),
 * kept only until their last callers in gates/ and run/ switch; no code of their own. */
static inline size_t unicode_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    return utf8_decode(s, avail, cp);
}

static inline size_t unicode_utf8_encode(uint32_t cp, unsigned char out[4])
{
    return utf8_encode(cp, out);
}

/* Whether the capital sigma at s[pos..pos+cp_len) is in Python's Final_Sigma context
 * within s[0..len): the nearest code point before it that is not case-ignorable is
 * cased, and the nearest one after it is not. */
bool unicode_final_sigma(const char *s, size_t len, size_t pos, size_t cp_len);

/* The code point at text[i] and its lower case in context (Python's Final_Sigma rule
 * included): the one step every lower-casing loop takes for a non-ASCII character. */
struct unicode_lowered {
    uint32_t cp;
    uint32_t low[3];
    size_t n_low;     /* 1..3 */
};

/* Fills *out for the code point at text[i] (i < len) and returns its length in bytes;
 * 0 when the bytes there are not UTF-8 (then *out is untouched). */
size_t unicode_lower_at(struct unicode_lowered *out, const char *text, size_t len, size_t i);

/* Appends text.lower() of the UTF-8 s[0..len) to out. */
void unicode_lower_utf8(struct buf *out, const char *s, size_t len);

#endif
