/*
 * The classifier's keyword prefilter (run/classify_scan.h), in the dispatch style of
 * util/simd_scan.c: AVX2 when the CPU has it, else SSE2, else plain C.
 *
 * Case is folded as b | 0x20 on both sides: a raw byte lowers to itself or (A-Z) to
 * itself | 0x20, so when lower(b) equals a keyword byte k, b | 0x20 equals k | 0x20.
 * That lets in a few bytes more (say '@' for '`'), which only costs a DFA step.
 */
#include "run/classify_scan.h"

#include <string.h>

#include "util/unicode_lower.h"

#if defined(__x86_64__) && !defined(DSCI_NO_SIMD)
#include <immintrin.h>
#define KW_SIMD_X86 1
#endif

#define SINGLE_BIT (UINT32_C(1) << 16)

static size_t next_scalar(const struct kw_filter *f, const unsigned char *s, size_t len,
                          size_t from)
{
    size_t i = from;
    for (; i + 1 < len; i++) {
        unsigned a = s[i], b = s[i + 1];
        if ((f->first_bits[a] & f->second_bits[b]) | f->changes[a] | f->changes[b])
            return i;
    }
    if (i < len && (f->first_bits[s[i]] || f->changes[s[i]]))
        return i;
    return len;
}

#ifdef KW_SIMD_X86
/* Leads that may change, at or above 0xC3 (the lowest one), as one unsigned compare:
 * it also lets in the leads of scripts without case (CJK), which the DFA steps over. */
static inline __m128i changes_sse2(__m128i v)
{
    return _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8((char)0xC3)), v);
}

static size_t next_sse2(const struct kw_filter *f, const unsigned char *s, size_t len,
                        size_t from)
{
    const __m128i x20 = _mm_set1_epi8(0x20);
    size_t i = from;
    for (; i < len && len - i >= 17; i += 16) {
        __m128i v0 = _mm_loadu_si128((const __m128i *)(s + i));
        __m128i v1 = _mm_loadu_si128((const __m128i *)(s + i + 1));
        __m128i f0 = _mm_or_si128(v0, x20), f1 = _mm_or_si128(v1, x20);
        __m128i hit = _mm_or_si128(changes_sse2(v0), changes_sse2(v1));
        for (size_t k = 0; k < f->n_pairs; k++)
            hit = _mm_or_si128(hit, _mm_and_si128(
                _mm_cmpeq_epi8(f0, _mm_set1_epi8((char)f->pair_first[k])),
                _mm_cmpeq_epi8(f1, _mm_set1_epi8((char)f->pair_second[k]))));
        for (size_t k = 0; k < f->n_singles; k++)
            hit = _mm_or_si128(hit, _mm_cmpeq_epi8(f0, _mm_set1_epi8((char)f->single[k])));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
    return next_scalar(f, s, len, i);
}

__attribute__((target("avx2")))
static inline __m256i changes_avx2(__m256i v, __m256i lo_tbl, __m256i hi_tbl)
{
    const __m256i nib = _mm256_set1_epi8(0x0F);
    __m256i lo = _mm256_shuffle_epi8(lo_tbl, _mm256_and_si256(v, nib));
    __m256i hi = _mm256_shuffle_epi8(hi_tbl, _mm256_and_si256(_mm256_srli_epi16(v, 4), nib));
    return _mm256_and_si256(lo, hi);   /* non-zero bytes: leads that change */
}

__attribute__((target("avx2")))
static size_t next_avx2(const struct kw_filter *f, const unsigned char *s, size_t len,
                        size_t from)
{
    size_t i = from;
    if (i < len && len - i >= 33) {
        const __m256i lo_tbl =
            _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)f->changes_lo));
        const __m256i hi_tbl =
            _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)f->changes_hi));
        const __m256i x20 = _mm256_set1_epi8(0x20);
        const __m256i zero = _mm256_setzero_si256();
        for (; len - i >= 33; i += 32) {
            __m256i v0 = _mm256_loadu_si256((const __m256i *)(s + i));
            __m256i v1 = _mm256_loadu_si256((const __m256i *)(s + i + 1));
            __m256i f0 = _mm256_or_si256(v0, x20), f1 = _mm256_or_si256(v1, x20);
            __m256i hit = zero;
            for (size_t k = 0; k < f->n_pairs; k++)
                hit = _mm256_or_si256(hit, _mm256_and_si256(
                    _mm256_cmpeq_epi8(f0, _mm256_set1_epi8((char)f->pair_first[k])),
                    _mm256_cmpeq_epi8(f1, _mm256_set1_epi8((char)f->pair_second[k]))));
            for (size_t k = 0; k < f->n_singles; k++)
                hit = _mm256_or_si256(hit, _mm256_cmpeq_epi8(f0, _mm256_set1_epi8((char)f->single[k])));
            __m256i ch = _mm256_or_si256(changes_avx2(v0, lo_tbl, hi_tbl),
                                         changes_avx2(v1, lo_tbl, hi_tbl));
            unsigned m = (unsigned)_mm256_movemask_epi8(hit)
                         | ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(ch, zero));
            if (m)
                return i + (size_t)__builtin_ctz(m);
        }
    }
    return next_sse2(f, s, len, i);
}
#endif

typedef size_t (*next_fn)(const struct kw_filter *, const unsigned char *, size_t, size_t);

static const char *const variant_names[] = {
    "scalar",
#ifdef KW_SIMD_X86
    "sse2",
    "avx2",
#endif
};

static const next_fn variant_fns[] = {
    next_scalar,
#ifdef KW_SIMD_X86
    next_sse2,
    next_avx2,
#endif
};

size_t kw_filter_variants(const char *const **names)
{
    *names = variant_names;
#ifdef KW_SIMD_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? 3 : 2;
#else
    return 1;
#endif
}

void kw_filter_use_variant(struct kw_filter *f, size_t index)
{
    f->next = variant_fns[index];
}

static bool add_unique(unsigned char *firsts, unsigned char *seconds, size_t *n,
                       unsigned char a, unsigned char b)
{
    for (size_t k = 0; k < *n; k++)
        if (firsts[k] == a && (!seconds || seconds[k] == b))
            return true;
    if (*n == KW_FILTER_MAX_PAIRS)
        return false;
    firsts[*n] = a;
    if (seconds)
        seconds[*n] = b;
    (*n)++;
    return true;
}

bool kw_filter_init(struct kw_filter *f, const struct kw_first *firsts, size_t n)
{
    memset(f, 0, sizeof(*f));
    for (size_t i = 0; i < n; i++) {
        unsigned char a = firsts[i].b[0] | 0x20;
        bool ok = firsts[i].len == 1
                      ? add_unique(f->single, NULL, &f->n_singles, a, 0)
                      : add_unique(f->pair_first, f->pair_second, &f->n_pairs, a,
                                   firsts[i].b[1] | 0x20);
        if (!ok)
            return false;
    }
    for (int b = 0; b < 256; b++) {
        unsigned char folded = (unsigned char)(b | 0x20);
        f->changes[b] = unicode_lower_lead_changes((unsigned char)b);
        for (size_t k = 0; k < f->n_pairs; k++) {
            if (f->pair_first[k] == folded)
                f->first_bits[b] |= UINT32_C(1) << k;
            if (f->pair_second[k] == folded)
                f->second_bits[b] |= UINT32_C(1) << k;
        }
        for (size_t k = 0; k < f->n_singles; k++)
            if (f->single[k] == folded)
                f->first_bits[b] |= SINGLE_BIT;
        f->second_bits[b] |= SINGLE_BIT;   /* a 1-byte keyword needs no second byte */
        if (f->changes[b])
            f->second_bits[b] = ~UINT32_C(0);
        if (b >= 0x80 && f->changes[b])
            f->changes_lo[b & 15] |= (unsigned char)(1u << ((b >> 4) - 8));
    }
    for (int h = 8; h < 16; h++)
        f->changes_hi[h] = (unsigned char)(1u << (h - 8));
    const char *const *names;
    kw_filter_use_variant(f, kw_filter_variants(&names) - 1);
    return true;
}
