/*
 * A recorder of yajl callback events, for holding the fast JSON path (read/json_fast.h)
 * against yajl: both parsers drive the same callbacks, each event is appended to a
 * trace with its bytes and whether they lie inside the parsed text (yajl passes an
 * unescaped string in place; the reader relies on it), and the traces must be equal.
 * Shared by tests/unit/test_json_fast.c and tests/fuzz/fuzz_json_fast.c.
 *
 *   struct json_trace a = {0}, b = {0};
 *   bool yajl_ok = json_trace_yajl(&a, text, len);
 *   bool fast_ok = json_trace_fast(&b, text, len);
 *   if (fast_ok && !(yajl_ok && json_trace_equal(&a, &b))) ...   // a bug
 *   json_trace_release(&a); ...
 */
#ifndef DSCI_TEST_JSON_TRACE_H
#define DSCI_TEST_JSON_TRACE_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "read/json_fast.h"
#include "util/arena.h"

struct json_trace {
    unsigned char *bytes;
    size_t len, alloc;
    const char *text;           /* the parsed text, to tell in-place strings */
    size_t text_len;
    size_t events;
    size_t cancel_at;           /* 0: never; n: the n-th event's callback returns 0 */
};

static inline void json_trace_put(struct json_trace *t, const void *p, size_t n)
{
    if (t->len + n > t->alloc) {
        t->alloc = (t->len + n) * 2 + 64;
        t->bytes = realloc(t->bytes, t->alloc);
        if (!t->bytes)
            abort();
    }
    if (n)
        memcpy(t->bytes + t->len, p, n);
    t->len += n;
}

static inline int json_trace_event(struct json_trace *t, char kind, const void *s, size_t n)
{
    json_trace_put(t, &kind, 1);
    if (s || kind == 's' || kind == 'k' || kind == '#') {
        const char *c = s;
        unsigned char in_place = c && t->text && c >= t->text && c + n <= t->text + t->text_len;
        json_trace_put(t, &in_place, 1);
        json_trace_put(t, &n, sizeof(n));
        json_trace_put(t, s, n);
    }
    t->events++;
    return !(t->cancel_at && t->events == t->cancel_at);
}

static inline int json_trace_null(void *ctx) { return json_trace_event(ctx, 'n', NULL, 0); }
static inline int json_trace_bool(void *ctx, int v) { return json_trace_event(ctx, v ? 'T' : 'F', NULL, 0); }
static inline int json_trace_number(void *ctx, const char *s, size_t n) { return json_trace_event(ctx, '#', s, n); }
static inline int json_trace_string(void *ctx, const unsigned char *s, size_t n) { return json_trace_event(ctx, 's', s, n); }
static inline int json_trace_key(void *ctx, const unsigned char *s, size_t n) { return json_trace_event(ctx, 'k', s, n); }
static inline int json_trace_start_map(void *ctx) { return json_trace_event(ctx, '{', NULL, 0); }
static inline int json_trace_end_map(void *ctx) { return json_trace_event(ctx, '}', NULL, 0); }
static inline int json_trace_start_array(void *ctx) { return json_trace_event(ctx, '[', NULL, 0); }
static inline int json_trace_end_array(void *ctx) { return json_trace_event(ctx, ']', NULL, 0); }

static const yajl_callbacks json_trace_callbacks = {
    json_trace_null, json_trace_bool, NULL, NULL, json_trace_number, json_trace_string,
    json_trace_start_map, json_trace_key, json_trace_end_map, json_trace_start_array,
    json_trace_end_array,
};

static inline void json_trace_begin(struct json_trace *t, const char *text, size_t len)
{
    t->len = 0;
    t->events = 0;
    t->text = text;
    t->text_len = len;
}

/* yajl as the reader runs it: one parse call over the whole record, then complete. */
static inline bool json_trace_yajl(struct json_trace *t, const char *text, size_t len)
{
    json_trace_begin(t, text, len);
    yajl_handle h = yajl_alloc(&json_trace_callbacks, NULL, t);
    yajl_status st = yajl_parse(h, (const unsigned char *)text, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    yajl_free(h);
    return st == yajl_status_ok;
}

static inline bool json_trace_fast(struct json_trace *t, const char *text, size_t len)
{
    struct arena scratch = ARENA_INIT;
    json_trace_begin(t, text, len);
    bool ok = json_fast_parse(&json_trace_callbacks, t, &scratch, text, len);
    arena_release(&scratch);
    return ok;
}

static inline bool json_trace_equal(const struct json_trace *a, const struct json_trace *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->bytes, b->bytes, a->len) == 0);
}

static inline void json_trace_release(struct json_trace *t)
{
    free(t->bytes);
    t->bytes = NULL;
    t->len = t->alloc = 0;
}

#endif
