/*
 * Tokens of every example of a file, read the way `dsci check` reads it (read/reader.h:
 * the same formats, lines and unreadable records), counted on the parsing threads.
 * An example's tokens are the sum of its messages' texts, each encoded on its own: no
 * chat template around them.
 */
#ifndef DSCI_TOKENS_COUNT_FILE_H
#define DSCI_TOKENS_COUNT_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tokens/tokenizer.h"

struct tokens_example {
    size_t line;             /* 1-based line where the record starts */
    bool counted;            /* false: the record is not readable (invalid JSON or UTF-8, ...) */
    uint64_t tokens;
};

/* Return non-zero to stop (that value is returned). Called in file order. */
typedef int (*tokens_callback)(void *ctx, const struct tokens_example *ex);

/* threads: 1 counts on the reading thread, more adds parsing threads. 0, the callback's
 * value, or a negative DSCI_E* error (err_last() names the file). */
int tokens_count_file(const struct tokenizer *t, const char *path, unsigned threads,
                      tokens_callback cb, void *ctx);

/* Each line of the file (without its "\n") is one text: for tests of raw bytes. */
int tokens_count_lines(const struct tokenizer *t, const char *path, tokens_callback cb, void *ctx);

#endif
