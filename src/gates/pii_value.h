/*
 * Private to the PII detector (gates/pii_detect.c): what is done with a value PCRE2
 * matched. The validators turn candidates into findings or drop them (digit counts,
 * Luhn and issuer prefixes, version contexts, inet_pton, entropy); pii_value_redact()
 * keeps at most four leading and four trailing characters, so no report carries a whole
 * secret. `m`, `n` is the matched value; none of these allocates.
 */
#ifndef DSCI_GATES_PII_VALUE_H
#define DSCI_GATES_PII_VALUE_H

#include <stdbool.h>
#include <stddef.h>

#include "gates/pii_starts.h"

#define PII_REDACTED_MAX 48   /* bytes of a redacted value, with its NUL */

/* The digits of s[0..n) into out (NUL-terminated, at most size - 1); returns their count. */
size_t pii_value_digits(char *out, size_t size, const char *s, size_t n);

/* A card number: 13-19 digits, one kind of separator between groups, not part of a longer
 * number (text[end..len) follows the match), a known issuer prefix and the Luhn check. */
bool pii_value_card_ok(const char *m, size_t n, const char *text, size_t len, size_t end);
bool pii_value_phone_ok(const char *m, size_t n);
/* The IPv4 candidate at text[start] follows "version", "build" and the like. */
bool pii_value_version_context(const char *text, size_t start);
/* A real IPv6 address (parsed into addr) with at least 4 hex digits in 2 groups. */
bool pii_value_ipv6_ok(const char *m, size_t n, unsigned char addr[16]);
/* A key-like token that reads as random. */
bool pii_value_high_entropy(const char *t, size_t n);

/* The redacted form of a match of detector d, NUL-terminated. */
void pii_value_redact(char out[PII_REDACTED_MAX], int d, const char *m, size_t n);

/* Exposed for tests. */
int pii_luhn_ok(const char *digits, size_t n);
double pii_entropy(const char *s, size_t n);

#endif
