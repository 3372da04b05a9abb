/*
 * Where a PII match could start (gates/pii_starts.h): byte classes as bit planes, and one
 * pass over 64-byte blocks that finds the first plausible start of every detector at once.
 */
#include "gates/pii_starts.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* ---- character classes ----------------------------------------------------------------- */

unsigned char pii_class[256];

/* The classes pii_starts_find() tests, as planes: byte p of plane_bits[c] is 1 when c is in
 * plane p, so the entries of eight bytes shifted by 0..7 and ORed are eight 8-bit masks side
 * by side, one per plane, with no branch and no dependence on byte order. */
enum { P_KEY, P_DIGIT, P_DIGSEP, P_HEXC, P_AT, P_DOT, P_COLON };
static uint64_t plane_bits[256];

void pii_starts_init(void)
{
    if (pii_class['0'])
        return;
    for (int c = 0; c < 256; c++) {
        unsigned char v = 0;
        if (c >= '0' && c <= '9')
            v |= C_DIGIT | C_KEY | C_HEX;
        if (c >= 'a' && c <= 'z')
            v |= C_KEY | C_LOWER | (c <= 'f' ? C_HEX : 0);
        if (c >= 'A' && c <= 'Z')
            v |= C_KEY | C_UPPER | (c <= 'F' ? C_HEX : 0);
        if (c == '_' || c == '-' || c == '+' || c == '/' || c == '=')
            v |= C_KEY;
        if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+')
            v |= C_NUMSEP;
        pii_class[c] = v;
    }
    for (int c = 0; c < 256; c++) {
        uint64_t v = 0;
        v |= (uint64_t)!!(pii_class[c] & C_KEY) << (8 * P_KEY);
        v |= (uint64_t)!!(pii_class[c] & C_DIGIT) << (8 * P_DIGIT);
        v |= (uint64_t)!!(pii_class[c] & (C_DIGIT | C_NUMSEP)) << (8 * P_DIGSEP);
        v |= (uint64_t)(!!(pii_class[c] & C_HEX) || c == ':') << (8 * P_HEXC);
        v |= (uint64_t)(c == '@') << (8 * P_AT);
        v |= (uint64_t)(c == '.') << (8 * P_DOT);
        v |= (uint64_t)(c == ':') << (8 * P_COLON);
        plane_bits[c] = v;
    }
}


/* ---- where a match could start ------------------------------------------------------------- */

/* One pass over the text finds, for every detector at once, the offset its prefilter would
 * hand to PCRE2: most texts hold no plausible start and cost that one pass. The pass works
 * on blocks of 64 bytes as bit masks (bit j: byte j is in the class), which turns "a run of
 * 14 key characters" or "a digit on both sides of a dot" into a few shifts and ANDs
 * instead of a branch per byte. The masks are built from a table, in plain C, so the
 * result is the same on every architecture. */

#define PLANE(v, p) (((v) >> (8 * (p))) & 0xFF)
#define KEY_RUN 14          /* the shortest token scan_keys() (pii_detect.c) judges */
#define PHONE_DIGITS 10     /* the fewest digits of a phone number */
#define CARD_DIGITS 13      /* ... and of a card number */

/* The planes of bytes p[0..8), side by side. */
static inline uint64_t planes8(const unsigned char *p)
{
    return plane_bits[p[0]] | plane_bits[p[1]] << 1 | plane_bits[p[2]] << 2
         | plane_bits[p[3]] << 3 | plane_bits[p[4]] << 4 | plane_bits[p[5]] << 5
         | plane_bits[p[6]] << 6 | plane_bits[p[7]] << 7;
}

/* v[i] holds the planes of bytes 8i..8i+7 of the block p[0..n); bytes past n are in no
 * class, so the end of the text can neither start nor extend anything. */
static inline void block_planes(uint64_t v[8], const unsigned char *p, size_t n)
{
    if (n == 64) {
        for (int i = 0; i < 8; i++)
            v[i] = planes8(p + 8 * i);
        return;
    }
    size_t i = 0;
    for (; i < n / 8; i++)
        v[i] = planes8(p + 8 * i);
    if (n % 8) {
        uint64_t w = 0;
        for (size_t k = 0; k < n % 8; k++)
            w |= plane_bits[p[8 * i + k]] << k;
        v[i++] = w;
    }
    for (; i < 8; i++)
        v[i] = 0;
}

static inline uint64_t block_mask(const uint64_t v[8], int plane)
{
    uint64_t m = 0;
    for (int i = 0; i < 8; i++)
        m |= PLANE(v[i], plane) << (8 * i);
    return m;
}

static inline unsigned ctz64(uint64_t x) { return (unsigned)__builtin_ctzll(x); }     /* x != 0 */
static inline unsigned clz64(uint64_t x) { return (unsigned)__builtin_clzll(x); }     /* x != 0 */

/* What pii_starts_find() carries from one block to the next. */
struct starts {
    size_t *out;          /* per detector: where PCRE2 starts, or len */
    unsigned want;        /* detectors (1 << d) still looking for their first start */
    size_t keys;          /* key characters just before the block, counted from pos */
    size_t digits;        /* digits of the run of digits and separators reaching the block */
    size_t first;         /* ... and where its first digit is */
};

static inline void found(struct starts *st, int d, size_t from)
{
    st->out[d] = from;
    st->want &= ~(1u << d);
}

/* A phone or card candidate starts at the run's first digit, or at the '+' or '(' just
 * before it. */
static size_t number_from(const char *text, size_t start)
{
    return start > 0 && (text[start - 1] == '+' || text[start - 1] == '(') ? start - 1 : start;
}

/* Bytes b..b+n hold enough digits that a run may reach 10 or 13 in them: follow the runs
 * byte by byte. */
static void number_walk(struct starts *st, const char *text, size_t b, size_t n)
{
    for (size_t i = b; i < b + n && (st->want & (1u << D_PHONE | 1u << D_CARD)); i++) {
        unsigned char c = pii_class[(unsigned char)text[i]];
        if (c & C_DIGIT) {
            if (!st->digits)
                st->first = i;
            st->digits++;
            if ((st->want & 1u << D_PHONE) && st->digits >= PHONE_DIGITS)
                found(st, D_PHONE, number_from(text, st->first));
            if ((st->want & 1u << D_CARD) && st->digits >= CARD_DIGITS)
                found(st, D_CARD, number_from(text, st->first));
        } else if (!(c & C_NUMSEP)) {
            st->digits = 0;
        }
    }
}

static void number_block(struct starts *st, const char *text, size_t b, size_t n, const uint64_t v[8],
                         uint64_t any, uint64_t all)
{
    if (!PLANE(any, P_DIGIT)) {
        if (PLANE(all, P_DIGSEP) != 0xFF)
            st->digits = 0;
        return;
    }
    uint64_t dg = block_mask(v, P_DIGIT);
    size_t need = st->want & 1u << D_PHONE ? PHONE_DIGITS : CARD_DIGITS;
    if (st->digits + (size_t)__builtin_popcountll(dg) >= need) {
        number_walk(st, text, b, n);
        return;
    }
    /* no run gets there in this block: carry the digits of the run at its end */
    uint64_t breaks = ~block_mask(v, P_DIGSEP);
    if (!breaks) {
        if (!st->digits)
            st->first = b + ctz64(dg);
        st->digits += (size_t)__builtin_popcountll(dg);
        return;
    }
    unsigned last = 63 - clz64(breaks);
    uint64_t after = last == 63 ? 0 : dg >> (last + 1);
    st->digits = (size_t)__builtin_popcountll(after);
    if (st->digits)
        st->first = b + last + 1 + ctz64(after);
}

static void key_block(struct starts *st, size_t b, const uint64_t v[8], uint64_t all)
{
    uint64_t k = block_mask(v, P_KEY);
    size_t lead = PLANE(all, P_KEY) == 0xFF ? 64 : ctz64(~k);
    if (st->keys + lead >= KEY_RUN) {
        found(st, D_KEY, b - st->keys);
        return;
    }
    /* bit j: bytes j..j+KEY_RUN-1 are all key characters (1 + 1 + 2 + 4 + 6 = 14 - 1) */
    uint64_t r = k & k >> 1;
    r &= r >> 2;
    r &= r >> 4;
    r &= r >> 6;
    if (r)
        found(st, D_KEY, b + ctz64(r));   /* the first such j starts its token */
    else
        st->keys = lead == 64 ? st->keys + 64 : clz64(~k);
}

/*
 * out[d], for each detector d in `want` (bit 1 << d), becomes the offset at or after pos
 * where its prefilter fires first, or len when it never does:
 *   email   '@' at a: max(a - 64, pos), as the local part is at most 64 characters
 *   phone   the first run of digits and number separators with 10 digits (cards: 13)
 *   ipv4    a '.' with digits on both sides at x: max(x - 3, pos)
 *   ipv6    a ':' with a hex digit or ':' after and before (or at offset 0) at c: max(c - 4, pos)
 *   key     the start of the first token of 14 or more key characters
 * Runs (digits, key tokens) count from pos, as a scan that stopped at a match's end
 * resumes there; a neighbour test may look at the byte before pos.
 */
void pii_starts_find(size_t out[D_COUNT], const char *text, size_t len, size_t pos, unsigned want)
{
    const unsigned char *u = (const unsigned char *)text;
    struct starts st = { .out = out, .want = want };

    for (int d = 0; d < D_COUNT; d++)
        out[d] = len;
    for (size_t b = pos; b < len && st.want; b += 64) {
        size_t n = len - b < 64 ? len - b : 64;
        uint64_t v[8];
        block_planes(v, u + b, n);
        uint64_t any = v[0] | v[1] | v[2] | v[3] | v[4] | v[5] | v[6] | v[7];
        uint64_t all = v[0] & v[1] & v[2] & v[3] & v[4] & v[5] & v[6] & v[7];
        /* the bytes just outside the block, for the neighbour tests */
        bool has_next = n == 64 && b + 64 < len;
        unsigned prev_c = b > 0 ? pii_class[u[b - 1]] : 0, next_c = has_next ? pii_class[u[b + 64]] : 0;

        if ((st.want & 1u << D_EMAIL) && PLANE(any, P_AT)) {
            size_t a = b + ctz64(block_mask(v, P_AT));
            size_t from = a > 64 ? a - 64 : 0;
            found(&st, D_EMAIL, from < pos ? pos : from);
        }
        if ((st.want & 1u << D_IPV4) && PLANE(any, P_DOT) && PLANE(any, P_DIGIT)) {
            uint64_t dg = block_mask(v, P_DIGIT);
            uint64_t m = block_mask(v, P_DOT) & (dg << 1 | !!(prev_c & C_DIGIT))
                       & (dg >> 1 | (uint64_t)!!(next_c & C_DIGIT) << 63);
            if (m) {
                size_t x = b + ctz64(m);
                found(&st, D_IPV4, x >= pos + 3 ? x - 3 : pos);
            }
        }
        if ((st.want & 1u << D_IPV6) && PLANE(any, P_COLON)) {
            uint64_t hx = block_mask(v, P_HEXC);
            bool prev = b == 0 || (prev_c & C_HEX) || u[b - 1] == ':';
            bool next = has_next && ((next_c & C_HEX) || u[b + 64] == ':');
            uint64_t m = block_mask(v, P_COLON) & (hx << 1 | prev) & (hx >> 1 | (uint64_t)next << 63);
            if (m) {
                size_t c = b + ctz64(m);
                found(&st, D_IPV6, c >= pos + 4 ? c - 4 : pos);
            }
        }
        if (st.want & (1u << D_PHONE | 1u << D_CARD))
            number_block(&st, text, b, n, v, any, all);
        if (st.want & 1u << D_KEY)
            key_block(&st, b, v, all);
    }
}

size_t pii_starts_next(int d, const char *text, size_t len, size_t pos)
{
    size_t out[D_COUNT];
    pii_starts_find(out, text, len, pos, 1u << d);
    return out[d];
}
