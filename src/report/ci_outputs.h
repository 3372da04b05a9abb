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

struct result;
struct report_options;

/*
 * What a check leaves for the runner, when it gives the files: the markdown report in
 * $GITHUB_STEP_SUMMARY (capped at GitHub's 1 MiB, no color) and the step outputs result,
 * version, next_version, bump, blocking_failures and report_path (NULL: "") in
 * $GITHUB_OUTPUT. A version that is not a semantic version is left empty: outputs carry
 * only what dsci accepts.
 */
/* The markdown error report (report_markdown_error) appended to $GITHUB_STEP_SUMMARY,
 * when the runner gives one, headed by `command` (NULL before it is known); a report
 * that cannot be built is skipped (0). */
int ci_summary_append_error(const char *command, const char *msg, int code);

int ci_outputs_write_check(const struct result *r, const struct report_options *ro, const char *report_path);

#endif
