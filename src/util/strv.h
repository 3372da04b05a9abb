/*
 * Helpers for arrays of C strings (char **), the shape every folder listing, tag list
 * and name table in dsci takes.
 *
 *   qsort(names, n, sizeof(*names), strv_cmp);
 *   if (bsearch(&key, names, n, sizeof(*names), strv_cmp)) ...
 */
#ifndef DSCI_STRV_H
#define DSCI_STRV_H

/* qsort/bsearch comparator for an array of `char *` (or `const char *`): byte order
 * (strcmp), so sorted output is the same under every locale. Neither element may be NULL. */
int strv_cmp(const void *a, const void *b);

#endif
