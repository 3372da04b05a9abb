#include "run/shard_part.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/shard_plan.h"
#include "util/err.h"
#include "util/wire.h"
#include "util/xalloc.h"

#define PART_MAGIC "DSCIPART"
#define HEADER_BYTES 64
/* An index is tables of files and pieces: far below this for any dataset a CI job reads. */
#define INDEX_MAX_BYTES ((uint64_t)1 << 32)

static void put_str(struct buf *b, const char *s)
{
    wire_put_bytes(b, s ? s : "", s ? strlen(s) : 0);
}

static char *get_str(struct wire_in *in)
{
    size_t len;
    const char *p = wire_get_bytes(in, &len);
    return p ? xstrndup(p, len) : xstrdup("");
}

static void put_le64(unsigned char *at, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        at[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le64(const unsigned char *at)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | at[i];
    return v;
}

int part_create(struct part **out, const char *path, const struct part_identity *id)
{
    struct part *p = xcalloc(1, sizeof(*p));
    p->path = xstrdup(path);
    p->fd = -1;
    p->id = *id;
    p->id.dsci_version = xstrdup(id->dsci_version);
    p->id.spec_path = xstrdup(id->spec_path);
    p->id.rev = xstrdup(id->rev ? id->rev : "");
    p->id.spec_from = xstrdup(id->spec_from ? id->spec_from : "");
    p->id.base = xstrdup(id->base ? id->base : "");
    *out = NULL;
    int rc = atomic_open(&p->out, path);
    if (rc < 0) {
        part_free(p);
        return rc;
    }
    unsigned char zero[HEADER_BYTES] = { 0 };
    if (output_write_all(p->out.fd, zero, sizeof(zero)) < 0) {
        rc = err_set(DSCI_EENV, "%s: cannot write: %s", path, strerror(errno));
        part_free(p);
        return rc;
    }
    p->at = HEADER_BYTES;
    sha256_init(&p->sha);
    *out = p;
    return 0;
}

struct part_run *part_run_add(struct part *p, enum part_role role)
{
    struct part_run *r = &p->runs[p->n_runs++];
    memset(r, 0, sizeof(*r));
    r->role = (uint8_t)role;
    return r;
}

int part_write_block(struct part *p, const void *data, size_t len, uint64_t *offset)
{
    *offset = p->at;
    if (len && output_write_all(p->out.fd, data, len) < 0)
        return err_set(DSCI_EENV, "%s: cannot write: %s", p->path, strerror(errno));
    sha256_update(&p->sha, data, len);
    p->at += len;
    return 0;
}

static void put_index(struct buf *b, const struct part *p)
{
    const struct part_identity *id = &p->id;
    put_str(b, "dsci part");
    put_str(b, id->dsci_version);
    wire_put_varint(b, id->digest_version);
    wire_put_varint(b, id->index);
    wire_put_varint(b, id->count);
    put_str(b, id->spec_path);
    wire_put_raw(b, id->spec_sha256, 32);
    wire_put_u8(b, id->place);
    put_str(b, id->rev);
    put_str(b, id->spec_from);
    put_str(b, id->base);
    wire_put_varint(b, p->n_runs);
    for (size_t r = 0; r < p->n_runs; r++) {
        const struct part_run *run = &p->runs[r];
        wire_put_u8(b, run->role);
        put_str(b, run->source);
        put_str(b, run->commit);
        put_str(b, run->baseline);
        wire_put_raw(b, run->config, 32);
        wire_put_varint(b, run->sig_shingle);
        wire_put_varint(b, run->sig_permutations);
        wire_put_varint(b, run->n_files);
        for (size_t i = 0; i < run->n_files; i++) {
            const struct part_file *f = &run->files[i];
            put_str(b, f->root_path);
            wire_put_varint(b, f->size);
            wire_put_u8(b, f->has_blob);
            if (f->has_blob)
                wire_put_raw(b, f->blob, 20);
        }
        wire_put_varint(b, run->n_facts);
        for (size_t i = 0; i < run->n_facts; i++) {
            const struct part_file_facts *f = &run->facts[i];
            wire_put_varint(b, f->file);
            wire_put_varint(b, f->bytes);
            wire_put_varint(b, f->read_bytes);
            wire_put_raw(b, f->sha256, 32);
        }
        wire_put_varint(b, run->n_pieces);
        for (size_t i = 0; i < run->n_pieces; i++) {
            const struct part_piece *pc = &run->pieces[i];
            wire_put_varint(b, pc->file);
            wire_put_varint(b, pc->offset);
            wire_put_varint(b, pc->line_base);
            wire_put_varint(b, pc->lines);
            wire_put_varint(b, pc->bytes);
            wire_put_u8(b, pc->start);
            wire_put_u8(b, pc->format_in);
            wire_put_varint(b, pc->parsed);
            wire_put_varint(b, pc->summary_off);
            wire_put_varint(b, pc->summary_len);
            wire_put_varint(b, pc->sigs_off);
            wire_put_varint(b, pc->sigs_len);
        }
    }
    put_str(b, "end");
}

int part_commit(struct part *p)
{
    struct buf index = BUF_INIT;
    put_index(&index, p);
    uint64_t index_off;
    int rc = part_write_block(p, index.ptr, index.len, &index_off);
    unsigned char header[HEADER_BYTES] = { 0 };
    if (rc == 0) {
        memcpy(header, PART_MAGIC, 8);
        header[8] = PART_FORMAT_VERSION;
        put_le64(header + 16, index_off);
        put_le64(header + 24, index.len);
        sha256_final(&p->sha, header + 32);
        if (pwrite(p->out.fd, header, sizeof(header), 0) != (ssize_t)sizeof(header))
            rc = err_set(DSCI_EENV, "%s: cannot write: %s", p->path, strerror(errno));
    }
    buf_release(&index);
    if (rc == 0)
        rc = atomic_finish(&p->out, 0644);
    return rc;
}

/* ---- reading ---------------------------------------------------------------------- */

static int damaged(const struct part *p, const char *why)
{
    return err_set(DSCI_EENV, "%s: not a usable dsci summary part: %s; make it again with dsci check --shard",
                   p->path, why);
}

static int read_at(const struct part *p, void *out, uint64_t len, uint64_t at)
{
    char *o = out;
    while (len) {
        size_t want = len > ((size_t)1 << 30) ? (size_t)1 << 30 : (size_t)len;
        ssize_t n = pread(p->fd, o, want, (off_t)at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return err_set(DSCI_EENV, "%s: cannot read: %s", p->path, strerror(errno));
        if (n == 0)
            return damaged(p, "it is shorter than it says (truncated?)");
        o += n;
        at += (uint64_t)n;
        len -= (uint64_t)n;
    }
    return 0;
}

/* Every number of a piece's or file's entry is inside the part and the run. */
static bool index_fits(const struct part *p, uint64_t index_off)
{
    for (size_t r = 0; r < p->n_runs; r++) {
        const struct part_run *run = &p->runs[r];
        for (size_t i = 0; i < run->n_facts; i++)
            if (run->facts[i].file >= run->n_files)
                return false;
        for (size_t i = 0; i < run->n_pieces; i++) {
            const struct part_piece *pc = &run->pieces[i];
            if (pc->file >= run->n_files || pc->summary_off < HEADER_BYTES || pc->summary_len > index_off ||
                pc->summary_off > index_off - pc->summary_len || pc->sigs_len > index_off ||
                (pc->sigs_len && (pc->sigs_off < HEADER_BYTES || pc->sigs_off > index_off - pc->sigs_len)))
                return false;
        }
    }
    return true;
}

static bool parse_index(struct part *p, struct wire_in *in)
{
    struct part_identity *id = &p->id;
    char *tag = get_str(in);
    bool ok = !strcmp(tag, "dsci part");
    free(tag);
    if (!ok)
        return false;
    id->dsci_version = get_str(in);
    id->digest_version = wire_get_varint(in);
    uint64_t index = wire_get_varint(in), count = wire_get_varint(in);
    if (count == 0 || count > SHARD_MAX_COUNT || index >= count)
        return false;
    id->index = (unsigned)index;
    id->count = (unsigned)count;
    id->spec_path = get_str(in);
    const void *sha = wire_get_raw(in, 32);
    if (!sha)
        return false;
    memcpy(id->spec_sha256, sha, 32);
    id->place = wire_get_u8(in);
    id->rev = get_str(in);
    id->spec_from = get_str(in);
    id->base = get_str(in);
    uint64_t n_runs = wire_get_varint(in);
    if (n_runs == 0 || n_runs > PART_MAX_RUNS)
        return false;
    for (uint64_t r = 0; r < n_runs && !in->bad; r++) {
        struct part_run *run = &p->runs[p->n_runs++];
        run->role = wire_get_u8(in);
        run->source = get_str(in);
        run->commit = get_str(in);
        run->baseline = get_str(in);
        const void *config = wire_get_raw(in, 32);
        if (!config || run->role > PART_BASE)
            return false;
        memcpy(run->config, config, 32);
        run->sig_shingle = wire_get_varint(in);
        run->sig_permutations = wire_get_varint(in);
        /* each entry takes at least a byte: a count past what is left is damage */
        uint64_t n = wire_get_varint(in);
        if (n > (uint64_t)(in->end - in->p))
            return false;
        run->files = xcalloc(n ? n : 1, sizeof(*run->files));
        for (; run->n_files < n && !in->bad; run->n_files++) {
            struct part_file *f = &run->files[run->n_files];
            f->root_path = get_str(in);
            f->size = wire_get_varint(in);
            f->has_blob = wire_get_u8(in) != 0;
            const void *blob = f->has_blob ? wire_get_raw(in, 20) : NULL;
            if (blob)
                memcpy(f->blob, blob, 20);
        }
        n = wire_get_varint(in);
        if (n > (uint64_t)(in->end - in->p))
            return false;
        run->facts = xcalloc(n ? n : 1, sizeof(*run->facts));
        for (; run->n_facts < n && !in->bad; run->n_facts++) {
            struct part_file_facts *f = &run->facts[run->n_facts];
            f->file = wire_get_varint(in);
            f->bytes = wire_get_varint(in);
            f->read_bytes = wire_get_varint(in);
            const void *s = wire_get_raw(in, 32);
            if (s)
                memcpy(f->sha256, s, 32);
        }
        n = wire_get_varint(in);
        if (n > (uint64_t)(in->end - in->p))
            return false;
        run->pieces = xcalloc(n ? n : 1, sizeof(*run->pieces));
        for (; run->n_pieces < n && !in->bad; run->n_pieces++) {
            struct part_piece *pc = &run->pieces[run->n_pieces];
            pc->file = wire_get_varint(in);
            pc->offset = wire_get_varint(in);
            pc->line_base = wire_get_varint(in);
            pc->lines = wire_get_varint(in);
            pc->bytes = wire_get_varint(in);
            pc->start = wire_get_u8(in);
            pc->format_in = wire_get_u8(in);
            pc->parsed = wire_get_varint(in);
            pc->summary_off = wire_get_varint(in);
            pc->summary_len = wire_get_varint(in);
            pc->sigs_off = wire_get_varint(in);
            pc->sigs_len = wire_get_varint(in);
        }
    }
    char *end = get_str(in);
    ok = !strcmp(end, "end") && !in->bad && in->p == in->end;
    free(end);
    return ok;
}

int part_open(struct part **out, const char *path)
{
    struct part *p = xcalloc(1, sizeof(*p));
    p->path = xstrdup(path);
    p->out.fd = -1;
    *out = NULL;
    int rc = 0;
    p->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    struct stat st;
    if (p->fd < 0) {
        rc = err_set(errno == ENOENT ? DSCI_EUSAGE : DSCI_EENV, "%s: cannot open the part: %s", path,
                     errno == ENOENT ? "no such file" : strerror(errno));
        goto fail;
    }
    if (fstat(p->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = err_set(DSCI_EUSAGE, "%s: not a regular file; name the part files the shards wrote", path);
        goto fail;
    }
    p->size = (uint64_t)st.st_size;
    unsigned char header[HEADER_BYTES];
    if (p->size < HEADER_BYTES) {
        rc = damaged(p, p->size < 8 ? "it is too short to be one (truncated?)" : "it is truncated");
        goto fail;
    }
    if ((rc = read_at(p, header, HEADER_BYTES, 0)) < 0)
        goto fail;
    if (memcmp(header, PART_MAGIC, 8) != 0) {
        rc = damaged(p, "it does not start the way a part does (is it one?)");
        goto fail;
    }
    uint32_t version = header[8] | (uint32_t)header[9] << 8 | (uint32_t)header[10] << 16 | (uint32_t)header[11] << 24;
    if (version != PART_FORMAT_VERSION) {
        rc = err_set(version > PART_FORMAT_VERSION ? DSCI_EUSAGE : DSCI_EENV,
                     "%s: a part in format %u, and this dsci reads format %d: merge with the dsci that made the parts",
                     path, version, PART_FORMAT_VERSION);
        goto fail;
    }
    uint64_t index_off = get_le64(header + 16), index_len = get_le64(header + 24);
    if (index_off < HEADER_BYTES || index_len > INDEX_MAX_BYTES || index_off > p->size ||
        p->size - index_off != index_len) {
        rc = damaged(p, p->size < index_off + index_len ? "it is truncated (shorter than its header says)"
                                                        : "its length does not match its header");
        goto fail;
    }
    /* The whole part against its checksum before anything in it is believed. */
    struct sha256 h;
    sha256_init(&h);
    char *block = xmalloc(1 << 20);
    for (uint64_t at = HEADER_BYTES; at < p->size && rc == 0;) {
        uint64_t n = p->size - at < (1 << 20) ? p->size - at : (1 << 20);
        if ((rc = read_at(p, block, n, at)) == 0)
            sha256_update(&h, block, n);
        at += n;
    }
    free(block);
    unsigned char sum[32];
    sha256_final(&h, sum);
    if (rc < 0)
        goto fail;
    if (memcmp(sum, header + 32, 32) != 0) {
        rc = damaged(p, "its bytes do not match its checksum (damaged or edited)");
        goto fail;
    }
    char *index = xmalloc(index_len ? index_len : 1);
    if ((rc = read_at(p, index, index_len, index_off)) == 0) {
        struct wire_in in = wire_in(index, index_len);
        if (!parse_index(p, &in) || !index_fits(p, index_off))
            rc = damaged(p, "its index does not read");
    }
    free(index);
    if (rc < 0)
        goto fail;
    *out = p;
    return 0;
fail:
    part_free(p);
    return rc;
}

int part_read_block(const struct part *p, uint64_t offset, uint64_t len, struct buf *out)
{
    buf_reset(out);
    if (offset > p->size || len > p->size - offset)
        return damaged(p, "a block is outside the file");
    buf_grow(out, (size_t)len + 1);
    int rc = read_at(p, out->ptr, len, offset);
    if (rc == 0)
        out->len = (size_t)len;
    return rc;
}

const struct part_run *part_find_run(const struct part *p, enum part_role role)
{
    for (size_t r = 0; r < p->n_runs; r++)
        if (p->runs[r].role == role)
            return &p->runs[r];
    return NULL;
}

void part_identity_release(struct part_identity *id)
{
    free(id->dsci_version);
    free(id->spec_path);
    free(id->rev);
    free(id->spec_from);
    free(id->base);
    memset(id, 0, sizeof(*id));
}

void part_free(struct part *p)
{
    if (!p)
        return;
    if (p->out.fd >= 0 || p->out.tmp)
        atomic_abort(&p->out);
    if (p->fd >= 0)
        close(p->fd);
    for (size_t r = 0; r < p->n_runs; r++) {
        struct part_run *run = &p->runs[r];
        free(run->source);
        free(run->commit);
        free(run->baseline);
        for (size_t i = 0; i < run->n_files; i++)
            free(run->files[i].root_path);
        free(run->files);
        free(run->facts);
        free(run->pieces);
    }
    part_identity_release(&p->id);
    free(p->path);
    free(p);
}
