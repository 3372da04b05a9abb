/*
 * Removed examples have no line in the head; their findings name the file and say
 * where the example stood in the baseline, so no annotation lands on an unrelated line.
 * That place is also the finding's one related location (path and line in the
 * baseline), which SARIF uses as the result's location.
 *
 * The regression gate: the head against its baseline version. Three rules, each with
 * its own level (spec gates.regression):
 *   - coverage_drop: no category may fall below its count in the baseline;
 *   - max_removed: at most this share of the baseline's examples may be removed
 *     (modified ones are not removed);
 *   - metric_drift: a quality metric that was inside its target band may not leave it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/diff.h"
#include "gates/gates.h"
#include "util/sha256.h"
#include "util/xalloc.h"

static bool band_has(const struct spec_band *b, double v)
{
    return v >= b->lo && v <= b->hi;
}

static void coverage_checks(struct section *sec, const struct spec *spec, const struct diff *d)
{
    enum gate_level level = spec->gates.regression.coverage_drop;
    if (level == LEVEL_OFF)
        return;
    for (size_t i = 0; i < spec->gates.coverage.n_categories; i++) {
        const char *name = spec->gates.coverage.categories[i].name;
        uint64_t before = d->base_category_counts[i], now = d->head_category_counts[i];
        char *id = xasprintf("regression.coverage.%s", name);
        struct check *c = result_add_check(sec, id, name);
        free(id);
        c->value = (double)now;
        c->threshold = (double)before;
        check_set_value(c, "%llu examples", (unsigned long long)now);
        check_set_threshold(c, "baseline: %llu", (unsigned long long)before);
        if (now < before) {
            c->status = STATUS_FAIL;
            check_set_remediation(c, "'%s' dropped from %llu to %llu examples since the baseline: restore the %llu "
                                     "removed or re-categorized conversations, or add new ones",
                                  name, (unsigned long long)before, (unsigned long long)now,
                                  (unsigned long long)(before - now));
            for (size_t k = 0; k < d->n_samples; k++)
                if (d->samples[k].kind == DIFF_REMOVED && d->samples[k].category == i) {
                    check_add_finding(c, d->samples[k].path, 0, "removed",
                                      "the '%s' example at line %zu in the baseline was removed", name,
                                      d->samples[k].line);
                    check_relate_last(c, d->samples[k].path, d->samples[k].line);   /* its baseline place */
                }
        }
        check_apply_level(c, level, false);
    }
}

static void removed_check(struct section *sec, const struct spec *spec, const struct diff *d)
{
    double limit = spec->gates.regression.max_removed;
    struct check *c = result_add_check(sec, "regression.max_removed", "Removed examples");
    double share = d->base_examples ? (double)d->total.removed / (double)d->base_examples : 0.0;
    c->value = 100.0 * share;
    c->threshold = 100.0 * limit;
    check_set_value(c, "%llu of %llu (%.1f%%)", (unsigned long long)d->total.removed,
                    (unsigned long long)d->base_examples, 100.0 * share);
    check_set_threshold(c, "max: %g%%", 100.0 * limit);
    if (share > limit + 1e-12) {
        c->status = STATUS_FAIL;
        check_set_remediation(c, "%llu examples (%.1f%%) were removed since the baseline, more than the %g%% allowed: "
                                 "restore them, or raise gates.regression.max_removed if the removal is intended",
                              (unsigned long long)d->total.removed, 100.0 * share, 100.0 * limit);
        for (size_t k = 0; k < d->n_samples; k++)
            if (d->samples[k].kind == DIFF_REMOVED) {
                check_add_finding(c, d->samples[k].path, 0, "removed",
                                  "the example at line %zu in the baseline was removed", d->samples[k].line);
                check_relate_last(c, d->samples[k].path, d->samples[k].line);   /* its baseline place */
            }
    }
    check_apply_level(c, spec->gates.regression.level, false);
}

static void drift_check(struct section *sec, enum gate_level level, const char *id, const char *name,
                        double before, double now, bool was_ok, bool is_ok, const char *target_text)
{
    struct check *c = result_add_check(sec, id, name);
    c->value = now;
    c->threshold = before;
    check_set_value(c, "%.2f (baseline %.2f)", now, before);
    check_set_threshold(c, "target: %s", target_text);
    if (was_ok && !is_ok) {
        c->status = STATUS_FAIL;
        check_set_remediation(c, "%s left its target band (%s) since the baseline: %.2f -> %.2f", name, target_text,
                              before, now);
    }
    check_apply_level(c, level, false);
}

static void drift_checks(struct section *sec, const struct spec *spec, const struct result *head,
                         const struct result *base)
{
    enum gate_level level = spec->gates.regression.metric_drift;
    if (level == LEVEL_OFF || spec->gates.quality.level == LEVEL_OFF)
        return;
    const struct result_metrics *h = &head->metrics, *b = &base->metrics;
    const struct spec_band_metric *hl = &spec->gates.quality.human_length, *al = &spec->gates.quality.assistant_length;
    char text[64];
    snprintf(text, sizeof(text), "%g-%g", hl->target.lo, hl->target.hi);
    drift_check(sec, level, "regression.human_length", "Avg human length", b->human_length, h->human_length,
                band_has(&hl->target, b->human_length), band_has(&hl->target, h->human_length), text);
    snprintf(text, sizeof(text), "%g-%g", al->target.lo, al->target.hi);
    drift_check(sec, level, "regression.assistant_length", "Avg assistant length", b->assistant_length,
                h->assistant_length, band_has(&al->target, b->assistant_length),
                band_has(&al->target, h->assistant_length), text);
    double ut = spec->gates.quality.unique_messages.target;
    snprintf(text, sizeof(text), ">= %g%%", ut);
    drift_check(sec, level, "regression.unique_messages", "Unique messages", b->unique_messages, h->unique_messages,
                b->unique_messages >= ut, h->unique_messages >= ut, text);
    double vt = spec->gates.quality.turn_variance.target;
    snprintf(text, sizeof(text), "<= %g", vt);
    drift_check(sec, level, "regression.turn_variance", "Turn variance", b->turn_variance, h->turn_variance,
                b->turn_variance <= vt, h->turn_variance <= vt, text);
}

/* The tokens gate's tokenizer, by its bytes, when both runs counted tokens. A change is
 * said (at metric_drift's level) and proposes a major version (version/bump_plan.c). */
static void tokenizer_check(struct section *sec, const struct spec *spec, const struct result *head,
                            const struct result *base)
{
    const struct result_tokens *h = head->tokens, *b = base ? base->tokens : NULL;
    if (!h || !b || !h->sha256_valid || !b->sha256_valid)
        return;
    char now[65], before[65];
    sha256_hex(now, h->sha256);
    sha256_hex(before, b->sha256);
    struct check *c = result_add_check(sec, "regression.tokenizer", "Tokenizer unchanged");
    if (!strcmp(now, before)) {
        check_set_value(c, "sha256:%.12s", now);
        c->status = STATUS_PASS;
    } else {
        check_set_value(c, "sha256:%.12s (baseline sha256:%.12s)", now, before);
        c->status = STATUS_FAIL;
        check_add_finding(c, h->shown_path ? h->shown_path : h->path, 0, "tokenizer_changed", "the tokenizer changed since the baseline: sha256 %s "
                          "-> %s", before, now);
        check_set_remediation(c, "The tokenizer %s changed since the baseline (sha256 %.12s -> %.12s): a model "
                              "trained on one and evaluated on the other sees other tokens; release it as a "
                              "new major version", h->path, before, now);
    }
    check_apply_level(c, spec->gates.regression.metric_drift, false);
}

void gate_regression_add(struct result *head, const struct spec *spec, const char *baseline,
                         const struct diff *diff, const struct result *base)
{
    if (spec->gates.regression.level == LEVEL_OFF)
        return;
    char *title = xasprintf("REGRESSION (vs %s)", baseline);
    struct section *sec = result_add_section(head, "regression", title, spec->gates.regression.level,
                                             spec->gates.regression.loc);
    free(title);
    /* A file that is an LFS pointer on either side (its object not in the local store)
     * was left out of the diff (run/diff.h): say so once, and how to fetch the baseline's
     * (the head's pointer is named by the format gate with its command). */
    const char *pointer = NULL;
    size_t pointers = 0;
    bool in_base = false;
    for (size_t i = 0; i < base->n_files; i++)
        if (base->files[i].lfs_pointer && !pointers++) {
            pointer = base->files[i].path;
            in_base = true;
        }
    for (size_t i = 0; i < head->n_files; i++)
        if (head->files[i].lfs_pointer && !pointers++)
            pointer = head->files[i].path;
    char lfs[768] = "";
    if (pointers && in_base)
        snprintf(lfs, sizeof(lfs), " (%s%s in %s: a git LFS pointer whose object is not in the local LFS store; its "
                 "examples are left out of the comparison until it is fetched: `git lfs fetch origin %s`)", pointer,
                 pointers > 1 ? " and others" : "", baseline, baseline);
    else if (pointers)
        snprintf(lfs, sizeof(lfs), " (%s%s: a git LFS pointer whose object is not in the local LFS store; its "
                 "examples are left out of the comparison until it is fetched)", pointer,
                 pointers > 1 ? " and others" : "");
    sec->note = xasprintf("%llu added, %llu removed, %llu modified, %llu unchanged%s",
                          (unsigned long long)diff->total.added, (unsigned long long)diff->total.removed,
                          (unsigned long long)diff->total.modified, (unsigned long long)diff->total.unchanged, lfs);
    coverage_checks(sec, spec, diff);
    removed_check(sec, spec, diff);
    drift_checks(sec, spec, head, base);
    tokenizer_check(sec, spec, head, base);
}
