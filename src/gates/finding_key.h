/*
 * Keys of findings about examples (header-only, private to src/gates/), for the
 * known-findings file (docs/known-findings.md). A finding about one example is keyed by
 * its content hash; one about several (a near-duplicate cluster, a leak) by the SHA-256
 * of their content hashes in order, so any change to any of them makes it a new finding.
 *
 *   struct finding_key k;
 *   finding_key_start(&k);
 *   finding_key_add(&k, h0, h1);   // per example, in a fixed order
 *   finding_key_end(&k, key);
 */
#ifndef DSCI_GATES_FINDING_KEY_H
#define DSCI_GATES_FINDING_KEY_H

#include <stdint.h>
#include <string.h>

#include "run/result.h"
#include "util/sha256.h"

/* A single example: the first 128 bits of its content hash. */
static inline void finding_key_of(unsigned char key[FINDING_KEY_SIZE], uint64_t h0, uint64_t h1)
{
    memcpy(key, &h0, 8);
    memcpy(key + 8, &h1, 8);
}

struct finding_key {
    struct sha256 sha;
};

static inline void finding_key_start(struct finding_key *k)
{
    sha256_init(&k->sha);
}

static inline void finding_key_add(struct finding_key *k, uint64_t h0, uint64_t h1)
{
    unsigned char b[16];
    finding_key_of(b, h0, h1);
    sha256_update(&k->sha, b, sizeof(b));
}

static inline void finding_key_end(struct finding_key *k, unsigned char key[FINDING_KEY_SIZE])
{
    unsigned char d[32];
    sha256_final(&k->sha, d);
    memcpy(key, d, FINDING_KEY_SIZE);
}

#endif
