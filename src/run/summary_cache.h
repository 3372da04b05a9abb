/*
 * The summary cache of a run: which kept summaries (run/digest.h) a run may reuse, and
 * under what key (cache/store.h keeps the bytes). A key covers everything that decides
 * a summary's bytes: dsci's version and DIGEST_VERSION, the reader's settings, the gates
 * that run with the spec settings their extract() reads (gate.digest_key), whether the
 * diff observes, and the data: a chunk's SHA-256 with where it starts (the file's first
 * chunk or a later one, and the format the file's earlier chunks decided). Change any of
 * them and the key changes, so a stale summary is never found, only left to eviction.
 *
 *   struct summary_cache *c = summary_cache_new(store, spec, gates..., observer);
 *   summary_cache_chunk_key(c, start, format, bytes, n, key);
 *   ... cache_store_get(c->store, key, &blob) ...
 *   summary_cache_free(c);
 */
#ifndef DSCI_SUMMARY_CACHE_H
#define DSCI_SUMMARY_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache/store.h"
#include "read/reader.h"
#include "spec/spec.h"
#include "util/buf.h"

struct gate;

/* What the run did with the cache, for --explain-cache. */
struct summary_cache_counts {
    uint64_t files_skipped;        /* whole files replayed by their blob id, not read */
    uint64_t chunks_reused, chunks_read;
    uint64_t chunks_absent, chunks_damaged;   /* why a chunk was read */
    uint64_t bytes_reused, bytes_read;
    uint64_t sigs_reused, sigs_made;
    uint64_t uncacheable_pieces;   /* read whole: no blob id for a JSON array file, or a line too long */
};

struct summary_cache {
    struct cache_store *store;     /* borrowed */
    unsigned char config[32];      /* the key of everything but the data */
    size_t sig_shingle, sig_permutations;   /* 0: the run makes no signatures */
    struct summary_cache_counts counts;
    struct buf *used_keys;         /* NULL, or every key found or kept is appended */
};

/* Notes a key the run found or kept (for engine_options.used_keys). */
void summary_cache_used(struct summary_cache *c, const unsigned char key[32]);

struct repo;

/* The cache is on unless the user said --no-cache (or DSCI_NO_CACHE=1): one switch for
 * every command of the process. */
void summary_cache_disable(void);
bool summary_cache_enabled(void);

/* The repository's store: $DSCI_CACHE_DIR, else <git common dir>/dsci/cache, bounded by
 * $DSCI_CACHE_MAX (util/size_text.h: "512MiB", "2GB"; default 2 GiB). *out NULL (and 0) when the cache
 * is off or there is no repository; a store that cannot be opened is no cache, not an
 * error (a cache never fails a run). */
void summary_cache_open_store(struct cache_store **out, const struct repo *repo);

/* gates: the run's gates in run order (only those with a replay have bytes in a summary),
 * states: their begin()'s states (a key may name what begin() read, such as the
 * tokenizer's bytes), or NULL. */
void summary_cache_init(struct summary_cache *c, struct cache_store *store, const struct spec *spec,
                        const struct reader_options *ro, const struct gate *const *gates,
                        const void *const *states, size_t n_gates,
                        bool observer, size_t sig_shingle, size_t sig_permutations);

void summary_cache_chunk_key(const struct summary_cache *c, enum reader_start start,
                             enum dataset_format initial_format, const void *bytes, size_t len,
                             unsigned char key[32]);
/* The key of a chunk's signatures (the same chunk, the run's signature shape). */
void summary_cache_sig_key(const struct summary_cache *c, const unsigned char chunk_key[32], unsigned char key[32]);
/* The key of a whole file's list of chunks, by its git blob id (binary). */
void summary_cache_file_key(const struct summary_cache *c, const char *root_path, const unsigned char *blob_id,
                            size_t id_len, unsigned char key[32]);

#endif
