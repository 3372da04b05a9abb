/*
 * gates: the gates' keys (tokens: schema_tokens.c; preference: schema_preference.c). Each gate is a mapping, a bare level (`pii: off`) or
 * empty (defaults); each has its key table (`keys`) and one function that reads a key.
 * Checks across keys run once a gate's mapping is read in full (keys come in any order).
 */
#include "spec/spec_impl.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static enum gate_level level_min(enum gate_level a, enum gate_level b)
{
    return a < b ? a : b;
}

/* A gate is a mapping, a bare level (`pii: off`) or empty (defaults). Returns 1 when
 * there is no mapping to walk, 0 when there is, negative on error. */
static int gate_head(struct ctx *c, const struct ynode *key, const struct ynode *v,
                     struct spec_loc *loc, enum gate_level *level, bool *level_given)
{
    int r;

    *loc = loc_of(key);
    if (v->is_null)
        return 1;
    if (v->kind == Y_SCALAR) {
        if ((r = get_level(c, v, level)) < 0)
            return r;
        *level_given = true;
        return 1;
    }
    if (v->kind != Y_MAP)
        return expected(c, v, "a level (block, warn, off) or a mapping");
    return 0;   /* walk_map checks the mapping */
}

/* A level key whose being set matters to other keys: records that in *given. */
static int get_level_given(struct ctx *c, const struct ynode *v, enum gate_level *out, bool *given)
{
    *given |= !v->is_null;
    return get_level(c, v, out);
}

/* Every gate's mapping has `level`: read here, so a gate's own key function (`each`,
 * called with `arg`) sees only the gate's other keys. */
struct gate_map {
    enum gate_level *level;
    bool *level_given;
    spec_key_fn *each;
    void *arg;
};

static int gate_map_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    struct gate_map *g = arg;

    if (!strcmp(key->value, "level"))
        return get_level_given(c, val, g->level, g->level_given);
    return g->each(c, key, val, g->arg);
}

/* gate_head, then each key of the mapping when there is one. 0 or negative. */
int gate_walk(struct ctx *c, const struct ynode *key, const struct ynode *v,
                     struct spec_loc *loc, enum gate_level *level, bool *level_given,
                     const char *const *keys, size_t n_keys, spec_key_fn *each, void *arg)
{
    struct gate_map g = { level, level_given, each, arg };
    int r = gate_head(c, key, v, loc, level, level_given);

    if (r != 0)
        return r < 0 ? r : 0;
    return walk_map(c, v, keys, n_keys, gate_map_key, &g);
}

/* A gate whose `level` stands for the checks nobody set (duplicates: exact and near;
 * regression: coverage_drop and metric_drift). */
struct sub_levels {
    enum gate_level *level;
    bool level_given;
    const char *name[2];
    enum gate_level *sub[2];
    bool given[2];
};

/* Reads one check's level; 1 when `key` is not one. */
static int sub_level_key(struct ctx *c, const struct ynode *key, const struct ynode *val,
                         struct sub_levels *l)
{
    for (size_t i = 0; i < ARRAY_SIZE(l->sub); i++)
        if (!strcmp(key->value, l->name[i]))
            return get_level_given(c, val, l->sub[i], &l->given[i]);
    return 1;
}

/* ------------------------------------------------------------------------------ */
/* format                                                                          */

static int role_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    struct spec *s = c->spec;
    const char *role = key->value;
    char **field = !strcmp(role, "human") ? &s->gates.format.role_human
                 : !strcmp(role, "assistant") ? &s->gates.format.role_assistant
                 : &s->gates.format.role_system;

    (void)arg;
    return get_str(c, val, field, true);
}

static int format_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    static const char *const role_keys[] = { "human", "assistant", "system" };
    struct spec *s = c->spec;
    const char *k = key->value;

    (void)arg;
    if (!strcmp(k, "allow_system"))
        return get_bool(c, val, &s->gates.format.allow_system);
    if (!strcmp(k, "ends_with_reply"))
        return get_bool(c, val, &s->gates.format.ends_with_reply);
    if (val->is_null)   /* roles */
        return 0;
    return walk_map(c, val, role_keys, ARRAY_SIZE(role_keys), role_key, NULL);
}

static int parse_format_gate(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = { "level", "roles", "allow_system", "ends_with_reply" };
    bool given = false;

    return gate_walk(c, key, v, &c->spec->gates.format.loc, &c->spec->gates.format.level, &given,
                     keys, ARRAY_SIZE(keys), format_key, NULL);
}

/* ------------------------------------------------------------------------------ */
/* coverage                                                                        */

static int category_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    struct spec_category *cat = arg;

    if (!strcmp(key->value, "name"))
        return val->is_null ? expected(c, val, "a name") : get_str(c, val, &cat->name, true);
    if (!strcmp(key->value, "min"))
        return get_uint(c, val, 0, SIZE_MAX, &cat->min);
    return get_strlist(c, val, &cat->keywords, &cat->n_keywords, true);
}

static int parse_category(struct ctx *c, const struct ynode *v, struct spec_category *cat)
{
    static const char *const keys[] = { "name", "min", "keywords" };
    int r;

    cat->loc = loc_of(v);
    if ((r = walk_map(c, v, keys, ARRAY_SIZE(keys), category_key, cat)) < 0)
        return r;
    if (!cat->name)
        return fail(c, v, "missing required key '%s.name'", kp(c));
    return 0;
}

static int parse_categories(struct ctx *c, const struct ynode *v)
{
    struct spec *s = c->spec;
    const char **names = NULL;
    size_t first, second;
    int r = 0;

    if (v->is_null)
        return 0;
    if (v->kind != Y_SEQ)
        return expected(c, v, "a list of categories");
    s->gates.coverage.categories = xcalloc(v->n + 1, sizeof(*s->gates.coverage.categories));
    for (size_t i = 0; i < v->n; i++) {
        size_t mark = kp_push_index(c, i);
        r = parse_category(c, v->items[i], &s->gates.coverage.categories[i]);
        s->gates.coverage.n_categories++;
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    names = xreallocarray(NULL, v->n + 1, sizeof(*names));
    for (size_t i = 0; i < v->n; i++)
        names[i] = s->gates.coverage.categories[i].name;
    if (find_dup(names, v->n, &first, &second)) {
        const struct ynode *name = map_get(v->items[second], "name");
        char tmp[64];
        size_t mark = kp_push_index(c, second);
        kp_push(c, "name");
        r = fail(c, name, "%s: duplicate category '%s' (first at line %zu)", kp(c),
                 shown(name->value, tmp, sizeof(tmp)), map_get(v->items[first], "name")->line);
        kp_pop(c, mark);
    }
    free(names);
    return r;
}

static int coverage_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    static const char *const by_names[] = { "keywords", "field" };
    static const int by_values[] = { COVERAGE_KEYWORDS, COVERAGE_FIELD };
    struct spec *s = c->spec;
    const char *k = key->value;
    int by = (int)s->gates.coverage.by, r;

    if (!strcmp(k, "by")) {
        r = get_choice(c, val, by_names, by_values, ARRAY_SIZE(by_names), &by);
        s->gates.coverage.by = (enum coverage_by)by;
        return r;
    }
    if (!strcmp(k, "field"))
        return get_str(c, val, &s->gates.coverage.field, true);
    return parse_categories(c, val);
}

static int parse_coverage(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = { "level", "by", "field", "categories" };
    struct spec *s = c->spec;
    bool given = false;
    int r;

    if ((r = gate_walk(c, key, v, &s->gates.coverage.loc, &s->gates.coverage.level, &given,
                       keys, ARRAY_SIZE(keys), coverage_key, &given)) < 0)
        return r;
    if (!given)
        s->gates.coverage.level = s->gates.coverage.n_categories ? LEVEL_BLOCK : LEVEL_OFF;
    else if (s->gates.coverage.level != LEVEL_OFF && !s->gates.coverage.n_categories)
        return fail(c, key, "%s: level %s needs at least one category", kp(c),
                    spec_level_name(s->gates.coverage.level));
    if (s->gates.coverage.by == COVERAGE_FIELD && !s->gates.coverage.field)
        return fail(c, key, "missing required key '%s.field' (by: field names the field "
                    "that holds the category)", kp(c));
    if (s->gates.coverage.by == COVERAGE_KEYWORDS) {
        for (size_t i = 0; i < s->gates.coverage.n_categories; i++) {
            const struct spec_category *cat = &s->gates.coverage.categories[i];
            if (!cat->n_keywords)
                return fail_at(c, cat->loc, "%s.categories[%zu]: category '%s' needs keywords "
                               "(by: keywords)", kp(c), i, cat->name);
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------------ */
/* quality: metrics with a target and an acceptable value                          */

/* When a metric sets only one of target/acceptable and clashes with the other's
 * default, say which one to add. */
static const char *default_hint(bool target_given, bool acceptable_given)
{
    if (target_given == acceptable_given)
        return "";
    return target_given ? "; set acceptable too" : "; set target too";
}

/* [lo, hi] of non-negative numbers. */
static int get_band(struct ctx *c, const struct ynode *v, struct spec_band *out)
{
    double x[2] = { 0, 0 };
    int r;

    if (v->is_null)
        return 0;
    if (v->kind != Y_SEQ || v->n != 2)
        return expected(c, v, "a list [low, high]");
    for (size_t i = 0; i < 2; i++) {
        size_t mark = kp_push_index(c, i);
        r = v->items[i]->is_null ? expected(c, v->items[i], "a non-negative number")
                                 : get_number(c, v->items[i], 0, INFINITY, &x[i]);
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    if (x[0] > x[1])
        return fail(c, v, "%s: low end %g is above high end %g", kp(c), x[0], x[1]);
    out->lo = x[0];
    out->hi = x[1];
    return 0;
}

/* One metric being read: a band (lengths) or a limit (percent minimum or a maximum). */
struct metric_read {
    struct spec_band_metric *band;
    struct spec_limit_metric *limit;
    bool percent_min;
    bool target_given, acceptable_given;
};

static int metric_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    struct metric_read *m = arg;
    bool target = !strcmp(key->value, "target");
    int r;

    if (m->band) {
        r = get_band(c, val, target ? &m->band->target : &m->band->acceptable);
    } else {
        double *out = target ? &m->limit->target : &m->limit->acceptable;
        r = m->percent_min ? get_percent(c, val, out) : get_number(c, val, 0, INFINITY, out);
    }
    if (target)
        m->target_given |= !val->is_null;
    else
        m->acceptable_given |= !val->is_null;
    return r;
}

/* Reads target and acceptable; 1 when the metric is empty (nothing to check). */
static int read_metric(struct ctx *c, const struct ynode *v, struct metric_read *m)
{
    static const char *const keys[] = { "target", "acceptable" };

    if (v->is_null)
        return 1;
    return walk_map(c, v, keys, ARRAY_SIZE(keys), metric_key, m);
}

static int parse_band_metric(struct ctx *c, const struct ynode *key, const struct ynode *v,
                             struct spec_band_metric *band)
{
    struct metric_read m = { .band = band };
    int r;

    band->loc = loc_of(key);
    if ((r = read_metric(c, v, &m)) != 0)
        return r < 0 ? r : 0;
    if (band->target.lo < band->acceptable.lo || band->target.hi > band->acceptable.hi)
        return fail(c, key, "%s: target [%g, %g]%s must lie inside acceptable [%g, %g]%s%s", kp(c),
                    band->target.lo, band->target.hi, m.target_given ? "" : " (the default)",
                    band->acceptable.lo, band->acceptable.hi,
                    m.acceptable_given ? "" : " (the default)",
                    default_hint(m.target_given, m.acceptable_given));
    return 0;
}

/* unique_messages (percent, a minimum) and turn_variance (a maximum). */
static int parse_limit_metric(struct ctx *c, const struct ynode *key, const struct ynode *v,
                              struct spec_limit_metric *limit, bool percent_min)
{
    struct metric_read m = { .limit = limit, .percent_min = percent_min };
    const char *unit = percent_min ? "%" : "";
    int r;

    limit->loc = loc_of(key);
    if ((r = read_metric(c, v, &m)) != 0)
        return r < 0 ? r : 0;
    if (percent_min ? limit->acceptable > limit->target : limit->acceptable < limit->target)
        return fail(c, key, "%s: acceptable %g%s%s must not be %s target %g%s%s (%s is better "
                    "here)%s", kp(c), limit->acceptable, unit,
                    m.acceptable_given ? "" : " (the default)", percent_min ? "above" : "below",
                    limit->target, unit, m.target_given ? "" : " (the default)",
                    percent_min ? "higher" : "lower",
                    default_hint(m.target_given, m.acceptable_given));
    return 0;
}

static int quality_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    struct spec *s = c->spec;
    const char *k = key->value;

    (void)arg;
    if (!strcmp(k, "human_length"))
        return parse_band_metric(c, key, val, &s->gates.quality.human_length);
    if (!strcmp(k, "assistant_length"))
        return parse_band_metric(c, key, val, &s->gates.quality.assistant_length);
    if (!strcmp(k, "unique_messages"))
        return parse_limit_metric(c, key, val, &s->gates.quality.unique_messages, true);
    return parse_limit_metric(c, key, val, &s->gates.quality.turn_variance, false);
}

static int parse_quality(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = {
        "level", "human_length", "assistant_length", "unique_messages", "turn_variance",
    };
    bool given = false;

    return gate_walk(c, key, v, &c->spec->gates.quality.loc, &c->spec->gates.quality.level, &given,
                     keys, ARRAY_SIZE(keys), quality_key, NULL);
}

/* ------------------------------------------------------------------------------ */
/* duplicates, leakage                                                             */

static int duplicates_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    struct spec *s = c->spec;
    int r;

    if ((r = sub_level_key(c, key, val, arg)) <= 0)
        return r;
    if (!strcmp(key->value, "threshold"))
        return get_number(c, val, 0, 1, &s->gates.duplicates.threshold);
    if (!strcmp(key->value, "shingle"))
        return get_uint(c, val, 1, 64, &s->gates.duplicates.shingle);
    return get_uint(c, val, 1, 1024, &s->gates.duplicates.permutations);
}

static int parse_duplicates(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = { "level", "exact", "near", "threshold", "shingle",
                                        "permutations" };
    struct spec *s = c->spec;
    enum gate_level level = LEVEL_BLOCK;
    struct sub_levels l = { &level, false, { "exact", "near" },
                            { &s->gates.duplicates.exact, &s->gates.duplicates.near }, { false, false } };
    int r;

    if ((r = gate_walk(c, key, v, &s->gates.duplicates.loc, &level, &l.level_given, keys,
                       ARRAY_SIZE(keys), duplicates_key, &l)) < 0)
        return r;
    /* `level` is shorthand for both checks; an explicit exact/near wins. */
    for (size_t i = 0; l.level_given && i < ARRAY_SIZE(l.sub); i++)
        if (!l.given[i])
            *l.sub[i] = level;
    return 0;
}

static int leakage_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    (void)arg;
    return get_number(c, val, 0, 1, &c->spec->gates.leakage.near_threshold);
}

static int parse_leakage(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = { "level", "near_threshold" };
    bool given = false;

    return gate_walk(c, key, v, &c->spec->gates.leakage.loc, &c->spec->gates.leakage.level, &given,
                     keys, ARRAY_SIZE(keys), leakage_key, NULL);
}

/* ------------------------------------------------------------------------------ */
/* pii, reproducibility                                                            */

static const char *const pii_names[] = { "email", "phone", "credit_card", "ipv4", "ipv6", "api_key" };
static const int pii_bits[] = { PII_EMAIL, PII_PHONE, PII_CREDIT_CARD, PII_IPV4, PII_IPV6, PII_API_KEY };

/* Where each allow entry is, so a regex that misbehaves on the data (a PCRE2 limit) can be
 * named by its own line. */
static void allow_locations(struct spec *s, const struct ynode *val)
{
    free(s->gates.pii.allow_loc);
    s->gates.pii.allow_loc = NULL;
    size_t n = s->gates.pii.n_allow;
    if (!n)
        return;
    s->gates.pii.allow_loc = xcalloc(n, sizeof(*s->gates.pii.allow_loc));
    for (size_t i = 0; i < n; i++) {
        const struct ynode *item = val->kind == Y_SCALAR ? val : val->items[i];
        s->gates.pii.allow_loc[i].line = item->line;
        s->gates.pii.allow_loc[i].column = item->col;
    }
}

static int pii_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    struct spec *s = c->spec;
    int r;

    (void)arg;
    if (!strcmp(key->value, "detect"))
        return get_flags(c, val, pii_names, pii_bits, ARRAY_SIZE(pii_names), &s->gates.pii.detect);
    if ((r = get_strlist(c, val, &s->gates.pii.allow, &s->gates.pii.n_allow, true)) == 0)
        allow_locations(s, val);
    return r;
}

static int parse_pii(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = { "level", "detect", "allow" };
    bool given = false;

    return gate_walk(c, key, v, &c->spec->gates.pii.loc, &c->spec->gates.pii.level, &given,
                     keys, ARRAY_SIZE(keys), pii_key, NULL);
}

static const char *const repro_names[] = { "version", "checksums", "random_seed", "model", "card" };
static const int repro_bits[] = { REPRO_VERSION, REPRO_CHECKSUMS, REPRO_RANDOM_SEED, REPRO_MODEL,
                                  REPRO_CARD };

static int repro_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    (void)arg;
    return get_flags(c, val, repro_names, repro_bits, ARRAY_SIZE(repro_names),
                     &c->spec->gates.reproducibility.require);
}

static int parse_reproducibility(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = { "level", "require" };
    bool given = false;

    return gate_walk(c, key, v, &c->spec->gates.reproducibility.loc,
                     &c->spec->gates.reproducibility.level, &given, keys, ARRAY_SIZE(keys),
                     repro_key, NULL);
}

/* ------------------------------------------------------------------------------ */
/* splits, regression                                                              */

static int split_rule_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    struct spec_split_rule *rule = arg;

    if (!strcmp(key->value, "ratio")) {
        rule->has_ratio |= !val->is_null;
        return get_number(c, val, 0, 1, &rule->ratio);
    }
    return get_uint(c, val, 0, SIZE_MAX, &rule->min);
}

static int parse_split_rule(struct ctx *c, const struct ynode *key, const struct ynode *v,
                            struct spec_split_rule *rule)
{
    static const char *const keys[] = { "ratio", "min" };

    rule->name = xstrdup(key->value);
    rule->loc = loc_of(key);
    if (v->kind != Y_MAP)
        return expected(c, v, "a mapping such as {ratio: 0.8, min: 100}");
    return walk_map(c, v, keys, ARRAY_SIZE(keys), split_rule_key, rule);
}

/* Any key but level and tolerance names a split; that it is one of dataset.files' splits
 * is checked once the whole spec is read (gates may come before dataset). */
static int splits_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    struct spec *s = c->spec;

    (void)arg;
    if (!strcmp(key->value, "tolerance"))
        return get_number(c, val, 0, 1, &s->gates.splits.tolerance);
    return parse_split_rule(c, key, val, &s->gates.splits.rules[s->gates.splits.n_rules++]);
}

static int parse_splits(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    struct spec *s = c->spec;
    bool given = false;

    /* room for every key as a rule, before gate_walk fills them */
    if (!v->is_null && v->kind == Y_MAP)
        s->gates.splits.rules = xcalloc(v->n / 2 + 1, sizeof(*s->gates.splits.rules));
    return gate_walk(c, key, v, &s->gates.splits.loc, &s->gates.splits.level, &given, NULL, 0,
                     splits_key, NULL);
}

static int regression_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    int r;

    if ((r = sub_level_key(c, key, val, arg)) <= 0)
        return r;
    return get_share(c, val, &c->spec->gates.regression.max_removed);   /* max_removed */
}

static int parse_regression(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = { "level", "coverage_drop", "max_removed", "metric_drift" };
    struct spec *s = c->spec;
    struct sub_levels l = { &s->gates.regression.level, false, { "coverage_drop", "metric_drift" },
                            { &s->gates.regression.coverage_drop, &s->gates.regression.metric_drift },
                            { false, false } };
    int r;

    if ((r = gate_walk(c, key, v, &s->gates.regression.loc, &s->gates.regression.level,
                       &l.level_given, keys, ARRAY_SIZE(keys), regression_key, &l)) < 0)
        return r;
    /* A gate-wide level caps the checks nobody set: `regression: warn` must not leave
     * a coverage drop blocking by default. */
    for (size_t i = 0; l.level_given && i < ARRAY_SIZE(l.sub); i++)
        if (!l.given[i])
            *l.sub[i] = level_min(*l.sub[i], s->gates.regression.level);
    return 0;
}

/* ------------------------------------------------------------------------------ */
/* gates:                                                                          */

static const char *const gate_keys[] = {
    "format", "coverage", "quality", "duplicates", "leakage", "pii", "reproducibility",
    "splits", "regression", "tokens", "preference",
};
static int (*const gate_parsers[])(struct ctx *, const struct ynode *, const struct ynode *) = {
    parse_format_gate, parse_coverage, parse_quality, parse_duplicates, parse_leakage,
    parse_pii, parse_reproducibility, parse_splits, parse_regression, schema_parse_tokens,
    schema_parse_preference,
};

static int gate_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    (void)arg;
    for (size_t j = 0; j < ARRAY_SIZE(gate_keys); j++)
        if (!strcmp(key->value, gate_keys[j]))
            return gate_parsers[j](c, key, val);
    return 0;
}

int schema_parse_gates(struct ctx *c, const struct ynode *v)
{
    if (v->is_null)
        return 0;
    return walk_map(c, v, gate_keys, ARRAY_SIZE(gate_keys), gate_key, NULL);
}
