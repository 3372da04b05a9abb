/*
 * The keyword prefilter of the classifier (run/classify.c): finds the next place in a
 * text where a keyword could start, so the Aho-Corasick DFA runs only around those
 * places instead of over every byte.
 *
 *   struct kw_filter f;
 *   if (kw_filter_init(&f, firsts, n))     // false: too many, use the DFA alone
 *       i = f.next(&f, text, len, i);       // a candidate position, or len
 *
 * A position c is a candidate when the lower-cased bytes at c, c+1 are the first two of
 * some keyword (the first one alone for a 1-byte keyword), or when c or c+1 is the lead
 * of a code point whose lower() may change (its lowered bytes are not known here), or
 * when c is the text's last byte and some keyword starts with it (the byte after it is
 * the joining space or the next text). Every real match starts at a candidate; the
 * variants may report more candidates (the vector ones fold case as b | 0x20), never
 * fewer. Kernels read only s[0..len).
 */
#ifndef DSCI_CLASSIFY_SCAN_H
#define DSCI_CLASSIFY_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* More distinct (first, second) byte pairs than this and the filter stops paying. */
#define KW_FILTER_MAX_PAIRS 16

/* A keyword's first lower-cased bytes: len 1 for a 1-byte keyword, else 2. */
struct kw_first {
    unsigned char b[2];
    size_t len;
};

struct kw_filter {
    size_t (*next)(const struct kw_filter *f, const unsigned char *s, size_t len, size_t from);
    size_t n_pairs, n_singles;
    unsigned char pair_first[KW_FILTER_MAX_PAIRS], pair_second[KW_FILTER_MAX_PAIRS];
    unsigned char single[KW_FILTER_MAX_PAIRS];   /* folded (| 0x20) for the vector kernels */
    /* Exact tables for the scalar kernel, indexed by the raw text byte. */
    uint32_t first_bits[256];    /* pairs (bits 0..15) / singles (bit 16) starting lower(b) */
    uint32_t second_bits[256];   /* pairs whose second byte is lower(b); all bits for a lead
                                  * that may change */
    bool changes[256];           /* a lead byte whose code point lower() may change */
    /* The same set by nibbles for a byte shuffle: changes_lo[b & 15] has bit (b >> 4) - 8
     * set when lead b changes; changes_hi[h] is 1 << (h - 8) (0 for ASCII). */
    unsigned char changes_lo[16], changes_hi[16];
};

/* Builds the filter of n keywords' first bytes with the fastest kernel this CPU runs;
 * false when they make too many distinct pairs to be worth it. */
bool kw_filter_init(struct kw_filter *f, const struct kw_first *firsts, size_t n);

/* For tests: the names of the kernels this CPU runs, scalar first; selects one. */
size_t kw_filter_variants(const char *const **names);
void kw_filter_use_variant(struct kw_filter *f, size_t index);

#endif
