/*
 * The one JSON string escaper every writer uses (reports, version file, caches), so
 * that untrusted dataset text is escaped the same way everywhere. Output is valid
 * JSON even for invalid UTF-8 input: bad bytes become U+FFFD.
 *
 *   json_write_string(out, text, len);   // writes "..." with quotes
 */
#ifndef DSCI_JSON_WRITE_H
#define DSCI_JSON_WRITE_H

#include <stddef.h>
#include <stdio.h>

#include "util/buf.h"

void json_write_string(FILE *out, const char *s, size_t len);
void json_buf_string(struct buf *out, const char *s, size_t len);
/* A double as JSON: finite values with up to 17 significant digits, null otherwise. */
void json_write_number(FILE *out, double v);

#endif
