/*
 * A self-contained HTML page (--format html): the verdict and the blocking failures on
 * top, then the gates, the coverage chart, the splits, the length histograms (code
 * points per message, tokens per example), the tokens, the regression diff and every
 * gate's findings, each list capped with the cap stated (HTML_LIST_CAP). No script, no external resource: inline CSS (light and dark
 * by prefers-color-scheme) and inline SVG, so it reads the same offline, in a CI
 * artifact or a mail. Every string from the data or the spec goes through html_text().
 */
#include "report/html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"
#include "util/err.h"
#include "util/xalloc.h"

static const char page_style[] =
    ":root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--muted:#59636e;--line:#d1d9e0;"
    "--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--bar:#0969da;--base:#8250df;--box:#f6f8fa}"
    "@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--line:#3d444d;"
    "--pass:#3fb950;--fail:#f85149;--warn:#d29922;--bar:#4493f8;--base:#ab7df8;--box:#151b23}}"
    "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:var(--fg);background:var(--bg);"
    "margin:0 auto;max-width:1100px;padding:1rem 1.5rem}"
    "h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.3rem;border-bottom:1px solid var(--line);margin-top:2rem}"
    "h3{font-size:1.05rem}table{border-collapse:collapse;margin:.5rem 0}"
    "th,td{border:1px solid var(--line);padding:.2rem .5rem;text-align:left;vertical-align:top}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".verdict{font-size:1.3rem;font-weight:700;padding:.6rem 1rem;border-radius:6px;border:2px solid}"
    ".verdict.pass{color:var(--pass);border-color:var(--pass)}.verdict.fail{color:var(--fail);border-color:var(--fail)}"
    ".FAIL{color:var(--fail);font-weight:600}.WARN{color:var(--warn);font-weight:600}.PASS{color:var(--pass)}"
    ".SKIP{color:var(--muted)}.muted{color:var(--muted)}.gap{color:var(--fail);font-weight:600}"
    "code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9em;overflow-wrap:anywhere}"
    "td ul{margin:0;padding-left:1.1rem}a{color:var(--bar)}ul.findings li{margin:.2rem 0}.quote{background:var(--box);padding:.3rem .5rem;"
    "border-radius:4px;overflow-wrap:anywhere}.pair{display:grid;grid-template-columns:1fr 1fr;gap:.5rem}"
    "svg{max-width:100%;height:auto}svg text{fill:var(--fg);font:12px system-ui,sans-serif}"
    "svg .bar{fill:var(--bar)}svg .bar.gap{fill:var(--fail)}svg .min{stroke:var(--fg);stroke-width:2}"
    "svg .base{stroke:var(--base);stroke-width:2;stroke-dasharray:4 2}svg .axis{stroke:var(--line)}"
    "svg .s0{fill:#0969da}svg .s1{fill:#1a7f37}svg .s2{fill:#9a6700}svg .s3{fill:#8250df}svg .s4{fill:#bf3989}"
    "svg .s5{fill:#59636e}.key{display:inline-block;width:.8em;height:.8em;margin-right:.3em}";

static enum status section_status(const struct section *s, bool *blocking)
{
    enum status worst = STATUS_SKIP;
    *blocking = false;
    for (size_t i = 0; i < s->n_checks; i++) {
        if (s->checks[i].status > worst)
            worst = s->checks[i].status;
        *blocking |= s->checks[i].status == STATUS_FAIL && s->checks[i].blocking;
    }
    return worst;
}

static void status_cell(struct buf *b, enum status st, bool blocking)
{
    buf_printf(b, "<td class=\"%s\">%s%s</td>", status_name(st), status_name(st), blocking ? " (blocking)" : "");
}

static void check_line(struct buf *b, const struct check *c)
{
    html_text(b, c->name ? c->name : c->id);
    if (c->value_text) {
        buf_addstr(b, ": ");
        html_text(b, c->value_text);
    }
    if (c->threshold_text) {
        buf_addstr(b, " (");
        html_text(b, c->threshold_text);
        buf_addstr(b, ")");
    }
}

static void write_head(struct buf *b, const struct result *r)
{
    buf_addstr(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  /* no script, no request of any kind, even if markup slipped through */
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                  "style-src 'unsafe-inline'; img-src data:\">\n<title>dsci check");
    if (r->dataset_name) {
        buf_addstr(b, ": ");
        html_text(b, r->dataset_name);
    }
    buf_addstr(b, "</title>\n<style>");
    buf_addstr(b, page_style);
    buf_addstr(b, "</style>\n</head>\n<body>\n");
}

static void write_verdict(struct buf *b, const struct result *r, const struct report_options *o)
{
    size_t blocking = result_blocking_failures(r), warnings = 0;
    for (size_t i = 0; i < r->n_sections; i++)
        for (size_t k = 0; k < r->sections[i].n_checks; k++) {
            const struct check *c = &r->sections[i].checks[k];
            warnings += c->status == STATUS_WARN || (c->status == STATUS_FAIL && !c->blocking);
        }
    buf_addstr(b, "<header>\n<h1>dsci check");
    if (r->dataset_name) {
        buf_addstr(b, ": ");
        html_text(b, r->dataset_name);
    }
    if (r->version) {
        buf_addstr(b, " ");
        html_text(b, r->version);
    }
    buf_addstr(b, "</h1>\n");
    if (result_passed(r))
        buf_addstr(b, "<p class=\"verdict pass\" id=\"verdict\">PASS — every blocking gate passed");
    else
        buf_printf(b, "<p class=\"verdict fail\" id=\"verdict\">FAIL — %zu blocking failure%s", blocking,
                   blocking == 1 ? "" : "s");
    if (warnings)
        buf_printf(b, ", %zu warning%s", warnings, warnings == 1 ? "" : "s");
    buf_addstr(b, "</p>\n<p class=\"muted\">");
    if (r->spec_path) {
        buf_addstr(b, "Spec <code>");
        html_text(b, r->spec_path);
        buf_addstr(b, "</code>. ");
    }
    if (r->source) {
        buf_addstr(b, "Source: ");
        html_text(b, r->source);
        buf_addstr(b, ". ");
    }
    if (r->baseline) {
        buf_addstr(b, "Compared with <code>");
        html_text(b, r->baseline);
        buf_addstr(b, "</code>. ");
    }
    if (o->next_version && *o->next_version) {
        buf_addstr(b, "Proposed version: <code>");
        html_text(b, o->next_version);
        buf_addstr(b, "</code>");
        if (o->bump) {
            buf_addstr(b, " (");
            html_text(b, o->bump);
            buf_addstr(b, " bump)");
        }
        buf_addstr(b, ". ");
    }
    if (r->date) {
        buf_addstr(b, "Checked ");
        html_text(b, r->date);
        buf_addstr(b, ".");
    }
    buf_addstr(b, "</p>\n");
    if (blocking) {
        buf_addstr(b, "<h2 id=\"blocking\">Blocking failures</h2>\n<ol>\n");
        for (size_t i = 0; i < r->n_sections; i++)
            for (size_t k = 0; k < r->sections[i].n_checks; k++) {
                const struct check *c = &r->sections[i].checks[k];
                if (c->status != STATUS_FAIL || !c->blocking)
                    continue;
                buf_addstr(b, "<li><strong>");
                html_text(b, r->sections[i].title);
                buf_addstr(b, "</strong>: ");
                check_line(b, c);
                if (c->remediation) {
                    buf_addstr(b, "<br><span class=\"muted\">");
                    html_text_cut(b, c->remediation, 4 * HTML_QUOTE_CHARS);
                    buf_addstr(b, "</span>");
                }
                buf_addstr(b, "</li>\n");
            }
        buf_addstr(b, "</ol>\n");
    }
    buf_addstr(b, "</header>\n");
}

static void write_gates(struct buf *b, const struct result *r)
{
    if (!r->n_sections)
        return;
    buf_addstr(b, "<h2 id=\"gates\">Gates</h2>\n<table>\n<thead><tr><th>Gate</th><th>Level</th><th>Status</th>"
                  "<th>Checks</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->n_sections; i++) {
        const struct section *s = &r->sections[i];
        bool blocking;
        enum status st = section_status(s, &blocking);
        buf_addstr(b, "<tr><td>");
        html_text(b, s->title);
        buf_printf(b, "</td><td>%s</td>", spec_level_name(s->level));
        status_cell(b, st, blocking);
        buf_addstr(b, "<td><ul>");
        for (size_t k = 0; k < s->n_checks; k++) {
            buf_printf(b, "<li><span class=\"%s\">%s</span> ", status_name(s->checks[k].status),
                       status_name(s->checks[k].status));
            check_line(b, &s->checks[k]);
            buf_addstr(b, "</li>");
        }
        buf_addstr(b, "</ul></td></tr>\n");
    }
    buf_addstr(b, "</tbody>\n</table>\n");
}

static void write_notes(struct buf *b, const struct result *r)
{
    if (!r->n_notes)
        return;
    buf_addstr(b, "<h2 id=\"notes\">Notes</h2>\n<ul>\n");
    for (size_t i = 0; i < r->n_notes; i++) {
        bool loose = !strncmp(r->notes[i], "spec change: ", 13) && strstr(r->notes[i], "(loosens)");
        buf_addstr(b, loose ? "<li><strong>" : "<li>");
        html_text(b, r->notes[i]);
        buf_addstr(b, loose ? "</strong></li>\n" : "</li>\n");
    }
    buf_addstr(b, "</ul>\n");
}

static void write_tokens(struct buf *b, const struct result *r)
{
    const struct result_tokens *t = r->tokens;
    if (!t || !t->kind)
        return;
    buf_addstr(b, "<h2 id=\"tokens\">Tokens</h2>\n<p><code>");
    html_text(b, t->path);
    buf_addstr(b, "</code> (");
    html_text(b, t->kind);
    buf_addstr(b, ")</p>\n<table>\n<thead><tr><th>Split</th><th class=\"n\">Examples</th><th class=\"n\">Tokens</th>"
                  "<th class=\"n\">Mean</th><th class=\"n\">p50</th><th class=\"n\">p95</th><th class=\"n\">Max</th>"
                  "<th class=\"n\">Over max</th><th class=\"n\">Under min</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i <= t->n_splits; i++) {
        const struct result_token_stats *s = i == t->n_splits ? &t->all : &t->splits[i];
        buf_addstr(b, "<tr><td>");
        if (i == t->n_splits)
            buf_addstr(b, "<strong>all</strong>");
        else
            html_text(b, t->split_names[i]);
        buf_printf(b, "</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td><td class=\"n\">%.1f</td>"
                      "<td class=\"n\">%llu</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
                      "<td class=\"n\">%llu</td></tr>\n",
                   (unsigned long long)s->examples, (unsigned long long)s->total, s->mean, (unsigned long long)s->p50,
                   (unsigned long long)s->p95, (unsigned long long)s->max, (unsigned long long)s->over,
                   (unsigned long long)s->under);
    }
    buf_addstr(b, "</tbody>\n</table>\n");
}

/* The quotes of the listed duplicates and leaks: the example and its first related
 * place, two per finding. */
struct quotes {
    const struct finding **of;
    struct quote *q;          /* 2 per finding */
    size_t n, alloc;
};

static bool quoted_gate(const struct section *s)
{
    return !strcmp(s->gate, "duplicates") || !strcmp(s->gate, "leakage");
}

/* An example the PII gate flagged is not quoted: the page would show what the PII
 * findings redact. */
static bool has_pii(const struct result *r, const char *path, size_t line)
{
    for (size_t i = 0; i < r->n_sections; i++) {
        if (strcmp(r->sections[i].gate, "pii"))
            continue;
        for (size_t k = 0; k < r->sections[i].n_checks; k++) {
            const struct check *c = &r->sections[i].checks[k];
            for (size_t f = 0; f < c->n_findings; f++)
                if (c->findings[f].path && c->findings[f].line == line && !strcmp(c->findings[f].path, path))
                    return true;
        }
    }
    return false;
}

static void quote_add(struct quotes *qs, const struct result *r, const struct finding *f)
{
    if (!f->path || !f->line || f->has_record || !f->n_related)
        return;
    if (qs->n == qs->alloc) {
        qs->alloc = qs->alloc ? 2 * qs->alloc : 64;
        qs->of = xreallocarray(qs->of, qs->alloc, sizeof(*qs->of));
        qs->q = xreallocarray(qs->q, 2 * qs->alloc, sizeof(*qs->q));
    }
    const struct finding_ref *other = &f->related[0];
    qs->of[qs->n] = f;
    struct quote *q = &qs->q[2 * qs->n++];
    q[0] = (struct quote){ has_pii(r, f->path, f->line) ? NULL : f->path, f->line, NULL };
    q[1] = (struct quote){ other->path && !has_pii(r, other->path, other->line) ? other->path : NULL, other->line, NULL };
}

static const struct quote *quote_of(const struct quotes *qs, const struct finding *f)
{
    for (size_t i = 0; i < qs->n; i++)
        if (qs->of[i] == f)
            return &qs->q[2 * i];
    return NULL;
}

static void quote_box(struct buf *b, const struct quote *q)
{
    buf_addstr(b, "<div class=\"quote\"><code>");
    if (q->text)
        html_text_cut(b, q->text, HTML_QUOTE_CHARS);
    else
        buf_addstr(b, "<span class=\"muted\">(not quoted");
    if (!q->text)
        buf_addstr(b, q->path ? ": not readable)</span>" : ": it has a PII finding, or no place)</span>");
    buf_addstr(b, "</code></div>");
}

/* The regression gate's places are in the baseline (a removed example), not the head. */
static void finding_item(struct buf *b, const struct check *c, const struct finding *f, const struct quotes *qs,
                         bool related_in_baseline)
{
    char place[FINDING_PLACE_SIZE];
    buf_addstr(b, "<li>");
    if (f && f->path) {
        html_place(b, f->path, f->line, finding_place(place, f), true);
        buf_addstr(b, " ");
    }
    buf_addstr(b, "<strong>");
    html_text(b, c->name);
    buf_addstr(b, "</strong>: ");
    if (f)
        html_text_cut(b, f->message, HTML_QUOTE_CHARS);
    else
        check_line(b, c);
    if (f && f->n_related) {
        /* a duplicate's original, a cluster's other members, the train copy of a leak */
        buf_addstr(b, related_in_baseline ? "<br><span class=\"muted\">in the baseline:</span> "
                                          : "<br><span class=\"muted\">with</span> ");
        for (size_t i = 0; i < f->n_related && i < 20; i++) {
            if (i)
                buf_addstr(b, ", ");
            html_place(b, f->related[i].path, f->related[i].line, "", !related_in_baseline);
        }
        if (f->n_related > 20)
            buf_printf(b, " and %zu more", f->n_related - 20);
    }
    const struct quote *q = f ? quote_of(qs, f) : NULL;
    if (q && (q[0].text || q[1].text)) {
        buf_addstr(b, "<div class=\"pair\">");
        quote_box(b, &q[0]);
        quote_box(b, &q[1]);
        buf_addstr(b, "</div>");
    }
    buf_addstr(b, "</li>\n");
}

/* The findings write_findings lists, in its order, to fn. */
static void each_listed(const struct section *s, void (*fn)(void *arg, const struct check *c, const struct finding *f),
                        void *arg, uint64_t *listed_out)
{
    uint64_t listed = 0;
    for (size_t k = 0; k < s->n_checks && listed < HTML_LIST_CAP; k++) {
        const struct check *c = &s->checks[k];
        if (c->status != STATUS_FAIL && c->status != STATUS_WARN)
            continue;
        if (!c->n_findings) {
            if (!c->findings_total) {
                fn(arg, c, NULL);
                listed++;
            }
            continue;
        }
        for (size_t f = 0; f < c->n_findings && listed < HTML_LIST_CAP; f++)
            if (!c->findings[f].accepted) {
                fn(arg, c, &c->findings[f]);
                listed++;
            }
    }
    *listed_out = listed;
}

struct quote_pass {
    struct quotes *qs;
    const struct result *r;
};

static void collect_quote(void *arg, const struct check *c, const struct finding *f)
{
    struct quote_pass *p = arg;
    (void)c;
    if (f)
        quote_add(p->qs, p->r, f);
}

struct item_pass {
    struct buf *b;
    const struct quotes *qs;
    bool related_in_baseline;
};

static void list_item(void *arg, const struct check *c, const struct finding *f)
{
    struct item_pass *p = arg;
    finding_item(p->b, c, f, p->qs, p->related_in_baseline);
}

static void write_findings(struct buf *b, const struct result *r, const struct report_options *o)
{
    struct quotes qs = { 0 };
    if (o->quote) {
        struct quote_pass qp = { &qs, r };
        uint64_t ignored;
        for (size_t i = 0; i < r->n_sections; i++)
            if (quoted_gate(&r->sections[i]))
                each_listed(&r->sections[i], collect_quote, &qp, &ignored);
        /* bytes, not code points: enough for HTML_QUOTE_CHARS of any script */
        if (qs.n)
            o->quote(o->quote_ctx, qs.q, 2 * qs.n, 4 * HTML_QUOTE_CHARS);
    }
    bool heading = false;
    for (size_t i = 0; i < r->n_sections; i++) {
        const struct section *s = &r->sections[i];
        uint64_t total = 0, listed = 0;
        for (size_t k = 0; k < s->n_checks; k++) {
            const struct check *c = &s->checks[k];
            if (c->status == STATUS_FAIL || c->status == STATUS_WARN)
                total += c->findings_total ? c->findings_total - c->accepted : 1;
        }
        if (!total)
            continue;
        if (!heading)
            buf_addstr(b, "<h2 id=\"findings\">Findings</h2>\n");
        heading = true;
        buf_addstr(b, "<h3 id=\"findings-");
        html_text(b, s->gate);
        buf_addstr(b, "\">");
        html_text(b, s->title);
        buf_addstr(b, ": ");
        html_count(b, total);
        buf_printf(b, " finding%s</h3>\n<ul class=\"findings\">\n", total == 1 ? "" : "s");
        struct item_pass ip = { b, &qs, !strcmp(s->gate, "regression") };
        each_listed(s, list_item, &ip, &listed);
        buf_addstr(b, "</ul>\n");
        if (listed < total) {
            buf_addstr(b, "<p class=\"muted\">Showing ");
            html_count(b, listed);
            buf_addstr(b, " of ");
            html_count(b, total);
            buf_addstr(b, " (every finding is in <code>dsci check --format json</code> or <code>--format sarif</code>).</p>\n");
        }
    }
    quote_release(qs.q, 2 * qs.n);
    free(qs.q);
    free(qs.of);
}

static int html_write(FILE *out, const struct result *r, const struct report_options *o)
{
    struct buf b = BUF_INIT;
    write_head(&b, r);
    write_verdict(&b, r, o);
    buf_addstr(&b, "<main>\n");
    write_gates(&b, r);
    write_notes(&b, r);
    html_coverage_chart(&b, r, o);
    html_split_chart(&b, r, o);
    html_length_charts(&b, r, o);
    html_token_length_charts(&b, r, o);
    write_tokens(&b, r);
    html_diff_section(&b, r, o);
    write_findings(&b, r, o);
    buf_addstr(&b, "</main>\n<footer><p class=\"muted\">Written by dsci. This page has no scripts and loads "
                   "nothing.</p></footer>\n</body>\n</html>\n");
    int rc = fwrite(b.ptr ? b.ptr : "", 1, b.len, out) == b.len && !ferror(out) ? 0 : DSCI_EENV;
    buf_release(&b);
    return rc;
}

const struct reporter report_html = { "html", html_write };
