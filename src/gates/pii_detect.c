/*
 * PII detectors. One table-driven pass over a text finds where a match of each detector
 * could first start (an '@', a run of digits, a '.' or ':' between digits, a key-like
 * token), then PCRE2 finds the candidate and C validates it: digit counts for phones,
 * Luhn and issuer prefixes for cards, octet ranges and version contexts for IPv4,
 * inet_pton for IPv6, prefixes or entropy for keys. Texts without a plausible start cost
 * that one pass and are never handed to PCRE2, which keeps the gate near the reader's speed.
 *
 * The patterns are ASCII and compiled without PCRE2_UTF: they run on bytes, so any
 * input (even invalid UTF-8) is safe and a multi-byte character is simply a boundary.
 * User regexes from `allow:` are compiled with PCRE2_UTF | PCRE2_UCP and only ever see
 * matched values, which are ASCII.
 *
 * Every pcre2_match() runs under limits (one match context): a regex with nested repeats,
 * such as /^([a-z0-9]+\.?)+@example\.com$/ or /(a|aa)+$/, backtracks exponentially on a
 * value like "aaaa...a@corp.net" and would otherwise run for hours over a dataset. The
 * interpreter honours the match, depth and heap limits; JIT code honours the match limit
 * and its own stack (a bounded one is assigned), not the depth limit. A limit that is hit
 * stops the scan (pii_scan() < 0, pii_scanner_limit() says which regex and which limit):
 * for an allow regex the gate reports a spec error naming its line, never a silent pass
 * and never a hang. The built-in patterns are written so they cannot reach the limits
 * (every repeat of a group is bounded); if one ever did, the scan stops the same way.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "gates/pii_detect.h"
#include "util/err.h"
#include "util/xalloc.h"

/* Valgrind cannot follow PCRE2's JIT code (it reports uninitialised reads inside it), so
 * under valgrind the interpreter runs instead; the results are the same. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

enum { D_EMAIL, D_PHONE, D_CARD, D_IPV4, D_IPV6, D_KEY, D_COUNT };

/* The limits of every match (docs/pii.md). A sane allow regex on a matched value (at most a
 * few hundred bytes, a key token perhaps more) needs a few thousand steps; a detector from
 * one start position fewer still. A match that hits a limit costs a few milliseconds. */
#define PII_MATCH_LIMIT 1000000u             /* backtracking steps per start position */
#define PII_DEPTH_LIMIT 10000u               /* nested backtracking points (interpreter) */
#define PII_HEAP_LIMIT_KIB 32768u            /* heap for the interpreter's backtracking frames */
#define PII_JIT_STACK_MIN (32u * 1024)
#define PII_JIT_STACK_MAX (1024u * 1024)
/* The CPU time all matches of one allow regex may take together: each match may stay
 * under the match limit and a dataset of many values still make the run last hours
 * ((a|aa)+$ on 60000 "aaa...a@corp.net" values of 27 'a's took > 5 min). */
#define PII_REGEX_CPU_LIMIT_S 5u

static const char *const patterns[D_COUNT] = {
    [D_EMAIL] = "(?<![A-Za-z0-9._%+\\-])[A-Za-z0-9%+_\\-][A-Za-z0-9._%+\\-]{0,63}@"
                "(?:[A-Za-z0-9](?:[A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?\\.){1,126}[A-Za-z]{2,24}(?![A-Za-z0-9\\-])",
    /* +CC with separators, +E.164, (NNN) NNN-NNNN, NNN-NNN-NNNN; never a bare digit run */
    [D_PHONE] = "(?<![\\w+.\\-/])(?:"
                "\\+[1-9]\\d{0,2}(?:[ .\\-]?\\(\\d{1,4}\\)|[ .\\-]\\d{1,4})(?:[ .\\-]\\d{2,8}){1,5}"
                "|\\+[1-9]\\d{9,14}"
                "|\\(\\d{3}\\)[ .\\-]?\\d{3}[ .\\-]\\d{4}"
                "|\\d{3}[.\\-]\\d{3}[.\\-]\\d{4})"
                "(?![\\w\\-]|[.\\-/:]\\d)",
    [D_CARD] = "(?<![\\w\\-.+])\\d(?:[ \\-]?\\d){12,18}(?![\\w\\-]|[.,]\\d)",
    [D_IPV4] = "(?<![\\w.\\-])(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}"
               "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?![\\w\\-]|\\.\\d)",
    [D_IPV6] = "(?<![\\w:.])(?=[0-9A-Fa-f]*:[0-9A-Fa-f]*:)[0-9A-Fa-f:]{2,39}"
               "(?:(?<=:)\\d{1,3}(?:\\.\\d{1,3}){3})?(?![\\w:]|\\.\\d)",
    [D_KEY] = "(?<![A-Za-z0-9_])(?:sk-(?:proj-|ant-)?[A-Za-z0-9_\\-]{20,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"
              "|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|AKIA[0-9A-Z]{16}"
              "|xox[baprs]-[A-Za-z0-9\\-]{10,}|AIza[0-9A-Za-z_\\-]{35})(?![A-Za-z0-9_])",
};

static const unsigned bits[D_COUNT] = {
    PII_EMAIL, PII_PHONE, PII_CREDIT_CARD, PII_IPV4, PII_IPV6, PII_API_KEY,
};

struct net {
    int family;             /* AF_INET or AF_INET6 */
    unsigned char addr[16];
    unsigned prefix;        /* bits */
};

struct pii_scanner {
    unsigned detect;
    pcre2_code *re[D_COUNT];
    pcre2_match_data *md;
    char **domains;         /* lowercased: allows the domain and its subdomains */
    size_t n_domains;
    char **values;          /* exact values (ASCII case-insensitive) */
    size_t n_values;
    pcre2_code **regexes;
    size_t *regex_entry;    /* the allow-list index of each regex */
    uint64_t *regex_ns;     /* CPU time spent in each regex so far */
    size_t n_regexes;
    pcre2_match_context *mctx;   /* the limits, for every match */
    pcre2_jit_stack *jit_stack;
    struct pii_limit limit;      /* what stopped the last scan */
    bool stopped;
    struct net *nets;
    size_t n_nets;
};

/* Allowed whatever the spec says (docs/pii.md): RFC 2606/6761 names, documentation and
 * loopback/unspecified addresses. None of them can identify a person. */
static const char *const default_domains[] = {
    "example.com", "example.org", "example.net", "example", "test", "invalid", "localhost",
};
static const char *const default_nets[] = {
    "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32",
    "127.0.0.0/8", "0.0.0.0/32", "255.255.255.255/32", "::1/128", "::/128",
};

/* ---- character classes ----------------------------------------------------------------- */

enum { C_DIGIT = 1, C_NUMSEP = 2, C_KEY = 4, C_HEX = 8, C_LOWER = 16, C_UPPER = 32 };
static unsigned char cls[256];

/* The classes find_starts() tests, as planes: byte p of plane_bits[c] is 1 when c is in
 * plane p, so the entries of eight bytes shifted by 0..7 and ORed are eight 8-bit masks side
 * by side, one per plane, with no branch and no dependence on byte order. */
enum { P_KEY, P_DIGIT, P_DIGSEP, P_HEXC, P_AT, P_DOT, P_COLON };
static uint64_t plane_bits[256];

static void init_classes(void)
{
    if (cls['0'])
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
        cls[c] = v;
    }
    for (int c = 0; c < 256; c++) {
        uint64_t v = 0;
        v |= (uint64_t)!!(cls[c] & C_KEY) << (8 * P_KEY);
        v |= (uint64_t)!!(cls[c] & C_DIGIT) << (8 * P_DIGIT);
        v |= (uint64_t)!!(cls[c] & (C_DIGIT | C_NUMSEP)) << (8 * P_DIGSEP);
        v |= (uint64_t)(!!(cls[c] & C_HEX) || c == ':') << (8 * P_HEXC);
        v |= (uint64_t)(c == '@') << (8 * P_AT);
        v |= (uint64_t)(c == '.') << (8 * P_DOT);
        v |= (uint64_t)(c == ':') << (8 * P_COLON);
        plane_bits[c] = v;
    }
}

#define IS(c, k) (cls[(unsigned char)(c)] & (k))

/* ---- setup ------------------------------------------------------------------------------- */

static pcre2_code *compile(const char *pat, size_t len, uint32_t opts, char *msg, size_t msg_size)
{
    int ec;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, len, opts, &ec, &off, NULL);
    if (!re) {
        PCRE2_UCHAR buf[256];
        pcre2_get_error_message(ec, buf, sizeof(buf));
        snprintf(msg, msg_size, "%s at offset %zu", (const char *)buf, (size_t)off);
        return NULL;
    }
    /* JIT when the library has it; pcre2_match() falls back to the interpreter otherwise. */
    if (!RUNNING_ON_VALGRIND)
        (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

static bool parse_net(struct net *out, const char *s)
{
    const char *slash = strchr(s, '/');
    char addr[64];
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    if (!n || n >= sizeof(addr))
        return false;
    memcpy(addr, s, n);
    addr[n] = 0;
    memset(out, 0, sizeof(*out));
    unsigned max;
    if (inet_pton(AF_INET, addr, out->addr) == 1) {
        out->family = AF_INET;
        max = 32;
    } else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
        out->family = AF_INET6;
        max = 128;
    } else {
        return false;
    }
    out->prefix = max;
    if (slash) {
        char *end;
        unsigned long p = strtoul(slash + 1, &end, 10);
        if (end == slash + 1 || *end || p > max)
            return false;
        out->prefix = (unsigned)p;
    }
    return true;
}

static bool net_contains(const struct net *n, int family, const unsigned char *addr)
{
    if (n->family != family)
        return false;
    unsigned full = n->prefix / 8, rest = n->prefix % 8;
    if (memcmp(n->addr, addr, full))
        return false;
    if (!rest)
        return true;
    unsigned char mask = (unsigned char)(0xFF << (8 - rest));
    return (n->addr[full] & mask) == (addr[full] & mask);
}

static char *lower_dup(const char *s)
{
    char *d = xstrdup(s);
    for (char *p = d; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return d;
}

static bool looks_like_domain(const char *s)
{
    if (!*s || strchr(s, '@') || *s == '.')
        return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
            return false;
    return true;
}

static void add_domain(struct pii_scanner *s, const char *d)
{
    s->domains = xrealloc(s->domains, (s->n_domains + 1) * sizeof(*s->domains));
    s->domains[s->n_domains++] = lower_dup(d);
}

int pii_scanner_new(struct pii_scanner **out, unsigned detect, char *const *allow, size_t n_allow)
{
    char msg[300];
    int rc = 0;
    struct pii_scanner *s = xcalloc(1, sizeof(*s));
    init_classes();
    s->detect = detect;
    for (int d = 0; d < D_COUNT; d++) {
        if (!(detect & bits[d]))
            continue;
        s->re[d] = compile(patterns[d], PCRE2_ZERO_TERMINATED, 0, msg, sizeof(msg));
        if (!s->re[d]) {
            rc = err_set(DSCI_EINTERNAL, "pii: built-in pattern %d does not compile: %s", d, msg);
            goto done;
        }
    }
    s->md = pcre2_match_data_create(1, NULL);
    s->mctx = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(s->mctx, PII_MATCH_LIMIT);
    pcre2_set_depth_limit(s->mctx, PII_DEPTH_LIMIT);
    pcre2_set_heap_limit(s->mctx, PII_HEAP_LIMIT_KIB);
    /* NULL when the library has no JIT: the interpreter needs no stack of its own */
    s->jit_stack = pcre2_jit_stack_create(PII_JIT_STACK_MIN, PII_JIT_STACK_MAX, NULL);
    if (s->jit_stack)
        pcre2_jit_stack_assign(s->mctx, NULL, s->jit_stack);

    for (size_t i = 0; i < sizeof(default_domains) / sizeof(*default_domains); i++)
        add_domain(s, default_domains[i]);
    s->nets = xcalloc(sizeof(default_nets) / sizeof(*default_nets) + n_allow, sizeof(*s->nets));
    for (size_t i = 0; i < sizeof(default_nets) / sizeof(*default_nets); i++)
        parse_net(&s->nets[s->n_nets++], default_nets[i]);

    for (size_t i = 0; i < n_allow; i++) {
        const char *a = allow[i];
        size_t len = strlen(a);
        if (len >= 2 && a[0] == '/' && a[len - 1] == '/') {
            pcre2_code *re = compile(a + 1, len - 2, PCRE2_UTF | PCRE2_UCP, msg, sizeof(msg));
            if (!re) {
                rc = err_set(DSCI_EUSAGE, "gates.pii.allow: invalid regex '%s': %s", a, msg);
                goto done;
            }
            s->regexes = xrealloc(s->regexes, (s->n_regexes + 1) * sizeof(*s->regexes));
            s->regex_entry = xrealloc(s->regex_entry, (s->n_regexes + 1) * sizeof(*s->regex_entry));
            s->regex_entry[s->n_regexes] = i;
            s->regex_ns = xrealloc(s->regex_ns, (s->n_regexes + 1) * sizeof(*s->regex_ns));
            s->regex_ns[s->n_regexes] = 0;
            s->regexes[s->n_regexes++] = re;
            continue;
        }
        struct net n;
        if ((strchr(a, '/') || strchr(a, ':') || (len && isdigit((unsigned char)a[len - 1])))
            && parse_net(&n, a)) {
            s->nets[s->n_nets++] = n;
            continue;
        }
        if (looks_like_domain(a) && strchr(a, '.'))
            add_domain(s, a);
        s->values = xrealloc(s->values, (s->n_values + 1) * sizeof(*s->values));
        s->values[s->n_values++] = xstrdup(a);
    }
done:
    if (rc < 0) {
        pii_scanner_free(s);
        s = NULL;
    }
    *out = s;
    return rc;
}

void pii_scanner_free(struct pii_scanner *s)
{
    if (!s)
        return;
    for (int d = 0; d < D_COUNT; d++)
        pcre2_code_free(s->re[d]);
    pcre2_match_data_free(s->md);
    for (size_t i = 0; i < s->n_domains; i++)
        free(s->domains[i]);
    free(s->domains);
    for (size_t i = 0; i < s->n_values; i++)
        free(s->values[i]);
    free(s->values);
    for (size_t i = 0; i < s->n_regexes; i++)
        pcre2_code_free(s->regexes[i]);
    free(s->regexes);
    free(s->regex_entry);
    free(s->regex_ns);
    pcre2_match_context_free(s->mctx);
    pcre2_jit_stack_free(s->jit_stack);
    free(s->nets);
    free(s);
}

/* ---- limits -------------------------------------------------------------------------------- */

static const char *limit_name(int rc)
{
    switch (rc) {
    case PCRE2_ERROR_MATCHLIMIT: return "match";
    case PCRE2_ERROR_DEPTHLIMIT: return "depth";
    case PCRE2_ERROR_HEAPLIMIT: return "heap";
    case PCRE2_ERROR_JIT_STACKLIMIT: return "JIT stack";
    case PCRE2_ERROR_NOMEMORY: return "memory";
    }
    return NULL;
}

static unsigned long limit_value(int rc)
{
    switch (rc) {
    case PCRE2_ERROR_MATCHLIMIT: return PII_MATCH_LIMIT;
    case PCRE2_ERROR_DEPTHLIMIT: return PII_DEPTH_LIMIT;
    case PCRE2_ERROR_HEAPLIMIT: return PII_HEAP_LIMIT_KIB;
    case PCRE2_ERROR_JIT_STACKLIMIT: return PII_JIT_STACK_MAX / 1024;
    }
    return 0;
}

/* A pcre2_match() result below -1 (no match) that is a resource limit stops the scan. Other
 * negative results (a UTF error cannot happen on the ASCII values allow regexes see) read
 * as no match. */
static bool hit_limit(struct pii_scanner *s, int rc, int d, size_t entry)
{
    const char *name = limit_name(rc);
    if (!name)
        return false;
    if (!s->stopped) {
        s->stopped = true;
        s->limit.detector = (enum pii_detector)bits[d];
        s->limit.allow_index = entry;
        s->limit.limit = name;
        s->limit.value = limit_value(rc);
        s->limit.unit = rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT ? "KiB" : "";
    }
    return true;
}

const struct pii_limit *pii_scanner_limit(const struct pii_scanner *s)
{
    return s && s->stopped ? &s->limit : NULL;
}

/* ---- allow list ---------------------------------------------------------------------------- */

static size_t digits_only(char *out, size_t size, const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < size; i++)
        if (s[i] >= '0' && s[i] <= '9')
            out[k++] = s[i];
    out[k] = 0;
    return k;
}

static bool domain_allowed(const struct pii_scanner *s, const char *dom, size_t n)
{
    for (size_t i = 0; i < s->n_domains; i++) {
        size_t dl = strlen(s->domains[i]);
        if (dl > n)
            continue;
        if (strncasecmp(dom + n - dl, s->domains[i], dl))
            continue;
        if (dl == n || dom[n - dl - 1] == '.')
            return true;
    }
    return false;
}

static uint64_t cpu_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool allowed(struct pii_scanner *s, int d, const char *m, size_t n)
{
    for (size_t i = 0; i < s->n_values; i++) {
        const char *v = s->values[i];
        if (strlen(v) == n && !strncasecmp(v, m, n))
            return true;
        if (d == D_PHONE || d == D_CARD) {
            char a[64], b[64];
            if (digits_only(a, sizeof(a), v, strlen(v)) && digits_only(b, sizeof(b), m, n)
                && !strcmp(a, b))
                return true;
        }
    }
    if (d == D_EMAIL) {
        const char *at = memchr(m, '@', n);
        if (at && domain_allowed(s, at + 1, n - (size_t)(at + 1 - m)))
            return true;
    }
    if (d == D_IPV4 || d == D_IPV6) {
        char buf[64];
        unsigned char addr[16];
        if (n < sizeof(buf)) {
            memcpy(buf, m, n);
            buf[n] = 0;
            int fam = d == D_IPV4 ? AF_INET : AF_INET6;
            if (inet_pton(fam, buf, addr) == 1)
                for (size_t i = 0; i < s->n_nets; i++)
                    if (net_contains(&s->nets[i], fam, addr))
                        return true;
        }
    }
    for (size_t i = 0; i < s->n_regexes; i++) {
        pcre2_match_data *md = pcre2_match_data_create_from_pattern(s->regexes[i], NULL);
        uint64_t t0 = cpu_ns();
        int r = pcre2_match(s->regexes[i], (PCRE2_SPTR)m, n, 0, 0, md, s->mctx);
        s->regex_ns[i] += cpu_ns() - t0;
        pcre2_match_data_free(md);
        if (r >= 0)
            return true;
        if (hit_limit(s, r, d, s->regex_entry[i]))
            return false;
        if (s->regex_ns[i] > (uint64_t)PII_REGEX_CPU_LIMIT_S * 1000000000u) {
            if (!s->stopped) {
                s->stopped = true;
                s->limit.detector = (enum pii_detector)bits[d];
                s->limit.allow_index = s->regex_entry[i];
                s->limit.limit = "total CPU time";
                s->limit.value = PII_REGEX_CPU_LIMIT_S;
                s->limit.unit = "s";
            }
            return false;
        }
    }
    return false;
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
static bool card_ok(const char *m, size_t n, const char *text, size_t len, size_t end)
{
    char d[32];
    size_t nd = digits_only(d, sizeof(d), m, n);
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
    if (end + 1 < len && (text[end] == ' ' || text[end] == '-') && IS(text[end + 1], C_DIGIT))
        return false;
    return iin_ok(d, nd) && pii_luhn_ok(d, nd);
}

static bool phone_ok(const char *m, size_t n)
{
    char d[32];
    size_t nd = digits_only(d, sizeof(d), m, n);
    return nd >= 10 && nd <= 15;
}

/* "version 1.2.3.4", "v: 10.0.0.1", "build 1.2.3.4": a version, not an address. */
static bool version_context(const char *text, size_t start)
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

static bool ipv6_ok(const char *m, size_t n, unsigned char addr[16])
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
static bool high_entropy(const char *t, size_t n)
{
    if (n < 32 || t[0] == '/')
        return false;
    size_t lo = 0, up = 0, dg = 0, run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = cls[(unsigned char)t[i]];
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

static void redact(char *out, int d, const char *m, size_t n)
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
    case D_PHONE: {
        size_t nd = 0, seen = 0;
        for (size_t i = 0; i < n; i++)
            nd += m[i] >= '0' && m[i] <= '9';
        for (size_t i = 0; i < n; i++) {
            if (m[i] >= '0' && m[i] <= '9')
                PUT(++seen > nd - 2 ? m[i] : '*');
            else
                PUT(m[i]);
        }
        break;
    }
    case D_CARD: {
        size_t nd = 0, seen = 0;
        for (size_t i = 0; i < n; i++)
            nd += m[i] >= '0' && m[i] <= '9';
        for (size_t i = 0; i < n; i++) {
            if (m[i] >= '0' && m[i] <= '9') {
                seen++;
                PUT(seen <= 4 || seen > nd - 4 ? m[i] : '*');
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

/* ---- where a match could start ------------------------------------------------------------- */

/* One pass over the text finds, for every detector at once, the offset its prefilter would
 * hand to PCRE2: most texts hold no plausible start and cost that one pass. The pass works
 * on blocks of 64 bytes as bit masks (bit j: byte j is in the class), which turns "a run of
 * 14 key characters" or "a digit on both sides of a dot" into a few shifts and ANDs
 * instead of a branch per byte. The masks are built from a table, in plain C, so the
 * result is the same on every architecture. */

#define PLANE(v, p) (((v) >> (8 * (p))) & 0xFF)
#define KEY_RUN 14          /* the shortest token scan_keys() judges */
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

/* What find_starts() carries from one block to the next. */
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
        unsigned char c = cls[(unsigned char)text[i]];
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
static void find_starts(size_t out[D_COUNT], const char *text, size_t len, size_t pos, unsigned want)
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
        unsigned prev_c = b > 0 ? cls[u[b - 1]] : 0, next_c = has_next ? cls[u[b + 64]] : 0;

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

static size_t next_start(int d, const char *text, size_t len, size_t pos)
{
    size_t out[D_COUNT];
    find_starts(out, text, len, pos, 1u << d);
    return out[d];
}

/* ---- scanning ------------------------------------------------------------------------------- */

/* Next match of detector d in text[from..len), or false. */
static bool next_match(struct pii_scanner *s, int d, const char *text, size_t len, size_t from,
                       size_t *ms, size_t *me)
{
    int r = pcre2_match(s->re[d], (PCRE2_SPTR)text, len, from, 0, s->md, s->mctx);
    if (r < 0) {
        hit_limit(s, r, d, PII_BUILTIN);
        return false;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
    *ms = ov[0];
    *me = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
    return true;
}

static void report(struct pii_scanner *s, int d, const char *m, size_t n, pii_match_fn fn, void *arg)
{
    if (allowed(s, d, m, n) || s->stopped)
        return;
    char red[PII_REDACTED_MAX];
    redact(red, d, m, n);
    fn(arg, (enum pii_detector)bits[d], red);
}

/* Email, phone, card, IPv4 and IPv6: PCRE2 from each plausible start; a start with no match
 * after it means none in the rest of the text either. */
static void scan_from(struct pii_scanner *s, int d, const char *text, size_t len, size_t from,
                      pii_match_fn fn, void *arg)
{
    size_t ms, me;
    unsigned char addr[16];
    while (from < len && !s->stopped) {
        if (!next_match(s, d, text, len, from, &ms, &me))
            return;
        const char *m = text + ms;
        size_t n = me - ms;
        bool ok = d == D_EMAIL ? true
                : d == D_PHONE ? phone_ok(m, n)
                : d == D_CARD ? card_ok(m, n, text, len, me)
                : d == D_IPV4 ? !version_context(text, ms)
                : ipv6_ok(m, n, addr);
        if (ok)
            report(s, d, m, n, fn, arg);
        from = next_start(d, text, len, me);
    }
}

/* Tokens of key characters; known prefixes by PCRE2 inside the token, the rest by entropy. */
static void scan_keys(struct pii_scanner *s, const char *text, size_t len, size_t t,
                      pii_match_fn fn, void *arg)
{
    size_t ms, me;
    while (t < len && !s->stopped) {
        size_t i = t;
        while (i < len && IS(text[i], C_KEY))
            i++;
        if (next_match(s, D_KEY, text, i, t, &ms, &me)) {
            report(s, D_KEY, text + ms, me - ms, fn, arg);
        } else {
            /* key=VALUE: judge the value; trailing '=' is base64 padding */
            size_t e = i;
            while (e > t && text[e - 1] == '=')
                e--;
            size_t b = t;
            for (size_t k = t; k < e; k++)
                if (text[k] == '=')
                    b = k + 1;
            if (high_entropy(text + b, i - b))
                report(s, D_KEY, text + b, i - b, fn, arg);
        }
        t = next_start(D_KEY, text, len, i);
    }
}

int pii_scan(struct pii_scanner *s, const char *text, size_t len, pii_match_fn fn, void *arg)
{
    s->stopped = false;
    if (!text || !len)
        return 0;
    unsigned want = 0;
    for (int d = 0; d < D_COUNT; d++)
        if (s->re[d])
            want |= 1u << d;
    size_t from[D_COUNT];
    find_starts(from, text, len, 0, want);
    /* detector by detector, so each one's matches come in text order */
    for (int d = 0; d < D_COUNT && !s->stopped; d++) {
        if (from[d] >= len)
            continue;
        if (d == D_KEY)
            scan_keys(s, text, len, from[d], fn, arg);
        else
            scan_from(s, d, text, len, from[d], fn, arg);
    }
    return s->stopped ? -1 : 0;
}
