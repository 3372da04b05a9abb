/*
 * SHA-256 through mbedTLS, hiding the 2.x (_ret) / 3.x naming split.
 *
 *   struct sha256 h;
 *   sha256_init(&h); sha256_update(&h, p, n); sha256_final(&h, digest);
 */
#ifndef DSCI_SHA256_H
#define DSCI_SHA256_H

#include <stddef.h>

#include <mbedtls/sha256.h>

struct sha256 {
    mbedtls_sha256_context ctx;
};

void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t len);
/* Writes the digest and releases the context; init again to reuse. */
void sha256_final(struct sha256 *h, unsigned char out[32]);
void sha256_hex(char out[65], const unsigned char digest[32]);

#endif
