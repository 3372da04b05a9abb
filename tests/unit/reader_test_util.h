/*
 * What the reader's unit tests share (test_reader.c, test_frame.c): a byte stream over
 * memory with a chosen read size, and a callback that copies what a test checks of
 * each record out of the reader's short-lived example.
 */
#ifndef DSCI_READER_TEST_UTIL_H
#define DSCI_READER_TEST_UTIL_H

#include "test_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/example.h"
#include "read/reader.h"
#include "util/sha256.h"
#include "util/buf.h"
#include "util/xalloc.h"

/* A byte stream over memory that hands out at most `chunk` bytes per read, so that
 * records straddling read boundaries are exercised. */
struct mem_stream {
    const char *data;
    size_t len, pos, chunk;
};

static ssize_t mem_read(void *ctx, char *buf, size_t cap)
{
    struct mem_stream *m = ctx;
    size_t n = m->len - m->pos;
    if (n > cap)
        n = cap;
    if (n > m->chunk)
        n = m->chunk;
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (ssize_t)n;
}

static void mem_close(void *ctx)
{
    (void)ctx;
}

/* What a test wants to know about each record, copied out of the callback. */
struct seen {
    size_t line, column, char_column;
    uint64_t ordinal;
    size_t issue_line, issue_column, issue_char_column;
    bool parsed;
    uint32_t errors;
    enum dataset_format format;
    size_t n_turns;
    enum role roles[8];
    char *texts[8];
    size_t chars[8];
    char *first_issue;
    char *id;
    char *label;
    unsigned char hash[32];
};

struct collected {
    struct seen items[64];
    size_t n;
};

static int collect(void *ctx, const struct example *ex)
{
    struct collected *c = ctx;
    assert_true(c->n < 64);
    struct seen *s = &c->items[c->n++];
    memset(s, 0, sizeof(*s));
    s->line = ex->line;
    s->column = ex->column;
    s->char_column = ex->char_column;
    s->ordinal = ex->ordinal;
    s->parsed = ex->parsed;
    s->errors = ex->errors;
    s->format = ex->format;
    s->n_turns = ex->n_turns;
    for (size_t i = 0; i < ex->n_turns && i < 8; i++) {
        s->roles[i] = ex->turns[i].role;
        s->texts[i] = ex->turns[i].text ? xmemdup(ex->turns[i].text, ex->turns[i].text_len) : NULL;
        s->chars[i] = ex->turns[i].text_chars;
    }
    if (ex->n_issues) {
        s->first_issue = xstrdup(ex->issues[0].message);
        s->issue_line = ex->issues[0].line;
        s->issue_column = ex->issues[0].column;
        s->issue_char_column = ex->issues[0].char_column;
    }
    if (ex->id)
        s->id = xmemdup(ex->id, ex->id_len);
    if (ex->label)
        s->label = xmemdup(ex->label, ex->label_len);
    memcpy(s->hash, ex->hash, 32);
    return 0;
}

static void release(struct collected *c)
{
    for (size_t i = 0; i < c->n; i++) {
        for (size_t j = 0; j < 8; j++)
            free(c->items[i].texts[j]);
        free(c->items[i].first_issue);
        free(c->items[i].id);
        free(c->items[i].label);
    }
    c->n = 0;
}

static void options(struct reader_options *o, enum dataset_format format)
{
    memset(o, 0, sizeof(*o));
    o->format = format;
    o->max_line_bytes = READER_DEFAULT_MAX_LINE;
    o->id_field = "id";
    o->role_human = "human";
    o->role_assistant = "gpt";
    o->role_system = "system";
}

static int run_chunked(const char *data, size_t len, const struct reader_options *o, struct run_file *f,
                       struct collected *c, size_t chunk)
{
    struct mem_stream m = { data, len, 0, chunk };
    struct byte_stream s = { mem_read, mem_close, &m, NULL };
    memset(f, 0, sizeof(*f));
    f->path = "data/train.json";   /* JSONL or an array, by content (.jsonl: always JSONL) */
    return reader_run(f, &s, o, collect, c);
}

static int run(const char *data, const struct reader_options *o, struct run_file *f, struct collected *c)
{
    return run_chunked(data, strlen(data), o, f, c, (size_t)-1);
}

#define has(seen, kind) (((seen).errors >> (kind)) & 1u)

#endif
