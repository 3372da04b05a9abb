#include "cache/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "cache/entry.h"
#include "cache/store_impl.h"
#include "util/atomic_file.h"
#include "util/err.h"
#include "util/sha256.h"
#include "util/xalloc.h"

/* A hit younger than this keeps its modification time: one write per entry per few
 * minutes is enough for trim's least-recently-used order, and spares every get a write. */
#define REFRESH_AFTER_SECONDS 300
#define TEMP_ATTEMPTS 16

int cache_store_open(struct cache_store **out, const char *dir, uint64_t max_bytes)
{
    *out = NULL;
    if (!dir || !*dir)
        return err_set(DSCI_EUSAGE, "cache folder: empty path");
    struct stat st;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
        return err_set(DSCI_EUSAGE, "%s: not a folder (cache)", dir);
    struct cache_store *s = xcalloc(1, sizeof *s);
    s->dir = xstrdup(dir);
    s->dir_fd = -1;
    s->max_bytes = max_bytes;
    *out = s;
    return 0;
}

void cache_store_close(struct cache_store *s)
{
    if (!s)
        return;
    if (s->dir_fd >= 0)
        close(s->dir_fd);
    free(s->dir);
    free(s);
}

const struct cache_stats *cache_store_stats(const struct cache_store *s)
{
    return &s->stats;
}

/* mkdir -p: makes the missing folders below the nearest one that exists. */
static int make_dirs(char *path)
{
    if (mkdir(path, 0755) == 0 || errno == EEXIST)
        return 0;
    if (errno != ENOENT)
        return -1;
    char *slash = strrchr(path, '/');
    while (slash && slash > path && slash[-1] == '/')
        slash--;
    if (!slash || slash == path)
        return -1;
    *slash = '\0';
    int rc = make_dirs(path);
    *slash = '/';
    if (rc < 0)
        return -1;
    return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

int cache_dir_fd(struct cache_store *s, int create)
{
    int fd = __atomic_load_n(&s->dir_fd, __ATOMIC_ACQUIRE);
    if (fd >= 0)
        return fd;
    fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
        char *path = xstrdup(s->dir);
        size_t n = strlen(path);
        while (n > 1 && path[n - 1] == '/')
            path[--n] = '\0';
        if (make_dirs(path) == 0)
            fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        free(path);
    }
    if (fd < 0)
        return -1;
    int none = -1;
    if (!__atomic_compare_exchange_n(&s->dir_fd, &none, fd, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        close(fd);  /* another thread opened it first */
        return none;
    }
    return fd;
}

int cache_shard_fd(int dir_fd, const char *name, int create)
{
    int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int fd = openat(dir_fd, name, flags);
    if (fd < 0 && errno == ENOENT && create
        && (mkdirat(dir_fd, name, 0755) == 0 || errno == EEXIST))
        fd = openat(dir_fd, name, flags);
    return fd;
}

static void key_names(const unsigned char key[32], char shard[CACHE_SHARD_CHARS + 1],
                      char name[CACHE_NAME_CHARS + 1])
{
    char all[65];
    sha256_hex(all, key);  /* any 32 bytes, SHA-256 or not */
    memcpy(shard, all, CACHE_SHARD_CHARS);
    shard[CACHE_SHARD_CHARS] = '\0';
    memcpy(name, all + CACHE_SHARD_CHARS, CACHE_NAME_CHARS + 1);
}

/* Deletes a bad entry unless a put has replaced it since it was opened (that one is
 * another file, and likely sound). */
static void remove_bad(int shard_fd, const char *name, const struct stat *seen)
{
    struct stat now;
    if (fstatat(shard_fd, name, &now, AT_SYMLINK_NOFOLLOW) == 0
        && (!seen || (now.st_dev == seen->st_dev && now.st_ino == seen->st_ino)))
        unlinkat(shard_fd, name, 0);
}

/* An entry up to this size is read into memory, a larger one mapped. Measured on this
 * project's build machine (a VM, where mapping is dear): 64 KiB entries 0.1 ms read
 * against 3 ms mapped, 1 MiB 1.2 against 4 ms, 16 MiB 24 against 18 ms, 100 MiB 2 s
 * against 120 ms (a fresh 100 MiB heap buffer faults in every page). */
#define READ_MAX (2u << 20)

/* The whole file in memory, or MAP_FAILED when it cannot be read. */
static void *read_whole(int fd, size_t size)
{
    unsigned char *buf = malloc(size);
    if (!buf)
        return MAP_FAILED;  /* the cache goes without: a miss */
    size_t got = 0;
    while (got < size) {
        ssize_t n = pread(fd, buf + got, size - got, (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free(buf);
            return MAP_FAILED;
        }
        if (n == 0) {
            memset(buf, 0, size);  /* truncated meanwhile: no magic, damaged */
            break;
        }
        got += (size_t)n;
    }
    return buf;
}

static void *map_whole(int fd, size_t size)
{
    /* populate: verifying touches every page anyway, one call beats a fault each */
    return mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
}

static void release_whole(void *p, size_t size)
{
    if (size > READ_MAX)
        munmap(p, size);
    else
        free(p);
}

static int miss(struct cache_store *s, int damaged)
{
    STAT_ADD(s, misses, 1);
    if (damaged)
        STAT_ADD(s, damaged, 1);
    return 0;
}

int cache_store_get(struct cache_store *s, const unsigned char key[32], struct cache_blob *out)
{
    memset(out, 0, sizeof *out);
    char shard[CACHE_SHARD_CHARS + 1], name[CACHE_NAME_CHARS + 1];
    key_names(key, shard, name);
    int dir_fd = cache_dir_fd(s, 0);
    if (dir_fd < 0)
        return miss(s, 0);
    int shard_fd = cache_shard_fd(dir_fd, shard, 0);
    if (shard_fd < 0)
        return miss(s, 0);
    /* O_NONBLOCK: a FIFO planted under an entry's name must not hang the run */
    int fd = openat(shard_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int bad = errno == ELOOP;  /* a symbolic link: never ours */
        if (bad)
            remove_bad(shard_fd, name, NULL);
        close(shard_fd);
        return miss(s, bad);
    }
    struct stat st;
    int verdict = CACHE_ENTRY_DAMAGED;
    void *map = MAP_FAILED;
    size_t size = 0;
    if (fstat(fd, &st) < 0) {
        close(fd);
        close(shard_fd);
        return miss(s, 0);
    }
    if (S_ISREG(st.st_mode) && st.st_size >= CACHE_ENTRY_HEADER
        && (uint64_t)st.st_size <= (uint64_t)SIZE_MAX) {
        size = (size_t)st.st_size;
        map = size <= READ_MAX ? read_whole(fd, size) : map_whole(fd, size);
        if (map == MAP_FAILED) {
            close(fd);
            close(shard_fd);
            return miss(s, 0);
        }
        verdict = cache_entry_verify(map, size, key);
    }
    if (verdict != CACHE_ENTRY_OK) {
        if (map != MAP_FAILED)
            release_whole(map, size);
        close(fd);
        remove_bad(shard_fd, name, &st);
        close(shard_fd);
        return miss(s, 1);
    }
    struct timespec now;
    if (clock_gettime(CLOCK_REALTIME, &now) == 0
        && now.tv_sec - st.st_mtim.tv_sec > REFRESH_AFTER_SECONDS)
        futimens(fd, NULL);  /* a read-only store keeps the old time: trim evicts it sooner */
    close(fd);
    close(shard_fd);
    out->map_ = map;
    out->map_len_ = size > READ_MAX ? size : 0;
    out->data = (const unsigned char *)map + CACHE_ENTRY_HEADER;
    out->len = size - CACHE_ENTRY_HEADER;
    STAT_ADD(s, hits, 1);
    STAT_ADD(s, bytes_read, out->len);
    return 1;
}

void cache_blob_release(struct cache_blob *b)
{
    if (b->map_len_)
        munmap(b->map_, b->map_len_);
    else
        free(b->map_);
    memset(b, 0, sizeof *b);
}

/* A new temporary in the shard, unique across processes and threads: pid, a serial and
 * the clock, and O_EXCL for whatever chance is left. */
static int open_temp(struct cache_store *s, int shard_fd, char *name, size_t size)
{
    for (int attempt = 0; attempt < TEMP_ATTEMPTS; attempt++) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        unsigned serial = __atomic_fetch_add(&s->temp_serial, 1, __ATOMIC_RELAXED);
        snprintf(name, size, CACHE_TEMP_PREFIX "%ld-%u-%lx", (long)getpid(), serial,
                 (unsigned long)t.tv_nsec);
        int fd = openat(shard_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

static int put_failed(struct cache_store *s)
{
    STAT_ADD(s, write_failures, 1);
    return -1;
}

int cache_store_put(struct cache_store *s, const unsigned char key[32], const void *payload,
                    size_t len)
{
    if (len > SIZE_MAX - CACHE_ENTRY_HEADER)
        return put_failed(s);
    char shard[CACHE_SHARD_CHARS + 1], name[CACHE_NAME_CHARS + 1], temp[64];
    key_names(key, shard, name);
    int dir_fd = cache_dir_fd(s, 1);
    if (dir_fd < 0)
        return put_failed(s);
    int shard_fd = cache_shard_fd(dir_fd, shard, 1);
    if (shard_fd < 0)
        return put_failed(s);
    int fd = open_temp(s, shard_fd, temp, sizeof temp);
    if (fd < 0) {
        close(shard_fd);
        return put_failed(s);
    }
    unsigned char header[CACHE_ENTRY_HEADER];
    cache_entry_header(header, key, payload, len);
    int ok = output_write_all(fd, header, sizeof header) == 0 && output_write_all(fd, payload, len) == 0;
    ok = close(fd) == 0 && ok;  /* a network file system may report a failed write here */
    ok = ok && renameat(shard_fd, temp, shard_fd, name) == 0;
    if (!ok)
        unlinkat(shard_fd, temp, 0);
    close(shard_fd);
    if (!ok)
        return put_failed(s);
    STAT_ADD(s, written, 1);
    STAT_ADD(s, bytes_written, len);
    return 0;
}
