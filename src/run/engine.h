/*
 * The check engine: spec + source -> result. Reads every file of every split once,
 * streams each example through the enabled gates, and lets each gate write its
 * section. Never prints, never exits.
 *
 *   struct result r;
 *   int rc = engine_check(&r, spec, src, NULL);   // r is filled up to the failure
 *   ...
 *   result_release(&r);
 */
#ifndef DSCI_ENGINE_H
#define DSCI_ENGINE_H

#include <stdbool.h>

#include "read/example.h"
#include "run/result.h"
#include "data/source.h"
#include "run/summary_cache.h"
#include "spec/spec.h"
#include "util/buf.h"

/* Someone else who wants to see every example of the run (the diff collector), in the
 * two steps gates use (gates/gate.h: extract, then replay of what extract wrote). */
struct engine_observer {
    void (*extract)(void *ctx, const struct example *ex, struct buf *out);
    void (*replay)(void *ctx, const struct example *at, const void *bytes, size_t len);
    void *ctx;
};

struct engine_options {
    const struct engine_observer *observer;   /* NULL for none */
    bool hash_files;   /* SHA-256 of every file (result.files), even when no gate needs it */
    bool missing_ok;   /* a split file that is not there is an empty split (a baseline
                        * from before the split existed), noted, not an error */
    bool measures_only; /* only the gates that measure (a baseline): skip PII, near-
                         * duplicates, leakage, the card, whose verdicts nobody reads */
    const char *spec_path;  /* the spec as findings show it (repository-relative in git);
                             * NULL: spec->path */
    struct cache_store *cache;   /* kept summaries to reuse and add to (cache/store.h); NULL: none */
    struct summary_cache_counts *cache_counts;   /* filled with what the cache did; NULL: not wanted */
    /* Receives the 32-byte key of every entry the run found or kept in the cache, so the
     * run's summary can be copied elsewhere (a released version's); NULL: not wanted. */
    struct buf *used_keys;
    /* The observer will not read example.hash (the diff without a baseline to compare
     * with): the run computes it only when a gate asks (run/engine.c says who). */
    bool observer_without_hash;
    /* A shard of a sharded check, or the merge of the parts (run/shard.h); NULL: neither.
     * A shard's run ends once its part holds what it read: no gate decides anything. */
    struct shard_job *shard;
    int shard_role;   /* enum part_role: the head or the baseline */
};

struct shard_job;

/*
 * What the reading thread tells a progress display as it goes (cli/progress.h draws
 * it); process-wide because a check runs the engine for the head and the baseline.
 * begin(): the run's files and their stored size in all; file(): one starts (stored:
 * its stored size; decompressed: its bytes are not the stored ones, so offsets do not
 * measure them); tick(): after each chunk, the file offset reached (bytes the reader
 * has) and the run's records so far; end(): reading is over, or failed. Called only on
 * the reading thread, once per chunk (a few MB), never per record.
 */
struct engine_progress {
    void (*begin)(void *ctx, size_t n_files, uint64_t total_stored);
    void (*file)(void *ctx, size_t index, const char *path, uint64_t stored, bool decompressed);
    void (*tick)(void *ctx, uint64_t offset, uint64_t records);
    /* Reading is done and the gates decide, which can take a while on a big run (near
     * duplicates, leakage, quotes read again); NULL: nothing to show then. */
    void (*finishing)(void *ctx);
    void (*end)(void *ctx);
    void *ctx;
};

/* Sets the display every later engine_check reports to; NULL for none (the default). */
void engine_set_progress(const struct engine_progress *p);

/* Returns 0 (whatever the verdict: see result_passed), or a negative DSCI_E* for a
 * usage/spec problem (a split's file is missing) or an I/O failure. `opts` may be NULL. */
int engine_check(struct result *out, const struct spec *spec, struct source *src,
                 const struct engine_options *opts);

#endif
