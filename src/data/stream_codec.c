/*
 * What the decompressing streams share (data/stream_codec.h): choosing the codec by
 * name, the compressed input read, hashed and counted, and the messages for damage.
 */
#include "data/stream_codec.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/err.h"
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

int stream_codec_wrap(struct byte_stream *s, enum stream_codec codec, const char *shown)
{
    switch (codec) {
    case CODEC_GZIP:
        return stream_gzip_wrap(s, shown);
    case CODEC_ZSTD:
        return stream_zstd_wrap(s, shown);
    case CODEC_NONE:
        break;
    }
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
