/* cache/store: entries come back exactly as put or not at all; every kind of damage is a
 * counted miss that removes the file; trim keeps the recently used; a store that cannot
 * be written still reads; processes sharing a folder never see a wrong payload. Real
 * folders under /tmp, no mocks. */
#define _XOPEN_SOURCE 700
#include "test_helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cache/entry.h"
#include "cache/store.h"
#include "util/err.h"
#include "util/sha256.h"

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    chmod(path, 0755);  /* folders a test made read-only */
    return remove(path);
}

static void remove_tree(const char *dir)
{
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *temp_dir(void)
{
    char *dir = strdup("/tmp/dsci-cache-test.XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
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

/* The payload a key stands for, so any read can be checked: its length and bytes come
 * from the key. */
static size_t payload_of(const unsigned char key[32], unsigned char *out, size_t max)
{
    size_t len = ((size_t)key[0] << 8 | key[1]) % max;
    uint64_t x = 0;
    memcpy(&x, key + 8, 8);
    x |= 1;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out[i] = (unsigned char)x;
    }
    return len;
}

static void entry_path(char *out, size_t size, const char *dir, const unsigned char key[32])
{
    char hex[65];
    sha256_hex(hex, key);
    snprintf(out, size, "%s/%.2s/%s", dir, hex, hex + 2);
}

static void put_known(struct cache_store *s, const unsigned char key[32])
{
    static unsigned char buf[10000];
    size_t len = payload_of(key, buf, sizeof buf);
    assert_int_equal(cache_store_put(s, key, buf, len), 0);
}

/* 1 when the store has the key's payload, 0 when it misses; fails on a wrong one. */
static int get_known(struct cache_store *s, const unsigned char key[32])
{
    static unsigned char want[10000];
    size_t len = payload_of(key, want, sizeof want);
    struct cache_blob b;
    int rc = cache_store_get(s, key, &b);
    if (rc == 1) {
        assert_int_equal(b.len, len);
        assert_memory_equal(b.data, want, len);
    } else {
        assert_int_equal(rc, 0);
        assert_null(b.data);
    }
    cache_blob_release(&b);
    return rc;
}

static void test_cache_store__roundtrip(void **state)
{
    char *tmp = temp_dir(), dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/a/b/cache", tmp);
    struct cache_store *s;
    assert_int_equal(cache_store_open(&s, dir, 1u << 20), 0);
    unsigned char k1[32], k2[32];
    key_of(1, k1);
    key_of(2, k2);
    assert_int_equal(get_known(s, k1), 0);
    assert_int_equal(access(dir, F_OK), -1);  /* made by the first put, not by open */
    put_known(s, k1);
    assert_int_equal(get_known(s, k1), 1);
    assert_int_equal(get_known(s, k2), 0);
    struct cache_blob held;
    assert_int_equal(cache_store_get(s, k1, &held), 1);
    put_known(s, k1);  /* again: replaces, and what a get returned stays */
    static unsigned char want[10000];
    size_t want_len = payload_of(k1, want, sizeof want);
    assert_int_equal(held.len, want_len);
    assert_memory_equal(held.data, want, want_len);
    cache_blob_release(&held);
    assert_int_equal(get_known(s, k1), 1);
    /* an empty payload is an entry too */
    assert_int_equal(cache_store_put(s, k2, "", 0), 0);
    struct cache_blob b;
    assert_int_equal(cache_store_get(s, k2, &b), 1);
    assert_int_equal(b.len, 0);
    cache_blob_release(&b);

    mode_t mask = umask(0);
    umask(mask);
    struct stat st;
    entry_path(path, sizeof path, dir, k1);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644 & ~mask);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0755 & ~mask);

    const struct cache_stats *c = cache_store_stats(s);
    assert_int_equal(c->hits, 4);
    assert_int_equal(c->misses, 2);
    assert_int_equal(c->written, 3);
    assert_int_equal(c->damaged, 0);
    assert_int_equal(c->write_failures, 0);
    cache_store_close(s);

    /* a file where the folder should be is the caller's mistake */
    assert_int_equal(cache_store_open(&s, path, 0), DSCI_EUSAGE);
    assert_int_equal(cache_store_open(&s, "", 0), DSCI_EUSAGE);
    remove_tree(tmp);
    free(tmp);
}

enum damage { FLIP_PAYLOAD, FLIP_HEADER, TRUNCATE_ONE, TRUNCATE_HALF, EMPTY, WRONG_MAGIC,
              WRONG_VERSION, ZERO_PAGE, APPENDED, COPIED, SYMLINK, DAMAGE_KINDS };

static void damage(enum damage kind, const char *path, const char *other_path, long at)
{
    int fd;
    struct stat st;
    unsigned char byte;
    assert_int_equal(stat(path, &st), 0);
    switch (kind) {
    case FLIP_PAYLOAD:
    case FLIP_HEADER:
    case WRONG_MAGIC:
    case WRONG_VERSION:
        if (kind == FLIP_PAYLOAD)
            at = CACHE_ENTRY_HEADER + (st.st_size - CACHE_ENTRY_HEADER) / 2;
        if (kind == WRONG_MAGIC)
            at = 0;
        if (kind == WRONG_VERSION)
            at = 8;
        fd = open(path, O_RDWR);
        assert_int_equal(pread(fd, &byte, 1, at), 1);
        byte = kind == WRONG_VERSION ? byte + 1 : kind == WRONG_MAGIC ? 'X' : byte ^ 0x10;
        assert_int_equal(pwrite(fd, &byte, 1, at), 1);
        close(fd);
        break;
    case TRUNCATE_ONE:
        assert_int_equal(truncate(path, st.st_size - 1), 0);
        break;
    case TRUNCATE_HALF:
        assert_int_equal(truncate(path, st.st_size / 2), 0);
        break;
    case EMPTY:
        assert_int_equal(truncate(path, 0), 0);
        break;
    case ZERO_PAGE: {
        static const unsigned char zeros[4096];
        fd = open(path, O_RDWR);
        assert_int_equal(pwrite(fd, zeros, sizeof zeros, 4096), (ssize_t)sizeof zeros);
        close(fd);
        break;
    }
    case APPENDED:
        fd = open(path, O_WRONLY | O_APPEND);
        assert_int_equal(write(fd, "", 1), 1);
        close(fd);
        break;
    case COPIED: {
        static char buf[20000];
        fd = open(other_path, O_RDONLY);
        ssize_t n = read(fd, buf, sizeof buf);
        close(fd);
        assert_true(n > 0);
        fd = open(path, O_WRONLY | O_TRUNC);
        assert_int_equal(write(fd, buf, (size_t)n), n);
        close(fd);
        break;
    }
    case SYMLINK:
        assert_int_equal(unlink(path), 0);
        assert_int_equal(symlink(other_path, path), 0);
        break;
    default:
        fail();
    }
}

static void test_cache_store__damage_is_a_counted_miss(void **state)
{
    char *dir = temp_dir(), path[600], other[600];
    struct cache_store *s;
    assert_int_equal(cache_store_open(&s, dir, 1u << 20), 0);
    unsigned char key[32], foreign[32];
    static unsigned char payload[9000];
    key_of(7, key);
    key_of(8, foreign);
    entry_path(path, sizeof path, dir, key);
    entry_path(other, sizeof other, dir, foreign);
    put_known(s, foreign);
    uint64_t damaged = 0;
    for (int kind = 0; kind < DAMAGE_KINDS; kind++) {
        /* every header byte on its own, the other kinds once */
        for (long at = 0; at < (kind == FLIP_HEADER ? CACHE_ENTRY_HEADER : 1); at++) {
            for (size_t i = 0; i < sizeof payload; i++)
                payload[i] = (unsigned char)(i * 7 + 1);
            assert_int_equal(cache_store_put(s, key, payload, sizeof payload), 0);
            damage((enum damage)kind, path, other, at);
            struct cache_blob b;
            assert_int_equal(cache_store_get(s, key, &b), 0);
            assert_null(b.data);
            cache_blob_release(&b);
            damaged++;
            assert_int_equal(cache_store_stats(s)->damaged, damaged);
            struct stat st;
            assert_int_equal(lstat(path, &st), -1);  /* removed */
            assert_int_equal(errno, ENOENT);
            assert_int_equal(cache_store_put(s, key, payload, sizeof payload), 0);
            assert_int_equal(cache_store_get(s, key, &b), 1);
            assert_int_equal(b.len, sizeof payload);
            assert_memory_equal(b.data, payload, sizeof payload);
            cache_blob_release(&b);
            assert_int_equal(unlink(path), 0);
        }
    }
    assert_int_equal(get_known(s, foreign), 1);  /* the copy's source was not touched */
    cache_store_close(s);
    remove_tree(dir);
    free(dir);
}

/* An entry above the size that is read into memory is mapped: the same checks hold. */
static void test_cache_store__large_entries_are_mapped(void **state)
{
    char *dir = temp_dir(), path[600];
    size_t len = 3u << 20;
    unsigned char *payload = malloc(len), key[32];
    for (size_t i = 0; i < len; i++)
        payload[i] = (unsigned char)(i * 13 + (i >> 12));
    key_of(31, key);
    entry_path(path, sizeof path, dir, key);
    struct cache_store *s;
    assert_int_equal(cache_store_open(&s, dir, 1u << 30), 0);
    assert_int_equal(cache_store_put(s, key, payload, len), 0);
    struct cache_blob b;
    assert_int_equal(cache_store_get(s, key, &b), 1);
    assert_int_equal(b.len, len);
    assert_memory_equal(b.data, payload, len);
    assert_int_not_equal(b.map_len_, 0);
    /* still valid after the file is gone, and after another put replaced it */
    assert_int_equal(unlink(path), 0);
    assert_int_equal(cache_store_put(s, key, "other", 5), 0);
    assert_memory_equal(b.data, payload, len);
    cache_blob_release(&b);

    assert_int_equal(cache_store_put(s, key, payload, len), 0);
    damage(ZERO_PAGE, path, NULL, 0);
    assert_int_equal(cache_store_get(s, key, &b), 0);
    assert_int_equal(cache_store_stats(s)->damaged, 1);
    assert_int_equal(access(path, F_OK), -1);
    cache_store_close(s);
    free(payload);
    remove_tree(dir);
    free(dir);
}

/* The checksum sees every single flipped bit of an entry, header or payload. */
static void test_cache_store__every_bit_flip_is_seen(void **state)
{
    static unsigned char file[CACHE_ENTRY_HEADER + 4096];
    unsigned char key[32];
    key_of(3, key);
    for (size_t i = CACHE_ENTRY_HEADER; i < sizeof file; i++)
        file[i] = (unsigned char)(i * 31 + 5);
    cache_entry_header(file, key, file + CACHE_ENTRY_HEADER, sizeof file - CACHE_ENTRY_HEADER);
    assert_int_equal(cache_entry_verify(file, sizeof file, key), CACHE_ENTRY_OK);
    for (size_t bit = 0; bit < sizeof file * 8; bit++) {
        file[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        assert_int_not_equal(cache_entry_verify(file, sizeof file, key), CACHE_ENTRY_OK);
        file[bit / 8] ^= (unsigned char)(1u << (bit % 8));
    }
    for (size_t cut = 0; cut < sizeof file; cut += 61)
        assert_int_equal(cache_entry_verify(file, cut, key), CACHE_ENTRY_DAMAGED);
}

static void set_age(const char *path, time_t seconds_ago)
{
    struct timespec t[2];
    clock_gettime(CLOCK_REALTIME, &t[0]);
    t[0].tv_sec -= seconds_ago;
    t[1] = t[0];
    assert_int_equal(utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW), 0);
}

static void test_cache_store__trim_evicts_oldest_and_stale_temps(void **state)
{
    char *dir = temp_dir(), path[600];
    unsigned char keys[6][32], payload[1000] = {0};
    struct cache_store *s;
    /* room for three entries */
    assert_int_equal(cache_store_open(&s, dir, 3 * (CACHE_ENTRY_HEADER + sizeof payload)), 0);
    assert_int_equal(cache_store_trim(s), 0);  /* no folder yet */
    for (unsigned i = 0; i < 6; i++) {
        key_of(100 + i, keys[i]);
        assert_int_equal(cache_store_put(s, keys[i], payload, sizeof payload), 0);
        entry_path(path, sizeof path, dir, keys[i]);
        set_age(path, 7200 - (time_t)i * 600);  /* key 0 oldest */
    }
    /* key 1 is read: a hit makes it the newest */
    struct cache_blob b;
    assert_int_equal(cache_store_get(s, keys[1], &b), 1);
    cache_blob_release(&b);

    char hex[65], temp_old[700], temp_new[700];
    sha256_hex(hex, keys[0]);
    snprintf(temp_old, sizeof temp_old, "%s/%.2s/.tmp-1-2-3", dir, hex);
    snprintf(temp_new, sizeof temp_new, "%s/%.2s/.tmp-4-5-6", dir, hex);
    fclose(fopen(temp_old, "w"));
    fclose(fopen(temp_new, "w"));
    set_age(temp_old, 3700);

    assert_int_equal(cache_store_trim(s), 3);
    int kept[6] = {0, 1, 0, 0, 1, 1};  /* 0, 2, 3 were the least recently used */
    for (unsigned i = 0; i < 6; i++) {
        entry_path(path, sizeof path, dir, keys[i]);
        assert_int_equal(access(path, F_OK) == 0, kept[i]);
    }
    assert_int_equal(access(temp_old, F_OK), -1);
    assert_int_equal(access(temp_new, F_OK), 0);
    assert_int_equal(cache_store_stats(s)->evicted, 3);
    assert_int_equal(cache_store_trim(s), 0);  /* fits now */
    cache_store_close(s);

    assert_int_equal(cache_store_open(&s, dir, 0), 0);  /* 0 bytes: empties it */
    assert_int_equal(cache_store_trim(s), 3);
    assert_int_equal(get_known(s, keys[1]), 0);
    cache_store_close(s);
    remove_tree(dir);
    free(dir);
}

/* Puts of a store that cannot be written fail, counted, and gets still work. */
static void test_cache_store__unwritable_still_reads(void **state)
{
    char *dir = temp_dir(), hex[65], path[700];
    struct cache_store *s;
    assert_int_equal(cache_store_open(&s, dir, 1u << 20), 0);
    unsigned char k1[32], k2[32];
    key_of(11, k1);
    key_of(12, k2);
    put_known(s, k1);
    if (geteuid() != 0) {
        assert_int_equal(chmod(dir, 0555), 0);
        entry_path(path, sizeof path, dir, k1);
        *strrchr(path, '/') = '\0';
        assert_int_equal(chmod(path, 0555), 0);
    } else {
        /* root writes through any mode: a file where k2's shard folder goes fails too */
        sha256_hex(hex, k2);
        snprintf(path, sizeof path, "%s/%.2s", dir, hex);
        fclose(fopen(path, "w"));
    }
    assert_int_equal(cache_store_put(s, k2, "x", 1), -1);
    assert_int_equal(cache_store_stats(s)->write_failures, 1);
    assert_int_equal(get_known(s, k1), 1);
    assert_int_equal(get_known(s, k2), 0);
    cache_store_close(s);
    if (geteuid() != 0) {
        assert_int_equal(chmod(path, 0755), 0);
        assert_int_equal(chmod(dir, 0755), 0);
    }

    /* a folder that cannot be made: under a regular file */
    snprintf(path, sizeof path, "%s/file", dir);
    fclose(fopen(path, "w"));
    snprintf(path, sizeof path, "%s/file/cache", dir);
    assert_int_equal(cache_store_open(&s, path, 1u << 20), 0);
    assert_int_equal(cache_store_put(s, k1, "x", 1), -1);
    assert_int_equal(get_known(s, k1), 0);
    assert_int_equal(cache_store_trim(s), 0);
    cache_store_close(s);
    remove_tree(dir);
    free(dir);
}

/* A full disk (here: a file size limit, which binds root too) fails the put, leaves no
 * temporary behind and keeps what was there. */
static void test_cache_store__full_disk(void **state)
{
    char *dir = temp_dir();
    unsigned char k1[32];
    key_of(21, k1);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct cache_store *s;
        static unsigned char big[50000];
        if (cache_store_open(&s, dir, 1u << 20) < 0 || cache_store_put(s, k1, "small", 5) < 0)
            _exit(10);
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit lim = {20000, 20000};
        setrlimit(RLIMIT_FSIZE, &lim);
        if (cache_store_put(s, k1, big, sizeof big) != -1)
            _exit(11);
        struct cache_blob b;
        if (cache_store_get(s, k1, &b) != 1 || b.len != 5 || memcmp(b.data, "small", 5) != 0)
            _exit(12);
        cache_blob_release(&b);
        if (cache_store_stats(s)->write_failures != 1)
            _exit(13);
        cache_store_close(s);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    char hex[65], cmd[700];
    sha256_hex(hex, k1);
    snprintf(cmd, sizeof cmd, "test $(ls -A %s/%.2s | wc -l) -eq 1", dir, hex);
    assert_int_equal(system(cmd), 0);  /* the entry, no temporary */
    remove_tree(dir);
    free(dir);
}

#define WORKERS 4
#define STEPS 200
#define SHARED_KEYS 12

/* One process's share of the concurrency test: exit status 0, or what went wrong. */
static int worker(const char *dir, unsigned seed)
{
    struct cache_store *s;
    /* small enough that trims keep evicting what others read */
    if (cache_store_open(&s, dir, 6 * 5000) < 0)
        return 10;
    static unsigned char want[10000];
    srand(seed);
    for (int step = 0; step < STEPS; step++) {
        unsigned char key[32];
        key_of((unsigned)rand() % SHARED_KEYS, key);
        size_t len = payload_of(key, want, sizeof want);
        int op = rand() % 10;
        if (op < 5) {
            struct cache_blob b;
            int rc = cache_store_get(s, key, &b);
            if (rc == 1 && (b.len != len || memcmp(b.data, want, len) != 0))
                return 11;
            if (rc != 0 && rc != 1)
                return 12;
            cache_blob_release(&b);
        } else if (op < 9) {
            if (cache_store_put(s, key, want, len) != 0)
                return 13;
        } else {
            cache_store_trim(s);
        }
    }
    /* nothing another process did looked damaged */
    int rc = cache_store_stats(s)->damaged ? 14 : 0;
    cache_store_close(s);
    return rc;
}

static void test_cache_store__processes_share_a_folder(void **state)
{
    char *dir = temp_dir(), sub[600];
    snprintf(sub, sizeof sub, "%s/cache", dir);  /* they race to make it, too */
    pid_t pids[WORKERS];
    for (unsigned i = 0; i < WORKERS; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0)
            _exit(worker(sub, 1000 + i));
    }
    for (unsigned i = 0; i < WORKERS; i++) {
        int status;
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    remove_tree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_store__roundtrip),
        cmocka_unit_test(test_cache_store__damage_is_a_counted_miss),
        cmocka_unit_test(test_cache_store__large_entries_are_mapped),
        cmocka_unit_test(test_cache_store__every_bit_flip_is_seen),
        cmocka_unit_test(test_cache_store__trim_evicts_oldest_and_stale_temps),
        cmocka_unit_test(test_cache_store__unwritable_still_reads),
        cmocka_unit_test(test_cache_store__full_disk),
        cmocka_unit_test(test_cache_store__processes_share_a_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
