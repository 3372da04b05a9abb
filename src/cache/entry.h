/*
 * The bytes of one cache entry file: a fixed header, then the payload.
 *
 *   0  magic "DSCICACH"            8 bytes
 *   8  format version              u32 little-endian (CACHE_ENTRY_VERSION)
 *  12  header length               u32 (CACHE_ENTRY_HEADER)
 *  16  key                         32 bytes: the entry is valid only under this name
 *  48  payload length              u64
 *  56  checksum                    16 bytes, over bytes 0..55 and the payload
 *  72  payload
 *
 * The checksum is util/text_hash.h's 128-bit hash, not SHA-256: it is what every warm
 * run pays on every byte it reads back, and it was about 5x faster measured on a 100 MB
 * payload (18.5 ms against 88.7 ms with SHA-NI). It only has to catch accidental damage
 * (flipped bits, truncation, zeroed pages); whoever can write into the cache folder can
 * write a matching SHA-256 just as well, so a cryptographic hash would buy nothing.
 */
#ifndef DSCI_CACHE_ENTRY_H
#define DSCI_CACHE_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#define CACHE_ENTRY_HEADER 72
#define CACHE_ENTRY_VERSION 1
#define CACHE_KEY_BYTES 32

enum cache_entry_verdict {
    CACHE_ENTRY_OK,
    CACHE_ENTRY_DAMAGED,  /* short, wrong magic or version, length or checksum mismatch */
    CACHE_ENTRY_FOREIGN,  /* a sound entry of another key (copied or renamed) */
};

/* Fills the header for `payload` under `key`. */
void cache_entry_header(unsigned char header[CACHE_ENTRY_HEADER],
                        const unsigned char key[CACHE_KEY_BYTES],
                        const void *payload, size_t len);

/* Checks a whole entry file's bytes against the key it was found under; on OK the
 * payload is file + CACHE_ENTRY_HEADER, size - CACHE_ENTRY_HEADER bytes. */
enum cache_entry_verdict cache_entry_verify(const unsigned char *file, size_t size,
                                            const unsigned char key[CACHE_KEY_BYTES]);

#endif
