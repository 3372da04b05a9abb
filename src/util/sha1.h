/*
 * SHA-1, for git object ids only (a blob's id is the SHA-1 of its header and bytes, and
 * reading a blob from git verifies it): the CPU's SHA extensions when it has them,
 * mbedTLS otherwise (DSCI_NO_SHA_EXTENSIONS=1 forces mbedTLS, as for sha256.h). Both give
 * the same digest; the unit tests compare them on many inputs and chunkings.
 *
 *   struct sha1 h;
 *   sha1_init(&h); sha1_update(&h, p, n); sha1_final(&h, digest);
 */
#ifndef DSCI_SHA1_H
#define DSCI_SHA1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mbedtls/sha1.h>

#include "util/md_block.h"

struct sha1 {
    bool hw;                    /* the SHA-extension path is in use */
    mbedtls_sha1_context ctx;   /* when !hw */
    uint32_t state[5];          /* when hw */
    struct md_block block;        /* when hw */
};

void sha1_init(struct sha1 *h);
/* mbedTLS whatever the CPU has: the reference the SHA-extension path is tested against. */
void sha1_init_portable(struct sha1 *h);
void sha1_update(struct sha1 *h, const void *data, size_t len);
/* Writes the digest and releases the context; init again to reuse. */
void sha1_final(struct sha1 *h, unsigned char out[20]);
/* Releases a context that will not be finished (a read given up half way). */
void sha1_discard(struct sha1 *h);

#endif
