#include "util/path_boundary.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "util/err.h"
#include "util/xalloc.h"

bool path_inside(const char *boundary, const char *real)
{
    size_t n = strlen(boundary);
    if (!strcmp(boundary, "/"))
        return real[0] == '/';
    return strncmp(real, boundary, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

const char *path_below(const char *boundary, const char *real)
{
    if (!path_inside(boundary, real))
        return NULL;
    if (!strcmp(boundary, "/"))
        return real + 1;
    size_t n = strlen(boundary);
    return real[n] ? real + n + 1 : real + n;
}

bool path_same(const char *a, const char *b)
{
    while (a[0] == '.' && a[1] == '/')
        a += 2;
    while (b[0] == '.' && b[1] == '/')
        b += 2;
    return !strcmp(a, b);
}

int path_resolve(const char *path, char **out)
{
    char *probe = xstrdup(*path ? path : ".");
    const char *rest = NULL;   /* the part of `path` that does not exist, in `path` */
    char *real = NULL;
    int rc = PATH_RESOLVED;

    *out = NULL;
    for (;;) {
        real = realpath(probe, NULL);
        if (real)
            break;
        if (errno != ENOENT) {
            rc = PATH_ERRNO;
            break;
        }
        struct stat st;
        if (lstat(probe, &st) == 0 && S_ISLNK(st.st_mode)) {
            rc = PATH_DANGLING;
            break;
        }
        char *slash = strrchr(probe, '/');
        while (slash && slash > probe && slash[-1] == '/')
            slash--;
        if (!slash) {
            rest = path;
            real = realpath(".", NULL);
            if (!real)
                rc = PATH_ERRNO;
            break;
        }
        rest = path + (slash - probe) + 1;
        while (*rest == '/')
            rest++;
        if (slash == probe) {
            real = xstrdup("/");
            break;
        }
        *slash = '\0';
    }
    free(probe);
    if (rc != PATH_RESOLVED) {
        free(real);
        return rc;
    }
    if (rest && *rest) {
        size_t n = strlen(real);
        char *joined = xasprintf("%s%s%s", real, n && real[n - 1] == '/' ? "" : "/", rest);
        free(real);
        real = joined;
    }
    *out = real;
    return PATH_RESOLVED;
}

bool path_has_git_component(const char *path)
{
    for (const char *p = path; *p;) {
        size_t len = strcspn(p, "/");
        if (len == 4 && !strncasecmp(p, ".git", 4))
            return true;
        p += len;
        while (*p == '/')
            p++;
    }
    return false;
}

int path_error_code(int errnum)
{
    switch (errnum) {
    case ENOENT:
    case ENOTDIR:
    case ELOOP:
    case ENAMETOOLONG:
    case EISDIR:
        return DSCI_EUSAGE;
    default:
        return DSCI_EENV;
    }
}
