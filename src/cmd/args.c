/* Option parsing shared by all commands: --name VALUE, --name=VALUE, -C DIR. */
#include "cmd/cmd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spec.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/gh_escape.h"
#include "util/jobs.h"

int args_match(struct args *a, const char *name, bool takes_value, const char **value)
{
    const char *arg = a->argv[a->i];
    size_t n = strlen(name);
    *value = NULL;
    if (strncmp(arg, name, n) != 0)
        return 0;
    if (arg[n] == '\0') {
        if (takes_value) {
            if (a->i + 1 >= a->argc) {
                usage_error("option '%s' needs a value", name);
                return -1;
            }
            *value = a->argv[++a->i];
        }
        a->i++;
        return 1;
    }
    if (arg[n] == '=' && takes_value && name[1] == '-') {
        *value = arg + n + 1;
        a->i++;
        return 1;
    }
    return 0;
}

int args_global(struct args *a, struct global_opts *g)
{
    const char *v;
    int m;
    if ((m = args_match(a, "--spec", true, &v)) != 0) {
        if (m > 0)
            g->spec = v;
        return m;
    }
    if ((m = args_match(a, "--color", true, &v)) != 0) {
        if (m < 0)
            return m;
        if (!strcmp(v, "auto"))
            g->color = COLOR_AUTO;
        else if (!strcmp(v, "always"))
            g->color = COLOR_ALWAYS;
        else if (!strcmp(v, "never"))
            g->color = COLOR_NEVER;
        else {
            usage_error("--color takes auto, always or never, not '%s'", v);
            return -1;
        }
        return 1;
    }
    if ((m = args_match(a, "-C", true, &v)) != 0) {
        /* like git -C, also after the command name: relative paths are from DIR */
        if (m > 0 && chdir(v) != 0) {
            usage_error("cannot change to '%s': %s", v, strerror(errno));
            return -1;
        }
        return m;
    }
    if ((m = args_match(a, "--jobs", true, &v)) != 0 || (m = args_match(a, "-j", true, &v)) != 0) {
        if (m < 0)
            return m;
        unsigned n = jobs_parse(v);
        if (!n) {
            usage_error("--jobs takes a number of threads from 1 to %d, not '%s'", JOBS_MAX, v);
            return -1;
        }
        jobs_set(n);
        return 1;
    }
    if ((m = args_match(a, "-q", false, &v)) != 0 || (m = args_match(a, "--quiet", false, &v)) != 0) {
        g->quiet = true;
        return m;
    }
    return 0;
}

/* The one way a message reaches stderr: names in it come from the repository, the
 * command line or the environment, so no byte of them may start a line of its own. */
void message_print(const char *msg)
{
    struct buf b = BUF_INIT;
    buf_addstr(&b, "dsci: ");
    term_escape(&b, msg);
    buf_addch(&b, '\n');
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
