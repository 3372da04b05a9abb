#include "util/sha1.h"

#include <string.h>

#include <mbedtls/version.h>

#include "util/sha256.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DSCI_SHA_X86 1
#endif

/* mbedTLS 3 dropped the _ret suffixes that 2.28 (Debian 12) still needs. */
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define sha1_starts_ mbedtls_sha1_starts
#define sha1_update_ mbedtls_sha1_update
#define sha1_finish_ mbedtls_sha1_finish
#else
#define sha1_starts_ mbedtls_sha1_starts_ret
#define sha1_update_ mbedtls_sha1_update_ret
#define sha1_finish_ mbedtls_sha1_finish_ret
#endif

void sha1_init_portable(struct sha1 *h)
{
    h->hw = false;
    mbedtls_sha1_init(&h->ctx);
    sha1_starts_(&h->ctx);
}

#ifdef DSCI_SHA_X86

/*
 * The compression function on the SHA extensions. A is the register's top word, so the
 * state and every group of four message words are loaded byte-reversed whole. Group g
 * (rounds 4g..4g+3) uses W(g) = msg2(msg1(W(g-4), W(g-3)) ^ W(g-2), W(g-1)), and E plus
 * its words come from sha1nexte on the ABCD from before the previous group.
 */
#define GROUP(g, f)                                                                             \
    do {                                                                                        \
        if ((g) >= 4)                                                                           \
            w[(g) & 3] = _mm_sha1msg2_epu32(                                                    \
                _mm_xor_si128(_mm_sha1msg1_epu32(w[(g) & 3], w[((g) + 1) & 3]), w[((g) + 2) & 3]), \
                w[((g) + 3) & 3]);                                                              \
        __m128i e_w = _mm_sha1nexte_epu32(prev, w[(g) & 3]);                                    \
        prev = abcd;                                                                            \
        abcd = _mm_sha1rnds4_epu32(abcd, e_w, f);                                               \
    } while (0)

__attribute__((target("sha,sse4.1,ssse3")))
static void compress_hw(uint32_t state[5], const unsigned char *data, size_t blocks)
{
    const __m128i reverse = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
    __m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)state), 0x1B);
    __m128i e = _mm_set_epi32((int)state[4], 0, 0, 0);

    while (blocks--) {
        __m128i abcd_saved = abcd, e_saved = e;
        __m128i w[4];
        for (int g = 0; g < 4; g++)
            w[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * g)), reverse);
        __m128i prev = abcd;
        abcd = _mm_sha1rnds4_epu32(abcd, _mm_add_epi32(e, w[0]), 0);
        GROUP(1, 0);
        GROUP(2, 0);
        GROUP(3, 0);
        GROUP(4, 0);
        GROUP(5, 1);
        GROUP(6, 1);
        GROUP(7, 1);
        GROUP(8, 1);
        GROUP(9, 1);
        GROUP(10, 2);
        GROUP(11, 2);
        GROUP(12, 2);
        GROUP(13, 2);
        GROUP(14, 2);
        GROUP(15, 3);
        GROUP(16, 3);
        GROUP(17, 3);
        GROUP(18, 3);
        GROUP(19, 3);
        e = _mm_sha1nexte_epu32(prev, e_saved);
        abcd = _mm_add_epi32(abcd, abcd_saved);
        data += 64;
    }

    _mm_storeu_si128((__m128i *)state, _mm_shuffle_epi32(abcd, 0x1B));
    state[4] = (uint32_t)_mm_extract_epi32(e, 3);
}

static const uint32_t initial_state[5] = { 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0 };

#endif

void sha1_init(struct sha1 *h)
{
#ifdef DSCI_SHA_X86
    /* the same CPU check, and the same escape hatch, as SHA-256's */
    if (sha256_hw_available()) {
        h->hw = true;
        memcpy(h->state, initial_state, sizeof(initial_state));
        memset(&h->block, 0, sizeof(h->block));
        return;
    }
#endif
    sha1_init_portable(h);
}

void sha1_update(struct sha1 *h, const void *data, size_t len)
{
    if (!len)
        return;
    if (!h->hw) {
        sha1_update_(&h->ctx, data, len);
        return;
    }
#ifdef DSCI_SHA_X86
    md_block_update(&h->block, h->state, compress_hw, data, len);
#endif
}

void sha1_final(struct sha1 *h, unsigned char out[20])
{
    if (!h->hw) {
        sha1_finish_(&h->ctx, out);
        mbedtls_sha1_free(&h->ctx);
        return;
    }
#ifdef DSCI_SHA_X86
    md_block_final(&h->block, h->state, 5, compress_hw, out);
#endif
}

void sha1_discard(struct sha1 *h)
{
    if (!h->hw)
        mbedtls_sha1_free(&h->ctx);
}
