/*
 * Small helpers the gates share (header-only, private to src/gates/): resolving a
 * file index to its path, the few number formats every report line uses, and the
 * growable mapping that holds the big per-message / per-example arrays.
 */
#ifndef DSCI_GATES_COMMON_H
#define DSCI_GATES_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "gates/gate.h"
#include "util/xalloc.h"

/* The repo-relative path of run file `i`, borrowed from ctx; "?" when out of range. */
static inline const char *gate_file_path(const struct gate_ctx *ctx, size_t i)
{
    if (i < ctx->n_files && ctx->files[i].path)
        return ctx->files[i].path;
    return "?";
}

/* The path a finding shows for `root_path`, a path relative to the dataset root as the
 * spec and the version file name files: repository-relative in git, so that annotations
 * and SARIF point at the file for a dataset in a subfolder too. The caller frees. */
static inline char *gate_shown_path(const struct gate_ctx *ctx, const char *root_path)
{
    if (ctx->display_path && ctx->source)
        return ctx->display_path(ctx->source, root_path);
    return xstrdup(root_path);
}

/* The spec's path as findings on its lines show it (repository-relative in git). */
static inline const char *gate_spec_path(const struct gate_ctx *ctx)
{
    return ctx->spec_path ? ctx->spec_path : ctx->spec->path;
}

/*
 * Where an example is, as the gates keep it: one number, `pos` = its line in a JSONL
 * file, its index in the array in a JSON array file (whose records may share a line:
 * a minified array is one). gate_place() turns it back into line, column and index
 * through the file's position table; sorting by pos within a file is file order.
 */
static inline uint64_t gate_example_pos(const struct example *ex)
{
    return ex->column ? ex->ordinal : ex->line;
}

struct gate_place {
    size_t line;
    size_t column;      /* 0 in JSONL */
    size_t char_column; /* the same place in characters (SARIF); 0 in JSONL */
    uint64_t record;
    bool has_record;
};

static inline struct gate_place gate_place(const struct gate_ctx *ctx, size_t file, uint64_t pos)
{
    struct gate_place p = { (size_t)pos, 0, 0, 0, false };
    if (file < ctx->n_files && ctx->files[file].positions) {
        const struct run_file *f = &ctx->files[file];
        p.line = pos < f->n_positions ? (size_t)f->positions[pos].line : 0;
        p.column = pos < f->n_positions ? (size_t)f->positions[pos].column : 0;
        p.char_column = pos < f->n_positions ? (size_t)f->positions[pos].char_column : 0;
        p.record = pos;
        p.has_record = true;
    }
    return p;
}

/* The line of example `pos` of file `file` (for messages and related places). */
static inline size_t gate_line(const struct gate_ctx *ctx, size_t file, uint64_t pos)
{
    return gate_place(ctx, file, pos).line;
}

/* Gives the finding just added the column and record index of example `pos`. */
static inline void gate_locate_last(struct check *c, const struct gate_ctx *ctx, size_t file, uint64_t pos)
{
    struct gate_place p = gate_place(ctx, file, pos);
    if (p.has_record)
        check_locate_last(c, p.column, p.char_column, p.record);
}

/* "data/train.jsonl:12", or "data/train.json:1:554 (record 6)" in an array file: an
 * example's place in a message. Returns out. */
#define GATE_WHERE_SIZE 4200   /* a path up to PATH_MAX and the place */
static inline const char *gate_where(char out[GATE_WHERE_SIZE], const struct gate_ctx *ctx, size_t file,
                                     uint64_t pos)
{
    struct gate_place p = gate_place(ctx, file, pos);
    const char *path = file < ctx->n_files && ctx->files[file].path ? ctx->files[file].path : "?";
    char place[FINDING_PLACE_SIZE];
    snprintf(out, GATE_WHERE_SIZE, "%s:%zu%s", path, p.line,
             finding_place_of(place, p.column, p.has_record, p.record));
    return out;
}

/* The same place for a stored finding: "path:line" and its column or record index. */
static inline const char *gate_finding_where(char out[GATE_WHERE_SIZE], const struct finding *f)
{
    char place[FINDING_PLACE_SIZE];
    snprintf(out, GATE_WHERE_SIZE, "%s:%llu%s", f->path, (unsigned long long)f->line, finding_place(place, f));
    return out;
}

/* "105/106 (99.1%)", "4/5 (80%)". Never shows 100% unless all passed, nor 0% unless none did. */
static inline void gate_format_fraction(char *out, size_t size, uint64_t ok, uint64_t total)
{
    unsigned long long o = ok, t = total;
    if (!total) {
        snprintf(out, size, "0/0");
        return;
    }
    if (o <= UINT64_MAX / 100 && (o * 100) % t == 0) {   /* a whole percentage */
        snprintf(out, size, "%llu/%llu (%llu%%)", o, t, o * 100 / t);
        return;
    }
    double pct = 100.0 * (double)ok / (double)total;
    if (pct > 99.9)
        pct = 99.9;
    else if (pct < 0.1)
        pct = 0.1;
    snprintf(out, size, "%llu/%llu (%.1f%%)", o, t, pct);
}

static inline double gate_percent(uint64_t ok, uint64_t total)
{
    return total ? 100.0 * (double)ok / (double)total : 100.0;
}

/* A spec number as written: 30, 0.8, 2.5 ("%g"). */
#define GATE_NUM_SIZE 32
static inline const char *gate_num(char out[GATE_NUM_SIZE], double v)
{
    snprintf(out, GATE_NUM_SIZE, "%g", v);
    return out;
}

/* A threshold that reads as a decimal: 2.0, 2.5 (never "2"). */
static inline const char *gate_num1(char out[GATE_NUM_SIZE], double v)
{
    if (v == (double)(long long)v && v > -1e15 && v < 1e15)
        snprintf(out, GATE_NUM_SIZE, "%.1f", v);
    else
        snprintf(out, GATE_NUM_SIZE, "%g", v);
    return out;
}

/*
 * A growable array for the big per-message / per-example records (tens of MB on a large
 * dataset), in its own mapping: it grows with mremap(), which moves page tables instead
 * of copying (realloc() of a heap block copies into fresh memory and takes a page fault
 * per 4 KiB, which on virtual machines costs more than the work done on the records),
 * and it asks for transparent huge pages, so first touches fault once per 2 MiB.
 *
 *   struct gate_vec v = GATE_VEC_INIT;
 *   struct rec *r = gate_vec_grow(&v, (n + 1) * sizeof(*r));   // may move
 *   gate_vec_release(&v);
 *
 * Like xmalloc, it exits 3 when memory is exhausted.
 */
struct gate_vec {
    void *ptr;
    size_t alloc;   /* bytes mapped */
};

#define GATE_VEC_INIT { NULL, 0 }

static inline void *gate_vec_grow(struct gate_vec *v, size_t bytes)
{
    if (bytes <= v->alloc)
        return v->ptr;
    const size_t step = (size_t)2 << 20;
    size_t alloc = v->alloc ? v->alloc : step;
    while (alloc < bytes) {
        if (alloc > SIZE_MAX / 2) {
            alloc = bytes;
            break;
        }
        alloc *= 2;
    }
    alloc = (alloc + step - 1) / step * step;
    void *p = v->ptr ? mremap(v->ptr, v->alloc, alloc, MREMAP_MAYMOVE)
                     : mmap(NULL, alloc, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        fprintf(stderr, "dsci: out of memory (allocating %zu bytes)\n", alloc);
        exit(3);
    }
#ifdef MADV_HUGEPAGE
    madvise(p, alloc, MADV_HUGEPAGE);   /* advice only: fine when refused */
#endif
    v->ptr = p;
    v->alloc = alloc;
    return p;
}

static inline void gate_vec_release(struct gate_vec *v)
{
    if (v->ptr)
        munmap(v->ptr, v->alloc);
    v->ptr = NULL;
    v->alloc = 0;
}

#endif
