#include "run/reread.h"

#include "gates/common.h"
#include "util/err.h"

struct wanted {
    uint64_t pos;
    void (*cb)(void *arg, const struct example *ex);
    void *arg;
};

#define FOUND 1
#define PASSED 2

static int on_example(void *ctx, const struct example *ex)
{
    struct wanted *w = ctx;
    uint64_t pos = gate_example_pos(ex);
    if (pos == w->pos) {
        w->cb(w->arg, ex);
        return FOUND;
    }
    /* lines and indexes only grow: the example is not in this file */
    return pos > w->pos ? PASSED : 0;
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
    struct wanted w = { pos, cb, arg };
    rc = reader_run(&f, &stream, &o, on_example, &w);
    stream.close(stream.ctx);
    if (rc < 0)
        return rc;
    if (rc != FOUND)
        return err_set(DSCI_EUSAGE, "%s: no example at %llu any more (the file changed during the run?)",
                       f.path ? f.path : f.root_path, (unsigned long long)pos);
    return 0;
}
