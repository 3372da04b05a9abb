/* run/summary_ref: a pack brings back exactly the entries it was made of; any damage to
 * it (truncation, a flipped bit, another magic or version, lengths that do not add up)
 * imports nothing; entries the store has already are not written again. Real stores
 * under /tmp. */
#define _XOPEN_SOURCE 700
#include "test_helpers.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cache/store.h"
#include "run/summary_ref.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sha256.h"
#include "util/wire.h"

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

static struct cache_store *new_store(char **dir)
{
    *dir = strdup("/tmp/dsci-summary-ref-test.XXXXXX");
    assert_non_null(mkdtemp(*dir));
    struct cache_store *s = NULL;
    assert_int_equal(cache_store_open(&s, *dir, UINT64_MAX), 0);
    return s;
}

static void drop_store(struct cache_store *s, char *dir)
{
    cache_store_close(s);
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

static void key_of(unsigned n, unsigned char key[32])
{
    char text[32];
    int len = snprintf(text, sizeof text, "key-%u", n);
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, text, (size_t)len);
    sha256_final(&h, key);
}

/* Entry n's payload: n * 37 bytes of a pattern of n (entry 0 is empty). */
static void payload_of(unsigned n, struct buf *out)
{
    buf_reset(out);
    for (unsigned i = 0; i < n * 37; i++)
        buf_addch(out, (char)(n + i * 7));
}

enum { N_ENTRIES = 12 };

/* A store with entries 0..N_ENTRIES-1 and the pack of them (keys given twice, and a key
 * the store lacks, which the pack leaves out). */
static size_t make_pack(struct buf *pack)
{
    char *dir;
    struct cache_store *s = new_store(&dir);
    struct buf keys = BUF_INIT, payload = BUF_INIT;
    unsigned char key[32];
    for (unsigned n = 0; n < N_ENTRIES; n++) {
        key_of(n, key);
        payload_of(n, &payload);
        assert_int_equal(cache_store_put(s, key, payload.ptr, payload.len), 0);
        wire_put_raw(&keys, key, 32);
        wire_put_raw(&keys, key, 32);
    }
    key_of(999, key);
    wire_put_raw(&keys, key, 32);
    size_t packed = summary_pack_make(pack, s, keys.ptr, keys.len);
    buf_release(&keys);
    buf_release(&payload);
    drop_store(s, dir);
    return packed;
}

static void assert_store_has_all(struct cache_store *s)
{
    struct buf payload = BUF_INIT;
    unsigned char key[32];
    for (unsigned n = 0; n < N_ENTRIES; n++) {
        struct cache_blob b;
        key_of(n, key);
        payload_of(n, &payload);
        assert_int_equal(cache_store_get(s, key, &b), 1);
        assert_int_equal(b.len, payload.len);
        assert_true(b.len == 0 || memcmp(b.data, payload.ptr, b.len) == 0);
        cache_blob_release(&b);
    }
    buf_release(&payload);
}

static void assert_store_empty(struct cache_store *s)
{
    unsigned char key[32];
    for (unsigned n = 0; n < N_ENTRIES; n++) {
        struct cache_blob b;
        key_of(n, key);
        assert_int_equal(cache_store_get(s, key, &b), 0);
    }
}

static void test_summary_ref__round_trip(void **state)
{
    (void)state;
    struct buf pack = BUF_INIT;
    assert_int_equal(make_pack(&pack), N_ENTRIES);

    char *dir;
    struct cache_store *s = new_store(&dir);
    struct summary_import imp = { 0 };
    assert_int_equal(summary_pack_import(s, pack.ptr, pack.len, &imp), 0);
    assert_int_equal(imp.entries, N_ENTRIES);
    assert_int_equal(imp.imported, N_ENTRIES);
    assert_int_equal(imp.present, 0);
    assert_store_has_all(s);

    /* again: everything is there, nothing written */
    uint64_t written = cache_store_stats(s)->written;
    memset(&imp, 0, sizeof(imp));
    assert_int_equal(summary_pack_import(s, pack.ptr, pack.len, &imp), 0);
    assert_int_equal(imp.imported, 0);
    assert_int_equal(imp.present, N_ENTRIES);
    assert_int_equal(cache_store_stats(s)->written, written);
    drop_store(s, dir);

    /* the same entries give the same bytes */
    struct buf again = BUF_INIT;
    make_pack(&again);
    assert_int_equal(again.len, pack.len);
    assert_memory_equal(again.ptr, pack.ptr, pack.len);
    buf_release(&again);
    buf_release(&pack);
}

static void assert_refused(const void *bytes, size_t len)
{
    char *dir;
    struct cache_store *s = new_store(&dir);
    struct summary_import imp = { 0 };
    assert_true(summary_pack_import(s, bytes, len, &imp) < 0);
    assert_true(err_last()[0] != '\0');
    err_clear();
    assert_int_equal(imp.imported, 0);
    assert_store_empty(s);
    drop_store(s, dir);
}

static void test_summary_ref__every_truncation_is_refused(void **state)
{
    (void)state;
    struct buf pack = BUF_INIT;
    make_pack(&pack);
    for (size_t len = 0; len < pack.len; len += 1 + len / 8)
        assert_refused(pack.ptr, len);
    assert_refused(pack.ptr, pack.len - 1);
    buf_release(&pack);
}

static void test_summary_ref__flipped_bits_are_refused(void **state)
{
    (void)state;
    struct buf pack = BUF_INIT;
    make_pack(&pack);
    for (size_t at = 0; at < pack.len; at += 1 + at / 6) {
        unsigned char *p = (unsigned char *)pack.ptr + at;
        *p ^= (unsigned char)(1u << (at % 8));
        assert_refused(pack.ptr, pack.len);
        *p ^= (unsigned char)(1u << (at % 8));
    }
    buf_release(&pack);
}

/* A pack whose checksum is right but whose contents are not: another version, a count
 * that promises more entries than there are, bytes after the last entry. */
static void refuse_resealed(const char *body, size_t len)
{
    struct buf pack = BUF_INIT;
    wire_put_raw(&pack, body, len);
    unsigned char sum[32];
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, pack.ptr, pack.len);
    sha256_final(&h, sum);
    wire_put_raw(&pack, sum, 32);
    assert_refused(pack.ptr, pack.len);
    buf_release(&pack);
}

static void test_summary_ref__sound_checksum_bad_contents(void **state)
{
    (void)state;
    unsigned char key[32] = { 1 };
    struct buf body = BUF_INIT;
    /* version 2 */
    wire_put_raw(&body, "DSCISUMP", 8);
    wire_put_varint(&body, 2);
    wire_put_u64(&body, 0);
    refuse_resealed(body.ptr, body.len);
    /* two entries promised, one there */
    buf_reset(&body);
    wire_put_raw(&body, "DSCISUMP", 8);
    wire_put_varint(&body, SUMMARY_PACK_VERSION);
    wire_put_u64(&body, 2);
    wire_put_raw(&body, key, 32);
    wire_put_bytes(&body, "abc", 3);
    refuse_resealed(body.ptr, body.len);
    /* a payload length past the end */
    buf_reset(&body);
    wire_put_raw(&body, "DSCISUMP", 8);
    wire_put_varint(&body, SUMMARY_PACK_VERSION);
    wire_put_u64(&body, 1);
    wire_put_raw(&body, key, 32);
    wire_put_varint(&body, 1000);
    wire_put_raw(&body, "abc", 3);
    refuse_resealed(body.ptr, body.len);
    /* bytes after the last entry */
    buf_reset(&body);
    wire_put_raw(&body, "DSCISUMP", 8);
    wire_put_varint(&body, SUMMARY_PACK_VERSION);
    wire_put_u64(&body, 1);
    wire_put_raw(&body, key, 32);
    wire_put_bytes(&body, "abc", 3);
    wire_put_u8(&body, 0);
    refuse_resealed(body.ptr, body.len);
    /* another magic */
    buf_reset(&body);
    wire_put_raw(&body, "DSCICACH", 8);
    wire_put_varint(&body, SUMMARY_PACK_VERSION);
    wire_put_u64(&body, 0);
    refuse_resealed(body.ptr, body.len);
    buf_release(&body);
}

static void test_summary_ref__empty_pack(void **state)
{
    (void)state;
    char *dir;
    struct cache_store *s = new_store(&dir);
    struct buf pack = BUF_INIT;
    assert_int_equal(summary_pack_make(&pack, s, NULL, 0), 0);
    struct summary_import imp = { 0 };
    assert_int_equal(summary_pack_import(s, pack.ptr, pack.len, &imp), 0);
    assert_int_equal(imp.entries, 0);
    buf_release(&pack);
    drop_store(s, dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_ref__round_trip),
        cmocka_unit_test(test_summary_ref__every_truncation_is_refused),
        cmocka_unit_test(test_summary_ref__flipped_bits_are_refused),
        cmocka_unit_test(test_summary_ref__sound_checksum_bad_contents),
        cmocka_unit_test(test_summary_ref__empty_pack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
