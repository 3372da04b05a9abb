/* The one way messages reach stderr, and the spec a command works on. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/progress.h"
#include "spec/spec.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/gh_escape.h"

/* The one way a message reaches stderr: names in it come from the repository, the
 * command line or the environment, so no byte of them may start a line of its own. */
void message_print(const char *msg)
{
    struct buf b = BUF_INIT;
    buf_addstr(&b, "dsci: ");
    term_escape(&b, msg);
    buf_addch(&b, '\n');
    progress_clear();
    fputs(buf_cstr(&b), stderr);
    buf_release(&b);
}

void out_line(const char *fmt, ...)
{
    struct buf b = BUF_INIT;
    char *raw = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&raw, fmt, ap) < 0)
        raw = NULL;
    va_end(ap);
    term_escape(&b, raw ? raw : "");
    free(raw);
    buf_addch(&b, '\n');
    fputs(buf_cstr(&b), stdout);
    buf_release(&b);
}

/* The last error message usage_error or report_error printed, for the CI error report. */
static char *last_error;

const char *message_last_error(void)
{
    return last_error ? last_error : "";
}

static void remember(const char *msg)
{
    free(last_error);
    last_error = strdup(msg);
}

int usage_error(const char *fmt, ...)
{
    va_list ap;
    char *msg = NULL;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    message_print(msg ? msg : "out of memory");
    remember(msg ? msg : "out of memory");
    free(msg);
    return 2;
}

int report_error(int code)
{
    const char *msg = err_last();
    message_print(*msg ? msg : "unknown error");
    remember(*msg ? msg : "unknown error");
    return err_exit_code(code);
}

int find_spec_path(const struct global_opts *g, char **out)
{
    if (g->spec) {
        *out = strdup(g->spec);
        return *out ? 0 : 3;
    }
    int rc = spec_find(out, ".");
    return rc < 0 ? report_error(rc) : 0;
}
