/*
 * The work-tree backend: files on disk. Each path is resolved with realpath (so
 * symlinks are followed only to see where they lead) and must stay inside the
 * boundary: the git work tree when the dataset lives in one, the dataset root otherwise.
 */
#include "data/source_worktree.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "data/repo.h"
#include "data/source_backend.h"
#include "data/source_path.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/path_boundary.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define SMALL_FILE_MAX ((size_t)64 << 20)

struct worktree {
    char *boundary;    /* realpath of what no path may leave */
    char *repo_top;    /* realpath of the git work tree, NULL outside git */
    char *root_real;   /* realpath of the dataset root */
};

/* Rejects a path that leaves the boundary, following symlinks. A missing file is
 * checked through its nearest existing parent, so it still gets a "no such file"; so
 * does a dangling link (opening it says so). A match of a glob is named by the
 * `pattern` (non-NULL), never by its own name: that would show the names of files
 * outside the repository. */
static int check_inside(const struct source *src, const char *rel, const char *pattern)
{
    const struct worktree *wt = src->impl;
    const char *where = wt->repo_top ? "repository" : "dataset root";
    char *full = source_path_join(src->root, rel);
    char *real = NULL;
    int rc = 0;
    int r = path_resolve(full, &real);
    if (r == PATH_RESOLVED && !path_inside(wt->boundary, real) && pattern)
        rc = err_set(DSCI_EUSAGE, "'%s' matches files outside the %s (%s); dataset files must be inside it",
                     pattern, where, wt->boundary);
    else if (r == PATH_RESOLVED && !path_inside(wt->boundary, real))
        rc = err_set(DSCI_EUSAGE, "'%s' leaves the %s (%s); dataset files must be inside it", rel, where,
                     wt->boundary);
    else if (r == PATH_ERRNO)
        rc = err_set(path_error_code(errno), "'%s': cannot resolve%s: %s", pattern ? pattern : rel,
                     pattern ? " a match" : "", strerror(errno));
    free(real);
    free(full);
    return rc;
}

/* The first folder glob could not read, and why; a folder that is not there (or is a
 * file) is no error: the pattern then matches nothing there. */
static _Thread_local int glob_errno;

static int glob_error(const char *epath, int eerrno)
{
    (void)epath;   /* may be outside the repository: not shown */
    if (eerrno == ENOENT || eerrno == ENOTDIR)
        return 0;
    glob_errno = eerrno;
    return 1;
}

static int wt_expand_glob(struct source *src, const char *pattern, char ***out, size_t *n)
{
    char **list = NULL;
    size_t count = 0, alloc = 0;
    int rc = 0;
    char *full = source_path_join(src->root, pattern);
    glob_t g;

    memset(&g, 0, sizeof(g));
    glob_errno = 0;
    int grc = glob(full, 0, glob_error, &g);
    free(full);
    if (grc == GLOB_NOMATCH) {
        globfree(&g);
        return 0;
    }
    if (grc != 0) {
        globfree(&g);
        if (grc == GLOB_NOSPACE)
            return err_set(DSCI_EENV, "'%s': out of memory listing files", pattern);
        return err_set(DSCI_EENV, "'%s': cannot list files: %s", pattern,
                       strerror(glob_errno ? glob_errno : EIO));
    }
    size_t prefix = !strcmp(src->root, ".") ? 0 : strlen(src->root) + 1;
    if (prefix && src->root[prefix - 2] == '/')
        prefix--;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        struct stat st;
        if (stat(g.gl_pathv[i], &st) == 0 && S_ISDIR(st.st_mode))
            continue;
        const char *rel = g.gl_pathv[i] + prefix;
        if ((rc = check_inside(src, rel, pattern)) < 0)
            break;
        ALLOC_GROW(list, count + 1, alloc);
        list[count++] = xstrdup(rel);
    }
    globfree(&g);
    if (rc < 0) {
        strv_free(list, count);
        return rc;
    }
    qsort(list, count, sizeof(*list), strv_cmp);
    *out = list;
    *n = count;
    return 0;
}

static char *wt_display_path(const struct source *src, const char *path)
{
    const struct worktree *wt = src->impl;
    if (wt->repo_top) {
        /* repo-relative, as git and GitHub annotations name files */
        char *full = source_path_join(wt->root_real, path);
        source_path_normalize(full);
        const char *inside = path_below(wt->repo_top, full);
        if (inside && *inside) {
            char *rel = xstrdup(inside);
            free(full);
            return rel;
        }
        free(full);
    }
    char *joined = source_path_join(src->root, path);
    source_path_normalize(joined);
    return joined;
}

struct file_stream {
    int fd;
    char *path;
};

static ssize_t file_read(void *ctx, char *buf, size_t cap)
{
    struct file_stream *fs = ctx;
    for (;;) {
        ssize_t n = read(fs->fd, buf, cap);
        if (n >= 0)
            return n;
        if (errno != EINTR)
            return err_set(DSCI_EENV, "%s: read error: %s", fs->path, strerror(errno));
    }
}

static void file_close(void *ctx)
{
    struct file_stream *fs = ctx;
    if (fs->fd >= 0)
        close(fs->fd);
    free(fs->path);
    free(fs);
}

/* What a non-regular file is, for messages. */
static const char *file_kind(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

/*
 * Opens a dataset file for reading. O_NONBLOCK first: opening a FIFO would otherwise
 * wait for a writer forever; fstat then refuses anything but a regular file (the spec
 * names a file that is not one: DSCI_EUSAGE). Missing: DSCI_EUSAGE; the OS refusing
 * (EACCES, EIO...): DSCI_EENV with its reason.
 */
static int open_checked(struct source *src, const char *path, int *fd_out, char **full_out)
{
    int rc = check_inside(src, path, NULL);
    if (rc < 0)
        return rc;
    char *full = source_path_join(src->root, path);
    int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        rc = err_set(path_error_code(errno), "%s: %s", full,
                     errno == ENOENT || errno == ENOTDIR ? "no such file" : strerror(errno));
        free(full);
        return rc;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        rc = err_set(DSCI_EENV, "%s: %s", full, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        rc = err_set(DSCI_EUSAGE, "%s: is a directory, expected a data file", full);
    } else if (!S_ISREG(st.st_mode)) {
        rc = err_set(DSCI_EUSAGE, "%s: is %s, expected a regular file", full, file_kind(st.st_mode));
    } else {
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0)
            rc = err_set(DSCI_EENV, "%s: %s", full, strerror(errno));
    }
    if (rc < 0) {
        close(fd);
        free(full);
        return rc;
    }
    *fd_out = fd;
    *full_out = full;
    return 0;
}

static int wt_open_stream(struct source *src, const char *path, struct byte_stream *out)
{
    int fd = -1;          /* set by open_checked when it returns 0 (gcc -O3 cannot tell) */
    char *full = NULL;
    int rc = open_checked(src, path, &fd, &full);
    if (rc < 0)
        return rc;
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    struct file_stream *fs = xmalloc(sizeof(*fs));
    fs->fd = fd;
    fs->path = full;
    out->read = file_read;
    out->close = file_close;
    out->ctx = fs;
    return 0;
}

static int wt_size(struct source *src, const char *path, uint64_t *size)
{
    int fd = -1;
    char *full = NULL;
    int rc = open_checked(src, path, &fd, &full);
    if (rc < 0)
        return rc;
    struct stat st;
    if (fstat(fd, &st) != 0)
        rc = err_set(DSCI_EENV, "%s: %s", full, strerror(errno));
    else
        *size = (uint64_t)st.st_size;
    close(fd);
    free(full);
    return rc;
}

static int wt_read_file(struct source *src, const char *path, char **out, size_t *len)
{
    int fd = -1;
    char *full = NULL;
    struct buf b = BUF_INIT;
    int rc = open_checked(src, path, &fd, &full);
    if (rc < 0)
        return rc;
    b.max = SMALL_FILE_MAX;
    for (;;) {
        if (buf_grow(&b, 65536) < 0) {
            rc = err_set(DSCI_EUSAGE, "%s: larger than %zu bytes", full, SMALL_FILE_MAX);
            break;
        }
        ssize_t n = read(fd, b.ptr + b.len, 65536);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = err_set(DSCI_EENV, "%s: read error: %s", full, strerror(errno));
            break;
        }
        if (n == 0)
            break;
        b.len += (size_t)n;
        b.ptr[b.len] = '\0';
    }
    close(fd);
    free(full);
    if (rc < 0) {
        buf_release(&b);
        return rc;
    }
    *out = buf_detach(&b, len);
    return 0;
}

/* 1: a regular file; 0: nothing there; < 0: something that is not a usable file
 * (a folder, a FIFO, outside the boundary, the OS refusing), with the reason. */
static int wt_exists(struct source *src, const char *path)
{
    int rc = check_inside(src, path, NULL);
    if (rc < 0)
        return rc;
    char *full = source_path_join(src->root, path);
    struct stat st;
    if (stat(full, &st) != 0)
        rc = errno == ENOENT || errno == ENOTDIR ? 0 : err_set(path_error_code(errno), "%s: %s", full, strerror(errno));
    else if (S_ISREG(st.st_mode))
        rc = 1;
    else
        rc = err_set(DSCI_EUSAGE, "%s: is %s, expected a regular file", full, file_kind(st.st_mode));
    free(full);
    return rc;
}

static void wt_release(struct source *src)
{
    struct worktree *wt = src->impl;
    if (!wt)
        return;
    free(wt->boundary);
    free(wt->repo_top);
    free(wt->root_real);
    free(wt);
}

static const struct source_ops worktree_ops = {
    wt_expand_glob, wt_open_stream, wt_read_file, wt_exists, wt_display_path, NULL, wt_size, wt_release,
};

int source_worktree_init(struct source *src)
{
    struct worktree *wt = xcalloc(1, sizeof(*wt));
    struct repo *repo = NULL;

    src->ops = &worktree_ops;
    src->impl = wt;
    wt->root_real = realpath(src->root, NULL);
    if (!wt->root_real)
        return err_set(path_error_code(errno), "%s: %s: %s", src->root,
                       errno == ENOENT ? "dataset root not found" : "cannot resolve the dataset root", strerror(errno));
    /* Inside a repository the boundary is its work tree; outside, the dataset root. */
    if (repo_open(&repo, wt->root_real) == 0) {
        if (repo_workdir(repo))
            wt->repo_top = xstrdup(repo_workdir(repo));
        repo_free(repo);
    }
    wt->boundary = xstrdup(wt->repo_top ? wt->repo_top : wt->root_real);
    return 0;
}
