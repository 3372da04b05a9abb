/*
 * What the pieces of the HTML report (--format html) share; report/html.c writes the
 * page, html_svg.c the charts, html_escape.c the one escaper, html_link.c the links.
 *
 *   struct buf b = BUF_INIT;
 *   html_text(&b, category_name);            // every string from data or spec
 *   html_text_cut(&b, message, 300);         // at most 300 code points, then "…"
 *
 * The page has no script, no event handler and no URL but the https links html_link.c
 * builds from validated parts: data can only ever become escaped text.
 */
#ifndef DSCI_REPORT_HTML_H
#define DSCI_REPORT_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report/report.h"
#include "util/buf.h"

/* Listed findings per section and changed examples per diff table: a million findings
 * still give a file of a few MB; the page says how many it leaves out. */
#define HTML_LIST_CAP 200
/* Code points quoted of a message or an example's text. */
#define HTML_QUOTE_CHARS 300

/* Untrusted text as element content or a quoted attribute value (the same rules serve
 * both, and SVG <text>): & < > " ' become references; C0 and C1 controls, DEL and the
 * bidi embeddings and overrides (U+202A-202E, U+2066-2069) show as [U+XXXX]; bytes that
 * are not UTF-8 become U+FFFD. Line breaks and tabs become spaces. */
void html_text(struct buf *b, const char *s);
/* The same, stopping after max code points with "…"; true when it cut. */
bool html_text_cut(struct buf *b, const char *s, size_t max);

/* A number with thousands separators: 13402 -> "13,402". */
void html_count(struct buf *b, uint64_t n);

/* "path:line" of a finding (with its column or record when it has one), escaped; with
 * `link`, as a link to the file at the run's commit on GitHub when html_link_base() has
 * one (never for a place in the baseline: the line is not the head's). */
void html_place(struct buf *b, const char *path, size_t line, const char *place, bool link);

/* https://SERVER/OWNER/REPO/blob/SHA/ from GITHUB_SERVER_URL, GITHUB_REPOSITORY and
 * GITHUB_SHA in GitHub Actions when each is well formed; NULL otherwise. */
const char *html_link_base(void);
/* Room for a URL html_link.c builds (report_run_url(), report.h, is the other). */
#define HTML_URL_SIZE REPORT_RUN_URL_SIZE

/* The charts (html_svg.c): each an <svg role="img"> with <title> and <desc>, followed by
 * a table with the same numbers. */
void html_coverage_chart(struct buf *b, const struct result *r, const struct report_options *o);
void html_split_chart(struct buf *b, const struct result *r, const struct report_options *o);
void html_length_charts(struct buf *b, const struct result *r, const struct report_options *o);
/* Tokens per example per split, then per user and assistant message per split
 * (result.token_lengths), when the tokens gate counted them. */
void html_token_length_charts(struct buf *b, const struct result *r, const struct report_options *o);

/* The regression diff and its changed examples (html_diff.c). */
void html_diff_section(struct buf *b, const struct result *r, const struct report_options *o);

#endif
