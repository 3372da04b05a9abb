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
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "gates/pii_detect.h"
#include "gates/pii_starts.h"
#include "gates/pii_value.h"
#include "util/err.h"
#include "util/strv.h"
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
    pii_starts_init();
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
    strv_free(s->domains, s->n_domains);
    strv_free(s->values, s->n_values);
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
            if (pii_value_digits(a, sizeof(a), v, strlen(v)) && pii_value_digits(b, sizeof(b), m, n)
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
    pii_value_redact(red, d, m, n);
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
                : d == D_PHONE ? pii_value_phone_ok(m, n)
                : d == D_CARD ? pii_value_card_ok(m, n, text, len, me)
                : d == D_IPV4 ? !pii_value_version_context(text, ms)
                : pii_value_ipv6_ok(m, n, addr);
        if (ok)
            report(s, d, m, n, fn, arg);
        from = pii_starts_next(d, text, len, me);
    }
}

/* Tokens of key characters; known prefixes by PCRE2 inside the token, the rest by entropy. */
static void scan_keys(struct pii_scanner *s, const char *text, size_t len, size_t t,
                      pii_match_fn fn, void *arg)
{
    size_t ms, me;
    while (t < len && !s->stopped) {
        size_t i = t;
        while (i < len && PII_IS(text[i], C_KEY))
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
            if (pii_value_high_entropy(text + b, i - b))
                report(s, D_KEY, text + b, i - b, fn, arg);
        }
        t = pii_starts_next(D_KEY, text, len, i);
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
    pii_starts_find(from, text, len, 0, want);
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
