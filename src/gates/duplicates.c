/*
 * Duplicates: exact duplicates are parsed examples with the same content hash in the
 * same split (across splits it is an overlap, the splits gate's business). Every copy
 * after the first is one duplicate and gets a finding pointing at the first.
 *
 * Near duplicates (docs/near-duplicates.md): per parsed example a MinHash signature
 * (src/minhash.c) of its word shingles; LSH bands give candidate pairs within a split,
 * each verified by its estimated Jaccard similarity >= threshold; verified pairs join
 * clusters (union-find, the first example in file order is the root). Exact copies
 * after the first are left out, as are examples without a single word. One finding
 * per cluster, at its first example.
 */
#include <stdlib.h>
#include <string.h>

#include "gates/gates.h"
#include "gates/common.h"
#include "gates/finding_key.h"
#include "gates/hashes.h"
#include "run/signatures.h"
#include "run/minhash.h"
#include "util/jobs.h"
#include "util/buf.h"
#include "util/xalloc.h"

struct duplicates_state {
    bool exact;
    bool from_signatures;    /* the exact check reads the signature store's records */
    struct hash_list hashes;
};

static bool duplicates_enabled(const struct spec *spec)
{
    return spec->gates.duplicates.exact != LEVEL_OFF || spec->gates.duplicates.near != LEVEL_OFF;
}

/* Near-duplicates compare MinHash signatures, made on the engine's workers. */
static bool duplicates_needs_signatures(const struct spec *spec)
{
    return spec->gates.duplicates.near != LEVEL_OFF;
}

static void *duplicates_begin(const struct gate_ctx *ctx)
{
    struct duplicates_state *st = xcalloc(1, sizeof(*st));
    st->exact = ctx->spec->gates.duplicates.exact != LEVEL_OFF;
    /* With the near check on, the run keeps a signature store, which holds the same
     * record (content, split, place) of every parsed example: no second copy here. */
    st->from_signatures = duplicates_needs_signatures(ctx->spec);
    return st;
}

/* Hash and place are in `at`: nothing to extract. */
static void duplicates_replay(void *state, const struct example *at, const void *bytes, size_t len)
{
    struct duplicates_state *st = state;
    (void)bytes;
    (void)len;
    if (at->parsed && st->exact && !st->from_signatures)
        hash_list_add(&st->hashes, at);
}

/* For a cluster's key: its members' contents in content order. */
struct copy_key {
    uint64_t h0, h1;
};

static int copy_key_cmp(const void *a, const void *b)
{
    const struct copy_key *x = a, *y = b;
    if (x->h0 != y->h0)
        return x->h0 < y->h0 ? -1 : 1;
    return x->h1 < y->h1 ? -1 : x->h1 > y->h1;
}

/* skip[i] = 1 for every exact copy (same content, same split) after the first, and for
 * every example without a word. */
static unsigned char *near_skip(const struct signature_store *ns)
{
    unsigned char *skip = xmalloc(ns->n ? ns->n : 1);
    memcpy(skip, ns->no_words, ns->n);
    const uint32_t *v = ns->by_content;
    for (size_t i = 1; i < ns->n; i++) {
        const struct sig_rec *a = &ns->recs[v[i - 1]], *b = &ns->recs[v[i]];
        if (a->h0 == b->h0 && a->h1 == b->h1 && a->split == b->split)
            skip[v[i]] = 1;
    }
    return skip;
}

/* Union-find whose root is always the smallest index: the first example in file order. */
struct clusters {
    const struct signature_store *ns;
    double threshold;
    uint32_t *parent;
    float *lo, *hi;         /* similarity range of the verified pairs, at the root */
};

static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

static void near_candidate(void *ctx, uint32_t x, uint32_t y)
{
    struct clusters *cl = ctx;
    const struct signature_store *ns = cl->ns;
    if (ns->recs[x].split != ns->recs[y].split)
        return;   /* across splits: the leakage gate's business */
    uint32_t rx = uf_find(cl->parent, x), ry = uf_find(cl->parent, y);
    double sim = minhash_similarity(&ns->mh, signature_store_sig(ns, x), signature_store_sig(ns, y));
    if (sim < cl->threshold)
        return;
    float s = (float)sim;
    if (rx != ry) {
        uint32_t root = rx < ry ? rx : ry, other = rx < ry ? ry : rx;
        cl->parent[other] = root;
        if (cl->lo[other] < cl->lo[root])
            cl->lo[root] = cl->lo[other];
        if (cl->hi[other] > cl->hi[root])
            cl->hi[root] = cl->hi[other];
    }
    uint32_t root = rx < ry ? rx : ry;
    if (s < cl->lo[root])
        cl->lo[root] = s;
    if (s > cl->hi[root])
        cl->hi[root] = s;
}

struct cluster {
    uint32_t root;
    uint32_t first, n;      /* members[first .. first + n) */
};

static const struct signature_store *sort_ns;   /* qsort has no context argument */

static int cluster_cmp(const void *a, const void *b)
{
    const struct sig_rec *x = &sort_ns->recs[((const struct cluster *)a)->root];
    const struct sig_rec *y = &sort_ns->recs[((const struct cluster *)b)->root];
    if (x->file != y->file)
        return x->file < y->file ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static void near_location(struct buf *b, const struct gate_ctx *ctx, const struct sig_rec *r)
{
    char at[GATE_WHERE_SIZE];
    buf_addstr(b, gate_where(at, ctx, r->file, r->line));
}

#define NEAR_LIST_MAX 5       /* members named in the message */
#define NEAR_RELATED_MAX 100  /* members given as related locations (JSON, SARIF) */

static void near_check(struct section *sec, const struct gate_ctx *ctx)
{
    const struct signature_store *ns = ctx->signatures;
    const struct spec *spec = ctx->spec;
    double threshold = spec->gates.duplicates.threshold;
    size_t n = ns->n;
    struct clusters cl = { ns, threshold - 1e-9, NULL, NULL, NULL };
    cl.parent = xmalloc((n ? n : 1) * sizeof(*cl.parent));
    cl.lo = xmalloc((n ? n : 1) * sizeof(*cl.lo));
    cl.hi = xmalloc((n ? n : 1) * sizeof(*cl.hi));
    for (size_t i = 0; i < n; i++) {
        cl.parent[i] = (uint32_t)i;
        cl.lo[i] = 2.0f;
        cl.hi[i] = -1.0f;
    }
    unsigned char *skip = near_skip(ns);
    struct minhash_bands bands;
    minhash_bands_choose(&bands, threshold, ns->mh.permutations);
    minhash_lsh_threads(&ns->mh, &bands, ns->sigs, skip, n, near_candidate, &cl, jobs_count(), ns->sigs_in_file);

    /* Members by root: sizes, one cluster per root of two or more, offsets, then the
     * members in index order (so each cluster lists its examples in file order). */
    uint32_t *count = xcalloc(n ? n : 1, sizeof(*count));
    for (size_t i = 0; i < n; i++) {
        cl.parent[i] = uf_find(cl.parent, (uint32_t)i);
        count[cl.parent[i]]++;
    }
    struct cluster *clusters = NULL;
    size_t n_clusters = 0, alloc_clusters = 0, total = 0;
    for (size_t i = 0; i < n; i++)
        if (cl.parent[i] == i && count[i] > 1) {
            ALLOC_GROW(clusters, n_clusters + 1, alloc_clusters);
            clusters[n_clusters].root = (uint32_t)i;
            clusters[n_clusters].first = (uint32_t)total;
            clusters[n_clusters].n = 0;
            total += count[i];
            count[i] = (uint32_t)n_clusters++;   /* from here: the root's cluster number */
        } else if (cl.parent[i] == i) {
            count[i] = UINT32_MAX;
        }
    uint32_t *members = xmalloc((total ? total : 1) * sizeof(*members));
    for (size_t i = 0; i < n; i++) {
        uint32_t k = count[cl.parent[i]];
        if (k != UINT32_MAX)
            members[clusters[k].first + clusters[k].n++] = (uint32_t)i;
    }
    sort_ns = ns;
    if (n_clusters)
        qsort(clusters, n_clusters, sizeof(*clusters), cluster_cmp);
    sort_ns = NULL;

    uint64_t extra = total - n_clusters;
    struct check *c = result_add_check(sec, "duplicates.near", "Near duplicates");
    char t[GATE_NUM_SIZE];
    check_set_threshold(c, "similarity \xe2\x89\xa5 %s", gate_num(t, threshold));
    c->value = (double)extra;
    c->threshold = threshold;
    if (n_clusters)
        check_set_value(c, "%llu (%zu cluster%s)", (unsigned long long)extra, n_clusters,
                        n_clusters == 1 ? "" : "s");
    else
        check_set_value(c, "0");
    c->status = n_clusters ? STATUS_FAIL : STATUS_PASS;
    struct buf b = BUF_INIT;
    struct copy_key *member_keys = NULL;
    size_t alloc_member_keys = 0;
    for (size_t k = 0; k < n_clusters; k++) {
        const struct cluster *x = &clusters[k];
        const struct sig_rec *root = &ns->recs[x->root];
        double lo = cl.lo[x->root], hi = cl.hi[x->root];
        buf_reset(&b);
        buf_printf(&b, "%u examples are near-duplicates (similarity %.2f", x->n, lo);
        if ((int)(lo * 100 + 0.5) != (int)(hi * 100 + 0.5))
            buf_printf(&b, "\xe2\x80\x93%.2f", hi);
        buf_addstr(&b, "): ");
        for (uint32_t m = 0; m < x->n && m < NEAR_LIST_MAX; m++) {
            if (m)
                buf_addstr(&b, ", ");
            near_location(&b, ctx, &ns->recs[members[x->first + m]]);
        }
        if (x->n > NEAR_LIST_MAX)
            buf_printf(&b, ", \xe2\x80\xa6 (%u more)", x->n - NEAR_LIST_MAX);
        /* the members' contents in content order: the key survives moved lines */
        struct finding_key fk;
        unsigned char key[FINDING_KEY_SIZE];
        ALLOC_GROW(member_keys, x->n, alloc_member_keys);
        for (uint32_t m = 0; m < x->n; m++) {
            const struct sig_rec *r = &ns->recs[members[x->first + m]];
            member_keys[m].h0 = r->h0;
            member_keys[m].h1 = r->h1;
        }
        qsort(member_keys, x->n, sizeof(*member_keys), copy_key_cmp);
        finding_key_start(&fk);
        for (uint32_t m = 0; m < x->n; m++)
            finding_key_add(&fk, member_keys[m].h0, member_keys[m].h1);
        finding_key_end(&fk, key);
        check_add_keyed_finding(c, key, gate_file_path(ctx, root->file), gate_line(ctx, root->file, root->line),
                                "near_duplicate", "%s", buf_cstr(&b));
        gate_locate_last(c, ctx, root->file, root->line);
        for (uint32_t m = 1; m < x->n && m <= NEAR_RELATED_MAX; m++) {
            const struct sig_rec *r = &ns->recs[members[x->first + m]];
            check_relate_last(c, gate_file_path(ctx, r->file), gate_line(ctx, r->file, r->line));
        }
    }
    if (n_clusters) {
        buf_reset(&b);
        near_location(&b, ctx, &ns->recs[clusters[0].root]);
        buf_printf(&b, ", %u examples", clusters[0].n);
        check_set_remediation_firstf(c, buf_cstr(&b), ")", "Keep one example of each of %zu near-duplicate cluster%s (",
                                     n_clusters, n_clusters == 1 ? "" : "s");
    }
    buf_release(&b);
    free(member_keys);
    free(members);
    free(clusters);
    free(count);
    free(skip);
    free(cl.parent);
    free(cl.lo);
    free(cl.hi);
    check_apply_level(c, spec->gates.duplicates.near, false);
}

static char *duplicate_message(const struct hash_pair *p, const char *other_at, const void *arg)
{
    (void)p;
    (void)arg;
    return xasprintf("duplicate of %s", other_at);
}

/* The same pairs from the signature store (see hash_rec_of_sig). */
static void exact_pairs_from_store(const struct signature_store *ns, struct hash_pairs *ps, uint64_t *groups)
{
    const uint32_t *v = ns->by_content;
    for (size_t i = 0; i < ns->n;) {
        const struct sig_rec *first = &ns->recs[v[i]];
        size_t j = i + 1;
        while (j < ns->n && ns->recs[v[j]].h0 == first->h0 && ns->recs[v[j]].h1 == first->h1 &&
               ns->recs[v[j]].split == first->split)
            j++;
        *groups += j - i > 1;
        struct hash_rec original, copy;
        hash_rec_of_sig(&original, first);
        for (size_t k = i + 1; k < j; k++) {
            hash_rec_of_sig(&copy, &ns->recs[v[k]]);
            hash_pairs_add(ps, &copy, &original);
        }
        i = j;
    }
}

static void exact_check(struct section *sec, const struct gate_ctx *ctx, struct duplicates_state *st)
{
    /* Runs of equal (hash, split): the first record is the original, the rest copies. */
    struct hash_pairs ps = HASH_PAIRS_INIT;
    uint64_t groups = 0;
    if (st->from_signatures && ctx->signatures) {
        exact_pairs_from_store(ctx->signatures, &ps, &groups);
    } else {
        struct hash_list *l = &st->hashes;
        hash_list_sort(l);
        for (size_t i = 0; i < l->n;) {
            size_t j = hash_list_run_end(l, i, true);
            groups += j - i > 1;
            for (size_t k = i + 1; k < j; k++)
                hash_pairs_add(&ps, &l->v[k], &l->v[i]);
            i = j;
        }
        hash_list_release(l);   /* the near check after this wants the memory */
    }
    hash_pairs_sort(&ps);
    size_t n_pairs = ps.n;

    struct check *c = result_add_check(sec, "duplicates.exact", "Exact duplicates");
    c->value = (double)n_pairs;
    c->threshold = 0;
    if (n_pairs)
        check_set_value(c, "%zu (%llu group%s)", n_pairs, (unsigned long long)groups,
                        groups == 1 ? "" : "s");
    else
        check_set_value(c, "0");
    c->status = n_pairs ? STATUS_FAIL : STATUS_PASS;
    hash_pairs_report(c, ctx, &ps, "exact_duplicate", duplicate_message, NULL);
    if (n_pairs) {
        char *first = hash_pairs_first(ctx, &ps, " duplicates ");
        check_set_remediation_firstf(c, first, ")", "Remove %zu exact duplicate%s (", n_pairs, n_pairs == 1 ? "" : "s");
        free(first);
    }
    free(ps.v);
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
    if (near != LEVEL_OFF && ctx->signatures)
        near_check(sec, ctx);
    return 0;
}

static void duplicates_free(void *state)
{
    struct duplicates_state *st = state;
    hash_list_release(&st->hashes);
    free(st);
}

/* Exact copies are equal content hashes. */
static bool duplicates_needs_example_hash(const struct spec *spec)
{
    return spec->gates.duplicates.exact != LEVEL_OFF;
}

GATE_DEFINE(duplicates, duplicates, "DUPLICATES", .replay = duplicates_replay,
            .measures = false, .needs_signatures = duplicates_needs_signatures,
            .needs_example_hash = duplicates_needs_example_hash);
