/*
 * Duplicates: exact duplicates are parsed examples with the same content hash in the
 * same split (across splits it is an overlap, the splits gate's business). Every copy
 * after the first is one duplicate and gets a finding pointing at the first.
 *
 * Near duplicates (MinHash) are not implemented yet: when the spec asks for them the
 * section says so instead of pretending to check.
 */
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "gates/common.h"
#include "gates/hashes.h"
#include "util/xalloc.h"

struct duplicates_state {
    bool exact;
    struct hash_list hashes;
};

static bool duplicates_enabled(const struct spec *spec)
{
    return spec->gates.duplicates.exact != LEVEL_OFF || spec->gates.duplicates.near != LEVEL_OFF;
}

static void *duplicates_begin(const struct gate_ctx *ctx)
{
    struct duplicates_state *st = xcalloc(1, sizeof(*st));
    st->exact = ctx->spec->gates.duplicates.exact != LEVEL_OFF;
    return st;
}

static void duplicates_observe(void *state, const struct example *ex)
{
    struct duplicates_state *st = state;
    if (ex->parsed && st->exact)
        hash_list_add(&st->hashes, ex);
}

static void exact_check(struct section *sec, const struct gate_ctx *ctx, struct duplicates_state *st)
{
    struct hash_list *l = &st->hashes;
    hash_list_sort(l);

    /* Runs of equal (hash, split): the first record is the original, the rest copies. */
    struct hash_pair *pairs = NULL;
    size_t n_pairs = 0, alloc_pairs = 0;
    uint64_t groups = 0;
    for (size_t i = 0; i < l->n;) {
        size_t j = i + 1;
        while (j < l->n && hash_rec_same(&l->v[i], &l->v[j]) && l->v[j].split == l->v[i].split)
            j++;
        if (j - i > 1) {
            groups++;
            for (size_t k = i + 1; k < j; k++) {
                ALLOC_GROW(pairs, n_pairs + 1, alloc_pairs);
                struct hash_pair *p = &pairs[n_pairs++];
                p->file = l->v[k].file;
                p->line = l->v[k].line;
                p->other_file = l->v[i].file;
                p->other_line = l->v[i].line;
                p->other_split = l->v[i].split;
            }
        }
        i = j;
    }
    if (n_pairs)
        qsort(pairs, n_pairs, sizeof(*pairs), hash_pair_cmp);

    struct check *c = result_add_check(sec, "duplicates.exact", "Exact duplicates");
    c->value = (double)n_pairs;
    c->threshold = 0;
    if (n_pairs)
        check_set_value(c, "%zu (%llu group%s)", n_pairs, (unsigned long long)groups,
                        groups == 1 ? "" : "s");
    else
        check_set_value(c, "0");
    c->status = n_pairs ? STATUS_FAIL : STATUS_PASS;
    for (size_t i = 0; i < n_pairs; i++)
        check_add_finding(c, gate_file_path(ctx, pairs[i].file), pairs[i].line, "exact_duplicate",
                          "duplicate of %s:%llu", gate_file_path(ctx, pairs[i].other_file),
                          (unsigned long long)pairs[i].other_line);
    if (n_pairs)
        check_set_remediation(c, "Remove %zu exact duplicate%s (first: %s:%llu duplicates %s:%llu)",
                              n_pairs, n_pairs == 1 ? "" : "s",
                              gate_file_path(ctx, pairs[0].file), (unsigned long long)pairs[0].line,
                              gate_file_path(ctx, pairs[0].other_file),
                              (unsigned long long)pairs[0].other_line);
    free(pairs);
    check_apply_level(c, ctx->spec->gates.duplicates.exact, false);
}

static int duplicates_finish(void *state, const struct gate_ctx *ctx)
{
    struct duplicates_state *st = state;
    const struct spec *spec = ctx->spec;
    enum gate_level exact = spec->gates.duplicates.exact, near = spec->gates.duplicates.near;
    enum gate_level level = exact > near ? exact : near;
    struct section *sec = result_add_section(ctx->result, "duplicates", "DUPLICATES", level,
                                             spec->gates.duplicates.loc);
    if (exact != LEVEL_OFF)
        exact_check(sec, ctx, st);
    if (near != LEVEL_OFF)
        sec->note = xstrdup("near-duplicate detection: not available in this build");
    return 0;
}

static void duplicates_free(void *state)
{
    struct duplicates_state *st = state;
    if (!st)
        return;
    hash_list_release(&st->hashes);
    free(st);
}

const struct gate gate_duplicates = {
    .name = "duplicates",
    .title = "DUPLICATES",
    .enabled = duplicates_enabled,
    .begin = duplicates_begin,
    .observe = duplicates_observe,
    .finish = duplicates_finish,
    .free = duplicates_free,
};
