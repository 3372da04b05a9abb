/*
 * What a pull request changes in the spec, line by line (see spec_diff.h).
 */
#include "spec/spec_diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

struct lines {
    char **v;
    size_t n, alloc;
};

static void add(struct lines *l, char *line)
{
    ALLOC_GROW(l->v, l->n + 1, l->alloc);
    l->v[l->n++] = line;
}

/* Which way a change moves a gate, for the reviewer: " (loosens)" when the head's spec
 * lets through what the base's would stop, " (tightens)" the other way, "" when neither. */
enum direction { SAME_WAY, LOOSER, STRICTER };

static const char *way(enum direction d)
{
    return d == LOOSER ? " (loosens)" : d == STRICTER ? " (tightens)" : "";
}

static void level(struct lines *l, const char *key, enum gate_level a, enum gate_level b)
{
    if (a != b)
        add(l, xasprintf("%s: %s -> %s%s", key, spec_level_name(a), spec_level_name(b),
                         way(b < a ? LOOSER : STRICTER)));
}

/* higher_is_looser: a maximum (variance, removed share, similarity threshold) rather than a minimum. */
static void number(struct lines *l, const char *key, double a, double b, bool higher_is_looser)
{
    if (a != b)
        add(l, xasprintf("%s: %g -> %g%s", key, a, b, way((b > a) == higher_is_looser ? LOOSER : STRICTER)));
}

static enum direction band_way(const struct spec_band *a, const struct spec_band *b)
{
    if (b->lo <= a->lo && b->hi >= a->hi)
        return LOOSER;
    if (b->lo >= a->lo && b->hi <= a->hi)
        return STRICTER;
    return SAME_WAY;
}

static void band(struct lines *l, const char *key, const struct spec_band_metric *a, const struct spec_band_metric *b)
{
    if (a->target.lo != b->target.lo || a->target.hi != b->target.hi)
        add(l, xasprintf("%s.target: [%g, %g] -> [%g, %g]%s", key, a->target.lo, a->target.hi, b->target.lo,
                         b->target.hi, way(band_way(&a->target, &b->target))));
    if (a->acceptable.lo != b->acceptable.lo || a->acceptable.hi != b->acceptable.hi)
        add(l, xasprintf("%s.acceptable: [%g, %g] -> [%g, %g]%s", key, a->acceptable.lo, a->acceptable.hi,
                         b->acceptable.lo, b->acceptable.hi, way(band_way(&a->acceptable, &b->acceptable))));
}

static void preference(struct lines *l, const struct spec *a, const struct spec *b)
{
    const struct spec_band *x = &a->gates.preference.length_band, *y = &b->gates.preference.length_band;
    level(l, "gates.preference.identical", a->gates.preference.identical, b->gates.preference.identical);
    level(l, "gates.preference.near", a->gates.preference.near, b->gates.preference.near);
    number(l, "gates.preference.near_threshold", a->gates.preference.near_threshold,
           b->gates.preference.near_threshold, true);
    level(l, "gates.preference.contradictory", a->gates.preference.contradictory, b->gates.preference.contradictory);
    level(l, "gates.preference.length_bias", a->gates.preference.length_bias, b->gates.preference.length_bias);
    if (x->lo != y->lo || x->hi != y->hi)
        add(l, xasprintf("gates.preference.length_bias: [%g, %g] -> [%g, %g]%s", x->lo, x->hi, y->lo, y->hi,
                         way(band_way(x, y))));
}

static bool same_words(char **a, size_t na, char **b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0)
            return false;
    return true;
}

static void categories(struct lines *l, const struct spec *a, const struct spec *b)
{
    for (size_t i = 0; i < a->gates.coverage.n_categories; i++) {
        const struct spec_category *ca = &a->gates.coverage.categories[i];
        const struct spec_category *cb = spec_category_named(b, ca->name);
        if (!cb) {
            add(l, xasprintf("gates.coverage.categories[%s]: removed%s", ca->name, way(LOOSER)));
            continue;
        }
        if (ca->min != cb->min)
            add(l, xasprintf("gates.coverage.categories[%s].min: %zu -> %zu%s", ca->name, ca->min, cb->min,
                             way(cb->min < ca->min ? LOOSER : STRICTER)));
        if (!same_words(ca->keywords, ca->n_keywords, cb->keywords, cb->n_keywords))
            add(l, xasprintf("gates.coverage.categories[%s].keywords: changed", ca->name));
    }
    for (size_t i = 0; i < b->gates.coverage.n_categories; i++)
        if (!spec_category_named(a, b->gates.coverage.categories[i].name))
            add(l, xasprintf("gates.coverage.categories[%s]: added (min %zu)", b->gates.coverage.categories[i].name,
                             b->gates.coverage.categories[i].min));
}

static void split_rules(struct lines *l, const struct spec *a, const struct spec *b)
{
    for (size_t i = 0; i < a->gates.splits.n_rules; i++) {
        const struct spec_split_rule *ra = &a->gates.splits.rules[i], *rb = spec_split_rule_named(b, ra->name);
        if (!rb) {
            add(l, xasprintf("gates.splits.%s: removed%s", ra->name, way(LOOSER)));
            continue;
        }
        if (ra->ratio != rb->ratio || ra->has_ratio != rb->has_ratio)
            add(l, xasprintf("gates.splits.%s.ratio: %g -> %g", ra->name, ra->ratio, rb->ratio));
        if (ra->min != rb->min)
            add(l, xasprintf("gates.splits.%s.min: %zu -> %zu%s", ra->name, ra->min, rb->min,
                             way(rb->min < ra->min ? LOOSER : STRICTER)));
    }
    for (size_t i = 0; i < b->gates.splits.n_rules; i++)
        if (!spec_split_rule_named(a, b->gates.splits.rules[i].name))
            add(l, xasprintf("gates.splits.%s: added", b->gates.splits.rules[i].name));
}

/* A token limit, 0 meaning none: a maximum is looser when higher or gone, a minimum when lower. */
static void token_limit(struct lines *l, const char *key, size_t a, size_t b, bool is_max)
{
    if (a == b)
        return;
    char ta[32] = "none", tb[32] = "none";
    if (a)
        snprintf(ta, sizeof(ta), "%zu", a);
    if (b)
        snprintf(tb, sizeof(tb), "%zu", b);
    bool looser = is_max ? (!b || (a && b > a)) : b < a;
    add(l, xasprintf("%s: %s -> %s%s", key, ta, tb, way(looser ? LOOSER : STRICTER)));
}

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static void tokens(struct lines *l, const struct spec *a, const struct spec *b)
{
    level(l, "gates.tokens.level", a->gates.tokens.level, b->gates.tokens.level);
    if (!same_text(a->gates.tokens.tokenizer, b->gates.tokens.tokenizer) ||
        !same_text(a->gates.tokens.encoding, b->gates.tokens.encoding))
        add(l, xstrdup("gates.tokens.tokenizer: changed"));
    if (!same_text(a->gates.tokens.sha256, b->gates.tokens.sha256))
        add(l, xasprintf("gates.tokens.sha256: %s", !b->gates.tokens.sha256 ? "removed (loosens)" : "changed"));
    token_limit(l, "gates.tokens.max_tokens", a->gates.tokens.max_tokens, b->gates.tokens.max_tokens, true);
    token_limit(l, "gates.tokens.min_tokens", a->gates.tokens.min_tokens, b->gates.tokens.min_tokens, false);
    token_limit(l, "gates.tokens.max_total_tokens", a->gates.tokens.max_total_tokens,
                b->gates.tokens.max_total_tokens, true);
    if (a->gates.tokens.per_message != b->gates.tokens.per_message ||
        a->gates.tokens.per_example != b->gates.tokens.per_example)
        add(l, xstrdup("gates.tokens.per_message/per_example: changed"));
}

void spec_diff_lines(char ***out, size_t *n, const struct spec *a, const struct spec *b)
{
    struct lines l = { 0 };

    if (a->dataset.format != b->dataset.format)
        add(&l, xasprintf("dataset.format: %s -> %s", spec_format_name(a->dataset.format),
                          spec_format_name(b->dataset.format)));
    level(&l, "gates.format.level", a->gates.format.level, b->gates.format.level);
    if (a->gates.format.ends_with_reply != b->gates.format.ends_with_reply)
        add(&l, xasprintf("gates.format.ends_with_reply: %s -> %s", a->gates.format.ends_with_reply ? "true" : "false",
                          b->gates.format.ends_with_reply ? "true" : "false"));
    level(&l, "gates.coverage.level", a->gates.coverage.level, b->gates.coverage.level);
    categories(&l, a, b);
    level(&l, "gates.quality.level", a->gates.quality.level, b->gates.quality.level);
    band(&l, "gates.quality.human_length", &a->gates.quality.human_length, &b->gates.quality.human_length);
    band(&l, "gates.quality.assistant_length", &a->gates.quality.assistant_length, &b->gates.quality.assistant_length);
    number(&l, "gates.quality.unique_messages.target", a->gates.quality.unique_messages.target,
           b->gates.quality.unique_messages.target, false);
    number(&l, "gates.quality.unique_messages.acceptable", a->gates.quality.unique_messages.acceptable,
           b->gates.quality.unique_messages.acceptable, false);
    number(&l, "gates.quality.turn_variance.target", a->gates.quality.turn_variance.target, b->gates.quality.turn_variance.target, true);
    number(&l, "gates.quality.turn_variance.acceptable", a->gates.quality.turn_variance.acceptable,
           b->gates.quality.turn_variance.acceptable, true);
    level(&l, "gates.duplicates.exact", a->gates.duplicates.exact, b->gates.duplicates.exact);
    level(&l, "gates.duplicates.near", a->gates.duplicates.near, b->gates.duplicates.near);
    number(&l, "gates.duplicates.threshold", a->gates.duplicates.threshold, b->gates.duplicates.threshold, true);
    level(&l, "gates.leakage.level", a->gates.leakage.level, b->gates.leakage.level);
    number(&l, "gates.leakage.near_threshold", a->gates.leakage.near_threshold, b->gates.leakage.near_threshold, true);
    level(&l, "gates.pii.level", a->gates.pii.level, b->gates.pii.level);
    if (a->gates.pii.detect != b->gates.pii.detect)
        add(&l, xstrdup("gates.pii.detect: changed"));
    if (!same_words(a->gates.pii.allow, a->gates.pii.n_allow, b->gates.pii.allow, b->gates.pii.n_allow))
        add(&l, xstrdup("gates.pii.allow: changed"));
    level(&l, "gates.reproducibility.level", a->gates.reproducibility.level, b->gates.reproducibility.level);
    if (a->gates.reproducibility.require != b->gates.reproducibility.require)
        add(&l, xstrdup("gates.reproducibility.require: changed"));
    level(&l, "gates.splits.level", a->gates.splits.level, b->gates.splits.level);
    number(&l, "gates.splits.tolerance", a->gates.splits.tolerance, b->gates.splits.tolerance, true);
    split_rules(&l, a, b);
    level(&l, "gates.regression.level", a->gates.regression.level, b->gates.regression.level);
    level(&l, "gates.regression.coverage_drop", a->gates.regression.coverage_drop, b->gates.regression.coverage_drop);
    number(&l, "gates.regression.max_removed", a->gates.regression.max_removed, b->gates.regression.max_removed, true);
    level(&l, "gates.regression.metric_drift", a->gates.regression.metric_drift, b->gates.regression.metric_drift);
    tokens(&l, a, b);
    preference(&l, a, b);
    *out = l.v;
    *n = l.n;
}
