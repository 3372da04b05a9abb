/*
 * One git object read in pieces (see source_git_object.h). The loose format is
 * zlib("<type> <size>\0" <content>), and the id is the SHA-1 of the inflated bytes.
 */
#include "source_git_object.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/sha1.h>
#include <mbedtls/version.h>
#include <zlib.h>

#include "util/err.h"
#include "util/xalloc.h"

/* mbedTLS 3 dropped the _ret suffixes that 2.28 (Debian 12) still needs. */
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define sha1_starts_ mbedtls_sha1_starts
#define sha1_update_ mbedtls_sha1_update
#define sha1_finish_ mbedtls_sha1_finish
#else
#define sha1_starts_ mbedtls_sha1_starts_ret
#define sha1_update_ mbedtls_sha1_update_ret
#define sha1_finish_ mbedtls_sha1_finish_ret
#endif

#define CHUNK ((size_t)64 << 10)
#define MAX_HEADER 64

struct git_object_reader {
    char *shown;
    char id[GIT_OID_HEXSZ + 1];
    git_oid oid;
    uint64_t size, done;          /* content bytes: announced, handed out */
    /* loose, or whole in a pack: inflated from fd */
    int fd;
    bool in_pack;                 /* the zlib stream is followed by the pack's next entry */
    bool eof, z_end, z_live, verified;
    z_stream z;
    mbedtls_sha1_context sha;
    unsigned char *in, *out;
    size_t out_pos, out_len;      /* inflated bytes not yet handed out */
    /* packed */
    git_odb_object *packed;
    const char *data;
};

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
        r->z.next_out = r->out;
        r->z.avail_out = (uInt)CHUNK;
        int zrc = inflate(&r->z, Z_NO_FLUSH);
        r->out_len = CHUNK - r->z.avail_out;
        if (zrc == Z_STREAM_END)
            r->z_end = true;
        else if (zrc == Z_BUF_ERROR || (zrc == Z_OK && r->out_len == 0)) {
            if (r->eof && (zrc == Z_BUF_ERROR || r->z.avail_in == 0))
                return damaged(r, "the file ends before its compressed data does");
        } else if (zrc != Z_OK)
            return damaged(r, r->z.msg ? r->z.msg : "invalid compressed data");
        if (r->out_len)
            sha1_update_(&r->sha, r->out, r->out_len);
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
    mbedtls_sha1_init(&r->sha);
    sha1_starts_(&r->sha);
    if (inflateInit(&r->z) != Z_OK)
        return err_set(DSCI_EENV, "%s: cannot read git object %s: zlib failed to start", r->shown, r->id);
    r->z_live = true;
    return read_header(r, type);
}

/* Big-endian integers of a pack index. */
static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * The offset of `id` in the pack whose index (version 2) is `idx_path`: 0 when listed,
 * 1 when not (or when the index is not one this reads: libgit2 then reads the object).
 * Layout: magic, version, 256 fan-out counts, the sorted ids, their CRCs, their 32-bit
 * offsets (top bit set: an index into the 64-bit offsets that follow).
 */
static int idx_lookup(const char *idx_path, const git_oid *id, uint64_t *offset)
{
    int fd = open(idx_path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return 1;
    if (fstat(fd, &st) != 0 || st.st_size < 8 + 256 * 4 + 40) {
        close(fd);
        return 1;
    }
    size_t size = (size_t)st.st_size;
    const unsigned char *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return 1;
    int rc = 1;
    const unsigned char *fan = m + 8;
    uint32_t n = be32(fan + 255 * 4);
    unsigned first = id->id[0];
    uint32_t lo = first ? be32(fan + (first - 1) * 4) : 0, hi = be32(fan + first * 4);
    /* ids, then a CRC and a 32-bit offset each, then the 64-bit offsets */
    size_t ids_at = 8 + 256 * 4, offs_at = ids_at + (size_t)n * 24, big_at = offs_at + (size_t)n * 4;
    const unsigned char *ids = m + ids_at, *offs = m + (big_at <= size ? offs_at : 0), *big = offs + (size_t)n * 4;
    if (memcmp(m, "\377tOc", 4) == 0 && be32(m + 4) == 2 && big_at <= size - 40 && lo <= hi && hi <= n) {
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            int c = memcmp(ids + (size_t)mid * 20, id->id, 20);
            if (c == 0) {
                uint32_t o = be32(offs + (size_t)mid * 4);
                if (!(o & 0x80000000u)) {
                    *offset = o;
                    rc = 0;
                } else if (big_at + ((size_t)(o & 0x7fffffffu) + 1) * 8 <= size - 40) {
                    const unsigned char *b = big + (size_t)(o & 0x7fffffffu) * 8;
                    *offset = (uint64_t)be32(b) << 32 | be32(b + 4);
                    rc = 0;
                }
                break;
            }
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    munmap((void *)m, size);
    return rc;
}

/* The pack that has `id` and its offset there: 0, or 1 when no pack index lists it. */
static int pack_find(git_repository *git, const git_oid *id, char **pack, uint64_t *offset)
{
    git_buf dir = { 0 };
    if (git_repository_item_path(&dir, git, GIT_REPOSITORY_ITEM_OBJECTS) < 0) {
        git_error_clear();
        return 1;
    }
    size_t n = strlen(dir.ptr);
    char *packs = xasprintf("%s%spack", dir.ptr, n && dir.ptr[n - 1] == '/' ? "" : "/");
    git_buf_dispose(&dir);
    int rc = 1;
    DIR *d = opendir(packs);
    for (struct dirent *e; d && rc == 1 && (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".idx") != 0)
            continue;
        char *idx = xasprintf("%s/%s", packs, e->d_name);
        if (idx_lookup(idx, id, offset) == 0) {
            *pack = xasprintf("%s/%.*s.pack", packs, (int)(len - 4), e->d_name);
            rc = 0;
        }
        free(idx);
    }
    if (d)
        closedir(d);
    free(packs);
    return rc;
}

/*
 * A blob stored whole in a pack (not as a delta): its entry header gives type and size,
 * then its zlib stream follows, inflated and checked like a loose object's. 0 when set up,
 * 1 when the entry is something else (a delta needs its base: libgit2 reads it whole).
 */
static int open_in_pack(struct git_object_reader *r, const char *pack, uint64_t offset, git_object_t type)
{
    unsigned char head[32];
    r->fd = open(pack, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0)
        return 1;
    ssize_t got = pread(r->fd, head, sizeof(head), (off_t)offset);
    if (got <= 0)
        return 1;
    size_t at = 0;
    unsigned char c = head[at++];
    int entry_type = (c >> 4) & 7;
    uint64_t size = c & 15;
    unsigned shift = 4;
    while (c & 0x80) {
        if (at >= (size_t)got || shift > 57)
            return 1;
        c = head[at++];
        size |= (uint64_t)(c & 0x7f) << shift;
        shift += 7;
    }
    if (entry_type != (int)type || lseek(r->fd, (off_t)(offset + at), SEEK_SET) < 0)
        return 1;
    r->in = xmalloc(CHUNK);
    r->out = xmalloc(CHUNK);
    mbedtls_sha1_init(&r->sha);
    sha1_starts_(&r->sha);
    char hdr[MAX_HEADER];
    int hl = snprintf(hdr, sizeof(hdr), "%s %llu", type_name(type), (unsigned long long)size);
    sha1_update_(&r->sha, (const unsigned char *)hdr, (size_t)hl + 1);
    if (inflateInit(&r->z) != Z_OK)
        return err_set(DSCI_EENV, "%s: cannot read git object %s: zlib failed to start", r->shown, r->id);
    r->z_live = true;
    r->in_pack = true;
    r->size = size;
    return 0;
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
        rc = 1;
        if (pack_find(git, id, &pack, &offset) == 0)
            rc = open_in_pack(r, pack, offset, type);
        free(pack);
        if (rc == 1) {
            if (r->fd >= 0)
                close(r->fd);
            r->fd = -1;
            rc = open_packed(r, git, type);
        }
    }
    free(path);
    if (rc < 0) {
        git_object_reader_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

uint64_t git_object_reader_size(const struct git_object_reader *r)
{
    return r->size;
}

/* At the end of a loose object: all of it there, nothing after it, and it is what its id says. */
static int finish_loose(struct git_object_reader *r)
{
    unsigned char digest[20];
    if (r->done != r->size)
        return damaged(r, "shorter than its header says");
    if (r->z.avail_in > 0 && !r->in_pack)
        return damaged(r, "data after the end of the object");
    sha1_finish_(&r->sha, digest);
    if (memcmp(digest, r->oid.id, sizeof(digest)) != 0)
        return damaged(r, "its content does not match its id");
    return 0;
}

ssize_t git_object_reader_read(struct git_object_reader *r, char *buf, size_t cap)
{
    if (r->packed) {
        uint64_t left = r->size - r->done;
        size_t n = left < cap ? (size_t)left : cap;
        memcpy(buf, r->data + r->done, n);
        r->done += n;
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
    if (put == 0 && !r->verified) {
        int rc = finish_loose(r);
        if (rc < 0)
            return rc;
        r->verified = true;
    }
    return (ssize_t)put;
}

void git_object_reader_free(struct git_object_reader *r)
{
    if (!r)
        return;
    if (r->fd >= 0)
        close(r->fd);
    if (r->z_live)
        inflateEnd(&r->z);
    if (r->in)
        mbedtls_sha1_free(&r->sha);
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
