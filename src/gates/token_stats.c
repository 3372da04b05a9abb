/*
 * Exact percentiles from every count (gates/token_stats.h). Sorting 4-byte counts once
 * at finish() costs less than the tokenizing did, and no bucketed histogram can give
 * the exact p95 a report compares with another tool's.
 */
#include "gates/token_stats.h"

#include <stdlib.h>
#include <string.h>

void token_counts_add(struct token_counts *c, uint64_t tokens)
{
    uint32_t *v = gate_vec_grow(&c->v, (size_t)(c->n + 1) * sizeof(uint32_t));
    v[c->n++] = tokens > UINT32_MAX ? UINT32_MAX : (uint32_t)tokens;
    c->total += tokens;
    if (tokens > c->max)
        c->max = tokens;
}

static int by_count(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The nearest-rank p-th percentile of one sorted list. */
static uint32_t rank_of(const uint32_t *sorted, uint64_t n, unsigned p)
{
    uint64_t k = (n * p + 99) / 100;   /* ceil(n * p / 100), at least 1 for n >= 1 */
    return sorted[k ? k - 1 : 0];
}

void token_counts_stats(struct result_token_stats *out, struct token_counts *c, size_t n)
{
    uint64_t over = out->over, under = out->under;
    memset(out, 0, sizeof(*out));
    out->over = over;
    out->under = under;
    for (size_t i = 0; i < n; i++) {
        out->examples += c[i].n;
        out->total += c[i].total;
        if (c[i].max > out->max)
            out->max = c[i].max;
        if (c[i].n)
            qsort(c[i].v.ptr, (size_t)c[i].n, sizeof(uint32_t), by_count);
    }
    if (!out->examples)
        return;
    out->mean = (double)out->total / (double)out->examples;
    if (n == 1) {
        out->p50 = rank_of(c[0].v.ptr, c[0].n, 50);
        out->p95 = rank_of(c[0].v.ptr, c[0].n, 95);
        return;
    }
    /* Several lists: merge them into one sorted copy for the ranks. */
    uint32_t *all = malloc((size_t)out->examples * sizeof(uint32_t));
    if (!all)
        xalloc_die("out of memory: the token counts of %llu examples", (unsigned long long)out->examples);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (c[i].n)
            memcpy(all + at, c[i].v.ptr, (size_t)c[i].n * sizeof(uint32_t));
        at += (size_t)c[i].n;
    }
    qsort(all, at, sizeof(uint32_t), by_count);
    out->p50 = rank_of(all, at, 50);
    out->p95 = rank_of(all, at, 95);
    free(all);
}

void token_counts_release(struct token_counts *c)
{
    gate_vec_release(&c->v);
    c->n = c->total = c->max = 0;
}
