#include "util/simd_scan.h"

#include <stdint.h>

#if defined(__x86_64__) && !defined(DSCI_NO_SIMD)
#include <immintrin.h>
#define DSCI_SIMD_X86 1
#endif

static size_t string_stop_scalar(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
            return i;
    }
    return len;
}

static size_t count_code_points_scalar(const unsigned char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += (s[i] & 0xC0) != 0x80;
    return n;
}

#ifdef DSCI_SIMD_X86
/*
 * One signed compare finds both kinds of byte a string scanner stops at besides the
 * quote and the backslash: as signed bytes, control characters (0..0x1F) and
 * non-ASCII bytes (0x80..0xFF, negative) are exactly those below 0x20.
 */
static inline int stop_mask_sse2(__m128i v)
{
    __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                               _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
    hit = _mm_or_si128(hit, _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
    return _mm_movemask_epi8(hit);
}

static size_t string_stop_sse2(const unsigned char *s, size_t len)
{
    size_t i = 0;
    for (; len - i >= 16; i += 16) {
        int m = stop_mask_sse2(_mm_loadu_si128((const __m128i *)(s + i)));
        if (m)
            return i + (size_t)__builtin_ctz((unsigned)m);
    }
    return i + string_stop_scalar(s + i, len - i);
}

/* Continuation bytes are 0x80..0xBF, as signed bytes -128..-65: every byte above -65
 * starts a code point. Per-byte counters take 255 blocks before they could wrap. */
static size_t count_code_points_sse2(const unsigned char *s, size_t len)
{
    const __m128i last_continuation = _mm_set1_epi8((char)0xBF);
    size_t i = 0, n = 0;
    while (len - i >= 16) {
        size_t blocks = (len - i) / 16;
        if (blocks > 255)
            blocks = 255;
        __m128i counts = _mm_setzero_si128();
        for (size_t b = 0; b < blocks; b++, i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
            counts = _mm_sub_epi8(counts, _mm_cmpgt_epi8(v, last_continuation));
        }
        __m128i sums = _mm_sad_epu8(counts, _mm_setzero_si128());
        n += (size_t)_mm_extract_epi16(sums, 0) + (size_t)_mm_extract_epi16(sums, 4);
    }
    return n + count_code_points_scalar(s + i, len - i);
}

__attribute__((target("avx2")))
static size_t string_stop_avx2(const unsigned char *s, size_t len)
{
    size_t i = 0;
    for (; len - i >= 32; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(s + i));
        __m256i hit = _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')),
                                      _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\')));
        hit = _mm256_or_si256(hit, _mm256_cmpgt_epi8(_mm256_set1_epi8(0x20), v));
        unsigned m = (unsigned)_mm256_movemask_epi8(hit);
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
    return i + string_stop_sse2(s + i, len - i);
}

__attribute__((target("avx2")))
static size_t count_code_points_avx2(const unsigned char *s, size_t len)
{
    const __m256i last_continuation = _mm256_set1_epi8((char)0xBF);
    size_t i = 0, n = 0;
    while (len - i >= 32) {
        size_t blocks = (len - i) / 32;
        if (blocks > 255)
            blocks = 255;
        __m256i counts = _mm256_setzero_si256();
        for (size_t b = 0; b < blocks; b++, i += 32) {
            __m256i v = _mm256_loadu_si256((const __m256i *)(s + i));
            counts = _mm256_sub_epi8(counts, _mm256_cmpgt_epi8(v, last_continuation));
        }
        uint64_t lanes[4];
        _mm256_storeu_si256((__m256i *)lanes, _mm256_sad_epu8(counts, _mm256_setzero_si256()));
        n += (size_t)(lanes[0] + lanes[1] + lanes[2] + lanes[3]);
    }
    return n + count_code_points_sse2(s + i, len - i);
}
#endif

static const struct simd_kernels variants[] = {
    { "scalar", string_stop_scalar, count_code_points_scalar },
#ifdef DSCI_SIMD_X86
    { "sse2", string_stop_sse2, count_code_points_sse2 },
    { "avx2", string_stop_avx2, count_code_points_avx2 },
#endif
};

/* How many of the variants (in order) this CPU runs. */
static size_t runnable(void)
{
#ifdef DSCI_SIMD_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? 3 : 2;
#else
    return 1;
#endif
}

/* Every thread that races here computes the same answer, so a plain atomic store is
 * enough: no lock, no once-flag. */
static const struct simd_kernels *best;

const struct simd_kernels *simd_best(void)
{
    const struct simd_kernels *k = __atomic_load_n(&best, __ATOMIC_ACQUIRE);
    if (!k) {
        k = &variants[runnable() - 1];
        __atomic_store_n(&best, k, __ATOMIC_RELEASE);
    }
    return k;
}

const struct simd_kernels *simd_variants(size_t *n)
{
    *n = runnable();
    return variants;
}
