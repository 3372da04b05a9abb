/*
 * How alike the two replies of a preference pair are (gates/preference.c): the edit
 * distance (Levenshtein: insertions, deletions, substitutions of one code point each)
 * between their texts, and similarity = 1 - distance / max(length), lengths in code
 * points. Exact, not an estimate: a pair is near-identical when the similarity reaches
 * the threshold, and the distance is computed only as far as that question needs
 * (k = the largest distance that still counts as near): the common prefix and suffix are
 * cut, a length difference over k answers at once, and otherwise the distance d is found
 * by furthest-reaching diagonals in O(n + d^2) steps typically, O(n * k) at worst, so a
 * near pair costs little more than reading it and a pair far apart stops at k.
 *
 *   struct pair_distance d;
 *   if (pair_distance_near(&d, chosen, chosen_len, rejected, rejected_len, 0.95)) ...
 */
#ifndef DSCI_GATES_PAIR_DISTANCE_H
#define DSCI_GATES_PAIR_DISTANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The edit distance of a[0..na) and b[0..nb), or limit + 1 when it is over limit. */
size_t pair_edit_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, size_t limit);

struct pair_distance {
    size_t distance;   /* the edit distance, when near */
    size_t length;     /* the longer text's code points */
};

/* True when the UTF-8 texts a and b have similarity >= threshold; *out then holds the
 * distance and the longer length. Bytes that are not UTF-8 count one code point each. */
bool pair_distance_near(struct pair_distance *out, const char *a, size_t a_len, const char *b, size_t b_len,
                        double threshold);

/* The largest distance that still counts as near for texts of `length` code points. */
size_t pair_distance_limit(size_t length, double threshold);

#endif
