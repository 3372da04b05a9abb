/*
 * PII: every turn text of a parsed example goes through the detectors gates.pii.detect
 * enables (src/gates/pii_detect.c); each match is counted, and the first
 * RESULT_MAX_FINDINGS per detector are kept as (file, line, redacted value) so finish()
 * can report them. Only redacted values are ever stored: no report format can carry
 * a whole secret. One check per enabled detector: "[FAIL] Emails: 3 found in 2 examples".
 * A preference pair's rejected reply is scanned too (a secret in it is still in the data
 * a team ships); its findings say "in the rejected reply".
 *
 * An allow regex that hits a PCRE2 limit (catastrophic backtracking, pii_detect.c) stops the
 * scan at once: finish() reports a spec error naming the regex's own line, the limit and the
 * example it was judging, so a bad regex costs milliseconds, never a hung run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gates/gates.h"
#include "gates/common.h"
#include "gates/pii_detect.h"
#include "util/err.h"
#include "util/wire.h"
#include "util/xalloc.h"

static const struct {
    unsigned bit;
    const char *id, *name, *noun, *kind;
} detectors[] = {
    { PII_EMAIL, "pii.email", "Emails", "email", "pii_email" },
    { PII_PHONE, "pii.phone", "Phone numbers", "phone number", "pii_phone" },
    { PII_CREDIT_CARD, "pii.credit_card", "Credit cards", "credit card number", "pii_credit_card" },
    { PII_IPV4, "pii.ipv4", "IPv4 addresses", "IPv4 address", "pii_ipv4" },
    { PII_IPV6, "pii.ipv6", "IPv6 addresses", "IPv6 address", "pii_ipv6" },
    { PII_API_KEY, "pii.api_key", "API keys", "API key", "pii_api_key" },
};
#define N_DETECTORS (sizeof(detectors) / sizeof(*detectors))

struct pii_hit {
    size_t file;
    size_t line;
    unsigned char key[FINDING_KEY_SIZE];   /* the example's */
    char value[PII_REDACTED_MAX];
    bool rejected;   /* found in a preference pair's rejected reply */
};

#define LIMIT_WORD_MAX 24   /* "total CPU time", "KiB": the longest words of a pii_limit */

struct pii_state {
    struct pii_scanner *scanner;
    char *error;                          /* a bad allow entry, reported by finish() */
    bool stopped;                         /* a regex hit a PCRE2 limit: count no more */
    struct pii_limit limit;               /* ... which, judging which example */
    size_t limit_file, limit_line;
    uint64_t found[N_DETECTORS];
    uint64_t examples[N_DETECTORS];
    struct pii_hit *hits[N_DETECTORS];
    size_t n_hits[N_DETECTORS], alloc_hits[N_DETECTORS];
    uint64_t cur_found[N_DETECTORS];      /* during replay() */
    char limit_name[LIMIT_WORD_MAX], limit_unit[LIMIT_WORD_MAX];   /* limit's words */
    bool damaged;                         /* replay() met bytes no extract() wrote */
};

/* "emails", "IPv4 addresses" */
static const char *plural_suffix(const char *noun)
{
    size_t len = strlen(noun);
    return len && noun[len - 1] == 's' ? "es" : "s";
}

static size_t detector_index(enum pii_detector kind)
{
    for (size_t i = 0; i < N_DETECTORS; i++)
        if (detectors[i].bit == (unsigned)kind)
            return i;
    return 0;
}

static bool pii_enabled(const struct spec *spec)
{
    return spec->gates.pii.level != LEVEL_OFF;
}

static void *pii_begin(const struct gate_ctx *ctx)
{
    const struct spec *spec = ctx->spec;
    struct pii_state *st = xcalloc(1, sizeof(*st));
    if (pii_scanner_new(&st->scanner, spec->gates.pii.detect, spec->gates.pii.allow,
                        spec->gates.pii.n_allow) < 0)
        st->error = xstrdup(err_last());
    return st;
}

/* The message for a scan that stopped at a PCRE2 limit (st->limit), in finish(). */
static int limit_error(struct pii_state *st, const struct gate_ctx *ctx)
{
    const struct spec *spec = ctx->spec;
    const struct pii_limit *l = &st->limit;
    const char *noun = detectors[detector_index(l->detector)].noun;
    const char *where = gate_file_path(ctx, st->limit_file);
    char value[64] = "";
    if (l->value)
        snprintf(value, sizeof(value), " (%lu%s%s)", l->value, *l->unit ? " " : "", l->unit);
    if (l->allow_index == PII_BUILTIN || l->allow_index >= spec->gates.pii.n_allow)
        return err_set(DSCI_EINTERNAL, "pii: the built-in %s pattern hit PCRE2's %s limit%s on %s:%zu; "
                       "this is a bug in dsci, please report it", noun, l->limit, value, where, st->limit_line);
    char at[64];
    const struct spec_loc *loc = spec->gates.pii.allow_loc ? &spec->gates.pii.allow_loc[l->allow_index] : NULL;
    if (loc)
        snprintf(at, sizeof(at), "%zu:%zu", loc->line, loc->column);
    else
        snprintf(at, sizeof(at), "%zu", spec->gates.pii.loc.line);
    return err_set(DSCI_EUSAGE, "%s:%s: gates.pii.allow: the regex '%s' hit PCRE2's %s limit%s judging the %s "
                   "in %s:%zu; it backtracks catastrophically: remove nested repeats such as (a+)+ or (a|aa)+",
                   spec->path, at, spec->gates.pii.allow[l->allow_index], l->limit, value, noun, where,
                   st->limit_line);
}

/*
 * What extract() writes per parsed example, in scan order: one record per match
 * (MATCH_TAG, detector index, redacted value), then, when a regex hit a PCRE2 limit on
 * this example, one LIMIT_TAG record with the limit (which place it was judging is the
 * example's own, rebuilt from `at` by replay()). Nothing for an example without matches.
 *
 * Once a limit stopped the gate, the run ends in a spec error whatever comes next, and
 * scanning on would cost a limit's milliseconds per example (hours on a large dataset):
 * extract() then writes STOPPED_TAG alone and scans nothing. Those bytes depend on an
 * earlier example, so a run that stopped must not keep its summaries (it fails anyway,
 * and a limit of total CPU time depends on the whole run, not on one example); replayed
 * into a gate that has not stopped they are an error, never a silent "no PII".
 */
enum { MATCH_TAG = 1, LIMIT_TAG = 2, STOPPED_TAG = 3, REJECTED_MATCH_TAG = 4 };

struct match_out {
    struct buf *out;
    uint8_t tag;   /* MATCH_TAG, or REJECTED_MATCH_TAG in the rejected reply */
};

static void on_match(void *arg, enum pii_detector kind, const char *redacted)
{
    struct match_out *m = arg;
    struct buf *out = m->out;
    wire_put_u8(out, m->tag);
    wire_put_varint(out, detector_index(kind));
    wire_put_bytes(out, redacted, strlen(redacted));
}

static void pii_extract(void *state, const struct example *ex, struct buf *out)
{
    struct pii_state *st = state;
    if (!st->scanner || !ex->parsed)
        return;
    if (st->stopped) {
        wire_put_u8(out, STOPPED_TAG);
        return;
    }
    struct match_out m = { out, MATCH_TAG };
    size_t n = ex->n_turns + ex->n_rejected;
    for (size_t i = 0; i < n; i++) {
        const struct turn *t = i < ex->n_turns ? &ex->turns[i] : &ex->rejected[i - ex->n_turns];
        m.tag = i < ex->n_turns ? MATCH_TAG : REJECTED_MATCH_TAG;
        if (pii_scan(st->scanner, t->text, t->text_len, on_match, &m) < 0) {
            const struct pii_limit *l = pii_scanner_limit(st->scanner);
            wire_put_u8(out, LIMIT_TAG);
            wire_put_varint(out, (uint64_t)l->detector);
            wire_put_varint(out, (uint64_t)l->allow_index);
            wire_put_bytes(out, l->limit, strlen(l->limit));
            wire_put_varint(out, l->value);
            wire_put_bytes(out, l->unit, strlen(l->unit));
            break;
        }
    }
}

static void add_hit(struct pii_state *st, const struct example *at, size_t d, const char *redacted, size_t len,
                    bool rejected)
{
    st->found[d]++;
    st->cur_found[d]++;
    if (st->n_hits[d] >= RESULT_MAX_FINDINGS)
        return;
    ALLOC_GROW(st->hits[d], st->n_hits[d] + 1, st->alloc_hits[d]);
    struct pii_hit *h = &st->hits[d][st->n_hits[d]++];
    h->file = at->file_index;
    h->line = gate_example_pos(at);   /* line, or index in a JSON array file */
    memcpy(h->key, at->hash, FINDING_KEY_SIZE);
    snprintf(h->value, sizeof(h->value), "%.*s", (int)len, redacted);
    h->rejected = rejected;
}

/* A word of a pii_limit into the state's own copy; false when it cannot be one. */
static bool limit_word(struct wire_in *in, char *out)
{
    size_t len;
    const char *w = wire_get_bytes(in, &len);
    if (len >= LIMIT_WORD_MAX)
        return false;
    memcpy(out, w, len);
    out[len] = '\0';
    return true;
}

static void pii_replay(void *state, const struct example *at, const void *bytes, size_t len)
{
    struct pii_state *st = state;
    if (!st->scanner || st->stopped || st->damaged || !at->parsed)
        return;
    if (len == 1 && *(const unsigned char *)bytes == STOPPED_TAG) {
        st->damaged = true;   /* kept from a run that stopped: see STOPPED_TAG */
        return;
    }
    memset(st->cur_found, 0, sizeof(st->cur_found));
    struct wire_in in = wire_in(bytes, len);
    while (in.p < in.end && !st->stopped) {
        uint8_t tag = wire_get_u8(&in);
        if (tag == MATCH_TAG || tag == REJECTED_MATCH_TAG) {
            uint64_t d = wire_get_varint(&in);
            size_t n;
            const char *redacted = wire_get_bytes(&in, &n);
            if (in.bad || d >= N_DETECTORS || n >= PII_REDACTED_MAX) {
                wire_fail(&in);
                break;
            }
            add_hit(st, at, (size_t)d, redacted, n, tag == REJECTED_MATCH_TAG);
        } else if (tag == LIMIT_TAG) {
            struct pii_limit *l = &st->limit;
            l->detector = (enum pii_detector)wire_get_varint(&in);
            l->allow_index = (size_t)wire_get_varint(&in);
            bool ok = limit_word(&in, st->limit_name);
            l->value = (unsigned long)wire_get_varint(&in);
            ok = limit_word(&in, st->limit_unit) && ok;
            if (in.bad || !ok) {
                wire_fail(&in);
                break;
            }
            l->limit = st->limit_name;
            l->unit = st->limit_unit;
            st->stopped = true;
            st->limit_file = at->file_index;
            st->limit_line = at->line;
        } else {
            wire_fail(&in);
        }
    }
    if (in.bad || in.p != in.end) {
        st->damaged = true;
        return;
    }
    for (size_t d = 0; d < N_DETECTORS; d++)
        st->examples[d] += st->cur_found[d] > 0;
}

/* extract() scans with the detectors and the allow list, nothing else of the spec. */
static void pii_digest_key(const struct spec *spec, const void *state, struct buf *out)
{
    (void)state;
    wire_put_varint(out, spec->gates.pii.detect);
    wire_put_varint(out, spec->gates.pii.n_allow);
    for (size_t i = 0; i < spec->gates.pii.n_allow; i++)
        wire_put_bytes(out, spec->gates.pii.allow[i], strlen(spec->gates.pii.allow[i]));
}

static int pii_finish(void *state, const struct gate_ctx *ctx)
{
    struct pii_state *st = state;
    const struct spec *spec = ctx->spec;
    if (st->damaged)
        return err_set(DSCI_EINTERNAL, "pii: a summary of an example this run cannot use "
                       "(damaged, or kept from a run whose scan stopped)");
    if (st->stopped)
        return limit_error(st, ctx);
    if (st->error)
        return err_set(DSCI_EUSAGE, "%s:%zu: %s", spec->path, spec->gates.pii.loc.line, st->error);
    struct section *sec = result_add_section(ctx->result, "pii", "PII", spec->gates.pii.level,
                                             spec->gates.pii.loc);
    for (size_t d = 0; d < N_DETECTORS; d++) {
        if (!(spec->gates.pii.detect & detectors[d].bit))
            continue;
        struct check *c = result_add_check(sec, detectors[d].id, detectors[d].name);
        uint64_t n = st->found[d];
        c->value = (double)n;
        c->threshold = 0;
        if (!n) {
            check_set_value(c, "none found");
            c->status = STATUS_PASS;
        } else {
            unsigned long long ex = st->examples[d];
            check_set_value(c, "%llu found in %llu example%s", (unsigned long long)n, ex,
                            ex == 1 ? "" : "s");
            c->status = STATUS_FAIL;
            for (size_t i = 0; i < st->n_hits[d]; i++) {
                struct pii_hit *h = &st->hits[d][i];
                check_add_keyed_finding(c, h->key, gate_file_path(ctx, h->file), gate_line(ctx, h->file, h->line),
                                        detectors[d].kind, "%s %s%s", detectors[d].noun, h->value,
                                        h->rejected ? " in the rejected reply" : "");
                gate_locate_last(c, ctx, h->file, h->line);
            }
            c->findings_total = n;
            char first_at[GATE_WHERE_SIZE];
            check_set_remediation_firstf(c, gate_where(first_at, ctx, st->hits[d][0].file, st->hits[d][0].line),
                                         "); if they are fake, allow them in gates.pii.allow",
                                         "Remove or mask the %llu %s%s (", (unsigned long long)n, detectors[d].noun,
                                         n == 1 ? "" : plural_suffix(detectors[d].noun));
        }
        check_apply_level(c, spec->gates.pii.level, false);
    }
    return 0;
}

static void pii_free(void *state)
{
    struct pii_state *st = state;
    pii_scanner_free(st->scanner);
    for (size_t d = 0; d < N_DETECTORS; d++)
        free(st->hits[d]);
    free(st->error);
    free(st);
}

static bool pii_keepable(const void *state)
{
    const struct pii_state *st = state;
    return !st->stopped;
}

GATE_DEFINE(pii, pii, "PII", .keepable = pii_keepable, .extract = pii_extract, .replay = pii_replay, .digest_key = pii_digest_key,
            .measures = false, .needs_example_hash = pii_enabled);
