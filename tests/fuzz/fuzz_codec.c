/*
 * libFuzzer target: the decompressing streams (data/stream_gzip.c, data/stream_zstd.c)
 * and the LFS pointer reader (data/source_lfs.c) on damaged stored bytes. The first
 * byte picks the codec (even: gzip, odd: zstd) and the read sizes; the rest is the
 * stored file. Whatever the bytes, a read gives bytes, the end or a clean error, and
 * the stored size reported at the end is the input's.
 *
 *   build-fuzz/tests/fuzz/fuzz_codec -max_total_time=60 tests/fuzz/corpus/codec
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/source_lfs.h"
#include "data/stream_codec.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct mem {
    const uint8_t *data;
    size_t len, at, step;
};

static ssize_t mem_read(void *ctx, char *out, size_t cap)
{
    struct mem *m = ctx;
    size_t n = m->len - m->at;
    if (n > cap)
        n = cap;
    if (n > m->step)
        n = m->step;
    memcpy(out, m->data + m->at, n);
    m->at += n;
    return (ssize_t)n;
}

static void mem_close(void *ctx)
{
    (void)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t pick = data[0];
    data++;
    size--;
    struct mem m = { data, size, 0, (size_t)(pick >> 4) * 97 + 1 };
    struct byte_stream s = { mem_read, mem_close, &m, NULL };
    struct lfs_pointer p;
    if (lfs_peek(&s, &p) < 0)   /* the pointer check first, as the source does */
        abort();
    if (stream_codec_wrap(&s, pick & 1 ? CODEC_ZSTD : CODEC_GZIP, "fuzz.jsonl.gz", false) < 0)
        abort();
    static char out[1 << 16];
    size_t cap = ((size_t)(pick >> 1) & 7) * 1000 + 1;
    uint64_t total = 0;
    ssize_t n;
    /* a bomb is bounded here only by the read count: the stream itself holds nothing */
    for (int reads = 0; reads < 4096 && (n = s.read(s.ctx, out, cap)) > 0; reads++)
        total += (uint64_t)n;
    unsigned char sha[32];
    uint64_t stored = 0;
    if (s.stored(s.ctx, sha, &stored) == 1 && stored != size)
        abort();
    (void)total;
    s.close(s.ctx);
    err_clear();
    return 0;
}
