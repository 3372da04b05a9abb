/*
 * Reporters turn a finished struct result into one output format. Each lives in
 * src/report/<name>.c and exports one `const struct reporter`; report_find() looks
 * one up by the name used with --format.
 *
 *   const struct reporter *rep = report_find("json");
 *   rep->write(stdout, &result, &opts);
 */
#ifndef DSCI_REPORT_H
#define DSCI_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "run/quote.h"
#include "run/result.h"

struct buf;
struct comparison;

/* Findings of one gate the markdown summary lists (the rest are counted). */
#define REPORT_FINDINGS_PER_GATE 20

struct report_options {
    bool color;              /* ANSI colours in text output */
    bool quiet;              /* text: only failures and the verdict */
    size_t max_examples;     /* path:line examples per failed check in text; default 5 */
    /* What github and markdown add to the result; each may be NULL / 0 (borrowed). */
    const struct comparison *comparison; /* the baseline comparison, for deltas */
    const struct spec *spec;             /* the head's spec, for coverage keywords */
    const char *bump;                    /* "major" ... "none"; NULL when not decided */
    const char *next_version;            /* the proposed version; NULL when none */
    const char *bump_reason;             /* why; NULL when none */
    size_t max_bytes;                    /* markdown: stay below this size; 0 for no cap */
    /* Reads a few examples' lines again for quotes (html: duplicates and leaks side by
     * side): run/quote.h's quote_lines with its quote_source; NULL: nothing is quoted. */
    void (*quote)(void *ctx, struct quote *q, size_t n, size_t max_bytes);
    void *quote_ctx;
    /* markdown: the HTML report's file and where it can be downloaded (the run's page,
     * from report_run_url()); NULL: no link. */
    const char *html_report_path, *html_report_url;
};

struct reporter {
    const char *name;
    /* Writes the whole report; returns 0, or DSCI_EENV when the stream fails. */
    int (*write)(FILE *out, const struct result *r, const struct report_options *opts);
};

extern const struct reporter report_text;
extern const struct reporter report_json;
extern const struct reporter report_github;
extern const struct reporter report_markdown;
extern const struct reporter report_sarif, report_junit;
extern const struct reporter report_html;

/* The step summary of a run that ended in exit 2 or 3: what went wrong, escaped. */
int report_markdown_error(FILE *out, const char *command, const char *message, int exit_code);

/* The GitHub Actions run's page (https://SERVER/OWNER/REPO/actions/runs/ID, where its
 * artifacts are) from the runner's environment, each part validated; false when not in
 * GitHub Actions or a part is malformed. */
#define REPORT_RUN_URL_SIZE 512
bool report_run_url(char out[REPORT_RUN_URL_SIZE]);

const struct reporter *report_find(const char *name);
/* The i-th registered reporter, NULL past the end (for "known: ..." messages). */
const struct reporter *report_at(size_t i);

/* A gate level as the json and junit reports spell it: "off", "warn", "block". */
const char *report_level_word(enum gate_level level);

/* Appends a check's one-line summary to b, as the text report prints it after the tag:
 * "Valid JSON: 105/106 (99%) (target: 100%)" (junit's failure message, SARIF's text). */
void report_check_line(struct buf *b, const struct check *c);

#endif
