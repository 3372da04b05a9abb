/*
 * MinHash signatures over word shingles, and LSH banding to find candidate pairs
 * (docs/near-duplicates.md). No gate logic: the duplicates and leakage gates decide
 * which pairs matter and what to report.
 *
 *   struct minhash mh;
 *   minhash_init(&mh, 5, 128);                      // shingle size, permutations
 *   minhash_slot *sig = xmalloc(mh.permutations * sizeof(*sig));
 *   if (minhash_signature(&mh, sig, ex))            // false: no token at all
 *       ...
 *   double j = minhash_similarity(&mh, sig_a, sig_b);   // fraction of equal slots
 *
 *   struct minhash_bands bands;
 *   minhash_bands_choose(&bands, 0.8, 128);         // b bands of r rows, b * r <= 128
 *   uint64_t key = minhash_band_key(&bands, sig, band);
 *
 * Tokens are maximal runs of word characters after lower-casing (ASCII letters and
 * digits, and non-ASCII code points other than punctuation and symbol blocks); a
 * shingle is `shingle` consecutive tokens of one turn (shingles never cross turns; a
 * turn with fewer tokens gives one shorter shingle). Signatures are deterministic: the
 * permutations come from a fixed seed.
 */
#ifndef DSCI_MINHASH_H
#define DSCI_MINHASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "read/example.h"

#define MINHASH_MAX_PERMUTATIONS 1024

/* One slot of a signature: the low 16 bits of the slot's minimum (see minhash.c). */
typedef uint16_t minhash_slot;

struct minhash {
    size_t shingle;          /* tokens per shingle, >= 1 */
    size_t permutations;     /* signature slots, 1..MINHASH_MAX_PERMUTATIONS */
    uint64_t a[MINHASH_MAX_PERMUTATIONS];   /* odd multipliers */
    uint64_t b[MINHASH_MAX_PERMUTATIONS];
};

void minhash_init(struct minhash *mh, size_t shingle, size_t permutations);

/* Fills out[0..permutations) with the signature of the example's turn texts. Returns
 * false (and a signature of all UINT16_MAX) when the texts hold no token. */
bool minhash_signature(const struct minhash *mh, minhash_slot *out, const struct example *ex);

/* The same for turn texts given directly (tests, tools). */
bool minhash_signature_texts(const struct minhash *mh, minhash_slot *out, const char *const *texts,
                             const size_t *lens, size_t n);

/* Estimated Jaccard similarity: the fraction of equal slots. */
double minhash_similarity(const struct minhash *mh, const minhash_slot *x, const minhash_slot *y);

struct minhash_bands {
    size_t bands, rows;      /* bands * rows <= permutations */
};

/* Picks b and r for a similarity threshold the way datasketch does: the pair that
 * minimises the weighted false positive and false negative areas under the S-curve
 * 1 - (1 - s^r)^b, with false negatives weighted 9 to 1 (candidates are verified, so a
 * false positive costs little; a miss is a missed duplicate). */
void minhash_bands_choose(struct minhash_bands *out, double threshold, size_t permutations);

/* A 64-bit key of the rows of `band` (never equal across bands with high probability). */
uint64_t minhash_band_key(const struct minhash_bands *bands, const minhash_slot *sig, size_t band);

/* Examples in one bucket compared with this many before them at most: a bucket of
 * m > MINHASH_BUCKET_WINDOW + 1 members (degenerate data) costs m * window, not m^2,
 * and its members still chain into one cluster. */
#define MINHASH_BUCKET_WINDOW 32

/*
 * LSH candidate search over n signatures (sigs[i * permutations ...]), skipping those
 * with skip[i] set (skip may be NULL). Calls candidate(ctx, x, y) with x < y for every
 * pair that shares a band bucket (a pair may come once per shared band), in a fixed
 * order: band by band, buckets by key, members by index. The callback verifies.
 */
void minhash_lsh(const struct minhash *mh, const struct minhash_bands *bands, const minhash_slot *sigs,
                 const unsigned char *skip, size_t n,
                 void (*candidate)(void *ctx, uint32_t x, uint32_t y), void *ctx);

/* The same on up to `threads` threads, with the same calls in the same order (the pairs
 * of a round of bands are held until the round is done; src/run/minhash_lsh.c).
 * droppable: sigs is a read-only file mapping whose pages may be released once read
 * (madvise): they come back from the file when read again (signature_store's
 * sigs_in_file). */
void minhash_lsh_threads(const struct minhash *mh, const struct minhash_bands *bands, const minhash_slot *sigs,
                         const unsigned char *skip, size_t n,
                         void (*candidate)(void *ctx, uint32_t x, uint32_t y), void *ctx, unsigned threads,
                         bool droppable);

#endif
