#include "util/text_hash.h"

#include <string.h>

static inline uint64_t fold_mul(uint64_t a, uint64_t b)
{
    unsigned __int128 r = (unsigned __int128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t rotl64(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Two lanes that read every 16-byte block in a different order with different
 * constants; each step multiplies the block into the lane and keeps a rotated copy of
 * the old lane, so no block can erase what came before. */
void text_hash128(uint64_t out[2], const char *text, size_t len)
{
    static const uint64_t k[8] = {
        0x9e3779b97f4a7c15ull, 0xc2b2ae3d27d4eb4full, 0x165667b19e3779f9ull, 0xd6e8feb86659fd93ull,
        0xa0761d6478bd642full, 0xe7037ed1a0b428dbull, 0x8ebc6af09c88c6e3ull, 0x589965cc75374cc3ull,
    };
    const unsigned char *p = (const unsigned char *)text;
    uint64_t a = k[0] ^ (uint64_t)len, b = k[1] + (uint64_t)len;
    size_t n = len;
    while (n >= 16) {
        uint64_t x = load64(p), y = load64(p + 8);
        a = fold_mul(x ^ k[2] ^ a, y ^ k[3]) ^ rotl64(a, 29);
        b = fold_mul(y ^ k[4] ^ b, x ^ k[5]) ^ rotl64(b, 37);
        p += 16;
        n -= 16;
    }
    unsigned char tail[16] = {0};
    if (n)
        memcpy(tail, p, n);
    uint64_t x = load64(tail), y = load64(tail + 8);
    a = fold_mul(x ^ k[2] ^ a, y ^ k[3]) ^ rotl64(a, 29);
    b = fold_mul(y ^ k[4] ^ b, x ^ k[5]) ^ rotl64(b, 37);
    out[0] = fold_mul(a ^ k[6], rotl64(b, 17) ^ k[7]) ^ a;
    out[1] = fold_mul(b ^ k[7], rotl64(a, 41) ^ k[6]) ^ b;
}
