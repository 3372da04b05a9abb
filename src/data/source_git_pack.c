/*
 * Packed git objects (see source_git_pack.h): the pack indexes searched for an id, and
 * a pack entry produced front to back, whole or as a delta over its base.
 */
#include "data/source_git_pack.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "util/size_text.h"
#include "util/xalloc.h"

#define CHUNK ((size_t)64 << 10)
/* A delta base that a copy goes back in is held whole in memory up to this size (git
 * itself holds every base whole; its core.bigFileThreshold, 512 MiB, keeps bigger blobs
 * out of deltas). DSCI_GIT_BASE_IN_MEMORY_MAX changes it: tests set it low to reach the
 * streaming path's restarts and the hand-over to libgit2. */
#define BASE_IN_MEMORY_MAX ((size_t)512 << 20)

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
int pack_find(git_repository *git, const git_oid *id, char **pack, uint64_t *offset)
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
 * A packed object's content, produced front to back with bounded memory. A whole entry
 * is its zlib stream inflated. A delta entry (OFS_DELTA: base earlier in the same pack;
 * REF_DELTA: base named by id) is a zlib stream of instructions applied on the fly:
 * "insert these bytes" and "copy LEN bytes from OFFSET of the base", the base being
 * another cursor that is moved forward (cheap) or, when a copy goes back (versions
 * reordered against each other, or git's choice of a similar file as the base), held
 * whole in memory from then on, as git holds its bases. A base too big to hold is
 * started over instead: up to one more pass over it; beyond that the caller lets
 * libgit2 read the object whole. Every level keeps two 64 KiB buffers.
 */
#define MAX_DELTA_DEPTH 64
#define PACK_OFS_DELTA 6
#define PACK_REF_DELTA 7

struct pack_cursor {
    int fd;
    int kind;                  /* GIT_OBJECT_* of a whole entry, or PACK_*_DELTA */
    uint64_t data_at;          /* where the entry's zlib stream starts in the pack */
    uint64_t size, pos;        /* content: total, produced */
    z_stream z;
    bool z_live, z_end, eof;
    uint64_t file_pos;
    unsigned char *in, *out;
    size_t out_pos, out_len;
    struct pack_cursor *base;  /* deltas */
    uint64_t copy_off, copy_left, insert_left;
    uint64_t redone;           /* bytes produced again after going back */
    unsigned char *whole;      /* the content, once held in memory (a base gone back in) */
    const char *why;           /* what is damaged, when a call returned PACK_DAMAGED */
};

void pack_cursor_free(struct pack_cursor *c)
{
    while (c) {
        struct pack_cursor *base = c->base;
        if (c->fd >= 0)
            close(c->fd);
        if (c->z_live)
            inflateEnd(&c->z);
        free(c->in);
        free(c->out);
        free(c->whole);
        free(c);
        c = base;
    }
}

static int cz_start(struct pack_cursor *c)
{
    if (c->z_live)
        inflateEnd(&c->z);
    memset(&c->z, 0, sizeof(c->z));
    c->z_live = inflateInit(&c->z) == Z_OK;
    c->z_end = c->eof = false;
    c->file_pos = c->data_at;
    c->out_pos = c->out_len = 0;
    return c->z_live ? 0 : PACK_GIVE_UP;
}

int pack_inflate_step(z_stream *z, unsigned char *out, size_t cap, size_t *out_len, bool *end, bool eof)
{
    z->next_out = out;
    z->avail_out = (uInt)cap;
    int zrc = inflate(z, Z_NO_FLUSH);
    *out_len = cap - z->avail_out;
    if (zrc == Z_STREAM_END)
        *end = true;
    else if (zrc == Z_BUF_ERROR || (zrc == Z_OK && *out_len == 0))
        /* No progress: more input would help, unless there is none left. */
        return eof && (zrc == Z_BUF_ERROR || z->avail_in == 0) ? PACK_INFLATE_TRUNCATED : 0;
    else if (zrc != Z_OK)
        return PACK_INFLATE_BAD;
    return 0;
}

/* More inflated bytes of the entry's stream into out (up to cap; none at its end). */
static int cz_inflate(struct pack_cursor *c, unsigned char *out, size_t cap, size_t *out_len)
{
    *out_len = 0;
    if (cap > ((size_t)1 << 30))
        cap = (size_t)1 << 30;   /* zlib counts in uInt */
    while (!c->z_end && *out_len == 0) {
        if (c->z.avail_in == 0 && !c->eof) {
            ssize_t got = pread(c->fd, c->in, CHUNK, (off_t)c->file_pos);
            if (got < 0) {
                c->why = strerror(errno);
                return PACK_DAMAGED;
            }
            c->eof = got == 0;
            c->file_pos += (uint64_t)got;
            c->z.next_in = c->in;
            c->z.avail_in = (uInt)got;
        }
        int step = pack_inflate_step(&c->z, out, cap, out_len, &c->z_end, c->eof);
        if (step == PACK_INFLATE_TRUNCATED) {
            c->why = "the pack ends inside it";
            return PACK_DAMAGED;
        }
        if (step == PACK_INFLATE_BAD) {
            c->why = c->z.msg ? c->z.msg : "invalid compressed data";
            return PACK_DAMAGED;
        }
    }
    return 0;
}

/* More inflated bytes into c->out. */
static int cz_fill(struct pack_cursor *c)
{
    c->out_pos = 0;
    return cz_inflate(c, c->out, CHUNK, &c->out_len);
}

/* Exactly n bytes of the entry's stream into buf (NULL: skipped). */
static int cz_read(struct pack_cursor *c, unsigned char *buf, size_t n)
{
    while (n) {
        if (buf && c->out_pos == c->out_len && n >= CHUNK) {
            /* a big read: inflated where it is wanted, not copied from c->out */
            size_t k;
            int rc = cz_inflate(c, buf, n, &k);
            if (rc < 0)
                return rc;
            if (k == 0) {
                c->why = "its data ends early";
                return PACK_DAMAGED;
            }
            buf += k;
            n -= k;
            continue;
        }
        if (c->out_pos == c->out_len) {
            int rc = cz_fill(c);
            if (rc < 0)
                return rc;
            if (c->out_len == 0) {
                c->why = "its data ends early";
                return PACK_DAMAGED;
            }
        }
        size_t k = c->out_len - c->out_pos < n ? c->out_len - c->out_pos : n;
        if (buf) {
            memcpy(buf, c->out + c->out_pos, k);
            buf += k;
        }
        c->out_pos += k;
        n -= k;
    }
    return 0;
}

/* A delta's sizes: little-endian groups of 7 bits. */
static int cz_varint(struct pack_cursor *c, uint64_t *out)
{
    uint64_t v = 0;
    unsigned char b;
    unsigned shift = 0;
    do {
        int rc = cz_read(c, &b, 1);
        if (rc < 0)
            return rc;
        if (shift > 63) {
            c->why = "a bad delta header";
            return PACK_DAMAGED;
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
    } while (b & 0x80);
    *out = v;
    return 0;
}

/* From the start: the stream restarted and, for a delta, its header read again. */
static int cursor_restart(struct pack_cursor *c)
{
    int rc = cz_start(c);
    c->pos = 0;
    c->copy_left = c->insert_left = 0;
    if (rc == 0 && c->base) {
        uint64_t base_size, size;
        if ((rc = cz_varint(c, &base_size)) == 0 && (rc = cz_varint(c, &size)) == 0 &&
            (base_size != c->base->size || (c->size != UINT64_MAX && size != c->size))) {
            c->why = "its delta does not fit its base";
            rc = PACK_DAMAGED;
        }
        if (rc == 0)
            c->size = size;
    }
    return rc;
}

/* The pack entry at `offset`: its kind, size and base; NULL when it is beyond what this
 * reads (the caller lets libgit2 read the object). */
static struct pack_cursor *cursor_open(git_repository *git, const char *pack, uint64_t offset, unsigned depth)
{
    unsigned char head[64];
    struct pack_cursor *c = xcalloc(1, sizeof(*c));
    c->fd = open(pack, O_RDONLY | O_CLOEXEC);
    ssize_t got = c->fd >= 0 && depth <= MAX_DELTA_DEPTH ? pread(c->fd, head, sizeof(head), (off_t)offset) : -1;
    size_t at = 0;
    if (got <= 0)
        goto fail;
    unsigned char b = head[at++];
    c->kind = (b >> 4) & 7;
    c->size = b & 15;
    for (unsigned shift = 4; b & 0x80; shift += 7) {
        if (at >= (size_t)got || shift > 57)
            goto fail;
        b = head[at++];
        c->size |= (uint64_t)(b & 0x7f) << shift;
    }
    if (c->kind == PACK_OFS_DELTA) {
        /* the base's distance back: big-endian groups of 7 bits, each continuation +1 */
        if (at >= (size_t)got)
            goto fail;
        b = head[at++];
        uint64_t back = b & 0x7f;
        while (b & 0x80) {
            if (at >= (size_t)got || back > (UINT64_MAX >> 8))
                goto fail;
            b = head[at++];
            back = ((back + 1) << 7) | (b & 0x7f);
        }
        if (back == 0 || back > offset || !(c->base = cursor_open(git, pack, offset - back, depth + 1)))
            goto fail;
    } else if (c->kind == PACK_REF_DELTA) {
        git_oid base_id;
        char *base_pack = NULL;
        uint64_t base_at = 0;
        if (at + GIT_OID_RAWSZ > (size_t)got)
            goto fail;
        git_oid_fromraw(&base_id, head + at);
        at += GIT_OID_RAWSZ;
        if (pack_find(git, &base_id, &base_pack, &base_at) == 0)
            c->base = cursor_open(git, base_pack, base_at, depth + 1);
        free(base_pack);
        if (!c->base)
            goto fail;
    } else if (c->kind < GIT_OBJECT_COMMIT || c->kind > GIT_OBJECT_TAG)
        goto fail;
    c->data_at = offset + at;
    c->in = xmalloc(CHUNK);
    c->out = xmalloc(CHUNK);
    if (c->base)
        c->size = UINT64_MAX;   /* the entry's size is the delta's; the result's comes next */
    if (cursor_restart(c) < 0)
        goto fail;
    return c;
fail:
    pack_cursor_free(c);
    return NULL;
}

/* The next delta instruction: 0, or < 0. */
static int next_op(struct pack_cursor *c)
{
    unsigned char op, b;
    int rc = cz_read(c, &op, 1);
    if (rc < 0)
        return rc;
    if (op & 0x80) {
        uint64_t off = 0, len = 0;
        for (unsigned i = 0; i < 4 && rc == 0; i++)
            if (op & (1u << i) && (rc = cz_read(c, &b, 1)) == 0)
                off |= (uint64_t)b << (8 * i);
        for (unsigned i = 0; i < 3 && rc == 0; i++)
            if (op & (0x10u << i) && (rc = cz_read(c, &b, 1)) == 0)
                len |= (uint64_t)b << (8 * i);
        if (rc < 0)
            return rc;
        if (len == 0)
            len = 0x10000;
        if (off > c->base->size || len > c->base->size - off) {
            c->why = "its delta copies from beyond its base";
            return PACK_DAMAGED;
        }
        c->copy_off = off;
        c->copy_left = len;
    } else if (op) {
        c->insert_left = op;
    } else {
        c->why = "an unknown delta instruction";
        return PACK_DAMAGED;
    }
    return 0;
}

static size_t base_in_memory_max(void)
{
    /* read once; the read-ahead thread and the reading thread may both ask */
    static size_t max;
    size_t m = __atomic_load_n(&max, __ATOMIC_RELAXED);
    if (!m) {
        const char *v = getenv("DSCI_GIT_BASE_IN_MEMORY_MAX");
        size_t n;
        m = v && size_text_parse(v, &n) ? n : BASE_IN_MEMORY_MAX;
        __atomic_store_n(&max, m, __ATOMIC_RELAXED);
    }
    return m;
}

/* The content produced once more, whole, into memory: a base whose copies go back and
 * forth then costs one pass, not one per jump (nor libgit2's whole-object read). 1 when
 * memory is refused (the caller streams as before). */
static int hold_whole(struct pack_cursor *c)
{
    unsigned char *whole = malloc(c->size ? (size_t)c->size : 1);
    if (!whole)
        return 1;
    int rc = cursor_restart(c);
    ssize_t got = rc < 0 ? rc : pack_cursor_read(c, whole, (size_t)c->size);
    if (got >= 0 && (uint64_t)got != c->size) {
        c->why = "its data ends early";
        got = PACK_DAMAGED;
    }
    if (got < 0) {
        free(whole);
        return (int)got;
    }
    c->whole = whole;
    return 0;
}

/* Moves c to content offset `to` without producing the bytes in between. */
static int cursor_seek(struct pack_cursor *c, uint64_t to)
{
    int rc = 0;
    if (!c->whole && to < c->pos && c->size <= base_in_memory_max() && (rc = hold_whole(c)) < 0)
        return rc;
    if (c->whole) {
        c->pos = to;   /* within the content: next_op checked the copy against the size */
        return 0;
    }
    rc = 0;
    if (to < c->pos) {
        /* going back costs the bytes before: at most one more pass over the object */
        c->redone += c->pos;
        if (c->redone > c->size + CHUNK)
            return PACK_GIVE_UP;
        if ((rc = cursor_restart(c)) < 0)
            return rc;
    }
    while (c->pos < to) {
        uint64_t want = to - c->pos;
        if (!c->base) {
            size_t n = want < CHUNK ? (size_t)want : CHUNK;
            if ((rc = cz_read(c, NULL, n)) < 0)
                return rc;
            c->pos += n;
        } else if (c->insert_left) {
            uint64_t n = want < c->insert_left ? want : c->insert_left;
            if ((rc = cz_read(c, NULL, (size_t)n)) < 0)
                return rc;
            c->insert_left -= n;
            c->pos += n;
        } else if (c->copy_left) {
            uint64_t n = want < c->copy_left ? want : c->copy_left;
            c->copy_off += n;   /* the base is moved when bytes are wanted from it */
            c->copy_left -= n;
            c->pos += n;
        } else if ((rc = next_op(c)) < 0)
            return rc;
    }
    return 0;
}

/* Up to cap content bytes into buf: the count, 0 at the end, or PACK_DAMAGED / PACK_GIVE_UP. */
ssize_t pack_cursor_read(struct pack_cursor *c, unsigned char *buf, size_t cap)
{
    size_t put = 0;
    int rc = 0;
    if (c->whole) {
        size_t n = c->size - c->pos < cap ? (size_t)(c->size - c->pos) : cap;
        memcpy(buf, c->whole + c->pos, n);
        c->pos += n;
        return (ssize_t)n;
    }
    while (put < cap && c->pos < c->size) {
        uint64_t want = c->size - c->pos;
        size_t n = want < cap - put ? (size_t)want : cap - put;
        if (!c->base) {
            if ((rc = cz_read(c, buf + put, n)) < 0)
                return rc;
        } else if (c->insert_left) {
            if (n > c->insert_left)
                n = (size_t)c->insert_left;
            if ((rc = cz_read(c, buf + put, n)) < 0)
                return rc;
            c->insert_left -= n;
        } else if (c->copy_left) {
            if (n > c->copy_left)
                n = (size_t)c->copy_left;
            if ((rc = cursor_seek(c->base, c->copy_off)) < 0)
                return rc;
            ssize_t got = pack_cursor_read(c->base, buf + put, n);
            if (got < 0)
                return got;
            if ((size_t)got != n) {
                c->why = "its base ends early";
                return PACK_DAMAGED;
            }
            c->copy_off += n;
            c->copy_left -= n;
        } else {
            if ((rc = next_op(c)) < 0)
                return rc;
            continue;
        }
        put += n;
        c->pos += n;
    }
    return (ssize_t)put;
}

/* The kind of object at the bottom of a delta chain. */
int pack_cursor_type(const struct pack_cursor *c)
{
    while (c->base)
        c = c->base;
    return c->kind;
}

/* Why a chain returned PACK_DAMAGED: the deepest reason recorded. */
const char *pack_cursor_why(const struct pack_cursor *c)
{
    const char *why = "damaged pack data";
    for (; c; c = c->base)
        if (c->why)
            why = c->why;
    return why;
}


struct pack_cursor *pack_cursor_open(git_repository *git, const char *pack, uint64_t offset)
{
    return cursor_open(git, pack, offset, 0);
}

uint64_t pack_cursor_size(const struct pack_cursor *c)
{
    return c->size;
}
