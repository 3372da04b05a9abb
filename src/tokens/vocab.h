/*
 * The two tables BPE needs, built once at load and read-only after: token bytes -> id
 * (open addressing over one blob), and an adjacent pair of ids -> (merge rank, merged id).
 * Both encodings reduce to these: a .tiktoken file's merge of a and b is the token their
 * bytes spell, ranked by its id; a tokenizer.json's merges are listed with their ranks.
 */
#ifndef DSCI_TOKENS_VOCAB_H
#define DSCI_TOKENS_VOCAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VOCAB_NONE UINT32_MAX

struct vocab_slot {
    uint32_t off, len, id;   /* id VOCAB_NONE: empty */
};

struct vocab {
    struct vocab_slot *slots;
    size_t mask;             /* slots - 1, a power of two minus one */
    size_t n;
    char *blob;              /* every token's bytes, back to back */
    size_t blob_len, blob_cap;
    /* id -> its bytes (offset/length into blob), for building merges and decoding */
    uint32_t *id_off, *id_len;
    uint32_t n_ids;          /* 1 + the largest id */
};

struct pair_slot {
    uint64_t key;            /* (left << 32) | right; UINT64_MAX: empty */
    uint32_t rank, merged;
};

struct pair_table {
    struct pair_slot *slots;
    size_t mask;
    size_t n;
};

void vocab_init(struct vocab *v, size_t expected);
/* Adds bytes -> id; false when the bytes or the id are there already. */
bool vocab_add(struct vocab *v, const char *bytes, size_t len, uint32_t id);
uint32_t vocab_find(const struct vocab *v, const char *bytes, size_t len);
void vocab_free(struct vocab *v);

void pair_table_init(struct pair_table *p, size_t expected);
/* Keeps the lowest rank when a pair is added twice. */
void pair_table_add(struct pair_table *p, uint32_t left, uint32_t right, uint32_t rank, uint32_t merged);
void pair_table_free(struct pair_table *p);

static inline uint64_t tok_mix64(uint64_t x)
{
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ULL;
    x ^= x >> 32;
    return x;
}

/* The rank of merging left and right (UINT32_MAX: no merge), the merged id in *merged. */
static inline uint32_t pair_table_find(const struct pair_table *p, uint32_t left, uint32_t right,
                                       uint32_t *merged)
{
    uint64_t key = ((uint64_t)left << 32) | right;
    for (size_t i = tok_mix64(key) & p->mask;; i = (i + 1) & p->mask) {
        const struct pair_slot *s = &p->slots[i];
        if (s->key == key) {
            *merged = s->merged;
            return s->rank;
        }
        if (s->key == UINT64_MAX)
            return UINT32_MAX;
    }
}

uint64_t tok_hash_bytes(const char *s, size_t len);

#endif
