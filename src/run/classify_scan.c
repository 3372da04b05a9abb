/*
 * The classifier's keyword prefilter (run/classify_scan.h), in the dispatch style of
 * util/simd_scan.c: AVX2 when the CPU has it, else SSE2, else plain C.
 *
 * Case is folded as b | 0x20 on both sides: a raw byte lowers to itself or (A-Z) to
 * itself | 0x20, so when lower(b) equals a keyword byte k, b | 0x20 equals k | 0x20.
 * That lets in a few bytes more (say '@' for '`'), which only costs a DFA step.
 * The AVX2 kernel looks the three bytes' nibbles up in tables, as the Teddy algorithm
 * (Hyperscan) does, so its cost does not grow with the keywords. Three bytes, not two: two-byte beginnings of common words ("re", "de", "ne") are
 * everywhere in English text, and a candidate costs a call and a few DFA steps.
 */
#include "run/classify_scan.h"

#include <string.h>

#include "util/unicode_lower.h"

#if defined(__x86_64__) && !defined(DSCI_NO_SIMD)
#include <immintrin.h>
#define KW_SIMD_X86 1
#endif

/* Positions [from, len): past the end every byte matches. */
static size_t next_scalar(const struct kw_filter *f, const unsigned char *s, size_t len,
                          size_t from)
{
    for (size_t i = from; i < len; i++) {
        if (f->changes[s[i]])
            return i;
        uint32_t m = f->bits[0][s[i]];
        for (size_t k = 1; m && k < KW_FILTER_WIDTH && i + k < len; k++)
            m &= f->bits[k][s[i + k]];
        if (m)
            return i;
    }
    return len;
}

#ifdef KW_SIMD_X86
/* Leads that may change, at or above 0xC3 (the lowest one), as one unsigned compare:
 * it also lets in the leads of scripts without case (CJK), which the DFA steps over. */
static size_t next_sse2(const struct kw_filter *f, const unsigned char *s, size_t len,
                        size_t from)
{
    const __m128i x20 = _mm_set1_epi8(0x20);
    const __m128i lowest_change = _mm_set1_epi8((char)0xC3);
    size_t i = from;
    for (; i < len && len - i >= 16 + KW_FILTER_WIDTH - 1; i += 16) {
        __m128i v0 = _mm_loadu_si128((const __m128i *)(s + i));
        __m128i f0 = _mm_or_si128(v0, x20);
        __m128i f1 = _mm_or_si128(_mm_loadu_si128((const __m128i *)(s + i + 1)), x20);
        __m128i f2 = _mm_or_si128(_mm_loadu_si128((const __m128i *)(s + i + 2)), x20);
        __m128i hit = _mm_cmpeq_epi8(_mm_max_epu8(v0, lowest_change), v0);
        for (size_t k = 0; k < f->n_of_len[1]; k++)
            hit = _mm_or_si128(hit, _mm_cmpeq_epi8(f0, _mm_set1_epi8((char)f->begin[1][k][0])));
        for (size_t k = 0; k < f->n_of_len[2]; k++)
            hit = _mm_or_si128(hit, _mm_and_si128(
                _mm_cmpeq_epi8(f0, _mm_set1_epi8((char)f->begin[2][k][0])),
                _mm_cmpeq_epi8(f1, _mm_set1_epi8((char)f->begin[2][k][1]))));
        for (size_t k = 0; k < f->n_of_len[3]; k++)
            hit = _mm_or_si128(hit, _mm_and_si128(_mm_and_si128(
                _mm_cmpeq_epi8(f0, _mm_set1_epi8((char)f->begin[3][k][0])),
                _mm_cmpeq_epi8(f1, _mm_set1_epi8((char)f->begin[3][k][1]))),
                _mm_cmpeq_epi8(f2, _mm_set1_epi8((char)f->begin[3][k][2]))));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
    return next_scalar(f, s, len, i);
}

/* Candidates among the 32 positions at s (s[0..34) readable) as a bit mask: nibble
 * lookups whose cost does not grow with the keywords. */
__attribute__((target("avx2")))
static inline unsigned mask_avx2(const struct kw_filter *f, const unsigned char *s,
                                 const __m256i *tables)
{
    const __m256i x20 = _mm256_set1_epi8(0x20);
    const __m256i nib = _mm256_set1_epi8(0x0F);
    __m256i v0 = _mm256_loadu_si256((const __m256i *)s);
    __m256i all = _mm256_set1_epi8((char)0xFF);
    for (size_t k = 0; k < KW_FILTER_WIDTH; k++) {
        __m256i v = k ? _mm256_loadu_si256((const __m256i *)(s + k)) : v0;
        __m256i folded = _mm256_or_si256(v, x20);
        __m256i lo = _mm256_shuffle_epi8(tables[2 * k], _mm256_and_si256(folded, nib));
        __m256i hi = _mm256_shuffle_epi8(tables[2 * k + 1],
                                         _mm256_and_si256(_mm256_srli_epi16(folded, 4), nib));
        all = _mm256_and_si256(all, _mm256_and_si256(lo, hi));
    }
    __m256i zero = _mm256_setzero_si256();
    /* Exact changing leads: both nibble lookups agree on the lead's bit. */
    __m256i lo = _mm256_shuffle_epi8(tables[2 * KW_FILTER_WIDTH], _mm256_and_si256(v0, nib));
    __m256i hi = _mm256_shuffle_epi8(tables[2 * KW_FILTER_WIDTH + 1],
                                     _mm256_and_si256(_mm256_srli_epi16(v0, 4), nib));
    __m256i none = _mm256_cmpeq_epi8(_mm256_or_si256(all, _mm256_and_si256(lo, hi)), zero);
    (void)f;
    return ~(unsigned)_mm256_movemask_epi8(none);
}

__attribute__((target("avx2")))
static size_t next_avx2(const struct kw_filter *f, const unsigned char *s, size_t len,
                        size_t from)
{
    enum { SPAN = 32 + KW_FILTER_WIDTH - 1 };   /* bytes one block reads */
    size_t i = from;
    if (i >= len || len < SPAN)
        return next_sse2(f, s, len, i);
    __m256i tables[2 * KW_FILTER_WIDTH + 2];
    for (size_t k = 0; k < KW_FILTER_WIDTH; k++) {
        tables[2 * k] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)f->teddy_lo[k]));
        tables[2 * k + 1] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)f->teddy_hi[k]));
    }
    tables[2 * KW_FILTER_WIDTH] =
        _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)f->changes_lo));
    tables[2 * KW_FILTER_WIDTH + 1] =
        _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)f->changes_hi));
    for (; len - i >= SPAN; i += 32) {
        unsigned m = mask_avx2(f, s + i, tables);
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
    /* The rest: one more block ending at the text's end, overlapping the last one (its
     * positions before i were answered already); the last WIDTH - 1 by the scalar rule. */
    if (len - i > KW_FILTER_WIDTH - 1) {
        size_t at = len - SPAN;
        unsigned m = mask_avx2(f, s + at, tables) >> (i - at);
        if (m)
            return i + (size_t)__builtin_ctz(m);
        i = len - (KW_FILTER_WIDTH - 1);
    }
    return next_scalar(f, s, len, i);
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

bool kw_filter_init(struct kw_filter *f, const struct kw_first *firsts, size_t n)
{
    memset(f, 0, sizeof(*f));
    size_t n_all = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = firsts[i].len;
        unsigned char folded[KW_FILTER_WIDTH] = { 0 };
        for (size_t k = 0; k < len; k++)
            folded[k] = firsts[i].b[k] | 0x20;
        bool seen = false;
        for (size_t j = 0; j < f->n_of_len[len] && !seen; j++)
            seen = !memcmp(f->begin[len][j], folded, len);
        if (seen)
            continue;
        if (n_all == KW_FILTER_MAX)
            return false;
        memcpy(f->begin[len][f->n_of_len[len]++], folded, len);
        size_t bit = n_all++;
        unsigned char bucket = (unsigned char)(1u << (bit % 8));
        for (size_t k = 0; k < KW_FILTER_WIDTH; k++)
            for (int nb = 0; nb < 16; nb++)
                if (k >= len || (folded[k] & 15) == nb)
                    f->teddy_lo[k][nb] |= bucket;
        for (size_t k = 0; k < KW_FILTER_WIDTH; k++)
            for (int nb = 0; nb < 16; nb++)
                if (k >= len || folded[k] >> 4 == nb)
                    f->teddy_hi[k][nb] |= bucket;
        for (int b = 0; b < 256; b++)
            for (size_t k = 0; k < KW_FILTER_WIDTH; k++)
                if (k >= len || folded[k] == (b | 0x20))
                    f->bits[k][b] |= UINT32_C(1) << bit;
    }
    for (int b = 0; b < 256; b++) {
        f->changes[b] = unicode_lower_lead_changes((unsigned char)b);
        if (b >= 0x80 && f->changes[b])
            f->changes_lo[b & 15] |= (unsigned char)(1u << ((b >> 4) - 8));
    }
    for (int h = 8; h < 16; h++)
        f->changes_hi[h] = (unsigned char)(1u << (h - 8));
    const char *const *names;
    kw_filter_use_variant(f, kw_filter_variants(&names) - 1);
    return true;
}
