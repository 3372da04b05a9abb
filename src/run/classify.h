/*
 * The category of an example by the spec's coverage rules (gates.coverage: keywords or a
 * field), one answer for the coverage gate and the diff. Classifying is independent of
 * the gate's level: a diff classifies even when the coverage gate is off.
 *
 *   struct classifier *c = classify_new(spec);
 *   size_t cat = classify_example(c, ex);   // index into categories, n_categories: none
 *   classify_free(c);
 *
 * The classifier borrows `spec` (which must outlive it) and is the caller's to
 * classify_free(); classify_example() only reads it, so threads may share one.
 */
#ifndef DSCI_CLASSIFY_H
#define DSCI_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "read/example.h"
#include "spec/spec.h"

struct classifier;

struct classifier *classify_new(const struct spec *spec);

/* An index into spec->gates.coverage.categories: the first (in spec order) the parsed
 * example matches; n_categories when it matches none. */
size_t classify_example(const struct classifier *c, const struct example *ex);

/* For tests and benchmarks: the answer of the plain DFA scan, without the keyword
 * prefilter (run/classify_scan.h); and the prefilter's kernel by its index among
 * kw_filter_variants() (false when this classifier has no prefilter). */
size_t classify_example_plain(const struct classifier *c, const struct example *ex);
bool classify_use_filter_variant(struct classifier *c, size_t index);

/* Accepts NULL. */
void classify_free(struct classifier *c);

#endif
