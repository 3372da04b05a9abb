/*
 * $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY writers; see ci_outputs.h.
 */
#include "report/ci_outputs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"
#include "version/semver.h"
#include "util/atomic_file.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/gh_escape.h"

int ci_append_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return err_set(DSCI_EENV, "cannot open '%s': %s", path, strerror(errno));
    if (output_write_all(fd, data, len) < 0) {
        int e = errno;
        close(fd);
        return err_set(DSCI_EENV, "cannot write '%s': %s", path, strerror(e));
    }
    if (close(fd) != 0)
        return err_set(DSCI_EENV, "cannot write '%s': %s", path, strerror(errno));
    return 0;
}

int ci_outputs_append(const char *path, const struct ci_output *v, size_t n)
{
    struct buf b = BUF_INIT;
    int rc = 0;

    for (size_t i = 0; i < n; i++) {
        const char *val = v[i].value ? v[i].value : "";
        if (!strpbrk(val, "\r\n")) {
            buf_printf(&b, "%s=%s\n", v[i].name, val);
            continue;
        }
        char tok[GH_TOKEN_LEN + 1], delim[64];
        do {
            if (gh_random_token(tok) < 0) {
                rc = err_set(DSCI_EENV, "no randomness for the %s output delimiter", v[i].name);
                goto done;
            }
            snprintf(delim, sizeof(delim), "ghadelimiter_%s", tok);
        } while (strstr(val, delim));
        buf_printf(&b, "%s<<%s\n%s\n%s\n", v[i].name, delim, val, delim);
    }
    rc = ci_append_file(path, b.ptr ? b.ptr : "", b.len);
done:
    buf_release(&b);
    return rc;
}

#define STEP_SUMMARY_MAX (1000 * 1000)   /* GitHub takes at most 1 MiB per step */

int ci_outputs_write_check(const struct result *r, const struct report_options *ro, const char *report_path)
{
    const char *summary = getenv("GITHUB_STEP_SUMMARY"), *outputs = getenv("GITHUB_OUTPUT");
    int rc = 0;

    if (summary && *summary) {
        struct report_options mo = *ro;
        char *text = NULL;
        size_t len = 0;
        mo.color = false;
        mo.max_bytes = STEP_SUMMARY_MAX;
        FILE *mem = open_memstream(&text, &len);
        if (!mem)
            return err_set(DSCI_EENV, "out of memory");
        rc = report_markdown.write(mem, r, &mo);
        if (fclose(mem) != 0 && rc == 0)
            rc = err_set(DSCI_EENV, "cannot build the step summary");
        if (rc == 0)
            rc = ci_append_file(summary, text, len);
        free(text);
        if (rc < 0)
            return rc;
    }
    if (outputs && *outputs) {
        char blocking[32];
        snprintf(blocking, sizeof(blocking), "%zu", result_blocking_failures(r));
        /* Outputs carry only what dsci accepts: a version file's "version" that is not a
         * semantic version (it could hold line breaks or "::error::") is left empty. */
        struct semver parsed = SEMVER_INIT;
        bool version_ok = r->version && semver_parse(&parsed, r->version) == 0;
        semver_release(&parsed);
        err_clear();
        struct ci_output kv[] = {
            { "result", result_passed(r) ? "pass" : "fail" },
            { "version", version_ok ? r->version : "" },
            { "next_version", ro->next_version ? ro->next_version : "" },
            { "bump", ro->bump ? ro->bump : "none" },
            { "blocking_failures", blocking },
            { "report_path", report_path ? report_path : "" },
        };
        rc = ci_outputs_append(outputs, kv, sizeof(kv) / sizeof(kv[0]));
    }
    return rc;
}

int ci_summary_append_error(const char *command, const char *msg, int code)
{
    const char *summary = getenv("GITHUB_STEP_SUMMARY");
    char *text = NULL;
    size_t len = 0;
    int rc = 0;
    if (!summary || !*summary)
        return 0;
    FILE *mem = open_memstream(&text, &len);
    if (mem) {
        int built = report_markdown_error(mem, command, msg, code);
        if (fclose(mem) == 0 && built == 0)
            rc = ci_append_file(summary, text, len);
    }
    free(text);
    return rc;
}
