/* A sharded check's plan (run/shard_plan.c) and its part files (run/shard_part.c): every
 * byte has exactly one shard, contiguous and balanced by size; a part reads back as it
 * was written, and a truncated, edited or foreign one is refused, never half-read. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "run/shard_part.h"
#include "run/shard_plan.h"
#include "util/err.h"
#include "util/xalloc.h"

static void test_shard_plan__parse(void **state)
{
    (void)state;
    unsigned i, n;
    assert_int_equal(shard_plan_parse("1/1", &i, &n), 0);
    assert_int_equal(i, 0);
    assert_int_equal(n, 1);
    assert_int_equal(shard_plan_parse("7/7", &i, &n), 0);
    assert_int_equal(i, 6);
    const char *bad[] = { "0/3", "4/3", "3", "/3", "1/", "a/b", "1/0", "-1/2", "1/4097", "1/2x", "1 /2", "", NULL };
    for (size_t k = 0; bad[k]; k++)
        assert_int_equal(shard_plan_parse(bad[k], &i, &n), -1);
    assert_int_equal(shard_plan_parse(NULL, &i, &n), -1);
}

/* Every offset of every file has one owner; owners never go down along the line; a
 * shard touches exactly the files holding its bytes; shards' shares differ by at most
 * one byte's worth of rounding. */
static void test_shard_plan__each_byte_one_owner(void **state)
{
    (void)state;
    const uint64_t sizes[] = { 0, 1000, 1, 0, 77777, 5, 0 };
    size_t n_files = sizeof(sizes) / sizeof(sizes[0]);
    for (unsigned count = 1; count <= 13; count++) {
        uint64_t *share = xcalloc(count, sizeof(uint64_t));
        for (unsigned me = 0; me < count; me++) {
            struct shard_plan p;
            shard_plan_init(&p, me, count, sizes, n_files);
            unsigned last = 0;
            for (size_t f = 0; f < n_files; f++) {
                bool mine = false;
                for (uint64_t at = 0; at < sizes[f]; at++) {
                    unsigned o = shard_plan_owner(&p, f, at);
                    assert_true(o < count);
                    assert_true(o >= last);
                    last = o;
                    mine |= o == me;
                    if (me == 0)
                        share[o]++;
                }
                if (sizes[f] == 0)
                    mine = shard_plan_owner(&p, f, 0) == me;
                assert_int_equal(shard_plan_touches(&p, f), mine);
                /* a piece starting past the stored size stays with the file's last byte */
                assert_int_equal(shard_plan_owner(&p, f, sizes[f] + 12345),
                                 shard_plan_owner(&p, f, sizes[f] ? sizes[f] - 1 : 0));
            }
            shard_plan_release(&p);
        }
        uint64_t lo = UINT64_MAX, hi = 0;
        for (unsigned k = 0; k < count; k++) {
            lo = share[k] < lo ? share[k] : lo;
            hi = share[k] > hi ? share[k] : hi;
        }
        assert_true(hi - lo <= 1);
        free(share);
    }
}

static void test_shard_plan__huge_sizes(void **state)
{
    (void)state;
    const uint64_t sizes[] = { UINT64_MAX / 4, UINT64_MAX / 4, UINT64_MAX / 4 };
    struct shard_plan p;
    shard_plan_init(&p, 0, SHARD_MAX_COUNT, sizes, 3);
    assert_int_equal(shard_plan_owner(&p, 0, 0), 0);
    assert_int_equal(shard_plan_owner(&p, 2, UINT64_MAX / 4 - 1), SHARD_MAX_COUNT - 1);
    assert_true(shard_plan_owner(&p, 1, 0) < SHARD_MAX_COUNT);
    shard_plan_release(&p);
    /* nothing at all: shard 0's, and nobody divides by zero */
    const uint64_t empty[] = { 0, 0 };
    shard_plan_init(&p, 1, 2, empty, 2);
    assert_int_equal(shard_plan_owner(&p, 1, 0), 0);
    assert_false(shard_plan_touches(&p, 0));
    shard_plan_release(&p);
}

static char dir[64];

static char *tmp_path(const char *name)
{
    if (!dir[0]) {
        snprintf(dir, sizeof(dir), "/tmp/dsci-test-shard.XXXXXX");
        assert_non_null(mkdtemp(dir));
    }
    return xasprintf("%s/%s", dir, name);
}

static void write_sample(const char *path)
{
    struct part_identity id = {
        .dsci_version = "9.9.9", .digest_version = 1, .index = 1, .count = 3, .spec_path = "specs/a.yaml",
        .place = 2, .rev = "HEAD", .spec_from = "", .base = "v1.0.0",
    };
    memset(id.spec_sha256, 0xab, 32);
    struct part *p;
    assert_int_equal(part_create(&p, path, &id), 0);
    struct part_run *r = part_run_add(p, PART_HEAD);
    r->source = xstrdup("revision HEAD");
    r->commit = xstrdup("0123456789012345678901234567890123456789");
    r->baseline = xstrdup("v1.0.0");
    r->sig_permutations = 128;
    r->n_files = 2;
    r->files = xcalloc(2, sizeof(*r->files));
    r->files[0].root_path = xstrdup("data/a.jsonl");
    r->files[0].size = 100;
    r->files[1].root_path = xstrdup("data/b.jsonl");
    r->files[1].size = 5000;
    r->files[1].has_blob = true;
    memset(r->files[1].blob, 7, 20);
    struct part_piece pc = { .file = 1, .offset = 2000, .line_base = 40, .lines = 30, .bytes = 1500, .start = 2,
                             .format_in = 1, .parsed = 29 };
    assert_int_equal(part_write_block(p, "summary bytes", 13, &pc.summary_off), 0);
    pc.summary_len = 13;
    assert_int_equal(part_write_block(p, "sigs", 4, &pc.sigs_off), 0);
    pc.sigs_len = 4;
    r->pieces = xcalloc(1, sizeof(*r->pieces));
    r->pieces[0] = pc;
    r->n_pieces = 1;
    assert_int_equal(part_commit(p), 0);
    part_free(p);
}

static void test_shard_part__round_trip(void **state)
{
    (void)state;
    char *path = tmp_path("rt.dsum");
    write_sample(path);
    struct part *p;
    assert_int_equal(part_open(&p, path), 0);
    assert_string_equal(p->id.dsci_version, "9.9.9");
    assert_int_equal(p->id.index, 1);
    assert_int_equal(p->id.count, 3);
    assert_string_equal(p->id.base, "v1.0.0");
    assert_int_equal(p->id.spec_sha256[31], 0xab);
    const struct part_run *r = part_find_run(p, PART_HEAD);
    assert_non_null(r);
    assert_null(part_find_run(p, PART_BASE));
    assert_int_equal(r->n_files, 2);
    assert_string_equal(r->files[1].root_path, "data/b.jsonl");
    assert_true(r->files[1].has_blob);
    assert_int_equal(r->n_pieces, 1);
    assert_int_equal(r->pieces[0].line_base, 40);
    struct buf b = BUF_INIT;
    assert_int_equal(part_read_block(p, r->pieces[0].summary_off, r->pieces[0].summary_len, &b), 0);
    assert_memory_equal(b.ptr, "summary bytes", 13);
    assert_int_not_equal(part_read_block(p, p->size - 2, 10, &b), 0);   /* past the end */
    buf_release(&b);
    part_free(p);
    free(path);
}

/* Every prefix, and every single-byte change, of a part is refused. */
static void test_shard_part__damage_is_refused(void **state)
{
    (void)state;
    char *path = tmp_path("good.dsum"), *bad = tmp_path("bad.dsum");
    write_sample(path);
    FILE *f = fopen(path, "rb");
    char data[4096];
    size_t len = fread(data, 1, sizeof(data), f);
    fclose(f);
    assert_true(len > 64 && len < sizeof(data));
    for (size_t cut = 0; cut < len; cut += (cut < 80 ? 1 : 7)) {
        f = fopen(bad, "wb");
        fwrite(data, 1, cut, f);
        fclose(f);
        struct part *p = NULL;
        assert_true(part_open(&p, bad) < 0);
        assert_null(p);
        assert_non_null(strstr(err_last(), "bad.dsum"));
    }
    for (size_t at = 0; at < len; at++) {
        if (at >= 12 && at < 16)
            continue;   /* the reserved word is not read */
        data[at] ^= 0x01;
        f = fopen(bad, "wb");
        fwrite(data, 1, len, f);
        fclose(f);
        struct part *p = NULL;
        assert_true(part_open(&p, bad) < 0);
        data[at] ^= 0x01;
    }
    unlink(bad);
    unlink(path);
    free(bad);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shard_plan__parse),
        cmocka_unit_test(test_shard_plan__each_byte_one_owner),
        cmocka_unit_test(test_shard_plan__huge_sizes),
        cmocka_unit_test(test_shard_part__round_trip),
        cmocka_unit_test(test_shard_part__damage_is_refused),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    if (dir[0]) {
        char *rt = tmp_path("rt.dsum");
        unlink(rt);
        free(rt);
        rmdir(dir);
    }
    return failed;
}
