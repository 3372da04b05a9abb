#include "cache/entry.h"

#include <string.h>

#include "util/text_hash.h"

static const unsigned char magic[8] = {'D', 'S', 'C', 'I', 'C', 'A', 'C', 'H'};

#define AT_VERSION 8
#define AT_HEADER_LEN 12
#define AT_KEY 16
#define AT_LENGTH 48
#define AT_CHECKSUM 56

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The payload's hash, then a hash of the header fields and that: text_hash128 takes one
 * buffer, and hashing the header too means no field can be changed unnoticed even where
 * it is not compared on its own. */
static void checksum(unsigned char out[16], const unsigned char *header, const void *payload,
                     size_t len)
{
    unsigned char both[AT_CHECKSUM + 16];
    uint64_t h[2];
    text_hash128(h, payload, len);
    memcpy(both, header, AT_CHECKSUM);
    put_le(both + AT_CHECKSUM, h[0], 8);
    put_le(both + AT_CHECKSUM + 8, h[1], 8);
    text_hash128(h, (const char *)both, sizeof both);
    put_le(out, h[0], 8);
    put_le(out + 8, h[1], 8);
}

void cache_entry_header(unsigned char header[CACHE_ENTRY_HEADER],
                        const unsigned char key[CACHE_KEY_BYTES],
                        const void *payload, size_t len)
{
    memcpy(header, magic, sizeof magic);
    put_le(header + AT_VERSION, CACHE_ENTRY_VERSION, 4);
    put_le(header + AT_HEADER_LEN, CACHE_ENTRY_HEADER, 4);
    memcpy(header + AT_KEY, key, CACHE_KEY_BYTES);
    put_le(header + AT_LENGTH, (uint64_t)len, 8);
    checksum(header + AT_CHECKSUM, header, payload, len);
}

enum cache_entry_verdict cache_entry_verify(const unsigned char *file, size_t size,
                                            const unsigned char key[CACHE_KEY_BYTES])
{
    if (size < CACHE_ENTRY_HEADER || memcmp(file, magic, sizeof magic) != 0
        || get_le(file + AT_VERSION, 4) != CACHE_ENTRY_VERSION
        || get_le(file + AT_HEADER_LEN, 4) != CACHE_ENTRY_HEADER
        || get_le(file + AT_LENGTH, 8) != (uint64_t)(size - CACHE_ENTRY_HEADER))
        return CACHE_ENTRY_DAMAGED;
    unsigned char sum[16];
    checksum(sum, file, file + CACHE_ENTRY_HEADER, size - CACHE_ENTRY_HEADER);
    if (memcmp(sum, file + AT_CHECKSUM, sizeof sum) != 0)
        return CACHE_ENTRY_DAMAGED;
    /* only a sound entry can be told foreign: a damaged key byte is damage */
    return memcmp(file + AT_KEY, key, CACHE_KEY_BYTES) == 0 ? CACHE_ENTRY_OK : CACHE_ENTRY_FOREIGN;
}
