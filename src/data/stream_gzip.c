/*
 * A .gz file's stream inflated (data/stream_codec.h): zlib with the gzip header, every
 * member of a multi-member file in turn (what `cat a.gz b.gz` and parallel compressors
 * make), as `zcat` reads it.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "data/stream_codec.h"
#include "util/err.h"
#include "util/xalloc.h"

struct gzip_stream {
    struct codec_input in;   /* first: codec_input_stored takes the ctx as one */
    z_stream z;
    bool member_open;        /* inside a member: its end not yet seen */
    bool done;
};

static ssize_t gzip_read(void *ctx, char *buf, size_t cap)
{
    struct gzip_stream *g = ctx;
    if (g->done || cap == 0)
        return 0;
    if (cap > UINT32_MAX)
        cap = UINT32_MAX;
    g->z.next_out = (Bytef *)buf;
    g->z.avail_out = (uInt)cap;
    while (g->z.avail_out == cap) {
        int rc = codec_input_fill(&g->in);
        if (rc < 0)
            return rc;
        if (g->in.pos == g->in.len) {   /* the stored bytes ended */
            if (g->member_open || g->in.stored_bytes == 0)
                return codec_input_damaged(&g->in, g->in.stored_bytes ? "the file ends inside the stream (truncated?)"
                                                                     : "the file is empty, not gzip data");
            g->done = true;
            break;
        }
        if (!g->member_open) {   /* another member follows the last one */
            if (inflateReset(&g->z) != Z_OK)
                return err_set(DSCI_EINTERNAL, "%s: cannot restart the gzip decoder", g->in.shown);
            g->member_open = true;
        }
        g->z.next_in = g->in.buf + g->in.pos;
        g->z.avail_in = (uInt)(g->in.len - g->in.pos);
        int zr = inflate(&g->z, Z_NO_FLUSH);
        g->in.pos = g->in.len - g->z.avail_in;
        if (zr == Z_STREAM_END) {
            g->member_open = false;
        } else if (zr == Z_MEM_ERROR) {
            return err_set(DSCI_EENV, "%s: out of memory inflating", g->in.shown);
        } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            codec_input_count(&g->in, buf, cap - g->z.avail_out);
            return codec_input_damaged(&g->in, g->z.msg ? g->z.msg : "not gzip data");
        }
    }
    size_t n = cap - g->z.avail_out;
    codec_input_count(&g->in, buf, n);
    return (ssize_t)n;
}

static void gzip_close(void *ctx)
{
    struct gzip_stream *g = ctx;
    inflateEnd(&g->z);
    codec_input_release(&g->in);
    free(g);
}

int stream_gzip_wrap(struct byte_stream *s, const char *shown)
{
    struct gzip_stream *g = xcalloc(1, sizeof(*g));
    /* 16 + MAX_WBITS: a gzip header and trailer (CRC-32 and length checked), not zlib's */
    if (inflateInit2(&g->z, 16 + MAX_WBITS) != Z_OK) {
        free(g);
        return err_set(DSCI_EENV, "%s: cannot start the gzip decoder", shown);
    }
    codec_input_init(&g->in, s, "gzip", shown);
    g->member_open = true;
    s->read = gzip_read;
    s->close = gzip_close;
    s->ctx = g;
    s->stored = codec_input_stored;
    return 0;
}
