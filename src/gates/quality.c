/*
 * Quality: mean message lengths (code points, per role), the share of distinct message
 * texts, and the variance of conversation lengths, each judged against the spec's bands.
 *
 * Distinct texts are counted from 128-bit hashes of the text bytes (a fast
 * non-cryptographic hash: it only needs to tell texts apart, and SHA-256 would cost more
 * than everything else here). extract() hashes each text; replay() only appends
 * {hash, example} to an array, which is sequential and cheap; finish() groups equal
 * hashes (one counting pass into cache-sized buckets, then a small hash table per
 * bucket). A set probed per message would take a cache miss on every text of a large
 * dataset. Memory grows with the number of messages (24 bytes each, twice that briefly
 * in finish), never with their bytes.
 * For remediation the gate keeps the few most extreme examples per metric, and quotes
 * the most repeated texts by their hashes (gates/quality_names.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gates/gates.h"
#include "gates/common.h"
#include "gates/quality_names.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/text_hash.h"
#include "util/wire.h"
#include "util/xalloc.h"

#define QUALITY_TOP 5

/* ---- distinct texts ------------------------------------------------------------------ */

/* One message text: its hash and the index of its example (see example_loc). */
struct text_rec {
    uint64_t h0, h1;
    uint32_t example;
};

/* Where a parsed example is, by its index among the parsed examples. */
struct example_loc {
    uint64_t line;
    uint32_t file;
};

/* A message text seen more than once: how often, and its first two places. */
struct repeat {
    uint64_t count;
    uint32_t first, second;   /* example indexes */
    uint64_t h0, h1;          /* its hash, to find its name */
};

/* Keeps the QUALITY_TOP most repeated texts, earliest first on ties. */
static void repeat_offer(struct repeat *top, size_t *n, const struct repeat *r)
{
    if (*n == QUALITY_TOP && (r->count < top[QUALITY_TOP - 1].count ||
                              (r->count == top[QUALITY_TOP - 1].count &&
                               r->first > top[QUALITY_TOP - 1].first)))
        return;
    size_t i = *n < QUALITY_TOP ? (*n)++ : QUALITY_TOP - 1;
    while (i > 0 && (top[i - 1].count < r->count ||
                     (top[i - 1].count == r->count && top[i - 1].first > r->first))) {
        top[i] = top[i - 1];
        i--;
    }
    top[i] = *r;
}

/* A group of equal texts in the per-bucket table; count 0 = empty slot. Indexes are
 * relative to the bucket's start. */
struct group_slot {
    uint64_t count;
    uint32_t first, second;
};

/* Counts the distinct hashes of the n records in *texts and collects the most repeated
 * ones. One counting pass and one scatter split the records by the top bits of h0 into
 * buckets of a few hundred, each counted with a small table that stays in the cache;
 * records keep their order inside a bucket, so "first" is the earliest. *texts is
 * released once copied, to keep the peak memory down. */
static uint64_t count_distinct(struct gate_vec *texts, size_t n, struct repeat *top, size_t *n_top)
{
    const struct text_rec *v = texts->ptr;
    if (!n)
        return 0;
    unsigned bits = 0;
    while (bits < 20 && ((size_t)256 << bits) < n)
        bits++;
    size_t n_buckets = (size_t)1 << bits;
#define BUCKET(r) (bits ? (size_t)((r).h0 >> (64 - bits)) : 0)
    size_t *start = xcalloc(n_buckets + 1, sizeof(*start));
    for (size_t i = 0; i < n; i++)
        start[BUCKET(v[i]) + 1]++;
    size_t max = 0;
    for (size_t b = 0; b < n_buckets; b++) {
        if (start[b + 1] > max)
            max = start[b + 1];
        start[b + 1] += start[b];
    }
    size_t *fill = xmalloc(n_buckets * sizeof(*fill));
    memcpy(fill, start, n_buckets * sizeof(*fill));
    struct gate_vec out_mem = GATE_VEC_INIT;
    struct text_rec *out = gate_vec_grow(&out_mem, n * sizeof(*out));
    for (size_t i = 0; i < n; i++)
        out[fill[BUCKET(v[i])]++] = v[i];
#undef BUCKET
    free(fill);
    gate_vec_release(texts);

    size_t size = 16;
    while (size < 2 * max)
        size *= 2;
    size_t mask = size - 1;
    struct group_slot *table = xcalloc(size, sizeof(*table));
    size_t *used = xmalloc(max * sizeof(*used));
    uint64_t distinct = 0;
    for (size_t b = 0; b < n_buckets; b++) {
        const struct text_rec *r = out + start[b];
        size_t m = start[b + 1] - start[b], n_used = 0;
        for (size_t j = 0; j < m; j++) {
            size_t i = (size_t)r[j].h1 & mask;
            for (;;) {
                struct group_slot *s = &table[i];
                if (!s->count) {
                    s->count = 1;
                    s->first = (uint32_t)j;
                    used[n_used++] = i;
                    distinct++;
                    break;
                }
                const struct text_rec *f = &r[s->first];
                if (f->h0 == r[j].h0 && f->h1 == r[j].h1) {
                    if (++s->count == 2)
                        s->second = (uint32_t)j;
                    break;
                }
                i = (i + 1) & mask;
            }
        }
        for (size_t k = 0; k < n_used; k++) {
            struct group_slot *s = &table[used[k]];
            if (s->count > 1) {
                struct repeat rep = { s->count, r[s->first].example, r[s->second].example, r[s->first].h0,
                                      r[s->first].h1 };
                repeat_offer(top, n_top, &rep);
            }
            s->count = 0;
        }
    }
    free(used);
    free(table);
    gate_vec_release(&out_mem);
    free(start);
    return distinct;
}

/* ---- the few most extreme examples of a metric ------------------------------------- */

struct extreme {
    double value;
    uint32_t file;
    size_t line;
};

/* Keeps the QUALITY_TOP examples with the largest `sign * value`, earliest first on ties. */
struct top {
    struct extreme v[QUALITY_TOP];
    size_t n;
    double sign;
};

static void top_offer(struct top *t, double value, const struct example *ex)
{
    double score = t->sign * value;
    if (t->n == QUALITY_TOP && score <= t->sign * t->v[QUALITY_TOP - 1].value)
        return;
    size_t i = t->n < QUALITY_TOP ? t->n++ : QUALITY_TOP - 1;
    while (i > 0 && t->sign * t->v[i - 1].value < score) {
        t->v[i] = t->v[i - 1];
        i--;
    }
    t->v[i].value = value;
    t->v[i].file = (uint32_t)ex->file_index;
    t->v[i].line = gate_example_pos(ex);   /* line, or index in a JSON array file */
}

/* ---- state -------------------------------------------------------------------------- */

struct quality_state {
    uint64_t user_chars, user_texts, assistant_chars, assistant_texts;
    uint64_t examples, turns_sum;
    unsigned __int128 turns_sumsq;
    struct gate_vec texts_mem;
    struct text_rec *texts;      /* in texts_mem */
    size_t n_texts;
    struct gate_vec locs_mem;
    struct example_loc *locs;    /* in locs_mem: per parsed example */
    uint64_t distinct;           /* set by finish */
    struct repeat repeats[QUALITY_TOP];
    size_t n_repeats;
    struct name_table names;
    bool forget_names;           /* DSCI_TEST_FORGET_NAMES: every quote read again */
    bool damaged;                /* replay() met bytes no extract() wrote */
    struct top human_low, human_high, assistant_low, assistant_high, turns_low, turns_high;
    struct result_lengths lengths;   /* handed to the result by finish */
};

static bool quality_enabled(const struct spec *spec)
{
    return spec->gates.quality.level != LEVEL_OFF;
}

static void *quality_begin(const struct gate_ctx *ctx)
{
    struct quality_state *st = xcalloc(1, sizeof(*st));
    st->human_low.sign = st->assistant_low.sign = st->turns_low.sign = -1.0;
    st->human_high.sign = st->assistant_high.sign = st->turns_high.sign = 1.0;
    const char *forget = getenv("DSCI_TEST_FORGET_NAMES");
    st->forget_names = forget && !strcmp(forget, "1");
    st->lengths.n_splits = ctx->spec->dataset.n_splits;
    st->lengths.counts = xcalloc(st->lengths.n_splits ? st->lengths.n_splits : 1, sizeof(*st->lengths.counts));
    return st;
}

/* What a text's role counts for: the human and assistant means, or neither. */
enum text_side { SIDE_OTHER, SIDE_USER, SIDE_ASSISTANT };

/* Per parsed example: its number of turns, then per text its side, its length in code
 * points and its hash, in turn order. Reads nothing of the state: it runs on the
 * parsing threads. */
static void quality_extract(void *state, const struct example *ex, struct buf *out)
{
    (void)state;
    if (!ex->parsed)
        return;
    size_t n_texts = 0;
    for (size_t i = 0; i < ex->n_turns; i++)
        n_texts += ex->turns[i].text != NULL;
    wire_put_varint(out, ex->n_turns);
    wire_put_varint(out, n_texts);
    for (size_t i = 0; i < ex->n_turns; i++) {
        const struct turn *t = &ex->turns[i];
        if (!t->text)
            continue;
        wire_put_u8(out, t->role == ROLE_USER ? SIDE_USER : t->role == ROLE_ASSISTANT ? SIDE_ASSISTANT : SIDE_OTHER);
        wire_put_varint(out, t->text_chars);
        uint64_t h[2];
        text_hash128(h, t->text, t->text_len);
        wire_put_u64(out, h[0]);
        wire_put_u64(out, h[1]);
    }
}

/* The names of the example's texts that hold a vote slot (see quality_names.h), learned
 * just before replay() votes with the same hashes, as the vote stands after the earlier
 * examples. They are a cache of names, not a count: whether one is learned here changes
 * no number and no quote, only whether finish() has to read its example again. */
static void quality_learn(void *state, const struct example *ex, const void *bytes, size_t len)
{
    struct quality_state *st = state;
    if (!ex->parsed || st->forget_names)
        return;
    struct wire_in in = wire_in(bytes, len);
    wire_get_varint(&in);
    uint64_t n_texts = wire_get_varint(&in);
    const unsigned char *first = in.p;
    /* every slot asked for at once: the table is larger than the cache, and the misses
     * overlap instead of queueing one after the other */
    for (uint64_t i = 0; i < n_texts && !in.bad; i++) {
        wire_get_u8(&in);
        wire_get_varint(&in);
        wire_get_u64(&in);
        quality_names_prefetch(&st->names, wire_get_u64(&in));
    }
    in.p = first;
    size_t turn = 0;
    for (uint64_t i = 0; i < n_texts && !in.bad; i++) {
        wire_get_u8(&in);
        wire_get_varint(&in);
        uint64_t h[2];
        h[0] = wire_get_u64(&in);
        h[1] = wire_get_u64(&in);
        while (turn < ex->n_turns && !ex->turns[turn].text)
            turn++;
        if (turn == ex->n_turns || in.bad)
            return;
        quality_names_learn(&st->names, h, ex->turns[turn].text, ex->turns[turn].text_len);
        turn++;
    }
}

#define TEXT_WIRE_MIN 18   /* bytes of one text at least: side, length, hash */

static void quality_replay(void *state, const struct example *at, const void *bytes, size_t len)
{
    struct quality_state *st = state;
    if (!at->parsed || st->damaged)
        return;
    struct wire_in in = wire_in(bytes, len);
    uint64_t n_turns = wire_get_varint(&in), n_texts = wire_get_varint(&in);
    if (in.bad || n_texts > n_turns || n_texts > (uint64_t)(in.end - in.p) / TEXT_WIRE_MIN) {
        st->damaged = true;
        return;
    }
    uint32_t index = (uint32_t)st->examples;   /* texts point at their example by this */
    st->locs = gate_vec_grow(&st->locs_mem, (st->examples + 1) * sizeof(*st->locs));
    st->locs[st->examples].line = gate_example_pos(at);
    st->locs[st->examples].file = (uint32_t)at->file_index;
    st->examples++;
    st->turns_sum += n_turns;
    st->turns_sumsq += (unsigned __int128)n_turns * n_turns;
    top_offer(&st->turns_low, (double)n_turns, at);
    top_offer(&st->turns_high, (double)n_turns, at);

    uint64_t user_chars = 0, user_n = 0, assistant_chars = 0, assistant_n = 0;
    st->texts = gate_vec_grow(&st->texts_mem, (st->n_texts + (size_t)n_texts) * sizeof(*st->texts));
    for (uint64_t i = 0; i < n_texts; i++) {
        uint8_t side = wire_get_u8(&in);
        uint64_t chars = wire_get_varint(&in);
        uint64_t h[2];
        h[0] = wire_get_u64(&in);
        h[1] = wire_get_u64(&in);
        if (side == SIDE_USER) {
            user_chars += chars;
            user_n++;
        } else if (side == SIDE_ASSISTANT) {
            assistant_chars += chars;
            assistant_n++;
        }
        if (side != SIDE_OTHER && at->split < st->lengths.n_splits)
            st->lengths.counts[at->split][side == SIDE_USER ? RESULT_ROLE_USER : RESULT_ROLE_ASSISTANT]
                              [result_length_bucket(chars)]++;
        struct text_rec *r = &st->texts[st->n_texts++];
        r->h0 = h[0];
        r->h1 = h[1];
        r->example = index;
        quality_names_vote(&st->names, st->n_texts, h);
    }
    if (in.bad || in.p != in.end) {
        st->damaged = true;
        return;
    }
    st->user_chars += user_chars;
    st->user_texts += user_n;
    st->assistant_chars += assistant_chars;
    st->assistant_texts += assistant_n;
    if (user_n) {
        double mean = (double)user_chars / (double)user_n;
        top_offer(&st->human_low, mean, at);
        top_offer(&st->human_high, mean, at);
    }
    if (assistant_n) {
        double mean = (double)assistant_chars / (double)assistant_n;
        top_offer(&st->assistant_low, mean, at);
        top_offer(&st->assistant_high, mean, at);
    }
}

/* Reading an example again for the name of a repeated text (gate_ctx.reread). */
struct name_search {
    struct name_table *names;
    uint64_t h0, h1;
};

static void name_from_example(void *arg, const struct example *ex)
{
    struct name_search *s = arg;
    quality_names_learn_from(s->names, ex, s->h0, s->h1);
}

/* The quote of a repeated text, its name read again from its first example when the
 * vote kept its hash but no extract() saw it afterwards (a text that won its slot on its
 * last appearance, an example replayed from the cache). Returns 0 or the reread's error. */
static int repeat_quote(char *out, size_t size, struct quality_state *st, const struct gate_ctx *ctx,
                        const struct repeat *r)
{
    if (quality_names_wanted(&st->names, r->h0, r->h1) && !quality_names_known(&st->names, r->h0, r->h1)
        && ctx->reread) {
        const struct example_loc *l = &st->locs[r->first];
        struct name_search s = { &st->names, r->h0, r->h1 };
        int rc = ctx->reread(ctx->engine, l->file, l->line, name_from_example, &s);
        if (rc < 0)
            return rc;
    }
    quality_names_quote(out, size, &st->names, r->h0, r->h1);
    return 0;
}

/* ---- judging ------------------------------------------------------------------------ */

static bool in_band(double v, struct spec_band b)
{
    return v >= b.lo && v <= b.hi;
}

static enum status band_status(double v, const struct spec_band_metric *m)
{
    if (in_band(v, m->target))
        return STATUS_PASS;
    return in_band(v, m->acceptable) ? STATUS_WARN : STATUS_FAIL;
}

/* "path:line, path:line" of the kept examples, at most `max`. */
static void add_locations(struct buf *b, const struct gate_ctx *ctx, const struct extreme *v,
                          size_t n, size_t max)
{
    char at[GATE_WHERE_SIZE];
    for (size_t i = 0; i < n && i < max; i++)
        buf_printf(b, "%s%s", i ? ", " : "", gate_where(at, ctx, v[i].file, v[i].line));
}

struct length_words {
    const char *id, *name, *role, *short_fix, *long_fix;
};

static void length_check(struct section *sec, const struct gate_ctx *ctx, double value, uint64_t measured,
                         const struct spec_band_metric *m, const struct top *low,
                         const struct top *high, const struct length_words *w)
{
    char lo[GATE_NUM_SIZE], hi[GATE_NUM_SIZE];
    struct check *c = result_add_check(sec, w->id, w->name);
    if (measured == 0) {
        /* An average of nothing is no evidence either way; the format gate already
         * fails a dataset without usable messages. */
        c->status = STATUS_SKIP;
        check_set_value(c, "no %s messages to measure", w->role);
        return;
    }
    c->value = value;
    check_set_value(c, "%.1f chars", value);
    check_set_threshold(c, "target: %s-%s", gate_num(lo, m->target.lo), gate_num(hi, m->target.hi));
    c->status = band_status(value, m);
    if (c->status != STATUS_PASS) {
        bool below = value < m->target.lo;
        const struct spec_band *band = c->status == STATUS_FAIL ? &m->acceptable : &m->target;
        const struct top *t = below ? low : high;
        struct buf b = BUF_INIT;
        buf_printf(&b, "Average %s message is %.1f chars, %s the %s %s-%s: %s",
                   w->role, value, below ? "below" : "above",
                   c->status == STATUS_FAIL ? "acceptable" : "target",
                   gate_num(lo, band->lo), gate_num(hi, band->hi), below ? w->short_fix : w->long_fix);
        if (t->n) {
            buf_printf(&b, " (%s: ", below ? "shortest" : "longest");
            add_locations(&b, ctx, t->v, t->n, 3);
            buf_addch(&b, ')');
        }
        check_set_remediation(c, "%s", buf_cstr(&b));
        buf_release(&b);
        for (size_t i = 0; i < t->n; i++) {
            check_add_finding(c, gate_file_path(ctx, t->v[i].file), gate_line(ctx, t->v[i].file, t->v[i].line),
                              below ? "short_messages" : "long_messages",
                              "%s messages average %.1f chars (target: %s-%s)", w->role,
                              t->v[i].value, gate_num(lo, m->target.lo), gate_num(hi, m->target.hi));
            gate_locate_last(c, ctx, t->v[i].file, t->v[i].line);
        }
    }
    check_apply_level(c, ctx->spec->gates.quality.level, true);
}

static int unique_check(struct section *sec, const struct gate_ctx *ctx, double value,
                        struct quality_state *st)
{
    const struct spec_limit_metric *m = &ctx->spec->gates.quality.unique_messages;
    char t[GATE_NUM_SIZE], a[GATE_NUM_SIZE];
    struct check *c = result_add_check(sec, "quality.unique_messages", "Unique messages");
    c->value = value;
    c->threshold = m->target;
    /* rounded, but never up to 100% when some messages repeat */
    check_set_value(c, "%.1f%%", value < 100.0 && value >= 99.95 ? 99.9 : value);
    check_set_threshold(c, "target: >= %s%%", gate_num(t, m->target));
    c->status = value >= m->target ? STATUS_PASS
              : value >= m->acceptable ? STATUS_WARN : STATUS_FAIL;
    if (c->status != STATUS_PASS) {
        uint64_t repeats = st->n_texts - st->distinct;
        struct buf b = BUF_INIT;
        buf_printf(&b, "Unique messages are %.1f%% (%llu repeated of %llu), below the %s %s%%: "
                   "remove or rephrase repeated messages",
                   value, (unsigned long long)repeats, (unsigned long long)st->n_texts,
                   c->status == STATUS_FAIL ? "acceptable" : "target",
                   gate_num(a, c->status == STATUS_FAIL ? m->acceptable : m->target));
        if (st->n_repeats) {
            const struct example_loc *l = &st->locs[st->repeats[0].first];
            char at[GATE_WHERE_SIZE];
            buf_printf(&b, " (most repeated: %s, %llu times)", gate_where(at, ctx, l->file, l->line),
                       (unsigned long long)st->repeats[0].count);
        }
        check_set_remediation(c, "%s", buf_cstr(&b));
        buf_release(&b);
        for (size_t i = 0; i < st->n_repeats; i++) {
            const struct repeat *r = &st->repeats[i];
            const struct example_loc *l = &st->locs[r->first], *again = &st->locs[r->second];
            char name[NAME_QUOTE_SIZE];
            int rc = repeat_quote(name, sizeof(name), st, ctx, r);
            if (rc < 0)
                return rc;
            char again_at[GATE_WHERE_SIZE];
            check_add_finding(c, gate_file_path(ctx, l->file), gate_line(ctx, l->file, l->line), "repeated_message",
                              "%s%s appears %llu times (again at %s)", name[0] ? "the message " : "a message here",
                              name, (unsigned long long)r->count, gate_where(again_at, ctx, again->file, again->line));
            gate_locate_last(c, ctx, l->file, l->line);
        }
    }
    check_apply_level(c, ctx->spec->gates.quality.level, true);
    return 0;
}

/* An example and how far its number of messages is from the mean. */
struct far {
    struct extreme ex;
    double distance;
};

static int by_distance_desc(const void *a, const void *b)
{
    const struct far *x = a, *y = b;
    if (x->distance != y->distance)
        return x->distance < y->distance ? 1 : -1;
    if (x->ex.file != y->ex.file)
        return x->ex.file < y->ex.file ? -1 : 1;
    return x->ex.line < y->ex.line ? -1 : x->ex.line > y->ex.line;
}

static void variance_check(struct section *sec, const struct gate_ctx *ctx, double value,
                           double mean, const struct quality_state *st)
{
    const struct spec_limit_metric *m = &ctx->spec->gates.quality.turn_variance;
    char t[GATE_NUM_SIZE], a[GATE_NUM_SIZE];
    struct check *c = result_add_check(sec, "quality.turn_variance", "Turn variance");
    c->value = value;
    c->threshold = m->target;
    check_set_value(c, "%.2f", value);
    check_set_threshold(c, "target: <= %s", gate_num1(t, m->target));
    c->status = value <= m->target ? STATUS_PASS
              : value <= m->acceptable ? STATUS_WARN : STATUS_FAIL;
    if (c->status != STATUS_PASS) {
        /* The examples furthest from the mean, among the longest and shortest kept. */
        struct far far[2 * QUALITY_TOP];
        size_t n = 0;
        const struct top *tops[2] = { &st->turns_high, &st->turns_low };
        for (size_t k = 0; k < 2; k++)
            for (size_t i = 0; i < tops[k]->n; i++) {
                const struct extreme *e = &tops[k]->v[i];
                bool seen = false;
                for (size_t j = 0; j < n; j++)
                    seen |= far[j].ex.file == e->file && far[j].ex.line == e->line;
                if (!seen) {
                    far[n].ex = *e;
                    far[n++].distance = fabs(e->value - mean);
                }
            }
        qsort(far, n, sizeof(*far), by_distance_desc);
        if (n > QUALITY_TOP)
            n = QUALITY_TOP;
        struct buf b = BUF_INIT;
        buf_printf(&b, "Turn variance is %.2f, above the %s %s: balance conversation lengths "
                   "(mean %.1f messages; furthest: ",
                   value, c->status == STATUS_FAIL ? "acceptable" : "target",
                   gate_num1(a, c->status == STATUS_FAIL ? m->acceptable : m->target), mean);
        char at[GATE_WHERE_SIZE];
        for (size_t i = 0; i < n && i < 3; i++)
            buf_printf(&b, "%s%s", i ? ", " : "", gate_where(at, ctx, far[i].ex.file, far[i].ex.line));
        buf_addch(&b, ')');
        check_set_remediation(c, "%s", buf_cstr(&b));
        buf_release(&b);
        for (size_t i = 0; i < n; i++) {
            check_add_finding(c, gate_file_path(ctx, far[i].ex.file), gate_line(ctx, far[i].ex.file, far[i].ex.line),
                              "turn_count", "%.0f message%s (mean %.1f)", far[i].ex.value,
                              far[i].ex.value == 1 ? "" : "s", mean);
            gate_locate_last(c, ctx, far[i].ex.file, far[i].ex.line);
        }
    }
    check_apply_level(c, ctx->spec->gates.quality.level, true);
}

static int quality_finish(void *state, const struct gate_ctx *ctx)
{
    struct quality_state *st = state;
    const struct spec *spec = ctx->spec;
    struct result_metrics *mt = &ctx->result->metrics;
    if (st->damaged)
        return err_set(DSCI_EINTERNAL, "quality: a damaged summary of an example (not written by this dsci)");

    /* Python: int / int is correctly rounded; so is one IEEE division of exact doubles. */
    mt->human_length = st->user_texts ? (double)st->user_chars / (double)st->user_texts : 0.0;
    mt->assistant_length = st->assistant_texts
        ? (double)st->assistant_chars / (double)st->assistant_texts : 0.0;
    st->distinct = count_distinct(&st->texts_mem, st->n_texts, st->repeats, &st->n_repeats);
    mt->unique_messages = st->n_texts ? 100.0 * (double)st->distinct / (double)st->n_texts : 100.0;

    /* Population variance from exact integer sums: (n*sumsq - sum^2) / n^2. */
    double mean = 0.0;
    mt->turn_variance = 0.0;
    if (st->examples) {
        unsigned __int128 n = st->examples, sum = st->turns_sum;
        unsigned __int128 num = n * st->turns_sumsq - sum * sum;
        mt->turn_variance = (double)((long double)num / ((long double)n * (long double)n));
        mean = (double)st->turns_sum / (double)st->examples;
    }

    struct section *sec = result_add_section(ctx->result, "quality", "QUALITY",
                                             spec->gates.quality.level, spec->gates.quality.loc);
    static const struct length_words human = {
        "quality.human_length", "Avg human length", "human",
        "add context to short prompts", "split or trim long prompts",
    };
    static const struct length_words assistant = {
        "quality.assistant_length", "Avg assistant length", "assistant",
        "give fuller answers to short replies", "shorten long answers",
    };
    length_check(sec, ctx, mt->human_length, st->user_texts, &spec->gates.quality.human_length,
                 &st->human_low, &st->human_high, &human);
    length_check(sec, ctx, mt->assistant_length, st->assistant_texts, &spec->gates.quality.assistant_length,
                 &st->assistant_low, &st->assistant_high, &assistant);
    int rc = unique_check(sec, ctx, mt->unique_messages, st);
    if (rc < 0)
        return rc;
    variance_check(sec, ctx, mt->turn_variance, mean, st);
    free(ctx->result->lengths.counts);
    ctx->result->lengths = st->lengths;
    st->lengths.counts = NULL;
    return 0;
}

static void quality_free(void *state)
{
    struct quality_state *st = state;
    gate_vec_release(&st->texts_mem);
    gate_vec_release(&st->locs_mem);
    quality_names_release(&st->names);
    free(st->lengths.counts);
    free(st);
}

GATE_DEFINE(quality, quality, "QUALITY", .extract = quality_extract, .extract_threadsafe = true,
            .learn = quality_learn, .replay = quality_replay,
            .measures = true);
