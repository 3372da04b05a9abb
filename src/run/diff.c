#include "run/diff.h"

#include <stdlib.h>
#include <string.h>

#include "run/classify.h"
#include "run/result.h"
#include "util/strv.h"
#include "util/text_hash.h"
#include "util/wire.h"
#include "util/xalloc.h"

void diff_side_init(struct diff_side *side, const struct spec *spec)
{
    memset(side, 0, sizeof(*side));
    side->spec = spec;
    side->classifier = classify_new(spec);
}

/* The identity: the id field when there is one, else the first user message. The two
 * kinds are hashed with different prefixes so they never match each other. */
static void identity(uint64_t out[2], const struct example *ex)
{
    out[0] = out[1] = 0;
    if (ex->id) {
        text_hash128(out, ex->id, ex->id_len);
        out[0] ^= 0x6964; /* "id" */
        return;
    }
    for (size_t i = 0; i < ex->n_turns; i++) {
        if (ex->turns[i].role == ROLE_USER && ex->turns[i].text) {
            text_hash128(out, ex->turns[i].text, ex->turns[i].text_len);
            out[0] ^= 0x75; /* "u" */
            return;
        }
    }
}

/* What the diff keeps of an example's texts: its identity and its category. */
static void extract(void *ctx, const struct example *ex, struct buf *out)
{
    struct diff_side *side = ctx;
    if (!ex->parsed)
        return;
    uint64_t ident[2];
    identity(ident, ex);
    wire_put_u64(out, ident[0]);
    wire_put_u64(out, ident[1]);
    wire_put_varint(out, classify_example(side->classifier, ex));
}

static void replay(void *ctx, const struct example *at, const void *bytes, size_t len)
{
    struct diff_side *side = ctx;
    if (!at->parsed)
        return;
    struct wire_in in = wire_in(bytes, len);
    while (side->n_files <= at->file_index) {
        ALLOC_GROW(side->files, side->n_files + 1, side->alloc_files);
        side->files[side->n_files++] = NULL;
    }
    if (!side->files[at->file_index])
        side->files[at->file_index] = xstrdup(at->path);
    ALLOC_GROW(side->recs, side->n + 1, side->alloc);
    struct diff_rec *r = &side->recs[side->n++];
    memcpy(&r->h0, at->hash, 8);
    memcpy(&r->h1, at->hash + 8, 8);
    r->ident[0] = wire_get_u64(&in);
    r->ident[1] = wire_get_u64(&in);
    r->split = (uint32_t)at->split;
    r->category = (uint32_t)wire_get_varint(&in);
    r->file = (uint32_t)at->file_index;
    r->line = at->line > UINT32_MAX ? UINT32_MAX : (uint32_t)at->line;
}

struct engine_observer diff_side_observer(struct diff_side *side)
{
    struct engine_observer o = { extract, replay, side };
    return o;
}

void diff_side_release(struct diff_side *side)
{
    classify_free(side->classifier);
    free(side->recs);
    strv_free(side->files, side->n_files);
    memset(side, 0, sizeof(*side));
}

static bool unread_file(const struct result *r, const char *root_path)
{
    for (size_t i = 0; i < r->n_files; i++)
        if (r->files[i].lfs_pointer && r->files[i].root_path && !strcmp(r->files[i].root_path, root_path))
            return true;
    return false;
}

static void leave_out(struct diff_side *side, const struct result *own, const struct result *a,
                      const struct result *b)
{
    size_t kept = 0;
    for (size_t i = 0; i < side->n; i++) {
        const struct diff_rec *r = &side->recs[i];
        const char *root = r->file < own->n_files ? own->files[r->file].root_path : NULL;
        if (root && (unread_file(a, root) || unread_file(b, root)))
            continue;
        side->recs[kept++] = *r;
    }
    side->n = kept;
}

void diff_leave_out_unread(struct diff_side *base, const struct result *base_result, struct diff_side *head,
                           const struct result *head_result)
{
    leave_out(base, base_result, base_result, head_result);
    leave_out(head, head_result, base_result, head_result);
}

static int cmp_location(const void *pa, const void *pb)
{
    const struct diff_rec *a = pa, *b = pb;
    if (a->file != b->file)
        return a->file < b->file ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

/* By split, then by a 128-bit key (content or identity); 0 when both are equal. */
static int cmp_split_key(const struct diff_rec *a, const struct diff_rec *b, const uint64_t ka[2],
                         const uint64_t kb[2])
{
    if (a->split != b->split)
        return a->split < b->split ? -1 : 1;
    if (ka[0] != kb[0])
        return ka[0] < kb[0] ? -1 : 1;
    if (ka[1] != kb[1])
        return ka[1] < kb[1] ? -1 : 1;
    return 0;
}

static int cmp_same_content(const struct diff_rec *a, const struct diff_rec *b)
{
    const uint64_t ka[2] = { a->h0, a->h1 }, kb[2] = { b->h0, b->h1 };
    return cmp_split_key(a, b, ka, kb);
}

/* Equal contents stay in file order, so samples are deterministic. */
static int cmp_content(const void *pa, const void *pb)
{
    int c = cmp_same_content(pa, pb);
    return c ? c : cmp_location(pa, pb);
}

static int cmp_ident(const void *pa, const void *pb)
{
    const struct diff_rec *a = pa, *b = pb;
    int c = cmp_split_key(a, b, a->ident, b->ident);
    return c ? c : cmp_location(pa, pb);
}

static struct diff_rec *sorted_copy(const struct diff_side *s, int (*cmp)(const void *, const void *))
{
    struct diff_rec *v = xmalloc((s->n ? s->n : 1) * sizeof(*v));
    if (s->n)
        memcpy(v, s->recs, s->n * sizeof(*v));
    qsort(v, s->n, sizeof(*v), cmp);
    return v;
}

static void count(struct diff *d, enum diff_kind kind, const struct diff_rec *r)
{
    struct diff_counts *c[3] = { &d->total, &d->by_split[r->split], &d->by_category[r->category] };
    for (int i = 0; i < 3; i++) {
        if (kind == DIFF_ADDED)
            c[i]->added++;
        else if (kind == DIFF_REMOVED)
            c[i]->removed++;
        else
            c[i]->modified++;
    }
}

static bool has_ident(const struct diff_rec *r)
{
    return r->ident[0] || r->ident[1];
}

static void sample(struct diff *d, enum diff_kind kind, const struct diff_rec *r, const struct diff_side *side)
{
    if (d->n_samples >= DIFF_MAX_SAMPLES)
        return;
    struct diff_sample *s = &d->samples[d->n_samples++];
    s->kind = kind;
    s->split = r->split;
    s->category = r->category;
    s->path = xstrdup(r->file < side->n_files && side->files[r->file] ? side->files[r->file] : "?");
    s->line = r->line;
}

/* The records among recs[0..n) whose paired flag is `paired`, in file order: counted
 * (modified ones were counted as they paired) and sampled as `kind`. */
static void report_rest(struct diff *d, enum diff_kind kind, const struct diff_rec *recs, const bool *paired_flags,
                        bool paired, size_t n, struct diff_rec *scratch, const struct diff_side *side)
{
    size_t n_rest = 0;
    for (size_t i = 0; i < n; i++)
        if (paired_flags[i] == paired)
            scratch[n_rest++] = recs[i];
    qsort(scratch, n_rest, sizeof(*scratch), cmp_location);
    for (size_t i = 0; i < n_rest; i++) {
        if (kind != DIFF_MODIFIED)
            count(d, kind, &scratch[i]);
        sample(d, kind, &scratch[i], side);
    }
}

void diff_compute(struct diff *d, const struct diff_side *base, const struct diff_side *head)
{
    const struct spec *spec = head->spec;
    memset(d, 0, sizeof(*d));
    d->n_splits = spec->dataset.n_splits;
    d->n_categories = spec->gates.coverage.n_categories;
    d->by_split = xcalloc(d->n_splits ? d->n_splits : 1, sizeof(*d->by_split));
    d->by_category = xcalloc(d->n_categories + 1, sizeof(*d->by_category));
    d->base_category_counts = xcalloc(d->n_categories + 1, sizeof(uint64_t));
    d->head_category_counts = xcalloc(d->n_categories + 1, sizeof(uint64_t));
    d->base_split_counts = xcalloc(d->n_splits ? d->n_splits : 1, sizeof(uint64_t));
    d->head_split_counts = xcalloc(d->n_splits ? d->n_splits : 1, sizeof(uint64_t));
    d->base_examples = base->n;
    d->head_examples = head->n;
    for (size_t i = 0; i < base->n; i++) {
        d->base_category_counts[base->recs[i].category]++;
        d->base_split_counts[base->recs[i].split]++;
    }
    for (size_t i = 0; i < head->n; i++) {
        d->head_category_counts[head->recs[i].category]++;
        d->head_split_counts[head->recs[i].split]++;
    }

    /* 1. Equal content in the same split: unchanged (as a multiset). */
    struct diff_rec *b = sorted_copy(base, cmp_content), *h = sorted_copy(head, cmp_content);
    struct diff_rec *removed = xmalloc((base->n ? base->n : 1) * sizeof(*removed));
    struct diff_rec *added = xmalloc((head->n ? head->n : 1) * sizeof(*added));
    size_t n_removed = 0, n_added = 0, i = 0, j = 0;
    while (i < base->n || j < head->n) {
        int c = i == base->n ? 1 : j == head->n ? -1 : cmp_same_content(&b[i], &h[j]);
        if (c == 0) {
            d->total.unchanged++;
            d->by_split[h[j].split].unchanged++;
            d->by_category[h[j].category].unchanged++;
            i++, j++;
        } else if (c < 0) {
            removed[n_removed++] = b[i++];
        } else {
            added[n_added++] = h[j++];
        }
    }

    /* 2. A removed and an added record with the same identity: modified. */
    qsort(removed, n_removed, sizeof(*removed), cmp_ident);
    qsort(added, n_added, sizeof(*added), cmp_ident);
    bool *removed_used = xcalloc(n_removed ? n_removed : 1, sizeof(bool));
    bool *added_used = xcalloc(n_added ? n_added : 1, sizeof(bool));
    i = j = 0;
    while (i < n_removed && j < n_added) {
        int c = cmp_ident(&removed[i], &added[j]);
        bool same = removed[i].split == added[j].split && removed[i].ident[0] == added[j].ident[0] &&
                    removed[i].ident[1] == added[j].ident[1];
        if (same && has_ident(&added[j])) {
            removed_used[i] = added_used[j] = true;
            count(d, DIFF_MODIFIED, &added[j]);
            i++, j++;
        } else if (same) {
            i++, j++;  /* no identity on either side: cannot pair */
        } else if (c < 0) {
            i++;
        } else {
            j++;
        }
    }

    /* 3. The rest, in file order so the samples read naturally (modified pairs were
     * counted as they paired). */
    struct diff_rec *rest = xmalloc((n_removed + n_added + 1) * sizeof(*rest));
    report_rest(d, DIFF_MODIFIED, added, added_used, true, n_added, rest, head);
    report_rest(d, DIFF_ADDED, added, added_used, false, n_added, rest, head);
    report_rest(d, DIFF_REMOVED, removed, removed_used, false, n_removed, rest, base);

    free(rest);
    free(removed_used);
    free(added_used);
    free(removed);
    free(added);
    free(b);
    free(h);
}

void diff_release(struct diff *d)
{
    free(d->by_split);
    free(d->by_category);
    free(d->base_category_counts);
    free(d->head_category_counts);
    free(d->base_split_counts);
    free(d->head_split_counts);
    for (size_t i = 0; i < d->n_samples; i++)
        free(d->samples[i].path);
    memset(d, 0, sizeof(*d));
}

const char *diff_kind_name(enum diff_kind kind)
{
    static const char *const names[] = {
        [DIFF_ADDED] = "added", [DIFF_REMOVED] = "removed", [DIFF_MODIFIED] = "modified",
    };
    return (size_t)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}
