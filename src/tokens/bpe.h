/*
 * The byte-pair merge of one pre-token: start from one token per byte, and while some
 * adjacent pair has a merge, apply the one of lowest rank (the leftmost of equal ranks).
 * That rule is tiktoken's and Hugging Face's alike; only where the ranks come from
 * differs (tokens/vocab.h).
 */
#ifndef DSCI_TOKENS_BPE_H
#define DSCI_TOKENS_BPE_H

#include <stddef.h>
#include <stdint.h>

#include "tokens/vocab.h"

/* Reused buffers of one thread; zero-initialize, bpe_work_free at the end. */
struct bpe_work {
    uint32_t *ids, *ranks, *merged;  /* the small path: arrays */
    uint32_t *next, *prev;           /* the long path: a linked list ... */
    struct bpe_heap_entry *heap;     /* ... and a heap of candidate merges */
    size_t cap, heap_cap;
};

/* Merges bytes[0..n) (n >= 1); the tokens are w->ids[0..return). byte_id maps each
 * byte to its single-byte token (all 256 exist). */
size_t bpe_merge(const struct pair_table *pairs, const uint32_t byte_id[256],
                 const unsigned char *bytes, size_t n, struct bpe_work *w);

void bpe_work_free(struct bpe_work *w);

#endif
