#include "util/work_ring.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "util/xalloc.h"

enum slot_state { SLOT_FREE, SLOT_FILLING, SLOT_QUEUED, SLOT_WORKING, SLOT_DONE };

struct work_ring {
    struct work_ring_ops ops;
    void *ctx;
    enum slot_state *state;
    size_t n_slots;
    size_t fill;            /* the slot the producer fills, or fills next */
    bool filling;           /* state[fill] is SLOT_FILLING (producer only) */
    size_t next_work;       /* the oldest queued slot, when any is */
    bool stopping;
    unsigned requested;     /* the producer's worker index */
    unsigned n_threads;
    pthread_t *threads;
    struct worker_arg {
        struct work_ring *ring;
        unsigned index;
    } *args;
    pthread_mutex_t lock;
    pthread_cond_t queued, done;
};

/* Takes the oldest queued slot, works it with the lock released, marks it done. Called
 * and returns with the lock held. */
static void work_one(struct work_ring *r, unsigned worker)
{
    size_t slot = r->next_work;
    r->state[slot] = SLOT_WORKING;
    r->next_work = (r->next_work + 1) % r->n_slots;
    pthread_mutex_unlock(&r->lock);
    r->ops.work(r->ctx, slot, worker);
    pthread_mutex_lock(&r->lock);
    r->state[slot] = SLOT_DONE;
    pthread_cond_broadcast(&r->done);
}

static void *worker_main(void *arg)
{
    struct worker_arg *a = arg;
    struct work_ring *r = a->ring;
    pthread_mutex_lock(&r->lock);
    for (;;) {
        while (r->state[r->next_work] != SLOT_QUEUED && !r->stopping)
            pthread_cond_wait(&r->queued, &r->lock);
        if (r->state[r->next_work] != SLOT_QUEUED)
            break;
        work_one(r, a->index);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

struct work_ring *work_ring_new(size_t slots, unsigned threads, const struct work_ring_ops *ops, void *ctx)
{
    struct work_ring *r = xcalloc(1, sizeof(*r));
    r->ops = *ops;
    r->ctx = ctx;
    r->n_slots = slots < 2 ? 2 : slots;
    r->state = xcalloc(r->n_slots, sizeof(*r->state));
    r->requested = threads;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->queued, NULL);
    pthread_cond_init(&r->done, NULL);
    r->threads = xcalloc(threads ? threads : 1, sizeof(*r->threads));
    r->args = xcalloc(threads ? threads : 1, sizeof(*r->args));
    for (unsigned i = 0; i < threads; i++) {
        r->args[i].ring = r;
        r->args[i].index = i;
        if (pthread_create(&r->threads[i], NULL, worker_main, &r->args[i]) != 0)
            break;
        r->n_threads++;
    }
    return r;
}

/* Waits until `slot` is not in anyone's hands, working queued slots meanwhile, and
 * collects it when it holds results. */
static void settle(struct work_ring *r, size_t slot)
{
    pthread_mutex_lock(&r->lock);
    while (r->state[slot] == SLOT_QUEUED || r->state[slot] == SLOT_WORKING) {
        if (r->state[r->next_work] == SLOT_QUEUED)
            work_one(r, r->requested);
        else
            pthread_cond_wait(&r->done, &r->lock);
    }
    bool done = r->state[slot] == SLOT_DONE;
    pthread_mutex_unlock(&r->lock);
    if (done)
        r->ops.collect(r->ctx, slot);
    pthread_mutex_lock(&r->lock);
    r->state[slot] = SLOT_FREE;
    pthread_mutex_unlock(&r->lock);
}

size_t work_ring_fill(struct work_ring *r)
{
    if (r->filling)
        return r->fill;
    settle(r, r->fill);   /* the oldest slot: its results go first */
    pthread_mutex_lock(&r->lock);
    r->state[r->fill] = SLOT_FILLING;
    pthread_mutex_unlock(&r->lock);
    r->filling = true;
    return r->fill;
}

void work_ring_submit(struct work_ring *r)
{
    if (!r->filling)
        return;
    pthread_mutex_lock(&r->lock);
    r->state[r->fill] = SLOT_QUEUED;
    pthread_cond_signal(&r->queued);
    pthread_mutex_unlock(&r->lock);
    r->fill = (r->fill + 1) % r->n_slots;
    r->filling = false;
}

void work_ring_drain(struct work_ring *r)
{
    work_ring_submit(r);
    for (size_t k = 0; k < r->n_slots; k++)   /* from the oldest on */
        settle(r, (r->fill + k) % r->n_slots);
}

void work_ring_finish(struct work_ring *r)
{
    work_ring_drain(r);
    pthread_mutex_lock(&r->lock);
    r->stopping = true;
    pthread_cond_broadcast(&r->queued);
    pthread_mutex_unlock(&r->lock);
    for (unsigned i = 0; i < r->n_threads; i++)
        pthread_join(r->threads[i], NULL);
    r->n_threads = 0;
}

void work_ring_free(struct work_ring *r)
{
    if (!r)
        return;
    if (r->n_threads)
        work_ring_finish(r);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->queued);
    pthread_cond_destroy(&r->done);
    free(r->threads);
    free(r->args);
    free(r->state);
    free(r);
}
