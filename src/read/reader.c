/*
 * The reader's public loop (read/reader.h): a file's start decides what it is (a git
 * LFS pointer, a BOM, a JSON array or JSONL), framing (read/frame.c) cuts records,
 * each is parsed (read/record.c), mapped (read/formats.c) and delivered from here,
 * and the checksum covers every byte even when the callback stops early. The map of
 * the other files is in read/reader_impl.h.
 */
#include "read/reader.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "data/stream_codec.h"
#include "read/reader_impl.h"
#include "util/sha256.h"
#include "util/xalloc.h"

char *reader_arena_printf(struct arena *a, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n < sizeof(small))
        return arena_dup(a, small, (size_t)n);
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

int reader_quote_len(const char *s, size_t len)
{
    if (len <= 40)
        return (int)len;
    size_t n = 40;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return (int)n;
}

void reader_reset_example(struct reader *rd, size_t line, size_t column, size_t char_column)
{
    struct example *ex = &rd->ex;
    ex->line = line;
    ex->column = column;
    ex->char_column = char_column;
    ex->ordinal = rd->ordinal++;
    ex->parsed = false;
    ex->format = rd->file->format;   /* so far; not whatever the reader's previous record had */
    ex->n_turns = 0;
    ex->turns = NULL;
    ex->tools = NULL;
    ex->n_tools = 0;
    ex->has_tools = false;
    ex->n_prompt_turns = 0;
    ex->rejected = NULL;
    ex->n_rejected = 0;
    ex->has_rejected = false;
    ex->id = ex->label = NULL;
    ex->id_len = ex->label_len = 0;
    ex->errors = 0;
    ex->n_issues = 0;
    memset(ex->hash, 0, sizeof(ex->hash));
    ex->known_category = 0;
    ex->note = NULL;
    ex->note_len = 0;
}

int reader_deliver(struct reader *rd)
{
    if (rd->o->annotate) {
        buf_reset(&rd->note);
        rd->o->annotate(rd->o->annotate_ctx, &rd->ex, &rd->note);
        rd->ex.note = rd->note.ptr;
        rd->ex.note_len = rd->note.len;
    }
    if (rd->keep)   /* a worker: the chunk keeps it, the reading thread delivers it */
        return rd->cb(rd->cb_ctx, &rd->ex);
    rd->file->records++;
    int rc = rd->cb(rd->cb_ctx, &rd->ex);
    arena_reset(&rd->arena);
    return rc;
}

int reader_too_long(struct reader *rd, size_t line, size_t column, size_t char_column)
{
    reader_reset_example(rd, line, column, char_column);
    ISSUE(rd, EX_LINE_TOO_LONG, line, "record longer than the %zu-byte limit: split it, or raise dataset.max_line_bytes",
                                   rd->o->max_line_bytes);
    return reader_deliver(rd);
}

void reader_release(struct reader *rd)
{
    free(rd->turns);
    free(rd->rejected);
    buf_release(&rd->note);
    for (int i = 0; i < LIST_COUNT; i++)
        free(rd->lists[i].items);
    arena_release(&rd->arena);
    arena_release(&rd->scratch);
}

bool reader_path_is_jsonl(const char *path)
{
    size_t n = stream_codec_stem_len(path);   /* a.jsonl.gz is JSONL too */
    return n >= 6 && strncasecmp(path + n - 6, ".jsonl", 6) == 0;
}

bool reader_is_lfs_pointer(const char *buf, size_t len)
{
    static const char lfs_magic[] = "version https://git-lfs.github.com/spec/";
    return len >= sizeof(lfs_magic) - 1 && memcmp(buf, lfs_magic, sizeof(lfs_magic) - 1) == 0;
}

/* A .jsonl file is JSONL whatever its first line holds (a line that is an array is a
 * record of the wrong type, and every later line is still read); any other file is a
 * JSON array when it starts with '[' (a JSONL record never does). */
bool reader_starts_array(const char *path, const char *buf, size_t len)
{
    size_t first = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (first < len && (buf[first] == ' ' || buf[first] == '\t' || buf[first] == '\r' || buf[first] == '\n'))
        first++;
    return !reader_path_is_jsonl(path) && first < len && buf[first] == '[';
}

void reader_options_from_spec(struct reader_options *o, const struct spec *spec)
{
    memset(o, 0, sizeof(*o));
    o->format = spec->dataset.format;
    o->max_line_bytes = spec->dataset.max_line_bytes ? spec->dataset.max_line_bytes : READER_DEFAULT_MAX_LINE;
    o->id_field = spec->dataset.id_field;
    o->label_field = spec->gates.coverage.by == COVERAGE_FIELD ? spec->gates.coverage.field : NULL;
    o->role_human = spec->gates.format.role_human ? spec->gates.format.role_human : "human";
    o->role_assistant = spec->gates.format.role_assistant ? spec->gates.format.role_assistant : "gpt";
    o->role_system = spec->gates.format.role_system ? spec->gates.format.role_system : "system";
}

int reader_run(struct run_file *file, const struct byte_stream *stream,
               const struct reader_options *o, reader_callback cb, void *cb_ctx)
{
    struct reader rd;
    struct frame_input in;
    int rc = 0;

    memset(&rd, 0, sizeof(rd));
    rd.note = (struct buf)BUF_INIT;
    rd.o = o;
    rd.file = file;
    rd.cb = cb;
    rd.cb_ctx = cb_ctx;
    rd.ex.path = file->path;
    rd.ex.split = file->split;
    rd.ex.file_index = o->file_index;
    if (o->label_field) {
        const char *seg = o->label_field;
        while (*seg && rd.n_label_segs < LABEL_MAX_SEGMENTS) {
            size_t len = strcspn(seg, ".");
            rd.label_seg[rd.n_label_segs] = seg;
            rd.label_seg_len[rd.n_label_segs++] = len;
            seg += len + (seg[len] == '.');
        }
    }
    file->format = o->start == READER_START_CONTINUE ? o->initial_format : FORMAT_AUTO;
    file->records = file->bytes = 0;

    memset(&in, 0, sizeof(in));
    in.in = stream;
    in.file = file;
    in.hash = o->hash_file;
    if (in.hash)
        sha256_init(&in.sha);
    if (o->bytes) {
        in.buf = (char *)o->bytes;   /* framing only reads it */
        in.cap = in.end = o->n_bytes;
        in.eof = in.borrowed = true;
        file->bytes = o->n_bytes;
        if (in.hash)
            sha256_update(&in.sha, in.buf, in.end);
    }
    if ((rc = frame_fill(&in, READ_BLOCK)) < 0)
        goto done;
    /* enough bytes to recognise an LFS pointer or a BOM, however short the reads */
    while (!in.eof && in.end < 64 && (rc = frame_fill(&in, READ_BLOCK)) >= 0)
        ;
    if (rc < 0)
        goto done;
    /* A git LFS pointer is a small text file standing in for the real data: judging
     * its bytes as records would report nonsense, so it is named for what it is. */
    if (o->start == READER_START_FILE && reader_is_lfs_pointer(in.buf, in.end)) {
        file->lfs_pointer = true;
        goto drain;
    }
    if (o->start != READER_START_CONTINUE && in.end - in.start >= 3 && memcmp(in.buf, "\xEF\xBB\xBF", 3) == 0) {
        file->bom = true;
        in.start = 3;
    }
    file->is_array = o->start == READER_START_FILE &&
                     reader_starts_array(file->root_path ? file->root_path : file->path, in.buf, in.end);
    rc = file->is_array ? frame_read_array(&rd, &in, 1) : frame_read_jsonl(&rd, &in, 1);
    if (rd.pool) {
        int prc = pool_finish(&rd, rc >= 0);
        if (rc == 0)
            rc = prc;
    }
    if (rc < 0)
        goto done;
drain:
    /* Drain what a stopped or failed read left, so the checksum covers the whole file. */
    while (in.hash && !in.eof) {
        in.start = in.end;
        int frc = frame_fill(&in, READ_BLOCK);
        if (frc < 0) {
            rc = frc;
            goto done;
        }
    }
    if (in.hash) {
        sha256_final(&in.sha, file->sha256);
        in.hash = false;
        file->sha256_valid = true;
    }
    if (file->format == FORMAT_AUTO && o->format != FORMAT_AUTO)
        file->format = o->format;
done:
    if (in.hash) {
        unsigned char discard[32];
        sha256_final(&in.sha, discard);
    }
    if (!in.borrowed)
        free(in.buf);
    reader_release(&rd);
    return rc;
}
