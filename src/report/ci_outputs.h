/*
 * Files the GitHub Actions runner hands a step: $GITHUB_OUTPUT (step outputs) and
 * $GITHUB_STEP_SUMMARY (markdown). Both are appended to, never rewritten.
 *
 *   struct ci_output kv[] = { { "result", "fail" }, { "version", "1.2.0" } };
 *   if (ci_outputs_append(getenv("GITHUB_OUTPUT"), kv, 2) < 0) ... DSCI_EENV ...
 *
 * A single-line value is written as name=value; a value with a line break uses the
 * delimiter form (name<<DELIM, value, DELIM) with a random delimiter that the value
 * does not contain, so data cannot end it early and set other outputs.
 */
#ifndef DSCI_CI_OUTPUTS_H
#define DSCI_CI_OUTPUTS_H

#include <stddef.h>

struct ci_output {
    const char *name;    /* [A-Za-z0-9_-]+ */
    const char *value;   /* NULL is written as "" */
};

int ci_outputs_append(const char *path, const struct ci_output *v, size_t n);

/* Appends len bytes to path (created 0644 when missing). */
int ci_append_file(const char *path, const void *data, size_t len);

#endif
