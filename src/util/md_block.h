/*
 * The framing SHA-1 and SHA-256 share on their SHA-extension paths (Merkle-Damgard over
 * 64-byte blocks): bytes are gathered into whole blocks for the compression function,
 * and the message ends with 0x80, zeros, and its length in bits, big-endian, closing a
 * block. One copy, so that a fix to the framing reaches both hashes.
 */
#ifndef DSCI_MD_BLOCK_H
#define DSCI_MD_BLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef void md_compress_fn(uint32_t *state, const unsigned char *blocks, size_t n_blocks);

struct md_block {
    unsigned char bytes[64];   /* a block not yet whole */
    size_t len;
    uint64_t total;            /* message bytes so far */
};

static inline void md_block_update(struct md_block *m, uint32_t *state, md_compress_fn *compress,
                                   const unsigned char *p, size_t len)
{
    m->total += len;
    if (m->len) {
        size_t take = 64 - m->len < len ? 64 - m->len : len;
        memcpy(m->bytes + m->len, p, take);
        m->len += take;
        p += take;
        len -= take;
        if (m->len < 64)
            return;
        compress(state, m->bytes, 1);
        m->len = 0;
    }
    if (len >= 64) {
        compress(state, p, len / 64);
        p += len & ~(size_t)63;
        len &= 63;
    }
    memcpy(m->bytes, p, len);
    m->len = len;
}

/* Pads the message and compresses its last block(s); then writes the state words,
 * big-endian, as the digest. */
static inline void md_block_final(struct md_block *m, uint32_t *state, size_t words,
                                  md_compress_fn *compress, unsigned char *out)
{
    uint64_t bits = m->total * 8;
    unsigned char pad[72];
    size_t pad_len = (m->len < 56 ? 56 : 120) - m->len;
    memset(pad, 0, sizeof(pad));
    pad[0] = 0x80;
    for (int i = 0; i < 8; i++)
        pad[pad_len + i] = (unsigned char)(bits >> (56 - 8 * i));
    md_block_update(m, state, compress, pad, pad_len + 8);
    for (size_t i = 0; i < words; i++) {
        out[4 * i] = (unsigned char)(state[i] >> 24);
        out[4 * i + 1] = (unsigned char)(state[i] >> 16);
        out[4 * i + 2] = (unsigned char)(state[i] >> 8);
        out[4 * i + 3] = (unsigned char)state[i];
    }
}

#endif
