/*
 * A small pretty printer for JSON output with two-space indentation and keys in the
 * order written. Each value is preceded by its separator; `key` is NULL for array
 * elements and for the top-level value. Strings go through json_write_string.
 *
 *   struct jw w = { out, 0, true };
 *   jw_open(&w, NULL, '{'); jw_str(&w, "name", "x"); jw_close(&w, '}');
 */
#ifndef DSCI_JSON_PRETTY_H
#define DSCI_JSON_PRETTY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct jw {
    FILE *out;
    int depth;
    bool first;
};

void jw_prefix(struct jw *w, const char *key);
void jw_open(struct jw *w, const char *key, char bracket);
void jw_close(struct jw *w, char bracket);
void jw_str(struct jw *w, const char *key, const char *s);
void jw_u64(struct jw *w, const char *key, uint64_t n);
void jw_num(struct jw *w, const char *key, double v);
void jw_bool(struct jw *w, const char *key, bool b);
void jw_null(struct jw *w, const char *key);

#endif
