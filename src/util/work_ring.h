/*
 * An ordered ring of work slots between one producer thread and worker threads: the
 * producer fills slots in ring order, workers process them in that order (and so does
 * the producer, rather than wait, when the workers are behind), and the producer takes
 * each slot's results back in fill order before filling it again. So results come back
 * in order however many threads there are, and a few slots bound the work in flight.
 * The reader parses chunks of lines with it; the signature store signs batches.
 *
 *   struct work_ring_ops ops = { work, collect };
 *   struct work_ring *r = work_ring_new(slots, threads, &ops, ctx);
 *   size_t i = work_ring_fill(r);   // the slot being filled (the previous round's
 *   ...fill slot i...               //  results in it went to collect() first)
 *   work_ring_submit(r);            // slot i is ready for work
 *   work_ring_drain(r);             // (when needed) all submitted work done and collected
 *   work_ring_finish(r);            // the rest: worked, collected in order; threads stopped
 *   work_ring_free(r);
 */
#ifndef DSCI_WORK_RING_H
#define DSCI_WORK_RING_H

#include <stddef.h>

struct work_ring_ops {
    /* Any thread; `worker` is 0..threads-1 for a worker thread and `threads` for the
     * producer, so per-worker state can be indexed by it. */
    void (*work)(void *ctx, size_t slot, unsigned worker);
    /* The producer, in fill order, once the slot's work is done. */
    void (*collect)(void *ctx, size_t slot);
};

struct work_ring;

/* Starts up to `threads` threads; fewer (even none) when the system refuses: the
 * producer then does the work. */
struct work_ring *work_ring_new(size_t slots, unsigned threads, const struct work_ring_ops *ops, void *ctx);
size_t work_ring_fill(struct work_ring *r);
void work_ring_submit(struct work_ring *r);
/* Submits the slot being filled, if any, and returns once every slot's work is done and
 * collected: no thread touches the slots' data until the next submit. Threads go on. */
void work_ring_drain(struct work_ring *r);
void work_ring_finish(struct work_ring *r);
void work_ring_free(struct work_ring *r);

#endif
