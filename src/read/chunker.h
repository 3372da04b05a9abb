/*
 * A JSONL file cut into content-defined chunks at line ends, so that a summary of each
 * chunk can be kept and reused (run/digest.h): whether a line ends a chunk depends only
 * on the line's bytes (and on the chunk being past its minimum size), so inserting,
 * editing or deleting a record changes the chunk it is in and, at most, the next one —
 * never every chunk after it. Chunks are a few MB; a chunk holds whole lines only.
 *
 *   struct chunker c;
 *   chunker_init(&c, &stream, max_line_bytes);
 *   while ((rc = chunker_next(&c, &data, &len)) == CHUNKER_CHUNK) ... the bytes [data, data+len) ...
 *   if (rc == CHUNKER_LONG_LINE) ... read the rest as a stream: chunker_rest(&c, &rest) ...
 *   chunker_release(&c);      // after chunker_sha256 if the checksum is wanted
 *
 * With `hash`, every byte handed out (as chunks or through the rest stream) goes into a
 * SHA-256 of the whole file.
 */
#ifndef DSCI_CHUNKER_H
#define DSCI_CHUNKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "data/byte_stream.h"
#include "util/sha256.h"

/* The expected length of a chunk past its minimum; chunks are at least a quarter and at
 * most four times that (a line longer than the most ends a chunk of its own). */
#define CHUNK_AVG_BYTES ((size_t)4 << 20)

enum {
    CHUNKER_END = 0,        /* no more bytes */
    CHUNKER_CHUNK = 1,      /* a chunk is ready */
    CHUNKER_LONG_LINE = 2,  /* a line passed max_line_bytes: read the rest whole (chunker_rest) */
};

struct chunker {
    const struct byte_stream *in;
    size_t max_line;
    size_t min_bytes, avg_bytes, max_bytes;
    char *buf;
    size_t cap, len;         /* bytes held: buf[0, len) */
    size_t handed;           /* the last chunk's length, dropped on the next call */
    size_t scanned;          /* buf[0, scanned) is whole lines already judged */
    uint64_t scanned_lines;  /* ... this many */
    uint64_t chunk_lines;    /* lines of the chunk chunker_next handed out last */
    bool eof;
    uint64_t bytes;          /* read from the stream so far */
    bool hash;               /* the file's SHA-256 is wanted */
    struct sha256 sha;
    size_t rest_pos;         /* chunker_rest: what of buf the rest stream has given */
};

/* avg_bytes: CHUNK_AVG_BYTES, or smaller for tests (any value from 64 on). */
void chunker_init(struct chunker *c, const struct byte_stream *in, size_t max_line_bytes, size_t avg_bytes,
                  bool hash);

/* Makes sure at least `want` bytes (or all the file's, if fewer) are held, for a look at
 * the file's start before the first chunk: *data, *len show them. 0 or a negative DSCI_E*. */
int chunker_peek(struct chunker *c, size_t want, const char **data, size_t *len);

/* The next chunk, valid until the next call: CHUNKER_CHUNK, CHUNKER_END, CHUNKER_LONG_LINE
 * or a negative DSCI_E* read error. The last chunk may lack a final newline. */
int chunker_next(struct chunker *c, const char **data, size_t *len);

/* After CHUNKER_LONG_LINE: a stream of the file from the start of the chunk that could
 * not be cut to the end (still hashed). Valid while the chunker lives. */
void chunker_rest(struct chunker *c, struct byte_stream *out);

/* The SHA-256 of the whole file, once the last chunk (or the rest stream) was read
 * (zeros without `hash`); once. */
void chunker_sha256(struct chunker *c, unsigned char out[32]);

void chunker_release(struct chunker *c);

#endif
