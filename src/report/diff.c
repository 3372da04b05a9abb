/*
 * Output of `dsci diff`: the example-level diff as a text table or as JSON. The diff has
 * a different shape from a check result (counts by split and category, metric deltas),
 * so it has its own writers here rather than a struct reporter.
 */
#include "report/report_diff.h"

#include <inttypes.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/gh_escape.h"
#include "util/json_pretty.h"
#include "util/sha256.h"

/* Names from the spec, the repository or the command line on one terminal line each:
 * a line break or an escape sequence in a category or file name is shown, not obeyed. */
static const char *esc(struct buf *b, const char *s)
{
    buf_reset(b);
    term_escape(b, s ? s : "");
    return buf_cstr(b);
}

static void text_row(FILE *out, const char *name, const struct diff_counts *c)
{
    struct buf b = BUF_INIT;
    fprintf(out, "  %-20s %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %10" PRIu64 "\n", esc(&b, name), c->added,
            c->removed, c->modified, c->unchanged);
    buf_release(&b);
}

struct metric_row {
    const char *key, *name;
    double base, head;
};

static void metric_rows(struct metric_row rows[4], const struct diff_report *r)
{
    const struct result_metrics *b = &r->base->metrics, *h = &r->head->metrics;
    rows[0] = (struct metric_row){ "human_length", "Avg human length", b->human_length, h->human_length };
    rows[1] = (struct metric_row){ "assistant_length", "Avg assistant length", b->assistant_length, h->assistant_length };
    rows[2] = (struct metric_row){ "unique_messages", "Unique messages (%)", b->unique_messages, h->unique_messages };
    rows[3] = (struct metric_row){ "turn_variance", "Turn variance", b->turn_variance, h->turn_variance };
}

static const char *category_name(const struct diff_report *r, size_t i)
{
    return i < r->spec->gates.coverage.n_categories ? r->spec->gates.coverage.categories[i].name : "(none)";
}

/* Both runs counted tokens with a tokenizer whose bytes were read: its hash on each side. */
static bool tokenizers(const struct diff_report *r, char base[65], char head[65])
{
    const struct result_tokens *b = r->base->tokens, *h = r->head->tokens;
    if (!b || !h || !b->sha256_valid || !h->sha256_valid)
        return false;
    sha256_hex(base, b->sha256);
    sha256_hex(head, h->sha256);
    return true;
}

int report_diff_text(FILE *out, const struct diff_report *r)
{
    const struct diff *d = r->diff;
    const struct spec *spec = r->spec;
    struct metric_row rows[4];

    struct buf e1 = BUF_INIT, e2 = BUF_INIT;
    fprintf(out, "DATASET DIFF: %s -> %s\n", esc(&e1, r->base_name), esc(&e2, r->head_name));
    fprintf(out, "Examples: %" PRIu64 " -> %" PRIu64 "\n\n", d->base_examples, d->head_examples);
    fprintf(out, "  %-20s %9s %9s %9s %10s\n", "SPLIT", "added", "removed", "modified", "unchanged");
    for (size_t i = 0; i < d->n_splits; i++)
        text_row(out, spec->dataset.splits[i].name, &d->by_split[i]);
    text_row(out, "total", &d->total);
    if (spec->gates.coverage.n_categories) {
        fprintf(out, "\n  %-20s %9s %9s %9s %10s\n", "CATEGORY", "added", "removed", "modified", "unchanged");
        for (size_t i = 0; i <= d->n_categories; i++) {
            if (i == d->n_categories && !d->base_category_counts[i] && !d->head_category_counts[i])
                continue;
            text_row(out, category_name(r, i), &d->by_category[i]);
        }
    }
    metric_rows(rows, r);
    fprintf(out, "\n  %-20s %10s %10s %10s\n", "METRIC", "base", "head", "change");
    for (int i = 0; i < 4; i++)
        fprintf(out, "  %-20s %10.2f %10.2f %+10.2f\n", rows[i].name, rows[i].base, rows[i].head,
                rows[i].head - rows[i].base);
    char tb[65], th[65];
    if (tokenizers(r, tb, th)) {
        fprintf(out, "  %-20s %10" PRIu64 " %10" PRIu64 " %+10" PRId64 "\n", "Tokens", r->base->tokens->all.total,
                r->head->tokens->all.total, (int64_t)(r->head->tokens->all.total - r->base->tokens->all.total));
        fprintf(out, "\nTOKENIZER: %s sha256:%.12s -> sha256:%.12s%s\n", esc(&e1, r->head->tokens->path), tb, th,
                strcmp(tb, th) ? " (changed: a new major version)" : " (unchanged)");
    }
    if (d->n_samples) {
        fputs("\nCHANGED EXAMPLES (first few; removed ones at their baseline line):\n", out);
        for (size_t i = 0; i < d->n_samples; i++)
            fprintf(out, "  %-8s %s:%zu (%s)\n", diff_kind_name(d->samples[i].kind), esc(&e1, d->samples[i].path),
                    d->samples[i].line, esc(&e2, category_name(r, d->samples[i].category)));
    }
    buf_release(&e1);
    buf_release(&e2);
    return ferror(out) ? err_set(DSCI_EENV, "cannot write the diff") : 0;
}

static void json_counts(struct jw *w, const char *key, const struct diff_counts *c)
{
    jw_open(w, key, '{');
    jw_u64(w, "added", c->added);
    jw_u64(w, "removed", c->removed);
    jw_u64(w, "modified", c->modified);
    jw_u64(w, "unchanged", c->unchanged);
    jw_close(w, '}');
}

int report_diff_json(FILE *out, const struct diff_report *r)
{
    const struct diff *d = r->diff;
    const struct spec *spec = r->spec;
    struct jw w = { out, 0, true };
    struct metric_row rows[4];

    jw_open(&w, NULL, '{');
    jw_str(&w, "base", r->base_name);
    jw_str(&w, "head", r->head_name);
    jw_u64(&w, "base_examples", d->base_examples);
    jw_u64(&w, "head_examples", d->head_examples);
    json_counts(&w, "total", &d->total);
    jw_open(&w, "splits", '{');
    for (size_t i = 0; i < d->n_splits; i++)
        json_counts(&w, spec->dataset.splits[i].name, &d->by_split[i]);
    jw_close(&w, '}');
    jw_open(&w, "categories", '{');
    for (size_t i = 0; i <= d->n_categories; i++) {
        jw_open(&w, category_name(r, i), '{');
        jw_u64(&w, "base", d->base_category_counts[i]);
        jw_u64(&w, "head", d->head_category_counts[i]);
        jw_u64(&w, "added", d->by_category[i].added);
        jw_u64(&w, "removed", d->by_category[i].removed);
        jw_u64(&w, "modified", d->by_category[i].modified);
        jw_u64(&w, "unchanged", d->by_category[i].unchanged);
        jw_close(&w, '}');
    }
    jw_close(&w, '}');
    metric_rows(rows, r);
    jw_open(&w, "metrics", '{');
    for (int i = 0; i < 4; i++) {
        jw_open(&w, rows[i].key, '{');
        jw_num(&w, "base", rows[i].base);
        jw_num(&w, "head", rows[i].head);
        jw_num(&w, "change", rows[i].head - rows[i].base);
        jw_close(&w, '}');
    }
    jw_close(&w, '}');
    char tb[65], th[65];
    if (tokenizers(r, tb, th)) {
        jw_open(&w, "tokenizer", '{');
        jw_str(&w, "path", r->head->tokens->path);
        jw_str(&w, "base", tb);
        jw_str(&w, "head", th);
        jw_bool(&w, "changed", strcmp(tb, th) != 0);
        jw_u64(&w, "base_tokens", r->base->tokens->all.total);
        jw_u64(&w, "head_tokens", r->head->tokens->all.total);
        jw_close(&w, '}');
    }
    jw_open(&w, "samples", '[');
    for (size_t i = 0; i < d->n_samples; i++) {
        jw_open(&w, NULL, '{');
        jw_str(&w, "kind", diff_kind_name(d->samples[i].kind));
        jw_str(&w, "split", spec->dataset.splits[d->samples[i].split].name);
        jw_str(&w, "category", category_name(r, d->samples[i].category));
        jw_str(&w, "path", d->samples[i].path);
        jw_u64(&w, "line", d->samples[i].line);
        jw_close(&w, '}');
    }
    jw_close(&w, ']');
    jw_close(&w, '}');
    fputc('\n', out);
    return ferror(out) ? err_set(DSCI_EENV, "cannot write the diff") : 0;
}
