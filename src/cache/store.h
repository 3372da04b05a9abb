/*
 * The on-disk store of the summary cache: content-addressed entries, one file each,
 * dir/ab/cdef... (the key's 64 hex digits split like git's objects). The caller makes
 * the 32-byte keys (SHA-256 of whatever decides the content); the store keeps bytes.
 *
 *   struct cache_store *s;
 *   if (cache_store_open(&s, ".dsci/cache", 512u << 20) < 0) ... err_last() ...
 *   struct cache_blob b;
 *   if (cache_store_get(s, key, &b)) { use(b.data, b.len); cache_blob_release(&b); }
 *   else cache_store_put(s, key, bytes, n);
 *   cache_store_trim(s);
 *   cache_store_close(s);
 *
 * A cache never fails a run: a missing, read-only or full disk makes gets miss and puts
 * return -1 (counted in the stats). Every entry read is verified whole (entry.h); a
 * damaged entry, or one copied under another key's name, is deleted and counted, never
 * returned. Other processes may get, put and trim the same folder at the same time: an
 * entry is written to a temporary beside it and renamed into place, and what a get
 * returned stays valid when the file is replaced or deleted (a copy for entries up to
 * 2 MiB, a read-only mapping above: store.c says why). Entries are not fsynced: a power
 * cut may leave one torn, and the next get finds it damaged.
 *
 * One store may be shared by threads (the counters are atomic). The one thing no reader
 * survives is another program truncating an entry in place while it is mapped (SIGBUS);
 * dsci never does.
 */
#ifndef DSCI_CACHE_STORE_H
#define DSCI_CACHE_STORE_H

#include <stddef.h>
#include <stdint.h>

struct cache_store;

struct cache_stats {
    uint64_t hits, misses;     /* gets that returned 1 / 0 */
    uint64_t damaged;          /* misses that found a damaged or foreign entry (deleted) */
    uint64_t written, write_failures;
    uint64_t evicted;          /* entries trim deleted */
    uint64_t bytes_read;       /* payload bytes of hits */
    uint64_t bytes_written;    /* payload bytes of successful puts */
};

/* The folder is only made by the first put (like mkdir -p below the nearest folder that
 * exists, 0755 before the umask). 0, or DSCI_EUSAGE when `dir` is empty or names
 * something that is not a folder. */
int cache_store_open(struct cache_store **out, const char *dir, uint64_t max_bytes);

/* A payload that was found; the fields ending in _ are the store's (map_len_ is 0 when
 * map_ is a heap copy rather than a mapping). */
struct cache_blob {
    const void *data;
    size_t len;
    void *map_;
    size_t map_len_;
};

/* 1: found and verified, `out` valid until cache_blob_release; 0: absent, damaged,
 * foreign or unreadable (`out` zeroed, releasing it is harmless). A hit refreshes the
 * entry's modification time when it is a few minutes old, which is what trim keeps. */
int cache_store_get(struct cache_store *s, const unsigned char key[32], struct cache_blob *out);
void cache_blob_release(struct cache_blob *b);

/* Writes the entry whole or not at all (replacing one there): 0, or -1 and
 * write_failures counted. Files are 0644 before the umask; no symbolic link in the
 * store is ever followed. */
int cache_store_put(struct cache_store *s, const unsigned char key[32], const void *payload,
                    size_t len);

/* Deletes the least recently used entries until the entries' sizes add up to at most
 * max_bytes (0 empties the store), and temporaries an hour old (runs killed mid-put).
 * Returns the number of entries it deleted; problems only make it delete less. */
int cache_store_trim(struct cache_store *s);

/* Read it when no other thread uses the store. */
const struct cache_stats *cache_store_stats(const struct cache_store *s);
void cache_store_close(struct cache_store *s);

#endif
