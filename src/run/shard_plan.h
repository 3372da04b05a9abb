/*
 * Which shard of a sharded check (`dsci check --shard I/N`) reads which bytes. The run's
 * files, in run order, are laid end to end by their stored sizes; shard I owns the
 * bytes from I*T/N to (I+1)*T/N of that line (I from 0 here) (T: all the bytes). A piece of a file (a
 * content-defined chunk, read/chunker.h) belongs to the shard that owns its first byte.
 * Every machine that sees the same tree and spec computes the same plan: it depends on
 * nothing but the file list and the sizes.
 *
 *   shard_plan_init(&p, 2, 7, sizes, n_files);   // the third shard of seven
 *   if (shard_plan_touches(&p, f)) ... read file f, up to the pieces past the shard ...
 *   if (shard_plan_owner(&p, f, offset) == p.index) ... the piece is this shard's ...
 *
 * A piece starting past the file's stored size (a file that grows when read, e.g. a
 * decompressed one) counts as starting on its last byte: it stays with the shard that
 * reads the file's end.
 */
#ifndef DSCI_SHARD_PLAN_H
#define DSCI_SHARD_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* At most this many shards: a CI matrix is tens of jobs, and the plan's arithmetic
 * stays inside 64 bits times this. */
#define SHARD_MAX_COUNT 4096u

struct shard_plan {
    unsigned index, count;
    size_t n_files;
    uint64_t *start;     /* each file's first byte on the line */
    uint64_t *size;
    uint64_t total;
};

void shard_plan_init(struct shard_plan *p, unsigned index, unsigned count, const uint64_t *sizes, size_t n_files);
void shard_plan_release(struct shard_plan *p);

/* The shard that reads the piece of `file` starting `offset` bytes in. */
unsigned shard_plan_owner(const struct shard_plan *p, size_t file, uint64_t offset);

/* The shard must read file `file` (some of its bytes are the shard's, or it owns the
 * file's first byte: an empty file is someone's too). */
bool shard_plan_touches(const struct shard_plan *p, size_t file);

/* Parses "I/N", 1 <= I <= N <= SHARD_MAX_COUNT, counting from 1 as Playwright's and
 * Jest's --shard do (a CI matrix of 1..N): *index is I - 1. 0, or -1 when it is not one. */
int shard_plan_parse(const char *text, unsigned *index, unsigned *count);

#endif
