/*
 * The PII detectors on planted values and on look-alikes that must not fire, the
 * redaction of every report, the allow list, and the gate's checks.
 */
#include "test_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gates/gate.h"
#include "gates/pii_detect.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

extern const struct gate gate_pii;

#define ALL (PII_EMAIL | PII_PHONE | PII_CREDIT_CARD | PII_IPV4 | PII_IPV6 | PII_API_KEY)

struct hits {
    size_t n;
    unsigned kind[16];
    char value[16][PII_REDACTED_MAX];
};

static void collect(void *arg, enum pii_detector kind, const char *redacted)
{
    struct hits *h = arg;
    if (h->n < 16) {
        h->kind[h->n] = kind;
        snprintf(h->value[h->n], PII_REDACTED_MAX, "%s", redacted);
    }
    h->n++;
}

/* Scans text with all detectors and the given allow list. */
static struct hits scan(const char *text, char *const *allow, size_t n_allow)
{
    struct pii_scanner *s = NULL;
    struct hits h = { 0 };
    assert_int_equal(pii_scanner_new(&s, ALL, allow, n_allow), 0);
    pii_scan(s, text, strlen(text), collect, &h);
    pii_scanner_free(s);
    return h;
}

static void expect_one(const char *text, unsigned kind, const char *redacted)
{
    struct hits h = scan(text, NULL, 0);
    if (h.n != 1 || h.kind[0] != kind || strcmp(h.value[0], redacted))
        fail_msg("'%s': %zu hits, first kind %u '%s' (want kind %u '%s')", text, h.n,
                 h.n ? h.kind[0] : 0, h.n ? h.value[0] : "", kind, redacted);
}

static void expect_none(const char *text)
{
    struct hits h = scan(text, NULL, 0);
    if (h.n)
        fail_msg("'%s': unexpected hit kind %u '%s'", text, h.kind[0], h.value[0]);
}

static void test_pii__email(void **state)
{
    expect_one("mail john.doe@acme-corp.com today", PII_EMAIL, "j***@a********.com");
    expect_one("<jane+tag@mail.co.uk>.", PII_EMAIL, "j***@m******.uk");
    expect_none("user@example.com and admin@mail.example.org are examples");
    expect_none("no address @ here, nor @handle, nor a@b");
}

static void test_pii__phone(void **state)
{
    expect_one("call +1 (415) 555-2671 now", PII_PHONE, "+* (***) ***-**71");
    expect_one("UK office: +44 20 7946 0958.", PII_PHONE, "+** ** **** **58");
    expect_one("ring (415) 555-2671", PII_PHONE, "(***) ***-**71");
    expect_one("ring 415-555-2671", PII_PHONE, "***-***-**71");
    expect_one("E.164 +14155552671", PII_PHONE, "+*********71");
    expect_none("due 2025-03-14 at 10:30:00, build 2025.03.14");
    expect_none("order number 12345678901 shipped");
    expect_none("+1 555 12");   /* too few digits */
}

static void test_pii__credit_card(void **state)
{
    expect_one("card 4111 1111 1111 1111 exp", PII_CREDIT_CARD, "4111 **** **** 1111");
    expect_one("card 5500-0000-0000-0004", PII_CREDIT_CARD, "5500-****-****-0004");
    expect_one("amex 378282246310005", PII_CREDIT_CARD, "3782*******0005");
    expect_none("card 4111 1111 1111 1112 exp");   /* Luhn fails */
    expect_none("id 1234567812345670");            /* Luhn ok, no issuer starts with 12 */
    expect_none("mixed 4111 1111-1111 1111");     /* inconsistent separators */
}

static void test_pii__ipv4(void **state)
{
    expect_one("server at 10.12.1.200 is down", PII_IPV4, "10.*.*.*");
    expect_one("host 8.8.8.8.", PII_IPV4, "8.*.*.*");
    expect_none("doc 192.0.2.15 and 203.0.113.9 and 127.0.0.1");
    expect_none("version 1.2.3.4 and v1.2.3.4 and Version: 10.0.0.1");
    expect_none("dotted 1.2.3.4.5 and 300.1.1.1 and 1.2.3");
}

static void test_pii__ipv6(void **state)
{
    expect_one("addr 2a00:1450:4001:82a::200e here", PII_IPV6, "2a00:****:****");
    expect_one("link fe80::1ff:fe23:4567:890a.", PII_IPV6, "fe80:****:****");
    expect_none("doc 2001:db8::1 and ::1");
    expect_none("at 10:30:45, std::vector, a[::2], MAC 00:1A:2B:3C:4D:5E");
}

static void test_pii__api_key(void **state)
{
    expect_one("key sk-abcdefghijklmnopqrstuvwxyz0123459f", PII_API_KEY, "sk-***\xE2\x80\xA6***9f");
    expect_one("token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 ok", PII_API_KEY,
               "ghp_***\xE2\x80\xA6***89");
    expect_one("AKIAIOSFODNN7EXAMPLE", PII_API_KEY, "AKIA***\xE2\x80\xA6***LE");
    expect_one("slack xoxb-123456789012-abcdefghij", PII_API_KEY, "xoxb-***\xE2\x80\xA6***ij");
    expect_one("secret: Zx9Qm2Lr7Tk4Wp8Yb3Nc6Vd1Hf5Gj0Ks", PII_API_KEY, "Zx***\xE2\x80\xA6***Ks");
    /* not keys: git SHA, UUID, short base64, words, a path */
    expect_none("commit 3f786850e387550fdab836ed7e6dc881de23001b");
    expect_none("id 123e4567-e89b-12d3-a456-426614174000");
    expect_none("b64 SGVsbG8gV29ybGQ= done");
    expect_none("see /usr/local/lib/python3.11/site-packages/Foo2Bar9");
    expect_none("sk-short and ghp_short");
}

static void test_pii__never_full_secret(void **state)
{
    const char *secrets[] = { "john.doe@acme-corp.com", "4111 1111 1111 1111", "+1 (415) 555-2671",
                              "sk-abcdefghijklmnopqrstuvwxyz0123459f", "Zx9Qm2Lr7Tk4Wp8Yb3Nc6Vd1Hf5Gj0Ks" };
    for (size_t i = 0; i < sizeof(secrets) / sizeof(*secrets); i++) {
        struct hits h = scan(secrets[i], NULL, 0);
        assert_int_equal(h.n, 1);
        assert_null(strstr(h.value[0], secrets[i]));
        assert_true(strlen(h.value[0]) < PII_REDACTED_MAX);
    }
}

static void test_pii__allow_list(void **state)
{
    char *allow[] = { (char *)"acme-corp.com", (char *)"4111111111111111", (char *)"/^10\\./",
                      (char *)"172.16.0.0/12" };
    struct hits h = scan("a@acme-corp.com b@mail.acme-corp.com c@notacme-corp.com", allow, 4);
    assert_int_equal(h.n, 1);
    assert_string_equal(h.value[0], "c***@n**********.com");
    h = scan("card 4111 1111 1111 1111, 10.1.2.3, 172.20.1.1, 172.32.1.1", allow, 4);
    assert_int_equal(h.n, 1);
    assert_string_equal(h.value[0], "172.*.*.*");

    struct pii_scanner *s = NULL;
    char *bad[] = { (char *)"/(unclosed/" };
    assert_int_equal(pii_scanner_new(&s, ALL, bad, 1), DSCI_EUSAGE);
    assert_null(s);
    assert_non_null(strstr(err_last(), "invalid regex '/(unclosed/'"));
}

static void test_pii__luhn_and_entropy(void **state)
{
    assert_true(pii_luhn_ok("4111111111111111", 16));
    assert_false(pii_luhn_ok("4111111111111112", 16));
    assert_true(pii_entropy("aaaa", 4) == 0.0);
    assert_true(pii_entropy("abcd", 4) == 2.0);
}

/* Words shorter than a key token, without digits, '@', '.', ':' or a version word: no
 * detector can start in it, wherever it is cut. */
static const char filler[] =
    "lorem ipsum, dolor sit amet; consectetur adipiscing elit sed do eiusmod tempor incididunt "
    "ut labore et dolore magna aliqua ut enim ad minim quis nostrud exercitation ullamco laboris";

static struct hits scan_buf(struct pii_scanner *s, const char *text, size_t len)
{
    struct hits h = { 0 };
    /* a buffer of exactly len bytes, so a sanitizer build catches any read past the text */
    char *copy = xmalloc(len ? len : 1);
    memcpy(copy, text, len);
    pii_scan(s, copy, len, collect, &h);
    free(copy);
    return h;
}

/* The scan looks at the text 64 bytes at a time: a value must be found wherever it falls,
 * at the start, across a block edge or at the very end. */
static void test_pii__found_at_any_offset(void **state)
{
    static const struct {
        const char *value;
        unsigned kind;
        const char *redacted;
    } planted[] = {
        { "john.doe@acme-corp.com", PII_EMAIL, "j***@a********.com" },
        { "+1 (415) 555-2671", PII_PHONE, "+* (***) ***-**71" },
        { "415-555-2671", PII_PHONE, "***-***-**71" },
        { "4111 1111 1111 1111", PII_CREDIT_CARD, "4111 **** **** 1111" },
        { "378282246310005", PII_CREDIT_CARD, "3782*******0005" },
        { "10.12.1.200", PII_IPV4, "10.*.*.*" },
        { "2a00:1450:4001:82a::200e", PII_IPV6, "2a00:****:****" },
        { "sk-abcdefghijklmnopqrstuvwxyz0123459f", PII_API_KEY, "sk-***\xE2\x80\xA6***9f" },
        { "Zx9Qm2Lr7Tk4Wp8Yb3Nc6Vd1Hf5Gj0KsZx9Qm2Lr7Tk4Wp8Yb3Nc6Vd1Hf5Gj0KsZx9Qm2Lr7Tk4Wp8Yb3Nc6Vd1Hf5Gj0Ks",
          PII_API_KEY, "Zx***\xE2\x80\xA6***Ks" },
    };
    static const size_t tails[] = { 0, 1, 70 };
    struct pii_scanner *s = NULL;
    char text[512];
    assert_int_equal(pii_scanner_new(&s, ALL, NULL, 0), 0);
    assert_true(sizeof(filler) > 150);
    for (size_t i = 0; i < sizeof(planted) / sizeof(*planted); i++) {
        size_t vlen = strlen(planted[i].value);
        for (size_t pad = 0; pad <= 150; pad++) {
            for (size_t t = 0; t < sizeof(tails) / sizeof(*tails); t++) {
                size_t n = 0;
                if (pad) {
                    memcpy(text, filler, pad - 1);
                    n = pad - 1;
                    text[n++] = ' ';
                }
                memcpy(text + n, planted[i].value, vlen);
                n += vlen;
                if (tails[t]) {
                    text[n++] = ' ';
                    memcpy(text + n, filler, tails[t] - 1);
                    n += tails[t] - 1;
                }
                struct hits h = scan_buf(s, text, n);
                if (h.n != 1 || h.kind[0] != planted[i].kind || strcmp(h.value[0], planted[i].redacted))
                    fail_msg("'%s' at %zu, %zu after: %zu hits, first kind %u '%s'", planted[i].value,
                             n - vlen - (tails[t] ? tails[t] : 0), tails[t], h.n, h.n ? h.kind[0] : 0,
                             h.n ? h.value[0] : "");
            }
        }
    }
    pii_scanner_free(s);
}

/* Runs of digits, separators and key characters that go on for several blocks. */
static void test_pii__long_runs(void **state)
{
    struct pii_scanner *s = NULL;
    char text[600];
    assert_int_equal(pii_scanner_new(&s, ALL, NULL, 0), 0);

    /* a phone after 200 spaces: the run of separators has no digit until the phone */
    memset(text, ' ', 200);
    memcpy(text + 200, "415-555-2671", 12);
    struct hits h = scan_buf(s, text, 212);
    assert_int_equal(h.n, 1);
    assert_string_equal(h.value[0], "***-***-**71");

    /* separated digits over 300 bytes: one run of digits and separators, never a number */
    for (size_t i = 0; i < 300; i++)
        text[i] = i % 3 ? ' ' : (char)('0' + i % 10);
    assert_int_equal(scan_buf(s, text, 300).n, 0);

    /* a token of 500 lower-case letters is a word, not a key; the card after it is found */
    memset(text, 'q', 500);
    memcpy(text + 500, " 4111 1111 1111 1111", 20);
    h = scan_buf(s, text, 520);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.kind[0], PII_CREDIT_CARD);

    /* key=VALUE whose value starts in a later block */
    memset(text, 'k', 100);
    memcpy(text + 100, "=Zx9Qm2Lr7Tk4Wp8Yb3Nc6Vd1Hf5Gj0Ks", 33);
    h = scan_buf(s, text, 133);
    assert_int_equal(h.n, 1);
    assert_string_equal(h.value[0], "Zx***\xE2\x80\xA6***Ks");
    pii_scanner_free(s);
}

/* The gate keeps the first findings of each detector: the scan reports detector by
 * detector, each in text order, however the values are interleaved. */
static void test_pii__order_is_detector_then_position(void **state)
{
    static const char text[] =
        "b@acme-corp.com at 10.0.0.2, card 4111 1111 1111 1111, then a@acme-corp.com; "
        "keys sk-abcdefghijklmnopqrstuvwxyz0123459f and AKIAIOSFODNN7EXAMPLE, phone 415-555-2671, "
        "host 10.0.0.1 and 2a00:1450:4001:82a::200e, another card 5500-0000-0000-0004 and "
        "phone +44 20 7946 0958 for c@mail.acme-corp.com";
    static const struct {
        unsigned kind;
        const char *redacted;
    } want[] = {
        { PII_EMAIL, "b***@a********.com" },
        { PII_EMAIL, "a***@a********.com" },
        { PII_EMAIL, "c***@m**********.com" },
        { PII_PHONE, "***-***-**71" },
        { PII_PHONE, "+** ** **** **58" },
        { PII_CREDIT_CARD, "4111 **** **** 1111" },
        { PII_CREDIT_CARD, "5500-****-****-0004" },
        { PII_IPV4, "10.*.*.*" },
        { PII_IPV4, "10.*.*.*" },
        { PII_IPV6, "2a00:****:****" },
        { PII_API_KEY, "sk-***\xE2\x80\xA6***9f" },
        { PII_API_KEY, "AKIA***\xE2\x80\xA6***LE" },
    };
    struct pii_scanner *s = NULL;
    assert_int_equal(pii_scanner_new(&s, ALL, NULL, 0), 0);
    struct hits h = scan_buf(s, text, strlen(text));
    pii_scanner_free(s);
    assert_int_equal(h.n, sizeof(want) / sizeof(*want));
    for (size_t i = 0; i < h.n; i++) {
        assert_int_equal(h.kind[i], want[i].kind);
        assert_string_equal(h.value[i], want[i].redacted);
    }
}

/* ---- the gate ---------------------------------------------------------------------------- */

/* Like the engine: extract()'s bytes back to replay() with the example without its texts. */
static void pii_see_at(void *st, const struct example *ex, size_t line_shift, struct buf *b)
{
    buf_reset(b);
    gate_pii.extract(st, ex, b);
    struct example at = *ex;
    at.turns = NULL;
    at.n_turns = 0;
    at.line += line_shift;
    gate_pii.replay(st, &at, b->ptr, b->len);
}

static void pii_see(void *st, const struct example *ex)
{
    struct buf b = BUF_INIT;
    pii_see_at(st, ex, 0, &b);
    buf_release(&b);
}

static void test_pii__gate_checks(void **state)
{
    struct spec spec;
    memset(&spec, 0, sizeof(spec));
    spec.path = (char *)"specs/task.yaml";
    spec.gates.pii.level = LEVEL_BLOCK;
    spec.gates.pii.detect = PII_EMAIL | PII_CREDIT_CARD;
    struct run_file files[1] = { { .path = (char *)"data/train.jsonl" } };
    struct result result;
    result_init(&result);
    struct gate_ctx ctx = { .spec = &spec, .files = files, .n_files = 1, .result = &result };

    struct turn t[2] = { { .text = "mail jo@corp.io or al@corp.io" }, { .text = "fine" } };
    t[0].text_len = strlen(t[0].text);
    t[1].text_len = strlen(t[1].text);
    struct example ex[3];
    memset(ex, 0, sizeof(ex));
    for (size_t i = 0; i < 3; i++) {
        ex[i].parsed = true;
        ex[i].line = i + 1;
        ex[i].turns = i == 1 ? t + 1 : t;
        ex[i].n_turns = 1;
    }
    assert_true(gate_pii.enabled(&spec));
    void *st = gate_pii.begin(&ctx);
    for (size_t i = 0; i < 3; i++)
        pii_see(st, &ex[i]);
    assert_int_equal(gate_pii.finish(st, &ctx), 0);
    gate_pii.free(st);

    assert_int_equal(result.n_sections, 1);
    struct section *sec = &result.sections[0];
    assert_string_equal(sec->title, "PII");
    assert_int_equal(sec->n_checks, 2);
    struct check *c = &sec->checks[0];
    assert_string_equal(c->name, "Emails");
    assert_int_equal(c->status, STATUS_FAIL);
    assert_true(c->blocking);
    assert_string_equal(c->value_text, "4 found in 2 examples");
    assert_int_equal(c->n_findings, 4);
    assert_string_equal(c->findings[0].path, "data/train.jsonl");
    assert_int_equal(c->findings[0].line, 1);
    assert_string_equal(c->findings[0].kind, "pii_email");
    assert_string_equal(c->findings[0].message, "email j***@c***.io");
    assert_non_null(strstr(c->remediation, "Remove or mask the 4 emails (first: data/train.jsonl:1)"));
    assert_string_equal(sec->checks[1].value_text, "none found");
    assert_int_equal(sec->checks[1].status, STATUS_PASS);
    result_release(&result);

    spec.gates.pii.level = LEVEL_OFF;
    assert_false(gate_pii.enabled(&spec));
}

static void test_pii__gate_bad_allow_is_usage_error(void **state)
{
    struct spec spec;
    memset(&spec, 0, sizeof(spec));
    spec.path = (char *)"specs/task.yaml";
    spec.gates.pii.level = LEVEL_WARN;
    spec.gates.pii.detect = PII_EMAIL;
    char *allow[] = { (char *)"/[/" };
    spec.gates.pii.allow = allow;
    spec.gates.pii.n_allow = 1;
    spec.gates.pii.loc.line = 7;
    struct result result;
    result_init(&result);
    struct gate_ctx ctx = { .spec = &spec, .result = &result };
    void *st = gate_pii.begin(&ctx);
    assert_int_equal(gate_pii.finish(st, &ctx), DSCI_EUSAGE);
    assert_non_null(strstr(err_last(), "specs/task.yaml:7: gates.pii.allow: invalid regex"));
    gate_pii.free(st);
    result_release(&result);
}

/* A scan that stopped at a limit names the example from replay()'s `at`: replayed 100
 * lines further down, the error names the line 100 further down. Once stopped, the gate
 * scans no more (extract() writes only that it stopped), and those bytes replayed into a
 * gate that has not stopped are an error, never a silent "no PII". */
static void test_pii__gate_limit_line_from_replay(void **state)
{
    (void)state;
    struct spec spec;
    memset(&spec, 0, sizeof(spec));
    spec.path = (char *)"specs/task.yaml";
    spec.gates.pii.level = LEVEL_BLOCK;
    spec.gates.pii.detect = PII_EMAIL;
    char *allow[] = { (char *)"/(a|aa)+$/" };
    spec.gates.pii.allow = allow;
    spec.gates.pii.n_allow = 1;
    spec.gates.pii.loc.line = 7;
    struct run_file files[1] = { { .path = (char *)"data/train.jsonl" } };
    char hostile[128];
    memset(hostile, 'a', 60);
    snprintf(hostile + 60, sizeof(hostile) - 60, "@corp-mail.net");
    struct turn t[2] = { { .text = "mail jo@corp.io" }, { .text = hostile } };
    for (size_t i = 0; i < 2; i++)
        t[i].text_len = strlen(t[i].text);
    struct example ex[3];
    memset(ex, 0, sizeof(ex));
    for (size_t i = 0; i < 3; i++) {
        ex[i].parsed = true;
        ex[i].line = i + 1;
        ex[i].turns = i == 1 ? t + 1 : t;
        ex[i].n_turns = 1;
    }
    struct buf b = BUF_INIT, after = BUF_INIT;
    for (size_t shift = 0; shift <= 100; shift += 100) {
        struct result result;
        result_init(&result);
        struct gate_ctx ctx = { .spec = &spec, .files = files, .n_files = 1, .result = &result };
        void *st = gate_pii.begin(&ctx);
        for (size_t i = 0; i < 3; i++)
            pii_see_at(st, &ex[i], shift, &b);
        buf_reset(&after);
        buf_add(&after, b.ptr, b.len);   /* what the example after the stop gave */
        assert_int_equal(gate_pii.finish(st, &ctx), DSCI_EUSAGE);
        char want[64];
        snprintf(want, sizeof(want), "in data/train.jsonl:%zu;", 2 + shift);
        assert_non_null(strstr(err_last(), want));
        assert_non_null(strstr(err_last(), "specs/task.yaml:7: gates.pii.allow: the regex '/(a|aa)+$/' hit PCRE2's"));
        gate_pii.free(st);
        result_release(&result);
    }
    assert_int_equal(after.len, 1);

    struct result result;
    result_init(&result);
    struct gate_ctx ctx = { .spec = &spec, .files = files, .n_files = 1, .result = &result };
    void *st = gate_pii.begin(&ctx);
    struct example at = ex[2];
    at.turns = NULL;
    at.n_turns = 0;
    gate_pii.replay(st, &at, after.ptr, after.len);
    assert_int_equal(gate_pii.finish(st, &ctx), DSCI_EINTERNAL);
    gate_pii.free(st);
    result_release(&result);
    buf_release(&b);
    buf_release(&after);
}

/* Catastrophic allow regexes stop at PCRE2's limits within milliseconds, say which regex
 * and which limit; the built-in patterns on hostile texts never reach them. */
static void test_pii__allow_regex_limits(void **state)
{
    (void)state;
    char local[61];
    memset(local, 'a', 60);
    local[60] = 0;
    char text[200];
    snprintf(text, sizeof(text), "mail %s@corp-mail.net now", local);
    char *allow[] = { (char *)"example.com", (char *)"/^([a-z0-9]+\\.?)+@example\\.com$/",
                      (char *)"/(a|aa)+$/" };
    for (size_t k = 1; k < 3; k++) {
        char *one[] = { allow[0], allow[k] };
        struct pii_scanner *s = NULL;
        struct hits h = { 0 };
        assert_int_equal(pii_scanner_new(&s, ALL, one, 2), 0);
        assert_int_equal(pii_scan(s, text, strlen(text), collect, &h), -1);
        const struct pii_limit *l = pii_scanner_limit(s);
        assert_non_null(l);
        assert_int_equal(l->allow_index, 1);
        assert_int_equal(l->detector, PII_EMAIL);
        assert_non_null(l->limit);
        assert_int_equal(h.n, 0);
        /* the next scan starts afresh */
        assert_int_equal(pii_scan(s, "nothing here", 12, collect, &h), 0);
        assert_null(pii_scanner_limit(s));
        pii_scanner_free(s);
    }

    /* hostile texts for the built-in patterns: long runs around every start character */
    struct buf b = BUF_INIT;
    for (int i = 0; i < 3000; i++)
        buf_addstr(&b, "a.");
    buf_addstr(&b, "x@");
    for (int i = 0; i < 3000; i++)
        buf_addstr(&b, "a.");
    buf_addstr(&b, " 1.2.3.4.5.6.7.8.9 +1 ");
    for (int i = 0; i < 3000; i++)
        buf_addstr(&b, "22 ");
    for (int i = 0; i < 3000; i++)
        buf_addstr(&b, "a:");
    for (int i = 0; i < 3000; i++)
        buf_addstr(&b, "sk-AAAA");
    struct pii_scanner *s = NULL;
    struct hits h = { 0 };
    assert_int_equal(pii_scanner_new(&s, ALL, NULL, 0), 0);
    assert_int_equal(pii_scan(s, buf_cstr(&b), b.len, collect, &h), 0);
    assert_null(pii_scanner_limit(s));
    pii_scanner_free(s);
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pii__email),
        cmocka_unit_test(test_pii__phone),
        cmocka_unit_test(test_pii__credit_card),
        cmocka_unit_test(test_pii__ipv4),
        cmocka_unit_test(test_pii__ipv6),
        cmocka_unit_test(test_pii__api_key),
        cmocka_unit_test(test_pii__never_full_secret),
        cmocka_unit_test(test_pii__allow_list),
        cmocka_unit_test(test_pii__luhn_and_entropy),
        cmocka_unit_test(test_pii__found_at_any_offset),
        cmocka_unit_test(test_pii__long_runs),
        cmocka_unit_test(test_pii__order_is_detector_then_position),
        cmocka_unit_test(test_pii__gate_checks),
        cmocka_unit_test(test_pii__gate_bad_allow_is_usage_error),
        cmocka_unit_test(test_pii__allow_regex_limits),
        cmocka_unit_test(test_pii__gate_limit_line_from_replay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
