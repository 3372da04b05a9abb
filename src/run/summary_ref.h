/*
 * A released version's summary, kept in git: every summary cache entry (run/summary_cache.h)
 * a baseline-mode run of the tagged tree used, packed into one blob that the ref
 * refs/dsci/summary/<tag> names. `dsci bump --tag` stores it; a check whose baseline is
 * that tag imports it into the local cache first, so a fresh clone with an empty cache
 * replays the baseline instead of parsing it.
 *
 * The pack: "DSCISUMP", varint version (1), u64 count, then per entry the 32-byte key
 * and the length-prefixed payload (util/wire.h), then the SHA-256 of everything before.
 * A pack is verified whole before one entry is imported; anything wrong in it (damage,
 * truncation, another format or version) imports nothing, and the run reads the baseline
 * as it would without the pack.
 *
 *   summary_ref_store(repo, "v1.2.0", store, &used_keys, &n);         // at bump time
 *   struct summary_import imp;
 *   summary_ref_import(repo, "v1.2.0", store, &imp);                   // before the baseline run
 */
#ifndef DSCI_SUMMARY_REF_H
#define DSCI_SUMMARY_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache/store.h"
#include "util/buf.h"

struct repo;

#define SUMMARY_REF_PREFIX "refs/dsci/summary/"
#define SUMMARY_PACK_VERSION 1

/* What importing a released version's summary did (--explain-cache). */
struct summary_import {
    bool found;            /* the tag has a summary ref */
    bool ignored;          /* ... that was unreadable, damaged or foreign: nothing imported */
    char *why;             /* when ignored: what was wrong (the caller frees) */
    uint64_t entries;      /* entries in the pack */
    uint64_t imported;     /* ... put into the store */
    uint64_t present;      /* ... the store had already */
};

/* Appends the pack of every entry whose key is in `keys` (32 bytes each, repeats allowed,
 * in any order) and that `store` still holds. Returns the number of entries packed. */
size_t summary_pack_make(struct buf *out, struct cache_store *store, const void *keys, size_t keys_len);

/* Verifies the pack whole, then puts every entry the store lacks. 0, or DSCI_EENV with
 * the reason in err_last() and nothing put. */
int summary_pack_import(struct cache_store *store, const void *pack, size_t len, struct summary_import *out);

/* "refs/dsci/summary/<tag>" (the caller frees). */
char *summary_ref_name(const char *tag);

/* Packs the entries of `keys` and points the tag's summary ref at the pack. 0 (and
 * *n_entries), or < 0 with err_last(): no entry to pack, or git refused the blob or ref. */
int summary_ref_store(const struct repo *repo, const char *tag, struct cache_store *store, const struct buf *keys,
                      size_t *n_entries);

/* Imports the tag's summary ref, when there is one, into `store`. Never fails: *out says
 * what happened (release it with summary_import_release). */
void summary_ref_import(const struct repo *repo, const char *tag, struct cache_store *store,
                        struct summary_import *out);
void summary_import_release(struct summary_import *imp);

#endif
