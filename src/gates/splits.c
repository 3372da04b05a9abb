/*
 * Splits: each split's share of the parsed examples against the spec's ratio (within
 * gates.splits.tolerance) and minimum, and no example (by content hash) in two splits.
 *
 * Per example the gate keeps one 32-byte record (hash prefix, split, location); finish()
 * sorts them so equal contents sit together.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gates/gates.h"
#include "gates/common.h"
#include "gates/finding_key.h"
#include "gates/hashes.h"
#include "util/buf.h"
#include "util/xalloc.h"

/* |ratio - target| may exceed the tolerance by this much and still pass, so that
 * 75 of 100 examples is inside "80% +- 5%" despite binary floating point. */
#define SPLITS_RATIO_EPSILON 1e-9

struct splits_state {
    size_t n_splits;
    uint64_t *counts;      /* parsed examples per spec split */
    uint64_t examples;
    struct hash_list hashes;
    bool track_overlap;    /* only with two splits or more */
};

static bool splits_enabled(const struct spec *spec)
{
    return spec->gates.splits.level != LEVEL_OFF;
}

static void *splits_begin(const struct gate_ctx *ctx)
{
    struct splits_state *st = xcalloc(1, sizeof(*st));
    st->n_splits = ctx->spec->dataset.n_splits;
    st->counts = xcalloc(st->n_splits ? st->n_splits : 1, sizeof(*st->counts));
    st->track_overlap = st->n_splits > 1;
    return st;
}

/* Split, hash and place are all in `at`: nothing to extract. */
static void splits_replay(void *state, const struct example *at, const void *bytes, size_t len)
{
    struct splits_state *st = state;
    (void)bytes;
    (void)len;
    if (!at->parsed)
        return;
    st->examples++;
    if (at->split < st->n_splits)
        st->counts[at->split]++;
    if (st->track_overlap)
        hash_list_add(&st->hashes, at);
}

/* Counts and names in one allocation: result_release() frees split_examples, and the
 * names it borrows from the spec need an array that lives as long. */
static void set_metrics(struct result *r, const struct spec *spec, const uint64_t *counts, size_t n)
{
    free(r->metrics.split_examples);
    void *block = xcalloc(1, (n ? n : 1) * (sizeof(uint64_t) + sizeof(char *)));
    r->metrics.split_examples = block;
    memcpy(r->metrics.split_examples, counts, n * sizeof(uint64_t));
    r->split_names = (char **)(r->metrics.split_examples + (n ? n : 1));
    for (size_t i = 0; i < n; i++)
        r->split_names[i] = spec->dataset.splits[i].name;
    r->n_splits = n;
}

static size_t find_split(const struct spec *spec, const char *name)
{
    for (size_t i = 0; i < spec->dataset.n_splits; i++)
        if (!strcmp(spec->dataset.splits[i].name, name))
            return i;
    return SIZE_MAX;
}

/* "data/splits/val.jsonl" or "a.jsonl, b.jsonl" or the spec's patterns when no file ran. */
static void split_files(struct buf *b, const struct gate_ctx *ctx, size_t split)
{
    size_t n = 0;
    for (size_t i = 0; i < ctx->n_files; i++)
        if (ctx->files[i].split == split)
            buf_printf(b, "%s%s", n++ ? ", " : "", ctx->files[i].path);
    if (n)
        return;
    const struct spec_split *s = &ctx->spec->dataset.splits[split];
    for (size_t i = 0; i < s->n_patterns; i++)
        buf_printf(b, "%s%s", i ? ", " : "", s->patterns[i]);
}

static void rule_check(struct section *sec, const struct gate_ctx *ctx, const struct splits_state *st,
                       const struct spec_split_rule *rule)
{
    const struct spec *spec = ctx->spec;
    double tol = spec->gates.splits.tolerance;
    char t[GATE_NUM_SIZE], tl[GATE_NUM_SIZE];
    char *id = xasprintf("splits.%s", rule->name);
    struct check *c = result_add_check(sec, id, rule->name);
    free(id);

    struct buf thr = BUF_INIT;
    buf_addstr(&thr, "target: ");
    if (rule->has_ratio)
        buf_printf(&thr, "%s%% \xc2\xb1 %s%%%s", gate_num(t, rule->ratio * 100.0),
                   gate_num(tl, tol * 100.0), rule->min ? ", " : "");
    if (rule->min || !rule->has_ratio)
        buf_printf(&thr, "min %zu", rule->min);
    check_set_threshold(c, "%s", buf_cstr(&thr));
    buf_release(&thr);
    if (rule->has_ratio)
        c->threshold = rule->ratio;

    size_t split = find_split(spec, rule->name);
    if (split == SIZE_MAX) {
        c->status = STATUS_FAIL;
        check_set_value(c, "not a split of dataset.files");
        check_set_remediation(c, "Add '%s' to dataset.files or remove its rule from gates.splits",
                              rule->name);
        check_add_finding(c, gate_spec_path(ctx), rule->loc.line, "unknown_split",
                          "gates.splits.%s names no split of dataset.files", rule->name);
        check_apply_level(c, spec->gates.splits.level, false);
        return;
    }

    uint64_t count = st->counts[split];
    double ratio = st->examples ? (double)count / (double)st->examples : 0.0;
    c->value = ratio;
    if (!count) {
        struct buf files = BUF_INIT;
        split_files(&files, ctx, split);
        c->status = STATUS_FAIL;
        check_set_value(c, "no examples");
        check_set_remediation(c, "Add examples to the %s split (%s has none)", rule->name,
                              files.len ? buf_cstr(&files) : "no file");
        for (size_t i = 0; i < ctx->n_files; i++)
            if (ctx->files[i].split == split)
                check_add_finding(c, ctx->files[i].path, 0, "empty_split",
                                  "no examples in split '%s'", rule->name);
        if (!c->n_findings)
            check_add_finding(c, gate_spec_path(ctx), rule->loc.line, "empty_split",
                              "no file of split '%s' holds an example", rule->name);
        buf_release(&files);
        check_apply_level(c, spec->gates.splits.level, false);
        return;
    }

    check_set_value(c, "%llu example%s, %.1f%%", (unsigned long long)count, count == 1 ? "" : "s",
                    ratio * 100.0);
    bool ratio_bad = rule->has_ratio && fabs(ratio - rule->ratio) > tol + SPLITS_RATIO_EPSILON;
    bool min_bad = count < rule->min;
    c->status = ratio_bad || min_bad ? STATUS_FAIL : STATUS_PASS;
    if (c->status == STATUS_FAIL) {
        struct buf b = BUF_INIT;
        if (min_bad)
            buf_printf(&b, "Add at least %llu more examples to %s (have %llu, need %zu)",
                       (unsigned long long)(rule->min - count), rule->name,
                       (unsigned long long)count, rule->min);
        if (ratio_bad) {
            double want = rule->ratio * (double)st->examples;
            long long move = llround(want - (double)count);
            buf_printf(&b, "%s%s holds %.1f%% of the examples, target %s%% \xc2\xb1 %s%%: "
                       "move about %lld examples %s it",
                       b.len ? "; " : "", rule->name, ratio * 100.0, gate_num(t, rule->ratio * 100.0),
                       gate_num(tl, tol * 100.0), move < 0 ? -move : move,
                       move < 0 ? "out of" : "into");
        }
        check_set_remediation(c, "%s", buf_cstr(&b));
        buf_release(&b);
        check_add_finding(c, gate_spec_path(ctx), rule->loc.line, min_bad ? "below_minimum" : "split_ratio",
                          "split '%s' has %llu examples (%.1f%%)", rule->name,
                          (unsigned long long)count, ratio * 100.0);
    }
    check_apply_level(c, spec->gates.splits.level, false);
}

static char *overlap_message(const struct hash_pair *p, const char *other_at, const void *arg)
{
    const struct spec *spec = arg;
    const char *other = p->other_split < spec->dataset.n_splits ? spec->dataset.splits[p->other_split].name : "?";
    return xasprintf("also in %s (split %s)", other_at, other);
}

/* The overlaps from the signature store's content order, when the run made one: the
 * same records, already sorted (no second sorted copy at finish). */
static uint64_t overlaps_from_store(const struct signature_store *ns, struct hash_pairs *ps)
{
    const uint32_t *v = ns->by_content;
    uint64_t overlaps = 0;
    for (size_t i = 0; i < ns->n;) {
        const struct sig_rec *first = &ns->recs[v[i]];
        size_t j = i + 1;
        while (j < ns->n && ns->recs[v[j]].h0 == first->h0 && ns->recs[v[j]].h1 == first->h1)
            j++;
        bool shared = false;
        struct hash_rec original, other;
        hash_rec_of_sig(&original, first);
        for (size_t k = i + 1; k < j; k++) {
            if (ns->recs[v[k]].split == ns->recs[v[k - 1]].split)
                continue;
            shared = true;
            hash_rec_of_sig(&other, &ns->recs[v[k]]);
            hash_pairs_add(ps, &original, &other);
        }
        overlaps += shared;
        i = j;
    }
    return overlaps;
}

static void overlap_check(struct section *sec, const struct gate_ctx *ctx, struct splits_state *st)
{
    const struct spec *spec = ctx->spec;
    struct hash_list *l = &st->hashes;
    struct hash_pairs ps = HASH_PAIRS_INIT;
    uint64_t overlaps = 0;
    if (ctx->signatures && ctx->signatures->n == l->n) {
        hash_list_release(l);
        overlaps = overlaps_from_store(ctx->signatures, &ps);
    }
    hash_list_sort(l);
    for (size_t i = 0; i < l->n;) {
        size_t j = hash_list_run_end(l, i, false);
        /* Records i..j-1 share a content; sorted by split, so a split change marks one
         * more split holding it. Point each other split's first copy back at the first. */
        bool shared = false;
        for (size_t k = i + 1; k < j; k++) {
            if (l->v[k].split == l->v[k - 1].split)
                continue;
            shared = true;
            hash_pairs_add(&ps, &l->v[i], &l->v[k]);
        }
        overlaps += shared;
        i = j;
    }
    hash_pairs_sort(&ps);
    ctx->result->metrics.overlaps = overlaps;

    struct check *c = result_add_check(sec, "splits.overlap", "No overlap between splits");
    c->value = (double)overlaps;
    c->threshold = 0;
    check_set_value(c, "%llu shared example%s", (unsigned long long)overlaps, overlaps == 1 ? "" : "s");
    c->status = overlaps ? STATUS_FAIL : STATUS_PASS;
    hash_pairs_report(c, ctx, &ps, "split_overlap", overlap_message, spec);
    if (overlaps) {
        char *first = hash_pairs_first(ctx, &ps, ", also in ");
        check_set_remediation_firstf(c, first, ")", "Remove %llu example%s found in more than one split (",
                                     (unsigned long long)overlaps, overlaps == 1 ? "" : "s");
        free(first);
    }
    free(ps.v);
    check_apply_level(c, spec->gates.splits.level, false);
}

static int splits_finish(void *state, const struct gate_ctx *ctx)
{
    struct splits_state *st = state;
    const struct spec *spec = ctx->spec;
    set_metrics(ctx->result, spec, st->counts, st->n_splits);
    struct section *sec = result_add_section(ctx->result, "splits", "SPLITS",
                                             spec->gates.splits.level, spec->gates.splits.loc);
    for (size_t i = 0; i < spec->gates.splits.n_rules; i++)
        rule_check(sec, ctx, st, &spec->gates.splits.rules[i]);
    overlap_check(sec, ctx, st);
    /* the gates after this one (near-duplicates, leakage) need their memory at finish */
    hash_list_release(&st->hashes);
    return 0;
}

static void splits_free(void *state)
{
    struct splits_state *st = state;
    hash_list_release(&st->hashes);
    free(st->counts);
    free(st);
}

/* An example in two splits is one content hash in both. */
static bool splits_needs_example_hash(const struct spec *spec)
{
    return spec->dataset.n_splits > 1;
}

GATE_DEFINE(splits, splits, "SPLITS", .replay = splits_replay, .measures = true,
            .needs_example_hash = splits_needs_example_hash);
