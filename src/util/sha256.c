#include "util/sha256.h"

#include <stdlib.h>
#include <string.h>

#include <mbedtls/version.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define DSCI_SHA_X86 1
#endif

/* mbedTLS 3 dropped the _ret suffixes that 2.28 (Debian 12) still needs. */
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define sha256_starts_ mbedtls_sha256_starts
#define sha256_update_ mbedtls_sha256_update
#define sha256_finish_ mbedtls_sha256_finish
#else
#define sha256_starts_ mbedtls_sha256_starts_ret
#define sha256_update_ mbedtls_sha256_update_ret
#define sha256_finish_ mbedtls_sha256_finish_ret
#endif

void sha256_init_portable(struct sha256 *h)
{
    h->hw = false;
    mbedtls_sha256_init(&h->ctx);
    sha256_starts_(&h->ctx, 0);
}

#ifdef DSCI_SHA_X86

static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t initial_state[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/*
 * The compression function on the SHA extensions. The instructions want the state
 * as two registers ABEF and CDGH, and four message words at a time; each
 * sha256rnds2 does two rounds, so a group of four rounds is two of them with the
 * upper half of the scheduled words moved down in between.
 */
__attribute__((target("sha,sse4.1,ssse3")))
static void compress_hw(uint32_t state[8], const unsigned char *data, size_t blocks)
{
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    hgfe = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, hgfe, 8);
    __m128i cdgh = _mm_blend_epi16(hgfe, cdab, 0xF0);

    while (blocks--) {
        __m128i abef_saved = abef, cdgh_saved = cdgh;
        __m128i w[4];
        for (int g = 0; g < 16; g++) {
            __m128i words;
            if (g < 4) {
                words = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * g)), byteswap);
            } else {
                /* w[g%4] holds W(g-4); the others hold W(g-3), W(g-2), W(g-1). */
                __m128i m = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
                m = _mm_add_epi32(m, _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
                words = _mm_sha256msg2_epu32(m, w[(g + 3) & 3]);
            }
            w[g & 3] = words;
            __m128i k = _mm_add_epi32(words, _mm_loadu_si128((const __m128i *)&round_constants[4 * g]));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, k);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(k, 0x0E));
        }
        abef = _mm_add_epi32(abef, abef_saved);
        cdgh = _mm_add_epi32(cdgh, cdgh_saved);
        data += 64;
    }

    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

/* DSCI_NO_SHA_EXTENSIONS=1 forces the mbedTLS path: for tests, and as an escape hatch. */
static bool getenv_disabled(void)
{
    const char *v = getenv("DSCI_NO_SHA_EXTENSIONS");
    return v && *v && strcmp(v, "0") != 0;
}

bool sha256_hw_available(void)
{
    static int cached = -1;
    if (cached < 0) {
        unsigned a, b, c, d;
        int sha = 0, sse41 = 0, ssse3 = 0;
        if (__get_cpuid_count(7, 0, &a, &b, &c, &d))
            sha = (b >> 29) & 1;
        if (__get_cpuid(1, &a, &b, &c, &d)) {
            ssse3 = (c >> 9) & 1;
            sse41 = (c >> 19) & 1;
        }
        cached = sha && sse41 && ssse3 && !getenv_disabled();
    }
    return cached;
}

#else

bool sha256_hw_available(void)
{
    return false;
}

#endif

void sha256_init(struct sha256 *h)
{
#ifdef DSCI_SHA_X86
    if (sha256_hw_available()) {
        h->hw = true;
        memcpy(h->state, initial_state, sizeof(initial_state));
        memset(&h->block, 0, sizeof(h->block));
        return;
    }
#endif
    sha256_init_portable(h);
}

void sha256_update(struct sha256 *h, const void *data, size_t len)
{
    if (!len)
        return;
    if (!h->hw) {
        sha256_update_(&h->ctx, data, len);
        return;
    }
#ifdef DSCI_SHA_X86
    md_block_update(&h->block, h->state, compress_hw, data, len);
#endif
}

void sha256_final(struct sha256 *h, unsigned char out[32])
{
    if (!h->hw) {
        sha256_finish_(&h->ctx, out);
        mbedtls_sha256_free(&h->ctx);
        return;
    }
#ifdef DSCI_SHA_X86
    md_block_final(&h->block, h->state, 8, compress_hw, out);
#endif
}

void sha256_hex(char out[65], const unsigned char digest[32])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[64] = '\0';
}
