/*
 * PII detection for the pii gate, kept apart from the gate so tests can feed it
 * strings: a scanner holds the compiled PCRE2 patterns (JIT when the library has it)
 * and the allow list; pii_scan() reports each match that survives validation
 * (Luhn, octet ranges, inet_pton) and the allow list, already redacted.
 *
 *   struct pii_scanner *s = NULL;
 *   if (pii_scanner_new(&s, PII_EMAIL | PII_IPV4, allow, n_allow) < 0) ...err_last()...
 *   pii_scan(s, text, len, on_match, arg);   // on_match(arg, PII_EMAIL, "j***@e******.com")
 *   pii_scanner_free(s);
 *
 * The redacted form keeps at most four leading and four trailing characters of a value
 * (fewer for short ones), so no report can carry a whole secret. A scanner is not
 * thread-safe: it owns one match-data block.
 *
 * Every PCRE2 match runs under match, depth and heap limits (and a bounded JIT stack), so
 * a catastrophic allow regex cannot hang a run: pii_scan() stops and returns -1, and
 * pii_scanner_limit() says which regex hit which limit.
 */
#ifndef DSCI_GATES_PII_DETECT_H
#define DSCI_GATES_PII_DETECT_H

#include <stddef.h>

#include "gates/pii_value.h"   /* PII_REDACTED_MAX */
#include "spec/spec.h"


struct pii_scanner;

typedef void (*pii_match_fn)(void *arg, enum pii_detector kind, const char *redacted);

/* Compiles the detectors in `detect` and the allow list (regex entries are /.../).
 * Returns 0, or DSCI_EUSAGE with a message naming the bad allow entry; *out is the
 * caller's to pii_scanner_free(). */
int pii_scanner_new(struct pii_scanner **out, unsigned detect, char *const *allow, size_t n_allow);
void pii_scanner_free(struct pii_scanner *s);

#define PII_BUILTIN ((size_t)-1)   /* pii_limit.allow_index of a built-in pattern */

/* Which regex of the last pii_scan() hit a PCRE2 limit, and which limit. */
struct pii_limit {
    enum pii_detector detector;   /* whose match was being judged */
    size_t allow_index;           /* index into the allow list, or PII_BUILTIN */
    const char *limit;            /* "match", "depth", "heap", "JIT stack", "memory" */
    unsigned long value;          /* the limit's value, 0 when it has none */
    const char *unit;             /* "" (steps, levels) or "KiB" */
};

/* Reports every match in text[0..len), in order of detector then position. Returns 0,
 * or -1 when a regex hit a PCRE2 limit: the scan stopped there (matches reported before
 * stand), and pii_scanner_limit() says which. */
int pii_scan(struct pii_scanner *s, const char *text, size_t len, pii_match_fn fn, void *arg);

/* What stopped the last pii_scan(), or NULL when it ran to the end. Borrowed from s. */
const struct pii_limit *pii_scanner_limit(const struct pii_scanner *s);


#endif
