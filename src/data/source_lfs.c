/*
 * Git LFS objects read in place of their pointers (data/source_lfs.h). The pointer
 * format is git-lfs's spec v1: "key value" lines sorted by key, "version" first; only
 * "oid sha256:<64 hex>" and "size <n>" matter here.
 */
#include "data/source_lfs.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/err.h"
#include "util/sha256.h"
#include "util/xalloc.h"

static const char version_line[] = "version https://git-lfs.github.com/spec/";

/* The line at *at (without its newline) and *at moved past it; false at the end. */
static bool next_line(const char *buf, size_t len, size_t *at, const char **line, size_t *n)
{
    if (*at >= len)
        return false;
    const char *s = buf + *at;
    const char *nl = memchr(s, '\n', len - *at);
    *line = s;
    *n = nl ? (size_t)(nl - s) : len - *at;
    *at += *n + (nl ? 1 : 0);
    return true;
}

static bool starts(const char *line, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(line, prefix, k) == 0;
}

int lfs_pointer_parse(const char *buf, size_t len, struct lfs_pointer *p)
{
    if (len >= LFS_POINTER_MAX || len < sizeof(version_line) - 1 ||
        memcmp(buf, version_line, sizeof(version_line) - 1) != 0)
        return 0;
    bool have_oid = false, have_size = false;
    size_t at = 0;
    const char *line;
    size_t n;
    while (next_line(buf, len, &at, &line, &n)) {
        if (starts(line, n, "oid sha256:")) {
            const char *hex = line + 11;
            if (n - 11 != 64)
                return 0;
            for (size_t i = 0; i < 64; i++) {
                char c = hex[i];
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                    return 0;
                p->oid[i] = c;
            }
            p->oid[64] = '\0';
            have_oid = true;
        } else if (starts(line, n, "size ")) {
            uint64_t v = 0;
            if (n == 5 || n - 5 > 19)
                return 0;
            for (size_t i = 5; i < n; i++) {
                if (line[i] < '0' || line[i] > '9')
                    return 0;
                v = v * 10 + (uint64_t)(line[i] - '0');
            }
            p->size = v;
            have_size = true;
        }
    }
    return have_oid && have_size;
}

/* The head read ahead, then the rest of the stream it came from. */
struct head_stream {
    struct byte_stream inner;
    char head[LFS_POINTER_MAX];
    size_t len, at;
};

static ssize_t head_read(void *ctx, char *buf, size_t cap)
{
    struct head_stream *h = ctx;
    if (h->at < h->len) {
        size_t n = h->len - h->at < cap ? h->len - h->at : cap;
        memcpy(buf, h->head + h->at, n);
        h->at += n;
        return (ssize_t)n;
    }
    return h->inner.read(h->inner.ctx, buf, cap);
}

static void head_close(void *ctx)
{
    struct head_stream *h = ctx;
    h->inner.close(h->inner.ctx);
    free(h);
}

int lfs_peek(struct byte_stream *s, struct lfs_pointer *p)
{
    struct head_stream *h = xmalloc(sizeof(*h));
    h->inner = *s;
    h->len = h->at = 0;
    bool ended = false;
    while (h->len < sizeof(h->head)) {
        ssize_t n = h->inner.read(h->inner.ctx, h->head + h->len, sizeof(h->head) - h->len);
        if (n < 0) {
            free(h);   /* *s still owns the inner stream */
            return (int)n;
        }
        if (n == 0) {
            ended = true;
            break;
        }
        h->len += (size_t)n;
        /* Not a pointer: stop at the first read (a pointer is one small read anyway). */
        if (h->len >= sizeof(version_line) - 1 && memcmp(h->head, version_line, sizeof(version_line) - 1) != 0)
            break;
        if (h->len < sizeof(version_line) - 1 && memcmp(h->head, version_line, h->len) != 0)
            break;
    }
    s->read = head_read;
    s->close = head_close;
    s->ctx = h;
    s->stored = NULL;
    return ended && lfs_pointer_parse(h->head, h->len, p);
}

/* git-lfs keeps objects in <lfs dir>/objects, the lfs dir being `lfs.storage` from git's
 * config when set (relative to the common git dir when not absolute; "~/" is the home
 * folder, as git-lfs expands it) and <common dir>/lfs otherwise. A config that cannot be
 * read leaves the default: the store is only where objects are looked for, and a missing
 * object is reported with the command that fetches it. */
static char *lfs_dir_from_config(git_repository *git, const char *common_dir)
{
    git_config *config = NULL;
    git_buf value = { 0 };
    char *dir = NULL;
    if (git_repository_config_snapshot(&config, git) == 0 &&
        git_config_get_string_buf(&value, config, "lfs.storage") == 0 && value.size > 0) {
        const char *home = getenv("HOME");
        if (value.ptr[0] == '/')
            dir = xstrdup(value.ptr);
        else if (value.ptr[0] == '~' && value.ptr[1] == '/' && home && *home)
            dir = xasprintf("%s/%s", home, value.ptr + 2);
        else
            dir = xasprintf("%s%s%s", common_dir, common_dir[strlen(common_dir) - 1] == '/' ? "" : "/",
                            value.ptr);
    }
    git_buf_dispose(&value);
    git_config_free(config);
    return dir;
}

char *lfs_store_of_repository(git_repository *git)
{
    const char *common_dir = git_repository_commondir(git);
    if (!common_dir || !*common_dir)
        return NULL;
    char *dir = lfs_dir_from_config(git, common_dir);
    if (!dir)
        dir = xasprintf("%s%slfs", common_dir, common_dir[strlen(common_dir) - 1] == '/' ? "" : "/");
    size_t n = strlen(dir);
    char *store = xasprintf("%s%sobjects", dir, n && dir[n - 1] == '/' ? "" : "/");
    free(dir);
    return store;
}

char *lfs_store_of_dir(const char *dir)
{
    git_libgit2_init();
    git_repository *git = NULL;
    char *store = NULL;
    if (git_repository_open_ext(&git, dir, 0, NULL) == 0)
        store = lfs_store_of_repository(git);
    git_repository_free(git);
    git_libgit2_shutdown();
    return store;
}

/* The object's bytes, hashed as they go by and checked against the pointer at the end. */
struct object_stream {
    int fd;
    char *shown;
    struct lfs_pointer want;
    struct sha256 sha;
    uint64_t bytes;
    bool finished;
};

static ssize_t object_read(void *ctx, char *buf, size_t cap)
{
    struct object_stream *o = ctx;
    if (o->finished)
        return 0;
    ssize_t n;
    do
        n = read(o->fd, buf, cap);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return err_set(DSCI_EENV, "%s: reading its LFS object: %s", o->shown, strerror(errno));
    if (n > 0) {
        sha256_update(&o->sha, buf, (size_t)n);
        o->bytes += (uint64_t)n;
        return n;
    }
    o->finished = true;
    unsigned char digest[32];
    char hex[65];
    sha256_final(&o->sha, digest);
    sha256_hex(hex, digest);
    if (o->bytes != o->want.size || strcmp(hex, o->want.oid) != 0)
        return err_set(DSCI_EENV, "%s: its LFS object does not match the pointer (sha256 %s, %llu bytes; the pointer "
                       "says sha256 %s, %llu bytes): the local LFS store is damaged; `git lfs fsck` checks it",
                       o->shown, hex, (unsigned long long)o->bytes, o->want.oid, (unsigned long long)o->want.size);
    return 0;
}

static void object_close(void *ctx)
{
    struct object_stream *o = ctx;
    if (!o->finished) {
        unsigned char discard[32];
        sha256_final(&o->sha, discard);
    }
    close(o->fd);
    free(o->shown);
    free(o);
}

static char *object_path(const char *store, const struct lfs_pointer *p)
{
    return xasprintf("%s/%.2s/%.2s/%s", store, p->oid, p->oid + 2, p->oid);
}

bool lfs_object_present(const char *store, const struct lfs_pointer *p)
{
    char *path = object_path(store, p);
    struct stat st;
    bool there = stat(path, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == p->size;
    free(path);
    return there;
}

int lfs_open_object(struct byte_stream *s, const char *store, const struct lfs_pointer *p, const char *shown)
{
    char *path = object_path(store, p);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;
        free(path);
        if (e == ENOENT || e == ENOTDIR)
            return 0;
        return err_set(DSCI_EENV, "%s: cannot open its LFS object: %s", shown, strerror(e));
    }
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0)
        rc = err_set(DSCI_EENV, "%s: %s: %s", shown, path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = err_set(DSCI_EUSAGE, "%s: its LFS object %s is not a regular file", shown, path);
    else if ((uint64_t)st.st_size != p->size)
        rc = err_set(DSCI_EENV, "%s: its LFS object has %llu bytes, the pointer says %llu: the local LFS store is "
                     "damaged; `git lfs fsck` checks it", shown, (unsigned long long)st.st_size,
                     (unsigned long long)p->size);
    else {
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0)
            rc = err_set(DSCI_EENV, "%s: %s: %s", shown, path, strerror(errno));
    }
    free(path);
    if (rc < 0) {
        close(fd);
        return rc;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    struct object_stream *o = xcalloc(1, sizeof(*o));
    o->fd = fd;
    o->shown = xstrdup(shown);
    o->want = *p;
    sha256_init(&o->sha);
    s->close(s->ctx);
    s->read = object_read;
    s->close = object_close;
    s->ctx = o;
    s->stored = NULL;
    return 1;
}
