/*
 * GitHub-flavoured markdown (--format markdown, and what dsci appends to
 * $GITHUB_STEP_SUMMARY): the verdict, a gate table, the coverage chart and gap table,
 * the split chart (report/markdown_charts.h draws the Mermaid charts), metric
 * deltas against the baseline, the proposed version, and the first findings of each
 * gate in collapsible <details>.
 *
 * Dataset text is untrusted: md_text() escapes what could break a table cell or inject
 * HTML or markup (| < > & ` * _ [ ] \ @ and line breaks). With opts->max_bytes the
 * findings are cut first so the whole stays below the cap (a step summary is at most
 * 1 MiB).
 */
#include "report/report.h"

#include <math.h>
#include <string.h>

#include "report/markdown_charts.h"
#include "run/compare.h"
#include "spec/spec.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/utf8.h"

#define MD_RESERVE 1024       /* room kept for the closing lines once cut */

/* Bytes that are not well-formed UTF-8 (a lone surrogate decoded from "\udc00" is
 * ED B0 80) become U+FFFD, as in the JSON and XML writers: the summary stays UTF-8.
 * A bidi control shows as [U+XXXX], as in the HTML page: passed on, it would reorder
 * the table cell around it. Returns the bytes of s consumed when they were copied or
 * replaced, 0 for ASCII. */
static size_t md_utf8(struct buf *b, const unsigned char *s)
{
    if (*s < 0x80)
        return 0;
    size_t n = utf8_len(s);
    uint32_t cp;
    if (n && utf8_decode(s, n, &cp) == n && utf8_is_bidi_control(cp)) {
        buf_printf(b, "[U+%04X]", (unsigned)cp);
        return n;
    }
    if (n) {
        buf_add(b, s, n);
        return n;
    }
    size_t avail = 0, bad;
    while (avail < 4 && s[avail])
        avail++;
    utf8_sequence(s, avail, &bad);
    buf_addstr(b, "\xef\xbf\xbd");
    return bad;
}

/* Untrusted text for a table cell or a paragraph. */
static void md_text(struct buf *b, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    for (size_t n; *s; s++) {
        if ((n = md_utf8(b, s)) != 0) {
            s += n - 1;
            continue;
        }
        switch (*s) {
        case '&': buf_addstr(b, "&amp;"); break;
        case '<': buf_addstr(b, "&lt;"); break;
        case '>': buf_addstr(b, "&gt;"); break;
        case '`': buf_addstr(b, "&#96;"); break;
        case '@': buf_addstr(b, "&#64;"); break;
        case '|': case '\\': case '*': case '_': case '[': case ']': case '~': case '#':
            buf_addch(b, '\\');
            buf_addch(b, (char)*s);
            break;
        case '\r': case '\n': case '\t': buf_addch(b, ' '); break;
        default:
            buf_addch(b, *s < 0x20 || *s == 0x7f ? '?' : (char)*s);
        }
    }
}

/* Untrusted text inside a `code span`: nothing is interpreted there but a backtick
 * (which would end it) and a line break. */
static void md_code(struct buf *b, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    buf_addch(b, '`');
    for (size_t n; *s; s++) {
        if ((n = md_utf8(b, s)) != 0)
            s += n - 1;
        else
            buf_addch(b, *s == '`' ? '\'' : *s < 0x20 || *s == 0x7f ? '?' : (char)*s);
    }
    buf_addch(b, '`');
}

/* An optional field: `before`, the escaped text, `after`; nothing when str is NULL. */
static void md_field(struct buf *b, const char *before, const char *str, const char *after)
{
    if (!str)
        return;
    buf_addstr(b, before);
    md_text(b, str);
    buf_addstr(b, after);
}

static enum status section_status(const struct section *s, bool *blocking, size_t *failed)
{
    enum status worst = STATUS_SKIP;
    *blocking = false;
    *failed = 0;
    for (size_t i = 0; i < s->n_checks; i++) {
        const struct check *c = &s->checks[i];
        if (c->status > worst)
            worst = c->status;
        if (c->status == STATUS_FAIL || c->status == STATUS_WARN)
            (*failed)++;
        if (c->status == STATUS_FAIL && c->blocking)
            *blocking = true;
    }
    return worst;
}

/* A chart is left out whole when it would not fit under the cap with the tables. */
static void add_chart(struct buf *b, struct buf *chart, size_t max)
{
    if (!max || b->len + chart->len + MD_RESERVE <= max)
        buf_add(b, chart->ptr ? chart->ptr : "", chart->len);
    buf_release(chart);
}

static void write_verdict(struct buf *b, const struct result *r)
{
    size_t blocking = result_blocking_failures(r), warnings = 0;
    for (size_t i = 0; i < r->n_sections; i++)
        for (size_t k = 0; k < r->sections[i].n_checks; k++) {
            const struct check *c = &r->sections[i].checks[k];
            warnings += c->status == STATUS_WARN || (c->status == STATUS_FAIL && !c->blocking);
        }
    buf_addstr(b, "## dsci check");
    md_field(b, ": ", r->dataset_name, "");
    md_field(b, " ", r->version, "");
    buf_addstr(b, "\n\n");
    if (result_passed(r))
        buf_printf(b, "**dsci: PASS** — every blocking gate passed");
    else
        buf_printf(b, "**dsci: FAIL** — %zu blocking failure%s", blocking, blocking == 1 ? "" : "s");
    if (warnings)
        buf_printf(b, ", %zu warning%s", warnings, warnings == 1 ? "" : "s");
    buf_addstr(b, "\n\n");
    if (r->baseline) {
        buf_addstr(b, "Compared with ");
        md_code(b, r->baseline);
        buf_addstr(b, ". ");
    }
    md_field(b, "Source: ", r->source, ".");
    if (r->baseline || r->source)
        buf_addstr(b, "\n\n");
}

/* Where the HTML report of this run is (an artifact the workflow uploads). */
static void write_html_link(struct buf *b, const struct report_options *o)
{
    if (!o->html_report_url || !o->html_report_path)
        return;
    buf_addstr(b, "HTML report with charts: ");
    md_code(b, o->html_report_path);
    buf_printf(b, " in [this run's artifacts](%s).\n\n", o->html_report_url);
}

static void write_gate_table(struct buf *b, const struct result *r)
{
    if (!r->n_sections)
        return;
    buf_addstr(b, "| Gate | Level | Status | Checks failed |\n| --- | --- | --- | --- |\n");
    for (size_t i = 0; i < r->n_sections; i++) {
        const struct section *s = &r->sections[i];
        bool blocking;
        size_t failed;
        enum status st = section_status(s, &blocking, &failed);
        buf_addstr(b, "| ");
        md_text(b, s->title);
        buf_printf(b, " | %s | %s%s | %zu of %zu |\n", spec_level_name(s->level), status_name(st),
                   blocking ? " (blocking)" : "", failed, s->n_checks);
    }
    buf_addstr(b, "\n");
}

static const struct spec_category *find_category(const struct spec *spec, const char *name)
{
    for (size_t i = 0; spec && i < spec->gates.coverage.n_categories; i++)
        if (!strcmp(spec->gates.coverage.categories[i].name, name))
            return &spec->gates.coverage.categories[i];
    return NULL;
}

static void write_coverage(struct buf *b, const struct result *r, const struct report_options *o)
{
    const struct section *s = result_find_section(r, "coverage");
    if (!s || !s->n_checks)
        return;
    buf_addstr(b, "### Coverage gaps\n\n");
    struct buf chart = BUF_INIT;
    markdown_coverage_chart(&chart, r, o);
    add_chart(b, &chart, o->max_bytes);
    buf_addstr(b, "| Category | Count | Minimum | Baseline count | Gap | What to add |\n"
                  "| --- | ---: | ---: | ---: | ---: | --- |\n");
    for (size_t i = 0; i < s->n_checks; i++) {
        const struct check *c = &s->checks[i];
        uint64_t have = isnan(c->value) ? 0 : (uint64_t)c->value;
        uint64_t min = isnan(c->threshold) ? 0 : (uint64_t)c->threshold, base = 0;
        bool has_base = comparison_base_category(o->comparison, c->name, &base);
        uint64_t gap = min > have ? min - have : 0;
        uint64_t drop = has_base && base > have ? base - have : 0;

        buf_addstr(b, "| ");
        md_text(b, c->name);
        buf_printf(b, " | %llu | %llu | ", (unsigned long long)have, (unsigned long long)min);
        if (has_base)
            buf_printf(b, "%llu", (unsigned long long)base);
        else
            buf_addstr(b, "n/a");
        /* One number: what it takes to reach both the minimum and the baseline's count
         * (the regression gate's coverage_drop), the same in Gap and What to add. */
        uint64_t need = gap > drop ? gap : drop;
        buf_printf(b, " | %llu | ", (unsigned long long)need);
        if (need) {
            buf_printf(b, "%llu more '", (unsigned long long)need);
            md_text(b, c->name);
            buf_printf(b, "' conversation%s", need == 1 ? "" : "s");
            const struct spec_category *cat = find_category(o->spec, c->name);
            if (cat && cat->n_keywords) {
                buf_addstr(b, " (keywords: ");
                for (size_t k = 0; k < cat->n_keywords; k++) {
                    if (k)
                        buf_addstr(b, ", ");
                    md_text(b, cat->keywords[k]);
                }
                buf_addstr(b, ")");
            }
            if (gap && drop)
                buf_printf(b, ": %llu to reach the minimum of %llu, %llu to get back to the baseline's %llu",
                           (unsigned long long)gap, (unsigned long long)min, (unsigned long long)drop,
                           (unsigned long long)base);
            else if (gap)
                buf_printf(b, " to reach the minimum of %llu", (unsigned long long)min);
            else
                buf_printf(b, " to get back to the baseline's %llu (it meets its minimum of %llu)",
                           (unsigned long long)base, (unsigned long long)min);
        } else {
            buf_addstr(b, "nothing");
        }
        buf_addstr(b, " |\n");
    }
    buf_addstr(b, "\nGap: the conversations a category needs to reach both its minimum and its count in "
                  "the baseline (fewer than the baseline fails the regression gate).\n");
    if (r->metrics.category_counts && r->metrics.category_counts[r->n_categories])
        buf_printf(b, "\n%llu example%s match no category.\n",
                   (unsigned long long)r->metrics.category_counts[r->n_categories],
                   r->metrics.category_counts[r->n_categories] == 1 ? "" : "s");
    buf_addstr(b, "\n");
}

static void write_splits(struct buf *b, const struct result *r, const struct report_options *o)
{
    struct buf chart = BUF_INIT;
    markdown_split_chart(&chart, r, o->spec);
    add_chart(b, &chart, o->max_bytes);
}

/* The tokens gate's counts per split, when it ran and its tokenizer loaded. */
static void write_tokens(struct buf *b, const struct result *r)
{
    const struct result_tokens *t = r->tokens;
    if (!t || !t->kind)
        return;
    buf_addstr(b, "### Tokens\n\n");
    md_code(b, t->path);
    buf_addstr(b, " (");
    md_text(b, t->kind);
    buf_addstr(b, ")\n\n| Split | Examples | Tokens | Mean | p50 | p95 | Max | Over max | Under min |\n"
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    size_t n = t->n_splits;
    for (size_t i = 0; i <= n; i++) {
        bool all = i == n;
        const struct result_token_stats *s = all ? &t->all : &t->splits[i];
        buf_addstr(b, all ? "| **all** | " : "| ");
        if (!all) {
            md_text(b, t->split_names[i]);
            buf_addstr(b, " | ");
        }
        buf_printf(b, "%llu | %llu | %.1f | %llu | %llu | %llu | %llu | %llu |\n", (unsigned long long)s->examples,
                   (unsigned long long)s->total, s->mean, (unsigned long long)s->p50, (unsigned long long)s->p95,
                   (unsigned long long)s->max, (unsigned long long)s->over, (unsigned long long)s->under);
    }
    if (t->price_per_million >= 0)
        buf_printf(b, "\nEstimated training cost per epoch: $%.2f (%llu tokens at $%g per million).\n",
                   t->price_per_million * (double)t->all.total / 1e6, (unsigned long long)t->all.total,
                   t->price_per_million);
    buf_addstr(b, "\n");
}

static void delta_u(struct buf *b, const char *name, uint64_t base, uint64_t now)
{
    long long d = (long long)now - (long long)base;
    buf_printf(b, "| %s | %llu | %llu | %s%lld |\n", name, (unsigned long long)base,
               (unsigned long long)now, d > 0 ? "+" : "", d);
}

static void delta_d(struct buf *b, const char *name, double base, double now)
{
    if (isnan(base) || isnan(now))
        return;
    double d = now - base;
    buf_printf(b, "| %s | %.2f | %.2f | %s%.2f |\n", name, base, now, d > 0 ? "+" : "", d);
}

static void write_deltas(struct buf *b, const struct result *r, const struct comparison *cmp)
{
    if (!cmp || !cmp->have)
        return;
    const struct result_metrics *o = &cmp->base.metrics, *n = &r->metrics;
    buf_addstr(b, "### Changes since ");
    md_code(b, cmp->baseline ? cmp->baseline : "the baseline");
    buf_addstr(b, "\n\n| Metric | Baseline | Now | Change |\n| --- | ---: | ---: | ---: |\n");
    delta_u(b, "Examples", o->examples, n->examples);
    for (size_t i = 0; i < r->n_splits && n->split_examples; i++)
        for (size_t k = 0; k < cmp->base.n_splits && o->split_examples; k++)
            if (!strcmp(r->split_names[i], cmp->base.split_names[k])) {
                struct buf name = BUF_INIT;
                buf_addstr(&name, "Examples in ");
                md_text(&name, r->split_names[i]);
                delta_u(b, buf_cstr(&name), o->split_examples[k], n->split_examples[i]);
                buf_release(&name);
            }
    delta_u(b, "Records", o->records, n->records);
    delta_u(b, "Files", o->files, n->files);
    delta_u(b, "Bytes", o->bytes, n->bytes);
    delta_d(b, "Mean human length", o->human_length, n->human_length);
    delta_d(b, "Mean assistant length", o->assistant_length, n->assistant_length);
    delta_d(b, "Unique messages", o->unique_messages, n->unique_messages);
    delta_d(b, "Turn variance", o->turn_variance, n->turn_variance);
    delta_u(b, "Split overlaps", o->overlaps, n->overlaps);
    buf_addstr(b, "\n");
}

static void write_bump(struct buf *b, const struct result *r, const struct report_options *o)
{
    if (!o->bump)
        return;
    buf_addstr(b, "### Version\n\n");
    if (o->next_version && *o->next_version) {
        buf_addstr(b, "Proposed: ");
        if (r->version && strcmp(r->version, o->next_version)) {
            md_code(b, r->version);
            buf_addstr(b, " → ");
        }
        md_code(b, o->next_version);
        buf_addstr(b, " (");
        md_text(b, o->bump);
        buf_addstr(b, " bump");
        md_field(b, ": ", o->bump_reason, "");
        buf_addstr(b, ")\n\n");
    } else {
        buf_addstr(b, "No version bump proposed");
        md_field(b, ": ", o->bump_reason, "");
        buf_addstr(b, ".\n\n");
    }
}

static void finding_item(struct buf *item, const struct check *c, const struct finding *f)
{
    buf_addstr(item, "- ");
    if (f && f->path) {
        struct buf loc = BUF_INIT;
        char place[FINDING_PLACE_SIZE];
        if (f->line)
            buf_printf(&loc, "%s:%zu%s", f->path, f->line, finding_place(place, f));
        else
            buf_addstr(&loc, f->path);
        md_code(item, buf_cstr(&loc));
        buf_release(&loc);
        buf_addstr(item, " ");
    }
    buf_addstr(item, "**");
    md_text(item, c->name);
    buf_addstr(item, "**: ");
    if (f) {
        md_text(item, f->message);
    } else {
        md_text(item, c->value_text ? c->value_text : status_name(c->status));
        md_field(item, " (", c->threshold_text, ")");
    }
    if (c->remediation && (!f || f == check_first_open(c)))
        md_field(item, " — ", c->remediation, "");
    buf_addstr(item, "\n");
}

/* Adds item unless that would pass the cap; returns false once cut. */
static bool fits(struct buf *b, const struct buf *item, size_t max)
{
    if (max && b->len + item->len + MD_RESERVE > max)
        return false;
    buf_add(b, item->ptr ? item->ptr : "", item->len);
    return true;
}

static void write_details(struct buf *b, const struct result *r, const struct report_options *o)
{
    uint64_t cut = 0;
    bool cutting = false;
    for (size_t i = 0; i < r->n_sections; i++) {
        const struct section *s = &r->sections[i];
        uint64_t total = 0;
        for (size_t k = 0; k < s->n_checks; k++) {
            const struct check *c = &s->checks[k];
            if (c->status == STATUS_FAIL || c->status == STATUS_WARN)
                total += c->findings_total ? c->findings_total - c->accepted : 1;
        }
        if (!total)
            continue;
        if (cutting) {
            cut += total;
            continue;
        }
        struct buf item = BUF_INIT;
        buf_addstr(&item, "<details><summary>");
        md_text(&item, s->title);
        buf_printf(&item, ": %llu finding%s</summary>\n\n", (unsigned long long)total, total == 1 ? "" : "s");
        if (!fits(b, &item, o->max_bytes)) {
            buf_release(&item);
            cutting = true;
            cut += total;
            continue;
        }
        uint64_t listed = 0;
        for (size_t k = 0; k < s->n_checks && !cutting; k++) {
            const struct check *c = &s->checks[k];
            if (c->status != STATUS_FAIL && c->status != STATUS_WARN)
                continue;
            for (size_t f = 0; f < (c->n_findings ? c->n_findings : 1) && listed < REPORT_FINDINGS_PER_GATE; f++) {
                if (c->n_findings && c->findings[f].accepted)
                    continue;
                buf_reset(&item);
                finding_item(&item, c, c->n_findings ? &c->findings[f] : NULL);
                if (!fits(b, &item, o->max_bytes)) {
                    cutting = true;
                    break;
                }
                listed++;
            }
        }
        buf_release(&item);
        if (listed < total) {
            if (cutting)
                cut += total - listed;
            else
                buf_printf(b, "- … and %llu more (every finding is in `dsci check --format json` "
                              "or `--format sarif` output)\n", (unsigned long long)(total - listed));
        }
        buf_addstr(b, "\n</details>\n\n");
    }
    if (cut)
        buf_printf(b, "_The summary was cut to stay under its size limit: %llu more finding%s not shown; "
                      "every finding is in `dsci check --format json` or `--format sarif` output._\n\n",
                   (unsigned long long)cut, cut == 1 ? "" : "s");
}

/*
 * The run's notes, as the text report has them: above all what a pull request changes in
 * the spec it was not judged by ("gates.coverage.categories[Delete].min: 15 -> 5
 * (loosens)"), which a reviewer must see next to a passing verdict.
 */
static void write_notes(struct buf *b, const struct result *r)
{
    size_t loosens = 0;
    if (!r->n_notes)
        return;
    for (size_t i = 0; i < r->n_notes; i++)
        if (!strncmp(r->notes[i], "spec change: ", 13) && strstr(r->notes[i], "(loosens)"))
            loosens++;
    buf_addstr(b, "### Notes\n\n");
    if (loosens)
        buf_printf(b, "**This change loosens %zu spec setting%s** (it was judged with the base's spec; "
                      "the loosening applies once merged):\n\n", loosens, loosens == 1 ? "" : "s");
    for (size_t i = 0; i < r->n_notes; i++) {
        bool loose = !strncmp(r->notes[i], "spec change: ", 13) && strstr(r->notes[i], "(loosens)");
        buf_addstr(b, loose ? "- **" : "- ");
        md_text(b, r->notes[i]);
        buf_addstr(b, loose ? "**\n" : "\n");
    }
    buf_addstr(b, "\n");
}

static int markdown_write(FILE *out, const struct result *r, const struct report_options *o)
{
    struct buf b = BUF_INIT;
    write_verdict(&b, r);
    write_html_link(&b, o);
    write_gate_table(&b, r);
    write_notes(&b, r);
    write_coverage(&b, r, o);
    write_splits(&b, r, o);
    write_tokens(&b, r);
    write_deltas(&b, r, o->comparison);
    write_bump(&b, r, o);
    write_details(&b, r, o);
    int rc = fwrite(b.ptr ? b.ptr : "", 1, b.len, out) == b.len && !ferror(out) ? 0 : DSCI_EENV;
    buf_release(&b);
    return rc;
}

const struct reporter report_markdown = { "markdown", markdown_write };

int report_markdown_error(FILE *out, const char *command, const char *message, int exit_code)
{
    struct buf b = BUF_INIT;
    buf_printf(&b, "## dsci%s%s\n\n", command ? " " : "", command ? command : "");
    buf_printf(&b, "**dsci: ERROR** — exit %d, %s: no gate was judged.\n\n> ", exit_code,
               exit_code == 2 ? "a usage or spec error" : "an environment or I/O error");
    md_text(&b, message && *message ? message : "unknown error");
    buf_addstr(&b, "\n\n");
    int rc = fwrite(b.ptr ? b.ptr : "", 1, b.len, out) == b.len && !ferror(out) ? 0 : DSCI_EENV;
    buf_release(&b);
    return rc;
}
