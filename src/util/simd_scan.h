/*
 * Vector kernels for the text loops every byte of a dataset goes through, chosen once
 * at run time for the CPU: AVX2 when it has it, else SSE2 (every x86-64 has it), else
 * plain C. The binary itself needs nothing beyond x86-64 (the AVX2 code is compiled
 * with a target attribute and only called after the CPU said yes), so one static build
 * runs everywhere.
 *
 *   const struct simd_kernels *k = simd_best();
 *   size_t i = k->string_stop(s, len);        // first '"', '\\', < 0x20 or >= 0x80, or len
 *   size_t n = k->count_code_points(s, len);  // bytes that are not 10xxxxxx
 *
 * Every variant gives the same answers as the scalar one; simd_variants lists the
 * ones this CPU can run, so tests hold each against the scalar reference. Kernels
 * never read outside s[0..len). Compiling with -DDSCI_NO_SIMD leaves only the scalar
 * code, as on a CPU that is not x86-64 (to test that build on this one).
 */
#ifndef DSCI_SIMD_SCAN_H
#define DSCI_SIMD_SCAN_H

#include <stddef.h>

struct simd_kernels {
    const char *name;   /* "avx2", "sse2", "scalar" */
    /* Offset of the first byte a JSON string scanner must look at: the closing quote,
     * a backslash, a control character (< 0x20) or a non-ASCII byte (>= 0x80); len
     * when there is none. */
    size_t (*string_stop)(const unsigned char *s, size_t len);
    /* Code points in UTF-8 text: every byte that is not a continuation byte counts
     * (the count for invalid text is that too, as the scalar loop always gave). */
    size_t (*count_code_points)(const unsigned char *s, size_t len);
};

#if defined(__x86_64__) && defined(__SSE2__) && !defined(DSCI_NO_SIMD)
#include <emmintrin.h>
#define SIMD_HAVE_STOP_MASK16 1
/* string_stop's bytes among the 16 at s (all readable) as a bit mask, inline: most
 * strings (keys, roles, short turns) end within their first 16 bytes, where a call
 * through the dispatch pointer would cost more than the scan. SSE2 is in every
 * x86-64. See simd_scan.c for why one signed compare finds both < 0x20 and >= 0x80. */
static inline unsigned simd_string_stop_mask16(const unsigned char *s)
{
    __m128i v = _mm_loadu_si128((const __m128i *)s);
    __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                               _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
    hit = _mm_or_si128(hit, _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* The fastest variant this CPU runs; the first call decides, any thread may ask. */
const struct simd_kernels *simd_best(void);

/* Every variant this CPU runs, scalar first; *n gets their number. For tests and
 * benchmarks. */
const struct simd_kernels *simd_variants(size_t *n);

#endif
