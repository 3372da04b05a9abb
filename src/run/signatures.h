/*
 * The MinHash signatures of a run's parsed examples (src/minhash.c), computed once for
 * every gate that compares examples by similarity (the duplicates gate's near check and
 * the leakage gate), on worker threads while the main thread goes on reading.
 *
 *   struct signature_store *s = signature_store_new(shingle, permutations, workers);
 *   signature_store_add(s, ex);            // every parsed example, in run order
 *   signature_store_finish(s);             // waits for the workers
 *   ... s->recs[i], signature_store_sig(s, i), s->no_words[i] ...
 *   signature_store_free(s);
 *
 * With 0 workers the signatures are computed inside add(). The result is the same
 * whatever the number of workers: each example's slot is fixed by its position.
 */
#ifndef DSCI_SIGNATURES_H
#define DSCI_SIGNATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "read/example.h"
#include "run/minhash.h"

/* Where a signed example is: its content hash (first 16 bytes), file, line and split. */
struct sig_rec {
    uint64_t h0, h1;
    uint64_t line;
    uint32_t file, split;
};

struct signature_store {
    struct minhash mh;
    size_t n;                  /* examples added */
    struct sig_rec *recs;      /* n records */
    minhash_slot *sigs;        /* n * mh.permutations, valid after finish() */
    unsigned char *no_words;   /* n flags: the example has no token (never compared) */
    uint32_t *by_content;      /* after finish(): indices sorted by content hash, split, index */
    bool sigs_in_file;         /* after finish(): sigs maps a temporary file (signatures.c) */
    struct signature_work *work;   /* private */
};

struct signature_store *signature_store_new(size_t shingle, size_t permutations, unsigned workers);
void signature_store_add(struct signature_store *s, const struct example *ex);
/* An example whose signature was made before (a cached chunk's): `at` as gates' replay
 * sees it, sig its mh.permutations slots. */
void signature_store_add_signed(struct signature_store *s, const struct example *at, const minhash_slot *sig,
                                bool no_words);
void signature_store_finish(struct signature_store *s);
/* After finish(): the signatures of examples [first, first + count) were read through
 * (kept in the cache, say). A store in a temporary file gives their pages back; they
 * are read from the file again if needed. Nothing otherwise. */
void signature_store_read_through(const struct signature_store *s, size_t first, size_t count);
void signature_store_free(struct signature_store *s);

static inline const minhash_slot *signature_store_sig(const struct signature_store *s, size_t i)
{
    return s->sigs + i * s->mh.permutations;
}

#endif
