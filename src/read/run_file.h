/*
 * One file of the dataset as a run reads it: the engine names it (paths, split, LFS),
 * the reader (read/reader.h: reader_run) fills in what the bytes showed (format, array
 * or JSONL, size, records, checksum, hygiene, array positions), and the gates judge it
 * at finish() time (gates/gate.h: gate_ctx.files). It lives here, beside the reader,
 * so data flows read -> example -> gates and the reader knows nothing of gates.
 *
 * Ownership: whoever fills in path, root_path, read_error and positions (the engine,
 * init's sampler) frees them; the reader never allocates or frees any of them.
 */
#ifndef DSCI_RUN_FILE_H
#define DSCI_RUN_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec/spec.h"

/* One file the run read, and what the reader noticed about it. */
struct run_file {
    char *path;              /* as reports show it: repo-relative */
    char *root_path;         /* relative to the dataset root, as the spec and version file name it */
    size_t split;
    enum dataset_format format;   /* decided for this file (auto resolves per file) */
    bool is_array;           /* a JSON array file rather than JSONL */
    uint64_t bytes;
    uint64_t records;
    unsigned char sha256[32];     /* of the exact bytes, for the version file checksum */
    bool sha256_valid;
    bool lfs_pointer;        /* git LFS pointer: content not available */
    /* hygiene, reported by the format gate */
    bool bom, no_final_newline;
    uint64_t crlf_lines, blank_lines;
    size_t first_crlf_line, first_blank_line;
    char *read_error;        /* a problem with the file as a whole (array syntax, missing) */
    size_t read_error_line;
    /* A JSON array file's records by index: where each starts (a minified array is one
     * line). Kept by the engine (NULL for JSONL), so gates keep an index, not a place,
     * and findings name line, column and index (gates/common.h: gate_place). */
    struct run_position {
        uint64_t line;
        uint64_t column;         /* in bytes, as text, JSON and GitHub reports show it */
        uint64_t char_column;    /* in characters (code points), as SARIF declares */
    } *positions;
    size_t n_positions, alloc_positions;
};

#endif
