/*
 * Mermaid charts for the markdown report and the GitHub step summary (GitHub draws
 * ```mermaid blocks): examples per coverage category against their minimum and the
 * baseline, and examples per split. The tables around them keep the exact numbers.
 *
 *   markdown_coverage_chart(&b, result, opts);   // nothing when there is no coverage
 *   markdown_split_chart(&b, result, spec);      // nothing for fewer than two splits
 */
#ifndef DSCI_MARKDOWN_CHARTS_H
#define DSCI_MARKDOWN_CHARTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct comparison;
struct report_options;
struct result;
struct spec;

/* Categories (and splits) one chart shows at most, half as many categories beside a
 * baseline (two bars each); the rest are counted under it. */
#define MERMAID_MAX_BARS 30
/* Characters of a name a label keeps before it is cut with "…". */
#define MERMAID_LABEL_CHARS 24

/*
 * Appends `name` as a quoted Mermaid string ("..."), safe for any bytes: every ASCII
 * character but letters, digits, space and - _ . , / ( ) + ! ? ' becomes a Mermaid
 * entity code (#34; for a quote), so nothing can end the string, start a comment or a
 * %%{directive}%%, form HTML, or close the code fence (no line break or backtick is
 * left); control characters, bidi overrides and invisible format characters become
 * U+FFFD; bytes that are not UTF-8 too. Longer than max_chars characters: cut, "…"
 * added. An empty name is shown as "(empty)".
 */
void mermaid_label(struct buf *b, const char *name, size_t max_chars);

void markdown_coverage_chart(struct buf *b, const struct result *r, const struct report_options *o);
/* Examples per split; spec names the splits when the splits gate did not run. */
void markdown_split_chart(struct buf *b, const struct result *r, const struct spec *spec);

#endif
