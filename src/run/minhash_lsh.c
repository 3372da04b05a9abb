/*
 * LSH candidate search (run/minhash.h): every band's key for every signature, a sort by
 * key, and the pairs of each bucket.
 *
 * Bands go in rounds. A round first reads the signatures once, in index order, and
 * writes the keys of all its bands (a signature's cache lines are read once for all of
 * them, and in order, which the prefetchers follow; one band at a time read each
 * signature a band-width apart and waited on memory for every key). The threads split
 * that pass by ranges of examples. Then each band of the round is sorted and scanned on
 * its own thread. A round holds at most KEYS_BUDGET bytes of keys, and each thread 12
 * bytes an example to sort one band, whatever the number of bands.
 *
 * The candidate calls are the same, in the same order, for any number of threads and
 * rounds: band by band, buckets by key, members by index.
 */
#include "run/minhash.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/size_text.h"
#include "util/xalloc.h"

#define KEYS_BUDGET ((size_t)48 << 20)
#define DROP_STEP ((size_t)1 << 20)   /* droppable signatures: released every this many bytes read */

struct lsh {
    const struct minhash *mh;
    const struct minhash_bands *bands;
    const minhash_slot *sigs;
    bool droppable;
    const uint32_t *members;   /* the m examples not skipped, in index order */
    size_t m;
    unsigned bits;             /* top key bits of the counting pass */
    size_t first_band, n_bands;   /* the round */
    uint64_t **keys;           /* keys[b][k]: band first_band + b of members[k] */
};

/* splitmix64's finaliser (as run/minhash.c's). */
static inline uint64_t key_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

/* Here rather than in minhash.c: the key pass calls it for every band of every
 * signature, and inlined it costs a few multiplies. */
static inline uint64_t band_key(const struct minhash_bands *bands, const minhash_slot *sig, size_t band)
{
    /* Four rows per multiply: each step is a bijection of the state for a given word,
     * so vectors that differ rarely meet, and a rare false match only costs a check. */
    const minhash_slot *row = sig + band * bands->rows;
    uint64_t h = ((uint64_t)band + 1) * 0x9e3779b97f4a7c15ull;
    size_t i = 0;
    for (; i + 4 <= bands->rows; i += 4) {
        uint64_t word;
        memcpy(&word, row + i, sizeof(word));
        h = (h ^ word) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 32;
    }
    if (i < bands->rows) {
        uint64_t word = 0;
        memcpy(&word, row + i, (bands->rows - i) * sizeof(*row));
        h = (h ^ word) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 32;
    }
    return key_mix64(h ^ bands->rows);
}

uint64_t minhash_band_key(const struct minhash_bands *bands, const minhash_slot *sig, size_t band)
{
    return band_key(bands, sig, band);
}

/* madvise wants page boundaries: the pages wholly inside [from, to). */
static void drop_range(const void *from, const void *to)
{
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t a = ((uintptr_t)from + page - 1) & ~(page - 1), b = (uintptr_t)to & ~(page - 1);
    if (b > a)
        madvise((void *)a, b - a, MADV_DONTNEED);
}

/* The keys of the round's bands for members [lo, hi). */
static void keys_range(const struct lsh *l, size_t lo, size_t hi)
{
    size_t p = l->mh->permutations;
    const unsigned char *dropped = NULL;
    for (size_t k = lo; k < hi; k++) {
        const minhash_slot *sig = l->sigs + (size_t)l->members[k] * p;
        for (size_t b = 0; b < l->n_bands; b++)
            l->keys[b][k] = band_key(l->bands, sig, l->first_band + b);
        if (!l->droppable)
            continue;
        if (!dropped)
            dropped = (const unsigned char *)sig;
        else if ((const unsigned char *)sig - dropped >= (ptrdiff_t)DROP_STEP) {
            drop_range(dropped, sig);
            dropped = (const unsigned char *)sig;
        }
    }
    if (dropped && hi > lo)
        drop_range(dropped, l->sigs + ((size_t)l->members[hi - 1] + 1) * p);
}

/* One band's sort and scan. With `emit` set the pairs go straight to the callback;
 * otherwise they are collected for replay in band order. */
struct band_job {
    const struct lsh *l;
    size_t b;                  /* the band's place in the round */
    uint64_t *sorted;          /* the band's keys in order (the thread's) */
    uint32_t *order;           /* their positions k (the thread's) */
    size_t *start;             /* the counting pass's buckets (the thread's) */
    void (*emit)(void *ctx, uint32_t x, uint32_t y);
    void *ctx;
    uint32_t *pairs;           /* x0, y0, x1, y1, ... */
    size_t n_pairs, alloc_pairs;
};

/* Sorts the keys into sorted[], their positions k into order[], keeping position order
 * within a key: one counting pass on the top bits (keys are uniform) leaves buckets of
 * a few each for a stable insertion sort. The keys go along with their positions, so
 * the sort and the scan after it read memory in order. */
static void band_sort(const uint64_t *keys, uint64_t *sorted, uint32_t *order, size_t *start, size_t m,
                      unsigned bits)
{
    size_t n_buckets = (size_t)1 << bits;
    unsigned shift = 64 - bits;
    memset(start, 0, (n_buckets + 1) * sizeof(*start));
    for (size_t k = 0; k < m; k++)
        start[(keys[k] >> shift) + 1]++;
    for (size_t b = 0; b < n_buckets; b++)
        start[b + 1] += start[b];
    for (size_t k = 0; k < m; k++) {
        size_t at = start[keys[k] >> shift]++;
        sorted[at] = keys[k];
        order[at] = (uint32_t)k;
    }
    /* start[b] now ends bucket b: walk buckets back from the ends */
    size_t lo = 0;
    for (size_t b = 0; b < n_buckets; b++) {
        size_t hi = start[b];
        for (size_t i = lo + 1; i < hi; i++) {
            uint64_t key = sorted[i];
            uint32_t x = order[i];
            size_t y = i;
            while (y > lo && sorted[y - 1] > key) {
                sorted[y] = sorted[y - 1];
                order[y] = order[y - 1];
                y--;
            }
            sorted[y] = key;
            order[y] = x;
        }
        lo = hi;
    }
}

static void band_run(struct band_job *j)
{
    const struct lsh *l = j->l;
    const uint64_t *keys = j->sorted;
    const uint32_t *members = l->members, *order = j->order;
    size_t m = l->m;
    j->n_pairs = 0;
    band_sort(l->keys[j->b], j->sorted, j->order, j->start, m, l->bits);
    for (size_t i = 0; i < m;) {
        uint64_t key = keys[i];
        size_t e = i + 1;
        while (e < m && keys[e] == key)
            e++;
        for (size_t y = i + 1; y < e; y++) {
            size_t from = y - i > MINHASH_BUCKET_WINDOW ? y - MINHASH_BUCKET_WINDOW : i;
            uint32_t iy = members[order[y]];
            for (size_t x = from; x < y; x++) {
                uint32_t ix = members[order[x]];
                if (j->emit) {
                    j->emit(j->ctx, ix, iy);
                    continue;
                }
                ALLOC_GROW(j->pairs, 2 * j->n_pairs + 2, j->alloc_pairs);
                j->pairs[2 * j->n_pairs] = ix;
                j->pairs[2 * j->n_pairs + 1] = iy;
                j->n_pairs++;
            }
        }
        i = e;
    }
}

/* What one thread does in a phase of a round: a range of the key pass, or bands
 * t, t + threads, ... of the round. */
struct worker {
    const struct lsh *l;
    unsigned t, threads;
    bool keys_phase;
    struct band_job *jobs;     /* the round's bands */
};

static void *worker_run(void *arg)
{
    struct worker *w = arg;
    const struct lsh *l = w->l;
    if (w->keys_phase) {
        size_t lo = l->m * w->t / w->threads, hi = l->m * (w->t + 1) / w->threads;
        keys_range(l, lo, hi);
        return NULL;
    }
    for (size_t b = w->t; b < l->n_bands; b += w->threads)
        band_run(&w->jobs[b]);
    return NULL;
}

/* Runs the phase on `threads` threads (this one included); one that cannot be started
 * has its share done here. */
static void phase(struct worker *ws, unsigned threads, bool keys_phase)
{
    pthread_t tids[threads];
    bool started[threads];
    for (unsigned t = 0; t < threads; t++)
        ws[t].keys_phase = keys_phase;
    for (unsigned t = 1; t < threads; t++)
        started[t] = pthread_create(&tids[t], NULL, worker_run, &ws[t]) == 0;
    worker_run(&ws[0]);
    for (unsigned t = 1; t < threads; t++) {
        if (started[t])
            pthread_join(tids[t], NULL);
        else
            worker_run(&ws[t]);
    }
}

void minhash_lsh(const struct minhash *mh, const struct minhash_bands *bands, const minhash_slot *sigs,
                 const unsigned char *skip, size_t n,
                 void (*candidate)(void *ctx, uint32_t x, uint32_t y), void *ctx)
{
    minhash_lsh_threads(mh, bands, sigs, skip, n, candidate, ctx, 1, false);
}

void minhash_lsh_threads(const struct minhash *mh, const struct minhash_bands *bands, const minhash_slot *sigs,
                         const unsigned char *skip, size_t n,
                         void (*candidate)(void *ctx, uint32_t x, uint32_t y), void *ctx, unsigned threads,
                         bool droppable)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += !(skip && skip[i]);
    if (m < 2 || !bands->bands)
        return;
    struct lsh l = { mh, bands, sigs, droppable, NULL, m, 4, 0, 0, NULL };
    while (l.bits < 22 && ((size_t)1 << (l.bits + 1)) <= m / 2)
        l.bits++;
    if (threads < 1)
        threads = 1;
    if (threads > 64)
        threads = 64;
    size_t budget = KEYS_BUDGET;
    const char *budget_env = getenv("DSCI_LSH_KEY_BYTES");   /* tests: several rounds on little data */
    size_t budget_set;
    if (budget_env && size_text_parse(budget_env, &budget_set))
        budget = budget_set;
    size_t per_round = budget / (m * sizeof(uint64_t));
    if (per_round < threads)
        per_round = threads;
    if (per_round > bands->bands)
        per_round = bands->bands;

    uint32_t *members = xmalloc(m * sizeof(*members));
    for (size_t i = 0, k = 0; i < n; i++)
        if (!(skip && skip[i]))
            members[k++] = (uint32_t)i;
    l.members = members;
    l.keys = xcalloc(per_round, sizeof(*l.keys));
    for (size_t b = 0; b < per_round; b++)
        l.keys[b] = xmalloc(m * sizeof(**l.keys));
    struct band_job *jobs = xcalloc(per_round, sizeof(*jobs));
    struct worker *ws = xcalloc(threads, sizeof(*ws));
    uint32_t **orders = xcalloc(threads, sizeof(*orders));
    uint64_t **sorted = xcalloc(threads, sizeof(*sorted));
    size_t **starts = xcalloc(threads, sizeof(*starts));
    for (unsigned t = 0; t < threads; t++) {
        ws[t] = (struct worker){ &l, t, threads, false, jobs };
        orders[t] = xmalloc(m * sizeof(**orders));
        sorted[t] = xmalloc(m * sizeof(**sorted));
        starts[t] = xmalloc((((size_t)1 << l.bits) + 1) * sizeof(**starts));
    }
    for (size_t b = 0; b < per_round; b++) {
        unsigned t = (unsigned)(b % threads);   /* the thread that runs band b of a round */
        jobs[b].l = &l;
        jobs[b].b = b;
        jobs[b].order = orders[t];
        jobs[b].sorted = sorted[t];
        jobs[b].start = starts[t];
        if (threads == 1) {
            jobs[b].emit = candidate;
            jobs[b].ctx = ctx;
        }
    }

    for (size_t first = 0; first < bands->bands; first += per_round) {
        l.first_band = first;
        l.n_bands = bands->bands - first < per_round ? bands->bands - first : per_round;
        phase(ws, threads, true);
        phase(ws, threads, false);
        if (threads > 1)
            for (size_t b = 0; b < l.n_bands; b++)
                for (size_t i = 0; i < jobs[b].n_pairs; i++)
                    candidate(ctx, jobs[b].pairs[2 * i], jobs[b].pairs[2 * i + 1]);
        if (droppable)   /* what verifying the candidates read again */
            drop_range(sigs, sigs + n * mh->permutations);
    }

    for (unsigned t = 0; t < threads; t++) {
        free(orders[t]);
        free(sorted[t]);
        free(starts[t]);
    }
    for (size_t b = 0; b < per_round; b++) {
        free(l.keys[b]);
        free(jobs[b].pairs);
    }
    free(starts);
    free(sorted);
    free(orders);
    free(ws);
    free(jobs);
    free(l.keys);
    free(members);
}
