/*
 * What a pull request changes in the spec: one line per changed gate level, threshold,
 * category or split rule ("gates.coverage.categories[Delete].min: 15 -> 5"), so a
 * reviewer sees a loosened gate even though the check runs with the base's spec.
 *
 *   spec_diff_lines(&lines, &n, base_spec, head_spec);
 */
#ifndef DSCI_SPEC_DIFF_H
#define DSCI_SPEC_DIFF_H

#include <stddef.h>

#include "spec/spec.h"

/* *out: malloc'd strings (caller frees each and the array); n = 0 when nothing changed. */
void spec_diff_lines(char ***out, size_t *n, const struct spec *base, const struct spec *head);

#endif
