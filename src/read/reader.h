/*
 * src/read/ owns bytes -> examples: framing, the record parser (yajl's SAX interface),
 * the format mapping, the parsing threads and the normalized example (read/example.h).
 * It knows nothing of gates or runs: the engine hands it a stream and a struct run_file
 * (read/run_file.h) and gets examples back.
 *
 * Reads JSONL (one record per line) or a JSON array of records (a `.jsonl` file is
 * always JSONL, any other is an array when its first byte is '['), in ShareGPT, OpenAI
 * chat or Alpaca form (or auto: decided per file from the first record). Every record
 * gets its exact starting line; broken bytes (invalid JSON or UTF-8, NUL, an over-long
 * line, deep nesting) become issues on the example, never a crash. Memory is bounded
 * by the largest record, not the file.
 *
 *   struct reader_options o;
 *   reader_options_from_spec(&o, spec);
 *   reader_run(&file, &stream, &o, on_example, ctx);   // on_example per record
 *
 * Ownership and invariants:
 *   - the example handed to the callback, and every text it points to, is the reader's
 *     and valid only during the call (copy what you keep);
 *   - the callback runs on the calling thread, once per record, in file order, with
 *     ex->ordinal counting 0, 1, 2 ... (also when records were parsed on threads);
 *   - reader_options' strings are borrowed for the duration of reader_run;
 *   - reader_run frees everything it allocates; it writes only the reader's fields of
 *     the run_file (see reader_run) and never touches its strings.
 */
#ifndef DSCI_READER_H
#define DSCI_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "read/example.h"
#include "read/run_file.h"
#include "util/buf.h"
#include "data/source.h"
#include "spec/spec.h"

struct reader_options {
    enum dataset_format format;
    size_t max_line_bytes;
    const char *id_field;      /* top-level key, NULL for none */
    const char *label_field;   /* dotted path for coverage by field, NULL for none */
    const char *role_human, *role_assistant, *role_system;
    size_t file_index;         /* copied to example.file_index */
    bool hash_file;            /* compute run_file.sha256 of the exact bytes */
    bool no_example_hash;      /* leave example.hash zero: nobody reads it (run/engine.c) */
    unsigned parse_threads;    /* JSONL records parsed on this many more threads (0: here) */
    uint64_t parallel_after;   /* ... once this many bytes of the file are read (small files:
                                * starting threads costs more than it saves) */
    /* Where the bytes are in their file: the run reads a JSONL file as chunks
     * (read/chunker.h), each one reader_run. READER_START_FILE: the whole file, whose
     * start says what it is; READER_START_JSONL: the first chunk of a file already known
     * to be JSONL (a BOM is still looked for); READER_START_CONTINUE: a later chunk (no
     * BOM; lines and ordinals count from 1 and 0 again, the caller adds where it starts),
     * whose records keep the format initial_format (what the file's earlier chunks
     * decided, FORMAT_AUTO while none did). */
    enum reader_start { READER_START_FILE = 0, READER_START_JSONL, READER_START_CONTINUE } start;
    enum dataset_format initial_format;
    /* Non-NULL: the bytes to read are these n_bytes, in memory for the whole reader_run
     * (a chunk of a file), and the stream is not read. They are framed where they are,
     * and parsing threads take their lines from there: no copy. */
    const char *bytes;
    size_t n_bytes;
    /* Called once per record (parsed or not) on the thread that parsed it (a parsing
     * worker, or the reading thread), before the record is delivered: work on its texts
     * that may run in parallel. It may set fields of the example (the run's coverage
     * category) and write bytes to `out`, which the delivered example carries as
     * ex->note / note_len (the run's per-record summary). It must be thread-safe.
     * NULL: none. */
    void (*annotate)(void *ctx, struct example *ex, struct buf *out);
    void *annotate_ctx;
};

#define READER_DEFAULT_MAX_LINE ((size_t)64 << 20)
#define READER_MAX_DEPTH 512
#define READER_MAX_MESSAGES 100000   /* per record; more are counted, not kept */
#define READER_MAX_TOOL_CALLS_CHECKED 1000 /* per record, against its declared tools */

void reader_options_from_spec(struct reader_options *o, const struct spec *spec);

/* Return non-zero from the callback to stop reading (that value is returned). */
typedef int (*reader_callback)(void *ctx, const struct example *ex);

/* Streams one file (file->path, root_path and split are read, not owned). Fills
 * file->format, is_array, bytes, records, sha256 (sha256_valid), lfs_pointer and the
 * hygiene counts. Returns 0, the callback's non-zero value, or a negative DSCI_E* error for I/O. */
int reader_run(struct run_file *file, const struct byte_stream *in,
               const struct reader_options *o, reader_callback cb, void *cb_ctx);

/* The file name ends in .jsonl (any case): it is read as JSONL whatever its content. */
bool reader_path_is_jsonl(const char *path);

/* Whether a file must be read whole, from its first bytes (at least 64 of them unless it
 * is shorter): a git LFS pointer, or a JSON array (not a .jsonl name, and the first byte
 * after a BOM and blanks is '['); a JSONL file can be read in chunks. */
bool reader_is_lfs_pointer(const char *buf, size_t len);
bool reader_starts_array(const char *path, const char *buf, size_t len);

/* A small whole JSON document (tool call arguments, version file): is it valid, and is
 * it an object? */
bool reader_json_is_object(const char *text, size_t len);

/* Where Python's json module reports the first error of a JSON document, as a byte
 * offset into text (the offending byte; the opening quote of an unterminated string;
 * len for a premature end), or len + 1 when there is none. */
size_t reader_json_error_offset(const char *text, size_t len);

#endif
