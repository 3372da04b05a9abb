/*
 * Writers for `dsci diff` (src/report/diff.c): the same diff as a text table or JSON.
 *
 *   struct diff_report r = { spec, &diff, &base_result, &head_result, "v1.2.0", "worktree" };
 *   report_diff_text(stdout, &r);
 */
#ifndef DSCI_REPORT_DIFF_H
#define DSCI_REPORT_DIFF_H

#include <stdio.h>

#include "run/diff.h"
#include "run/result.h"
#include "spec/spec.h"

struct diff_report {
    const struct spec *spec;
    const struct diff *diff;
    const struct result *base, *head;   /* for the metrics */
    const char *base_name, *head_name;
};

int report_diff_text(FILE *out, const struct diff_report *r);
int report_diff_json(FILE *out, const struct diff_report *r);

#endif
