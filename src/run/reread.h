/*
 * Reading one example of the run again, texts and all, for a gate that kept only a hash
 * of a text and must quote it at finish() (gate_ctx.reread): the quality gate's names of
 * repeated messages, when the example came from the summary cache or its name was not
 * seen by extract(). Rare (a handful per run): only the chunk the example is in is
 * parsed again (the file's bytes before it are read past, not parsed); without the
 * run's pieces, or in a JSON array file, the file is read from its start.
 *
 *   struct reread rr = { src, files, n_files, ro };
 *   ctx.reread = reread_example; ctx.engine = &rr;
 */
#ifndef DSCI_REREAD_H
#define DSCI_REREAD_H

#include <stddef.h>
#include <stdint.h>

#include "data/source.h"
#include "read/example.h"
#include "read/reader.h"
#include "read/run_file.h"

/* One piece of a file as the run read it (run/engine_read.c): a chunk, or the rest of
 * the file read whole (lines UINT64_MAX). */
struct reread_piece {
    uint64_t line_base, lines;       /* lines of the file before it, and its own */
    uint64_t offset, bytes;          /* where its bytes are in the file */
    enum reader_start start;
    enum dataset_format format_in;   /* the format the file's earlier pieces decided */
};

struct reread_file {
    struct reread_piece *pieces;
    size_t n, alloc;
};

struct reread {
    struct source *src;
    const struct run_file *files;
    size_t n_files;
    struct reader_options options;   /* the run's, file_index set per read */
    const struct reread_file *pieces;   /* per file; NULL: read every file from its start */
};

/* gate_ctx.reread with engine = a struct reread: calls cb with the example of file
 * `file` at pos (gates/common.h: gate_example_pos, its line or its index in a JSON
 * array file). Returns 0 when cb was called, DSCI_EUSAGE when there is no such example,
 * or a negative DSCI_E* I/O error (err_last() says why). */
int reread_example(void *engine, size_t file, uint64_t pos,
                   void (*cb)(void *arg, const struct example *ex), void *arg);

#endif
