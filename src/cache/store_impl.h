/*
 * What store.c and store_trim.c share: the store itself and the names of its files.
 */
#ifndef DSCI_CACHE_STORE_IMPL_H
#define DSCI_CACHE_STORE_IMPL_H

#include <stdint.h>

#include "cache/store.h"

struct cache_store {
    char *dir;
    int dir_fd;          /* -1 until the folder exists; set once, atomically */
    uint64_t max_bytes;
    unsigned temp_serial;
    struct cache_stats stats;
};

#define STAT_ADD(s, field, n) __atomic_fetch_add(&(s)->stats.field, (uint64_t)(n), __ATOMIC_RELAXED)

/* Entry "ab/<62 hex>": the shard folder and the file name in it. */
#define CACHE_SHARD_CHARS 2
#define CACHE_NAME_CHARS 62
/* Temporaries start with this; nothing else in a shard does. */
#define CACHE_TEMP_PREFIX ".tmp-"

/* The store folder's descriptor, opening it (and with `create`, making it) if need be;
 * -1 when it is not there or not usable. */
int cache_dir_fd(struct cache_store *s, int create);

/* The shard folder `name` under the store, never through a symbolic link; -1 if none. */
int cache_shard_fd(int dir_fd, const char *name, int create);

#endif
