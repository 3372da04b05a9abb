/*
 * Open addressing with linear probing, tables at most half full: lookups are one or two
 * probes, which matters because BPE asks the pair table once per merge candidate.
 */
#include "tokens/vocab.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static size_t table_size(size_t expected)
{
    size_t n = 1024;
    while (n < expected * 2 + 16)
        n <<= 1;
    return n;
}

uint64_t tok_hash_bytes(const char *s, size_t len)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (len * 0xff51afd7ed558ccdULL);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = tok_mix64(h ^ w) + 0x9e3779b97f4a7c15ULL;
        s += 8, len -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, len);
    return tok_mix64(h ^ w ^ ((uint64_t)len << 59));
}

void vocab_init(struct vocab *v, size_t expected)
{
    memset(v, 0, sizeof *v);
    size_t n = table_size(expected);
    v->slots = xmalloc(n * sizeof *v->slots);
    for (size_t i = 0; i < n; i++)
        v->slots[i].id = VOCAB_NONE;
    v->mask = n - 1;
}

static void vocab_grow_ids(struct vocab *v, uint32_t id)
{
    if (id < v->n_ids)
        return;
    uint32_t n = v->n_ids ? v->n_ids : 1024;
    while (n <= id)
        n *= 2;
    v->id_off = xreallocarray(v->id_off, n, sizeof *v->id_off);
    v->id_len = xreallocarray(v->id_len, n, sizeof *v->id_len);
    for (uint32_t i = v->n_ids; i < n; i++)
        v->id_off[i] = 0, v->id_len[i] = UINT32_MAX;
    v->n_ids = n;
}

static void vocab_rehash(struct vocab *v)
{
    size_t n = (v->mask + 1) * 2;
    struct vocab_slot *old = v->slots;
    size_t old_n = v->mask + 1;
    v->slots = xmalloc(n * sizeof *v->slots);
    for (size_t i = 0; i < n; i++)
        v->slots[i].id = VOCAB_NONE;
    v->mask = n - 1;
    for (size_t i = 0; i < old_n; i++) {
        if (old[i].id == VOCAB_NONE)
            continue;
        size_t j = tok_hash_bytes(v->blob + old[i].off, old[i].len) & v->mask;
        while (v->slots[j].id != VOCAB_NONE)
            j = (j + 1) & v->mask;
        v->slots[j] = old[i];
    }
    free(old);
}

bool vocab_add(struct vocab *v, const char *bytes, size_t len, uint32_t id)
{
    if (id == VOCAB_NONE || len > UINT32_MAX / 2)
        return false;
    if (vocab_find(v, bytes, len) != VOCAB_NONE)
        return false;
    vocab_grow_ids(v, id);
    if (v->id_len[id] != UINT32_MAX)
        return false;
    if ((v->n + 1) * 2 > v->mask + 1)
        vocab_rehash(v);
    if (v->blob_len + len + 1 > v->blob_cap) {
        v->blob_cap = (v->blob_len + len + 1) * 2 + 4096;
        v->blob = xrealloc(v->blob, v->blob_cap);
    }
    memcpy(v->blob + v->blob_len, bytes, len);
    size_t j = tok_hash_bytes(bytes, len) & v->mask;
    while (v->slots[j].id != VOCAB_NONE)
        j = (j + 1) & v->mask;
    v->slots[j] = (struct vocab_slot){ (uint32_t)v->blob_len, (uint32_t)len, id };
    v->id_off[id] = (uint32_t)v->blob_len;
    v->id_len[id] = (uint32_t)len;
    v->blob_len += len;
    v->n++;
    return true;
}

uint32_t vocab_find(const struct vocab *v, const char *bytes, size_t len)
{
    for (size_t j = tok_hash_bytes(bytes, len) & v->mask;; j = (j + 1) & v->mask) {
        const struct vocab_slot *s = &v->slots[j];
        if (s->id == VOCAB_NONE)
            return VOCAB_NONE;
        if (s->len == len && memcmp(v->blob + s->off, bytes, len) == 0)
            return s->id;
    }
}

void vocab_free(struct vocab *v)
{
    free(v->slots);
    free(v->blob);
    free(v->id_off);
    free(v->id_len);
    memset(v, 0, sizeof *v);
}

void pair_table_init(struct pair_table *p, size_t expected)
{
    size_t n = table_size(expected);
    p->slots = xmalloc(n * sizeof *p->slots);
    for (size_t i = 0; i < n; i++)
        p->slots[i].key = UINT64_MAX;
    p->mask = n - 1;
    p->n = 0;
}

static void pair_table_rehash(struct pair_table *p)
{
    size_t old_n = p->mask + 1, n = old_n * 2;
    struct pair_slot *old = p->slots;
    p->slots = xmalloc(n * sizeof *p->slots);
    for (size_t i = 0; i < n; i++)
        p->slots[i].key = UINT64_MAX;
    p->mask = n - 1;
    for (size_t i = 0; i < old_n; i++) {
        if (old[i].key == UINT64_MAX)
            continue;
        size_t j = tok_mix64(old[i].key) & p->mask;
        while (p->slots[j].key != UINT64_MAX)
            j = (j + 1) & p->mask;
        p->slots[j] = old[i];
    }
    free(old);
}

void pair_table_add(struct pair_table *p, uint32_t left, uint32_t right, uint32_t rank, uint32_t merged)
{
    uint64_t key = ((uint64_t)left << 32) | right;
    if ((p->n + 1) * 2 > p->mask + 1)
        pair_table_rehash(p);
    size_t j = tok_mix64(key) & p->mask;
    while (p->slots[j].key != UINT64_MAX) {
        if (p->slots[j].key == key) {
            if (rank < p->slots[j].rank)
                p->slots[j].rank = rank, p->slots[j].merged = merged;
            return;
        }
        j = (j + 1) & p->mask;
    }
    p->slots[j] = (struct pair_slot){ key, rank, merged };
    p->n++;
}

void pair_table_free(struct pair_table *p)
{
    free(p->slots);
    memset(p, 0, sizeof *p);
}
