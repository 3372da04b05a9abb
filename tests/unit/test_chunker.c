/* Content-defined chunks (read/chunker.c): they cover the file exactly, end at line ends,
 * and an edit changes the chunk it is in and at most the next, whatever the read sizes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "read/chunker.h"
#include "util/sha256.h"
#include "util/xalloc.h"

struct mem {
    const char *data;
    size_t len, at, step;
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
    (void)ctx;
}

/* n lines of varying length, deterministic */
static char *make_lines(size_t n, unsigned seed, size_t *len)
{
    size_t cap = n * 200 + 1, o = 0;
    char *s = xmalloc(cap);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        size_t w = 20 + (x >> 16) % 150;
        for (size_t k = 0; k < w; k++)
            s[o++] = (char)('a' + (char)((x >> (k % 13)) + k) % 26);
        s[o++] = '\n';
    }
    *len = o;
    return s;
}

struct cut {
    size_t n;
    size_t off[4096];
    unsigned char sha[4096][32];
    uint64_t lines[4096];
};

static void cut_all(const char *data, size_t len, size_t step, size_t avg, struct cut *out)
{
    struct mem m = { data, len, 0, step };
    struct byte_stream in = { mem_read, mem_close, &m, NULL };
    struct chunker c;
    chunker_init(&c, &in, 1 << 20, avg, true);
    const char *p;
    size_t n, at = 0;
    int rc;
    out->n = 0;
    while ((rc = chunker_next(&c, &p, &n)) == CHUNKER_CHUNK) {
        assert_true(out->n < 4096);
        assert_memory_equal(p, data + at, n);   /* the chunks are the file, in order */
        assert_true(n > 0);
        if (at + n < len)
            assert_int_equal(p[n - 1], '\n');   /* whole lines only */
        uint64_t lines = 0;
        for (size_t i = 0; i < n; i++)
            lines += p[i] == '\n';
        if (n && p[n - 1] != '\n')
            lines++;
        assert_int_equal(c.chunk_lines, lines);
        out->off[out->n] = at;
        out->lines[out->n] = lines;
        struct sha256 h;
        sha256_init(&h);
        sha256_update(&h, p, n);
        sha256_final(&h, out->sha[out->n]);
        out->n++;
        at += n;
    }
    assert_int_equal(rc, CHUNKER_END);
    assert_int_equal(at, len);
    unsigned char whole[32], want[32];
    chunker_sha256(&c, whole);
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, data, len);
    sha256_final(&h, want);
    assert_memory_equal(whole, want, 32);
    chunker_release(&c);
}

static size_t shared(const struct cut *a, const struct cut *b)
{
    size_t same = 0;
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = 0; j < b->n; j++)
            if (!memcmp(a->sha[i], b->sha[j], 32)) {
                same++;
                break;
            }
    return same;
}

static void test_chunker__covers_the_file_at_any_read_size(void **state)
{
    (void)state;
    size_t len;
    char *data = make_lines(20000, 1, &len);
    static struct cut a, b;
    cut_all(data, len, 0, 16384, &a);
    assert_true(a.n > 50);   /* about len / (16384 + 4096) */
    cut_all(data, len, 777, 16384, &b);
    assert_int_equal(a.n, b.n);
    for (size_t i = 0; i < a.n; i++)
        assert_memory_equal(a.sha[i], b.sha[i], 32);
    free(data);
}

/* Inserting a line near the start changes one or two chunks, not every later one. */
static void test_chunker__an_edit_changes_few_chunks(void **state)
{
    (void)state;
    size_t len;
    char *data = make_lines(20000, 2, &len);
    static struct cut a, b;
    cut_all(data, len, 0, 16384, &a);
    const char *extra = "an inserted line of some length, as an edit would make\n";
    size_t at = a.off[3] + 10;
    while (data[at - 1] != '\n')
        at++;
    char *edited = xmalloc(len + strlen(extra));
    memcpy(edited, data, at);
    memcpy(edited + at, extra, strlen(extra));
    memcpy(edited + at + strlen(extra), data + at, len - at);
    cut_all(edited, len + strlen(extra), 0, 16384, &b);
    assert_true(shared(&a, &b) + 3 >= a.n);
    free(edited);
    free(data);
}

/* A line longer than the limit stops the cutting: the rest is read whole. */
static void test_chunker__long_line_hands_over_the_rest(void **state)
{
    (void)state;
    size_t n = 300000;
    char *data = xmalloc(n + 64);
    memcpy(data, "{\"a\": 1}\n", 9);
    memset(data + 9, 'x', n);
    memcpy(data + 9 + n, "\n{\"b\": 2}\n", 10);
    struct mem m = { data, n + 19, 0, 4096 };
    struct byte_stream in = { mem_read, mem_close, &m, NULL };
    struct chunker c;
    chunker_init(&c, &in, 100000, 16384, true);
    const char *p;
    size_t len;
    assert_int_equal(chunker_next(&c, &p, &len), CHUNKER_LONG_LINE);
    struct byte_stream rest;
    chunker_rest(&c, &rest);
    char *back = xmalloc(n + 64);
    size_t got = 0;
    ssize_t r;
    while ((r = rest.read(rest.ctx, back + got, 1000)) > 0)
        got += (size_t)r;
    assert_int_equal(got, n + 19);   /* nothing was handed out as a chunk yet */
    assert_memory_equal(back, data, got);
    chunker_release(&c);
    free(back);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chunker__covers_the_file_at_any_read_size),
        cmocka_unit_test(test_chunker__an_edit_changes_few_chunks),
        cmocka_unit_test(test_chunker__long_line_hands_over_the_rest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
