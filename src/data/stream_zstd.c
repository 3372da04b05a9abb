/*
 * A .zst file's stream decompressed (data/stream_codec.h): libzstd's streaming API,
 * frame after frame (skippable frames skipped), as `zstdcat` reads it. The window is
 * capped at libzstd's default (128 MB), the most a decoder keeps.
 */
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "data/stream_codec.h"
#include "util/err.h"
#include "util/xalloc.h"

struct zstd_stream {
    struct codec_input in;   /* first: codec_input_stored takes the ctx as one */
    ZSTD_DStream *z;
    bool frame_open;         /* inside a frame: its end not yet seen */
    bool done;
};

static ssize_t zstd_read(void *ctx, char *buf, size_t cap)
{
    struct zstd_stream *d = ctx;
    if (d->done || cap == 0)
        return 0;
    ZSTD_outBuffer out = { buf, cap, 0 };
    while (out.pos == 0) {
        int rc = codec_input_fill(&d->in);
        if (rc < 0)
            return rc;
        if (d->in.pos == d->in.len) {
            /* a frame may still hold output once all its input is in */
            ZSTD_inBuffer none = { NULL, 0, 0 };
            size_t zr = d->frame_open ? ZSTD_decompressStream(d->z, &out, &none) : 0;
            if (ZSTD_isError(zr))
                return codec_input_damaged(&d->in, ZSTD_getErrorName(zr));
            if (out.pos)
                break;
            if (d->frame_open || d->in.stored_bytes == 0)
                return codec_input_damaged(&d->in, d->in.stored_bytes ? "the file ends inside a frame (truncated?)"
                                                                      : "the file is empty, not zstd data");
            d->done = true;
            break;
        }
        ZSTD_inBuffer zin = { d->in.buf, d->in.len, d->in.pos };
        size_t zr = ZSTD_decompressStream(d->z, &out, &zin);
        d->in.pos = zin.pos;
        if (ZSTD_isError(zr)) {
            codec_input_count(&d->in, buf, out.pos);
            return codec_input_damaged(&d->in, ZSTD_getErrorName(zr));
        }
        d->frame_open = zr != 0;   /* 0: a frame just ended (and is flushed) */
    }
    codec_input_count(&d->in, buf, out.pos);
    return (ssize_t)out.pos;
}

static void zstd_close(void *ctx)
{
    struct zstd_stream *d = ctx;
    ZSTD_freeDStream(d->z);
    codec_input_release(&d->in);
    free(d);
}

int stream_zstd_wrap(struct byte_stream *s, const char *shown)
{
    struct zstd_stream *d = xcalloc(1, sizeof(*d));
    d->z = ZSTD_createDStream();
    if (!d->z || ZSTD_isError(ZSTD_initDStream(d->z))) {
        ZSTD_freeDStream(d->z);
        free(d);
        return err_set(DSCI_EENV, "%s: cannot start the zstd decoder", shown);
    }
    codec_input_init(&d->in, s, "zstd", shown);
    s->read = zstd_read;
    s->close = zstd_close;
    s->ctx = d;
    s->stored = codec_input_stored;
    return 0;
}
