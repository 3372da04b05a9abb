#include "util/unicode_lower.h"

#include "util/unicode_lower_table.h"
#include "util/utf8.h"

size_t unicode_lower(uint32_t cp, uint32_t out[3])
{
    if (cp < 0x80) {
        out[0] = (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
        return 1;
    }
    if (cp > UNICODE_LOWER_MAX_CP) {
        out[0] = cp;
        return 1;
    }
    unsigned block = unicode_lower_stage1[cp >> UNICODE_LOWER_BLOCK_SHIFT];
    unsigned index = unicode_lower_stage2[(block << UNICODE_LOWER_BLOCK_SHIFT) |
                                          (cp & ((1u << UNICODE_LOWER_BLOCK_SHIFT) - 1))];
    if (!index) {
        out[0] = cp;
        return 1;
    }
    const uint32_t *v = unicode_lower_values[index];
    out[0] = v[0];
    if (!v[1])
        return 1;
    out[1] = v[1];
    if (!v[2])
        return 2;
    out[2] = v[2];
    return 3;
}

bool unicode_lower_lead_changes(unsigned char lead)
{
    return unicode_lower_lead[lead] != 0;
}

enum unicode_case_class unicode_case_class(uint32_t cp)
{
    size_t lo = 0, hi = UNICODE_CASE_N_RANGES;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < unicode_case_ranges[mid][0])
            hi = mid;
        else if (cp > unicode_case_ranges[mid][1])
            lo = mid + 1;
        else
            return (enum unicode_case_class)unicode_case_ranges[mid][2];
    }
    return UNICODE_CASE_OTHER;
}

/* The code point that ends just before s[end]; its start goes to *start. Invalid bytes
 * are returned as a single non-cased "code point" (they cannot be in a Python str). */
static uint32_t decode_before(const unsigned char *s, size_t end, size_t *start)
{
    size_t i = end - 1;
    size_t stop = end >= 4 ? end - 4 : 0;
    while (i > stop && (s[i] & 0xC0) == 0x80)
        i--;
    uint32_t cp = 0;   /* set whenever utf8_decode succeeds; 0 quiets -Wmaybe-uninitialized */
    size_t n = utf8_decode(s + i, end - i, &cp);
    if (n != end - i) {
        *start = end - 1;
        return 0xFFFD;
    }
    *start = i;
    return cp;
}

bool unicode_final_sigma(const char *text, size_t len, size_t pos, size_t cp_len)
{
    const unsigned char *s = (const unsigned char *)text;
    enum unicode_case_class cls = UNICODE_CASE_OTHER;
    size_t i = pos;
    bool found = false;
    while (i > 0) {
        size_t start;
        uint32_t cp = decode_before(s, i, &start);
        cls = unicode_case_class(cp);
        i = start;
        if (cls != UNICODE_CASE_IGNORABLE) {
            found = true;
            break;
        }
    }
    if (!found || cls != UNICODE_CASED)
        return false;
    i = pos + cp_len;
    while (i < len) {
        uint32_t cp = 0;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (!n)
            return true;   /* an invalid byte is not cased */
        cls = unicode_case_class(cp);
        if (cls != UNICODE_CASE_IGNORABLE)
            return cls != UNICODE_CASED;
        i += n;
    }
    return true;
}

size_t unicode_lower_at(struct unicode_lowered *out, const char *text, size_t len, size_t i)
{
    uint32_t cp = 0;
    size_t n = utf8_decode((const unsigned char *)text + i, len - i, &cp);
    if (!n)
        return 0;
    out->cp = cp;
    if (cp == UNICODE_CAPITAL_SIGMA) {
        out->low[0] = unicode_final_sigma(text, len, i, n) ? 0x3C2 : 0x3C3;
        out->n_low = 1;
    } else {
        out->n_low = unicode_lower(cp, out->low);
    }
    return n;
}

void unicode_lower_utf8(struct buf *out, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    if (buf_grow(out, len) == 0)
        out->ptr[out->len] = '\0';   /* terminated even when nothing is added */
    while (i < len) {
        if (s[i] < 0x80) {
            char c = (char)s[i];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c + 32);
            buf_addch(out, c);
            i++;
            continue;
        }
        struct unicode_lowered lw;
        size_t n = unicode_lower_at(&lw, text, len, i);
        if (!n) {
            buf_add(out, s + i, 1);
            i++;
            continue;
        }
        for (size_t j = 0; j < lw.n_low; j++) {
            unsigned char enc[4];
            buf_add(out, enc, utf8_encode(lw.low[j], enc));
        }
        i += n;
    }
}
