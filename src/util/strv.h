/*
 * Helpers for arrays of C strings (char **), the shape every folder listing, tag list
 * and name table in dsci takes. An array owned by its holder is n malloc'd strings in
 * a malloc'd array, released with strv_free.
 *
 *   qsort(names, n, sizeof(*names), strv_cmp);
 *   if (bsearch(&key, names, n, sizeof(*names), strv_cmp)) ...
 */
#ifndef DSCI_STRV_H
#define DSCI_STRV_H

#include <stddef.h>

/* qsort/bsearch comparator for an array of `char *` (or `const char *`): byte order
 * (strcmp), so sorted output is the same under every locale. Neither element may be NULL. */
int strv_cmp(const void *a, const void *b);

/* Frees the n strings of v and v itself; v may be NULL (then n must be 0). */
void strv_free(char **v, size_t n);

#endif
