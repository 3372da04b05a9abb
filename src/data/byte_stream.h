/*
 * A pull stream of bytes: what a source hands the reader. The owner of ctx is the
 * stream; close() releases it (and may be called once, after any number of reads).
 *
 *   struct byte_stream s;
 *   source_open_stream(src, "data/train.jsonl", &s);
 *   while ((n = s.read(s.ctx, buf, sizeof(buf))) > 0) ...   // < 0: err_last() says why
 *   s.close(s.ctx);
 *
 * Its own header so that the source backends (source_backend.h) need not include the
 * source façade (source.h) that dispatches to them.
 */
#ifndef DSCI_BYTE_STREAM_H
#define DSCI_BYTE_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* read() returns the number of bytes put in buf, 0 at the end, or a negative DSCI_E*
 * code (err_last() says why).
 *
 * stored (NULL for most streams): for a stream whose bytes are not those stored (a
 * decompressed .gz or .zst file), the SHA-256 and size of the stored bytes it read,
 * once read() returned 0: checksums are of what is stored, not of what the reader saw.
 * Returns 1 when it wrote them, 0 when it does not know (the stream did not end). */
struct byte_stream {
    ssize_t (*read)(void *ctx, char *buf, size_t cap);
    void (*close)(void *ctx);
    void *ctx;
    int (*stored)(void *ctx, unsigned char sha256[32], uint64_t *bytes);
};

#endif
