/*
 * Leakage: the spec's first split is the training split; no example of any other split
 * (validation, test) may appear in it, exactly (same content hash) or nearly (MinHash
 * estimated Jaccard similarity >= leakage.near_threshold, over the same shingles and
 * permutations as gates.duplicates; docs/near-duplicates.md). Each leaking held-out
 * example gets one finding at its own location naming the train example it leaks into:
 * the first exact copy, else the most similar candidate.
 */
#include <stdlib.h>
#include <string.h>

#include "gates/gates.h"
#include "gates/common.h"
#include "gates/finding_key.h"
#include "run/signatures.h"
#include "run/minhash.h"
#include "util/jobs.h"
#include "util/xalloc.h"

/* The best train match of each held-out record. */
struct leak_match {
    uint32_t train;          /* UINT32_MAX: none */
    float sim;
    bool exact;
};

static bool leakage_enabled(const struct spec *spec)
{
    return spec->gates.leakage.level != LEVEL_OFF;
}

/* Everything it needs is in the run's signature store (ctx->signatures). */
static void *leakage_begin(const struct gate_ctx *ctx)
{
    (void)ctx;
    return NULL;
}

/* Exact: in content order (content, split, index), a content whose first record is in
 * train leaks through every held-out record that follows it. */
static void exact_leaks(const struct signature_store *st, struct leak_match *m)
{
    const uint32_t *v = st->by_content;
    for (size_t i = 0; i < st->n;) {
        const struct sig_rec *first = &st->recs[v[i]];
        size_t j = i + 1;
        while (j < st->n && st->recs[v[j]].h0 == first->h0 && st->recs[v[j]].h1 == first->h1)
            j++;
        if (first->split == 0)
            for (size_t x = i + 1; x < j; x++)
                if (st->recs[v[x]].split != 0) {
                    m[v[x]].train = v[i];
                    m[v[x]].sim = 1.0f;
                    m[v[x]].exact = true;
                }
        i = j;
    }
}

struct near_ctx {
    const struct signature_store *st;
    struct leak_match *m;
    double threshold;
};

static void leak_candidate(void *ctx, uint32_t x, uint32_t y)
{
    struct near_ctx *nc = ctx;
    const struct signature_store *st = nc->st;
    uint32_t sx = st->recs[x].split, sy = st->recs[y].split;
    if ((sx == 0) == (sy == 0))
        return;   /* both train or both held out */
    uint32_t train = sx == 0 ? x : y, held = sx == 0 ? y : x;
    struct leak_match *m = &nc->m[held];
    if (m->exact)
        return;
    double sim = minhash_similarity(&st->mh, signature_store_sig(st, x), signature_store_sig(st, y));
    if (sim < nc->threshold)
        return;
    /* the most similar train example; on a tie the first in file order */
    if (m->train == UINT32_MAX || (float)sim > m->sim || ((float)sim == m->sim && train < m->train)) {
        m->train = train;
        m->sim = (float)sim;
    }
}

static int leakage_finish(void *state, const struct gate_ctx *ctx)
{
    (void)state;
    const struct signature_store *st = ctx->signatures;
    const struct spec *spec = ctx->spec;
    enum gate_level level = spec->gates.leakage.level;
    struct section *sec = result_add_section(ctx->result, "leakage", "LEAKAGE", level,
                                             spec->gates.leakage.loc);
    const char *train_name = spec->dataset.n_splits ? spec->dataset.splits[0].name : "train";
    double threshold = spec->gates.leakage.near_threshold;
    size_t n = st ? st->n : 0;

    struct leak_match *m = xmalloc((n ? n : 1) * sizeof(*m));
    for (size_t i = 0; i < n; i++) {
        m[i].train = UINT32_MAX;
        m[i].sim = 0;
        m[i].exact = false;
    }
    bool held_out = false;
    for (size_t i = 0; i < n && !held_out; i++)
        held_out = st->recs[i].split != 0;
    if (held_out) {
        exact_leaks(st, m);
        struct minhash_bands bands;
        minhash_bands_choose(&bands, threshold, st->mh.permutations);
        struct near_ctx nc = { st, m, threshold - 1e-9 };
        minhash_lsh_threads(&st->mh, &bands, st->sigs, st->no_words, n, leak_candidate, &nc, jobs_count(),
                            st->sigs_in_file);
    }

    /* records are in file order already (the engine reads files in spec order) */
    uint64_t exact = 0, near = 0;
    for (size_t i = 0; i < n; i++)
        if (m[i].train != UINT32_MAX) {
            if (m[i].exact)
                exact++;
            else
                near++;
        }

    char t[GATE_NUM_SIZE];
    struct check *ce = result_add_check(sec, "leakage.exact", "Exact leaks into train");
    ce->value = (double)exact;
    ce->threshold = 0;
    check_set_value(ce, "%llu", (unsigned long long)exact);
    ce->status = exact ? STATUS_FAIL : STATUS_PASS;
    struct check *cn = result_add_check(sec, "leakage.near", "Near leaks into train");
    cn->value = (double)near;
    cn->threshold = threshold;
    check_set_threshold(cn, "similarity \xe2\x89\xa5 %s", gate_num(t, threshold));
    check_set_value(cn, "%llu", (unsigned long long)near);
    cn->status = near ? STATUS_FAIL : STATUS_PASS;

    /* findings in file order of the held-out example */
    size_t *order = xmalloc((exact + near + 1) * sizeof(*order));
    size_t n_order = 0;
    for (size_t i = 0; i < n; i++)
        if (m[i].train != UINT32_MAX)
            order[n_order++] = i;
    for (size_t k = 0; k < n_order; k++) {
        const struct sig_rec *h = &st->recs[order[k]];
        const struct leak_match *x = &m[order[k]];
        const struct sig_rec *tr = &st->recs[x->train];
        /* keyed by the held-out example alone: which train example it leaks into may
         * change (the partner deleted, a closer one added) while the leak stays the one
         * that was accepted; the pair key of format-1 files still matches (old_key) */
        unsigned char key[FINDING_KEY_SIZE], pair[FINDING_KEY_SIZE];
        finding_key_of(key, h->h0, h->h1);
        struct finding_key fk;
        finding_key_start(&fk);
        finding_key_add(&fk, h->h0, h->h1);
        finding_key_add(&fk, tr->h0, tr->h1);
        finding_key_end(&fk, pair);
        char train_at[GATE_WHERE_SIZE];
        gate_where(train_at, ctx, tr->file, tr->line);
        struct check *c = x->exact ? ce : cn;
        if (x->exact)
            check_add_keyed_finding(ce, key, gate_file_path(ctx, h->file), gate_line(ctx, h->file, h->line),
                                    "leak_exact", "leaks into %s (%s, exact copy)", train_name, train_at);
        else
            check_add_keyed_finding(cn, key, gate_file_path(ctx, h->file), gate_line(ctx, h->file, h->line),
                                    "leak_near", "leaks into %s (%s, similarity %.2f)", train_name,
                                    train_at, (double)x->sim);
        gate_locate_last(c, ctx, h->file, h->line);
        check_set_old_key_last(c, pair);
        check_relate_last(c, gate_file_path(ctx, tr->file), gate_line(ctx, tr->file, tr->line));
    }
    char first[GATE_WHERE_SIZE];
    if (exact && ce->n_findings)
        check_set_remediation_firstf(ce, gate_finding_where(first, &ce->findings[0]), ")",
                                     "Remove %llu held-out example%s copied from %s (", (unsigned long long)exact,
                                     exact == 1 ? "" : "s", train_name);
    if (near && cn->n_findings)
        check_set_remediation_firstf(cn, gate_finding_where(first, &cn->findings[0]), ")",
                                     "Remove or rewrite %llu held-out example%s nearly identical to %s examples (",
                                     (unsigned long long)near, near == 1 ? "" : "s", train_name);
    free(order);
    free(m);
    check_apply_level(ce, level, false);
    check_apply_level(cn, level, false);
    return 0;
}

static void leakage_free(void *state)
{
    (void)state;
}

GATE_DEFINE(leakage, leakage, "LEAKAGE", .measures = false, .needs_signatures = leakage_enabled);
