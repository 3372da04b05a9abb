#include "util/json_pretty.h"

#include <inttypes.h>
#include <string.h>

#include "util/json_write.h"

/*
 * A pretty printer with two-space indentation. Each value is preceded by its
 * separator: a comma unless it is the first in its container, then a newline and
 * the indent. `key` is NULL for array elements and for the top-level object.
 */


void jw_prefix(struct jw *w, const char *key)
{
    if (w->depth > 0) {
        if (!w->first)
            fputc(',', w->out);
        fputc('\n', w->out);
        for (int i = 0; i < w->depth; i++)
            fputs("  ", w->out);
    }
    w->first = false;
    if (key) {
        json_write_string(w->out, key, strlen(key));
        fputs(": ", w->out);
    }
}

void jw_open(struct jw *w, const char *key, char bracket)
{
    jw_prefix(w, key);
    fputc(bracket, w->out);
    w->depth++;
    w->first = true;
}

/* An empty container stays on one line: {} or []. */
void jw_close(struct jw *w, char bracket)
{
    w->depth--;
    if (!w->first) {
        fputc('\n', w->out);
        for (int i = 0; i < w->depth; i++)
            fputs("  ", w->out);
    }
    fputc(bracket, w->out);
    w->first = false;
}

void jw_str(struct jw *w, const char *key, const char *s)
{
    jw_prefix(w, key);
    if (s)
        json_write_string(w->out, s, strlen(s));
    else
        fputs("null", w->out);
}

void jw_u64(struct jw *w, const char *key, uint64_t n)
{
    jw_prefix(w, key);
    fprintf(w->out, "%" PRIu64, n);
}

/* NAN (the result model's "none") becomes null. */
void jw_num(struct jw *w, const char *key, double v)
{
    jw_prefix(w, key);
    json_write_number(w->out, v);
}

void jw_bool(struct jw *w, const char *key, bool b)
{
    jw_prefix(w, key);
    fputs(b ? "true" : "false", w->out);
}

void jw_null(struct jw *w, const char *key)
{
    jw_prefix(w, key);
    fputs("null", w->out);
}
