/*
 * SHA-256, one implementation for every use (file checksums, content hashes, card and
 * SARIF fingerprints): the CPU's SHA extensions when it has them, mbedTLS otherwise
 * (DSCI_NO_SHA_EXTENSIONS=1 forces mbedTLS). Both give the same digest; the unit tests
 * compare them on thousands of inputs and chunkings.
 *
 *   struct sha256 h;
 *   sha256_init(&h); sha256_update(&h, p, n); sha256_final(&h, digest);
 */
#ifndef DSCI_SHA256_H
#define DSCI_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mbedtls/sha256.h>

#include "util/md_block.h"

struct sha256 {
    bool hw;                      /* the SHA-extension path is in use */
    mbedtls_sha256_context ctx;   /* when !hw */
    uint32_t state[8];            /* when hw */
    struct md_block block;        /* when hw */
};

void sha256_init(struct sha256 *h);
/* mbedTLS whatever the CPU has: the reference the SHA-extension path is tested against. */
void sha256_init_portable(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t len);
/* Writes the digest and releases the context; init again to reuse. */
void sha256_final(struct sha256 *h, unsigned char out[32]);
void sha256_hex(char out[65], const unsigned char digest[32]);

/* True when sha256_init uses the SHA extensions on this machine. */
bool sha256_hw_available(void);

#endif
