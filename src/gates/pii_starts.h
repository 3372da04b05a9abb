/*
 * Private to the PII detector (gates/pii_detect.c, gates/pii_value.c): the detectors'
 * indices, the byte classes, and the one table-driven pass over a text that finds where a
 * match of each detector could first start. Texts with no plausible start cost that pass
 * and never reach PCRE2.
 *
 *   pii_starts_init();                         // once, before the first scan (idempotent)
 *   size_t from[D_COUNT];
 *   pii_starts_find(from, text, len, 0, want); // from[d] == len: no start for detector d
 */
#ifndef DSCI_GATES_PII_STARTS_H
#define DSCI_GATES_PII_STARTS_H

#include <stddef.h>

enum { D_EMAIL, D_PHONE, D_CARD, D_IPV4, D_IPV6, D_KEY, D_COUNT };

/* Byte classes: pii_class[c] holds the C_* bits of byte c (after pii_starts_init()). */
enum { C_DIGIT = 1, C_NUMSEP = 2, C_KEY = 4, C_HEX = 8, C_LOWER = 16, C_UPPER = 32 };
extern unsigned char pii_class[256];
#define PII_IS(c, k) (pii_class[(unsigned char)(c)] & (k))

/* Fills the class tables; a no-op once done. */
void pii_starts_init(void);

/* For every detector d in `want` (bits 1u << d), out[d] = the first offset >= pos where a
 * match could start, or len when none can; out[d] = len for the others too. */
void pii_starts_find(size_t out[D_COUNT], const char *text, size_t len, size_t pos, unsigned want);

/* The same for one detector. */
size_t pii_starts_next(int d, const char *text, size_t len, size_t pos);

#endif
