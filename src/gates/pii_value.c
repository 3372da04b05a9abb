/*
 * Validating and redacting the values the PII detectors matched (gates/pii_value.h).
 */
#include "gates/pii_value.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

size_t pii_value_digits(char *out, size_t size, const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < size; i++)
        if (s[i] >= '0' && s[i] <= '9')
            out[k++] = s[i];
    out[k] = 0;
    return k;
}

/* ---- validation -------------------------------------------------------------------------- */

int pii_luhn_ok(const char *digits, size_t n)
{
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned v = (unsigned)(digits[n - 1 - i] - '0');
        if (i & 1) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    return n > 0 && sum % 10 == 0;
}

/* Issuer (IIN) prefixes and lengths of the card networks in use. */
static bool iin_ok(const char *d, size_t n)
{
    unsigned p2 = (unsigned)((d[0] - '0') * 10 + (d[1] - '0'));
    unsigned p3 = p2 * 10 + (unsigned)(d[2] - '0');
    unsigned p4 = p3 * 10 + (unsigned)(d[3] - '0');
    if (d[0] == '4')
        return n == 13 || n == 16 || n == 19;                          /* Visa */
    if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))
        return n == 16;                                                /* Mastercard */
    if (p2 == 34 || p2 == 37)
        return n == 15;                                                /* Amex */
    if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649))
        return n >= 16 && n <= 19;                                     /* Discover */
    if (p4 >= 3528 && p4 <= 3589)
        return n >= 16 && n <= 19;                                     /* JCB */
    if (p2 == 36 || p2 == 38 || p2 == 39 || (p3 >= 300 && p3 <= 305))
        return n >= 14 && n <= 19;                                     /* Diners */
    if (p2 == 62)
        return n >= 16 && n <= 19;                                     /* UnionPay */
    if (p2 == 50 || (p2 >= 56 && p2 <= 69))
        return n >= 13 && n <= 19;                                     /* Maestro */
    return false;
}

/* Separators, if any, are one kind of character between groups of 3-6 digits. */
bool pii_value_card_ok(const char *m, size_t n, const char *text, size_t len, size_t end)
{
    char d[32];
    size_t nd = pii_value_digits(d, sizeof(d), m, n);
    if (nd < 13 || nd > 19)
        return false;
    char sep = 0;
    size_t group = 0;
    for (size_t i = 0; i < n; i++) {
        if (m[i] >= '0' && m[i] <= '9') {
            group++;
            continue;
        }
        if ((sep && m[i] != sep) || group < 3 || group > 6)
            return false;
        sep = m[i];
        group = 0;
    }
    if (sep && (group < 1 || group > 6))
        return false;
    /* the number goes on: part of a longer run, not a card */
    if (end + 1 < len && (text[end] == ' ' || text[end] == '-') && PII_IS(text[end + 1], C_DIGIT))
        return false;
    return iin_ok(d, nd) && pii_luhn_ok(d, nd);
}

bool pii_value_phone_ok(const char *m, size_t n)
{
    char d[32];
    size_t nd = pii_value_digits(d, sizeof(d), m, n);
    return nd >= 10 && nd <= 15;
}

/* "version 1.2.3.4", "v: 10.0.0.1", "build 1.2.3.4": a version, not an address. */
bool pii_value_version_context(const char *text, size_t start)
{
    static const char *const words[] = { "version", "ver", "v", "release", "build", "firmware",
                                         "rev", "revision", "release" };
    size_t i = start;
    while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == ':' || text[i - 1] == '='))
        i--;
    size_t e = i;
    while (i > 0 && isalpha((unsigned char)text[i - 1]) && e - i < 10)
        i--;
    if (i > 0 && isalpha((unsigned char)text[i - 1]))
        return false;
    for (size_t w = 0; w < sizeof(words) / sizeof(*words); w++)
        if (strlen(words[w]) == e - i && !strncasecmp(text + i, words[w], e - i))
            return true;
    return false;
}

bool pii_value_ipv6_ok(const char *m, size_t n, unsigned char addr[16])
{
    char buf[64];
    if (n >= sizeof(buf))
        return false;
    memcpy(buf, m, n);
    buf[n] = 0;
    if (inet_pton(AF_INET6, buf, addr) != 1)
        return false;
    size_t hex = 0, groups = 0, run = 0;
    for (size_t i = 0; i < n && m[i] != '.'; i++) {
        if (m[i] == ':') {
            groups += run > 0;
            run = 0;
        } else {
            hex++;
            run++;
        }
    }
    groups += run > 0 && !memchr(m, '.', n);
    return hex >= 4 && groups >= 2;
}

double pii_entropy(const char *s, size_t n)
{
    unsigned count[256] = { 0 };
    for (size_t i = 0; i < n; i++)
        count[(unsigned char)s[i]]++;
    double h = 0;
    for (int c = 0; c < 256; c++)
        if (count[c]) {
            double p = (double)count[c] / (double)n;
            h -= p * log2(p);
        }
    return h;
}

/* A token of >= 32 key characters that reads as random: entropy >= 4.0 bits per char, at
 * least two each of lower case, upper case and digits, no lower-case run of 8 (words,
 * paths), not starting with '/' (an absolute path). Hex (git SHAs, UUIDs) cannot reach
 * the mix of cases. */
bool pii_value_high_entropy(const char *t, size_t n)
{
    if (n < 32 || t[0] == '/')
        return false;
    size_t lo = 0, up = 0, dg = 0, run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = pii_class[(unsigned char)t[i]];
        lo += !!(c & C_LOWER);
        up += !!(c & C_UPPER);
        dg += !!(c & C_DIGIT);
        run = (c & C_LOWER) ? run + 1 : 0;
        if (run >= 8)
            return false;
    }
    return lo >= 2 && up >= 2 && dg >= 2 && pii_entropy(t, n) >= 4.0;
}

/* ---- redaction ------------------------------------------------------------------------------ */

void pii_value_redact(char out[PII_REDACTED_MAX], int d, const char *m, size_t n)
{
    size_t k = 0;
#define PUT(c) do { if (k + 1 < PII_REDACTED_MAX) out[k++] = (c); } while (0)
#define PUTS(s) do { for (const char *p_ = (s); *p_; p_++) PUT(*p_); } while (0)
    switch (d) {
    case D_EMAIL: {
        const char *at = memchr(m, '@', n);
        const char *dot = m + n;
        while (dot > at && dot[-1] != '.')
            dot--;
        PUT(m[0]);
        PUTS("***@");
        PUT(at[1]);
        for (const char *p = at + 2; p < dot - 1 && p < at + 12; p++)
            PUT('*');
        PUT('.');
        for (const char *p = dot; p < m + n && p < dot + 6; p++)
            PUT(*p);
        break;
    }
    case D_PHONE:
    case D_CARD: {   /* a phone shows its last 2 digits, a card its first 4 and last 4 */
        size_t head = d == D_CARD ? 4 : 0, tail = d == D_CARD ? 4 : 2;
        size_t nd = 0, seen = 0;
        for (size_t i = 0; i < n; i++)
            nd += m[i] >= '0' && m[i] <= '9';
        for (size_t i = 0; i < n; i++) {
            if (m[i] >= '0' && m[i] <= '9') {
                seen++;
                PUT(seen <= head || seen > nd - tail ? m[i] : '*');
            } else {
                PUT(m[i]);
            }
        }
        break;
    }
    case D_IPV4: {
        const char *dot = memchr(m, '.', n);
        for (const char *p = m; p < dot; p++)
            PUT(*p);
        PUTS(".*.*.*");
        break;
    }
    case D_IPV6: {
        for (size_t i = 0; i < n && i < 4 && m[i] != ':'; i++)
            PUT(m[i]);
        PUTS(":****:****");
        break;
    }
    default: {   /* keys: the known prefix (not secret) or two characters, then the last two */
        static const char *const prefixes[] = { "sk-proj-", "sk-ant-", "sk-", "sk_live_", "sk_test_",
                                                "rk_live_", "rk_test_", "ghp_", "gho_", "ghu_", "ghs_",
                                                "ghr_", "github_pat_", "AKIA", "xoxb-", "xoxa-",
                                                "xoxp-", "xoxr-", "xoxs-", "AIza" };
        size_t keep = 2;
        for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++) {
            size_t pl = strlen(prefixes[i]);
            if (n > pl + 8 && !strncmp(m, prefixes[i], pl)) {
                keep = pl;
                break;
            }
        }
        for (size_t i = 0; i < keep; i++)
            PUT(m[i]);
        PUTS("***\xE2\x80\xA6***");
        PUT(m[n - 2]);
        PUT(m[n - 1]);
        break;
    }
    }
    out[k] = 0;
#undef PUT
#undef PUTS
}
