/*
 * The edit distance of gates/pair_distance.h, computed only as far as the limit: by
 * furthest-reaching diagonals, so a near pair costs about its length plus the square of
 * its distance, and a pair far apart stops at the limit.
 */
#include "gates/pair_distance.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "util/xalloc.h"

/* The furthest row diagonal d (j - i) reaches with the errors so far: -1 when it cannot. */
static ptrdiff_t slide(const uint32_t *a, ptrdiff_t na, const uint32_t *b, ptrdiff_t nb, ptrdiff_t d, ptrdiff_t i)
{
    if (i > na)
        i = na;
    if (i + d > nb)
        i = nb - d;
    while (i < na && i + d < nb && a[i] == b[i + d])
        i++;
    return i;
}

size_t pair_edit_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, size_t limit)
{
    /* what the two share at either end costs nothing and is most of a near pair */
    while (na && nb && a[0] == b[0]) {
        a++, b++;
        na--, nb--;
    }
    while (na && nb && a[na - 1] == b[nb - 1])
        na--, nb--;
    size_t longer = na > nb ? na : nb, diff = na > nb ? na - nb : nb - na;
    if (diff > limit)
        return limit + 1;
    if (!na || !nb)
        return longer;
    if (limit > longer)
        limit = longer;   /* the distance is never over the longer length */
    /* Furthest-reaching diagonals (Ukkonen; Landau and Vishkin): with e errors, diagonal d
     * reaches row L[d], from the rows e - 1 errors reached on d (a substitution), d - 1
     * (an insertion) and d + 1 (a deletion), then slides down as long as the texts agree.
     * The first e at which the last diagonal reaches the end is the distance: O(e^2)
     * steps plus the slides, which on one diagonal never go back. */
    ptrdiff_t n = (ptrdiff_t)na, m = (ptrdiff_t)nb, k = (ptrdiff_t)limit, target = m - n;
    ptrdiff_t width = 2 * k + 3;
    ptrdiff_t *prev = xmalloc((size_t)width * sizeof(*prev)), *cur = xmalloc((size_t)width * sizeof(*cur));
    for (ptrdiff_t x = 0; x < width; x++)
        prev[x] = cur[x] = -1;
    size_t result = limit + 1;
    /* index of diagonal d: d + k + 1, so d - 1 and d + 1 are in range for |d| <= k */
    cur[k + 1] = slide(a, n, b, m, 0, 0);
    if (target == 0 && cur[k + 1] == n)
        result = 0;
    for (ptrdiff_t e = 1; e <= k && result > limit; e++) {
        ptrdiff_t *t = prev;
        prev = cur;
        cur = t;
        ptrdiff_t lo = -e > -n ? -e : -n, hi = e < m ? e : m;
        for (ptrdiff_t x = 0; x < width; x++)
            cur[x] = -1;
        for (ptrdiff_t d = lo; d <= hi; d++) {
            ptrdiff_t at = d + k + 1, i = -1;
            if (prev[at] >= 0)
                i = prev[at] + 1;                        /* substitution */
            if (prev[at - 1] >= 0 && prev[at - 1] > i)
                i = prev[at - 1];                        /* insertion: from d - 1 */
            if (prev[at + 1] >= 0 && prev[at + 1] + 1 > i)
                i = prev[at + 1] + 1;                    /* deletion: from d + 1 */
            if (i < 0)
                continue;
            if (i + d < 0)
                i = -d;
            cur[at] = slide(a, n, b, m, d, i);
            if (d == target && cur[at] >= n)
                result = (size_t)e;
        }
    }
    free(prev);
    free(cur);
    return result;
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
