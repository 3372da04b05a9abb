/*
 * $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY writers; see ci_outputs.h.
 */
#include "report/ci_outputs.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/gh_escape.h"

int ci_append_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return err_set(DSCI_EENV, "cannot open '%s': %s", path, strerror(errno));
    const char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = errno;
            close(fd);
            return err_set(DSCI_EENV, "cannot write '%s': %s", path, strerror(e));
        }
        p += n;
        len -= (size_t)n;
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
