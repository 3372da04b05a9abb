/*
 * Reading a few lines of the run's files again for the reports' quotes; see quote.h.
 * The lines are wanted in any order from any file: sorting them by file and line lets
 * one pass over each file serve every quote of it, however large the file.
 */
#include "run/quote.h"

#include <stdlib.h>
#include <string.h>

#include "data/byte_stream.h"
#include "data/source.h"
#include "run/result.h"
#include "util/err.h"
#include "util/xalloc.h"

static int by_place(const void *a, const void *b)
{
    const struct quote *x = *(const struct quote *const *)a, *y = *(const struct quote *const *)b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Streams the file once, filling every quote in q[0..n) (same path, ascending lines). */
static void quote_file(struct source *src, const char *root_path, struct quote **q, size_t n, size_t max_bytes)
{
    struct byte_stream s;
    if (source_open_stream(src, root_path, &s) < 0) {
        err_clear();
        return;
    }
    char buf[65536];
    size_t line = 1, next = 0, kept = 0;
    char *cur = NULL;
    ssize_t got = 0;
    while (next < n && (got = s.read(s.ctx, buf, sizeof(buf))) > 0) {
        for (ssize_t i = 0; i < got && next < n; i++) {
            if (line == q[next]->line) {
                if (!cur)
                    cur = xcalloc(1, max_bytes + 1);
                if (buf[i] != '\n' && kept < max_bytes)
                    cur[kept++] = buf[i];
            }
            if (buf[i] != '\n')
                continue;
            if (cur) {
                /* the same line may be asked more than once */
                for (; next < n && q[next]->line == line; next++)
                    q[next]->text = xstrdup(cur);
                free(cur);
                cur = NULL;
                kept = 0;
            }
            line++;
        }
    }
    if (got < 0)
        err_clear();
    /* the last line of a file without a final newline */
    for (; cur && next < n && q[next]->line == line; next++)
        q[next]->text = xstrdup(cur);
    free(cur);
    s.close(s.ctx);
}

void quote_lines(void *ctx, struct quote *q, size_t n, size_t max_bytes)
{
    const struct quote_source *qs = ctx;
    struct quote **order = xcalloc(n ? n : 1, sizeof(*order));
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        q[i].text = NULL;
        if (q[i].path && q[i].line)
            order[m++] = &q[i];
    }
    qsort(order, m, sizeof(*order), by_place);
    for (size_t i = 0; i < m;) {
        size_t j = i;
        while (j < m && !strcmp(order[j]->path, order[i]->path))
            j++;
        const struct result_file *f = NULL;
        for (size_t k = 0; k < qs->result->n_files && !f; k++)
            if (qs->result->files[k].path && !strcmp(qs->result->files[k].path, order[i]->path))
                f = &qs->result->files[k];
        if (f && f->root_path && !f->lfs_pointer && qs->src)
            quote_file(qs->src, f->root_path, order + i, j - i, max_bytes);
        i = j;
    }
    free(order);
}

void quote_release(struct quote *q, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(q[i].text);
        q[i].text = NULL;
    }
}
