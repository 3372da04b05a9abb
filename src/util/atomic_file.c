#include "util/atomic_file.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/err.h"
#include "util/xalloc.h"

int output_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
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

/* A temporary whose writer is gone is removed after this many seconds (the writer's pid
 * may belong to another pid namespace sharing the folder: give a live write time to
 * finish), and any temporary after an hour (the pid may have been reused). Files of the
 * naming before 0.2, "<name>.tmp.XXXXXX", carry no pid: a minute. */
#define STALE_DEAD_SECONDS 5
#define STALE_ANY_SECONDS 3600
#define STALE_LEGACY_SECONDS 60
#define TEMP_TAG ".dsci-tmp."

/* Splits `path` into its folder ("." when none) and its last component. */
static void split_path(const char *path, char **dir, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        *dir = xstrdup(".");
        *base = path;
    } else {
        *dir = slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
        *base = slash + 1;
    }
}

/* Whether `s` is the six characters mkstemp puts in place of XXXXXX. */
static bool mkstemp_suffix(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isalnum((unsigned char)s[n]))
            return false;
    return n == 6;
}

/* The pid in ".<base>.dsci-tmp.<pid>.XXXXXX", or 0 when `name` is not one of those. */
static long our_temp_pid(const char *name, const char *base)
{
    size_t n = strlen(base), t = strlen(TEMP_TAG);
    if (name[0] != '.' || strncmp(name + 1, base, n) || strncmp(name + 1 + n, TEMP_TAG, t))
        return 0;
    const char *p = name + 1 + n + t;
    char *end = NULL;
    errno = 0;
    long pid = strtol(p, &end, 10);
    if (errno || end == p || pid <= 0 || *end != '.' || !mkstemp_suffix(end + 1))
        return 0;
    return pid;
}

static bool legacy_temp(const char *name, const char *base)
{
    size_t n = strlen(base);
    return !strncmp(name, base, n) && !strncmp(name + n, ".tmp.", 5) && mkstemp_suffix(name + n + 5);
}

/*
 * Removes the temporaries an interrupted dsci left next to `base` in `dir` (killed
 * between creating one and renaming it): only dsci's own names for this target, only
 * regular files of this user, only when stale (see above). Concurrent runs keep theirs:
 * a live writer's pid is alive and its file is fresh. Errors are ignored: this is tidying.
 */
static void remove_stale_temps(const char *dir, const char *base)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d))) {
        long pid = our_temp_pid(e->d_name, base);
        bool legacy = !pid && legacy_temp(e->d_name, base);
        struct stat st;
        if ((!pid && !legacy) || pid == (long)getpid() ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
            st.st_uid != geteuid())
            continue;
        double age = difftime(now, st.st_mtime);
        bool stale;
        if (legacy)
            stale = age >= STALE_LEGACY_SECONDS;
        else
            stale = age >= STALE_ANY_SECONDS ||
                    (age >= STALE_DEAD_SECONDS && kill((pid_t)pid, 0) != 0 && errno == ESRCH);
        if (stale)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

int atomic_open(struct atomic_out *o, const char *path)
{
    char *dir = NULL;
    const char *base = NULL;
    memset(o, 0, sizeof(*o));
    o->fd = -1;
    split_path(path, &dir, &base);
    remove_stale_temps(dir, base);
    /* Hidden, and named after the target and this process: found and removed by the
     * next run if this one is killed before the rename. */
    const char *prefix = !strcmp(dir, ".") ? "" : !strcmp(dir, "/") ? "/" : NULL;
    char *tmp = prefix ? xasprintf("%s.%s" TEMP_TAG "%ld.XXXXXX", prefix, base, (long)getpid())
                       : xasprintf("%s/.%s" TEMP_TAG "%ld.XXXXXX", dir, base, (long)getpid());
    free(dir);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int rc = err_set(DSCI_EENV, "%s: cannot create a temporary file next to it: %s", path, strerror(errno));
        free(tmp);
        return rc;
    }
    o->fd = fd;
    o->tmp = tmp;
    o->path = xstrdup(path);
    return 0;
}

int atomic_finish(struct atomic_out *o, mode_t mode)
{
    int rc = 0;
    if (fchmod(o->fd, mode) != 0 || fsync(o->fd) != 0)
        rc = err_set(DSCI_EENV, "%s: cannot write: %s", o->path, strerror(errno));
    if (close(o->fd) != 0 && rc == 0)
        rc = err_set(DSCI_EENV, "%s: cannot write: %s", o->path, strerror(errno));
    o->fd = -1;
    if (rc == 0 && rename(o->tmp, o->path) != 0)
        rc = err_set(DSCI_EENV, "%s: cannot replace: %s", o->path, strerror(errno));
    if (rc != 0)
        unlink(o->tmp);
    else
        sync_dir(o->path);
    free(o->tmp);
    free(o->path);
    o->tmp = o->path = NULL;
    return rc;
}

void atomic_abort(struct atomic_out *o)
{
    if (o->fd >= 0)
        close(o->fd);
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    free(o->path);
    o->fd = -1;
    o->tmp = o->path = NULL;
}

int atomic_write_file(const char *path, const void *data, size_t len, mode_t mode)
{
    struct atomic_out o;
    int rc = atomic_open(&o, path);
    if (rc < 0)
        return rc;
    if (output_write_all(o.fd, data, len) < 0) {
        rc = err_set(DSCI_EENV, "%s: cannot write: %s", path, strerror(errno));
        atomic_abort(&o);
        return rc;
    }
    return atomic_finish(&o, mode);
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
    /* Non-blocking open: a FIFO nobody reads is ENXIO, retried for 10 s (its reader may
     * start just after dsci) rather than a run that waits forever; then blocking writes. */
    int fd = -1;
    for (int tries = 0; tries < 200; tries++) {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY | O_CLOEXEC | O_NONBLOCK, mode);
        if (fd >= 0 || errno != ENXIO)
            break;
        nanosleep(&(struct timespec){ .tv_nsec = 50 * 1000 * 1000 }, NULL);
    }
    if (fd < 0 && errno == ENXIO && S_ISFIFO(st.st_mode))
        return err_set(DSCI_EENV, "%s: a FIFO that nobody read within 10 s; start its reader first", path);
    if (fd < 0)
        return err_set(DSCI_EENV, "%s: cannot open for writing: %s", path, strerror(errno));
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    int rc = 0;
    if (output_write_all(fd, data, len) < 0)
        rc = err_set(DSCI_EENV, "%s: cannot write: %s", path, strerror(errno));
    if (close(fd) != 0 && rc == 0)
        rc = err_set(DSCI_EENV, "%s: cannot write: %s", path, strerror(errno));
    return rc;
}

/* 1 or 2 for "/dev/stdout", "/dev/fd/N", "/proc/self/fd/N" (N = 1, 2), else 0. */
static int std_name(const char *p)
{
    if (!strcmp(p, "/dev/stdout"))
        return 1;
    if (!strcmp(p, "/dev/stderr"))
        return 2;
    const char *n = !strncmp(p, "/dev/fd/", 8) ? p + 8 : !strncmp(p, "/proc/self/fd/", 14) ? p + 14 : NULL;
    if (n && (!strcmp(n, "1") || !strcmp(n, "2")))
        return n[0] - '0';
    return 0;
}

int output_std_alias(const char *path)
{
    int fd = std_name(path);
    if (fd)
        return fd;
    /* a link of one's own to one of them */
    char target[256];
    ssize_t n = readlink(path, target, sizeof(target) - 1);
    if (n > 0) {
        target[n] = '\0';
        if ((fd = std_name(target)))
            return fd;
    }
    /* any other name of the same pipe, terminal or device ("//dev/stdout",
     * "/proc/PID/fd/1", "/proc/thread-self/fd/1"): written through dsci's own stream */
    struct stat st, s;
    if (stat(path, &st) != 0 || S_ISREG(st.st_mode))
        return 0;
    for (fd = 1; fd <= 2; fd++)
        if (fstat(fd, &s) == 0 && s.st_dev == st.st_dev && s.st_ino == st.st_ino && s.st_rdev == st.st_rdev)
            return fd;
    return 0;
}
