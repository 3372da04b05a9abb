/* util/work_ring: results come back in fill order whatever the threads do; the
 * producer works queued slots itself rather than wait; drain leaves nothing in flight. */
#include "test_helpers.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/work_ring.h"

#define SLOTS 4
#define ITEMS 300

struct ring_ctx {
    unsigned threads;
    size_t item[SLOTS];          /* what the producer put in each slot */
    size_t square[SLOTS];        /* what work() made of it */
    unsigned by[SLOTS];          /* which worker did it */
    size_t collected[ITEMS * 2];
    size_t n_collected;
    size_t by_producer;          /* items worked by the producer (worker == threads) */
    pthread_mutex_t lock;        /* guards by_producer and stolen */
    pthread_cond_t cond;
    bool stolen;                 /* the producer has worked a slot (steal test) */
    bool block_first_worker;     /* worker 0 waits in its first item until stolen */
};

static void ring_work(void *arg, size_t slot, unsigned worker)
{
    struct ring_ctx *c = arg;
    size_t item = c->item[slot];
    if (worker == c->threads) {
        pthread_mutex_lock(&c->lock);
        c->by_producer++;
        c->stolen = true;
        pthread_cond_broadcast(&c->cond);
        pthread_mutex_unlock(&c->lock);
    } else if (c->block_first_worker && worker == 0) {
        /* holds its slot until the producer has worked another: the steal must happen */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 10;
        pthread_mutex_lock(&c->lock);
        while (!c->stolen && pthread_cond_timedwait(&c->cond, &c->lock, &until) == 0)
            ;
        pthread_mutex_unlock(&c->lock);
    } else if (item % 7 == 0) {
        usleep(200);   /* some items finish late, so completion order differs from fill order */
    }
    c->square[slot] = item * item;
    c->by[slot] = worker;
}

static void ring_collect(void *arg, size_t slot)
{
    struct ring_ctx *c = arg;
    assert_int_equal(c->square[slot], c->item[slot] * c->item[slot]);
    c->collected[c->n_collected++] = c->item[slot];
}

static const struct work_ring_ops ring_ops = { ring_work, ring_collect };

static struct ring_ctx *ctx_new(unsigned threads)
{
    struct ring_ctx *c = test_calloc(1, sizeof(*c));
    c->threads = threads;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cond, NULL);
    return c;
}

static void ctx_free(struct ring_ctx *c)
{
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->cond);
    test_free(c);
}

static void produce(struct work_ring *r, struct ring_ctx *c, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        size_t slot = work_ring_fill(r);
        assert_true(slot < SLOTS);
        c->item[slot] = i;
        work_ring_submit(r);
    }
}

static void assert_in_order(const struct ring_ctx *c, size_t n)
{
    assert_int_equal(c->n_collected, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(c->collected[i], i);
}

static void test_work_ring__order_is_fill_order(void **state)
{
    (void)state;
    static const unsigned thread_counts[] = { 0, 1, 3, 8 };
    for (size_t t = 0; t < sizeof(thread_counts) / sizeof(*thread_counts); t++) {
        struct ring_ctx *c = ctx_new(thread_counts[t]);
        struct work_ring *r = work_ring_new(SLOTS, c->threads, &ring_ops, c);
        produce(r, c, 0, ITEMS);
        work_ring_finish(r);
        assert_in_order(c, ITEMS);
        work_ring_free(r);
        ctx_free(c);
    }
}

static void test_work_ring__no_threads_producer_works_all(void **state)
{
    (void)state;
    struct ring_ctx *c = ctx_new(0);
    struct work_ring *r = work_ring_new(SLOTS, 0, &ring_ops, c);
    produce(r, c, 0, 50);
    work_ring_finish(r);
    assert_in_order(c, 50);
    assert_int_equal(c->by_producer, 50);
    work_ring_free(r);
    ctx_free(c);
}

/* One worker holds its first slot until the producer works one: the producer must take
 * the queued slot itself (settle's steal) instead of waiting for the worker. */
static void test_work_ring__producer_steals_queued_slot(void **state)
{
    (void)state;
    struct ring_ctx *c = ctx_new(1);
    c->block_first_worker = true;
    struct work_ring *r = work_ring_new(2, 1, &ring_ops, c);
    produce(r, c, 0, 20);
    work_ring_finish(r);
    assert_in_order(c, 20);
    assert_true(c->stolen);
    assert_true(c->by_producer >= 1);
    work_ring_free(r);
    ctx_free(c);
}

static void test_work_ring__drain_collects_everything_submitted(void **state)
{
    (void)state;
    struct ring_ctx *c = ctx_new(2);
    struct work_ring *r = work_ring_new(SLOTS, 2, &ring_ops, c);
    produce(r, c, 0, 3);
    work_ring_drain(r);
    assert_in_order(c, 3);
    /* a slot being filled is submitted by drain */
    size_t slot = work_ring_fill(r);
    c->item[slot] = 3;
    work_ring_drain(r);
    assert_in_order(c, 4);
    /* threads go on after a drain, and order continues */
    produce(r, c, 4, 40);
    work_ring_drain(r);
    assert_in_order(c, 40);
    work_ring_drain(r);   /* nothing in flight: nothing more collected */
    assert_in_order(c, 40);
    work_ring_finish(r);
    assert_in_order(c, 40);
    work_ring_free(r);
    ctx_free(c);
}

static void test_work_ring__fill_twice_is_the_same_slot(void **state)
{
    (void)state;
    struct ring_ctx *c = ctx_new(1);
    struct work_ring *r = work_ring_new(SLOTS, 1, &ring_ops, c);
    size_t a = work_ring_fill(r), b = work_ring_fill(r);
    assert_int_equal(a, b);
    c->item[a] = 0;
    work_ring_submit(r);
    work_ring_submit(r);   /* nothing being filled: no effect */
    work_ring_finish(r);
    assert_in_order(c, 1);
    work_ring_free(r);
    ctx_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_work_ring__order_is_fill_order),
        cmocka_unit_test(test_work_ring__no_threads_producer_works_all),
        cmocka_unit_test(test_work_ring__producer_steals_queued_slot),
        cmocka_unit_test(test_work_ring__drain_collects_everything_submitted),
        cmocka_unit_test(test_work_ring__fill_twice_is_the_same_slot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
