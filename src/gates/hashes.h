/*
 * Content-hash records shared by the splits and duplicates gates (header-only, private
 * to src/gates/): per parsed example, 32 bytes = the first 128 bits of its content hash
 * (SHA-256, so 128 bits tell a billion examples apart with room to spare), its split,
 * and its location. Sorting groups equal contents; within a group records keep
 * split order, then file order, so the first record is the "original".
 *
 *   struct hash_list l = HASH_LIST_INIT;
 *   hash_list_add(&l, at);            // in replay(): all it reads is in `at`
 *   hash_list_sort(&l);               // in finish(): then walk runs of equal h0/h1
 *   hash_list_release(&l);
 */
#ifndef DSCI_GATES_HASHES_H
#define DSCI_GATES_HASHES_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "read/example.h"
#include "gates/common.h"
#include "gates/finding_key.h"
#include "run/signatures.h"
#include "util/xalloc.h"

struct hash_rec {
    uint64_t h0, h1;
    uint64_t line;
    uint32_t file;
    uint32_t split;
};

struct hash_list {
    struct hash_rec *v;      /* in mem */
    size_t n;
    struct gate_vec mem;
};

#define HASH_LIST_INIT { NULL, 0, GATE_VEC_INIT }

static inline void hash_list_add(struct hash_list *l, const struct example *ex)
{
    l->v = gate_vec_grow(&l->mem, (l->n + 1) * sizeof(*l->v));
    struct hash_rec *r = &l->v[l->n++];
    memcpy(&r->h0, ex->hash, 8);
    memcpy(&r->h1, ex->hash + 8, 8);
    r->line = gate_example_pos(ex);   /* line, or index in a JSON array file */
    r->file = (uint32_t)ex->file_index;
    r->split = (uint32_t)ex->split;
}

/* The same record from the signature store (run/signatures.h), whose content order
 * (content, split, index) is a sorted list's (content, split, file, line): records come
 * in file order. The gates that have the store use it rather than a second copy. */
static inline void hash_rec_of_sig(struct hash_rec *out, const struct sig_rec *r)
{
    out->h0 = r->h0;
    out->h1 = r->h1;
    out->line = r->line;
    out->file = r->file;
    out->split = r->split;
}

static inline bool hash_rec_same(const struct hash_rec *a, const struct hash_rec *b)
{
    return a->h0 == b->h0 && a->h1 == b->h1;
}

/* In a sorted list, the end of the run of records with the content of record i (and,
 * with same_split, its split too): records i..end-1. */
static inline size_t hash_list_run_end(const struct hash_list *l, size_t i, bool same_split)
{
    size_t j = i + 1;
    while (j < l->n && hash_rec_same(&l->v[i], &l->v[j]) && (!same_split || l->v[j].split == l->v[i].split))
        j++;
    return j;
}

static inline int hash_rec_cmp(const struct hash_rec *a, const struct hash_rec *b)
{
    if (a->h0 != b->h0)
        return a->h0 < b->h0 ? -1 : 1;
    if (a->h1 != b->h1)
        return a->h1 < b->h1 ? -1 : 1;
    if (a->split != b->split)
        return a->split < b->split ? -1 : 1;
    if (a->file != b->file)
        return a->file < b->file ? -1 : 1;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return 0;
}

static inline int hash_rec_qsort_cmp(const void *a, const void *b)
{
    return hash_rec_cmp(a, b);
}

static inline void hash_rec_insertion_sort(struct hash_rec *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct hash_rec x = v[i];
        size_t j = i;
        while (j > 0 && hash_rec_cmp(&v[j - 1], &x) > 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

/* Sorts by (hash, split, file, line). The hashes are uniform, so one counting pass on
 * the top bits leaves buckets of a few records each to finish by insertion: linear time
 * instead of qsort's n log n with a comparison callback. */
static inline void hash_list_sort(struct hash_list *l)
{
    size_t n = l->n;
    if (n < 2)
        return;
    if (n < 1024) {
        qsort(l->v, n, sizeof(*l->v), hash_rec_qsort_cmp);
        return;
    }
    unsigned bits = 8;
    while (bits < 24 && ((size_t)1 << (bits + 1)) <= n / 2)
        bits++;
    size_t n_buckets = (size_t)1 << bits;
    size_t *start = xcalloc(n_buckets + 1, sizeof(*start));
    for (size_t i = 0; i < n; i++)
        start[(l->v[i].h0 >> (64 - bits)) + 1]++;
    for (size_t b = 0; b < n_buckets; b++)
        start[b + 1] += start[b];
    size_t *fill = xmalloc(n_buckets * sizeof(*fill));
    memcpy(fill, start, n_buckets * sizeof(*fill));
    struct gate_vec out_mem = GATE_VEC_INIT;
    struct hash_rec *out = gate_vec_grow(&out_mem, n * sizeof(*out));
    for (size_t i = 0; i < n; i++)
        out[fill[l->v[i].h0 >> (64 - bits)]++] = l->v[i];
    for (size_t b = 0; b < n_buckets; b++) {
        size_t size = start[b + 1] - start[b];
        if (size > 32)
            qsort(out + start[b], size, sizeof(*out), hash_rec_qsort_cmp);
        else if (size > 1)
            hash_rec_insertion_sort(out + start[b], size);
    }
    free(fill);
    free(start);
    gate_vec_release(&l->mem);
    l->mem = out_mem;
    l->v = out;
}

static inline void hash_list_release(struct hash_list *l)
{
    gate_vec_release(&l->mem);
    l->v = NULL;
    l->n = 0;
}

/* A finding to report in file order: where, and the record it points back to. */
struct hash_pair {
    uint64_t h0, h1;         /* the shared content */
    uint32_t file, other_file;
    uint32_t other_split;
    uint64_t line, other_line;
};

static inline int hash_pair_cmp(const void *a, const void *b)
{
    const struct hash_pair *x = a, *y = b;
    if (x->file != y->file)
        return x->file < y->file ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->other_file != y->other_file)
        return x->other_file < y->other_file ? -1 : 1;
    return x->other_line < y->other_line ? -1 : x->other_line > y->other_line;
}

/*
 * The pairs a gate finds in the runs of a sorted hash list (a copy and its original, an
 * example and its copy in another split), reported in file order:
 *
 *   struct hash_pairs ps = HASH_PAIRS_INIT;
 *   hash_pairs_add(&ps, &l->v[k], &l->v[i]);   // the finding at k points back at i
 *   hash_pairs_sort(&ps);
 *   hash_pairs_report(c, ctx, &ps, "exact_duplicate", message, arg);
 *   free(ps.v);
 */
struct hash_pairs {
    struct hash_pair *v;
    size_t n, alloc;
};

#define HASH_PAIRS_INIT { NULL, 0, 0 }

static inline void hash_pairs_add(struct hash_pairs *ps, const struct hash_rec *at, const struct hash_rec *other)
{
    ALLOC_GROW(ps->v, ps->n + 1, ps->alloc);
    struct hash_pair *p = &ps->v[ps->n++];
    p->h0 = at->h0;
    p->h1 = at->h1;
    p->file = at->file;
    p->line = at->line;
    p->other_file = other->file;
    p->other_line = other->line;
    p->other_split = other->split;
}

static inline void hash_pairs_sort(struct hash_pairs *ps)
{
    if (ps->n)
        qsort(ps->v, ps->n, sizeof(*ps->v), hash_pair_cmp);
}

/* A finding's text from the place of the record it points back to; the caller frees. */
typedef char *(*hash_pair_message_fn)(const struct hash_pair *p, const char *other_at, const void *arg);

/* One finding per pair, keyed by the shared content, at the pair's place and related to
 * the record it points back to. */
static inline void hash_pairs_report(struct check *c, const struct gate_ctx *ctx, const struct hash_pairs *ps,
                                     const char *kind, hash_pair_message_fn message, const void *arg)
{
    for (size_t i = 0; i < ps->n; i++) {
        const struct hash_pair *p = &ps->v[i];
        unsigned char key[FINDING_KEY_SIZE];
        finding_key_of(key, p->h0, p->h1);
        char other_at[GATE_WHERE_SIZE];
        char *text = message(p, gate_where(other_at, ctx, p->other_file, p->other_line), arg);
        check_add_keyed_finding(c, key, gate_file_path(ctx, p->file), gate_line(ctx, p->file, p->line), kind,
                                "%s", text);
        free(text);
        gate_locate_last(c, ctx, p->file, p->line);
        check_relate_last(c, gate_file_path(ctx, p->other_file), gate_line(ctx, p->other_file, p->other_line));
    }
}

/* "<place of the first pair><join><place it points back to>", for a remediation that
 * names the first pair; the caller frees. */
static inline char *hash_pairs_first(const struct gate_ctx *ctx, const struct hash_pairs *ps, const char *join)
{
    char at[GATE_WHERE_SIZE], other_at[GATE_WHERE_SIZE];
    return xasprintf("%s%s%s", gate_where(at, ctx, ps->v[0].file, ps->v[0].line), join,
                     gate_where(other_at, ctx, ps->v[0].other_file, ps->v[0].other_line));
}

#endif
