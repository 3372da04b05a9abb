/*
 * The inner loop of MinHash: fold a run of 32-bit shingle hashes into a signature,
 * sig[i] = min(sig[i], h_i(x)) with h_i(x) = ((a[i] * x + b[i]) mod 2^64) >> 32.
 * It is where near-duplicate detection spends its time, so it has a vector kernel
 * for CPUs with AVX2, chosen at run time; every kernel gives the same bits.
 *
 *   minhash_fold(mh, sig, shingle_hashes, n);
 */
#ifndef DSCI_MINHASH_FOLD_H
#define DSCI_MINHASH_FOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The permutations' multipliers and offsets, a[i] * x + b[i] (read-only; the owner,
 * struct minhash, keeps them for as long as it folds). */
struct minhash_perms {
    const uint64_t *a, *b;
    size_t permutations;
};

void minhash_fold(const struct minhash_perms *mh, uint32_t *sig, const uint32_t *x, size_t n);

/* The kernels themselves, for the test that holds them to the same results. */
void minhash_fold_scalar(const struct minhash_perms *mh, uint32_t *sig, const uint32_t *x, size_t n);
bool minhash_fold_avx2_available(void);
void minhash_fold_avx2(const struct minhash_perms *mh, uint32_t *sig, const uint32_t *x, size_t n);

#endif
