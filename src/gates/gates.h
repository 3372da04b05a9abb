/*
 * src/gates/: the gates, one per file, each a `const struct gate` (gates/gate.h is the
 * interface every gate implements). This header declares them all; the engine sees
 * only gate_list() and asks each gate, through its descriptor, what it needs.
 *
 *   for (const struct gate *const *g = gate_list(); *g; g++)
 *       if ((*g)->enabled(spec)) ...
 *
 * Shared by the gates only: gates/common.h (places, number formats, big arrays),
 * gates/hashes.h (example hash lists), gates/finding_key.h, gates/pii_*.h.
 */
#ifndef DSCI_GATES_H
#define DSCI_GATES_H

#include <stddef.h>

#include "gates/gate.h"

extern const struct gate gate_format;           /* gates/format.c */
extern const struct gate gate_coverage;         /* gates/coverage.c */
extern const struct gate gate_quality;          /* gates/quality.c */
extern const struct gate gate_splits;           /* gates/splits.c */
extern const struct gate gate_duplicates;       /* gates/duplicates.c */
extern const struct gate gate_pii;              /* gates/pii.c */
extern const struct gate gate_leakage;          /* gates/leakage.c */
extern const struct gate gate_reproducibility;  /* gates/reproducibility.c */
extern const struct gate gate_card;             /* gates/card.c */
extern const struct gate gate_tokens;           /* gates/tokens.c */
extern const struct gate gate_preference;       /* gates/preference.c */

/* All streaming gates, in report order, NULL-terminated; static, never freed. */
const struct gate *const *gate_list(void);

/* The shape of the MinHash signatures the gates that need them share (one store per
 * run): the duplicates gate's shingle size and permutation count, which leakage uses too. */
void gate_signature_shape(const struct spec *spec, size_t *shingle, size_t *permutations);

struct diff;

/* The regression gate is not a streaming gate: it compares the finished head run with
 * the baseline's run and the diff, and adds its "REGRESSION (vs BASELINE)" section. */
void gate_regression_add(struct result *head, const struct spec *spec, const char *baseline,
                         const struct diff *diff, const struct result *base);

#endif
