/*
 * The fast path for one record's JSON: a parser that drives yajl's own callbacks with
 * exactly the events, in the order and with the bytes yajl would give them, for every
 * text it accepts. Whatever it does not fully handle (any error, a root that is not
 * an object or array, whitespace beyond the four JSON allows, UTF-8 that is not
 * strictly well-formed, a \u escape of a lone surrogate, nesting deeper than
 * JSON_FAST_MAX_DEPTH, a callback returning 0) it refuses; the caller then runs yajl
 * over the same bytes from scratch, which is the slow path and the one that describes
 * errors. So yajl stays the definition and this is only a shortcut.
 *
 *   if (!json_fast_enabled() || !json_fast_parse(&callbacks, ctx, &scratch, text, len)) {
 *       reset what the callbacks built;
 *       yajl_parse(...);
 *   }
 *
 * As with yajl, a string without escapes is passed as a pointer into `text`; a string
 * with escapes is decoded into `scratch` (the caller's arena, valid until it resets
 * it). Numbers go to yajl_number as their text (the parser refuses callbacks without
 * it); a callback left NULL is skipped, as yajl skips it. The config is yajl's default:
 * no comments, strings UTF-8 validated, nothing after the root value but whitespace.
 *
 * DSCI_JSON=yajl in the environment turns the fast path off (json_fast_enabled), for
 * tests and benchmarks of the slow path.
 */
#ifndef DSCI_JSON_FAST_H
#define DSCI_JSON_FAST_H

#include <stdbool.h>
#include <stddef.h>

#include <yajl/yajl_parse.h>

#include "util/arena.h"

#define JSON_FAST_MAX_DEPTH 1024

/* False when DSCI_JSON=yajl; read once. */
bool json_fast_enabled(void);

/* True when the whole text parsed and every callback returned nonzero; false means
 * "run yajl from scratch" (the callbacks may have seen a prefix of the events). */
bool json_fast_parse(const yajl_callbacks *cb, void *ctx, struct arena *scratch,
                     const char *text, size_t len);

#endif
