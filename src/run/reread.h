/*
 * Reading one example of the run again, texts and all, for a gate that kept only a hash
 * of a text and must quote it at finish() (gate_ctx.reread): the quality gate's names of
 * repeated messages, when the example came from the summary cache or its name was not
 * seen by extract(). Rare (a handful per run) and simple: the file is read again from
 * its start with the run's reader options up to the example.
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

struct reread {
    struct source *src;
    const struct run_file *files;
    size_t n_files;
    struct reader_options options;   /* the run's, file_index set per read */
};

/* gate_ctx.reread with engine = a struct reread: calls cb with the example of file
 * `file` at pos (gates/common.h: gate_example_pos, its line or its index in a JSON
 * array file). Returns 0 when cb was called, DSCI_EUSAGE when there is no such example,
 * or a negative DSCI_E* I/O error (err_last() says why). */
int reread_example(void *engine, size_t file, uint64_t pos,
                   void (*cb)(void *arg, const struct example *ex), void *arg);

#endif
