/* The decompressing streams (data/stream_gzip.c, data/stream_zstd.c) and the LFS pointer
 * reading (data/source_lfs.c): the same text whatever the read sizes, every member or
 * frame, the stored bytes' checksum, damage reported at the line it broke in. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>
#include <zstd.h>

#include "data/source_lfs.h"
#include "data/stream_codec.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sha256.h"
#include "util/xalloc.h"

struct mem {
    const unsigned char *data;
    size_t len, at, step;
    int *closed;
};

static ssize_t mem_read(void *ctx, char *out, size_t cap)
{
    struct mem *m = ctx;
    size_t n = m->len - m->at;
    if (n > cap)
        n = cap;
    if (m->step && n > m->step)
        n = m->step;
    memcpy(out, m->data + m->at, n);
    m->at += n;
    return (ssize_t)n;
}

static void mem_close(void *ctx)
{
    struct mem *m = ctx;
    if (m->closed)
        (*m->closed)++;
}

/* n lines of varying length, deterministic */
static char *make_text(size_t n, size_t *len)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        buf_printf(&b, "{\"line\": %zu, \"text\": \"", i + 1);
        for (size_t k = 0; k < (i * 7919) % 97; k++)
            buf_addch(&b, (char)('a' + (i + k) % 26));
        buf_addstr(&b, "\"}\n");
    }
    *len = b.len;
    return b.ptr;
}

static unsigned char *gzip_of(const char *text, size_t len, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, (uLong)len) + 64;
    unsigned char *out = xmalloc(cap);
    z.next_in = (Bytef *)text;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_len = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

static unsigned char *zstd_of(const char *text, size_t len, size_t *out_len)
{
    size_t cap = ZSTD_compressBound(len);
    unsigned char *out = xmalloc(cap);
    *out_len = ZSTD_compress(out, cap, text, len, 3);
    assert_false(ZSTD_isError(*out_len));
    return out;
}

/* Reads the whole stream in reads of at most `cap` bytes: 0 or the error code. */
static int drain(struct byte_stream *s, size_t cap, struct buf *out)
{
    char *tmp = xmalloc(cap);
    ssize_t n;
    while ((n = s->read(s->ctx, tmp, cap)) > 0)
        buf_add(out, tmp, (size_t)n);
    free(tmp);
    return n < 0 ? (int)n : 0;
}

static void check_stream(enum stream_codec codec, const unsigned char *stored, size_t stored_len, const char *text,
                         size_t text_len)
{
    static const size_t steps[] = { 0, 1, 7, 4096 };
    static const size_t caps[] = { 1, 13, 65536 };
    unsigned char want[32];
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, stored, stored_len);
    sha256_final(&h, want);
    for (size_t i = 0; i < sizeof(steps) / sizeof(*steps); i++)
        for (size_t j = 0; j < 2 * sizeof(caps) / sizeof(*caps); j++) {
            bool own_thread = j % 2;   /* decoded here, or ahead on a thread */
            int closed = 0;
            struct mem m = { stored, stored_len, 0, steps[i], &closed };
            struct byte_stream s = { mem_read, mem_close, &m, NULL };
            assert_int_equal(stream_codec_wrap(&s, codec, "data/a.jsonl.x", own_thread), 0);
            struct buf out = BUF_INIT;
            unsigned char sha[32];
            uint64_t bytes = 0;
            assert_int_equal(s.stored(s.ctx, sha, &bytes), 0);   /* not known before the end */
            assert_int_equal(drain(&s, caps[j / 2], &out), 0);
            assert_int_equal(out.len, text_len);
            assert_memory_equal(out.ptr, text, text_len);
            assert_int_equal(s.stored(s.ctx, sha, &bytes), 1);
            assert_int_equal(bytes, stored_len);
            assert_memory_equal(sha, want, 32);
            s.close(s.ctx);
            assert_int_equal(closed, 1);
            buf_release(&out);
        }
}

static void test_codec_of_names(void **state)
{
    (void)state;
    assert_int_equal(stream_codec_of("data/a.jsonl.gz"), CODEC_GZIP);
    assert_int_equal(stream_codec_of("data/a.JSON.GZ"), CODEC_GZIP);
    assert_int_equal(stream_codec_of("a.jsonl.zst"), CODEC_ZSTD);
    assert_int_equal(stream_codec_of("a.jsonl"), CODEC_NONE);
    assert_int_equal(stream_codec_of("gz"), CODEC_NONE);
    assert_int_equal(stream_codec_of(NULL), CODEC_NONE);
    assert_int_equal(stream_codec_stem_len("a.jsonl.gz"), 7);
    assert_int_equal(stream_codec_stem_len("a.jsonl.zst"), 7);
    assert_int_equal(stream_codec_stem_len("a.jsonl"), 7);
}

static void test_gzip_and_zstd_any_read_size(void **state)
{
    (void)state;
    size_t len, glen, zlen;
    char *text = make_text(3000, &len);
    unsigned char *g = gzip_of(text, len, &glen);
    unsigned char *z = zstd_of(text, len, &zlen);
    check_stream(CODEC_GZIP, g, glen, text, len);
    check_stream(CODEC_ZSTD, z, zlen, text, len);
    free(g);
    free(z);
    free(text);
}

/* Several members (concatenated .gz files) and several frames are one text. */
static void test_members_and_frames(void **state)
{
    (void)state;
    size_t len, l1, l2;
    char *text = make_text(500, &len);
    size_t half = 0;
    for (size_t i = 0; i < 250; i++)
        half = (size_t)((char *)memchr(text + half, '\n', len - half) - text) + 1;
    for (int codec = CODEC_GZIP; codec <= CODEC_ZSTD; codec++) {
        unsigned char *a = codec == CODEC_GZIP ? gzip_of(text, half, &l1) : zstd_of(text, half, &l1);
        unsigned char *b = codec == CODEC_GZIP ? gzip_of(text + half, len - half, &l2)
                                               : zstd_of(text + half, len - half, &l2);
        unsigned char *both = xmalloc(l1 + l2);
        memcpy(both, a, l1);
        memcpy(both + l1, b, l2);
        check_stream((enum stream_codec)codec, both, l1 + l2, text, len);
        free(a);
        free(b);
        free(both);
    }
    free(text);
}

/* The error names the file and the line the decompressed text had reached. */
static void expect_damage(enum stream_codec codec, const unsigned char *stored, size_t len, const char *want)
{
    for (int own_thread = 0; own_thread < 2; own_thread++) {   /* the message crosses threads */
        struct mem m = { stored, len, 0, 0, NULL };
        struct byte_stream s = { mem_read, mem_close, &m, NULL };
        assert_int_equal(stream_codec_wrap(&s, codec, "data/a.jsonl.gz", own_thread), 0);
        struct buf out = BUF_INIT;
        assert_int_equal(drain(&s, 4096, &out), DSCI_EENV);
        if (!strstr(err_last(), want))
            fail_msg("'%s' lacks '%s'", err_last(), want);
        s.close(s.ctx);
        buf_release(&out);
    }
}

static void test_damage_at_its_line(void **state)
{
    (void)state;
    size_t len, glen, zlen;
    char *text = make_text(3000, &len);
    unsigned char *g = gzip_of(text, len, &glen);
    unsigned char *z = zstd_of(text, len, &zlen);
    char want[128];
    for (int codec = CODEC_GZIP; codec <= CODEC_ZSTD; codec++) {
        const unsigned char *c = codec == CODEC_GZIP ? g : z;
        size_t clen = codec == CODEC_GZIP ? glen : zlen;
        /* truncated: the line after the last whole one that came out */
        size_t cut = clen / 2;
        struct mem m = { c, cut, 0, 0, NULL };
        struct byte_stream s = { mem_read, mem_close, &m, NULL };
        assert_int_equal(stream_codec_wrap(&s, (enum stream_codec)codec, "x", false), 0);
        struct buf out = BUF_INIT;
        assert_true(drain(&s, 4096, &out) < 0);
        size_t lines = 0;
        for (size_t i = 0; i < out.len; i++)
            lines += out.ptr[i] == '\n';
        s.close(s.ctx);
        buf_release(&out);
        snprintf(want, sizeof(want), "data/a.jsonl.gz: damaged %s data at line %zu ",
                 codec == CODEC_GZIP ? "gzip" : "zstd", lines + 1);
        expect_damage((enum stream_codec)codec, c, cut, want);
        expect_damage((enum stream_codec)codec, c, cut, "truncated");
        /* not compressed at all */
        expect_damage((enum stream_codec)codec, (const unsigned char *)text, len, "at line 1 ");
        /* empty */
        expect_damage((enum stream_codec)codec, (const unsigned char *)"", 0, "empty");
    }
    /* a flipped checksum byte at the end of a gzip member */
    unsigned char *bad = xmalloc(glen);
    memcpy(bad, g, glen);
    bad[glen - 6] ^= 0xFF;
    expect_damage(CODEC_GZIP, bad, glen, "incorrect data check");
    free(bad);
    free(g);
    free(z);
    free(text);
}

/* A small file that inflates to much more comes out in pieces: nothing holds it whole. */
static void test_bomb_streams(void **state)
{
    (void)state;
    size_t big = (size_t)64 << 20, glen;
    char *text = xmalloc(big);
    memset(text, '\n', big);
    unsigned char *g = gzip_of(text, big, &glen);
    free(text);
    assert_true(glen < big / 500);
    struct mem m = { g, glen, 0, 0, NULL };
    struct byte_stream s = { mem_read, mem_close, &m, NULL };
    assert_int_equal(stream_codec_wrap(&s, CODEC_GZIP, "bomb.jsonl.gz", true), 0);
    char piece[65536];
    size_t total = 0;
    ssize_t n;
    while ((n = s.read(s.ctx, piece, sizeof(piece))) > 0)
        total += (size_t)n;
    assert_int_equal(n, 0);
    assert_int_equal(total, big);
    s.close(s.ctx);
    free(g);
}

static void test_lfs_pointer_parse(void **state)
{
    (void)state;
    const char *ok = "version https://git-lfs.github.com/spec/v1\n"
                     "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
                     "size 12345\n";
    struct lfs_pointer p;
    assert_int_equal(lfs_pointer_parse(ok, strlen(ok), &p), 1);
    assert_string_equal(p.oid, "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393");
    assert_int_equal(p.size, 12345);
    const char *ext = "version https://git-lfs.github.com/spec/v1\n"
                      "ext-0-foo sha256:0000000000000000000000000000000000000000000000000000000000000000\n"
                      "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
                      "size 0";
    assert_int_equal(lfs_pointer_parse(ext, strlen(ext), &p), 1);
    assert_int_equal(p.size, 0);
    const char *bad[] = {
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 1\n",
        "version https://git-lfs.github.com/spec/v1\n"
        "oid sha256:4D7A214614AB2935C943F9E0FF69D22EADBB8F32B1258DAAA5E2CA24D17E2393\nsize 1\n",
        "version https://git-lfs.github.com/spec/v1\n"
        "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n",
        "version https://git-lfs.github.com/spec/v1\n"
        "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12x\n",
        "{\"conversations\": []}\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        assert_int_equal(lfs_pointer_parse(bad[i], strlen(bad[i]), &p), 0);
}

/* Peeking leaves the stream as it was, pointer or not, whatever the read sizes. */
static void test_lfs_peek_keeps_bytes(void **state)
{
    (void)state;
    size_t len;
    char *text = make_text(200, &len);
    const char *ptr = "version https://git-lfs.github.com/spec/v1\n"
                      "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
                      "size 7\n";
    const char *inputs[] = { text, ptr, "ver", "" };
    size_t lens[] = { len, strlen(ptr), 3, 0 };
    int pointers[] = { 0, 1, 0, 0 };
    for (size_t k = 0; k < 4; k++)
        for (size_t step = 0; step < 12; step += 5) {
            int closed = 0;
            struct mem m = { (const unsigned char *)inputs[k], lens[k], 0, step, &closed };
            struct byte_stream s = { mem_read, mem_close, &m, NULL };
            struct lfs_pointer p;
            assert_int_equal(lfs_peek(&s, &p), pointers[k]);
            struct buf out = BUF_INIT;
            assert_int_equal(drain(&s, 100, &out), 0);
            assert_int_equal(out.len, lens[k]);
            if (lens[k])
                assert_memory_equal(out.ptr, inputs[k], lens[k]);
            s.close(s.ctx);
            assert_int_equal(closed, 1);
            buf_release(&out);
        }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codec_of_names),
        cmocka_unit_test(test_gzip_and_zstd_any_read_size),
        cmocka_unit_test(test_members_and_frames),
        cmocka_unit_test(test_damage_at_its_line),
        cmocka_unit_test(test_bomb_streams),
        cmocka_unit_test(test_lfs_pointer_parse),
        cmocka_unit_test(test_lfs_peek_keeps_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
