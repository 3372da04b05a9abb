#include "util/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/err.h"
#include "util/xalloc.h"

static int write_all(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Makes the rename durable; failing here loses nothing already visible. */
static void sync_dir(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[slash == dir ? 1 : 0] = '\0';
    int fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

int atomic_write_file(const char *path, const void *data, size_t len, mode_t mode)
{
    char *tmp = xasprintf("%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    int rc = 0;
    if (fd < 0) {
        rc = err_set(DSCI_EENV, "%s: cannot create a temporary file next to it: %s", path, strerror(errno));
        free(tmp);
        return rc;
    }
    if (write_all(fd, data, len) < 0 || fchmod(fd, mode) != 0 || fsync(fd) != 0)
        rc = err_set(DSCI_EENV, "%s: cannot write: %s", path, strerror(errno));
    if (close(fd) != 0 && rc == 0)
        rc = err_set(DSCI_EENV, "%s: cannot write: %s", path, strerror(errno));
    if (rc == 0 && rename(tmp, path) != 0)
        rc = err_set(DSCI_EENV, "%s: cannot replace: %s", path, strerror(errno));
    if (rc != 0)
        unlink(tmp);
    else
        sync_dir(path);
    free(tmp);
    return rc;
}

int output_write_file(const char *path, const void *data, size_t len, mode_t mode)
{
    struct stat st;
    if (lstat(path, &st) != 0 || S_ISREG(st.st_mode))
        return atomic_write_file(path, data, len, mode);
    if (S_ISDIR(st.st_mode))
        return err_set(DSCI_EUSAGE, "%s: is a folder; name a file to write", path);
    /* No temporary and no rename: those would put a regular file where the device, the
     * FIFO or the link was. O_TRUNC is ignored by FIFOs and devices. */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY | O_CLOEXEC, mode);
    if (fd < 0)
        return err_set(DSCI_EENV, "%s: cannot open for writing: %s", path, strerror(errno));
    int rc = 0;
    if (write_all(fd, data, len) < 0)
        rc = err_set(DSCI_EENV, "%s: cannot write: %s", path, strerror(errno));
    if (close(fd) != 0 && rc == 0)
        rc = err_set(DSCI_EENV, "%s: cannot write: %s", path, strerror(errno));
    return rc;
}
