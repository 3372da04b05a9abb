/*
 * The parsing threads call annotate() for each record: that is where the tokens are
 * counted, so counting runs on every thread the reader uses. Each thread needs its own
 * scratch; they are created on a thread's first record and freed after the file.
 */
#include "tokens/count_file.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/reader.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

#define MAX_SCRATCH 256

struct count_run {
    const struct tokenizer *t;
    pthread_mutex_t lock;
    struct { pthread_t thread; struct tokenizer_scratch *s; } scratch[MAX_SCRATCH];
    size_t n_scratch;
    tokens_callback cb;
    void *cb_ctx;
};

static struct tokenizer_scratch *thread_scratch(struct count_run *r)
{
    pthread_t self = pthread_self();
    pthread_mutex_lock(&r->lock);
    struct tokenizer_scratch *s = NULL;
    for (size_t i = 0; i < r->n_scratch && !s; i++) {
        if (pthread_equal(r->scratch[i].thread, self))
            s = r->scratch[i].s;
    }
    if (!s) {
        if (r->n_scratch == MAX_SCRATCH)
            xalloc_die("tokens: more than %d threads", MAX_SCRATCH);
        s = tokenizer_scratch_new(r->t);
        r->scratch[r->n_scratch].thread = self;
        r->scratch[r->n_scratch++].s = s;
    }
    pthread_mutex_unlock(&r->lock);
    return s;
}

static void count_annotate(void *ctx, struct example *ex, struct buf *out)
{
    struct count_run *r = ctx;
    if (!ex->parsed)
        return;
    struct tokenizer_scratch *s = thread_scratch(r);
    uint64_t n = 0;
    for (size_t i = 0; i < ex->n_turns; i++) {
        if (ex->turns[i].text)
            n += tokenizer_count(r->t, s, ex->turns[i].text, ex->turns[i].text_len);
    }
    buf_add(out, &n, sizeof n);
}

static int on_example(void *ctx, const struct example *ex)
{
    struct count_run *r = ctx;
    struct tokens_example te = { ex->line, ex->parsed && ex->note_len == sizeof(uint64_t), 0 };
    if (te.counted)
        memcpy(&te.tokens, ex->note, sizeof te.tokens);
    return r->cb(r->cb_ctx, &te);
}

static ssize_t file_read(void *ctx, char *buf, size_t cap)
{
    FILE *f = ctx;
    size_t n = fread(buf, 1, cap, f);
    if (n == 0 && ferror(f))
        return err_set(DSCI_EENV, "read error: %s", strerror(errno));
    return (ssize_t)n;
}

static void file_close(void *ctx)
{
    fclose(ctx);
}

static int open_file(const char *path, FILE **f)
{
    *f = fopen(path, "rb");
    if (!*f)
        return err_set(errno == ENOENT ? DSCI_EUSAGE : DSCI_EENV, "%s: %s", path,
                       errno == ENOENT ? "no such file" : strerror(errno));
    return 0;
}

int tokens_count_file(const struct tokenizer *t, const char *path, unsigned threads,
                      tokens_callback cb, void *ctx)
{
    FILE *f;
    int rc = open_file(path, &f);
    if (rc < 0)
        return rc;
    struct byte_stream in = { .read = file_read, .close = file_close, .ctx = f };
    struct count_run *r = xcalloc(1, sizeof *r);
    r->t = t;
    r->cb = cb;
    r->cb_ctx = ctx;
    pthread_mutex_init(&r->lock, NULL);

    struct reader_options o;
    memset(&o, 0, sizeof o);
    o.format = FORMAT_AUTO;
    o.max_line_bytes = READER_DEFAULT_MAX_LINE;
    o.role_human = "human";
    o.role_assistant = "gpt";
    o.role_system = "system";
    o.no_example_hash = true;
    o.parse_threads = threads > 1 ? threads - 1 : 0;
    o.parallel_after = (uint64_t)256 << 10;
    o.annotate = count_annotate;
    o.annotate_ctx = r;
    struct run_file file;
    memset(&file, 0, sizeof file);
    file.path = (char *)path;
    file.root_path = (char *)path;
    rc = reader_run(&file, &in, &o, on_example, r);
    in.close(in.ctx);
    if (rc < 0 && !strstr(err_last(), path))
        err_set(rc, "%s: %s", path, err_last());
    for (size_t i = 0; i < r->n_scratch; i++)
        tokenizer_scratch_free(r->scratch[i].s);
    free(file.read_error);
    free(file.positions);
    pthread_mutex_destroy(&r->lock);
    free(r);
    return rc;
}

int tokens_count_lines(const struct tokenizer *t, const char *path, tokens_callback cb, void *ctx)
{
    FILE *f;
    int rc = open_file(path, &f);
    if (rc < 0)
        return rc;
    struct tokenizer_scratch *s = tokenizer_scratch_new(t);
    char *line = NULL;
    size_t cap = 0, at = 0;
    ssize_t n;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        size_t len = (size_t)n;
        if (len && line[len - 1] == '\n')
            len--;
        struct tokens_example te = { ++at, true, tokenizer_count(t, s, line, len) };
        rc = cb(ctx, &te);
    }
    if (rc == 0 && ferror(f))
        rc = err_set(DSCI_EENV, "%s: read error", path);
    free(line);
    fclose(f);
    tokenizer_scratch_free(s);
    return rc;
}
