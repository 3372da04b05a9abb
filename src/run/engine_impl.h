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
    /* NULL: a whole check. A shard of one (run/shard.h): reads only its pieces and writes
     * their summaries to its part; or the merge of the parts: replays them, reads nothing. */
    struct shard_run *shard;
};

/* Where a piece's records go in their file, carried across the slices of a piece. */
struct replay_pos {
    uint64_t line_base;      /* lines of the file before the piece */
    uint64_t ordinal;        /* the next record's ordinal in the file */
    uint64_t prev_line;      /* the previous record's line, relative to the piece */
};

/* Where the next piece of a file starts, as its pieces are replayed or read. */
struct piece_at {
    struct replay_pos pos;
    uint64_t offset;         /* bytes of the file before it */
    bool first;
};

/* One piece being read: its records' summary as the reader delivers them. */
struct piece {
    struct run *run;
    size_t file_index;
    struct buf records;
    uint64_t n_records, parsed;
    uint64_t prev_line;          /* the last summarised record's line, relative */
    struct replay_pos pos;       /* where replay of this piece stands */
    bool keep;                   /* the whole summary is wanted at the end (cached, or a shard's) */
};

/* A kept piece: its summary and, when the run signs, its signatures. */
struct kept {
    struct cache_blob summary, sigs;
};

struct chunk_facts;

/* A piece's summary as the cache and a shard's part keep it (run/digest.h). */
void engine_compose_summary(struct buf *out, const struct chunk_facts *facts, const struct piece *p);

/* Replays a kept summary of a piece of file i that started as `start` with `lines` lines
 * (UINT64_MAX: the rest of the file, read whole); `at` moves past it. */
int engine_replay_summary(struct run *run, size_t i, const struct kept *k, enum reader_start start, uint64_t lines,
                          struct piece_at *at);

/* The shard's side of reading file i (run/engine_shard.c). */
/* The merge: file i replayed from the parts. */
int engine_shard_replay_file(struct run *run, size_t i);
/* A shard skips a piece that is another's: the format the file's earlier pieces decided
 * must still follow it, for the shard's own pieces after it (one record usually tells). */
int engine_shard_skip_piece(struct run *run, size_t i, const char *data, size_t len, enum reader_start start);
/* A shard read or replayed a piece of its own (`before`: where it started): to its part.
 * summary: the piece's summary; sigs NULL when the piece was signed while read (its
 * signatures are the run's from first_sig on, written at the end of the run). */
int engine_shard_emit(struct run *run, size_t i, const struct piece_at *before, enum reader_start start,
                      enum dataset_format format_in, uint64_t lines, const void *summary, size_t len,
                      const struct cache_blob *sigs, size_t first_sig);
/* The end of a shard's run: the signatures of the pieces it read cold, to its part. */
int engine_shard_finish(struct run *run);

/* Puts "spec:line: split 'name': " before the error a path of the split met; returns rc. */
int engine_spec_error(const struct spec *spec, const struct spec_split *split, int rc);

/* Reads file i of the run (run->files[i]) into the gates. 0 or a negative DSCI_E*. */
int engine_read_file(struct run *run, size_t i);

/* The progress display engine_set_progress() chose; NULL for none. */
extern const struct engine_progress *engine_progress_display;

/* reader_options.annotate for every run (ctx: the run): what the parsing threads do per
 * record (run/engine_read.c). */
void engine_annotate(void *ctx, struct example *ex, struct buf *out);

/* Every gate's extract() runs on the parsing threads (engine_annotate): none is left for
 * the reading thread. */
bool engine_extracts_on_workers(const struct run *run);

/* Keeps the signatures of the chunks read this run (after signature_store_finish). */
void engine_keep_signatures(struct run *run);

#endif
