/*
 * Preference: what makes a DPO pair teach nothing or the wrong thing (docs/preference.md).
 * Per pair (a parsed example of format preference with a rejected side): the chosen
 * reply equal to the rejected one (same roles and texts), or near-identical to it
 * (similarity of their texts >= near_threshold, gates/pair_distance.h); the same prompt
 * and replies preferred one way in one record and the other way in another, anywhere in
 * the run (gates/pair_order.h); and over all pairs, the share whose chosen reply is the
 * longer one, which should sit inside length_bias.
 *
 * extract() (on the parse workers) compares the two sides and hashes the prompt and the
 * replies; replay() counts. A run without pairs adds no section: the gate has nothing to
 * say of chat data, and reports of other formats stay as they were.
 */
#include <stdlib.h>
#include <string.h>

#include "gates/common.h"
#include "gates/finding_key.h"
#include "gates/gates.h"
#include "gates/pair_distance.h"
#include "gates/pair_order.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/text_hash.h"
#include "util/wire.h"
#include "util/xalloc.h"

enum pair_kind { PAIR_DISTINCT = 0, PAIR_IDENTICAL = 1, PAIR_NEAR = 2 };

/* An identical or near-identical pair, kept for its finding. */
struct pair_place {
    uint32_t file;
    uint64_t pos;
    uint64_t h0, h1;
    uint64_t distance, length;   /* near pairs */
};

struct pair_places {
    struct pair_place *v;
    size_t n, alloc;
    uint64_t total;   /* also those not kept: findings beyond RESULT_MAX_FINDINGS */
};

struct preference_state {
    double near_threshold;
    uint64_t pairs, chosen_longer;
    struct pair_places identical, near;
    struct pair_order_list orders;
    bool damaged;   /* replay() met bytes no extract() wrote */
};

/* Only a dataset that may hold pairs: a spec that names a chat format costs nothing. */
static bool preference_enabled(const struct spec *spec)
{
    enum dataset_format f = spec->dataset.format;
    return spec->gates.preference.level != LEVEL_OFF && (f == FORMAT_AUTO || f == FORMAT_PREFERENCE);
}

static void *preference_begin(const struct gate_ctx *ctx)
{
    struct preference_state *st = xcalloc(1, sizeof(*st));
    st->near_threshold = ctx->spec->gates.preference.near_threshold;
    st->orders = (struct pair_order_list)PAIR_ORDER_LIST_INIT;
    return st;
}

/* A list of turns as one hash: roles and texts, each text's length first so that no two
 * lists give the same bytes. A known role is its kind, not its spelling, so a TRL file and
 * an OpenAI one that hold the same pair agree (as same_turns() does). */
static uint64_t turns_hash(struct buf *scratch, const struct turn *t, size_t n)
{
    buf_reset(scratch);
    for (size_t i = 0; i < n; i++) {
        bool other = t[i].role == ROLE_OTHER && t[i].role_name;
        wire_put_varint(scratch, (uint64_t)t[i].role);
        wire_put_bytes(scratch, other ? t[i].role_name : "", other ? t[i].role_name_len : 0);
        wire_put_bytes(scratch, t[i].text ? t[i].text : "", t[i].text ? t[i].text_len : 0);
    }
    uint64_t h[2];
    text_hash128(h, scratch->len ? scratch->ptr : "", scratch->len);
    return h[0];
}

static bool same_turns(const struct turn *a, size_t na, const struct turn *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++) {
        if (a[i].role != b[i].role || a[i].text_len != b[i].text_len || !a[i].text != !b[i].text)
            return false;
        if (a[i].text_len && memcmp(a[i].text, b[i].text, a[i].text_len))
            return false;
        if (a[i].role != ROLE_OTHER)
            continue;
        if (a[i].role_name_len != b[i].role_name_len || !a[i].role_name != !b[i].role_name)
            return false;
        if (a[i].role_name_len && memcmp(a[i].role_name, b[i].role_name, a[i].role_name_len))
            return false;
    }
    return true;
}

/* A reply's texts as the similarity reads them: joined by newlines. */
static void reply_text(struct buf *out, const struct turn *t, size_t n)
{
    buf_reset(out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_addch(out, '\n');
        if (t[i].text)
            buf_add(out, t[i].text, t[i].text_len);
    }
}

static size_t reply_chars(const struct turn *t, size_t n)
{
    size_t chars = n ? n - 1 : 0;   /* the newlines reply_text() joins with */
    for (size_t i = 0; i < n; i++)
        chars += t[i].text ? t[i].text_chars : 0;
    return chars;
}

/*
 * What extract() writes for a pair: kind (enum pair_kind), the chosen and the rejected
 * reply's code points, for a near pair its distance and the longer length, then the
 * hashes of the prompt, the chosen and the rejected reply. Nothing for an example that
 * is no pair.
 */
static void preference_extract(void *state, const struct example *ex, struct buf *out)
{
    struct preference_state *st = state;
    if (!ex->parsed || ex->format != FORMAT_PREFERENCE || !ex->has_rejected || ex->n_prompt_turns > ex->n_turns)
        return;
    const struct turn *chosen = ex->turns + ex->n_prompt_turns;
    size_t n_chosen = ex->n_turns - ex->n_prompt_turns;
    struct buf a = BUF_INIT, b = BUF_INIT;
    enum pair_kind kind = PAIR_DISTINCT;
    struct pair_distance d = { 0, 0 };
    size_t chosen_chars = reply_chars(chosen, n_chosen), rejected_chars = reply_chars(ex->rejected, ex->n_rejected);
    size_t longer = chosen_chars > rejected_chars ? chosen_chars : rejected_chars;
    size_t diff = longer - (chosen_chars < rejected_chars ? chosen_chars : rejected_chars);
    if (same_turns(chosen, n_chosen, ex->rejected, ex->n_rejected)) {
        kind = PAIR_IDENTICAL;
    } else if (diff <= pair_distance_limit(longer, st->near_threshold)) {
        /* the distance is at least the difference in length: most pairs end here */
        reply_text(&a, chosen, n_chosen);
        reply_text(&b, ex->rejected, ex->n_rejected);
        if (pair_distance_near(&d, a.len ? a.ptr : "", a.len, b.len ? b.ptr : "", b.len, st->near_threshold))
            kind = PAIR_NEAR;
    }
    wire_put_u8(out, (uint8_t)kind);
    wire_put_varint(out, chosen_chars);
    wire_put_varint(out, rejected_chars);
    if (kind == PAIR_NEAR) {
        wire_put_varint(out, d.distance);
        wire_put_varint(out, d.length);
    }
    wire_put_u64(out, turns_hash(&a, ex->turns, ex->n_prompt_turns));
    wire_put_u64(out, turns_hash(&a, chosen, n_chosen));
    wire_put_u64(out, turns_hash(&a, ex->rejected, ex->n_rejected));
    buf_release(&a);
    buf_release(&b);
}

/* Which pairs are near depends on the threshold. */
static void preference_digest_key(const struct spec *spec, const void *state, struct buf *out)
{
    (void)state;
    wire_put_double(out, spec->gates.preference.near_threshold);
}

static void place_add(struct pair_places *p, const struct example *at, uint64_t distance, uint64_t length)
{
    p->total++;
    if (p->n >= RESULT_MAX_FINDINGS)
        return;
    ALLOC_GROW(p->v, p->n + 1, p->alloc);
    struct pair_place *x = &p->v[p->n++];
    x->file = (uint32_t)at->file_index;
    x->pos = gate_example_pos(at);
    memcpy(&x->h0, at->hash, 8);
    memcpy(&x->h1, at->hash + 8, 8);
    x->distance = distance;
    x->length = length;
}

static void preference_replay(void *state, const struct example *at, const void *bytes, size_t len)
{
    struct preference_state *st = state;
    if (!len)
        return;
    struct wire_in in = wire_in(bytes, len);
    uint8_t kind = wire_get_u8(&in);
    uint64_t chosen_chars = wire_get_varint(&in), rejected_chars = wire_get_varint(&in);
    uint64_t distance = 0, length = 0;
    if (kind == PAIR_NEAR) {
        distance = wire_get_varint(&in);
        length = wire_get_varint(&in);
    }
    uint64_t prompt = wire_get_u64(&in), chosen = wire_get_u64(&in), rejected = wire_get_u64(&in);
    if (in.bad || in.p != in.end || kind > PAIR_NEAR || !at->parsed) {
        st->damaged = true;
        return;
    }
    st->pairs++;
    st->chosen_longer += chosen_chars > rejected_chars;
    if (kind == PAIR_IDENTICAL)
        place_add(&st->identical, at, 0, 0);
    else if (kind == PAIR_NEAR)
        place_add(&st->near, at, distance, length);
    uint64_t h0, h1;
    memcpy(&h0, at->hash, 8);
    memcpy(&h1, at->hash + 8, 8);
    if (kind != PAIR_IDENTICAL)
        pair_order_add(&st->orders, prompt, chosen, rejected, (uint32_t)at->file_index, gate_example_pos(at), h0, h1);
}

/* "97.5%": a similarity that never shows 100% unless the texts are equal. */
static void similarity_text(char out[GATE_NUM_SIZE], uint64_t distance, uint64_t length)
{
    double pct = length ? 100.0 * (1.0 - (double)distance / (double)length) : 100.0;
    if (distance && pct > 99.9)
        pct = 99.9;
    snprintf(out, GATE_NUM_SIZE, "%.1f%%", pct);
}

/* The identical or near-identical pairs, a finding at each. */
static void places_check(struct section *sec, const struct gate_ctx *ctx, const struct pair_places *p, bool near)
{
    const struct spec *spec = ctx->spec;
    struct check *c = result_add_check(sec, near ? "preference.near" : "preference.identical",
                                       near ? "Near-identical pairs" : "Identical pairs");
    char t[GATE_NUM_SIZE], where[GATE_WHERE_SIZE];
    unsigned long long n = p->total;
    check_set_value(c, "%llu", n);
    if (near)
        check_set_threshold(c, "similarity \xe2\x89\xa5 %s", gate_num(t, spec->gates.preference.near_threshold));
    c->value = (double)n;
    c->threshold = near ? spec->gates.preference.near_threshold : 0;
    c->status = n ? STATUS_FAIL : STATUS_PASS;
    for (size_t i = 0; i < p->n; i++) {
        const struct pair_place *x = &p->v[i];
        unsigned char key[FINDING_KEY_SIZE];
        finding_key_of(key, x->h0, x->h1);
        if (near) {
            similarity_text(t, x->distance, x->length);
            check_add_keyed_finding(c, key, gate_file_path(ctx, x->file), gate_line(ctx, x->file, x->pos),
                                    "near_identical_pair", "chosen and rejected replies are %s similar "
                                    "(%llu edit%s in %llu characters)", t, (unsigned long long)x->distance,
                                    x->distance == 1 ? "" : "s", (unsigned long long)x->length);
        } else {
            check_add_keyed_finding(c, key, gate_file_path(ctx, x->file), gate_line(ctx, x->file, x->pos),
                                    "identical_pair", "chosen and rejected replies are identical");
        }
        gate_locate_last(c, ctx, x->file, x->pos);
    }
    c->findings_total += p->total - p->n;
    if (p->n) {
        gate_where(where, ctx, p->v[0].file, p->v[0].pos);
        if (near)
            check_set_remediation_firstf(c, where, ")", "Make the rejected reply of %llu pair%s clearly worse, or "
                                         "drop the pair%s: a near-identical pair gives DPO almost no signal (",
                                         n, n == 1 ? "" : "s", n == 1 ? "" : "s");
        else
            check_set_remediation_firstf(c, where, ")", "Replace the rejected reply of %llu pair%s that equal%s "
                                         "the chosen one, or drop the pair%s (", n, n == 1 ? "" : "s",
                                         n == 1 ? "s" : "", n == 1 ? "" : "s");
    }
    check_apply_level(c, near ? spec->gates.preference.near : spec->gates.preference.identical, false);
}

struct contradiction_report {
    const struct gate_ctx *ctx;
    struct check *c;
    char first[2 * GATE_WHERE_SIZE + 16];
};

static void on_contradiction(void *arg, const struct pair_order *at, const struct pair_order *other)
{
    struct contradiction_report *r = arg;
    const struct gate_ctx *ctx = r->ctx;
    char other_at[GATE_WHERE_SIZE], here[GATE_WHERE_SIZE];
    gate_where(other_at, ctx, other->file, other->pos);
    if (!r->first[0])
        snprintf(r->first, sizeof(r->first), "%s contradicts %s", gate_where(here, ctx, at->file, at->pos),
                 other_at);
    /* both examples' contents, in content order: the key survives moved lines */
    struct finding_key fk;
    unsigned char key[FINDING_KEY_SIZE];
    bool at_first = at->h0 < other->h0 || (at->h0 == other->h0 && at->h1 < other->h1);
    const struct pair_order *a = at_first ? at : other, *b = at_first ? other : at;
    finding_key_start(&fk);
    finding_key_add(&fk, a->h0, a->h1);
    finding_key_add(&fk, b->h0, b->h1);
    finding_key_end(&fk, key);
    check_add_keyed_finding(r->c, key, gate_file_path(ctx, at->file), gate_line(ctx, at->file, at->pos),
                            "contradictory_pair", "the same prompt and replies as %s, with chosen and "
                            "rejected swapped", other_at);
    gate_locate_last(r->c, ctx, at->file, at->pos);
    check_relate_last(r->c, gate_file_path(ctx, other->file), gate_line(ctx, other->file, other->pos));
}

static uint64_t contradiction_check(struct section *sec, const struct gate_ctx *ctx, struct preference_state *st)
{
    struct check *c = result_add_check(sec, "preference.contradictory", "Contradictory pairs");
    struct contradiction_report r = { ctx, c, "" };
    uint64_t n = pair_order_contradictions(&st->orders, on_contradiction, &r);
    check_set_value(c, "%llu", (unsigned long long)n);
    c->value = (double)n;
    c->threshold = 0;
    c->status = n ? STATUS_FAIL : STATUS_PASS;
    if (n)
        check_set_remediation_firstf(c, r.first, ")", "Keep one order of each of %llu contradictory pair%s: "
                                     "the same prompt prefers both replies (", (unsigned long long)n,
                                     n == 1 ? "" : "s");
    check_apply_level(c, ctx->spec->gates.preference.contradictory, false);
    return n;
}

static void length_bias_check(struct section *sec, const struct gate_ctx *ctx, const struct preference_state *st)
{
    const struct spec *spec = ctx->spec;
    const struct spec_band *band = &spec->gates.preference.length_band;
    struct check *c = result_add_check(sec, "preference.length_bias", "Chosen reply longer");
    char frac[64], lo[GATE_NUM_SIZE], hi[GATE_NUM_SIZE];
    double share = (double)st->chosen_longer / (double)st->pairs;
    gate_format_fraction(frac, sizeof(frac), st->chosen_longer, st->pairs);
    check_set_value(c, "%s", frac);
    check_set_threshold(c, "share in [%s, %s]", gate_num(lo, band->lo), gate_num(hi, band->hi));
    c->value = share;
    c->threshold = share < band->lo ? band->lo : band->hi;
    c->status = share < band->lo || share > band->hi ? STATUS_FAIL : STATUS_PASS;
    if (c->status == STATUS_FAIL) {
        size_t line = spec->gates.preference.length_bias_loc.line ? spec->gates.preference.length_bias_loc.line
                                                                   : spec->gates.preference.loc.line;
        check_add_finding(c, gate_spec_path(ctx), line, "length_bias", "the chosen reply is the longer one in %s "
                          "of pairs, outside [%s, %s]", frac, lo, hi);
        check_set_remediation(c, "The chosen reply is the longer one in %s of pairs: DPO then learns length as "
                              "much as quality; balance the pairs (or set gates.preference.length_bias)", frac);
    }
    check_apply_level(c, spec->gates.preference.length_bias, false);
}

static int preference_finish(void *state, const struct gate_ctx *ctx)
{
    struct preference_state *st = state;
    const struct spec *spec = ctx->spec;
    if (st->damaged)
        return err_set(DSCI_EINTERNAL, "preference: a kept summary of an example is damaged; "
                       "run again with --no-cache");
    if (!st->pairs)
        return 0;
    const enum gate_level levels[] = { spec->gates.preference.identical, spec->gates.preference.near,
                                       spec->gates.preference.contradictory, spec->gates.preference.length_bias };
    enum gate_level level = LEVEL_OFF;
    for (size_t i = 0; i < sizeof(levels) / sizeof(*levels); i++)
        if (levels[i] > level)
            level = levels[i];
    struct section *sec = result_add_section(ctx->result, "preference", "PREFERENCE", level, spec->gates.preference.loc);
    struct result_preference *rp = xcalloc(1, sizeof(*rp));
    rp->pairs = st->pairs;
    rp->identical = st->identical.total;
    rp->near = st->near.total;
    rp->chosen_longer = st->chosen_longer;
    free(ctx->result->preference);
    ctx->result->preference = rp;
    if (spec->gates.preference.identical != LEVEL_OFF)
        places_check(sec, ctx, &st->identical, false);
    if (spec->gates.preference.near != LEVEL_OFF)
        places_check(sec, ctx, &st->near, true);
    if (spec->gates.preference.contradictory != LEVEL_OFF)
        rp->contradictory = contradiction_check(sec, ctx, st);
    if (spec->gates.preference.length_bias != LEVEL_OFF)
        length_bias_check(sec, ctx, st);
    unsigned long long n = st->pairs;
    free(sec->note);
    sec->note = xasprintf("%llu preference pair%s", n, n == 1 ? "" : "s");
    return 0;
}

static void preference_free(void *state)
{
    struct preference_state *st = state;
    free(st->identical.v);
    free(st->near.v);
    pair_order_release(&st->orders);
    free(st);
}

/* Findings are keyed by the pairs' content hashes. */
static bool preference_needs_example_hash(const struct spec *spec)
{
    return preference_enabled(spec);
}

GATE_DEFINE(preference, preference, "PREFERENCE", .extract = preference_extract, .extract_threadsafe = true,
            .replay = preference_replay, .digest_key = preference_digest_key, .measures = false,
            .needs_example_hash = preference_needs_example_hash);
