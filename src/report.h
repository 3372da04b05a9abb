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

#include "result.h"

struct report_options {
    bool color;              /* ANSI colours in text output */
    bool quiet;              /* text: only failures and the verdict */
    size_t max_examples;     /* path:line examples per failed check in text; default 5 */
};

struct reporter {
    const char *name;
    /* Writes the whole report; returns 0, or DSCI_EENV when the stream fails. */
    int (*write)(FILE *out, const struct result *r, const struct report_options *opts);
};

extern const struct reporter report_text;
extern const struct reporter report_json;

const struct reporter *report_find(const char *name);

#endif
