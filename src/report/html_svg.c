/*
 * The HTML report's charts as inline SVG. Each is an <svg role="img"> with a <title>
 * and a <desc> saying what it shows, and a table with the same numbers follows it, so
 * a screen reader, a text browser and a reviewer who wants exact figures lose nothing.
 * Colour is never the only signal: a gap is red and also says "below min" in words.
 * Labels are data: they go through html_text() like every other string.
 */
#include "report/html.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "run/compare.h"
#include "spec/spec.h"

#define CHART_WIDTH 880
#define LABEL_WIDTH 190        /* the category names' column */
#define BAR_WIDTH 460          /* the longest bar */
#define ROW_HEIGHT 26
#define LABEL_CHARS 28         /* code points of a name inside the chart (the table has it whole) */

static uint64_t check_count(double v)
{
    return isnan(v) || v < 0 ? 0 : (uint64_t)v;
}

static double bar_x(uint64_t v, uint64_t max)
{
    return LABEL_WIDTH + (max ? (double)BAR_WIDTH * (double)v / (double)max : 0.0);
}

void html_coverage_chart(struct buf *b, const struct result *r, const struct report_options *o)
{
    const struct section *s = result_find_section(r, "coverage");
    if (!s || !s->n_checks)
        return;
    uint64_t max = 1;
    for (size_t i = 0; i < s->n_checks; i++) {
        const struct check *c = &s->checks[i];
        uint64_t have = check_count(c->value), min = check_count(c->threshold), base = 0;
        bool has_base = comparison_base_category(o->comparison, c->name, &base);
        if (have > max)
            max = have;
        if (min > max)
            max = min;
        if (has_base && base > max)
            max = base;
    }
    size_t gaps = 0;
    for (size_t i = 0; i < s->n_checks; i++) {
        const struct check *c = &s->checks[i];
        uint64_t have = check_count(c->value), base = 0;
        gaps += have < check_count(c->threshold) ||
                (comparison_base_category(o->comparison, c->name, &base) && base > have);
    }
    size_t height = (s->n_checks + 1) * ROW_HEIGHT + 10;
    buf_addstr(b, "<h2 id=\"coverage\">Coverage</h2>\n");
    buf_printf(b, "<svg role=\"img\" aria-labelledby=\"cov-t cov-d\" viewBox=\"0 0 %d %zu\" width=\"%d\" "
                  "height=\"%zu\">\n",
               CHART_WIDTH, height, CHART_WIDTH, height);
    buf_printf(b, "<title id=\"cov-t\">Examples per category</title>\n<desc id=\"cov-d\">A bar per category: its "
                  "examples; a solid line marks its minimum, a dashed line its count in the baseline. %zu of %zu "
                  "categor%s below the minimum or below the baseline. The table below has the numbers.</desc>\n",
               gaps, s->n_checks, gaps == 1 ? "y is" : "ies are");
    for (size_t i = 0; i < s->n_checks; i++) {
        const struct check *c = &s->checks[i];
        uint64_t have = check_count(c->value), min = check_count(c->threshold), base = 0;
        bool has_base = comparison_base_category(o->comparison, c->name, &base);
        bool below = have < min, dropped = has_base && base > have;
        size_t y = i * ROW_HEIGHT + 6;
        buf_printf(b, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\">", LABEL_WIDTH - 6, y + 16);
        html_text_cut(b, c->name, LABEL_CHARS);
        buf_addstr(b, "</text>");
        buf_printf(b, "<rect class=\"bar%s\" x=\"%d\" y=\"%zu\" width=\"%.1f\" height=\"%d\"/>", below || dropped ? " gap" : "",
                   LABEL_WIDTH, y + 3, bar_x(have, max) - LABEL_WIDTH, ROW_HEIGHT - 8);
        if (min)
            buf_printf(b, "<line class=\"min\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%zu\" y2=\"%zu\"/>", bar_x(min, max),
                       bar_x(min, max), y, y + ROW_HEIGHT - 2);
        if (has_base)
            buf_printf(b, "<line class=\"base\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%zu\" y2=\"%zu\"/>", bar_x(base, max),
                       bar_x(base, max), y, y + ROW_HEIGHT - 2);
        buf_printf(b, "<text x=\"%d\" y=\"%zu\">%llu (min %llu", LABEL_WIDTH + BAR_WIDTH + 12, y + 16,
                   (unsigned long long)have, (unsigned long long)min);
        if (has_base)
            buf_printf(b, ", baseline %llu", (unsigned long long)base);
        buf_addstr(b, ")");
        if (below)
            buf_addstr(b, " below min");
        else if (dropped)
            buf_addstr(b, " below baseline");
        buf_addstr(b, "</text>\n");
    }
    size_t y = s->n_checks * ROW_HEIGHT + 6;
    buf_printf(b, "<line class=\"min\" x1=\"%d\" x2=\"%d\" y1=\"%zu\" y2=\"%zu\"/><text x=\"%d\" y=\"%zu\">minimum</text>",
               LABEL_WIDTH, LABEL_WIDTH + 24, y + 12, y + 12, LABEL_WIDTH + 30, y + 16);
    if (o->comparison && o->comparison->have)
        buf_printf(b, "<line class=\"base\" x1=\"%d\" x2=\"%d\" y1=\"%zu\" y2=\"%zu\"/><text x=\"%d\" y=\"%zu\">baseline</text>",
                   LABEL_WIDTH + 110, LABEL_WIDTH + 134, y + 12, y + 12, LABEL_WIDTH + 140, y + 16);
    buf_addstr(b, "\n</svg>\n");

    buf_addstr(b, "<table>\n<thead><tr><th>Category</th><th class=\"n\">Examples</th><th class=\"n\">Minimum</th>"
                  "<th class=\"n\">Baseline</th><th>Status</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < s->n_checks; i++) {
        const struct check *c = &s->checks[i];
        uint64_t have = check_count(c->value), min = check_count(c->threshold), base = 0;
        bool has_base = comparison_base_category(o->comparison, c->name, &base);
        buf_addstr(b, "<tr><td>");
        html_text(b, c->name);
        buf_printf(b, "</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td><td class=\"n\">", (unsigned long long)have,
                   (unsigned long long)min);
        if (has_base)
            buf_printf(b, "%llu", (unsigned long long)base);
        else
            buf_addstr(b, "n/a");
        buf_addstr(b, "</td><td>");
        if (have < min)
            buf_printf(b, "<span class=\"gap\">below min: %llu more needed</span>", (unsigned long long)(min - have));
        else if (has_base && base > have)
            buf_printf(b, "<span class=\"gap\">below baseline: %llu fewer than the baseline</span>",
                       (unsigned long long)(base - have));
        else
            buf_addstr(b, "ok");
        buf_addstr(b, "</td></tr>\n");
    }
    buf_addstr(b, "</tbody>\n</table>\n");
    if (r->metrics.category_counts && r->metrics.category_counts[r->n_categories]) {
        buf_addstr(b, "<p>");
        html_count(b, r->metrics.category_counts[r->n_categories]);
        buf_addstr(b, " examples match no category.</p>\n");
    }
}

static bool base_split(const struct comparison *cmp, const char *name, uint64_t *out)
{
    if (!cmp || !cmp->have || !cmp->base.metrics.split_examples)
        return false;
    for (size_t i = 0; i < cmp->base.n_splits; i++)
        if (!strcmp(cmp->base.split_names[i], name)) {
            *out = cmp->base.metrics.split_examples[i];
            return true;
        }
    return false;
}

#define SPLIT_COLOURS 6

/* One stacked bar: each split's share of the examples. */
void html_split_chart(struct buf *b, const struct result *r, const struct report_options *o)
{
    const uint64_t *n = r->metrics.split_examples;
    if (!n || !r->n_splits)
        return;
    uint64_t total = 0;
    for (size_t i = 0; i < r->n_splits; i++)
        total += n[i];
    buf_addstr(b, "<h2 id=\"splits\">Splits</h2>\n");
    buf_printf(b, "<svg role=\"img\" aria-labelledby=\"spl-t spl-d\" viewBox=\"0 0 %d 40\" width=\"%d\" height=\"40\">\n"
                  "<title id=\"spl-t\">Examples per split</title>\n"
                  "<desc id=\"spl-d\">One bar divided by split, each part as wide as its share of the ",
               CHART_WIDTH, CHART_WIDTH);
    html_count(b, total);
    buf_addstr(b, " examples; the table below has the numbers.</desc>\n");
    double x = 0;
    for (size_t i = 0; i < r->n_splits && total; i++) {
        double w = (double)CHART_WIDTH * (double)n[i] / (double)total;
        buf_printf(b, "<rect class=\"s%zu\" x=\"%.1f\" y=\"4\" width=\"%.1f\" height=\"32\"/>", i % SPLIT_COLOURS, x, w);
        x += w;
    }
    buf_addstr(b, "\n</svg>\n<table>\n<thead><tr><th>Split</th><th class=\"n\">Examples</th><th class=\"n\">Share</th>"
                  "<th class=\"n\">Baseline</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->n_splits; i++) {
        uint64_t base = 0;
        buf_printf(b, "<tr><td><svg class=\"key\" viewBox=\"0 0 10 10\" aria-hidden=\"true\"><rect class=\"s%zu\" "
                      "width=\"10\" height=\"10\"/></svg>", i % SPLIT_COLOURS);
        html_text(b, r->split_names[i]);
        buf_printf(b, "</td><td class=\"n\">%llu</td><td class=\"n\">%.1f%%</td><td class=\"n\">", (unsigned long long)n[i],
                   total ? 100.0 * (double)n[i] / (double)total : 0.0);
        if (base_split(o->comparison, r->split_names[i], &base))
            buf_printf(b, "%llu", (unsigned long long)base);
        else
            buf_addstr(b, "n/a");
        buf_addstr(b, "</td></tr>\n");
    }
    buf_addstr(b, "</tbody>\n</table>\n");
}

/* "[lo, hi)" in code points of length bucket k (result.h). */
static void bucket_range(struct buf *b, size_t k)
{
    if (k == 0)
        buf_addstr(b, "0");
    else if (k == RESULT_LENGTH_BUCKETS - 1)
        buf_printf(b, "%llu+", 1ULL << (k - 1));
    else if (k == 1)
        buf_addstr(b, "1");
    else
        buf_printf(b, "%llu–%llu", 1ULL << (k - 1), (1ULL << k) - 1);
}

#define HIST_HEIGHT 120
#define HIST_COL 34

/* What one histogram counts, in the words its caption, title and table use. */
struct hist_words {
    const char *what;        /* caption: "<split>, <what> (<n><count_unit>)" */
    const char *count_unit;  /* "" or " examples" */
    const char *title;       /* title: "Lengths of <split> <title>, on a doubling scale; ..." */
    const char *value_head;  /* the table's columns */
    const char *count_head;
};

/* One histogram of doubling buckets (result.h) from its first to its last non-empty one;
 * `id` names its title for aria-labelledby. Nothing when every bucket is empty. */
static void length_chart(struct buf *b, const char *split, const char *id, const struct hist_words *w,
                         const uint64_t *counts)
{
    size_t lo = RESULT_LENGTH_BUCKETS, hi = 0;
    uint64_t max = 0, total = 0;
    for (size_t k = 0; k < RESULT_LENGTH_BUCKETS; k++)
        if (counts[k]) {
            lo = k < lo ? k : lo;
            hi = k;
            max = counts[k] > max ? counts[k] : max;
            total += counts[k];
        }
    if (!total)
        return;
    size_t cols = hi - lo + 1, width = cols * HIST_COL + 60;
    buf_addstr(b, "<figure>\n<figcaption>");
    html_text(b, split);
    buf_printf(b, ", %s (", w->what);
    html_count(b, total);
    buf_printf(b, "%s)</figcaption>\n", w->count_unit);
    buf_printf(b, "<svg role=\"img\" aria-labelledby=\"%s-t\" viewBox=\"0 0 %zu %d\" width=\"%zu\" "
                  "height=\"%d\">\n<title id=\"%s-t\">Lengths of ",
               id, width, HIST_HEIGHT + 56, width, HIST_HEIGHT + 56, id);
    html_text(b, split);
    buf_printf(b, " %s, on a doubling scale; the table next to it has the counts</title>\n", w->title);
    for (size_t k = lo; k <= hi; k++) {
        double h = (double)HIST_HEIGHT * (double)counts[k] / (double)max;
        size_t x = 10 + (k - lo) * HIST_COL;
        buf_printf(b, "<rect class=\"bar\" x=\"%zu\" y=\"%.1f\" width=\"%d\" height=\"%.1f\"/>", x, 10 + HIST_HEIGHT - h,
                   HIST_COL - 4, h);
        buf_printf(b, "<text x=\"%zu\" y=\"%d\" font-size=\"9\" transform=\"rotate(30 %zu %d)\">", x, HIST_HEIGHT + 24,
                   x, HIST_HEIGHT + 24);
        bucket_range(b, k);
        buf_addstr(b, "</text>");
    }
    buf_printf(b, "\n</svg>\n<details><summary>Counts</summary><table>\n<thead><tr><th>%s</th>"
                  "<th class=\"n\">%s</th></tr></thead>\n<tbody>\n", w->value_head, w->count_head);
    for (size_t k = lo; k <= hi; k++) {
        buf_addstr(b, "<tr><td>");
        bucket_range(b, k);
        buf_printf(b, "</td><td class=\"n\">%llu</td></tr>\n", (unsigned long long)counts[k]);
    }
    buf_addstr(b, "</tbody>\n</table></details>\n</figure>\n");
}

static const char *split_name(const struct result *r, const struct report_options *o, size_t s)
{
    return s < r->n_splits ? r->split_names[s]
           : o->spec && s < o->spec->dataset.n_splits ? o->spec->dataset.splits[s].name : "?";
}

void html_length_charts(struct buf *b, const struct result *r, const struct report_options *o)
{
    static const struct hist_words roles[RESULT_ROLES] = {
        { "user messages", "", "user messages in code points", "Code points", "Messages" },
        { "assistant messages", "", "assistant messages in code points", "Code points", "Messages" },
    };
    const struct result_lengths *l = &r->lengths;
    if (!l->counts || !l->n_splits)
        return;
    buf_addstr(b, "<h2 id=\"lengths\">Message lengths</h2>\n<p>Per split and role, in code points; each bar "
                  "covers twice the lengths of the one before.</p>\n<div class=\"pair\">\n");
    for (size_t s = 0; s < l->n_splits; s++)
        for (size_t role = 0; role < RESULT_ROLES; role++) {
            char id[48];
            snprintf(id, sizeof(id), "len-%zu-%zu", s, role);
            length_chart(b, split_name(r, o, s), id, &roles[role], l->counts[s][role]);
        }
    buf_addstr(b, "</div>\n");
}

static bool any_count(const uint64_t *counts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (counts[i])
            return true;
    return false;
}

void html_token_length_charts(struct buf *b, const struct result *r, const struct report_options *o)
{
    static const struct hist_words words = { "tokens per example", " examples",
                                             "examples in tokens (each whole example as the tokens gate counts it)",
                                             "Tokens", "Examples" };
    static const struct hist_words roles[RESULT_ROLES] = {
        { "tokens per user message", " messages",
          "user messages in tokens (each its role, text and tool calls and the template's per-message tokens)",
          "Tokens", "Messages" },
        { "tokens per assistant message", " messages",
          "assistant messages in tokens (each its role, text and tool calls and the template's per-message tokens)",
          "Tokens", "Messages" },
    };
    const struct result_token_lengths *l = &r->token_lengths;
    if (!l->counts || !l->n_splits)
        return;
    buf_addstr(b, "<h2 id=\"token-lengths\">Tokens per example</h2>\n<p>Per split, as the tokens gate counts "
                  "them (its limits are per example): each whole example, its texts and roles through the chat "
                  "template; each bar covers twice the counts of the one before.</p>\n"
                  "<div class=\"pair\">\n");
    for (size_t s = 0; s < l->n_splits; s++) {
        char id[32];
        snprintf(id, sizeof(id), "tok-%zu", s);
        length_chart(b, split_name(r, o, s), id, &words, l->counts[s]);
    }
    buf_addstr(b, "</div>\n");
    if (!l->roles || !any_count(&l->roles[0][0][0], l->n_splits * RESULT_ROLES * RESULT_LENGTH_BUCKETS))
        return;   /* no user or assistant message (all system and tool): no empty section */
    buf_addstr(b, "<h2 id=\"token-roles\">Tokens per message</h2>\n<p>Per split and role, the user and "
                  "assistant messages as the tokens gate counts them: each its role, text and tool calls and "
                  "the chat template's per-message tokens (other roles count in their examples only); each bar "
                  "covers twice the counts of the one before.</p>\n<div class=\"pair\">\n");
    for (size_t s = 0; s < l->n_splits; s++)
        for (size_t role = 0; role < RESULT_ROLES; role++) {
            char id[48];
            snprintf(id, sizeof(id), "tok-%zu-%zu", s, role);
            length_chart(b, split_name(r, o, s), id, &roles[role], l->roles[s][role]);
        }
    buf_addstr(b, "</div>\n");
}
