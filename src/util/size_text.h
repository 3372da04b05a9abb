/*
 * A size as people write it, one grammar for the spec (dataset.max_line_bytes) and the
 * environment (DSCI_CACHE_MAX): digits, then optionally a space and a unit, B, KiB, MiB,
 * GiB (powers of 1024) or KB, MB, GB (powers of 1000), any case: "67108864", "64MiB",
 * "512 KiB", "2GB".
 */
#ifndef DSCI_SIZE_TEXT_H
#define DSCI_SIZE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* true and *out for a positive size that fits in size_t; false for anything else. */
bool size_text_parse(const char *text, size_t *out);

#endif
