/*
 * Content-defined cutting (read/chunker.h). A line ends a chunk when a hash of its bytes
 * falls under a threshold proportional to its length, so cuts come every
 * CHUNK_AVG_BYTES on average whatever the lines' lengths, and where they fall depends
 * on the lines alone. Past CHUNK_MAX_BYTES the chunk ends at the last whole line.
 */
#include "read/chunker.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/xalloc.h"

#define CHUNK_READ ((size_t)1 << 20)

void chunker_init(struct chunker *c, const struct byte_stream *in, size_t max_line_bytes, size_t avg_bytes, bool hash)
{
    memset(c, 0, sizeof(*c));
    c->in = in;
    c->max_line = max_line_bytes;
    c->avg_bytes = avg_bytes < 64 ? 64 : avg_bytes;
    c->min_bytes = c->avg_bytes / 4;
    c->max_bytes = c->avg_bytes * 4;
    c->hash = hash;
    if (hash)
        sha256_init(&c->sha);
}

/* A 64-bit hash of a line's length and its first and last 32 bytes: enough to make cut
 * points depend on the content (records differ in both), at a cost that does not grow
 * with the line, since the reading thread pays it for every line. */
static uint64_t line_hash(const char *s, size_t len)
{
    const uint64_t k = 0x9E3779B97F4A7C15ull;
    uint64_t h = (len + 1) * k;
    size_t head = len < 32 ? len : 32;
    size_t tail_from = len > 64 ? len - 32 : head;
    for (size_t part = 0; part < 2; part++) {
        size_t from = part ? tail_from : 0, to = part ? len : head;
        for (size_t i = from; i < to; i += 8) {
            uint64_t w = 0;
            memcpy(&w, s + i, to - i < 8 ? to - i : 8);
            h = (h ^ w) * k;
            h ^= h >> 29;
        }
    }
    h ^= h >> 32;
    return h * k;
}

static bool line_ends_chunk(const char *s, size_t len, size_t avg_bytes)
{
    /* P(cut) = (len + 1) / avg_bytes: on average one cut per avg_bytes bytes */
    uint64_t threshold = ((uint64_t)(len + 1) << 32) / avg_bytes;
    return (line_hash(s, len) >> 32) < threshold;
}

static int fill(struct chunker *c)
{
    if (c->eof)
        return 0;
    if (c->cap - c->len < CHUNK_READ) {
        size_t cap = c->cap ? c->cap : c->max_bytes / 2 + CHUNK_READ;
        while (cap - c->len < CHUNK_READ)
            cap *= 2;
        c->buf = xrealloc(c->buf, cap);
        c->cap = cap;
    }
    ssize_t n = c->in->read(c->in->ctx, c->buf + c->len, c->cap - c->len);
    if (n < 0)
        return (int)n;
    if (n == 0) {
        c->eof = true;
        return 0;
    }
    if (c->hash)
        sha256_update(&c->sha, c->buf + c->len, (size_t)n);
    c->len += (size_t)n;
    c->bytes += (uint64_t)n;
    return 0;
}

static void drop_handed(struct chunker *c)
{
    if (!c->handed)
        return;
    memmove(c->buf, c->buf + c->handed, c->len - c->handed);
    c->len -= c->handed;
    c->scanned -= c->handed;
    c->handed = 0;
}

int chunker_peek(struct chunker *c, size_t want, const char **data, size_t *len)
{
    drop_handed(c);
    int rc;
    while (c->len < want && !c->eof)
        if ((rc = fill(c)) < 0)
            return rc;
    *data = c->buf;
    *len = c->len;
    return 0;
}

int chunker_next(struct chunker *c, const char **data, size_t *len)
{
    drop_handed(c);
    for (;;) {
        char *nl;
        while (c->scanned < c->len && (nl = memchr(c->buf + c->scanned, '\n', c->len - c->scanned)) != NULL) {
            size_t start = c->scanned;
            size_t end = (size_t)(nl - c->buf) + 1;
            c->scanned = end;
            c->scanned_lines++;
            if (end - start - 1 > c->max_line)
                return CHUNKER_LONG_LINE;   /* the reader reports it, and drops its bytes as they come */
            if ((end >= c->min_bytes && line_ends_chunk(c->buf + start, end - start - 1, c->avg_bytes)) ||
                end >= c->max_bytes) {
                c->handed = end;
                c->chunk_lines = c->scanned_lines;
                c->scanned_lines = 0;
                *data = c->buf;
                *len = end;
                return CHUNKER_CHUNK;
            }
        }
        if (c->len - c->scanned > c->max_line)
            return CHUNKER_LONG_LINE;
        if (c->eof) {
            if (!c->len)
                return CHUNKER_END;
            c->handed = c->len;
            c->chunk_lines = c->scanned_lines + (c->len > c->scanned);
            c->scanned_lines = 0;
            c->scanned = c->len;
            *data = c->buf;
            *len = c->len;
            return CHUNKER_CHUNK;
        }
        int rc = fill(c);
        if (rc < 0)
            return rc;
    }
}

static ssize_t rest_read(void *ctx, char *out, size_t cap)
{
    struct chunker *c = ctx;
    if (c->rest_pos < c->len) {
        size_t n = c->len - c->rest_pos < cap ? c->len - c->rest_pos : cap;
        memcpy(out, c->buf + c->rest_pos, n);
        c->rest_pos += n;
        return (ssize_t)n;
    }
    if (c->eof)
        return 0;
    ssize_t n = c->in->read(c->in->ctx, out, cap);
    if (n > 0) {
        if (c->hash)
            sha256_update(&c->sha, out, (size_t)n);
        c->bytes += (uint64_t)n;
    } else if (n == 0) {
        c->eof = true;
    }
    return n;
}

static void rest_close(void *ctx)
{
    (void)ctx;
}

void chunker_rest(struct chunker *c, struct byte_stream *out)
{
    drop_handed(c);
    c->rest_pos = 0;
    out->read = rest_read;
    out->close = rest_close;
    out->ctx = c;
}

void chunker_sha256(struct chunker *c, unsigned char out[32])
{
    if (!c->hash) {
        memset(out, 0, 32);
        return;
    }
    sha256_final(&c->sha, out);
    c->hash = false;
}

void chunker_release(struct chunker *c)
{
    unsigned char discard[32];
    if (c->hash)
        sha256_final(&c->sha, discard);
    free(c->buf);
    memset(c, 0, sizeof(*c));
}
