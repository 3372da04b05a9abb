/*
 * gates.preference: a level per check (identical, near, contradictory, length_bias), the
 * similarity from which chosen and rejected count as near-identical, and the band the
 * share of pairs with the longer reply chosen should sit in. `length_bias` takes the band
 * ([low, high]) or a level, since the band is what people tune and the level rarely.
 * A gate-wide `level` caps the checks nobody set, as in gates.regression: `preference:
 * warn` must not leave identical pairs blocking.
 */
#include "spec/spec_impl.h"

#include <string.h>

struct preference_read {
    bool level_given;
    bool given[4];   /* identical, near, contradictory, length_bias */
};

static const char *const check_names[] = { "identical", "near", "contradictory", "length_bias" };

static enum gate_level *check_level(struct spec *s, size_t i)
{
    enum gate_level *levels[] = { &s->gates.preference.identical, &s->gates.preference.near,
                                  &s->gates.preference.contradictory, &s->gates.preference.length_bias };
    return levels[i];
}

/* [low, high], two shares in 0..1 (a share of pairs: 0.35, or 35%). */
static int get_share_band(struct ctx *c, const struct ynode *v, struct spec_band *out)
{
    double x[2] = { 0, 0 };
    int r;

    if (v->kind != Y_SEQ || v->n != 2)
        return expected(c, v, "a list [low, high] of shares (0.35) or a level (block, warn, off)");
    for (size_t i = 0; i < 2; i++) {
        size_t mark = kp_push_index(c, i);
        r = v->items[i]->is_null ? expected(c, v->items[i], "a share (0.35 or 35%)")
                                 : get_share(c, v->items[i], &x[i]);
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

static int preference_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    struct preference_read *pr = arg;
    struct spec *s = c->spec;
    const char *k = key->value;

    if (!strcmp(k, "near_threshold"))
        return get_number(c, val, 0, 1, &s->gates.preference.near_threshold);
    if (!strcmp(k, "length_bias")) {
        s->gates.preference.length_bias_loc = loc_of(key);
        if (val->kind == Y_SEQ || val->kind == Y_MAP)
            return get_share_band(c, val, &s->gates.preference.length_band);
    }
    for (size_t i = 0; i < ARRAY_SIZE(check_names); i++)
        if (!strcmp(k, check_names[i])) {
            pr->given[i] |= !val->is_null;
            return get_level(c, val, check_level(s, i));
        }
    return 0;
}

int schema_parse_preference(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = { "level", "identical", "near", "near_threshold", "contradictory",
                                        "length_bias" };
    struct spec *s = c->spec;
    struct preference_read pr = { false, { false, false, false, false } };
    int r;

    if ((r = gate_walk(c, key, v, &s->gates.preference.loc, &s->gates.preference.level, &pr.level_given,
                       keys, ARRAY_SIZE(keys), preference_key, &pr)) < 0)
        return r;
    for (size_t i = 0; pr.level_given && i < ARRAY_SIZE(check_names); i++) {
        enum gate_level *l = check_level(s, i);
        if (!pr.given[i] && *l > s->gates.preference.level)
            *l = s->gates.preference.level;
    }
    return 0;
}
