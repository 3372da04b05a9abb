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
 * never read outside s[0..len).
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

/* The fastest variant this CPU runs; the first call decides, any thread may ask. */
const struct simd_kernels *simd_best(void);

/* Every variant this CPU runs, scalar first; *n gets their number. For tests and
 * benchmarks. */
const struct simd_kernels *simd_variants(size_t *n);

#endif
