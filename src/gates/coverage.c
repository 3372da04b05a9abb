/*
 * Coverage: every parsed example falls in the first category (in spec order) that it
 * matches, or in "(none)" (run/classify.h decides); each category needs at least its
 * `min` examples.
 */
#include <stdlib.h>
#include <string.h>

#include "gates/gates.h"
#include "gates/common.h"
#include "run/classify.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/wire.h"
#include "util/xalloc.h"

#define COVERAGE_NOTE_LOCATIONS 3

struct location {
    uint32_t file;
    size_t line;
};

struct coverage_state {
    size_t n_categories;
    bool by_field;
    struct classifier *classifier;
    uint64_t *counts;             /* n_categories + 1: the last is "(none)" */
    struct location none_first[COVERAGE_NOTE_LOCATIONS];
    size_t n_none_first;
    bool damaged;                 /* replay() met bytes no extract() wrote */
};

static bool coverage_enabled(const struct spec *spec)
{
    return spec->gates.coverage.level != LEVEL_OFF;
}

static void *coverage_begin(const struct gate_ctx *ctx)
{
    const struct spec *spec = ctx->spec;
    struct coverage_state *st = xcalloc(1, sizeof(*st));
    st->n_categories = spec->gates.coverage.n_categories;
    st->by_field = spec->gates.coverage.by == COVERAGE_FIELD;
    st->counts = xcalloc(st->n_categories + 1, sizeof(*st->counts));
    st->classifier = classify_new(spec);
    return st;
}

/* The category index of a parsed example; nothing for the others. */
static void coverage_extract(void *state, const struct example *ex, struct buf *out)
{
    const struct coverage_state *st = state;
    if (ex->parsed)
        wire_put_varint(out, classify_example(st->classifier, ex));
}

/* What classify_example() reads of the spec: by keywords, every category's keywords in
 * order (the first category to match wins); by field, the field the reader takes the
 * label from and the names it must equal. */
static void coverage_digest_key(const struct spec *spec, const void *state, struct buf *out)
{
    (void)state;
    const size_t n = spec->gates.coverage.n_categories;
    const bool by_field = spec->gates.coverage.by == COVERAGE_FIELD;
    wire_put_u8(out, by_field);
    wire_put_varint(out, n);
    if (by_field) {
        const char *field = spec->gates.coverage.field;
        wire_put_u8(out, field != NULL);
        if (field)
            wire_put_bytes(out, field, strlen(field));
    }
    for (size_t i = 0; i < n; i++) {
        const struct spec_category *cat = &spec->gates.coverage.categories[i];
        if (by_field) {
            wire_put_bytes(out, cat->name, strlen(cat->name));
            continue;
        }
        wire_put_varint(out, cat->n_keywords);
        for (size_t k = 0; k < cat->n_keywords; k++)
            wire_put_bytes(out, cat->keywords[k], strlen(cat->keywords[k]));
    }
}

static void coverage_replay(void *state, const struct example *at, const void *bytes, size_t len)
{
    struct coverage_state *st = state;
    if (!at->parsed) {
        st->damaged |= len != 0;
        return;
    }
    struct wire_in in = wire_in(bytes, len);
    uint64_t cat = wire_get_varint(&in);
    if (in.bad || in.p != in.end || cat > st->n_categories) {
        st->damaged = true;   /* finish() says so: no category to count it in */
        return;
    }
    st->counts[cat]++;
    if (cat == st->n_categories && st->n_none_first < COVERAGE_NOTE_LOCATIONS) {
        st->none_first[st->n_none_first].file = (uint32_t)at->file_index;
        st->none_first[st->n_none_first++].line = gate_example_pos(at);
    }
}

/* Counts and names in one allocation: result_release() frees category_counts, and the
 * names it borrows from the spec need an array that lives as long. */
static void set_metrics(struct result *r, const struct spec *spec, const uint64_t *counts, size_t n)
{
    free(r->metrics.category_counts);
    void *block = xcalloc(1, (n + 1) * sizeof(uint64_t) + (n ? n : 1) * sizeof(char *));
    r->metrics.category_counts = block;
    memcpy(r->metrics.category_counts, counts, (n + 1) * sizeof(uint64_t));
    r->category_names = (char **)(r->metrics.category_counts + n + 1);
    for (size_t i = 0; i < n; i++)
        r->category_names[i] = spec->gates.coverage.categories[i].name;
    r->n_categories = n;
}

static int coverage_finish(void *state, const struct gate_ctx *ctx)
{
    struct coverage_state *st = state;
    const struct spec *spec = ctx->spec;
    enum gate_level level = spec->gates.coverage.level;
    if (st->damaged)
        return err_set(DSCI_EINTERNAL, "coverage: a kept summary of an example is damaged; "
                       "run again with --no-cache");

    set_metrics(ctx->result, spec, st->counts, st->n_categories);
    struct section *sec = result_add_section(ctx->result, "coverage", "COVERAGE", level,
                                             spec->gates.coverage.loc);
    for (size_t i = 0; i < st->n_categories; i++) {
        const struct spec_category *cat = &spec->gates.coverage.categories[i];
        char *id = xasprintf("coverage.%s", cat->name);
        struct check *c = result_add_check(sec, id, cat->name);
        free(id);
        uint64_t have = st->counts[i];
        c->value = (double)have;
        c->threshold = (double)cat->min;
        check_set_value(c, "%llu example%s", (unsigned long long)have, have == 1 ? "" : "s");
        check_set_threshold(c, "target: %zu", cat->min);
        c->status = have >= cat->min ? STATUS_PASS : STATUS_FAIL;
        if (c->status == STATUS_FAIL) {
            unsigned long long more = (unsigned long long)(cat->min - have);
            struct buf b = BUF_INIT;
            buf_printf(&b, "Add at least %llu more '%s' conversation%s (have %llu, need %zu)",
                       more, cat->name, more == 1 ? "" : "s", (unsigned long long)have, cat->min);
            if (st->by_field) {
                buf_printf(&b, " with %s = \"%s\"", spec->gates.coverage.field
                           ? spec->gates.coverage.field : "the coverage field", cat->name);
            } else if (cat->n_keywords) {
                buf_addstr(&b, "; keywords: ");
                for (size_t k = 0; k < cat->n_keywords; k++)
                    buf_printf(&b, "%s%s", k ? ", " : "", cat->keywords[k]);
            }
            check_set_remediation(c, "%s", buf_cstr(&b));
            buf_release(&b);
            check_add_finding(c, gate_spec_path(ctx), cat->loc.line, "below_minimum",
                              "category '%s' has %llu examples, needs at least %zu",
                              cat->name, (unsigned long long)have, cat->min);
        }
        check_apply_level(c, level, false);
    }

    uint64_t none = st->counts[st->n_categories];
    if (none) {
        struct buf b = BUF_INIT;
        buf_printf(&b, "%llu example%s match%s no category (first: ", (unsigned long long)none,
                   none == 1 ? "" : "s", none == 1 ? "es" : "");
        char at[GATE_WHERE_SIZE];
        for (size_t i = 0; i < st->n_none_first; i++)
            buf_printf(&b, "%s%s", i ? ", " : "",
                       gate_where(at, ctx, st->none_first[i].file, st->none_first[i].line));
        buf_addch(&b, ')');
        free(sec->note);
        sec->note = buf_detach(&b, NULL);
    }
    return 0;
}

static void coverage_free(void *state)
{
    struct coverage_state *st = state;
    classify_free(st->classifier);
    free(st->counts);
    free(st);
}

GATE_DEFINE(coverage, coverage, "COVERAGE", .extract = coverage_extract, .extract_threadsafe = true,
            .replay = coverage_replay, .digest_key = coverage_digest_key, .measures = true);
