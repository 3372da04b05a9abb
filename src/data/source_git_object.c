/*
 * One git object read in pieces (see source_git_object.h). The loose format is
 * zlib("<type> <size>\0" <content>), and the id is the SHA-1 of the inflated bytes.
 */
#include "data/source_git_object.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "data/source_git_pack.h"
#include "data/source_read_ahead.h"
#include "util/err.h"
#include "util/jobs.h"
#include "util/sha1.h"
#include "util/xalloc.h"

#define CHUNK ((size_t)64 << 10)
#define MAX_HEADER 64
/* A blob this big is inflated and verified on a thread of its own when the run may use
 * more than one: below it, starting a thread costs more than it saves. */
#define READ_AHEAD_MIN ((uint64_t)4 << 20)

struct git_object_reader {
    char *shown;
    char id[GIT_OID_HEXSZ + 1];
    git_oid oid;
    uint64_t size, done;          /* content bytes: announced, handed out */
    git_repository *git;          /* borrowed */
    git_object_t type;
    bool hashing, verified;       /* r->sha covers what is handed out, checked at the end */
    /* loose: inflated from fd */
    int fd;
    bool eof, z_end, z_live;
    z_stream z;
    struct sha1 sha;
    unsigned char *in, *out;
    size_t out_pos, out_len;      /* inflated bytes not yet handed out */
    /* packed: produced by a cursor, or (deltas beyond it) read whole by libgit2 */
    struct pack_cursor *cursor;
    git_odb_object *packed;
    const char *data;
    /* read ahead on a thread (cursor or loose), which hands a give-up back to the caller */
    struct read_ahead *ahead;
    bool on_thread;
};

static ssize_t read_here(void *ctx, char *buf, size_t cap);

static int damaged(struct git_object_reader *r, const char *why)
{
    return err_set(DSCI_EENV, "%s: git object %s is damaged (%s); the repository needs repair (`git fsck`)",
                   r->shown, r->id, why);
}

/* The loose file of `id`, or NULL when the repository has no objects folder we know. */
static char *loose_path(git_repository *git, const char *hex)
{
    git_buf dir = { 0 };
    if (git_repository_item_path(&dir, git, GIT_REPOSITORY_ITEM_OBJECTS) < 0) {
        git_error_clear();
        return NULL;
    }
    size_t n = strlen(dir.ptr);
    char *p = xasprintf("%s%s%.2s/%s", dir.ptr, n && dir.ptr[n - 1] == '/' ? "" : "/", hex, hex + 2);
    git_buf_dispose(&dir);
    return p;
}

/* More inflated bytes into r->out: 0 with r->out_len > 0, or 0 at the stream's end, or < 0. */
static int inflate_more(struct git_object_reader *r)
{
    r->out_pos = r->out_len = 0;
    while (!r->z_end && r->out_len == 0) {
        if (r->z.avail_in == 0 && !r->eof) {
            ssize_t got;
            do
                got = read(r->fd, r->in, CHUNK);
            while (got < 0 && errno == EINTR);
            if (got < 0)
                return err_set(DSCI_EENV, "%s: cannot read git object %s: %s", r->shown, r->id, strerror(errno));
            if (got == 0)
                r->eof = true;
            r->z.next_in = r->in;
            r->z.avail_in = (uInt)got;
        }
        int step = pack_inflate_step(&r->z, r->out, CHUNK, &r->out_len, &r->z_end, r->eof);
        if (step == PACK_INFLATE_TRUNCATED)
            return damaged(r, "the file ends before its compressed data does");
        if (step == PACK_INFLATE_BAD)
            return damaged(r, r->z.msg ? r->z.msg : "invalid compressed data");
        if (r->out_len)
            sha1_update(&r->sha, r->out, r->out_len);
    }
    return 0;
}

static const char *type_name(git_object_t type)
{
    return type == GIT_OBJECT_TREE ? "tree" : type == GIT_OBJECT_COMMIT ? "commit"
                                            : type == GIT_OBJECT_TAG  ? "tag"
                                                                      : "blob";
}

/* "<type> <size>\0", which may end in a later inflated chunk than it began. */
static int read_header(struct git_object_reader *r, git_object_t type)
{
    char head[MAX_HEADER];
    size_t n = 0;
    for (;;) {
        if (r->out_pos == r->out_len) {
            int rc = inflate_more(r);
            if (rc < 0)
                return rc;
            if (r->out_len == 0)
                return damaged(r, "no object header");
        }
        char c = (char)r->out[r->out_pos++];
        if (c == '\0')
            break;
        if (n + 1 >= sizeof(head))
            return damaged(r, "no object header");
        head[n++] = c;
    }
    head[n] = '\0';
    const char *want = type_name(type);
    size_t wl = strlen(want);
    if (strncmp(head, want, wl) != 0 || head[wl] != ' ' || head[wl + 1] < '0' || head[wl + 1] > '9')
        return damaged(r, "not the object type expected");
    uint64_t size = 0;
    for (const char *p = head + wl + 1; *p; p++) {
        if (*p < '0' || *p > '9' || size > (UINT64_MAX - 9) / 10)
            return damaged(r, "a bad size in its header");
        size = size * 10 + (uint64_t)(*p - '0');
    }
    r->size = size;
    return 0;
}

static int open_loose(struct git_object_reader *r, git_object_t type)
{
    r->in = xmalloc(CHUNK);
    r->out = xmalloc(CHUNK);
    sha1_init(&r->sha);
    r->hashing = true;
    if (inflateInit(&r->z) != Z_OK)
        return err_set(DSCI_EENV, "%s: cannot read git object %s: zlib failed to start", r->shown, r->id);
    r->z_live = true;
    return read_header(r, type);
}

static int open_packed(struct git_object_reader *r, git_repository *git, git_object_t type)
{
    git_odb *odb = NULL;
    int rc = git_repository_odb(&odb, git);
    if (rc == 0)
        rc = git_odb_read(&r->packed, odb, &r->oid);
    git_odb_free(odb);
    if (rc < 0) {
        const git_error *e = git_error_last();
        return err_set(DSCI_EENV, "%s: cannot read git object %s: %s", r->shown, r->id,
                       rc == GIT_ENOTFOUND ? "the object is missing from the repository"
                                           : e && e->message ? e->message : "libgit2 error");
    }
    if (git_odb_object_type(r->packed) != type)
        return damaged(r, "not the object type expected");
    r->data = git_odb_object_data(r->packed);
    r->size = git_odb_object_size(r->packed);
    return 0;
}

int git_object_reader_open(struct git_object_reader **out, git_repository *git, const git_oid *id,
                           git_object_t type, const char *shown)
{
    struct git_object_reader *r = xcalloc(1, sizeof(*r));
    r->fd = -1;
    r->shown = xstrdup(shown);
    git_oid_cpy(&r->oid, id);
    git_oid_tostr(r->id, sizeof(r->id), id);
    r->git = git;
    r->type = type;
    *out = NULL;

    int rc;
    char *path = loose_path(git, r->id);
    if (path)
        r->fd = open(path, O_RDONLY | O_CLOEXEC);
    unsigned char z2[2];
    if (r->fd >= 0 && (pread(r->fd, z2, 2, 0) != 2 || (z2[0] & 0x8F) != 0x08 || ((z2[0] << 8) | z2[1]) % 31 != 0)) {
        /* not a zlib stream: the pack-like loose format of very old git, which libgit2
         * reads (or a damaged file, which libgit2 then reports) */
        close(r->fd);
        r->fd = -1;
        rc = open_packed(r, git, type);
    } else if (r->fd >= 0)
        rc = open_loose(r, type);
    else if (path && errno != ENOENT && errno != ENOTDIR)
        rc = err_set(DSCI_EENV, "%s: cannot read git object %s: %s: %s", shown, r->id, path, strerror(errno));
    else {
        /* packed: streamed when stored whole, else read whole by libgit2 (a delta, or an
         * object in an alternate object store) */
        char *pack = NULL;
        uint64_t offset = 0;
        if (pack_find(git, id, &pack, &offset) == 0)
            r->cursor = pack_cursor_open(git, pack, offset);
        free(pack);
        if (r->cursor && pack_cursor_type(r->cursor) != (int)type) {
            pack_cursor_free(r->cursor);
            r->cursor = NULL;
        }
        if (r->cursor) {
            char hdr[MAX_HEADER];
            r->size = pack_cursor_size(r->cursor);
            int hl = snprintf(hdr, sizeof(hdr), "%s %llu", type_name(type), (unsigned long long)r->size);
            sha1_init(&r->sha);
            sha1_update(&r->sha, (const unsigned char *)hdr, (size_t)hl + 1);
            r->hashing = true;
            rc = 0;
        } else
            rc = open_packed(r, git, type);
    }
    free(path);
    if (rc < 0) {
        git_object_reader_free(r);
        return rc;
    }
    if ((r->cursor || r->z_live) && r->size >= READ_AHEAD_MIN && jobs_count() > 1) {
        r->on_thread = true;
        r->ahead = read_ahead_start(read_here, r);
        r->on_thread = r->ahead != NULL;
    }
    *out = r;
    return 0;
}

uint64_t git_object_reader_size(const struct git_object_reader *r)
{
    return r->size;
}

/* At the end: all of it there, and it is what its id says. */
static int finish(struct git_object_reader *r)
{
    unsigned char digest[20];
    if (r->verified || !r->hashing)
        return 0;
    if (r->done != r->size)
        return damaged(r, "shorter than its header says");
    if (r->z_live && r->z.avail_in > 0)
        return damaged(r, "data after the end of the object");
    sha1_final(&r->sha, digest);
    r->verified = true;
    if (memcmp(digest, r->oid.id, sizeof(digest)) != 0)
        return damaged(r, "its content does not match its id");
    return 0;
}

/* The reader's read, on whichever thread reads (the read-ahead one or the caller's). */
static ssize_t read_here(void *ctx, char *buf, size_t cap)
{
    struct git_object_reader *r = ctx;
    if (r->cursor) {
        ssize_t got = pack_cursor_read(r->cursor, (unsigned char *)buf, cap);
        if (got == PACK_DAMAGED)
            return damaged(r, pack_cursor_why(r->cursor));
        if (got == PACK_GIVE_UP && r->on_thread)
            return READ_AHEAD_HANDBACK;   /* libgit2 is for the caller's thread */
        if (got == PACK_GIVE_UP) {
            /* copies too far out of order in a big base: libgit2 reads it whole, and this goes on
             * from where the cursor was (the hash still covers every byte) */
            pack_cursor_free(r->cursor);
            r->cursor = NULL;
            uint64_t size = r->size;
            int rc = open_packed(r, r->git, r->type);
            if (rc < 0)
                return rc;
            if (r->size != size)
                return damaged(r, "its size differs between two reads");
        } else {
            if (got > 0) {
                sha1_update(&r->sha, (const unsigned char *)buf, (size_t)got);
                r->done += (uint64_t)got;
                return got;
            }
            int rc = finish(r);
            return rc < 0 ? rc : 0;
        }
    }
    if (r->packed) {
        uint64_t left = r->size - r->done;
        size_t n = left < cap ? (size_t)left : cap;
        memcpy(buf, r->data + r->done, n);
        if (r->hashing)
            sha1_update(&r->sha, (const unsigned char *)buf, n);
        r->done += n;
        if (n == 0) {
            int rc = finish(r);
            if (rc < 0)
                return rc;
        }
        return (ssize_t)n;
    }
    size_t put = 0;
    while (put < cap) {
        if (r->out_pos == r->out_len) {
            if (r->z_end)
                break;
            int rc = inflate_more(r);
            if (rc < 0)
                return rc;
            continue;
        }
        size_t n = r->out_len - r->out_pos;
        if (n > cap - put)
            n = cap - put;
        if (n > r->size - r->done)
            return damaged(r, "longer than its header says");
        memcpy(buf + put, r->out + r->out_pos, n);
        r->out_pos += n;
        r->done += n;
        put += n;
    }
    if (put == 0) {
        int rc = finish(r);
        if (rc < 0)
            return rc;
    }
    return (ssize_t)put;
}

ssize_t git_object_reader_read(struct git_object_reader *r, char *buf, size_t cap)
{
    if (r->ahead) {
        ssize_t got = read_ahead_read(r->ahead, buf, cap);
        if (got != READ_AHEAD_HANDBACK)
            return got;
        read_ahead_stop(r->ahead);
        r->ahead = NULL;
        r->on_thread = false;
    }
    return read_here(r, buf, cap);
}

void git_object_reader_free(struct git_object_reader *r)
{
    if (!r)
        return;
    read_ahead_stop(r->ahead);   /* first: the thread may be using the rest */
    if (r->fd >= 0)
        close(r->fd);
    if (r->z_live)
        inflateEnd(&r->z);
    if (r->hashing && !r->verified)
        sha1_discard(&r->sha);
    pack_cursor_free(r->cursor);
    free(r->in);
    free(r->out);
    git_odb_object_free(r->packed);
    free(r->shown);
    free(r);
}

int git_object_check_loose(git_repository *git, const git_oid *id, git_object_t type, const char *shown)
{
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), id);
    char *path = loose_path(git, hex);
    bool loose = path && access(path, F_OK) == 0;
    free(path);
    if (!loose)
        return 0;
    struct git_object_reader *r = NULL;
    int rc = git_object_reader_open(&r, git, id, type, shown);
    char *scratch = rc == 0 ? xmalloc(CHUNK) : NULL;
    ssize_t got;
    while (rc == 0 && (got = git_object_reader_read(r, scratch, CHUNK)) != 0)
        if (got < 0)
            rc = (int)got;
    free(scratch);
    git_object_reader_free(r);
    return rc;
}
