/*
 * Compressed dataset files (.jsonl.gz, .json.gz, .jsonl.zst, .json.zst) read as the
 * text they hold: the source wraps a file's stream in a decompressing one chosen by the
 * name's last extension (stream_gzip.c, stream_zstd.c), so the reader, line numbers and
 * chunk keys all see decompressed bytes. Output is streamed into the reader's buffer:
 * memory stays flat whatever the ratio (a decompression bomb only takes time).
 *
 *   enum stream_codec codec = stream_codec_of(path);
 *   if (codec != CODEC_NONE)
 *       rc = stream_codec_wrap(&stream, codec, "data/train.jsonl.gz");
 *
 * The wrapped stream reports the stored (compressed) bytes' SHA-256 and size through
 * byte_stream.stored. Damaged data is an error naming the file and the line of the
 * decompressed text it broke in.
 */
#ifndef DSCI_STREAM_CODEC_H
#define DSCI_STREAM_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "data/byte_stream.h"
#include "util/sha256.h"

enum stream_codec { CODEC_NONE, CODEC_GZIP, CODEC_ZSTD };

/* By the name's last extension (.gz, .zst; any case). */
enum stream_codec stream_codec_of(const char *path);
/* The name's length without its compression extension ("a.jsonl.gz" -> 7). */
size_t stream_codec_stem_len(const char *path);

/* Replaces *s by a stream of its decompressed bytes, which owns the original (closing
 * the new one closes both). shown: the file's name for messages (copied). own_thread:
 * *s may be read on another thread (a plain file's read(2)): with more than one job the
 * decoder then runs on a thread of its own, ahead of the reader (data/source_read_ahead.h). */
int stream_codec_wrap(struct byte_stream *s, enum stream_codec codec, const char *shown, bool own_thread);

/* --- for the codecs (stream_gzip.c, stream_zstd.c) --- */

enum { CODEC_IN_BYTES = 128 << 10 };

/* What both codecs keep: the compressed input, hashed and counted as it is read, and
 * the newlines handed out (the line a break is reported at). First in each codec's ctx. */
struct codec_input {
    struct byte_stream inner;
    char *shown;
    const char *name;        /* "gzip", "zstd" */
    unsigned char *buf;
    size_t len, pos;         /* buf[pos, len) not yet given to the decoder */
    bool eof;
    struct sha256 sha;
    unsigned char digest[32];   /* once eof */
    uint64_t stored_bytes;
    uint64_t lines;          /* newlines in the decompressed bytes handed out */
};

void codec_input_init(struct codec_input *in, const struct byte_stream *inner, const char *name,
                      const char *shown);
void codec_input_release(struct codec_input *in);
/* Refills buf when it is used up: 0 (eof set at the end) or a negative DSCI_E*. */
int codec_input_fill(struct codec_input *in);
/* Counts the newlines of out[0, n): called on every read's output. */
void codec_input_count(struct codec_input *in, const char *out, size_t n);
/* The error for damaged data, at the line the decompressed text had reached. */
int codec_input_damaged(const struct codec_input *in, const char *why);
/* byte_stream.stored of both codecs (ctx starts with a struct codec_input). */
int codec_input_stored(void *ctx, unsigned char sha256[32], uint64_t *bytes);

int stream_gzip_wrap(struct byte_stream *s, const char *shown);
int stream_zstd_wrap(struct byte_stream *s, const char *shown);

#endif
