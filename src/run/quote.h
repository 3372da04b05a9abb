/*
 * A few records of the run read again by place, for a report that quotes them side by
 * side (the HTML report's duplicates and leaks). Only files the run read can be quoted
 * (their shown path in result.files); each file is streamed once, up to the last line
 * asked of it, and each quote keeps at most max_bytes of its line.
 *
 *   struct quote_source qs = { ds.src, &result };
 *   struct quote q[2] = { { "data/train.jsonl", 4, NULL }, { "data/test.jsonl", 9, NULL } };
 *   quote_lines(&qs, q, 2, 4096);      // q[i].text: malloc'd, or NULL when unknown
 *   quote_release(q, 2);
 */
#ifndef DSCI_QUOTE_H
#define DSCI_QUOTE_H

#include <stddef.h>

struct source;
struct result;

struct quote_source {
    struct source *src;
    const struct result *result;
};

struct quote {
    const char *path;   /* as findings show it (borrowed) */
    size_t line;        /* 1-based */
    char *text;         /* filled: the line's first bytes, NUL-terminated; NULL when unknown */
};

/* Never fails: a file that cannot be read (an LFS pointer, an I/O error) leaves its
 * quotes NULL. ctx is a struct quote_source (the report options' callback shape). */
void quote_lines(void *ctx, struct quote *q, size_t n, size_t max_bytes);
void quote_release(struct quote *q, size_t n);

#endif
