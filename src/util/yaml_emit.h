/*
 * The one YAML scalar writer: a string as a plain scalar when YAML would read that back
 * as the same string, else double-quoted with escapes. Used by `dsci init` (the starter
 * spec) and by the dataset card's front matter.
 *
 *   yaml_emit_scalar(&out, name, YAML_SCALAR_SPEC);   // Create, "yes", "a: b"
 *
 * The two styles differ only in edge cases, kept so that every file dsci wrote before
 * is written again byte for byte. Both: plain only for an ASCII letter first, no
 * trailing space, and not a YAML 1.1 keyword (y, n, yes, no, on, off, true, false, null).
 */
#ifndef DSCI_YAML_EMIT_H
#define DSCI_YAML_EMIT_H

#include "util/buf.h"

enum yaml_scalar_style {
    /* Specs (dsci init). Plain: may also start with '_'; letters, digits and " _.-/".
     * Quoted: bytes are copied as they are; '"' and '\' get a backslash, C0 controls
     * and DEL become \xhh (lowercase). The caller passes UTF-8. */
    YAML_SCALAR_SPEC,
    /* Card front matter, the way the Hub writes it. Plain: letters, digits and
     * " _.-/<>+()". Quoted: read as UTF-8 (a bad byte becomes \uFFFD); \n and \t,
     * \xHH for C0 and C1 controls and DEL, \uXXXX for U+2028, U+2029, U+FEFF, U+FFFE
     * and U+FFFF, which YAML does not allow inside a scalar. */
    YAML_SCALAR_CARD,
};

/* Appends s (NUL-terminated) to out as one scalar, with no line break. */
void yaml_emit_scalar(struct buf *out, const char *s, enum yaml_scalar_style style);

#endif
