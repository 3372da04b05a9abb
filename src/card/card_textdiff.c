/*
 * A small line diff for `dsci card --dry-run`: unified format, three lines of context.
 * Cards are small, so a longest-common-subsequence table over the lines between the
 * common head and tail is enough; past a limit the diff is summarized instead.
 */
#include "card/card_impl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* Cells of the comparison table at most (4 bytes each). */
#define DIFF_MAX_CELLS ((size_t)4 << 20)
#define DIFF_CONTEXT 3

struct line {
    const char *p;
    size_t len;    /* including the '\n' when there is one */
};

static struct line *split_lines(const char *t, size_t len, size_t *n)
{
    size_t count = 0, alloc = 0;
    struct line *lines = NULL;
    for (size_t off = 0; off < len;) {
        const char *nl = memchr(t + off, '\n', len - off);
        size_t end = nl ? (size_t)(nl - t) + 1 : len;
        ALLOC_GROW(lines, count + 1, alloc);
        lines[count].p = t + off;
        lines[count++].len = end - off;
        off = end;
    }
    *n = count;
    return lines;
}

static bool same(const struct line *a, const struct line *b)
{
    return a->len == b->len && !memcmp(a->p, b->p, a->len);
}

enum op_kind { OP_SAME, OP_DEL, OP_ADD };

struct op {
    enum op_kind kind;
    size_t a, b;   /* line indexes before this op */
};

static void put_line(struct buf *out, char sign, const struct line *l)
{
    buf_addch(out, sign);
    buf_add(out, l->p, l->len);
    if (!l->len || l->p[l->len - 1] != '\n')
        buf_addstr(out, "\n\\ No newline at end of file\n");
}

static void hunks(struct buf *out, const struct op *ops, size_t n_ops, const struct line *a, const struct line *b)
{
    size_t i = 0;
    while (i < n_ops) {
        while (i < n_ops && ops[i].kind == OP_SAME)
            i++;
        if (i == n_ops)
            break;
        size_t start = i > DIFF_CONTEXT ? i - DIFF_CONTEXT : 0, end = i;
        /* extend over changes separated by at most 2 * context unchanged lines */
        for (;;) {
            while (end < n_ops && ops[end].kind != OP_SAME)
                end++;
            size_t same_run = 0;
            while (end + same_run < n_ops && ops[end + same_run].kind == OP_SAME)
                same_run++;
            if (end + same_run < n_ops && same_run <= 2 * DIFF_CONTEXT) {
                end += same_run;
                continue;
            }
            end += same_run < DIFF_CONTEXT ? same_run : DIFF_CONTEXT;
            break;
        }
        size_t a_len = 0, b_len = 0;
        for (size_t k = start; k < end; k++) {
            a_len += ops[k].kind != OP_ADD;
            b_len += ops[k].kind != OP_DEL;
        }
        size_t a_start = ops[start].a + (a_len ? 1 : 0), b_start = ops[start].b + (b_len ? 1 : 0);
        buf_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", a_start, a_len, b_start, b_len);
        for (size_t k = start; k < end; k++) {
            if (ops[k].kind == OP_ADD)
                put_line(out, '+', &b[ops[k].b]);
            else
                put_line(out, ops[k].kind == OP_DEL ? '-' : ' ', &a[ops[k].a]);
        }
        i = end;
    }
}

void card_text_diff(struct buf *out, const char *label, const char *a_text, size_t a_size, const char *b_text,
                    size_t b_size)
{
    size_t na, nb;
    struct line *a = split_lines(a_text, a_size, &na), *b = split_lines(b_text, b_size, &nb);
    struct op *ops = NULL;
    uint32_t *table = NULL;
    size_t head = 0, tail = 0;
    while (head < na && head < nb && same(&a[head], &b[head]))
        head++;
    while (tail < na - head && tail < nb - head && same(&a[na - 1 - tail], &b[nb - 1 - tail]))
        tail++;
    if (head == na && head == nb)
        goto done;   /* equal */

    size_t n = na - head - tail, m = nb - head - tail;
    buf_printf(out, "--- a/%s\n+++ b/%s\n", label, label);
    if (n && m && (n + 1) > DIFF_MAX_CELLS / (m + 1)) {
        buf_printf(out, "@@ %zu lines from line %zu replaced by %zu lines (too many to show) @@\n", n, head + 1, m);
        goto done;
    }
    /* table[i][j]: the longest common subsequence of a[head+i..] and b[head+j..] (middles) */
    size_t w = m + 1;
    table = xcalloc((n + 1) * w, sizeof(*table));
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            table[i * w + j] = same(&a[head + i], &b[head + j]) ? table[(i + 1) * w + j + 1] + 1
                             : table[(i + 1) * w + j] >= table[i * w + j + 1] ? table[(i + 1) * w + j]
                                                                                : table[i * w + j + 1];
    ops = xcalloc(na + nb + 1, sizeof(*ops));
    size_t n_ops = 0, i = 0, j = 0;
    for (size_t k = 0; k < head; k++)
        ops[n_ops++] = (struct op){ OP_SAME, k, k };
    while (i < n || j < m) {
        if (i < n && j < m && same(&a[head + i], &b[head + j])) {
            ops[n_ops++] = (struct op){ OP_SAME, head + i++, head + j++ };
        } else if (i < n && (j == m || table[(i + 1) * w + j] >= table[i * w + j + 1])) {
            ops[n_ops++] = (struct op){ OP_DEL, head + i++, head + j };   /* removals first, as diff -u */
        } else {
            ops[n_ops++] = (struct op){ OP_ADD, head + i, head + j++ };
        }
    }
    for (size_t k = 0; k < tail; k++)
        ops[n_ops++] = (struct op){ OP_SAME, head + n + k, head + m + k };
    hunks(out, ops, n_ops, a, b);
done:
    free(table);
    free(ops);
    free(a);
    free(b);
}

size_t card_first_difference(const char *a, size_t a_len, const char *b, size_t b_len)
{
    size_t line = 1, i = 0;
    while (i < a_len && i < b_len && a[i] == b[i]) {
        if (a[i] == '\n')
            line++;
        i++;
    }
    return i == a_len && i == b_len ? 0 : line;
}
