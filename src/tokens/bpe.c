/*
 * Two ways to the same result. Short pre-tokens (nearly all of them) use arrays and a
 * linear scan for the lowest rank: O(n^2) but with tiny n it beats any structure. Long
 * ones (a run of 100 000 letters or digits is one pre-token) use a linked list and a
 * heap with lazy deletion, O(n log n), so hostile text cannot make counting quadratic.
 */
#include "tokens/bpe.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define BPE_SMALL 192

struct bpe_heap_entry {
    uint64_t key;      /* (rank << 32) | left position: lowest rank, then leftmost */
    uint32_t right;    /* the right node when pushed */
    uint32_t left_id, right_id;
};

static void work_reserve(struct bpe_work *w, size_t n)
{
    if (n <= w->cap)
        return;
    size_t cap = w->cap ? w->cap : 256;
    while (cap < n)
        cap *= 2;
    w->ids = xreallocarray(w->ids, cap, sizeof *w->ids);
    w->ranks = xreallocarray(w->ranks, cap, sizeof *w->ranks);
    w->merged = xreallocarray(w->merged, cap, sizeof *w->merged);
    w->next = xreallocarray(w->next, cap, sizeof *w->next);
    w->prev = xreallocarray(w->prev, cap, sizeof *w->prev);
    w->cap = cap;
}

static size_t merge_small(const struct pair_table *pairs, size_t n, struct bpe_work *w)
{
    uint32_t *ids = w->ids, *ranks = w->ranks, *merged = w->merged;
    for (size_t i = 0; i + 1 < n; i++)
        ranks[i] = pair_table_find(pairs, ids[i], ids[i + 1], &merged[i]);
    while (n > 1) {
        uint32_t best = UINT32_MAX;
        size_t at = 0;
        for (size_t i = 0; i + 1 < n; i++) {
            if (ranks[i] < best)
                best = ranks[i], at = i;
        }
        if (best == UINT32_MAX)
            break;
        ids[at] = merged[at];
        memmove(ids + at + 1, ids + at + 2, (n - at - 2) * sizeof *ids);
        if (at + 2 < n) {
            memmove(ranks + at + 1, ranks + at + 2, (n - at - 3) * sizeof *ranks);
            memmove(merged + at + 1, merged + at + 2, (n - at - 3) * sizeof *merged);
        }
        n--;
        if (at + 1 < n)
            ranks[at] = pair_table_find(pairs, ids[at], ids[at + 1], &merged[at]);
        if (at > 0)
            ranks[at - 1] = pair_table_find(pairs, ids[at - 1], ids[at], &merged[at - 1]);
    }
    return n;
}

static bool heap_less(const struct bpe_heap_entry *a, const struct bpe_heap_entry *b)
{
    return a->key < b->key;
}

static void heap_push(struct bpe_work *w, size_t *len, struct bpe_heap_entry e)
{
    if (*len == w->heap_cap) {
        w->heap_cap = w->heap_cap ? w->heap_cap * 2 : 1024;
        w->heap = xreallocarray(w->heap, w->heap_cap, sizeof *w->heap);
    }
    size_t i = (*len)++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!heap_less(&e, &w->heap[parent]))
            break;
        w->heap[i] = w->heap[parent];
        i = parent;
    }
    w->heap[i] = e;
}

static struct bpe_heap_entry heap_pop(struct bpe_work *w, size_t *len)
{
    struct bpe_heap_entry top = w->heap[0], last = w->heap[--*len];
    size_t i = 0, n = *len;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && heap_less(&w->heap[c + 1], &w->heap[c]))
            c++;
        if (!heap_less(&w->heap[c], &last))
            break;
        w->heap[i] = w->heap[c];
        i = c;
    }
    if (n)
        w->heap[i] = last;
    return top;
}

#define NODE_END UINT32_MAX
#define NODE_DEAD (UINT32_MAX - 1)

static void push_pair(const struct pair_table *pairs, struct bpe_work *w, size_t *heap_len,
                      uint32_t left, uint32_t right)
{
    uint32_t merged;
    uint32_t rank = pair_table_find(pairs, w->ids[left], w->ids[right], &merged);
    if (rank == UINT32_MAX)
        return;
    heap_push(w, heap_len, (struct bpe_heap_entry){ ((uint64_t)rank << 32) | left, right,
                                                    w->ids[left], w->ids[right] });
}

static size_t merge_long(const struct pair_table *pairs, size_t n, struct bpe_work *w)
{
    uint32_t *ids = w->ids, *next = w->next, *prev = w->prev;
    for (size_t i = 0; i < n; i++) {
        next[i] = i + 1 < n ? (uint32_t)(i + 1) : NODE_END;
        prev[i] = i ? (uint32_t)(i - 1) : NODE_END;
    }
    size_t heap_len = 0;
    for (size_t i = 0; i + 1 < n; i++)
        push_pair(pairs, w, &heap_len, (uint32_t)i, (uint32_t)(i + 1));
    while (heap_len) {
        struct bpe_heap_entry e = heap_pop(w, &heap_len);
        uint32_t left = (uint32_t)e.key, right = e.right;
        if (next[left] == NODE_DEAD || next[left] != right || ids[left] != e.left_id ||
            ids[right] != e.right_id)
            continue;   /* stale: one side merged since */
        uint32_t merged = ids[left];
        pair_table_find(pairs, ids[left], ids[right], &merged);
        ids[left] = merged;
        next[left] = next[right];
        if (next[right] != NODE_END)
            prev[next[right]] = left;
        next[right] = NODE_DEAD;
        if (prev[left] != NODE_END)
            push_pair(pairs, w, &heap_len, prev[left], left);
        if (next[left] != NODE_END)
            push_pair(pairs, w, &heap_len, left, next[left]);
    }
    size_t out = 0;
    for (uint32_t i = 0; i != NODE_END; i = next[i])
        ids[out++] = ids[i];
    return out;
}

size_t bpe_merge(const struct pair_table *pairs, const uint32_t byte_id[256],
                 const unsigned char *bytes, size_t n, struct bpe_work *w)
{
    work_reserve(w, n);
    for (size_t i = 0; i < n; i++)
        w->ids[i] = byte_id[bytes[i]];
    if (n == 1)
        return 1;
    return n <= BPE_SMALL ? merge_small(pairs, n, w) : merge_long(pairs, n, w);
}

void bpe_work_free(struct bpe_work *w)
{
    free(w->ids);
    free(w->ranks);
    free(w->merged);
    free(w->next);
    free(w->prev);
    free(w->heap);
    memset(w, 0, sizeof *w);
}
