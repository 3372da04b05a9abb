/*
 * A growable byte buffer with an optional hard cap, so that a hostile 10 GB line
 * becomes a clean error instead of an allocation failure.
 *
 *   struct buf b = BUF_INIT;
 *   b.max = 64 << 20;
 *   if (buf_add(&b, data, n) < 0) ... cap exceeded, b unchanged ...
 *   buf_release(&b);
 *
 * ptr is always NUL-terminated once anything was added (len excludes the NUL).
 */
#ifndef DSCI_BUF_H
#define DSCI_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
    char *ptr;
    size_t len, alloc;
    size_t max; /* largest len allowed; SIZE_MAX for none */
};

#define BUF_INIT { NULL, 0, 0, SIZE_MAX }

/* Make room for `extra` more bytes; -1 (and nothing changed) when it would pass max. */
int buf_grow(struct buf *b, size_t extra);
int buf_add(struct buf *b, const void *data, size_t n);
int buf_addstr(struct buf *b, const char *s);
int buf_addch(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
void buf_release(struct buf *b);
/* Hands the bytes to the caller (free() them); the buffer is left empty. */
char *buf_detach(struct buf *b, size_t *len_out);
/* Always returns a NUL-terminated string, "" for an empty buffer. */
const char *buf_cstr(struct buf *b);

#endif
