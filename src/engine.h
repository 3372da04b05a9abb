/*
 * The check engine: spec + source -> result. Reads every file of every split once,
 * streams each example through the enabled gates, and lets each gate write its
 * section. Never prints, never exits.
 *
 *   struct result r;
 *   int rc = engine_check(&r, spec, src);   // r is filled even when rc < 0 is not
 *   ...
 *   result_release(&r);
 */
#ifndef DSCI_ENGINE_H
#define DSCI_ENGINE_H

#include "result.h"
#include "source.h"
#include "spec.h"

/* Returns 0 (whatever the verdict: see result_passed), or a negative DSCI_E* for a
 * usage/spec problem (a split's file is missing) or an I/O failure. */
int engine_check(struct result *out, const struct spec *spec, struct source *src);

#endif
