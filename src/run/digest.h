/*
 * A chunk's summary: what a run keeps of a piece of a data file so that the piece need
 * not be read again (issue 12). It is the file facts the piece showed (bytes, lines,
 * hygiene, the format it decided) and, per record in order, the record's place and
 * flags (line relative to the chunk, columns, format, errors, content hash) followed by
 * the bytes each gate's extract() wrote (gates/gate.h). Replaying a summary feeds the
 * gates exactly what reading the piece fed them, so merging summaries in file order
 * gives the result of one pass over all the data: same numbers, findings, lines, order.
 *
 *   payload = facts, record count, records; each record = place, then per slot
 *             (the run's gates in order, then the observer) a length and its bytes.
 *
 * Nothing in a summary depends on where the chunk is in its file, which file it is or
 * which split: those come from the run that replays it.
 */
#ifndef DSCI_DIGEST_H
#define DSCI_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "read/example.h"
#include "read/run_file.h"
#include "util/buf.h"
#include "util/wire.h"

/* Bumped whenever what a summary holds, or what any gate's extract() writes, changes:
 * it is part of every cache key, so old entries are never read as new ones. */
#define DIGEST_VERSION 2   /* 2: preference, completion and text records (a file of them
                              * was read as ShareGPT before) */

struct chunk_facts {
    uint64_t bytes, records, lines;
    uint64_t parsed;                    /* records that are examples (one signature each) */
    uint8_t format_out;                 /* the file's format once the chunk was read */
    bool lfs_pointer, is_array, bom, no_final_newline;
    uint64_t crlf_lines, first_crlf_line;     /* lines count from 1 at the chunk's start */
    uint64_t blank_lines, first_blank_line;
    const char *read_error;             /* NULL for none; borrowed */
    size_t read_error_len;
    uint64_t read_error_line;
};

/* The facts a reader_run over the chunk left on its run_file. */
void chunk_facts_from_file(struct chunk_facts *f, const struct run_file *file, uint64_t lines, uint64_t parsed);
void digest_put_facts(struct buf *out, const struct chunk_facts *f);
/* false when the bytes are damaged */
bool digest_get_facts(struct wire_in *in, struct chunk_facts *f);

/* A record's place and flags; lines relative to prev_line (the previous record's, 0 first). */
void digest_put_place(struct buf *out, const struct example *ex, uint64_t prev_line);
/* Fills at's place and flags (line = prev_line + delta, ordinal untouched); false when damaged. */
bool digest_get_place(struct wire_in *in, struct example *at, uint64_t prev_line);

#endif
