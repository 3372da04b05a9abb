/*
 * A part: the summary file one shard of a sharded check writes (`dsci check --shard I/N
 * --summary-out FILE`) and `dsci merge` reads. docs/summary.md describes the bytes:
 *
 *   header (64 bytes): "DSCIPART", format version (u32 LE), 0 (u32), the index's offset
 *       and length (u64 LE each), the SHA-256 of every byte after the header;
 *   blocks: each piece's summary (run/digest.h) and its signatures, as the run made them;
 *   index: who made the part (dsci, summary and format versions, shard I of N, the spec
 *       and its SHA-256, what was read, the baseline) and per run (the head, the
 *       baseline) the source, the settings' key, every file with its size, the facts of
 *       the files this shard started and every piece it read, with where its blocks are.
 *
 * Written to a temporary file beside FILE and renamed when complete; read only after
 * the whole file matched its checksum, and every number in the index is checked against
 * the file before it is used. A part that fails any of this is refused by name.
 *
 *   part_create(&p, "shard-2.dsum", &identity);   ... part_run_add, part_write_block ...
 *   part_commit(p); part_free(p);
 *   part_open(&p, "shard-2.dsum");   ... p->runs[r].pieces ... part_read_block(p, off, len, &buf)
 */
#ifndef DSCI_SHARD_PART_H
#define DSCI_SHARD_PART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/atomic_file.h"
#include "util/buf.h"
#include "util/sha256.h"

#define PART_FORMAT_VERSION 1
#define PART_MAX_RUNS 2

enum part_role { PART_HEAD = 0, PART_BASE = 1 };

/* Who made the part: equal in every part of one merge. */
struct part_identity {
    char *dsci_version;
    uint64_t digest_version;
    unsigned index, count;       /* shard index from 0, of count */
    char *spec_path;             /* as the shard was given it (or found it) */
    unsigned char spec_sha256[32];   /* the spec that judged: --spec-from's when given */
    uint8_t place;               /* enum dataset_place */
    char *rev, *spec_from, *base;    /* as given; "" for none */
};

struct part_file {
    char *root_path;
    uint64_t size;               /* stored size, what the shard plan balanced by */
    bool has_blob;
    unsigned char blob[20];
};

/* The facts of one file, from the shard that read it from its first byte. */
struct part_file_facts {
    uint64_t file, bytes;
    unsigned char sha256[32];
};

struct part_piece {
    uint64_t file, offset, line_base;
    uint64_t lines, bytes;       /* UINT64_MAX: the rest of the file, read whole */
    uint8_t start, format_in;    /* enum reader_start, enum dataset_format */
    uint64_t parsed;             /* examples: one signature each */
    uint64_t summary_off, summary_len, sigs_off, sigs_len;
};

struct part_run {
    uint8_t role;                /* enum part_role */
    char *source;                /* source_describe() */
    char *commit;                /* the commit read, or HEAD's for the work tree and index; "" outside git */
    char *baseline;              /* the baseline's name (the head run: the one compared with; "" for none) */
    unsigned char config[32];    /* the summaries' settings key (run/summary_cache.h) */
    uint64_t sig_shingle, sig_permutations;
    struct part_file *files;
    size_t n_files;
    struct part_file_facts *facts;
    size_t n_facts, alloc_facts;
    struct part_piece *pieces;
    size_t n_pieces, alloc_pieces;
};

struct part {
    char *path;
    int fd;
    uint64_t size;
    struct part_identity id;
    struct part_run runs[PART_MAX_RUNS];
    size_t n_runs;
    /* writing */
    struct atomic_out out;
    uint64_t at;
    struct sha256 sha;
};

/* Starts writing `path` (through a temporary beside it): 0 or DSCI_EENV. */
int part_create(struct part **out, const char *path, const struct part_identity *id);
/* A run's record, to fill (strings are copied by the caller with xstrdup). */
struct part_run *part_run_add(struct part *p, enum part_role role);
/* Appends a block; *offset: where it is. 0 or DSCI_EENV. */
int part_write_block(struct part *p, const void *data, size_t len, uint64_t *offset);
/* Writes the index and the header, and renames the part into place. 0 or DSCI_EENV. */
int part_commit(struct part *p);

/* Opens and verifies a part: 0; DSCI_EENV when it cannot be read, is not a part, is
 * truncated or does not match its checksum; DSCI_EUSAGE when a newer dsci made it. */
int part_open(struct part **out, const char *path);
/* A block of an opened part (bounds checked): 0 or DSCI_EENV. */
int part_read_block(const struct part *p, uint64_t offset, uint64_t len, struct buf *out);
const struct part_run *part_find_run(const struct part *p, enum part_role role);

/* Frees the part (a part being written and not committed is removed). */
void part_free(struct part *p);
void part_identity_release(struct part_identity *id);

#endif
