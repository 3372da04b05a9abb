/*
 * Mermaid charts in the markdown summary; see markdown_charts.h.
 *
 * Names are untrusted and land in three languages at once: the markdown around the
 * fence, Mermaid's own syntax (a quote ends a string, %% starts a comment or a
 * directive, "` starts a markdown string, #name; is an entity code, a line with
 * "style ...:...#...;" loses its last ';' in Mermaid's entity pass) and the HTML or
 * SVG GitHub draws labels into. Mermaid has no escape character, only entity codes, so
 * mermaid_label() keeps a small safe set of ASCII as it is and writes every other ASCII
 * character as #NN;, which Mermaid turns back into that character only when drawing.
 *
 * Mermaid draws the bar series of an xychart over each other, not side by side, and
 * has no legend. So with a baseline each category gets two places on the axis, this
 * run's and the baseline's ("name (baseline)"), and each series is zero at the other's
 * places: the bars stand beside each other and each is named on the axis.
 */
#include "report/markdown_charts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "run/compare.h"
#include "spec/spec.h"
#include "util/buf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

static bool label_safe_ascii(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr(" -_.,/()+!?'", c));
}

/* Code points that change how text around them looks or reads without showing
 * themselves: C1 controls, bidi embeddings, overrides and isolates, zero-width
 * characters, line and paragraph separators, the BOM, interlinear annotation. */
static bool label_hidden(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x00ad || (cp >= 0x200b && cp <= 0x200f) ||
           (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff ||
           (cp >= 0xfff9 && cp <= 0xfffb);
}

/* The inside of mermaid_label's quotes. */
static void label_text(struct buf *b, const char *name, size_t max_chars)
{
    const unsigned char *s = (const unsigned char *)(name ? name : "");
    size_t avail = strlen((const char *)s), chars = 0;
    if (!avail)
        buf_addstr(b, "(empty)");
    while (avail) {
        if (chars == max_chars) {
            buf_addstr(b, "\xe2\x80\xa6");
            break;
        }
        chars++;
        uint32_t cp;
        size_t n = utf8_decode(s, avail, &cp);
        if (!n) {   /* not UTF-8: one U+FFFD for the maximal bad subpart */
            utf8_sequence(s, avail, &n);
            buf_addstr(b, "\xef\xbf\xbd");
        } else if (cp < 0x80) {
            if (label_safe_ascii((unsigned char)cp))
                buf_addch(b, (char)cp);
            else if (cp == '\t' || cp == '\n' || cp == '\r')
                buf_addch(b, ' ');
            else if (cp < 0x20 || cp == 0x7f)
                buf_addstr(b, "\xef\xbf\xbd");
            else
                buf_printf(b, "#%u;", (unsigned)cp);
        } else if (label_hidden(cp)) {
            buf_addstr(b, "\xef\xbf\xbd");
        } else {
            buf_add(b, s, n);
        }
        s += n;
        avail -= n;
    }
}

void mermaid_label(struct buf *b, const char *name, size_t max_chars)
{
    buf_addch(b, '"');
    label_text(b, name, max_chars);
    buf_addch(b, '"');
}

#define BASELINE_SUFFIX " (baseline)"

/* Characters of s (bytes that are not UTF-8 count one each). */
static size_t name_chars(const char *str)
{
    const unsigned char *p = (const unsigned char *)(str ? str : "");
    size_t n = 0;
    for (; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

/* An upright chart while its labels fit side by side in Mermaid's default 700 pixels
 * (about 90 characters of axis text); else on its side. */
#define MERMAID_UPRIGHT_BARS 8
#define MERMAID_UPRIGHT_CHARS 90

struct bar {
    size_t index;          /* the check's place in the coverage section (spec order) */
    uint64_t have, min, base, need;
};

/* Furthest below the minimum or the baseline first, then the largest. */
static int bar_rank(const void *pa, const void *pb)
{
    const struct bar *a = pa, *b = pb;
    if (a->need != b->need)
        return a->need > b->need ? -1 : 1;
    if (a->have != b->have)
        return a->have > b->have ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static int bar_order(const void *pa, const void *pb)
{
    const struct bar *a = pa, *b = pb;
    return a->index < b->index ? -1 : a->index > b->index;
}

enum bar_field { BAR_HAVE, BAR_MIN, BAR_BASE };

/* One series over the axis: with `paired` each category has two places, this run's then
 * the baseline's; a bar series is zero at the other series' place, a line goes through both. */
static void series(struct buf *b, const char *kind, const char *title, const struct bar *v, size_t n,
                   enum bar_field field, bool paired)
{
    buf_printf(b, "  %s \"%s\" [", kind, title);
    for (size_t i = 0; i < n; i++) {
        uint64_t x = field == BAR_HAVE ? v[i].have : field == BAR_MIN ? v[i].min : v[i].base;
        if (!paired)
            buf_printf(b, "%s%llu", i ? ", " : "", (unsigned long long)x);
        else if (field == BAR_MIN)
            buf_printf(b, "%s%llu, %llu", i ? ", " : "", (unsigned long long)x, (unsigned long long)x);
        else if (field == BAR_HAVE)
            buf_printf(b, "%s%llu, 0", i ? ", " : "", (unsigned long long)x);
        else
            buf_printf(b, "%s0, %llu", i ? ", " : "", (unsigned long long)x);
    }
    buf_addstr(b, "]\n");
}

void markdown_coverage_chart(struct buf *b, const struct result *r, const struct report_options *o)
{
    const struct section *s = result_find_section(r, "coverage");
    if (!s || !s->n_checks)
        return;
    struct bar *v = xcalloc(s->n_checks, sizeof(*v));
    bool with_base = false;
    for (size_t i = 0; i < s->n_checks; i++) {
        const struct check *c = &s->checks[i];
        v[i].index = i;
        v[i].have = isnan(c->value) ? 0 : (uint64_t)c->value;
        v[i].min = isnan(c->threshold) ? 0 : (uint64_t)c->threshold;
        if (comparison_base_category(o->comparison, c->name, &v[i].base))
            with_base = true;
        uint64_t gap = v[i].min > v[i].have ? v[i].min - v[i].have : 0;
        uint64_t drop = v[i].base > v[i].have ? v[i].base - v[i].have : 0;
        v[i].need = gap > drop ? gap : drop;
    }
    /* paired, every category takes two places: the cap is on places */
    size_t n = s->n_checks, cap = with_base ? MERMAID_MAX_BARS / 2 : MERMAID_MAX_BARS;
    if (n > cap) {
        qsort(v, n, sizeof(*v), bar_rank);
        n = cap;
        qsort(v, n, sizeof(*v), bar_order);
    }
    uint64_t top = 1;
    for (size_t i = 0; i < n; i++) {
        uint64_t m = v[i].have > v[i].min ? v[i].have : v[i].min;
        m = m > v[i].base ? m : v[i].base;
        top = m > top ? m : top;
    }

    buf_printf(b, "_Chart: examples per category (%s), with each category's minimum as a line; "
                  "the table below has the exact numbers._\n\n",
               with_base ? "bars: this run, and beside it the baseline's" : "bars");
    /* Mermaid neither turns nor wraps x-axis labels: side by side they overlap once
     * they are many or long, so such a chart lies on its side, a label per row. */
    size_t longest = 0;
    for (size_t i = 0; i < n; i++) {
        size_t chars = name_chars(s->checks[v[i].index].name);
        longest = chars > longest ? chars : longest;
    }
    longest = longest < MERMAID_LABEL_CHARS ? longest : MERMAID_LABEL_CHARS + 1;
    if (with_base)
        longest += strlen(BASELINE_SUFFIX);
    size_t places = with_base ? 2 * n : n;
    bool sideways = places > MERMAID_UPRIGHT_BARS || places * (longest + 2) > MERMAID_UPRIGHT_CHARS;
    buf_printf(b, "```mermaid\nxychart-beta%s\n  title \"Examples per category\"\n"
                  "  accTitle: Examples per category\n", sideways ? " horizontal" : "");
    buf_printf(b, "  accDescr: Bars of the examples in each of %zu categories%s, and a line of each "
                  "category's minimum\n", n, with_base ? " in this run and, beside each, in the baseline" : "");
    buf_addstr(b, "  x-axis [");
    for (size_t i = 0; i < n; i++) {
        const char *name = s->checks[v[i].index].name;
        if (i)
            buf_addstr(b, ", ");
        mermaid_label(b, name, MERMAID_LABEL_CHARS);
        if (with_base) {
            buf_addstr(b, ", \"");
            label_text(b, name, MERMAID_LABEL_CHARS);
            buf_addstr(b, BASELINE_SUFFIX "\"");
        }
    }
    buf_printf(b, "]\n  y-axis \"Examples\" 0 --> %llu\n", (unsigned long long)top);
    series(b, "bar", "this run", v, n, BAR_HAVE, with_base);
    if (with_base)
        series(b, "bar", "baseline", v, n, BAR_BASE, true);
    series(b, "line", "minimum", v, n, BAR_MIN, with_base);
    buf_addstr(b, "```\n\n");
    if (n < s->n_checks)
        buf_printf(b, "_The chart shows %zu of %zu categories: those furthest below their minimum or the "
                      "baseline, then the largest; %zu more are in the table._\n\n",
                   n, s->n_checks, s->n_checks - n);
    free(v);
}

/* Examples per split: the splits gate's counts, or (that gate off) the files' own. */
static uint64_t *split_counts(const struct result *r, const struct spec *spec, size_t *n, const char *const **names)
{
    if (r->metrics.split_examples && r->split_names && r->n_splits) {
        *n = r->n_splits;
        *names = (const char *const *)r->split_names;
        uint64_t *v = xcalloc(*n, sizeof(*v));
        memcpy(v, r->metrics.split_examples, *n * sizeof(*v));
        return v;
    }
    if (!spec || !spec->dataset.n_splits)
        return NULL;
    *n = spec->dataset.n_splits;
    const char **all = xcalloc(*n, sizeof(*all));
    for (size_t i = 0; i < *n; i++)
        all[i] = spec->dataset.splits[i].name;
    *names = all;
    uint64_t *v = xcalloc(*n, sizeof(*v));
    for (size_t i = 0; i < r->n_files; i++)
        if (r->files[i].split < *n)
            v[r->files[i].split] += r->files[i].examples;
    return v;
}

void markdown_split_chart(struct buf *b, const struct result *r, const struct spec *spec)
{
    size_t shown = 0, n = 0;
    const char *const *names = NULL;
    uint64_t *count = split_counts(r, spec, &n, &names), total = 0;
    for (size_t i = 0; i < n; i++)
        total += count[i];
    if (n < 2 || !total) {
        free(count);
        if (names != (const char *const *)r->split_names)
            free((void *)names);
        return;
    }
    buf_addstr(b, "### Splits\n\n_Chart: the share of examples in each split; the counts are in the "
                  "chart's legend._\n\n```mermaid\npie showData\n  title Examples per split\n"
                  "  accTitle: Examples per split\n");
    buf_printf(b, "  accDescr: The %llu examples divided among %zu splits\n", (unsigned long long)total, n);
    for (size_t i = 0; i < n && shown < MERMAID_MAX_BARS; i++) {
        if (!count[i])   /* a slice of nothing draws nothing */
            continue;
        buf_addstr(b, "  ");
        mermaid_label(b, names[i], MERMAID_LABEL_CHARS);
        buf_printf(b, " : %llu\n", (unsigned long long)count[i]);
        shown++;
    }
    buf_addstr(b, "```\n\n");
    size_t empty = 0;
    for (size_t i = 0; i < n; i++)
        empty += !count[i];
    if (shown + empty < n)
        buf_printf(b, "_The chart shows the first %zu splits; %zu more are not drawn._\n\n", shown,
                   n - shown - empty);
    if (empty)
        buf_printf(b, "_%zu split%s with no examples %s not drawn._\n\n", empty, empty == 1 ? "" : "s",
                   empty == 1 ? "is" : "are");
    free(count);
    if (names != (const char *const *)r->split_names)
        free((void *)names);
}
