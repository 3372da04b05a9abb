/*
 * "Did you mean" hints: the candidate closest to a mistyped word, by
 * Damerau-Levenshtein distance (optimal string alignment: insertions, deletions,
 * substitutions and swaps of two neighbours each cost 1).
 *
 *   static const char *const keys[] = { "level", "threshold" };
 *   const char *hint = suggest_closest("treshold", keys, 2);   // "threshold"
 *
 * The returned pointer is one of `candidates` (borrowed), or NULL when none is close:
 * a distance above max(2, strlen(word) / 3) is not a typo but a different word.
 * Failing that, a candidate of 3+ characters that begins the word counts as meant
 * ("blocking" -> "block", "warning" -> "warn").
 */
#ifndef DSCI_SUGGEST_H
#define DSCI_SUGGEST_H

#include <stddef.h>

/* Edit distance between two strings (byte-wise); SIZE_MAX when either is too long
 * (over 256 bytes) to be a plausible typo, so hostile input cannot cost much. */
size_t suggest_distance(const char *a, const char *b);

/* The closest candidate within the typo distance, the first on ties; NULL for none.
 * NULL entries in `candidates` are skipped. */
const char *suggest_closest(const char *word, const char *const *candidates, size_t n);

#endif
