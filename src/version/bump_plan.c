/*
 * The bump plan: which part of the version to bump and why (bump_decide, pure logic over
 * the diff or the version file's record), and the one plan built from a comparison
 * (bump_plan_make) that `dsci check` proposes and `dsci bump` applies.
 */
#include "version/bump_impl.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "data/source.h"
#include "util/err.h"
#include "util/path_boundary.h"
#include "util/sha256.h"
#include "util/xalloc.h"

#define FIRST_VERSION "1.0.0"

/* ------------------------------------------------------------------------------ */
/* The decision                                                                    */

const char *bump_plural(uint64_t n)
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
    for (int f = FORMAT_SHAREGPT; f < FORMAT_COUNT && used < size; f++)
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

const struct version_split *bump_recorded_split(const struct version_file *vf, const char *name)
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
        const struct version_split *r = bump_recorded_split(vf, spec->dataset.splits[s].name);
        if (!r || !recorded_matches(r, head, s))
            return false;
    }
    return true;
}

/* "3 examples modified" or "2 added, 2 removed, 1 modified, net 0". */
static void edit_text(char *out, size_t size, uint64_t added, uint64_t removed, uint64_t modified, int64_t net)
{
    if (!added && !removed) {
        snprintf(out, size, "%" PRIu64 " example%s modified", modified, bump_plural(modified));
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
                    " example%s before)", s->name, s->examples, bump_plural(s->examples));
            else
                hit(d, spec, BUMP_RULE_SPLIT_REMOVED, "split '%s' is no longer in the spec", s->name);
        }
    }
}

/* With a baseline: the example-level diff. */
/* The format: dataset.format, or the formats a split's files were read in. */
static void decide_formats(struct bump_decision *d, const struct bump_input *in)
{
    const struct spec *spec = in->spec;
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
}

/* Splits and categories gone, and removals over the regression gate's limit. */
static void decide_removals(struct bump_decision *d, const struct bump_input *in)
{
    const struct spec *spec = in->spec;
    const struct diff *df = in->diff;
    const struct diff_counts *t = &df->total;

    for (size_t s = 0; s < df->n_splits && s < spec->dataset.n_splits; s++) {
        const char *name = spec->dataset.splits[s].name;
        if (df->base_split_counts[s] == 0 || df->head_split_counts[s] > 0)
            continue;
        hit(d, spec, BUMP_RULE_SPLIT_REMOVED, "split '%s' %s (%" PRIu64 " example%s before)", name,
            spec_has_split(head_spec(in), name) ? "has no examples any more" : "is no longer in the spec",
            df->base_split_counts[s], bump_plural(df->base_split_counts[s]));
    }
    splits_dropped(d, in);

    /* categories (the last count is "none of them": not a category) */
    for (size_t c = 0; c < df->n_categories && c < spec->gates.coverage.n_categories; c++)
        if (df->base_category_counts[c] > 0 && df->head_category_counts[c] == 0)
            hit(d, spec, BUMP_RULE_CATEGORY_REMOVED, "category '%s' removed (%" PRIu64 " example%s before, none now)",
                spec->gates.coverage.categories[c].name, df->base_category_counts[c],
                bump_plural(df->base_category_counts[c]));

    /* removals over the limit (modified examples are not removed) */
    double limit = spec->gates.regression.max_removed;
    if (df->base_examples && (double)t->removed / (double)df->base_examples > limit + 1e-12)
        hit(d, spec, BUMP_RULE_REMOVED_OVER_LIMIT, "%" PRIu64 " of %" PRIu64 " examples removed (%.1f%%, max %g%%)",
            t->removed, df->base_examples, 100.0 * (double)t->removed / (double)df->base_examples, 100.0 * limit);
}

/* Growth: more examples than the baseline, and categories that are new. */
static void decide_additions(struct bump_decision *d, const struct bump_input *in)
{
    const struct spec *spec = in->spec;
    const struct diff *df = in->diff;
    const struct diff_counts *t = &df->total;
    int64_t net = (int64_t)df->head_examples - (int64_t)df->base_examples;

    if (df->head_examples > df->base_examples) {
        char more[96] = "";
        if (t->removed)
            snprintf(more, sizeof(more), ", %" PRIu64 " removed", t->removed);
        hit(d, spec, BUMP_RULE_EXAMPLES_ADDED, "%" PRIu64 " example%s added%s, net %+" PRId64, t->added,
            bump_plural(t->added), more, net);
    }
    for (size_t c = 0; c < df->n_categories && c < spec->gates.coverage.n_categories; c++)
        if (df->base_category_counts[c] == 0 && df->head_category_counts[c] > 0)
            hit(d, spec, BUMP_RULE_CATEGORY_ADDED, "category '%s' added (%" PRIu64 " example%s)",
                spec->gates.coverage.categories[c].name, df->head_category_counts[c],
                bump_plural(df->head_category_counts[c]));
}

static void decide_from_diff(struct bump_decision *d, const struct bump_input *in)
{
    const struct spec *spec = in->spec;
    const struct diff *df = in->diff;
    const struct diff_counts *t = &df->total;
    int64_t net = (int64_t)df->head_examples - (int64_t)df->base_examples;
    const char *first_changed = NULL;

    for (size_t s = 0; s < spec->dataset.n_splits; s++) {
        const char *f = changed_file(in->base, in->head, s);
        if (f && !first_changed)
            first_changed = f;
    }
    if (first_changed)
        d->data_changed = true;
    decide_formats(d, in);
    decide_removals(d, in);
    decide_additions(d, in);

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
        const struct version_split *r = bump_recorded_split(rec, name);
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
            bump_plural((uint64_t)net), net);
    else if (first_changed && net)
        /* Without a baseline, a modified example and a reformatted file look alike: the
         * counts do not grow and a checksum differs. */
        hit(d, spec, BUMP_RULE_EXAMPLES_MODIFIED, "split '%s' changed, net %+" PRId64, first_changed, net);
    else if (first_changed)
        hit(d, spec, BUMP_RULE_EXAMPLES_MODIFIED, "split '%s' changed with as many examples", first_changed);
}

/* The tokenizer gates.tokens counts with, by its bytes: the baseline's run, else the
 * version file's record, against the head's run. A new tokenizer is a new interface to
 * the model: mixed tokenizers between training and evaluation are a known failure. */
static void decide_tokenizer(struct bump_decision *d, const struct bump_input *in)
{
    const struct result_tokens *h = in->head ? in->head->tokens : NULL;
    if (!h || !h->sha256_valid)
        return;
    char now[65], before[72] = "";
    sha256_hex(now, h->sha256);
    const struct result_tokens *b = in->base ? in->base->tokens : NULL;
    if (b && b->sha256_valid)
        sha256_hex(before, b->sha256);
    else if (in->recorded && in->recorded->tokenizer_sha256 && !strncmp(in->recorded->tokenizer_sha256, "sha256:", 7))
        snprintf(before, sizeof(before), "%s", in->recorded->tokenizer_sha256 + 7);
    if (!before[0] || !strcasecmp(before, now))
        return;
    d->data_changed = true;
    hit(d, in->spec, BUMP_RULE_TOKENIZER_CHANGED, "the tokenizer %s changed (sha256 %.12s -> %.12s)", h->path,
        before, now);
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
    decide_tokenizer(d, in);

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
/* The baseline                                                                    */

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

/* With a baseline: its version file, its version (tag or record), and the decision over
 * the diff, the baseline's record and the card. */
static int plan_from_baseline(struct bump_plan *o, struct semver *from, struct dataset *ds,
                              const struct comparison *cmp, const struct result *head)
{
    const struct spec *spec = ds->spec;
    struct baseline_extra bx;
    int rc;

    o->v.baseline = xstrdup(cmp->baseline);
    if ((rc = load_baseline_extra(&bx, ds, cmp->baseline)) < 0)
        goto done;
    o->baseline_vf = bx.vf;
    bx.vf = NULL;
    if ((rc = baseline_version(from, spec, cmp->baseline, o->baseline_vf)) < 0)
        goto done;
    struct bump_input in = {
        .spec = &cmp->merged,
        .head_spec = spec,
        .diff = &cmp->diff,
        .base = &cmp->base,
        .head = head,
        .recorded = o->baseline_vf,
        .base_spec = cmp->base_spec,
        .card_changed = spec->dataset.card && card_differs(ds, &bx) ? spec->dataset.card : NULL,
    };
    bump_decide(&o->v.decision, &in);
done:
    baseline_extra_release(&bx);
    return rc;
}

/* Without a baseline: the current version file is the record to bump from (or there is
 * no version yet: the first one). */
static int plan_from_version_file(struct bump_plan *o, struct semver *from, struct dataset *ds,
                                  const struct result *head, const struct version_file *cur, const char *base_opt)
{
    const struct spec *spec = ds->spec;
    int rc;

    if (ds->repo && !strcmp(base_opt, "auto")) {
        char *none = compare_no_tag_text(spec, "HEAD", cur ? cur->version : NULL);
        o->note = xasprintf("%s: bumping from the version file", none);
        free(none);
    }
    if (!cur || !cur->version) {
        o->v.first = true;
        o->v.decision.part = SEMVER_MAJOR;
        o->v.decision.data_changed = true;
        o->v.decision.reason = xstrdup(cur ? "first version: the version file records none"
                                         : "first version: no baseline tag and no version file");
    } else if ((rc = semver_parse(from, cur->version)) < 0) {
        char why[256], *shown = source_display_path(ds->src, spec->dataset.version_file);
        snprintf(why, sizeof(why), "%s", err_last());
        rc = err_set(DSCI_EUSAGE, "%s: version %s; fix it or set it to the current version", shown, why);
        free(shown);
        return rc;
    } else if (!cur->n_splits) {
        /* A hand-written {"version": "0.1.0"}: the version to start from, as it is. */
        o->v.first = true;
        o->v.decision.data_changed = true;
        o->v.decision.reason = xasprintf("first record of %s: the version file listed no splits", cur->version);
    } else {
        struct bump_input in = { .spec = spec, .head = head, .recorded = cur };
        bump_decide(&o->v.decision, &in);
    }
    return 0;
}

int bump_plan_make(struct bump_plan *o, struct dataset *ds, const struct comparison *cmp,
                   const struct result *head, const struct version_file *cur, const char *base_opt)
{
    struct semver from = SEMVER_INIT, next = SEMVER_INIT;
    int rc;

    memset(o, 0, sizeof(*o));
    if (cmp->have)
        rc = plan_from_baseline(o, &from, ds, cmp, head);
    else
        rc = plan_from_version_file(o, &from, ds, head, cur, base_opt ? base_opt : "auto");
    if (rc < 0)
        goto done;

    /* The version. */
    if (o->v.first && !(cur && cur->version)) {
        rc = semver_parse(&next, FIRST_VERSION);
    } else if (o->v.first) {
        rc = semver_bump(&next, &from, SEMVER_NONE);   /* the version file's, as written */
    } else {
        rc = semver_bump(&next, &from, o->v.decision.part);
        o->v.from = semver_format(&from);
    }
    if (rc < 0)
        goto done;
    o->v.version = semver_format(&next);
done:
    semver_release(&from);
    semver_release(&next);
    return rc;
}

void bump_versions_release(struct bump_versions *v)
{
    free(v->baseline);
    free(v->from);
    free(v->version);
    bump_decision_release(&v->decision);
    memset(v, 0, sizeof(*v));
}

void bump_plan_release(struct bump_plan *p)
{
    bump_versions_release(&p->v);
    version_file_free(p->baseline_vf);
    free(p->note);
    memset(p, 0, sizeof(*p));
}
