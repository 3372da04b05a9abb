/*
 * Grouping pairs by (prompt, replies) to find contradictions: gates/pair_order.h.
 */
#include "gates/pair_order.h"

#include <stdlib.h>

#include "util/xalloc.h"

void pair_order_add(struct pair_order_list *l, uint64_t prompt, uint64_t chosen, uint64_t rejected,
                    uint32_t file, uint64_t pos, uint64_t h0, uint64_t h1)
{
    if (chosen == rejected)
        return;
    l->v = gate_vec_grow(&l->mem, (l->n + 1) * sizeof(*l->v));
    struct pair_order *p = &l->v[l->n++];
    p->prompt = prompt;
    p->lo = chosen < rejected ? chosen : rejected;
    p->hi = chosen < rejected ? rejected : chosen;
    p->chosen_lo = chosen < rejected;
    p->file = file;
    p->pos = pos;
    p->h0 = h0;
    p->h1 = h1;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : a > b;
}

/* By what the pair is about, then file order: the first of a group is the earliest. */
static int group_cmp(const void *a, const void *b)
{
    const struct pair_order *x = a, *y = b;
    int c;
    if ((c = cmp_u64(x->prompt, y->prompt)) || (c = cmp_u64(x->lo, y->lo)) || (c = cmp_u64(x->hi, y->hi)) ||
        (c = cmp_u64(x->file, y->file)))
        return c;
    return cmp_u64(x->pos, y->pos);
}

struct found {
    const struct pair_order *at, *other;
};

static int found_cmp(const void *a, const void *b)
{
    const struct found *x = a, *y = b;
    int c = cmp_u64(x->at->file, y->at->file);
    return c ? c : cmp_u64(x->at->pos, y->at->pos);
}

uint64_t pair_order_contradictions(struct pair_order_list *l, pair_order_fn cb, void *arg)
{
    if (l->n > 1)
        qsort(l->v, l->n, sizeof(*l->v), group_cmp);
    struct found *f = NULL;
    size_t n = 0, alloc = 0;
    for (size_t i = 0; i < l->n;) {
        size_t j = i + 1;
        while (j < l->n && l->v[j].prompt == l->v[i].prompt && l->v[j].lo == l->v[i].lo && l->v[j].hi == l->v[i].hi)
            j++;
        for (size_t k = i + 1; k < j; k++)
            if (l->v[k].chosen_lo != l->v[i].chosen_lo) {
                ALLOC_GROW(f, n + 1, alloc);
                f[n].at = &l->v[k];
                f[n++].other = &l->v[i];
            }
        i = j;
    }
    if (n > 1)
        qsort(f, n, sizeof(*f), found_cmp);
    for (size_t i = 0; i < n; i++)
        cb(arg, f[i].at, f[i].other);
    free(f);
    return n;
}

void pair_order_release(struct pair_order_list *l)
{
    gate_vec_release(&l->mem);
    l->v = NULL;
    l->n = 0;
}
