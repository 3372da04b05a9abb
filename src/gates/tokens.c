/*
 * Tokens: every parsed example counted with the tokenizer the spec names (the file read
 * through the source, so --rev and --staged count with the revision's tokenizer), as a
 * chat fine-tuning job counts it: per example `per_example` (reply priming), per message
 * `per_message` plus the tokens of its role and its text (and of a tool call's name and
 * arguments). Checks: the file is the pinned one, examples within max_tokens and
 * min_tokens, the total within max_total_tokens; per split the total, mean, p50, p95
 * and max (result.tokens, for the JSON, markdown, card and version file), and histograms
 * per split of the examples' counts and of the user and assistant messages' counts
 * (result.token_lengths, for the HTML charts).
 *
 * Parse workers count (extract on their threads): the tokenizer is shared and read-only,
 * each thread has a scratch of its own from the state's pool (scratch_for()).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "gates/common.h"
#include "gates/gates.h"
#include "gates/token_stats.h"
#include "tokens/tokenizer.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sha256.h"
#include "util/wire.h"
#include "util/xalloc.h"

/* An example over max_tokens or under min_tokens, kept for its finding. */
struct token_place {
    uint32_t file;
    uint64_t pos;
    uint64_t tokens;
};

struct token_places {
    struct token_place *v;
    size_t n, alloc;
    uint64_t total;   /* also those not kept: findings beyond RESULT_MAX_FINDINGS */
};

struct tokens_state {
    struct tokenizer *tok;         /* NULL when the file is missing or refused */
    char *load_error;              /* why, when tok is NULL */
    unsigned char sha256[32];
    bool have_file;                /* sha256 is the file's */
    uint64_t run_id;               /* tells this run's scratches from another's */
    uint64_t role_tokens[ROLE_OTHER];   /* the tokens of each known role's name */
    pthread_mutex_t lock;          /* guards the scratch pool */
    struct tokenizer_scratch **scratches;
    size_t n_scratches, alloc_scratches;
    uint64_t per_message, per_example, max_tokens, min_tokens;   /* the spec's */
    size_t n_splits;
    struct token_counts *counts;   /* per split */
    uint64_t *over, *under;        /* per split */
    struct token_places over_at, under_at;
    struct result_token_lengths lengths;   /* handed to the result by finish */
    bool damaged;                  /* replay() met bytes no extract() wrote */
};

static bool tokens_enabled(const struct spec *spec)
{
    return spec->gates.tokens.level != LEVEL_OFF && spec->gates.tokens.tokenizer;
}

static _Atomic uint64_t next_run_id = 1;

/* This thread's scratch for st's tokenizer: made once per thread and run, owned by st. */
static _Thread_local struct {
    uint64_t run_id;
    struct tokenizer_scratch *scratch;
} mine;

static struct tokenizer_scratch *scratch_for(struct tokens_state *st)
{
    if (mine.run_id == st->run_id)
        return mine.scratch;
    struct tokenizer_scratch *s = tokenizer_scratch_new(st->tok);
    pthread_mutex_lock(&st->lock);
    ALLOC_GROW(st->scratches, st->n_scratches + 1, st->alloc_scratches);
    st->scratches[st->n_scratches++] = s;
    pthread_mutex_unlock(&st->lock);
    mine.run_id = st->run_id;
    mine.scratch = s;
    return s;
}

/* The role's name as OpenAI's chat format spells it (what the counting rule encodes). */
static const char *role_text(enum role role)
{
    static const char *const names[] = { [ROLE_SYSTEM] = "system", [ROLE_USER] = "user",
                                         [ROLE_ASSISTANT] = "assistant", [ROLE_TOOL] = "tool",
                                         [ROLE_FUNCTION] = "function" };
    return role > ROLE_NONE && role < ROLE_OTHER ? names[role] : NULL;
}

static void load_tokenizer(struct tokens_state *st, const struct gate_ctx *ctx)
{
    const struct spec *spec = ctx->spec;
    const char *path = spec->gates.tokens.tokenizer;
    char *data = NULL;
    size_t len = 0;

    if (!ctx->read_file || ctx->read_file(ctx->source, path, &data, &len) < 0) {
        st->load_error = xasprintf("cannot read the tokenizer: %s", err_last());
        err_clear();
        return;
    }
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, data, len);
    sha256_final(&h, st->sha256);
    st->have_file = true;

    static const char lfs[] = "version https://git-lfs.github.com/spec/v1";
    if (len >= sizeof(lfs) - 1 && !memcmp(data, lfs, sizeof(lfs) - 1)) {
        st->load_error = xasprintf("%s is a git LFS pointer, not the tokenizer: fetch the LFS objects "
                                   "(`git lfs pull`) before the check", path);
        free(data);
        return;
    }
    const char *encoding = spec->gates.tokens.encoding;
    size_t n = strlen(path);
    bool tiktoken = encoding || (n >= 9 && !strcmp(path + n - 9, ".tiktoken"));
    int rc = tiktoken ? tokenizer_load_tiktoken(&st->tok, path, encoding, data, len)
                      : tokenizer_load(&st->tok, path, data, len);
    free(data);
    if (rc < 0) {
        st->tok = NULL;
        st->load_error = xstrdup(err_last());
        err_clear();
    }
}

static void *tokens_begin(const struct gate_ctx *ctx)
{
    const struct spec *spec = ctx->spec;
    struct tokens_state *st = xcalloc(1, sizeof(*st));
    pthread_mutex_init(&st->lock, NULL);
    st->run_id = atomic_fetch_add(&next_run_id, 1);
    st->per_message = spec->gates.tokens.per_message;
    st->per_example = spec->gates.tokens.per_example;
    st->max_tokens = spec->gates.tokens.max_tokens;
    st->min_tokens = spec->gates.tokens.min_tokens;
    st->n_splits = spec->dataset.n_splits;
    st->counts = xcalloc(st->n_splits + 1, sizeof(*st->counts));
    st->over = xcalloc(st->n_splits + 1, sizeof(*st->over));
    st->under = xcalloc(st->n_splits + 1, sizeof(*st->under));
    st->lengths.n_splits = st->n_splits;
    st->lengths.counts = xcalloc(st->n_splits ? st->n_splits : 1, sizeof(*st->lengths.counts));
    st->lengths.roles = xcalloc(st->n_splits ? st->n_splits : 1, sizeof(*st->lengths.roles));
    load_tokenizer(st, ctx);
    if (st->tok) {
        struct tokenizer_scratch *s = scratch_for(st);
        for (int r = ROLE_NONE + 1; r < ROLE_OTHER; r++)
            st->role_tokens[r] = tokenizer_count(st->tok, s, role_text(r), strlen(role_text(r)));
    }
    return st;
}

/* A user or assistant message in the record: its tokens shifted left once, the low bit set
 * for the assistant, so each costs one varint and no role byte. */
#define ROLE_BIT_ASSISTANT 1u

/* What the tokenizer, the file and the template make of the example's texts: the texts'
 * tokens, the number of messages, then per user or assistant message in turn order its
 * tokens and role (ROLE_BIT_ASSISTANT; the other roles count in the example only, as the
 * code-point histograms leave them out). Nothing for an example that did not parse, or
 * when there is no tokenizer (then nothing is kept). */
static void tokens_extract(void *state, const struct example *ex, struct buf *out)
{
    struct tokens_state *st = state;
    if (!ex->parsed || !st->tok)
        return;
    /* the one change to the state: a new thread's scratch joins the pool, under its lock;
     * nothing replay() counts */
    struct tokenizer_scratch *s = scratch_for(st);
    uint64_t n = 0;
    /* the messages' counts go after the example's, which is known only at the end: kept
     * here first (a small buffer of their own, as chats are short) */
    uint64_t small[32], *per_role = small;
    size_t n_role = 0;
    if (ex->n_turns > sizeof(small) / sizeof(small[0]))
        per_role = xcalloc(ex->n_turns, sizeof(*per_role));   /* checks the product */
    for (size_t i = 0; i < ex->n_turns; i++) {
        const struct turn *t = &ex->turns[i];
        uint64_t m = 0;
        if (t->role > ROLE_NONE && t->role < ROLE_OTHER)
            m += st->role_tokens[t->role];
        else if (t->role_name)
            m += tokenizer_count(st->tok, s, t->role_name, t->role_name_len);
        if (t->text)
            m += tokenizer_count(st->tok, s, t->text, t->text_len);
        for (size_t k = 0; k < t->n_tool_calls; k++) {
            const struct tool_call *call = &t->tool_calls[k];
            if (call->name)
                m += tokenizer_count(st->tok, s, call->name, call->name_len);
            if (call->arguments)
                m += tokenizer_count(st->tok, s, call->arguments, call->arguments_len);
        }
        n += m;
        if (t->role == ROLE_USER || t->role == ROLE_ASSISTANT)
            per_role[n_role++] = m << 1 | (t->role == ROLE_ASSISTANT ? ROLE_BIT_ASSISTANT : 0);
    }
    /* the texts' tokens and the number of messages: the template is added at replay(), so
     * its overhead is the spec's and not a kept summary's */
    wire_put_varint(out, n);
    wire_put_varint(out, ex->n_turns);
    for (size_t i = 0; i < n_role; i++)
        wire_put_varint(out, per_role[i]);
    if (per_role != small)
        free(per_role);
}

/* What extract() writes, bumped when that changes, so a kept summary of another shape is
 * never read as this one. 2: the user and assistant messages' counts. */
#define TOKENS_RECORD_VERSION 2

/* The record's version, the tokenizer's bytes (their hash, which begin() read), the
 * encoding a .tiktoken file is read with; the template overhead is applied at replay() and
 * needs no key. Without a tokenizer nothing is counted and nothing kept (tokens_keepable). */
static void tokens_digest_key(const struct spec *spec, const void *state, struct buf *out)
{
    const struct tokens_state *st = state;
    wire_put_varint(out, TOKENS_RECORD_VERSION);
    const char *enc = spec->gates.tokens.encoding;
    wire_put_bytes(out, enc ? enc : "", enc ? strlen(enc) : 0);
    bool have = st && st->have_file;
    wire_put_u8(out, have);
    if (have)
        wire_put_raw(out, st->sha256, 32);
}

static bool tokens_keepable(const void *state)
{
    return ((const struct tokens_state *)state)->tok != NULL;
}

static void place_add(struct token_places *p, const struct example *at, uint64_t tokens)
{
    p->total++;
    if (p->n >= RESULT_MAX_FINDINGS)
        return;
    ALLOC_GROW(p->v, p->n + 1, p->alloc);
    p->v[p->n++] = (struct token_place){ (uint32_t)at->file_index, gate_example_pos(at), tokens };
}

static void tokens_replay(void *state, const struct example *at, const void *bytes, size_t len)
{
    struct tokens_state *st = state;
    if (!at->parsed || !st->tok) {
        st->damaged |= len != 0;
        return;
    }
    struct wire_in in = wire_in(bytes, len);
    uint64_t text = wire_get_varint(&in), messages = wire_get_varint(&in);
    /* the messages' counts are read before anything is counted: damaged bytes count nothing */
    const unsigned char *first = in.p;
    uint64_t n_role = 0;
    while (!in.bad && in.p < in.end) {
        wire_get_varint(&in);
        n_role++;
    }
    if (in.bad || n_role > messages) {
        st->damaged = true;
        return;
    }
    size_t split = at->split < st->n_splits ? at->split : st->n_splits;
    uint64_t n = text + st->per_example + messages * st->per_message;
    token_counts_add(&st->counts[split], n);
    if (split < st->lengths.n_splits) {
        st->lengths.counts[split][result_length_bucket(n)]++;
        in.p = first;
        for (uint64_t i = 0; i < n_role; i++) {
            uint64_t m = wire_get_varint(&in);
            size_t role = m & ROLE_BIT_ASSISTANT ? RESULT_ROLE_ASSISTANT : RESULT_ROLE_USER;
            st->lengths.roles[split][role][result_length_bucket((m >> 1) + st->per_message)]++;
        }
    }
    if (st->max_tokens && n > st->max_tokens) {
        st->over[split]++;
        place_add(&st->over_at, at, n);
    }
    if (n < st->min_tokens) {
        st->under[split]++;
        place_add(&st->under_at, at, n);
    }
}

/* "12,345,678": the big numbers of the section. */
static const char *grouped(char out[32], uint64_t v)
{
    char digits[24];
    int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            out[at++] = ',';
        out[at++] = digits[i];
    }
    out[at] = '\0';
    return out;
}

static void stats_text(struct buf *b, const struct result_token_stats *s)
{
    char t[32], p50[32], p95[32], max[32];
    buf_printf(b, "%s tokens in %llu example%s; mean %.1f, p50 %s, p95 %s, max %s", grouped(t, s->total),
               (unsigned long long)s->examples, s->examples == 1 ? "" : "s", s->mean, grouped(p50, s->p50),
               grouped(p95, s->p95), grouped(max, s->max));
}

/* The tokenizer check: the file loaded, and is the one the spec pins. A pin that does not
 * match blocks whatever the gate's level: counts with another tokenizer answer another
 * question. */
static bool tokenizer_check(struct section *sec, struct tokens_state *st, const struct gate_ctx *ctx)
{
    const struct spec *spec = ctx->spec;
    const char *path = spec->gates.tokens.tokenizer;
    char hex[65] = "";
    struct check *c = result_add_check(sec, "tokens.tokenizer", "Tokenizer");
    char *shown = gate_shown_path(ctx, path);
    if (st->have_file)
        sha256_hex(hex, st->sha256);
    if (!st->tok) {
        c->status = STATUS_FAIL;
        check_set_value(c, "%s: not loaded", shown);
        check_add_finding(c, gate_spec_path(ctx), spec->gates.tokens.tokenizer_loc.line, "tokenizer_unusable",
                          "%s", st->load_error ? st->load_error : "the tokenizer did not load");
        if (st->have_file)
            check_set_remediation(c, "Replace the tokenizer file %s with one dsci reads: %s", shown,
                                  st->load_error ? st->load_error : "it did not load");
        else
            check_set_remediation(c, "Commit the tokenizer file %s (or fix gates.tokens.tokenizer): %s", shown,
                                  st->load_error ? st->load_error : "it did not load");
        check_apply_level(c, spec->gates.tokens.level, false);
        free(shown);
        return false;
    }
    check_set_value(c, "%s %s sha256:%.12s", shown, tokenizer_kind(st->tok), hex);
    c->status = STATUS_PASS;
    const char *pin = spec->gates.tokens.sha256;
    if (pin) {
        check_set_threshold(c, "pinned: sha256:%.12s", pin);
        if (strcmp(pin, hex) != 0) {
            c->status = STATUS_FAIL;
            check_add_finding(c, gate_spec_path(ctx), spec->gates.tokens.sha256_loc.line, "tokenizer_pin",
                              "%s has sha256 %s, the spec pins %s", shown, hex, pin);
            check_set_remediation(c, "The tokenizer %s is not the pinned one (sha256 %s, pinned %s): restore "
                                  "the pinned file, or pin the new one if the change is meant (a new "
                                  "tokenizer is a new major version)", shown, hex, pin);
        }
    }
    check_apply_level(c, c->status == STATUS_FAIL ? LEVEL_BLOCK : spec->gates.tokens.level, false);
    free(shown);
    return true;
}

/* Examples over max_tokens or under min_tokens, with a finding at each. */
static void limit_check(struct section *sec, const struct gate_ctx *ctx, const struct token_places *p,
                        uint64_t examples, bool over)
{
    const struct spec *spec = ctx->spec;
    uint64_t limit = over ? spec->gates.tokens.max_tokens : spec->gates.tokens.min_tokens;
    struct check *c = result_add_check(sec, over ? "tokens.max_tokens" : "tokens.min_tokens",
                                       over ? "Within max_tokens" : "At least min_tokens");
    char frac[64], where[GATE_WHERE_SIZE];
    gate_format_fraction(frac, sizeof(frac), examples - p->total, examples);
    check_set_value(c, "%s", frac);
    check_set_threshold(c, "%s: %llu tokens", over ? "max" : "min", (unsigned long long)limit);
    c->value = (double)(examples - p->total);
    c->threshold = (double)limit;
    c->status = p->total ? STATUS_FAIL : STATUS_PASS;
    for (size_t i = 0; i < p->n; i++) {
        const struct token_place *e = &p->v[i];
        uint64_t by = over ? e->tokens - limit : limit - e->tokens;
        check_add_finding(c, gate_file_path(ctx, e->file), gate_line(ctx, e->file, e->pos),
                          over ? "over_max_tokens" : "under_min_tokens", "%llu tokens, %llu %s %s %llu",
                          (unsigned long long)e->tokens, (unsigned long long)by, over ? "over" : "under",
                          over ? "max_tokens" : "min_tokens", (unsigned long long)limit);
        gate_locate_last(c, ctx, e->file, e->pos);
    }
    c->findings_total += p->total - p->n;   /* those beyond the stored ones */
    if (p->n) {
        unsigned long long n = p->total;
        gate_where(where, ctx, p->v[0].file, p->v[0].pos);
        if (over)
            check_set_remediation_firstf(c, where, ")", "Shorten or split %llu example%s over %llu tokens: "
                                         "a fine-tuning job truncates or rejects them (", n, n == 1 ? "" : "s",
                                         (unsigned long long)limit);
        else
            check_set_remediation_firstf(c, where, ")", "Lengthen or remove %llu example%s under %llu tokens (",
                                         n, n == 1 ? "" : "s", (unsigned long long)limit);
    }
    check_apply_level(c, spec->gates.tokens.level, false);
}

static void total_check(struct section *sec, const struct gate_ctx *ctx, uint64_t total)
{
    const struct spec *spec = ctx->spec;
    uint64_t limit = spec->gates.tokens.max_total_tokens;
    char t[32], l[32];
    struct check *c = result_add_check(sec, "tokens.max_total_tokens", "Total tokens");
    check_set_value(c, "%s", grouped(t, total));
    check_set_threshold(c, "max: %s", grouped(l, limit));
    c->value = (double)total;
    c->threshold = (double)limit;
    c->status = total <= limit ? STATUS_PASS : STATUS_FAIL;
    if (c->status == STATUS_FAIL) {
        check_add_finding(c, gate_spec_path(ctx), spec->gates.tokens.max_total_loc.line, "over_max_total_tokens",
                          "%s tokens in all, %s over max_total_tokens", t, grouped(l, total - limit));
        check_set_remediation(c, "The dataset has %s tokens, over the budget of %s: remove examples or raise "
                              "gates.tokens.max_total_tokens", t, grouped(l, limit));
    }
    check_apply_level(c, spec->gates.tokens.level, false);
}

static int tokens_finish(void *state, const struct gate_ctx *ctx)
{
    struct tokens_state *st = state;
    const struct spec *spec = ctx->spec;
    if (st->damaged)
        return err_set(DSCI_EINTERNAL, "tokens: a kept summary of an example is damaged; "
                       "run again with --no-cache");

    struct result_tokens *rt = xcalloc(1, sizeof(*rt));
    rt->path = xstrdup(spec->gates.tokens.tokenizer);
    rt->shown_path = gate_shown_path(ctx, spec->gates.tokens.tokenizer);
    memcpy(rt->sha256, st->sha256, 32);
    rt->sha256_valid = st->have_file;
    rt->price_per_million = spec->gates.tokens.price_per_million;
    result_tokens_free(ctx->result->tokens);
    ctx->result->tokens = rt;

    struct section *sec = result_add_section(ctx->result, "tokens", "TOKENS", spec->gates.tokens.level,
                                             spec->gates.tokens.loc);
    if (!tokenizer_check(sec, st, ctx))
        return 0;
    rt->kind = xstrdup(tokenizer_kind(st->tok));
    free(ctx->result->token_lengths.counts);
    free(ctx->result->token_lengths.roles);
    ctx->result->token_lengths = st->lengths;
    st->lengths.counts = NULL;
    st->lengths.roles = NULL;

    /* per split, then all; examples of files in no spec split (none today) count in all */
    rt->splits = xcalloc(st->n_splits ? st->n_splits : 1, sizeof(*rt->splits));
    rt->n_splits = st->n_splits;
    rt->split_names = xcalloc(st->n_splits ? st->n_splits : 1, sizeof(*rt->split_names));
    for (size_t i = 0; i < st->n_splits; i++)
        rt->split_names[i] = xstrdup(spec->dataset.splits[i].name);
    for (size_t i = 0; i < st->n_splits; i++) {
        rt->splits[i].over = st->over[i];
        rt->splits[i].under = st->under[i];
        rt->all.over += st->over[i];
        rt->all.under += st->under[i];
    }
    rt->all.over += st->over[st->n_splits];
    rt->all.under += st->under[st->n_splits];
    token_counts_stats(&rt->all, st->counts, st->n_splits + 1);
    for (size_t i = 0; i < st->n_splits; i++)
        token_counts_stats(&rt->splits[i], &st->counts[i], 1);

    if (spec->gates.tokens.max_tokens)
        limit_check(sec, ctx, &st->over_at, rt->all.examples, true);
    if (spec->gates.tokens.min_tokens)
        limit_check(sec, ctx, &st->under_at, rt->all.examples, false);
    if (spec->gates.tokens.max_total_tokens)
        total_check(sec, ctx, rt->all.total);

    struct buf b = BUF_INIT;
    stats_text(&b, &rt->all);
    if (rt->price_per_million >= 0)
        buf_printf(&b, "; training cost per epoch ~$%.2f at $%g per million", rt->price_per_million *
                   (double)rt->all.total / 1e6, rt->price_per_million);
    free(sec->note);
    sec->note = buf_detach(&b, NULL);
    for (size_t i = 0; i < st->n_splits; i++) {
        char *id = xasprintf("tokens.split.%s", spec->dataset.splits[i].name);
        char *name = xasprintf("Tokens in %s", spec->dataset.splits[i].name);
        struct check *c = result_add_check(sec, id, name);
        free(id);
        free(name);
        buf_reset(&b);
        stats_text(&b, &rt->splits[i]);
        check_set_value(c, "%s", buf_cstr(&b));
        c->value = (double)rt->splits[i].total;
        c->status = STATUS_PASS;
    }
    buf_release(&b);
    return 0;
}

static void tokens_free(void *state)
{
    struct tokens_state *st = state;
    for (size_t i = 0; i < st->n_scratches; i++)
        tokenizer_scratch_free(st->scratches[i]);
    free(st->scratches);
    pthread_mutex_destroy(&st->lock);
    if (mine.run_id == st->run_id)
        mine.run_id = 0;
    tokenizer_free(st->tok);
    free(st->load_error);
    for (size_t i = 0; i <= st->n_splits; i++)
        token_counts_release(&st->counts[i]);
    free(st->counts);
    free(st->over);
    free(st->under);
    free(st->over_at.v);
    free(st->under_at.v);
    free(st->lengths.counts);
    free(st->lengths.roles);
    free(st);
}

GATE_DEFINE(tokens, tokens, "TOKENS", .extract = tokens_extract, .extract_threadsafe = true,
            .replay = tokens_replay, .digest_key = tokens_digest_key, .keepable = tokens_keepable,
            .measures = true);
