/*
 * A stream read ahead on a thread hands out exactly what reading it in place would:
 * the same bytes in the same order, then the end or the same error and message; a read
 * returns what is ready without waiting for the rest of its cap; a hand-back stops it
 * where it was; stopping early is safe.
 */
#include "test_helpers.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "data/source_read_ahead.h"
#include "util/err.h"

/* A source of pattern bytes in reads of odd sizes; it may end in an error or a hand-back. */
struct fake {
    size_t size, at, calls;
    int end_with;            /* 0: the end; DSCI_EENV: an error; READ_AHEAD_HANDBACK */
};

static unsigned char byte_at(size_t i)
{
    return (unsigned char)((i * 2654435761u) >> 13);
}

static ssize_t fake_read(void *ctx, char *buf, size_t cap)
{
    struct fake *f = ctx;
    f->calls++;
    if (f->at == f->size) {
        if (f->end_with == DSCI_EENV)
            return err_set(DSCI_EENV, "data/x.jsonl: git object 1234 is damaged (at byte %zu)", f->at);
        return f->end_with;
    }
    size_t n = 1 + (f->calls * 7919) % 300000;   /* short reads too: the consumer must fill */
    if (n > cap)
        n = cap;
    if (n > f->size - f->at)
        n = f->size - f->at;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)byte_at(f->at + i);
    f->at += n;
    return (ssize_t)n;
}

/* Reads everything through a read-ahead with reads of `cap`: bytes checked, last return. */
static ssize_t drain(struct fake *f, size_t cap, size_t *total)
{
    struct read_ahead *ra = read_ahead_start(fake_read, f);
    assert_non_null(ra);
    char *buf = malloc(cap);
    ssize_t got;
    *total = 0;
    while ((got = read_ahead_read(ra, buf, cap)) > 0) {
        for (ssize_t i = 0; i < got; i++)
            assert_int_equal((unsigned char)buf[i], byte_at(*total + (size_t)i));
        assert_true((size_t)got <= cap);
        *total += (size_t)got;
    }
    /* the end, or the error, stays: a second call says it again */
    ssize_t again = read_ahead_read(ra, buf, cap);
    assert_int_equal(again, got);
    read_ahead_stop(ra);
    free(buf);
    return got;
}

static void test_read_ahead__same_bytes_any_cap(void **state)
{
    (void)state;
    size_t sizes[] = { 0, 1, READ_AHEAD_SLOT_BYTES - 1, READ_AHEAD_SLOT_BYTES, 9 * READ_AHEAD_SLOT_BYTES + 17 };
    size_t caps[] = { 1 << 20, 3, 65536, (3 << 20) + 5 };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
            if (caps[k] < 4096 && sizes[i] > (1 << 21))
                continue;   /* byte-sized reads of megabytes: slow, and nothing new */
            struct fake f = { .size = sizes[i] };
            size_t total;
            assert_int_equal(drain(&f, caps[k], &total), 0);
            assert_int_equal(total, sizes[i]);
        }
}

static void test_read_ahead__error_after_the_bytes_before_it(void **state)
{
    (void)state;
    struct fake f = { .size = 5 * READ_AHEAD_SLOT_BYTES + 3, .end_with = DSCI_EENV };
    size_t total;
    err_clear();
    assert_int_equal(drain(&f, 65536, &total), DSCI_EENV);
    assert_int_equal(total, f.size);
    /* the thread's message, on this thread */
    assert_non_null(strstr(err_last(), "is damaged (at byte"));
    assert_int_equal(err_last_code(), DSCI_EENV);
}

static void test_read_ahead__hand_back(void **state)
{
    (void)state;
    struct fake f = { .size = 2 * READ_AHEAD_SLOT_BYTES + 100, .end_with = READ_AHEAD_HANDBACK };
    size_t total;
    err_clear();
    assert_int_equal(drain(&f, 1 << 20, &total), READ_AHEAD_HANDBACK);
    assert_int_equal(total, f.size);
    assert_string_equal(err_last(), "");
    /* the caller goes on in place from where the thread stopped */
    assert_int_equal(f.at, f.size);
}

/* A source that gives one slot's worth, then holds the rest back until let go. */
struct held {
    pthread_mutex_t lock;
    pthread_cond_t go;
    bool released;
    size_t given;
};

static ssize_t held_read(void *ctx, char *buf, size_t cap)
{
    struct held *h = ctx;
    if (h->given == READ_AHEAD_SLOT_BYTES) {
        pthread_mutex_lock(&h->lock);
        while (!h->released)
            pthread_cond_wait(&h->go, &h->lock);
        pthread_mutex_unlock(&h->lock);
        return 0;
    }
    size_t n = READ_AHEAD_SLOT_BYTES - h->given < cap ? READ_AHEAD_SLOT_BYTES - h->given : cap;
    memset(buf, 'x', n);
    h->given += n;
    return (ssize_t)n;
}

/* The caller gets the bytes there are while the thread is still busy with the next: a
 * read that waited for its whole cap would hang here. */
static void test_read_ahead__ready_bytes_without_waiting(void **state)
{
    (void)state;
    struct held h = { .lock = PTHREAD_MUTEX_INITIALIZER, .go = PTHREAD_COND_INITIALIZER };
    struct read_ahead *ra = read_ahead_start(held_read, &h);
    assert_non_null(ra);
    size_t cap = 4 * READ_AHEAD_SLOT_BYTES, total = 0;
    char *buf = malloc(cap);
    while (total < READ_AHEAD_SLOT_BYTES) {
        ssize_t got = read_ahead_read(ra, buf, cap);
        assert_true(got > 0);
        total += (size_t)got;
    }
    assert_int_equal(total, READ_AHEAD_SLOT_BYTES);
    pthread_mutex_lock(&h.lock);
    h.released = true;
    pthread_cond_signal(&h.go);
    pthread_mutex_unlock(&h.lock);
    assert_int_equal(read_ahead_read(ra, buf, cap), 0);
    read_ahead_stop(ra);
    free(buf);
}

static void test_read_ahead__stop_early(void **state)
{
    (void)state;
    for (size_t reads = 0; reads < 4; reads++) {
        struct fake f = { .size = 64 * READ_AHEAD_SLOT_BYTES };
        struct read_ahead *ra = read_ahead_start(fake_read, &f);
        assert_non_null(ra);
        char buf[4096];
        for (size_t r = 0; r < reads; r++)
            assert_true(read_ahead_read(ra, buf, sizeof(buf)) > 0);
        read_ahead_stop(ra);
        /* bounded: the thread stopped with the ring full, not at the end */
        assert_true(f.at <= (READ_AHEAD_SLOTS + 2) * READ_AHEAD_SLOT_BYTES);
    }
    read_ahead_stop(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_ahead__same_bytes_any_cap),
        cmocka_unit_test(test_read_ahead__error_after_the_bytes_before_it),
        cmocka_unit_test(test_read_ahead__hand_back),
        cmocka_unit_test(test_read_ahead__ready_bytes_without_waiting),
        cmocka_unit_test(test_read_ahead__stop_early),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
