#include "run/reread.h"

#include "gates/common.h"
#include "util/err.h"

struct wanted {
    uint64_t pos;
    uint64_t line_base;     /* the piece's first line is line_base + 1 of the file */
    void (*cb)(void *arg, const struct example *ex);
    void *arg;
};

#define FOUND 1
#define PASSED 2

static int on_example(void *ctx, const struct example *ex)
{
    struct wanted *w = ctx;
    uint64_t pos = gate_example_pos(ex) + (ex->column ? 0 : w->line_base);
    if (pos == w->pos) {
        if (!w->line_base) {
            w->cb(w->arg, ex);
        } else {
            struct example whole = *ex;   /* as the run saw it: the file's own line */
            whole.line += w->line_base;
            w->cb(w->arg, &whole);
        }
        return FOUND;
    }
    /* lines and indexes only grow: the example is not in this file */
    return pos > w->pos ? PASSED : 0;
}

/* The chunk a JSONL line is in; NULL for an array file or a line past every chunk. */
static const struct reread_piece *find_piece(const struct reread_file *pf, uint64_t line)
{
    for (size_t i = 0; i < pf->n; i++) {
        const struct reread_piece *p = &pf->pieces[i];
        if (p->start == READER_START_FILE)
            return NULL;   /* read whole from its start: nothing to skip */
        if (line > p->line_base && (p->lines == UINT64_MAX || line <= p->line_base + p->lines))
            return p;
    }
    return NULL;
}

/* Reads past the bytes before a piece (git blobs cannot seek; they are only inflated). */
static int skip_bytes(const struct byte_stream *in, uint64_t n)
{
    char sink[65536];
    while (n > 0) {
        ssize_t got = in->read(in->ctx, sink, n < sizeof(sink) ? (size_t)n : sizeof(sink));
        if (got < 0)
            return (int)got;
        if (got == 0)
            return err_set(DSCI_EUSAGE, "the file is shorter than when it was read (changed during the run?)");
        n -= (uint64_t)got;
    }
    return 0;
}

struct bounded {
    const struct byte_stream *in;
    uint64_t left;
};

static ssize_t bounded_read(void *ctx, char *buf, size_t cap)
{
    struct bounded *b = ctx;
    if (!b->left)
        return 0;
    ssize_t n = b->in->read(b->in->ctx, buf, cap < b->left ? cap : (size_t)b->left);
    if (n > 0)
        b->left -= (uint64_t)n;
    return n;
}

int reread_example(void *engine, size_t file, uint64_t pos,
                   void (*cb)(void *arg, const struct example *ex), void *arg)
{
    const struct reread *rr = engine;
    if (file >= rr->n_files)
        return err_set(DSCI_EUSAGE, "reread: no file %zu in this run", file);
    /* a scratch copy: the reader fills in what it sees, and the run's file keeps its own */
    struct run_file f = { 0 };
    f.path = rr->files[file].path;
    f.root_path = rr->files[file].root_path;
    f.split = rr->files[file].split;
    struct reader_options o = rr->options;
    o.file_index = file;
    o.hash_file = false;
    struct byte_stream stream;
    int rc = source_open_stream(rr->src, f.root_path, &stream);
    if (rc < 0)
        return rc;
    struct wanted w = { pos, 0, cb, arg };
    const struct reread_piece *piece = rr->pieces ? find_piece(&rr->pieces[file], pos) : NULL;
    struct bounded bounded = { &stream, 0 };
    struct byte_stream in = stream;
    if (piece && (rc = skip_bytes(&stream, piece->offset)) == 0) {
        w.line_base = piece->line_base;
        o.start = piece->start;
        o.initial_format = piece->format_in;
        bounded.left = piece->bytes;
        in.read = bounded_read;
        in.ctx = &bounded;
    }
    if (rc == 0)
        rc = reader_run(&f, &in, &o, on_example, &w);
    stream.close(stream.ctx);
    if (rc < 0)
        return rc;
    if (rc != FOUND)
        return err_set(DSCI_EUSAGE, "%s: no example at %llu any more (the file changed during the run?)",
                       f.path ? f.path : f.root_path, (unsigned long long)pos);
    return 0;
}
