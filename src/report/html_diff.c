/*
 * The regression diff in the HTML report: added, removed, modified and unchanged
 * examples against the baseline, per split and per category, then the changed examples
 * the comparison kept (DIFF_MAX_SAMPLES), each at its place (the baseline's for a
 * removed one). Numbers come from the comparison; nothing is counted here.
 */
#include "report/html.h"

#include "run/compare.h"
#include "spec/spec.h"

static void counts_row(struct buf *b, const char *name, bool strong, const struct diff_counts *c)
{
    buf_addstr(b, strong ? "<tr><td><strong>" : "<tr><td>");
    html_text(b, name);
    buf_printf(b, "%s</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
                  "<td class=\"n\">%llu</td></tr>\n",
               strong ? "</strong>" : "", (unsigned long long)c->added, (unsigned long long)c->removed,
               (unsigned long long)c->modified, (unsigned long long)c->unchanged);
}

static void table_head(struct buf *b, const char *what)
{
    buf_printf(b, "<table>\n<thead><tr><th>%s</th><th class=\"n\">Added</th><th class=\"n\">Removed</th>"
                  "<th class=\"n\">Modified</th><th class=\"n\">Unchanged</th></tr></thead>\n<tbody>\n", what);
}

static const char *split_name(const struct comparison *cmp, size_t i)
{
    return i < cmp->merged.dataset.n_splits ? cmp->merged.dataset.splits[i].name : "?";
}

static const char *category_name(const struct comparison *cmp, size_t i)
{
    return i < cmp->merged.gates.coverage.n_categories ? cmp->merged.gates.coverage.categories[i].name : "(none)";
}

void html_diff_section(struct buf *b, const struct result *r, const struct report_options *o)
{
    (void)r;
    const struct comparison *cmp = o->comparison;
    if (!cmp || !cmp->have)
        return;
    const struct diff *d = &cmp->diff;
    buf_addstr(b, "<h2 id=\"diff\">Changes since <code>");
    html_text(b, cmp->baseline ? cmp->baseline : "the baseline");
    buf_addstr(b, "</code></h2>\n<p>");
    html_count(b, d->total.added);
    buf_addstr(b, " added, ");
    html_count(b, d->total.removed);
    buf_addstr(b, " removed, ");
    html_count(b, d->total.modified);
    buf_addstr(b, " modified, ");
    html_count(b, d->total.unchanged);
    buf_addstr(b, " unchanged (");
    html_count(b, d->base_examples);
    buf_addstr(b, " examples then, ");
    html_count(b, d->head_examples);
    buf_addstr(b, " now).</p>\n");

    table_head(b, "Split");
    for (size_t i = 0; i < d->n_splits; i++)
        counts_row(b, split_name(cmp, i), false, &d->by_split[i]);
    counts_row(b, "all", true, &d->total);
    buf_addstr(b, "</tbody>\n</table>\n");
    if (d->n_categories) {
        table_head(b, "Category");
        for (size_t i = 0; i <= d->n_categories; i++) {
            const struct diff_counts *c = &d->by_category[i];
            if (i == d->n_categories && !c->added && !c->removed && !c->modified && !c->unchanged)
                continue;
            counts_row(b, category_name(cmp, i), false, c);
        }
        buf_addstr(b, "</tbody>\n</table>\n");
    }
    if (!d->n_samples)
        return;
    uint64_t changed = d->total.added + d->total.removed + d->total.modified;
    buf_addstr(b, "<h3>Changed examples</h3>\n<table>\n<thead><tr><th>Change</th><th>Where</th><th>Split</th>"
                  "<th>Category</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < d->n_samples; i++) {
        const struct diff_sample *s = &d->samples[i];
        buf_printf(b, "<tr><td>%s</td><td>", diff_kind_name(s->kind));
        html_place(b, s->path, s->line, "", s->kind != DIFF_REMOVED);
        if (s->kind == DIFF_REMOVED)
            buf_addstr(b, " <span class=\"muted\">(in the baseline)</span>");
        buf_addstr(b, "</td><td>");
        html_text(b, split_name(cmp, s->split));
        buf_addstr(b, "</td><td>");
        html_text(b, category_name(cmp, s->category));
        buf_addstr(b, "</td></tr>\n");
    }
    buf_addstr(b, "</tbody>\n</table>\n");
    if (changed > d->n_samples) {
        buf_addstr(b, "<p class=\"muted\">Showing ");
        html_count(b, d->n_samples);
        buf_addstr(b, " of ");
        html_count(b, changed);
        buf_addstr(b, " changed examples (<code>dsci diff</code> lists them all).</p>\n");
    }
}
