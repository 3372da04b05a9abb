/*
 * The engine's insides, shared by its two files (nothing outside src/run/engine*.c
 * includes this): run/engine.c sets a run up (files, gates, signatures) and finishes it;
 * run/engine_read.c reads each file as chunks, turns every record into its summary
 * (run/digest.h) and replays summaries into the gates.
 */
#ifndef DSCI_ENGINE_IMPL_H
#define DSCI_ENGINE_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gates/gate.h"
#include "read/reader.h"
#include "run/engine.h"
#include "run/classify.h"
#include "run/reread.h"
#include "run/signatures.h"
#include "run/summary_cache.h"
#include "util/buf.h"

struct active_gate {
    const struct gate *gate;
    void *state;
};

struct run {
    const struct spec *spec;
    struct source *src;
    struct run_file *files;
    uint64_t *examples_per_file;
    struct active_gate *gates;
    size_t n_gates;
    struct result *result;
    const struct engine_observer *extra;
    struct signature_store *signatures;
    struct reader_options ro;
    bool hash_files;         /* every file's SHA-256 is shown (a gate or the caller asked) */
    size_t chunk_bytes;      /* CHUNK_AVG_BYTES, or DSCI_CHUNK_BYTES (tests: many chunks from little data) */
    struct classifier *classifier;   /* the coverage rules, when the coverage gate or the diff asks */
    bool extract_on_main;    /* some gate's extract() must run on the reading thread, in order */
    struct reread_file *pieces;   /* per file, where each piece was: to read an example again */
    /* NULL: every file is read. Cold chunks' signatures are kept once they are made,
     * at the end of the run (engine_keep_signatures). */
    struct summary_cache *cache;
    struct pending_sig {
        unsigned char key[32];
        size_t first, count;
    } *pending_sigs;
    size_t n_pending_sigs, alloc_pending_sigs;
};

/* Puts "spec:line: split 'name': " before the error a path of the split met; returns rc. */
int engine_spec_error(const struct spec *spec, const struct spec_split *split, int rc);

/* Reads file i of the run (run->files[i]) into the gates. 0 or a negative DSCI_E*. */
int engine_read_file(struct run *run, size_t i);

/* reader_options.annotate for every run (ctx: the run): what the parsing threads do per
 * record (run/engine_read.c). */
void engine_annotate(void *ctx, struct example *ex, struct buf *out);

/* Every gate's extract() runs on the parsing threads (engine_annotate): none is left for
 * the reading thread. */
bool engine_extracts_on_workers(const struct run *run);

/* Keeps the signatures of the chunks read this run (after signature_store_finish). */
void engine_keep_signatures(struct run *run);

#endif
