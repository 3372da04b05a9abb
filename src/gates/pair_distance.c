/*
 * The banded edit distance of gates/pair_distance.h (Ukkonen's cut-off: cells more than
 * k off the diagonal are over k anyway, and once a whole row is over k so is the end).
 */
#include "gates/pair_distance.h"

#include <math.h>
#include <stdlib.h>

#include "util/xalloc.h"

size_t pair_edit_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, size_t limit)
{
    /* what the two share at either end costs nothing and is most of a near pair */
    while (na && nb && a[0] == b[0]) {
        a++, b++;
        na--, nb--;
    }
    while (na && nb && a[na - 1] == b[nb - 1])
        na--, nb--;
    if (na > nb) {
        const uint32_t *t = a;
        a = b;
        b = t;
        size_t n = na;
        na = nb;
        nb = n;
    }
    if (nb - na > limit)
        return limit + 1;
    if (!na)
        return nb;
    const size_t over = limit + 1;
    size_t *row = xmalloc((nb + 1) * sizeof(*row));
    for (size_t j = 0; j <= nb; j++)
        row[j] = j <= limit ? j : over;
    for (size_t i = 1; i <= na; i++) {
        size_t lo = i > limit ? i - limit : 1;
        size_t hi = limit < nb - i ? i + limit : nb;
        size_t diag = row[lo - 1];
        row[lo - 1] = lo == 1 && i <= limit ? i : over;
        size_t best = row[lo - 1];
        for (size_t j = lo; j <= hi; j++) {
            size_t up = row[j];
            size_t v = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < v)
                v = up + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            if (v > over)
                v = over;
            diag = up;
            row[j] = v;
            if (v < best)
                best = v;
        }
        if (best > limit) {
            free(row);
            return over;
        }
    }
    size_t d = row[nb];
    free(row);
    return d > limit ? over : d;
}

size_t pair_distance_limit(size_t length, double threshold)
{
    /* similarity = 1 - d / length >= threshold, in integers where it can be: the small
     * epsilon keeps 0.95 * 100 from rounding down to 4.999... */
    double k = floor((1.0 - threshold) * (double)length + 1e-9);
    return k < 0 ? 0 : (size_t)k;
}

/* UTF-8 to code points; a byte that starts no valid sequence is one code point. */
static size_t decode(uint32_t *out, const unsigned char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        unsigned c = s[i];
        size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        bool ok = k && i + k <= len;
        for (size_t m = 1; ok && m < k; m++)
            ok = (s[i + m] & 0xC0) == 0x80;
        if (!ok) {
            out[n++] = c | 0x80000000u;   /* apart from every code point */
            i++;
            continue;
        }
        uint32_t cp = k == 1 ? c : k == 2 ? c & 0x1F : k == 3 ? c & 0x0F : c & 0x07;
        for (size_t m = 1; m < k; m++)
            cp = cp << 6 | (s[i + m] & 0x3F);
        out[n++] = cp;
        i += k;
    }
    return n;
}

bool pair_distance_near(struct pair_distance *out, const char *a, size_t a_len, const char *b, size_t b_len,
                        double threshold)
{
    uint32_t *ca = xmalloc((a_len + 1) * sizeof(*ca)), *cb = xmalloc((b_len + 1) * sizeof(*cb));
    size_t na = decode(ca, (const unsigned char *)a, a_len), nb = decode(cb, (const unsigned char *)b, b_len);
    size_t length = na > nb ? na : nb;
    size_t limit = pair_distance_limit(length, threshold);
    size_t d = length ? pair_edit_distance(ca, na, cb, nb, limit) : 0;
    free(ca);
    free(cb);
    out->distance = d;
    out->length = length;
    return d <= limit;
}
