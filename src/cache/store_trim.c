/*
 * Trim: the least recently used entries go first (a hit refreshes an entry's time, see
 * store.c), until what is left fits; temporaries of killed runs go after an hour.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache/store_impl.h"
#include "util/xalloc.h"

/* A temporary this old is no live put's: even a huge entry is written in seconds. */
#define STALE_TEMP_SECONDS 3600

struct trim_entry {
    struct timespec mtime;
    uint64_t size;
    char shard[CACHE_SHARD_CHARS + 1];
    char name[CACHE_NAME_CHARS + 1];
};

struct trim_list {
    struct trim_entry *items;
    size_t n, alloc;
    uint64_t total;
};

static int all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return s[n] == '\0';
}

/* Lists one shard's entries and deletes its stale temporaries. */
static void scan_shard(int dir_fd, const char *shard, time_t now, struct trim_list *list)
{
    int fd = cache_shard_fd(dir_fd, shard, 0);
    if (fd < 0)
        return;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        int temp = strncmp(e->d_name, CACHE_TEMP_PREFIX, strlen(CACHE_TEMP_PREFIX)) == 0;
        if (!temp && !all_hex(e->d_name, CACHE_NAME_CHARS))
            continue;
        struct stat st;
        if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
            continue;
        if (temp) {
            if (now - st.st_mtim.tv_sec > STALE_TEMP_SECONDS)
                unlinkat(fd, e->d_name, 0);
            continue;
        }
        struct trim_entry *t = ALLOC_APPEND(list->items, list->n, list->alloc);
        t->mtime = st.st_mtim;
        t->size = (uint64_t)st.st_size;
        memcpy(t->shard, shard, sizeof t->shard);
        memcpy(t->name, e->d_name, sizeof t->name);
        list->total += t->size;
    }
    closedir(d);
}

/* Oldest first; the name breaks ties so every process evicts in the same order. */
static int older_first(const void *pa, const void *pb)
{
    const struct trim_entry *a = pa, *b = pb;
    if (a->mtime.tv_sec != b->mtime.tv_sec)
        return a->mtime.tv_sec < b->mtime.tv_sec ? -1 : 1;
    if (a->mtime.tv_nsec != b->mtime.tv_nsec)
        return a->mtime.tv_nsec < b->mtime.tv_nsec ? -1 : 1;
    int c = strcmp(a->shard, b->shard);
    return c ? c : strcmp(a->name, b->name);
}

static size_t evict(int dir_fd, struct trim_list *list, uint64_t max_bytes)
{
    qsort(list->items, list->n, sizeof *list->items, older_first);
    size_t evicted = 0;
    int shard_fd = -1;
    const char *open_shard = NULL;
    for (size_t i = 0; i < list->n && list->total > max_bytes; i++) {
        struct trim_entry *t = &list->items[i];
        if (!open_shard || strcmp(open_shard, t->shard) != 0) {
            if (shard_fd >= 0)
                close(shard_fd);
            shard_fd = cache_shard_fd(dir_fd, t->shard, 0);
            open_shard = t->shard;
        }
        if (shard_fd < 0)
            continue;
        /* gone already: another process trimmed it, it no longer counts either way */
        if (unlinkat(shard_fd, t->name, 0) == 0)
            evicted++;
        else if (errno != ENOENT)
            continue;
        list->total -= t->size;
    }
    if (shard_fd >= 0)
        close(shard_fd);
    return evicted;
}

int cache_store_trim(struct cache_store *s)
{
    int dir_fd = cache_dir_fd(s, 0);
    if (dir_fd < 0)
        return 0;
    /* its own open file, not a dup: a listing's position must not be shared */
    int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    struct trim_list list = {0};
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d)))
        if (all_hex(e->d_name, CACHE_SHARD_CHARS))
            scan_shard(dir_fd, e->d_name, now, &list);
    closedir(d);
    size_t evicted = list.total > s->max_bytes ? evict(dir_fd, &list, s->max_bytes) : 0;
    free(list.items);
    STAT_ADD(s, evicted, evicted);
    return evicted > INT32_MAX ? INT32_MAX : (int)evicted;
}
