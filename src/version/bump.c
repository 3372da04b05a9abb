/*
 * dsci bump: decide the next version (rules over the diff), then write the version file
 * and the tag. See bump.h for the two layers and docs/spec.md for versioning.rules.
 */
#include "version/bump.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "run/compare.h"
#include "data/repo.h"
#include "util/sha256.h"
#include "data/source_path.h"
#include "util/atomic_file.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/gh_escape.h"
#include "util/path_boundary.h"
#include "util/xalloc.h"

#define FIRST_VERSION "1.0.0"

/* ------------------------------------------------------------------------------ */
/* The decision                                                                    */

static const char *plural(uint64_t n)
{
    return n == 1 ? "" : "s";
}

/* Records that `rule` fired; the first reason given for a rule is the one kept. */
static void hit(struct bump_decision *d, const struct spec *spec, enum bump_rule rule, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void hit(struct bump_decision *d, const struct spec *spec, enum bump_rule rule, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    for (size_t i = 0; i < d->n_hits; i++)
        if (d->hits[i].rule == rule)
            return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    d->hits[d->n_hits].rule = rule;
    d->hits[d->n_hits].part = spec->versioning.rules[rule];
    d->hits[d->n_hits].reason = xstrdup(text);
    d->n_hits++;
}

static bool spec_has_split(const struct spec *spec, const char *name)
{
    for (size_t i = 0; i < spec->dataset.n_splits; i++)
        if (!strcmp(spec->dataset.splits[i].name, name))
            return true;
    return false;
}

/* The formats the files of `split` were read in, as bits (1 << format). */
static unsigned split_formats(const struct result *r, size_t split)
{
    unsigned bits = 0;
    for (size_t i = 0; i < r->n_files; i++)
        if (r->files[i].split == split && r->files[i].format != FORMAT_AUTO && r->files[i].examples)
            bits |= 1u << r->files[i].format;
    return bits;
}

static void formats_text(char *out, size_t size, unsigned bits)
{
    size_t used = 0;
    out[0] = '\0';
    for (int f = FORMAT_SHAREGPT; f <= FORMAT_ALPACA && used < size; f++)
        if (bits & (1u << f))
            used += (size_t)snprintf(out + used, size - used, "%s%s", used ? "+" : "",
                                     spec_format_name((enum dataset_format)f));
}

static uint64_t split_examples(const struct result *r, size_t split)
{
    uint64_t n = 0;
    for (size_t i = 0; i < r->n_files; i++)
        if (r->files[i].split == split)
            n += r->files[i].examples;
    return n;
}

/* The first file of `split` that differs between the runs (changed, new or gone), or
 * NULL when the split's files are the same paths with the same bytes. */
static const char *changed_file(const struct result *base, const struct result *head, size_t split)
{
    for (size_t i = 0; i < head->n_files; i++) {
        const struct result_file *h = &head->files[i];
        if (h->split != split)
            continue;
        const struct result_file *b = NULL;
        for (size_t j = 0; j < base->n_files && !b; j++)
            if (base->files[j].split == split && path_same(base->files[j].root_path, h->root_path))
                b = &base->files[j];
        if (!b || !b->sha256_valid || !h->sha256_valid || memcmp(b->sha256, h->sha256, 32) != 0)
            return h->root_path;
    }
    /* a file that is gone */
    for (size_t j = 0; j < base->n_files; j++) {
        bool kept = false;
        if (base->files[j].split != split)
            continue;
        for (size_t i = 0; i < head->n_files && !kept; i++)
            kept = head->files[i].split == split && path_same(head->files[i].root_path, base->files[j].root_path);
        if (!kept)
            return base->files[j].root_path;
    }
    return NULL;
}

static bool checksum_is(const char *checksum, const unsigned char sha[32])
{
    char hex[65];
    sha256_hex(hex, sha);
    return checksum && !strncmp(checksum, "sha256:", 7) && !strcasecmp(checksum + 7, hex);
}

/* Whether the recorded split names exactly the head's files of `split`, with their bytes. */
static bool recorded_matches(const struct version_split *rec, const struct result *head, size_t split)
{
    size_t n_head = 0;
    for (size_t i = 0; i < head->n_files; i++)
        if (head->files[i].split == split)
            n_head++;
    size_t n_rec = rec->n_files ? rec->n_files : 1;
    if (n_rec != n_head)
        return false;
    for (size_t i = 0; i < head->n_files; i++) {
        const struct result_file *h = &head->files[i];
        bool found = false;
        if (h->split != split)
            continue;
        if (!h->sha256_valid)
            return false;
        for (size_t k = 0; k < n_rec && !found; k++) {
            const char *path = rec->n_files ? rec->files[k].path : rec->path;
            const char *sum = rec->n_files ? rec->files[k].checksum : rec->checksum;
            found = (!path ? n_head == 1 : path_same(path, h->root_path)) && checksum_is(sum, h->sha256);
        }
        if (!found)
            return false;
    }
    return true;
}

static const struct version_split *recorded_split(const struct version_file *vf, const char *name)
{
    for (size_t i = 0; vf && i < vf->n_splits; i++)
        if (!strcmp(vf->splits[i].name, name))
            return &vf->splits[i];
    return NULL;
}

bool bump_records_data(const struct version_file *vf, const struct spec *spec, const struct result *head)
{
    if (!vf)
        return false;
    for (size_t i = 0; i < vf->n_splits; i++)
        if (!spec_has_split(spec, vf->splits[i].name))
            return false;
    for (size_t s = 0; s < spec->dataset.n_splits; s++) {
        const struct version_split *r = recorded_split(vf, spec->dataset.splits[s].name);
        if (!r || !recorded_matches(r, head, s))
            return false;
    }
    return true;
}

/* "3 examples modified" or "2 added, 2 removed, 1 modified, net 0". */
static void edit_text(char *out, size_t size, uint64_t added, uint64_t removed, uint64_t modified, int64_t net)
{
    if (!added && !removed) {
        snprintf(out, size, "%" PRIu64 " example%s modified", modified, plural(modified));
        return;
    }
    size_t used = (size_t)snprintf(out, size, "examples changed:");
    const char *sep = " ";
    if (added && used < size)
        used += (size_t)snprintf(out + used, size - used, "%s%" PRIu64 " added", sep, added), sep = ", ";
    if (removed && used < size)
        used += (size_t)snprintf(out + used, size - used, "%s%" PRIu64 " removed", sep, removed), sep = ", ";
    if (modified && used < size)
        used += (size_t)snprintf(out + used, size - used, "%s%" PRIu64 " modified", sep, modified);
    if (used < size && net)
        snprintf(out + used, size - used, ", net %+" PRId64, net);
    else if (used < size)
        snprintf(out + used, size - used, ", net 0");
}

static const struct spec *head_spec(const struct bump_input *in)
{
    return in->head_spec ? in->head_spec : in->spec;
}

/* Splits the baseline had (by its spec or its version file) that the spec no longer names. */
static void splits_dropped(struct bump_decision *d, const struct bump_input *in)
{
    const struct spec *spec = in->spec, *hs = head_spec(in);
    for (size_t i = 0; in->base_spec && i < in->base_spec->dataset.n_splits; i++) {
        const char *name = in->base_spec->dataset.splits[i].name;
        if (!spec_has_split(hs, name)) {
            d->data_changed = true;
            hit(d, spec, BUMP_RULE_SPLIT_REMOVED, "split '%s' is no longer in the spec", name);
        }
    }
    for (size_t i = 0; in->recorded && i < in->recorded->n_splits; i++) {
        const struct version_split *s = &in->recorded->splits[i];
        if (!spec_has_split(hs, s->name)) {
            d->data_changed = true;
            if (s->has_examples)
                hit(d, spec, BUMP_RULE_SPLIT_REMOVED, "split '%s' is no longer in the spec (%" PRIu64
                    " example%s before)", s->name, s->examples, plural(s->examples));
            else
                hit(d, spec, BUMP_RULE_SPLIT_REMOVED, "split '%s' is no longer in the spec", s->name);
        }
    }
}

/* With a baseline: the example-level diff. */
static void decide_from_diff(struct bump_decision *d, const struct bump_input *in)
{
    const struct spec *spec = in->spec;
    const struct diff *df = in->diff;
    const struct diff_counts *t = &df->total;
    const char *first_changed = NULL;

    for (size_t s = 0; s < spec->dataset.n_splits; s++) {
        const char *f = changed_file(in->base, in->head, s);
        if (f && !first_changed)
            first_changed = f;
    }
    if (first_changed)
        d->data_changed = true;

    /* format */
    const struct spec *bs = in->base_spec;
    if (bs && bs->dataset.format != FORMAT_AUTO && spec->dataset.format != FORMAT_AUTO &&
        bs->dataset.format != spec->dataset.format) {
        d->data_changed = true;
        hit(d, spec, BUMP_RULE_FORMAT_CHANGE, "dataset.format changed from %s to %s",
            spec_format_name(bs->dataset.format), spec_format_name(spec->dataset.format));
    }
    for (size_t s = 0; s < spec->dataset.n_splits; s++) {
        unsigned b = split_formats(in->base, s), h = split_formats(in->head, s);
        if (b && h && b != h) {
            char bt[64], ht[64];
            formats_text(bt, sizeof(bt), b);
            formats_text(ht, sizeof(ht), h);
            hit(d, spec, BUMP_RULE_FORMAT_CHANGE, "split '%s' changed format from %s to %s",
                spec->dataset.splits[s].name, bt, ht);
        }
    }

    /* splits */
    for (size_t s = 0; s < df->n_splits && s < spec->dataset.n_splits; s++) {
        const char *name = spec->dataset.splits[s].name;
        if (df->base_split_counts[s] == 0 || df->head_split_counts[s] > 0)
            continue;
        hit(d, spec, BUMP_RULE_SPLIT_REMOVED, "split '%s' %s (%" PRIu64 " example%s before)", name,
            spec_has_split(head_spec(in), name) ? "has no examples any more" : "is no longer in the spec",
            df->base_split_counts[s], plural(df->base_split_counts[s]));
    }
    splits_dropped(d, in);

    /* categories (the last count is "none of them": not a category) */
    for (size_t c = 0; c < df->n_categories && c < spec->gates.coverage.n_categories; c++)
        if (df->base_category_counts[c] > 0 && df->head_category_counts[c] == 0)
            hit(d, spec, BUMP_RULE_CATEGORY_REMOVED, "category '%s' removed (%" PRIu64 " example%s before, none now)",
                spec->gates.coverage.categories[c].name, df->base_category_counts[c],
                plural(df->base_category_counts[c]));

    /* removals over the limit (modified examples are not removed) */
    double limit = spec->gates.regression.max_removed;
    if (df->base_examples && (double)t->removed / (double)df->base_examples > limit + 1e-12)
        hit(d, spec, BUMP_RULE_REMOVED_OVER_LIMIT, "%" PRIu64 " of %" PRIu64 " examples removed (%.1f%%, max %g%%)",
            t->removed, df->base_examples, 100.0 * (double)t->removed / (double)df->base_examples, 100.0 * limit);

    /* growth */
    int64_t net = (int64_t)df->head_examples - (int64_t)df->base_examples;
    if (df->head_examples > df->base_examples) {
        char more[96] = "";
        if (t->removed)
            snprintf(more, sizeof(more), ", %" PRIu64 " removed", t->removed);
        hit(d, spec, BUMP_RULE_EXAMPLES_ADDED, "%" PRIu64 " example%s added%s, net %+" PRId64, t->added,
            plural(t->added), more, net);
    }
    for (size_t c = 0; c < df->n_categories && c < spec->gates.coverage.n_categories; c++)
        if (df->base_category_counts[c] == 0 && df->head_category_counts[c] > 0)
            hit(d, spec, BUMP_RULE_CATEGORY_ADDED, "category '%s' added (%" PRIu64 " example%s)",
                spec->gates.coverage.categories[c].name, df->head_category_counts[c],
                plural(df->head_category_counts[c]));

    /* edits */
    if (t->modified || (net <= 0 && (t->added || t->removed))) {
        char text[256];
        edit_text(text, sizeof(text), t->added, t->removed, t->modified, net);
        hit(d, spec, BUMP_RULE_EXAMPLES_MODIFIED, "%s", text);
    }
    if (first_changed && !t->added && !t->removed && !t->modified)
        hit(d, spec, BUMP_RULE_METADATA_CHANGED, "%s changed, its examples did not", first_changed);
}

/* Without a baseline: the version file's counts and checksums of the last version. */
static void decide_from_record(struct bump_decision *d, const struct bump_input *in)
{
    const struct spec *spec = in->spec;
    const struct version_file *rec = in->recorded;
    uint64_t rec_total = 0, head_total = 0, removed = 0;
    const char *first_changed = NULL;

    splits_dropped(d, in);
    for (size_t i = 0; i < rec->n_splits; i++) {
        rec_total += rec->splits[i].examples;
        if (!spec_has_split(spec, rec->splits[i].name))
            removed += rec->splits[i].examples;
    }
    for (size_t s = 0; s < spec->dataset.n_splits; s++) {
        const char *name = spec->dataset.splits[s].name;
        const struct version_split *r = recorded_split(rec, name);
        uint64_t h = split_examples(in->head, s), b = r ? r->examples : 0;
        head_total += h;
        if (b > h)
            removed += b - h;
        if (!r || !recorded_matches(r, in->head, s)) {
            d->data_changed = true;
            if (!first_changed)
                first_changed = name;
        }
        if (b > 0 && h == 0)
            hit(d, spec, BUMP_RULE_SPLIT_REMOVED, "split '%s' has no examples any more (%" PRIu64 " before)", name, b);
    }
    double limit = spec->gates.regression.max_removed;
    if (rec_total && (double)removed / (double)rec_total > limit + 1e-12)
        hit(d, spec, BUMP_RULE_REMOVED_OVER_LIMIT, "%" PRIu64 " of %" PRIu64 " examples gone (%.1f%%, max %g%%)",
            removed, rec_total, 100.0 * (double)removed / (double)rec_total, 100.0 * limit);
    int64_t net = (int64_t)head_total - (int64_t)rec_total;
    if (head_total > rec_total)
        hit(d, spec, BUMP_RULE_EXAMPLES_ADDED, "%" PRId64 " example%s added, net %+" PRId64, net,
            plural((uint64_t)net), net);
    else if (first_changed && net)
        /* Without a baseline, a modified example and a reformatted file look alike: the
         * counts do not grow and a checksum differs. */
        hit(d, spec, BUMP_RULE_EXAMPLES_MODIFIED, "split '%s' changed, net %+" PRId64, first_changed, net);
    else if (first_changed)
        hit(d, spec, BUMP_RULE_EXAMPLES_MODIFIED, "split '%s' changed with as many examples", first_changed);
}

void bump_decide(struct bump_decision *d, const struct bump_input *in)
{
    memset(d, 0, sizeof(*d));
    if (in->diff && in->base)
        decide_from_diff(d, in);
    else if (in->recorded)
        decide_from_record(d, in);
    if (in->card_changed) {
        d->data_changed = true;
        hit(d, in->spec, BUMP_RULE_METADATA_CHANGED, "the dataset card %s changed", in->card_changed);
    }

    const struct bump_hit *top = NULL;
    for (size_t i = 0; i < d->n_hits; i++)
        if (d->hits[i].part > SEMVER_NONE && (!top || d->hits[i].part > top->part))
            top = &d->hits[i];
    if (top) {
        d->part = top->part;
        d->reason = xstrdup(top->reason);
    } else if (d->n_hits) {
        d->reason = xasprintf("only changes versioning.rules ignores (%s: %s)",
                              spec_bump_rule_name(d->hits[0].rule), d->hits[0].reason);
    } else if (d->data_changed) {
        d->reason = xstrdup("the data files changed, their examples did not");
    } else {
        d->reason = xstrdup("no change in the data files");
    }
}

void bump_decision_release(struct bump_decision *d)
{
    for (size_t i = 0; i < d->n_hits; i++)
        free(d->hits[i].reason);
    free(d->reason);
    memset(d, 0, sizeof(*d));
}

/* ------------------------------------------------------------------------------ */
/* The run                                                                         */

static void note(struct bump_outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct bump_outcome *o, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < o->n_notes; i++)
        if (!strcmp(o->notes[i], text))
            return;   /* said once */
    ALLOC_GROW(o->notes, o->n_notes + 1, o->alloc_notes);
    o->notes[o->n_notes++] = xstrdup(text);
}

static bool streq(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* What the baseline revision holds beside its data. */
struct baseline_extra {
    struct version_file *vf;   /* its version file; NULL when absent or unparsable */
    char *card;                /* its card's bytes; NULL when absent */
    size_t card_len;
};

static void baseline_extra_release(struct baseline_extra *b)
{
    version_file_free(b->vf);
    free(b->card);
}

/* A piece of the baseline that may be absent: 0 with *out NULL when it is not there,
 * < 0 when it is there but cannot be read. */
static int read_optional(struct source *src, const char *path, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (!path || !source_exists(src, path))
        return 0;
    return source_read_file(src, path, out, len);
}

static int load_baseline_extra(struct baseline_extra *out, struct dataset *ds, const char *baseline)
{
    struct dataset bds;
    char *data = NULL;
    size_t len = 0;
    const struct spec *spec = ds->spec;
    int rc;

    memset(out, 0, sizeof(*out));
    /* Each piece is optional: a baseline from before the card or the version file
     * existed is an ordinary baseline. One that is there but unreadable is an error. */
    if (dataset_open_baseline(&bds, ds, baseline) < 0) {
        err_clear();
        return 0;
    }
    rc = read_optional(bds.src, spec->dataset.version_file, &data, &len);
    if (rc == 0 && data && version_file_parse(&out->vf, spec->dataset.version_file, data, len) < 0)
        out->vf = NULL;
    free(data);
    if (rc == 0)
        rc = read_optional(bds.src, spec->dataset.card, &out->card, &out->card_len);
    dataset_close(&bds);
    if (rc < 0) {
        char why[512];
        snprintf(why, sizeof(why), "%s", err_last());
        return err_set(rc, "reading the baseline %s: %s", baseline, why);
    }
    err_clear();
    return 0;
}

/* The version a baseline stands for: its tag without the prefix, or failing that the
 * version its version file records. */
static int baseline_version(struct semver *out, const struct spec *spec, const char *baseline,
                            const struct version_file *vf)
{
    const char *prefix = spec->versioning.tag_prefix ? spec->versioning.tag_prefix : "";
    size_t n = strlen(prefix);
    if (!strncmp(baseline, prefix, n) && semver_parse(out, baseline + n) == 0)
        return 0;
    err_clear();
    if (vf && vf->version && semver_parse(out, vf->version) == 0)
        return 0;
    err_clear();
    return err_set(DSCI_EUSAGE, "cannot tell which version '%s' is: it is not a tag '%s<version>' and its "
                   "version file records no version; give a version tag with --base", baseline, prefix);
}

static char *checksum_text(const unsigned char sha[32])
{
    char hex[65];
    sha256_hex(hex, sha);
    return xasprintf("sha256:%s", hex);
}

/* The splits part of the new version file, from the head's files in spec order. */
static void fill_splits(struct version_file *nv, const struct spec *spec, const struct result *head)
{
    nv->splits = xcalloc(spec->dataset.n_splits ? spec->dataset.n_splits : 1, sizeof(*nv->splits));
    for (size_t s = 0; s < spec->dataset.n_splits; s++) {
        struct version_split *vs = &nv->splits[nv->n_splits++];
        size_t n = 0;
        vs->name = xstrdup(spec->dataset.splits[s].name);
        vs->has_examples = vs->has_bytes = true;
        for (size_t i = 0; i < head->n_files; i++)
            if (head->files[i].split == s)
                n++;
        if (n > 1)
            vs->files = xcalloc(n, sizeof(*vs->files));
        for (size_t i = 0; i < head->n_files; i++) {
            const struct result_file *f = &head->files[i];
            if (f->split != s)
                continue;
            if (!vs->path) {
                vs->path = xstrdup(f->root_path);
                vs->checksum = checksum_text(f->sha256);
            }
            vs->examples += f->examples;
            vs->bytes += f->bytes;
            if (n > 1) {
                struct version_split_file *vf = &vs->files[vs->n_files++];
                vf->path = xstrdup(f->root_path);
                vf->checksum = checksum_text(f->sha256);
                vf->examples = f->examples;
                vf->bytes = f->bytes;
                vf->has_examples = vf->has_bytes = true;
            }
        }
    }
}

static bool same_split(const struct version_split *a, const struct version_split *b)
{
    if (!streq(a->path, b->path) || !streq(a->checksum, b->checksum) || a->examples != b->examples ||
        a->bytes != b->bytes || a->has_examples != b->has_examples || a->has_bytes != b->has_bytes ||
        a->n_files != b->n_files)
        return false;
    for (size_t i = 0; i < a->n_files; i++) {
        const struct version_split_file *x = &a->files[i], *y = &b->files[i];
        if (!streq(x->path, y->path) || !streq(x->checksum, y->checksum) || x->examples != y->examples ||
            x->bytes != y->bytes)
            return false;
    }
    return true;
}

/* The same splits with the same files, counts and checksums (in any order). */
static bool same_data(const struct version_file *a, const struct version_file *b)
{
    if (a->n_splits != b->n_splits)
        return false;
    for (size_t i = 0; i < b->n_splits; i++) {
        const struct version_split *x = recorded_split(a, b->splits[i].name);
        if (!x || !same_split(x, &b->splits[i]))
            return false;
    }
    return true;
}

/* All dsci writes, "created" aside: a second run finds nothing to do. */
static bool same_record(const struct version_file *cur, const struct version_file *nv)
{
    return streq(cur->version, nv->version) && streq(cur->previous, nv->previous) && same_data(cur, nv) &&
           cur->has_changes && cur->added == nv->added && cur->removed == nv->removed &&
           cur->modified == nv->modified;
}

static void short_sum(char out[24], const char *checksum)
{
    if (!checksum)
        snprintf(out, 24, "none");
    else
        snprintf(out, 24, "%.15s\xe2\x80\xa6", checksum);   /* "sha256:" and 8 hex digits */
}

/* One line per field that would change, for --dry-run. */
/* A value read from the version file (anyone's text) on one terminal line. */
static const char *shown(struct buf *tmp, const char *s)
{
    buf_reset(tmp);
    term_escape(tmp, s ? s : "null");
    return buf_cstr(tmp);
}

static void describe_changes(struct buf *out, const struct version_file *cur, const struct version_file *nv)
{
    struct buf t1 = BUF_INIT, t2 = BUF_INIT;
    if (!cur) {
        uint64_t total = 0;
        for (size_t i = 0; i < nv->n_splits; i++)
            total += nv->splits[i].examples;
        buf_printf(out, "  new file: version %s, %zu split%s, %" PRIu64 " example%s\n", nv->version, nv->n_splits,
                   plural(nv->n_splits), total, plural(total));
        return;
    }
    if (!streq(cur->version, nv->version))
        buf_printf(out, "  version: %s -> %s\n", shown(&t1, cur->version), shown(&t2, nv->version));
    if (!streq(cur->previous, nv->previous))
        buf_printf(out, "  previous: %s -> %s\n", shown(&t1, cur->previous), shown(&t2, nv->previous));
    for (size_t i = 0; i < nv->n_splits; i++) {
        const struct version_split *b = &nv->splits[i], *a = recorded_split(cur, b->name);
        if (!a) {
            buf_printf(out, "  splits.%s: new (%" PRIu64 " examples, %" PRIu64 " bytes)\n", b->name, b->examples,
                       b->bytes);
            continue;
        }
        if (same_split(a, b))
            continue;
        struct buf line = BUF_INIT;
        if (!streq(a->path, b->path))
            buf_printf(&line, "; path %s -> %s", a->path ? shown(&t1, a->path) : "none",
                       b->path ? shown(&t2, b->path) : "none");
        if (a->examples != b->examples || !a->has_examples)
            buf_printf(&line, "; examples %" PRIu64 " -> %" PRIu64, a->examples, b->examples);
        if (a->bytes != b->bytes || !a->has_bytes)
            buf_printf(&line, "; bytes %" PRIu64 " -> %" PRIu64, a->bytes, b->bytes);
        if (!streq(a->checksum, b->checksum)) {
            char x[24], y[24];
            short_sum(x, a->checksum);
            short_sum(y, b->checksum);
            buf_printf(&line, "; checksum %s -> %s", x, y);
        }
        if (a->n_files != b->n_files || line.len == 0)
            buf_printf(&line, "; files %zu -> %zu", a->n_files, b->n_files);
        buf_printf(out, "  splits.%s: %s\n", shown(&t1, b->name), buf_cstr(&line) + 2);
        buf_release(&line);
    }
    for (size_t i = 0; i < cur->n_splits; i++)
        if (!recorded_split(nv, cur->splits[i].name))
            buf_printf(out, "  splits.%s: removed\n", shown(&t1, cur->splits[i].name));
    if (!cur->has_changes || cur->added != nv->added || cur->removed != nv->removed || cur->modified != nv->modified)
        buf_printf(out, "  changes: added %" PRIu64 ", removed %" PRIu64 ", modified %" PRIu64 "\n", nv->added,
                   nv->removed, nv->modified);
    if (!streq(cur->created, nv->created))
        buf_printf(out, "  created: %s -> %s\n", shown(&t1, cur->created), shown(&t2, nv->created));
    buf_release(&t1);
    buf_release(&t2);
}

/* Where to write the version file (dataset_write_target: inside the repository, never
 * into .git, through its real path); its folder must exist, bump creates none. */
static int target_path(char **out, const struct dataset *ds, const char *rel)
{
    const struct spec *spec = ds->spec;
    char *real = NULL;
    int rc = dataset_write_target(&real, ds, rel, "dataset.version_file", spec->dataset.version_file_loc);
    if (rc < 0)
        return rc;
    char *dir = xstrdup(real);
    *strrchr(dir, '/') = '\0';   /* real is absolute: there is a slash */
    struct stat st;
    if (stat(*dir ? dir : "/", &st) != 0 || !S_ISDIR(st.st_mode)) {
        char *shown = xstrdup(rel), *slash = strrchr(shown, '/');
        if (slash)
            *slash = '\0';
        rc = err_set(DSCI_EUSAGE, "cannot write the version file %s: folder '%s' does not exist", rel,
                     slash ? shown : ".");
        free(shown);
        free(real);
    } else {
        *out = real;
    }
    free(dir);
    return rc;
}

/* A root-relative path as the repository names it. */
static int repo_relative(char **out, const struct dataset *ds, const char *rel)
{
    const char *top = repo_workdir(ds->repo);
    char *root = realpath(ds->spec->root, NULL);
    const char *inside = top && root ? path_below(top, root) : NULL;
    if (!inside) {
        free(root);
        return err_set(DSCI_EENV, "the dataset root '%s' is not inside the repository's work tree", ds->spec->root);
    }
    *out = source_path_join(inside, rel);
    source_path_normalize(*out);
    free(root);
    return 0;
}

/* --tag needs HEAD to hold exactly the data and the version file: lists what is not
 * committed in the error, with the commands that finish the job. dsci writes no commits
 * (the user's hooks, signing and message conventions are theirs), so --tag on
 * uncommitted data is two steps: this run writes the version file, the user commits it
 * with the data, and a second `dsci bump --tag` finds it up to date and only tags. */
static int require_committed(const struct dataset *ds, const struct result *head, const char *vf_rel,
                             const struct bump_outcome *o)
{
    char **paths = xcalloc(head->n_files + 1, sizeof(*paths)), **dirty = NULL;
    size_t n = 0, n_dirty = 0;
    struct buf list = BUF_INIT;
    int rc;

    if ((rc = repo_relative(&paths[n++], ds, vf_rel)) < 0)
        goto done;
    for (size_t i = 0; i < head->n_files; i++)
        if ((rc = repo_relative(&paths[n++], ds, head->files[i].root_path)) < 0)
            goto done;
    if ((rc = repo_uncommitted_paths(ds->repo, (const char *const *)paths, n, &dirty, &n_dirty)) < 0)
        goto done;
    if (n_dirty) {
        for (size_t i = 0; i < n_dirty; i++)
            buf_printf(&list, " %s", dirty[i]);
        rc = err_set(DSCI_EUSAGE, "not tagged: the tag goes on a commit that holds the version file and the data; "
                     "commit them, then tag: git add%s && git commit -m 'dataset %s' && dsci bump --tag%s",
                     buf_cstr(&list), o->version,
                     o->written ? " (the version file is written: the second run only creates the tag)" : "");
    }
done:
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    for (size_t i = 0; i < n_dirty; i++)
        free(dirty[i]);
    free(dirty);
    buf_release(&list);
    return rc;
}

/* Whether the card differs between the work tree and the baseline (gone or new counts). */
static bool card_differs(struct dataset *ds, const struct baseline_extra *b)
{
    char *data = NULL;
    size_t len = 0;
    bool here = source_read_file(ds->src, ds->spec->dataset.card, &data, &len) == 0;
    err_clear();
    bool differs = here != (b->card != NULL) || (here && (len != b->card_len || memcmp(data, b->card, len) != 0));
    free(data);
    return differs;
}

/* ------------------------------------------------------------------------------ */
/* The plan                                                                        */

int bump_plan_make(struct bump_plan *o, struct dataset *ds, const struct comparison *cmp,
                   const struct result *head, const struct version_file *cur, const char *base_opt)
{
    const struct spec *spec = ds->spec;
    struct baseline_extra bx;
    struct semver from = SEMVER_INIT, next = SEMVER_INIT;
    int rc = 0;

    memset(o, 0, sizeof(*o));
    memset(&bx, 0, sizeof(bx));
    if (!base_opt)
        base_opt = "auto";
    struct bump_input in = { .spec = spec, .head = head };
    if (cmp->have) {
        o->baseline = xstrdup(cmp->baseline);
        if ((rc = load_baseline_extra(&bx, ds, cmp->baseline)) < 0)
            goto done;
        o->baseline_vf = bx.vf;
        bx.vf = NULL;
        if ((rc = baseline_version(&from, spec, cmp->baseline, o->baseline_vf)) < 0)
            goto done;
        in.spec = &cmp->merged;
        in.head_spec = spec;
        in.diff = &cmp->diff;
        in.base = &cmp->base;
        in.recorded = o->baseline_vf;
        in.base_spec = cmp->base_spec;
        if (spec->dataset.card && card_differs(ds, &bx))
            in.card_changed = spec->dataset.card;
        bump_decide(&o->decision, &in);
    } else {
        if (ds->repo && !strcmp(base_opt, "auto")) {
            char *none = compare_no_tag_text(spec, "HEAD", cur ? cur->version : NULL);
            o->note = xasprintf("%s: bumping from the version file", none);
            free(none);
        }
        if (!cur || !cur->version) {
            o->first = true;
            o->decision.part = SEMVER_MAJOR;
            o->decision.data_changed = true;
            o->decision.reason = xstrdup(cur ? "first version: the version file records none"
                                             : "first version: no baseline tag and no version file");
        } else if ((rc = semver_parse(&from, cur->version)) < 0) {
            char why[256], *shown = source_display_path(ds->src, spec->dataset.version_file);
            snprintf(why, sizeof(why), "%s", err_last());
            rc = err_set(DSCI_EUSAGE, "%s: version %s; fix it or set it to the current version", shown, why);
            free(shown);
            goto done;
        } else if (!cur->n_splits) {
            /* A hand-written {"version": "0.1.0"}: the version to start from, as it is. */
            o->first = true;
            o->decision.data_changed = true;
            o->decision.reason = xasprintf("first record of %s: the version file listed no splits", cur->version);
        } else {
            in.recorded = cur;
            bump_decide(&o->decision, &in);
        }
    }

    /* The version. */
    if (o->first && !(cur && cur->version)) {
        rc = semver_parse(&next, FIRST_VERSION);
    } else if (o->first) {
        rc = semver_bump(&next, &from, SEMVER_NONE);   /* the version file's, as written */
    } else {
        rc = semver_bump(&next, &from, o->decision.part);
        o->from = semver_format(&from);
    }
    if (rc < 0)
        goto done;
    o->version = semver_format(&next);
done:
    semver_release(&from);
    semver_release(&next);
    baseline_extra_release(&bx);
    return rc;
}

void bump_plan_release(struct bump_plan *p)
{
    free(p->baseline);
    free(p->from);
    free(p->version);
    bump_decision_release(&p->decision);
    version_file_free(p->baseline_vf);
    free(p->note);
    memset(p, 0, sizeof(*p));
}

/* ------------------------------------------------------------------------------ */
/* The run                                                                         */

int bump_run(struct bump_outcome *o, struct dataset *ds, const struct bump_options *opts)
{
    const struct spec *spec = ds->spec;
    const char *base_opt = opts->base ? opts->base : "auto";
    const char *vf_rel = spec->dataset.version_file;
    struct result head;
    struct comparison cmp;
    struct bump_plan plan;
    struct version_file *cur = NULL, *nv = xcalloc(1, sizeof(*nv));
    char *cur_data = NULL, *text = NULL, *fs_path = NULL;
    size_t cur_len = 0, text_len = 0;
    int rc = 0;

    memset(o, 0, sizeof(*o));
    o->summary = (struct buf)BUF_INIT;
    memset(&cmp, 0, sizeof(cmp));
    memset(&plan, 0, sizeof(plan));
    result_init(&head);

    if (!vf_rel) {
        rc = err_set(DSCI_EUSAGE, "%s:%zu: dataset.version_file is not set: bump writes the version there "
                     "(e.g. version_file: data/version.json)", spec->path, spec->dataset.loc.line);
        goto done;
    }
    if (!ds->repo && opts->tag) {
        rc = err_set(DSCI_EENV, "--tag needs a git repository: not a git repository (or any parent up to /)");
        goto done;
    }
    if (!ds->repo && strcmp(base_opt, "auto") && strcmp(base_opt, "none")) {
        rc = err_set(DSCI_EENV, "--base %s needs a git repository: not a git repository (or any parent up to /)",
                     base_opt);
        goto done;
    }
    if (!ds->repo && !strcmp(base_opt, "auto"))
        note(o, "not in a git repository: no baseline tag; bumping from the version file (--base none)");
    if ((rc = target_path(&fs_path, ds, vf_rel)) < 0)
        goto done;
    o->version_file = source_display_path(ds->src, vf_rel);

    /* The version file as it is now: a file that does not parse is left alone. */
    if (source_exists(ds->src, vf_rel)) {
        if ((rc = source_read_file(ds->src, vf_rel, &cur_data, &cur_len)) < 0 ||
            (rc = version_file_parse(&cur, o->version_file, cur_data, cur_len)) < 0)
            goto done;
    }

    if ((rc = compare_run(&head, &cmp, ds, base_opt, true)) < 0)
        goto done;
    for (size_t i = 0; i < head.n_files; i++)
        if (head.files[i].lfs_pointer)
            note(o, "%s is a git LFS pointer: its checksum is the pointer's, not the data's", head.files[i].path);

    if ((rc = bump_plan_make(&plan, ds, &cmp, &head, cur, base_opt)) < 0)
        goto done;
    if (plan.note)
        note(o, "%s", plan.note);
    o->baseline = plan.baseline, plan.baseline = NULL;
    o->from = plan.from, plan.from = NULL;
    o->version = plan.version, plan.version = NULL;
    o->first = plan.first;
    o->decision = plan.decision;
    memset(&plan.decision, 0, sizeof(plan.decision));
    o->decided = true;

    /* The new record. */
    nv->version = xstrdup(o->version);
    if (o->first)
        nv->previous = cur && cur->previous ? xstrdup(cur->previous) : NULL;
    else if (o->decision.part != SEMVER_NONE)
        nv->previous = xstrdup(o->from);
    else if (cur && streq(cur->version, o->version))
        nv->previous = cur->previous ? xstrdup(cur->previous) : NULL;
    else if (plan.baseline_vf && plan.baseline_vf->previous)
        nv->previous = xstrdup(plan.baseline_vf->previous);
    nv->created = clock_now_iso8601();
    fill_splits(nv, spec, &head);
    nv->has_changes = true;
    const struct version_file *same_version = o->decision.part == SEMVER_NONE && !o->first
                                                  ? (cmp.have ? plan.baseline_vf : cur) : NULL;
    if (same_version && same_version->has_changes && streq(same_version->version, o->version)) {
        /* nothing bumped: the changes are still those that made this version */
        nv->added = same_version->added;
        nv->removed = same_version->removed;
        nv->modified = same_version->modified;
    } else if (cmp.have) {
        nv->added = cmp.diff.total.added;
        nv->removed = cmp.diff.total.removed;
        nv->modified = cmp.diff.total.modified;
    } else if (o->first) {
        for (size_t i = 0; i < nv->n_splits; i++)
            nv->added += nv->splits[i].examples;
    } else {
        /* no baseline to diff: what the counts say, per split */
        for (size_t i = 0; i < nv->n_splits; i++) {
            const struct version_split *r = recorded_split(cur, nv->splits[i].name);
            uint64_t b = r ? r->examples : 0, h = nv->splits[i].examples;
            if (h > b)
                nv->added += h - b;
            else
                nv->removed += b - h;
        }
        for (size_t i = 0; i < cur->n_splits; i++)
            if (!recorded_split(nv, cur->splits[i].name))
                nv->removed += cur->splits[i].examples;
    }

    /* An existing tag is refused before anything is written. */
    if (opts->tag) {
        o->tag = xasprintf("%s%s", spec->versioning.tag_prefix ? spec->versioning.tag_prefix : "", o->version);
        int exists = repo_tag_exists(ds->repo, o->tag);
        if (exists < 0) {
            rc = exists;
            goto done;
        }
        if (exists) {
            rc = err_set(DSCI_EUSAGE, "tag '%s' already exists; dsci never moves tags", o->tag);
            goto done;
        }
    }

    /* Write when something changed. */
    if (o->decision.part == SEMVER_NONE && !o->decision.data_changed && cur && same_data(cur, nv)) {
        o->nothing = true;
    } else if (cur && same_record(cur, nv)) {
        o->up_to_date = true;
    } else {
        if ((rc = version_file_render(&text, &text_len, nv, o->version_file, cur_data, cur_len)) < 0)
            goto done;
        if (opts->dry_run) {
            o->would_write = true;
            describe_changes(&o->summary, cur, nv);
        } else {
            if ((rc = atomic_write_file(fs_path, text, text_len, 0644)) < 0)
                goto done;
            o->written = true;
        }
    }

    if (opts->tag && !opts->dry_run) {
        if ((rc = require_committed(ds, &head, vf_rel, o)) < 0)
            goto done;
        char *message = xasprintf("dataset %s %s\n\n%s: %s\n", spec->dataset.name ? spec->dataset.name : "dataset",
                                  o->version, semver_part_name(o->decision.part), o->decision.reason);
        rc = repo_create_tag(ds->repo, o->tag, message, NULL);
        free(message);
        if (rc < 0)
            goto done;
        o->tag_created = true;
    }
done:
    if (rc < 0 && o->tag && !o->tag_created && !opts->dry_run) {
        free(o->tag);
        o->tag = NULL;
    }
    free(text);
    free(fs_path);
    free(cur_data);
    version_file_free(cur);
    version_file_free(nv);
    bump_plan_release(&plan);
    comparison_release(&cmp);
    result_release(&head);
    return rc;
}

void bump_outcome_release(struct bump_outcome *o)
{
    free(o->baseline);
    free(o->from);
    free(o->version);
    bump_decision_release(&o->decision);
    free(o->version_file);
    buf_release(&o->summary);
    free(o->tag);
    for (size_t i = 0; i < o->n_notes; i++)
        free(o->notes[i]);
    free(o->notes);
    memset(o, 0, sizeof(*o));
}
