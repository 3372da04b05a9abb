/*
 * The keyword prefilter of the classifier (run/classify.c): finds the next place in a
 * text where a keyword could start, so the Aho-Corasick DFA runs only around those
 * places instead of over every byte.
 *
 *   struct kw_filter f;
 *   if (kw_filter_init(&f, firsts, n))     // false: too many, use the DFA alone
 *       i = f.next(&f, text, len, i);       // a candidate position, or len
 *
 * A position c is a candidate when the lower-cased bytes from c on begin some keyword
 * (its first three bytes, or all of a shorter one), or when c is the lead of a code
 * point whose lower() may change (its lowered bytes are not known here: the caller also
 * runs the DFA from up to two bytes before it). Bytes past the text's end (the joining
 * space, the next text) count as matching anything. Every real match starts at a
 * candidate or within two bytes before a changing lead; the variants may report more
 * candidates (the vector ones fold case as b | 0x20), never fewer. Kernels read only
 * s[0..len).
 */
#ifndef DSCI_CLASSIFY_SCAN_H
#define DSCI_CLASSIFY_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* More distinct keyword beginnings than this and the filter stops paying. */
#define KW_FILTER_MAX 16
/* How many leading bytes of a keyword the filter compares. */
#define KW_FILTER_WIDTH 3

/* A keyword's first lower-cased bytes: len is min(its length, KW_FILTER_WIDTH). */
struct kw_first {
    unsigned char b[KW_FILTER_WIDTH];
    size_t len;
};

struct kw_filter {
    size_t (*next)(const struct kw_filter *f, const unsigned char *s, size_t len, size_t from);
    /* Distinct beginnings folded (| 0x20) for the vector kernels, by their length. */
    size_t n_of_len[KW_FILTER_WIDTH + 1];
    unsigned char begin[KW_FILTER_WIDTH + 1][KW_FILTER_MAX][KW_FILTER_WIDTH];
    /* For the scalar kernel: bits[k][b] has bit j set when beginning j may have text byte
     * b at its k-th place (every bit past a beginning's length). */
    uint32_t bits[KW_FILTER_WIDTH][256];
    /* For the AVX2 kernel (Teddy-like): beginning j is in bucket j % 8; teddy_lo[k][n]
     * has a bucket's bit when one of its beginnings has low nibble n at place k (every
     * nibble past its length), teddy_hi[k] the same for high nibbles. A position whose
     * three places agree on a bucket is a candidate. */
    unsigned char teddy_lo[KW_FILTER_WIDTH][16], teddy_hi[KW_FILTER_WIDTH][16];
    bool changes[256];   /* a lead byte whose code point lower() may change */
    /* The same set by nibbles for a byte shuffle: changes_lo[b & 15] has bit (b >> 4) - 8
     * set when lead b changes; changes_hi[h] is 1 << (h - 8) (0 for ASCII). */
    unsigned char changes_lo[16], changes_hi[16];
};

/* Whether the lower-cased bytes from s[i] on may begin a keyword (the test without the
 * changing leads), by the scalar tables. */
static inline bool kw_filter_begins(const struct kw_filter *f, const unsigned char *s, size_t len,
                                    size_t i)
{
    uint32_t m = f->bits[0][s[i]];
    for (size_t k = 1; m && k < KW_FILTER_WIDTH && i + k < len; k++)
        m &= f->bits[k][s[i + k]];
    return m != 0;
}

/* Builds the filter of n keywords' beginnings with the fastest kernel this CPU runs;
 * false when they make too many distinct beginnings to be worth it. */
bool kw_filter_init(struct kw_filter *f, const struct kw_first *firsts, size_t n);

/* For tests: the names of the kernels this CPU runs, scalar first; selects one. */
size_t kw_filter_variants(const char *const **names);
void kw_filter_use_variant(struct kw_filter *f, size_t index);

#endif
