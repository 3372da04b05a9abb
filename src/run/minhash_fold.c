#include "run/minhash_fold.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define DSCI_FOLD_X86 1
#endif

/* Shingle-outer, slot-inner: the compiler vectorises the slot loop with whatever the
 * baseline instruction set has. */
void minhash_fold_scalar(const struct minhash_perms *mh, uint32_t *sig, const uint32_t *x, size_t n)
{
    size_t p = mh->permutations;
    for (size_t k = 0; k < n; k++) {
        uint64_t xk = x[k];
        for (size_t i = 0; i < p; i++) {
            uint32_t v = (uint32_t)((mh->a[i] * xk + mh->b[i]) >> 32);
            sig[i] = v < sig[i] ? v : sig[i];
        }
    }
}

#ifdef DSCI_FOLD_X86

bool minhash_fold_avx2_available(void)
{
    static int cached = -1;   /* set by minhash_init on the main thread before any worker starts */
    if (cached < 0) {
        const char *off = getenv("DSCI_NO_AVX2");
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && !(off && *off && strcmp(off, "0") != 0);
    }
    return cached;
}

/*
 * AVX2 has no 64x64-bit multiply, but only bits 32..63 of a*x + b are wanted, and with
 * a = a_hi * 2^32 + a_lo those are ((a_lo*x + b) >> 32) + a_hi*x, modulo 2^32: one
 * 32x32->64 multiply (vpmuludq, four lanes) plus one 32-bit multiply (vpmulld, eight
 * lanes). Eight slots per step; the two halves come out interleaved (slots 0,4,1,5,...)
 * and are put back in order once per group.
 */
__attribute__((target("avx2")))
void minhash_fold_avx2(const struct minhash_perms *mh, uint32_t *sig, const uint32_t *x, size_t n)
{
    size_t p = mh->permutations, i = 0;
    const __m256i unzip = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);   /* 0,4,1,5,.. -> 0..7 */
    const __m256i zip = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);     /* 0..7 -> 0,4,1,5,.. */
    for (; i + 8 <= p; i += 8) {
        __m256i a_lo0 = _mm256_loadu_si256((const __m256i *)&mh->a[i]);
        __m256i a_lo1 = _mm256_loadu_si256((const __m256i *)&mh->a[i + 4]);
        __m256i b0 = _mm256_loadu_si256((const __m256i *)&mh->b[i]);
        __m256i b1 = _mm256_loadu_si256((const __m256i *)&mh->b[i + 4]);
        /* the high words of a[i..i+8), in the interleaved order of the results */
        __m256i a_hi = _mm256_blend_epi32(_mm256_srli_epi64(a_lo0, 32), a_lo1, 0xAA);
        __m256i m = _mm256_permutevar8x32_epi32(_mm256_loadu_si256((const __m256i *)&sig[i]), zip);
        for (size_t k = 0; k < n; k++) {
            __m256i xv = _mm256_set1_epi32((int)x[k]);
            __m256i p0 = _mm256_add_epi64(_mm256_mul_epu32(a_lo0, xv), b0);
            __m256i p1 = _mm256_add_epi64(_mm256_mul_epu32(a_lo1, xv), b1);
            __m256i hi = _mm256_blend_epi32(_mm256_srli_epi64(p0, 32), p1, 0xAA);
            __m256i v = _mm256_add_epi32(hi, _mm256_mullo_epi32(a_hi, xv));
            m = _mm256_min_epu32(m, v);
        }
        _mm256_storeu_si256((__m256i *)&sig[i], _mm256_permutevar8x32_epi32(m, unzip));
    }
    if (i < p) {
        struct minhash_perms tail = { mh->a + i, mh->b + i, p - i };
        minhash_fold_scalar(&tail, sig + i, x, n);
    }
}

#else

bool minhash_fold_avx2_available(void)
{
    return false;
}

void minhash_fold_avx2(const struct minhash_perms *mh, uint32_t *sig, const uint32_t *x, size_t n)
{
    minhash_fold_scalar(mh, sig, x, n);
}

#endif

void minhash_fold(const struct minhash_perms *mh, uint32_t *sig, const uint32_t *x, size_t n)
{
    if (minhash_fold_avx2_available())
        minhash_fold_avx2(mh, sig, x, n);
    else
        minhash_fold_scalar(mh, sig, x, n);
}
