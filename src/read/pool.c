/*
 * JSONL lines are parsed on worker threads once the file's format is known: the reading
 * thread cuts the stream into chunks of whole lines (copied, since the read buffer moves),
 * a worker parses a chunk's records into the chunk's own arena, and the reading thread
 * hands them to the callback chunk by chunk, in file order. Chunks go round a small ring,
 * which bounds the memory in flight; when the workers are behind, the reading thread
 * parses a waiting chunk itself rather than wait. The records, their order and every
 * message are the same as when parsing serially.
 */
#include "read/reader_impl.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/work_ring.h"
#include "util/xalloc.h"

#define CHUNK_BYTES ((size_t)1 << 20)
#define CHUNK_LINES 2048

struct chunk_line {
    const char *borrowed;         /* the line where the reader has it (read/reader.h: bytes); NULL: copied, at off */
    size_t off, len, line;
    bool too_long;
};

struct chunk {
    enum dataset_format format;   /* the file's, when the chunk was filled */
    char *bytes;
    size_t len, alloc;
    struct chunk_line *lines;
    size_t n_lines, alloc_lines;
    struct arena arena;           /* the parsed records' memory */
    struct example *ex;
    size_t n_ex, alloc_ex;
};

struct parse_worker {
    struct reader rd;             /* its own parser state */
    struct run_file file;         /* its own copy: process_record records the format there */
    struct chunk *cur;
};

struct parse_pool {
    struct reader *main;
    struct work_ring *ring;
    struct chunk *chunks;         /* the ring's slots */
    size_t n_chunks;
    struct parse_worker *workers; /* one per thread, and the reading thread's last */
    unsigned n_workers;
    int stop_rc;                  /* a callback's non-zero return: deliver no more */
};

/* The worker reader's callback: keep the record in the chunk. */
static int keep_example(void *ctx, const struct example *ex)
{
    struct parse_worker *w = ctx;
    struct chunk *c = w->cur;
    ALLOC_GROW(c->ex, c->n_ex + 1, c->alloc_ex);
    struct example *kept = &c->ex[c->n_ex++];
    /* the issues in use only: the whole struct is several times a typical record's bytes */
    memcpy(kept, ex, offsetof(struct example, issues));
    memcpy(kept->issues, ex->issues, ex->n_issues * sizeof(ex->issues[0]));
    kept->n_issues = ex->n_issues;
    if (ex->n_turns) {   /* the reader reuses its turn array from record to record */
        struct turn *t = arena_alloc(&w->rd.arena, ex->n_turns * sizeof(*t));
        memcpy(t, ex->turns, ex->n_turns * sizeof(*t));
        kept->turns = t;
    }
    if (ex->n_rejected) {   /* the same for a pair's rejected side */
        struct turn *t = arena_alloc(&w->rd.arena, ex->n_rejected * sizeof(*t));
        memcpy(t, ex->rejected, ex->n_rejected * sizeof(*t));
        kept->rejected = t;
    }
    if (ex->note_len)   /* the reader's note buffer is the next record's */
        kept->note = arena_dup(&w->rd.arena, ex->note, ex->note_len);
    return 0;
}

static void parse_chunk(void *ctx, size_t slot, unsigned worker)
{
    struct parse_pool *pool = ctx;
    struct parse_worker *w = &pool->workers[worker];
    struct chunk *c = &pool->chunks[slot];
    w->cur = c;
    w->file.format = c->format;
    w->rd.arena = c->arena;
    for (size_t i = 0; i < c->n_lines; i++) {
        const struct chunk_line *l = &c->lines[i];
        if (l->too_long)
            reader_too_long(&w->rd, l->line, 0, 0);
        else
            record_process(&w->rd, l->borrowed ? l->borrowed : c->bytes + l->off, l->len, l->line, 0, 0);
    }
    c->arena = w->rd.arena;
    memset(&w->rd.arena, 0, sizeof(w->rd.arena));
    w->cur = NULL;
}

/* Hands a parsed chunk's records to the callback, in order, and empties the chunk. */
static void deliver_chunk(void *ctx, size_t slot)
{
    struct parse_pool *pool = ctx;
    struct chunk *c = &pool->chunks[slot];
    struct reader *rd = pool->main;
    for (size_t i = 0; i < c->n_ex && !pool->stop_rc; i++) {
        struct example *ex = &c->ex[i];
        ex->ordinal = rd->ordinal++;
        rd->file->records++;
        pool->stop_rc = rd->cb(rd->cb_ctx, ex);
    }
    arena_reset(&c->arena);
    c->n_ex = c->n_lines = c->len = 0;
}

static void worker_reader_init(struct parse_worker *w, const struct reader *main, struct parse_pool *pool)
{
    memset(w, 0, sizeof(*w));
    w->rd.note = (struct buf)BUF_INIT;
    w->file = *main->file;
    w->file.path = NULL;
    w->file.root_path = NULL;
    w->file.read_error = NULL;
    w->rd.o = main->o;
    w->rd.file = &w->file;
    w->rd.cb = keep_example;
    w->rd.cb_ctx = w;
    w->rd.keep = true;
    w->rd.pool = pool;
    w->rd.ex = main->ex;   /* path, split, file index */
    memcpy(w->rd.label_seg, main->label_seg, sizeof(w->rd.label_seg));
    memcpy(w->rd.label_seg_len, main->label_seg_len, sizeof(w->rd.label_seg_len));
    w->rd.n_label_segs = main->n_label_segs;
}

static struct parse_pool *pool_new(struct reader *main, unsigned threads)
{
    static const struct work_ring_ops ops = { parse_chunk, deliver_chunk };
    struct parse_pool *pool = xcalloc(1, sizeof(*pool));
    pool->main = main;
    pool->n_chunks = 2 * (size_t)threads + 2;
    pool->chunks = xcalloc(pool->n_chunks, sizeof(*pool->chunks));
    pool->n_workers = threads + 1;
    pool->workers = xcalloc(pool->n_workers, sizeof(*pool->workers));
    for (unsigned i = 0; i < pool->n_workers; i++)
        worker_reader_init(&pool->workers[i], main, pool);
    pool->ring = work_ring_new(pool->n_chunks, threads, &ops, pool);
    return pool;
}

/* Records go to the parsing threads once the file's format is known (the first object
 * decides it) and the file has proved big enough to be worth the threads. */
bool pool_use(struct reader *rd)
{
    if (rd->pool)
        return true;
    if (!rd->o->parse_threads || rd->file->format == FORMAT_AUTO || rd->file->bytes < rd->o->parallel_after)
        return false;
    rd->pool = pool_new(rd, rd->o->parse_threads);
    return true;
}

int pool_add(struct reader *rd, const char *s, size_t len, size_t line, bool too_long)
{
    struct parse_pool *pool = rd->pool;
    struct chunk *c = &pool->chunks[work_ring_fill(pool->ring)];   /* the oldest chunk's records go first */
    if (pool->stop_rc)
        return pool->stop_rc;
    c->format = rd->file->format;
    ALLOC_GROW(c->lines, c->n_lines + 1, c->alloc_lines);
    struct chunk_line *l = &c->lines[c->n_lines++];
    l->off = c->len;
    l->len = len;
    l->line = line;
    l->too_long = too_long;
    l->borrowed = NULL;
    if (len && rd->o->bytes) {   /* in memory until reader_run returns, which waits for the workers */
        l->borrowed = s;
        c->len += len;   /* the chunk's size still decides when it is handed over */
    } else if (len) {
        ALLOC_GROW(c->bytes, c->len + len, c->alloc);
        memcpy(c->bytes + c->len, s, len);
        c->len += len;
    }
    if (c->n_lines == CHUNK_LINES || c->len >= CHUNK_BYTES)
        work_ring_submit(pool->ring);
    return 0;
}

int pool_finish(struct reader *rd, bool deliver)
{
    struct parse_pool *pool = rd->pool;
    if (!deliver && !pool->stop_rc)
        pool->stop_rc = -1;
    work_ring_finish(pool->ring);
    int rc = deliver ? pool->stop_rc : 0;
    work_ring_free(pool->ring);
    for (size_t i = 0; i < pool->n_chunks; i++) {
        free(pool->chunks[i].bytes);
        free(pool->chunks[i].lines);
        free(pool->chunks[i].ex);
        arena_release(&pool->chunks[i].arena);
    }
    for (unsigned i = 0; i < pool->n_workers; i++)
        reader_release(&pool->workers[i].rd);
    free(pool->chunks);
    free(pool->workers);
    free(pool);
    rd->pool = NULL;
    return rc;
}
