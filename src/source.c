/*
 * The work-tree source. Paths come from the spec and are relative to the dataset
 * root; each one is resolved (symlinks included) and must stay inside the boundary:
 * the git work tree when the dataset lives in one, the dataset root otherwise.
 */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

#define SMALL_FILE_MAX ((size_t)64 << 20)

struct source {
    char *root;        /* dataset root as given (relative to the current directory) */
    char *boundary;    /* realpath of what no path may leave */
    char *repo_top;    /* realpath of the git work tree, NULL outside git */
    char *root_real;   /* realpath of root */
};

static char *join(const char *dir, const char *rel)
{
    if (!strcmp(dir, ".") || !*dir)
        return xstrdup(rel);
    size_t n = strlen(dir);
    return xasprintf("%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", rel);
}

/* The work tree that contains `dir`, found through libgit2 (no git subprocess). */
static char *find_repo_top(const char *dir)
{
    git_repository *repo = NULL;
    char *top = NULL;
    git_libgit2_init();
    if (git_repository_open_ext(&repo, dir, 0, NULL) == 0) {
        const char *workdir = git_repository_workdir(repo);
        if (workdir)
            top = realpath(workdir, NULL);
        git_repository_free(repo);
    }
    git_libgit2_shutdown();
    return top;
}

int source_open_worktree(struct source **out, const char *dataset_root)
{
    struct source *src = xcalloc(1, sizeof(*src));
    src->root = xstrdup(dataset_root);
    src->root_real = realpath(dataset_root, NULL);
    if (!src->root_real) {
        int rc = err_set(DSCI_EUSAGE, "%s: dataset root not found: %s", dataset_root, strerror(errno));
        source_free(src);
        return rc;
    }
    src->repo_top = find_repo_top(src->root_real);
    src->boundary = xstrdup(src->repo_top ? src->repo_top : src->root_real);
    *out = src;
    return 0;
}

void source_free(struct source *src)
{
    if (!src)
        return;
    free(src->root);
    free(src->boundary);
    free(src->repo_top);
    free(src->root_real);
    free(src);
}

const char *source_describe(const struct source *src)
{
    (void)src;
    return "worktree";
}

static bool inside(const char *boundary, const char *real)
{
    size_t n = strlen(boundary);
    if (!strcmp(boundary, "/"))
        return true;
    return strncmp(real, boundary, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

/* Rejects a path that leaves the boundary, following symlinks. A missing file is
 * checked through its nearest existing parent, so it still gets a "no such file". */
static int check_inside(const struct source *src, const char *rel)
{
    if (rel[0] == '/')
        return err_set(DSCI_EUSAGE, "'%s': absolute paths are not allowed; give a path relative to the dataset root", rel);
    char *full = join(src->root, rel);
    char *probe = xstrdup(full);
    char *real = NULL;
    int rc = 0;
    for (;;) {
        real = realpath(probe, NULL);
        if (real || errno != ENOENT)
            break;
        char *slash = strrchr(probe, '/');
        if (!slash) {
            real = realpath(".", NULL);
            break;
        }
        *slash = '\0';
    }
    if (real && !inside(src->boundary, real))
        rc = err_set(DSCI_EUSAGE, "'%s' leaves the %s (%s); dataset files must be inside it", rel,
                     src->repo_top ? "repository" : "dataset root", src->boundary);
    /* A name like data/../../x is caught above only if its parent exists; refuse
     * lexically too, so the message does not depend on what is on disk. */
    if (!rc && !real)
        rc = err_set(DSCI_EUSAGE, "'%s': cannot resolve: %s", rel, strerror(errno));
    free(real);
    free(probe);
    free(full);
    return rc;
}

static bool has_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int source_expand(struct source *src, const char *pattern, char ***out, size_t *n)
{
    char **list = NULL;
    size_t count = 0, alloc = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (!has_glob(pattern)) {
        if ((rc = check_inside(src, pattern)) < 0)
            return rc;
        list = xmalloc(sizeof(*list));
        list[0] = xstrdup(pattern);
        *out = list;
        *n = 1;
        return 0;
    }
    if (pattern[0] == '/')
        return err_set(DSCI_EUSAGE, "'%s': absolute paths are not allowed; give a path relative to the dataset root",
                       pattern);

    char *full = join(src->root, pattern);
    glob_t g;
    memset(&g, 0, sizeof(g));
    int grc = glob(full, GLOB_ERR, NULL, &g);
    free(full);
    if (grc == GLOB_NOMATCH) {
        globfree(&g);
        return 0;
    }
    if (grc != 0) {
        globfree(&g);
        return err_set(DSCI_EENV, "'%s': cannot list files: %s", pattern, strerror(errno));
    }
    size_t prefix = (!strcmp(src->root, ".") || !*src->root) ? 0 : strlen(src->root) + 1;
    if (prefix && src->root[prefix - 2] == '/')
        prefix--;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        struct stat st;
        if (stat(g.gl_pathv[i], &st) == 0 && S_ISDIR(st.st_mode))
            continue;
        const char *rel = g.gl_pathv[i] + prefix;
        if ((rc = check_inside(src, rel)) < 0) {
            globfree(&g);
            for (size_t j = 0; j < count; j++)
                free(list[j]);
            free(list);
            return rc;
        }
        ALLOC_GROW(list, count + 1, alloc);
        list[count++] = xstrdup(rel);
    }
    globfree(&g);
    qsort(list, count, sizeof(*list), cmp_str);
    *out = list;
    *n = count;
    return 0;
}

/* Resolves "." and ".." by name, so "ds/../shared/x" reads "shared/x". */
static void normalize_lexically(char *path)
{
    char *out = path, *p = path;
    if (*p == '/')
        out++, p++;
    char *start = out;
    while (*p) {
        char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *next = p + len + (end != NULL);
        /* the start of the last component written, to see whether it is ".." */
        char *last = out;
        while (last > start && last[-1] != '/')
            last--;
        if (len == 0 || (len == 1 && p[0] == '.')) {
            /* nothing to keep */
        } else if (len == 2 && p[0] == '.' && p[1] == '.' && out > start && !(out - last == 2 && !strncmp(last, "..", 2))) {
            out = last > start ? last - 1 : start; /* drop the previous component */
        } else {
            if (out > start)
                *out++ = '/';
            memmove(out, p, len); /* out <= p: the copy never overtakes the reading */
            out += len;
        }
        p = next;
    }
    if (out == path)
        *out++ = '.';
    *out = '\0';
}

char *source_display_path(const struct source *src, const char *path)
{
    if (src->repo_top) {
        /* repo-relative, as git and GitHub annotations name files */
        char *full = join(src->root_real, path);
        normalize_lexically(full);
        size_t n = strlen(src->repo_top);
        if (strncmp(full, src->repo_top, n) == 0 && full[n] == '/') {
            char *rel = xstrdup(full + n + 1);
            free(full);
            return rel;
        }
        free(full);
    }
    char *joined = join(src->root, path);
    normalize_lexically(joined);
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

static int open_checked(struct source *src, const char *path, int *fd_out, char **full_out)
{
    int rc = check_inside(src, path);
    if (rc < 0)
        return rc;
    char *full = join(src->root, path);
    int fd = open(full, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = err_set(errno == ENOENT || errno == ENOTDIR ? DSCI_EUSAGE : DSCI_EENV, "%s: %s", full,
                     errno == ENOENT ? "no such file" : strerror(errno));
        free(full);
        return rc;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        rc = err_set(DSCI_EUSAGE, "%s: is a directory, expected a data file", full);
        close(fd);
        free(full);
        return rc;
    }
    *fd_out = fd;
    *full_out = full;
    return 0;
}

int source_open_stream(struct source *src, const char *path, struct byte_stream *out)
{
    int fd;
    char *full;
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

int source_read_file(struct source *src, const char *path, char **out, size_t *len)
{
    int fd;
    char *full;
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

int source_exists(struct source *src, const char *path)
{
    if (check_inside(src, path) < 0)
        return 0;
    char *full = join(src->root, path);
    struct stat st;
    int ok = stat(full, &st) == 0 && S_ISREG(st.st_mode);
    free(full);
    return ok;
}
