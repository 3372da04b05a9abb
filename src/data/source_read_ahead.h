/*
 * A pull stream read ahead on a thread of its own: the thread calls the stream's read
 * into a small ring of buffers while the caller works on what it already has, so a
 * source that costs CPU per byte (inflating and verifying a git blob) overlaps with
 * parsing instead of stalling it. What the caller gets is exactly what it would have
 * got reading the stream itself: the same bytes in the same order, then 0 or the same
 * error (its message carried over from the thread to the caller's err_last()). A read
 * returns what is ready, up to its cap, and waits only when nothing is (as read(2)
 * does): waiting to fill the cap would idle the caller while the thread decodes bytes
 * the caller does not need yet.
 *
 *   struct read_ahead *ra = read_ahead_start(fn, ctx);   // NULL: read fn yourself
 *   while ((n = read_ahead_read(ra, buf, cap)) > 0) ...
 *   read_ahead_stop(ra);                                  // any time; ctx is the caller's again
 *
 * fn runs on the thread only, until it returns 0 or < 0 or the caller stops: ctx must
 * not be touched meanwhile, and fn must call nothing that is not thread-safe (libgit2's
 * repository objects are not: a backend hands such work back with READ_AHEAD_HANDBACK).
 * Memory: READ_AHEAD_SLOTS x READ_AHEAD_SLOT_BYTES.
 */
#ifndef DSCI_SOURCE_READ_AHEAD_H
#define DSCI_SOURCE_READ_AHEAD_H

#include <stddef.h>
#include <sys/types.h>

/* Room for most of the next content-defined chunk (read/chunker.h: 1 MB and 4 MB more
 * on average) to be decoded while the current one is parsed; with 4 MB the reading
 * thread still waited for the decoder at most chunks. */
#define READ_AHEAD_SLOTS 8
#define READ_AHEAD_SLOT_BYTES ((size_t)1 << 20)

/* fn's "stop here, the caller goes on reading itself": read_ahead_read returns it (with
 * no message) once every byte before it is handed out; ctx is then safe to use after
 * read_ahead_stop. Not an error code (those are DSCI_E*, -2 to -4). */
#define READ_AHEAD_HANDBACK (-100)

struct read_ahead;

/* NULL when no thread could be started (nothing allocated then). */
struct read_ahead *read_ahead_start(ssize_t (*fn)(void *ctx, char *buf, size_t cap), void *ctx);
/* fn's contract: bytes put in buf, 0 at the end, < 0 an error (err_last says why). */
ssize_t read_ahead_read(struct read_ahead *ra, char *buf, size_t cap);
/* Stops the thread (waiting for its fn call in progress) and frees; accepts NULL. */
void read_ahead_stop(struct read_ahead *ra);

#endif
