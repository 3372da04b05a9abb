/*
 * What the decompressing streams share (data/stream_codec.h): choosing the codec by
 * name, the compressed input read, hashed and counted, and the messages for damage.
 */
#include "data/stream_codec.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "data/source_read_ahead.h"
#include "util/err.h"
#include "util/jobs.h"
#include "util/xalloc.h"

static bool ends_with_ci(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

enum stream_codec stream_codec_of(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    if (ends_with_ci(path, n, ".gz"))
        return CODEC_GZIP;
    if (ends_with_ci(path, n, ".zst"))
        return CODEC_ZSTD;
    return CODEC_NONE;
}

size_t stream_codec_stem_len(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    switch (stream_codec_of(path)) {
    case CODEC_GZIP:
        return n - 3;
    case CODEC_ZSTD:
        return n - 4;
    case CODEC_NONE:
        break;
    }
    return n;
}

/* The decoder on its own thread: decompressing costs as much CPU as parsing, and the
 * parse workers need not wait for it. */
struct ahead_stream {
    struct read_ahead *ra;
    struct byte_stream decoded;
    bool ended;              /* read gave 0: the thread is done with the decoder */
};

static ssize_t ahead_read(void *ctx, char *buf, size_t cap)
{
    struct ahead_stream *a = ctx;
    ssize_t n = read_ahead_read(a->ra, buf, cap);
    a->ended |= n == 0;
    return n;
}

static void ahead_close(void *ctx)
{
    struct ahead_stream *a = ctx;
    read_ahead_stop(a->ra);   /* first: the thread may be in the decoder */
    a->decoded.close(a->decoded.ctx);
    free(a);
}

/* Known once read() gave 0; before, the decoder is the thread's. */
static int ahead_stored(void *ctx, unsigned char sha256[32], uint64_t *bytes)
{
    struct ahead_stream *a = ctx;
    return a->ended ? a->decoded.stored(a->decoded.ctx, sha256, bytes) : 0;
}

int stream_codec_wrap(struct byte_stream *s, enum stream_codec codec, const char *shown, bool own_thread)
{
    int rc = 0;
    switch (codec) {
    case CODEC_GZIP:
        rc = stream_gzip_wrap(s, shown);
        break;
    case CODEC_ZSTD:
        rc = stream_zstd_wrap(s, shown);
        break;
    case CODEC_NONE:
        return 0;
    }
    if (rc < 0 || !own_thread || jobs_count() < 2)
        return rc;
    struct read_ahead *ra = read_ahead_start(s->read, s->ctx);
    if (!ra)
        return 0;   /* no thread: decoded here */
    struct ahead_stream *a = xmalloc(sizeof(*a));
    a->ra = ra;
    a->decoded = *s;
    a->ended = false;
    s->read = ahead_read;
    s->close = ahead_close;
    s->ctx = a;
    s->stored = ahead_stored;
    return 0;
}

void codec_input_init(struct codec_input *in, const struct byte_stream *inner, const char *name, const char *shown)
{
    memset(in, 0, sizeof(*in));
    in->inner = *inner;
    in->name = name;
    in->shown = xstrdup(shown);
    in->buf = xmalloc(CODEC_IN_BYTES);
    sha256_init(&in->sha);
}

void codec_input_release(struct codec_input *in)
{
    if (!in->eof) {   /* closed early: the hash is released all the same */
        unsigned char discard[32];
        sha256_final(&in->sha, discard);
    }
    in->inner.close(in->inner.ctx);
    free(in->shown);
    free(in->buf);
}

int codec_input_fill(struct codec_input *in)
{
    if (in->pos < in->len || in->eof)
        return 0;
    ssize_t n = in->inner.read(in->inner.ctx, (char *)in->buf, CODEC_IN_BYTES);
    if (n < 0)
        return (int)n;
    in->pos = 0;
    in->len = (size_t)n;
    if (n == 0) {
        in->eof = true;
        sha256_final(&in->sha, in->digest);
        return 0;
    }
    sha256_update(&in->sha, in->buf, (size_t)n);
    in->stored_bytes += (uint64_t)n;
    return 0;
}

void codec_input_count(struct codec_input *in, const char *out, size_t n)
{
    const char *end = out + n;
    while ((out = memchr(out, '\n', (size_t)(end - out))) != NULL) {
        in->lines++;
        out++;
    }
}

int codec_input_damaged(const struct codec_input *in, const char *why)
{
    return err_set(DSCI_EENV, "%s: damaged %s data at line %llu (of the decompressed text): %s", in->shown,
                   in->name, (unsigned long long)in->lines + 1, why);
}

int codec_input_stored(void *ctx, unsigned char sha256[32], uint64_t *bytes)
{
    struct codec_input *in = ctx;
    if (!in->eof)
        return 0;
    memcpy(sha256, in->digest, 32);
    *bytes = in->stored_bytes;
    return 1;
}
