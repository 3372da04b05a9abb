#include "sha256.h"

#include <mbedtls/version.h>

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

void sha256_init(struct sha256 *h)
{
    mbedtls_sha256_init(&h->ctx);
    sha256_starts_(&h->ctx, 0);
}

void sha256_update(struct sha256 *h, const void *data, size_t len)
{
    if (len)
        sha256_update_(&h->ctx, data, len);
}

void sha256_final(struct sha256 *h, unsigned char out[32])
{
    sha256_finish_(&h->ctx, out);
    mbedtls_sha256_free(&h->ctx);
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
