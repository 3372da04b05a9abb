/*
 * A fast 128-bit non-cryptographic hash of bytes, for sets of texts (distinct
 * messages, identities in the diff) where SHA-256 would cost too much and a 2^-64
 * collision chance is fine. Not for content hashes: those are SHA-256 (example.h).
 *
 *   uint64_t h[2];
 *   text_hash128(h, text, len);
 */
#ifndef DSCI_TEXT_HASH_H
#define DSCI_TEXT_HASH_H

#include <stddef.h>
#include <stdint.h>

void text_hash128(uint64_t out[2], const char *text, size_t len);

#endif
