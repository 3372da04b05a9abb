/*
 * Workers take batches of examples in the order they were filled; each batch owns a
 * copy of its examples' turn texts (the reader's buffers are gone once observe()
 * returns). Signatures are written straight to their final place: the signature array
 * is one reserved range of address space that never moves, made writable ahead of the
 * examples by the main thread, so whoever signs (mostly the workers) pays for first touching
 * its pages. The main thread collects finished batches in order and refills them: a
 * ring of a few batches bounds the memory in flight whatever the dataset size.
 */
#include "gates/signatures.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "gates/common.h"
#include "util/xalloc.h"

#define BATCH_EXAMPLES 512
#define BATCH_BYTES ((size_t)1 << 20)

enum batch_state { BATCH_FREE, BATCH_FILLING, BATCH_QUEUED, BATCH_WORKING, BATCH_DONE };

struct batch {
    enum batch_state state;
    size_t first;              /* store index of its first example */
    size_t count;
    char *text;                /* the turn texts, back to back */
    size_t text_len, text_alloc;
    size_t *turn_len;          /* per turn with a text */
    size_t n_turns, turns_alloc;
    size_t ex_turns[BATCH_EXAMPLES];   /* turns per example */
    unsigned char no_words[BATCH_EXAMPLES];
};

struct signature_work {
    struct gate_vec recs_mem, words_mem;
    unsigned char *sig_base;   /* the reserved range */
    size_t sig_reserved, sig_writable;   /* bytes */
    unsigned n_threads;
    pthread_t *threads;
    size_t n_batches;
    struct batch *batches;
    size_t fill;               /* the batch the main thread fills or will fill next */
    bool filling;              /* batches[fill] has examples of this round (main thread only) */
    size_t next_work;          /* the batch the next idle worker takes */
    bool stopping;
    pthread_mutex_t lock;
    pthread_cond_t queued, done;
};

static void batch_sign(const struct minhash *mh, minhash_slot *sigs, struct batch *b)
{
    size_t turn = 0, at = 0, p = mh->permutations, alloc = 0;
    const char **texts = NULL;
    for (size_t e = 0; e < b->count; e++) {
        size_t n = b->ex_turns[e];
        ALLOC_GROW(texts, n + 1, alloc);
        for (size_t t = 0; t < n; t++) {
            texts[t] = b->text + at;
            at += b->turn_len[turn + t];
        }
        b->no_words[e] = !minhash_signature_texts(mh, sigs + (b->first + e) * p, texts, b->turn_len + turn, n);
        turn += n;
    }
    free(texts);
}

/* As much address space as the largest dataset could want (1 TiB: 2^31 signatures of
 * 128 slots), asked for without access so it costs nothing; less where refused. */
static void sig_reserve(struct signature_work *w)
{
    for (size_t size = (size_t)1 << 40; size >= ((size_t)1 << 30); size >>= 1) {
        void *p = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p != MAP_FAILED) {
            w->sig_base = p;
            w->sig_reserved = size;
            return;
        }
    }
    fprintf(stderr, "dsci: out of address space for the near-duplicate signatures\n");
    exit(3);
}

/* Makes the signature range writable up to `bytes`, in steps of 64 MiB. */
static void sig_commit(struct signature_work *w, size_t bytes)
{
    if (bytes <= w->sig_writable)
        return;
    const size_t step = (size_t)64 << 20;
    size_t want = (bytes + step - 1) / step * step;
    if (want > w->sig_reserved) {
        fprintf(stderr, "dsci: too many examples for the near-duplicate signatures (%zu bytes)\n", bytes);
        exit(3);
    }
    if (mprotect(w->sig_base + w->sig_writable, want - w->sig_writable, PROT_READ | PROT_WRITE) != 0) {
        fprintf(stderr, "dsci: out of memory (allocating %zu bytes)\n", want);
        exit(3);
    }
#ifdef MADV_HUGEPAGE
    madvise(w->sig_base + w->sig_writable, want - w->sig_writable, MADV_HUGEPAGE);
#endif
    w->sig_writable = want;
}

static void *worker_main(void *arg)
{
    struct signature_store *s = arg;
    struct signature_work *w = s->work;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        struct batch *b = &w->batches[w->next_work];
        while (b->state != BATCH_QUEUED && !w->stopping) {
            pthread_cond_wait(&w->queued, &w->lock);
            b = &w->batches[w->next_work];
        }
        if (b->state != BATCH_QUEUED)
            break;
        b->state = BATCH_WORKING;
        w->next_work = (w->next_work + 1) % w->n_batches;
        pthread_mutex_unlock(&w->lock);
        batch_sign(&s->mh, (minhash_slot *)w->sig_base, b);
        pthread_mutex_lock(&w->lock);
        b->state = BATCH_DONE;
        pthread_cond_broadcast(&w->done);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

struct signature_store *signature_store_new(size_t shingle, size_t permutations, unsigned workers)
{
    struct signature_store *s = xcalloc(1, sizeof(*s));
    struct signature_work *w = xcalloc(1, sizeof(*w));
    s->work = w;
    minhash_init(&s->mh, shingle, permutations);
    sig_reserve(w);
    s->sigs = (minhash_slot *)w->sig_base;
    if (!workers)
        return s;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->queued, NULL);
    pthread_cond_init(&w->done, NULL);
    /* one batch per worker at work, one more ready for each, one being filled */
    w->n_batches = 2 * (size_t)workers + 1;
    w->batches = xcalloc(w->n_batches, sizeof(*w->batches));
    w->threads = xcalloc(workers, sizeof(*w->threads));
    for (unsigned i = 0; i < workers; i++) {
        if (pthread_create(&w->threads[i], NULL, worker_main, s) != 0)
            break;   /* fewer threads (or none: the main thread signs) is only slower */
        w->n_threads++;
    }
    return s;
}

/* Takes in a finished batch's word flags and frees it for the next round. */
static void collect(struct signature_store *s, struct batch *b)
{
    struct signature_work *w = s->work;
    s->no_words = gate_vec_grow(&w->words_mem, b->first + b->count);
    memcpy(s->no_words + b->first, b->no_words, b->count);
    /* under the lock: an idle worker may be looking at this batch's state */
    pthread_mutex_lock(&w->lock);
    b->state = BATCH_FREE;
    pthread_mutex_unlock(&w->lock);
    b->count = 0;
    b->text_len = 0;
    b->n_turns = 0;
}

/* The batch to fill: the next in the ring, once its previous contents are collected. */
static struct batch *filling_batch(struct signature_store *s)
{
    struct signature_work *w = s->work;
    struct batch *b = &w->batches[w->fill];
    if (w->filling)
        return b;
    pthread_mutex_lock(&w->lock);
    while (b->state == BATCH_QUEUED || b->state == BATCH_WORKING) {
        /* Rather than wait for the workers, sign the oldest waiting batch here: when
         * signing is the slower side, both cores keep working. */
        struct batch *q = &w->batches[w->next_work];
        if (q->state == BATCH_QUEUED) {
            q->state = BATCH_WORKING;
            w->next_work = (w->next_work + 1) % w->n_batches;
            pthread_mutex_unlock(&w->lock);
            batch_sign(&s->mh, (minhash_slot *)w->sig_base, q);
            pthread_mutex_lock(&w->lock);
            q->state = BATCH_DONE;
            pthread_cond_broadcast(&w->done);
            continue;
        }
        pthread_cond_wait(&w->done, &w->lock);
    }
    bool done = b->state == BATCH_DONE;
    pthread_mutex_unlock(&w->lock);
    if (done)
        collect(s, b);
    pthread_mutex_lock(&w->lock);
    b->state = BATCH_FILLING;
    pthread_mutex_unlock(&w->lock);
    b->first = s->n;
    w->filling = true;
    return b;
}

static void submit(struct signature_work *w, struct batch *b)
{
    pthread_mutex_lock(&w->lock);
    b->state = BATCH_QUEUED;
    pthread_cond_signal(&w->queued);
    pthread_mutex_unlock(&w->lock);
    w->fill = (w->fill + 1) % w->n_batches;
    w->filling = false;
}

void signature_store_add(struct signature_store *s, const struct example *ex)
{
    struct signature_work *w = s->work;
    size_t p = s->mh.permutations;
    s->recs = gate_vec_grow(&w->recs_mem, (s->n + 1) * sizeof(*s->recs));
    struct sig_rec *r = &s->recs[s->n];
    memcpy(&r->h0, ex->hash, 8);
    memcpy(&r->h1, ex->hash + 8, 8);
    r->line = ex->line;
    r->file = (uint32_t)ex->file_index;
    r->split = (uint32_t)ex->split;

    sig_commit(w, (s->n + 1) * p * sizeof(*s->sigs));
    if (!w->n_threads) {
        s->no_words = gate_vec_grow(&w->words_mem, s->n + 1);
        s->no_words[s->n] = !minhash_signature(&s->mh, s->sigs + s->n * p, ex);
        s->n++;
        return;
    }

    struct batch *b = filling_batch(s);
    size_t turns = 0;
    for (size_t i = 0; i < ex->n_turns; i++) {
        const struct turn *t = &ex->turns[i];
        if (!t->text)
            continue;
        ALLOC_GROW(b->turn_len, b->n_turns + 1, b->turns_alloc);
        b->turn_len[b->n_turns++] = t->text_len;
        ALLOC_GROW(b->text, b->text_len + t->text_len + 1, b->text_alloc);
        memcpy(b->text + b->text_len, t->text, t->text_len);
        b->text_len += t->text_len;
        turns++;
    }
    b->ex_turns[b->count++] = turns;
    s->n++;
    if (b->count == BATCH_EXAMPLES || b->text_len >= BATCH_BYTES)
        submit(w, b);
}

static bool content_less(const struct sig_rec *r, uint32_t a, uint32_t b)
{
    if (r[a].h0 != r[b].h0)
        return r[a].h0 < r[b].h0;
    if (r[a].h1 != r[b].h1)
        return r[a].h1 < r[b].h1;
    if (r[a].split != r[b].split)
        return r[a].split < r[b].split;
    return a < b;
}

/* Both similarity gates first need exact copies grouped: one sort for both. Content
 * hashes are uniform, so a counting pass on the top bits leaves buckets of a few
 * records for an insertion sort. */
static void sort_by_content(struct signature_store *s)
{
    size_t n = s->n;
    unsigned bits = 4;
    while (bits < 22 && ((size_t)1 << (bits + 1)) <= n / 2)
        bits++;
    size_t n_buckets = (size_t)1 << bits;
    size_t *start = xcalloc(n_buckets + 1, sizeof(*start));
    uint32_t *v = xmalloc((n ? n : 1) * sizeof(*v));
    for (size_t i = 0; i < n; i++)
        start[(s->recs[i].h0 >> (64 - bits)) + 1]++;
    for (size_t b = 0; b < n_buckets; b++)
        start[b + 1] += start[b];
    for (size_t i = 0; i < n; i++)   /* ascending i: each bucket starts in index order */
        v[start[s->recs[i].h0 >> (64 - bits)]++] = (uint32_t)i;
    size_t lo = 0;
    for (size_t b = 0; b < n_buckets; b++) {
        size_t hi = start[b];
        for (size_t i = lo + 1; i < hi; i++) {
            uint32_t x = v[i];
            size_t j = i;
            while (j > lo && content_less(s->recs, x, v[j - 1])) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
        lo = hi;
    }
    free(start);
    s->by_content = v;
}

void signature_store_finish(struct signature_store *s)
{
    struct signature_work *w = s->work;
    if (w->n_threads) {
        struct batch *last = &w->batches[w->fill];
        if (w->filling && last->count)
            submit(w, last);
        else if (w->filling) {
            pthread_mutex_lock(&w->lock);
            last->state = BATCH_FREE;
            pthread_mutex_unlock(&w->lock);
            w->filling = false;
        }
        pthread_mutex_lock(&w->lock);
        for (size_t i = 0; i < w->n_batches; i++)
            while (w->batches[i].state == BATCH_QUEUED || w->batches[i].state == BATCH_WORKING)
                pthread_cond_wait(&w->done, &w->lock);
        w->stopping = true;
        pthread_cond_broadcast(&w->queued);
        pthread_mutex_unlock(&w->lock);
        for (unsigned i = 0; i < w->n_threads; i++)
            pthread_join(w->threads[i], NULL);
        w->n_threads = 0;
        for (size_t i = 0; i < w->n_batches; i++)
            if (w->batches[i].state == BATCH_DONE)
                collect(s, &w->batches[i]);
    }
    /* an empty store still hands out valid (empty) arrays */
    s->no_words = gate_vec_grow(&w->words_mem, s->n ? s->n : 1);
    if (!s->by_content)
        sort_by_content(s);
}

void signature_store_free(struct signature_store *s)
{
    if (!s)
        return;
    struct signature_work *w = s->work;
    if (w->n_threads)
        signature_store_finish(s);
    for (size_t i = 0; i < w->n_batches; i++) {
        free(w->batches[i].text);
        free(w->batches[i].turn_len);
    }
    free(w->batches);
    free(w->threads);
    free(s->by_content);
    if (w->n_batches) {
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->queued);
        pthread_cond_destroy(&w->done);
    }
    gate_vec_release(&w->recs_mem);
    if (w->sig_base)
        munmap(w->sig_base, w->sig_reserved);
    gate_vec_release(&w->words_mem);
    free(w);
    free(s);
}
