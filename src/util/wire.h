/*
 * A compact byte encoding for what a run keeps of each example (run/digest.h): LEB128
 * varints, fixed-width little-endian words and length-prefixed bytes appended to a
 * struct buf, read back through a bounds-checked cursor. A cursor that runs past its end
 * or meets a malformed varint is marked bad and yields zeros from then on, so a damaged
 * cache entry gives a detectable error, never a read out of bounds.
 *
 *   struct buf b = BUF_INIT;
 *   wire_put_varint(&b, n); wire_put_bytes(&b, text, len);
 *   struct wire_in in = wire_in(b.ptr, b.len);
 *   uint64_t n2 = wire_get_varint(&in); size_t len2; const char *t = wire_get_bytes(&in, &len2);
 *   if (in.bad) ... damaged ...
 */
#ifndef DSCI_WIRE_H
#define DSCI_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"

struct wire_in {
    const unsigned char *p, *end;
    bool bad;
};

static inline struct wire_in wire_in(const void *data, size_t len)
{
    struct wire_in in = { data, (const unsigned char *)data + len, false };
    return in;
}

/* The buffers grow without a cap (BUF_INIT); running out of memory ends the process. */
static inline void wire_put_raw(struct buf *b, const void *p, size_t n)
{
    if (n && buf_add(b, p, n) < 0)
        xalloc_die("out of memory: %zu more bytes of a summary", n);
}

static inline void wire_put_u8(struct buf *b, uint8_t v)
{
    wire_put_raw(b, &v, 1);
}

static inline void wire_put_varint(struct buf *b, uint64_t v)
{
    unsigned char tmp[10];
    size_t n = 0;
    do {
        tmp[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    wire_put_raw(b, tmp, n);
}

static inline void wire_put_u64(struct buf *b, uint64_t v)
{
    unsigned char tmp[8];
    for (int i = 0; i < 8; i++)
        tmp[i] = (unsigned char)(v >> (8 * i));
    wire_put_raw(b, tmp, 8);
}

static inline void wire_put_double(struct buf *b, double d)
{
    uint64_t v;
    memcpy(&v, &d, sizeof(v));
    wire_put_u64(b, v);
}

/* Length-prefixed bytes. */
static inline void wire_put_bytes(struct buf *b, const void *p, size_t n)
{
    wire_put_varint(b, n);
    wire_put_raw(b, p, n);
}

static inline bool wire_fail(struct wire_in *in)
{
    in->bad = true;
    in->p = in->end;
    return false;
}

static inline uint8_t wire_get_u8(struct wire_in *in)
{
    if (in->p >= in->end)
        return (uint8_t)wire_fail(in);
    return *in->p++;
}

static inline uint64_t wire_get_varint(struct wire_in *in)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (in->p >= in->end)
            return wire_fail(in);
        unsigned char c = *in->p++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return v;
    }
    return wire_fail(in);
}

static inline uint64_t wire_get_u64(struct wire_in *in)
{
    if ((size_t)(in->end - in->p) < 8)
        return wire_fail(in);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)in->p[i] << (8 * i);
    in->p += 8;
    return v;
}

static inline double wire_get_double(struct wire_in *in)
{
    uint64_t v = wire_get_u64(in);
    double d;
    memcpy(&d, &v, sizeof(d));
    return d;
}

/* n raw bytes, borrowed from the cursor's buffer; NULL (and bad) when fewer are left. */
static inline const void *wire_get_raw(struct wire_in *in, size_t n)
{
    if ((size_t)(in->end - in->p) < n) {
        wire_fail(in);
        return NULL;
    }
    const void *p = in->p;
    in->p += n;
    return p;
}

/* Length-prefixed bytes, borrowed; "" with *len 0 when damaged. */
static inline const char *wire_get_bytes(struct wire_in *in, size_t *len)
{
    uint64_t n = wire_get_varint(in);
    const char *p = n <= (uint64_t)(in->end - in->p) ? wire_get_raw(in, (size_t)n) : NULL;
    if (!p) {
        wire_fail(in);
        *len = 0;
        return "";
    }
    *len = (size_t)n;
    return p;
}

#endif
