/*
 * A pull stream read ahead on its own thread (see source_read_ahead.h). One producer
 * (the thread) and one consumer (the caller) around a ring of slots: the thread fills
 * the slot at `filled`, the caller empties the one at `taken`; a slot holds bytes, or
 * fn's last return (0 or an error) and ends the ring.
 */
#include "data/source_read_ahead.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/xalloc.h"

struct slot {
    char *bytes;
    size_t len, pos;
    ssize_t last;            /* > 0: bytes; 0 or < 0: fn's final return */
    int err_code;            /* fn's error, carried to the caller's thread */
    char *err_message;
};

struct read_ahead {
    ssize_t (*fn)(void *ctx, char *buf, size_t cap);
    void *ctx;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;  /* a slot filled or emptied, or stop asked */
    struct slot slots[READ_AHEAD_SLOTS];
    size_t filled, taken;    /* counters: slot i is slots[i % READ_AHEAD_SLOTS] */
    bool stop;
};

static void *produce(void *arg)
{
    struct read_ahead *ra = arg;
    for (;;) {
        pthread_mutex_lock(&ra->lock);
        while (!ra->stop && ra->filled - ra->taken == READ_AHEAD_SLOTS)
            pthread_cond_wait(&ra->changed, &ra->lock);
        bool stop = ra->stop;
        pthread_mutex_unlock(&ra->lock);
        if (stop)
            return NULL;
        /* the slot at `filled` is the thread's alone until `filled` moves past it */
        struct slot *s = &ra->slots[ra->filled % READ_AHEAD_SLOTS];
        ssize_t got = ra->fn(ra->ctx, s->bytes, READ_AHEAD_SLOT_BYTES);
        s->len = got > 0 ? (size_t)got : 0;
        s->pos = 0;
        s->last = got;
        if (got < 0 && got != READ_AHEAD_HANDBACK) {
            s->err_code = err_last_code() ? err_last_code() : (int)got;
            s->err_message = xstrdup(err_last());
        }
        pthread_mutex_lock(&ra->lock);
        ra->filled++;
        pthread_cond_broadcast(&ra->changed);
        pthread_mutex_unlock(&ra->lock);
        if (got <= 0)
            return NULL;
    }
}

struct read_ahead *read_ahead_start(ssize_t (*fn)(void *ctx, char *buf, size_t cap), void *ctx)
{
    struct read_ahead *ra = xcalloc(1, sizeof(*ra));
    ra->fn = fn;
    ra->ctx = ctx;
    for (size_t i = 0; i < READ_AHEAD_SLOTS; i++)
        ra->slots[i].bytes = xmalloc(READ_AHEAD_SLOT_BYTES);
    pthread_mutex_init(&ra->lock, NULL);
    pthread_cond_init(&ra->changed, NULL);
    if (pthread_create(&ra->thread, NULL, produce, ra) != 0) {
        pthread_cond_destroy(&ra->changed);
        pthread_mutex_destroy(&ra->lock);
        for (size_t i = 0; i < READ_AHEAD_SLOTS; i++)
            free(ra->slots[i].bytes);
        free(ra);
        return NULL;
    }
    return ra;
}

/* The slot at `taken` once the thread has filled it. */
static struct slot *next_filled(struct read_ahead *ra)
{
    pthread_mutex_lock(&ra->lock);
    while (ra->filled == ra->taken)
        pthread_cond_wait(&ra->changed, &ra->lock);
    pthread_mutex_unlock(&ra->lock);
    return &ra->slots[ra->taken % READ_AHEAD_SLOTS];
}

/* The slot at `taken` when the thread has filled it, else NULL: no waiting. */
static struct slot *filled_now(struct read_ahead *ra)
{
    pthread_mutex_lock(&ra->lock);
    bool ready = ra->filled != ra->taken;
    pthread_mutex_unlock(&ra->lock);
    return ready ? &ra->slots[ra->taken % READ_AHEAD_SLOTS] : NULL;
}

ssize_t read_ahead_read(struct read_ahead *ra, char *buf, size_t cap)
{
    size_t put = 0;
    while (put < cap) {
        /* what is ready goes out at once (source_read_ahead.h) */
        struct slot *s = put ? filled_now(ra) : next_filled(ra);
        if (!s)
            break;
        if (s->last <= 0) {
            /* the end or an error stays in its slot: every later call returns it too */
            if (put)
                break;
            if (s->last < 0 && s->err_message)
                return err_set(s->err_code, "%s", s->err_message);
            return s->last;
        }
        size_t n = s->len - s->pos < cap - put ? s->len - s->pos : cap - put;
        memcpy(buf + put, s->bytes + s->pos, n);
        s->pos += n;
        put += n;
        if (s->pos == s->len) {
            pthread_mutex_lock(&ra->lock);
            ra->taken++;
            pthread_cond_broadcast(&ra->changed);
            pthread_mutex_unlock(&ra->lock);
        }
    }
    return (ssize_t)put;
}

void read_ahead_stop(struct read_ahead *ra)
{
    if (!ra)
        return;
    pthread_mutex_lock(&ra->lock);
    ra->stop = true;
    pthread_cond_broadcast(&ra->changed);
    pthread_mutex_unlock(&ra->lock);
    pthread_join(ra->thread, NULL);
    pthread_cond_destroy(&ra->changed);
    pthread_mutex_destroy(&ra->lock);
    for (size_t i = 0; i < READ_AHEAD_SLOTS; i++) {
        free(ra->slots[i].bytes);
        free(ra->slots[i].err_message);
    }
    free(ra);
}
