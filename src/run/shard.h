/*
 * A sharded check (issue 14): `dsci check --shard I/N --summary-out FILE` reads shard I
 * of the data (run/shard_plan.h) and writes what it read as a part (run/shard_part.h);
 * `dsci merge FILE...` checks that the parts are all the shards of one run and replays
 * them in file order into the gates, as a warm check replays its cached summaries, so
 * the report is the one `dsci check` gives.
 *
 * One job per process, for both runs of a check (the head, then the baseline):
 *
 *   shard_job_start(&job, "part-2.dsum", &identity);     // a shard
 *   shard_job_open(&job, paths, n);                      // the merge: every part verified
 *   shard_job_source(job, PART_HEAD, describe, commit, baseline);   // records, or compares
 *   ... engine_check with engine_options.shard = job, .shard_role = PART_HEAD ...
 *   shard_job_commit(job);                               // a shard: the part goes in place
 *   shard_job_free(job);
 *
 * The engine's side (run/engine_shard.c) works through struct shard_run, one per run.
 */
#ifndef DSCI_SHARD_H
#define DSCI_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "read/run_file.h"
#include "run/shard_part.h"
#include "run/shard_plan.h"
#include "util/buf.h"

struct source;

struct shard_job {
    bool merging;
    struct part *out;            /* a shard: the part being written */
    struct part **parts;         /* the merge: one per shard, by index */
    size_t n_parts;
    struct part_identity id;     /* the merge: what every part says (borrowed from parts[0]) */
};

int shard_job_start(struct shard_job **out, const char *path, const struct part_identity *id);
/* Opens every part and checks they are the N shards of one run: 0, DSCI_EENV for a part
 * that is damaged or unreadable, DSCI_EUSAGE for parts that do not go together (another
 * spec, revision, version, shard count; a shard missing or given twice), naming them. */
int shard_job_open(struct shard_job **out, char *const *paths, size_t n);
/* What a run reads: a shard records it; the merge compares it with the parts' (DSCI_EUSAGE
 * naming a part when the merge is not where the shards were). */
int shard_job_source(struct shard_job *job, enum part_role role, const char *source, const char *commit,
                     const char *baseline);
int shard_job_commit(struct shard_job *job);
void shard_job_free(struct shard_job *job);

/* One piece of a file as the merge replays it: its entry and the part holding it. */
struct shard_piece_ref {
    const struct part *part;
    const struct part_piece *piece;
};

/* One engine run's view of the job. */
struct shard_run {
    struct shard_job *job;
    enum part_role role;
    struct shard_plan plan;
    struct part_run *out;        /* a shard: this run's record in the part */
    struct pending_piece_sigs {   /* a shard: pieces read cold, signed at the end of the run */
        size_t piece;
        size_t first, count;
    } *pending;
    size_t n_pending, alloc_pending;
    /* the merge: per file, its pieces in order and its facts */
    struct shard_file_plan {
        struct shard_piece_ref *pieces;
        size_t n, alloc;
        const struct part_file_facts *facts;
    } *files;
    size_t n_files;
};

/*
 * Starts a run of the job over `files` (collected by the engine from `src`): their sizes
 * make the plan. A shard records the file table; the merge checks it against the
 * parts' and gathers every file's pieces. config/shingle/permutations: the run's summary
 * settings (run/summary_cache.h), equal in shard and merge or the parts are not usable.
 */
int shard_run_begin(struct shard_run *r, struct shard_job *job, enum part_role role, struct source *src,
                    const struct run_file *files, size_t n_files, const unsigned char config[32], size_t shingle,
                    size_t permutations);
void shard_run_release(struct shard_run *r);

/* A shard: the file's facts, from the shard that read it from its first byte. */
void shard_run_file_facts(struct shard_run *r, size_t file, uint64_t bytes, const unsigned char sha256[32]);
/* A shard: a piece it read, with its summary (and its signatures when they are known;
 * else shard_run_sign_later). Returns the piece's index, or a negative DSCI_E*. */
int shard_run_piece(struct shard_run *r, const struct part_piece *piece, const void *summary, size_t len,
                    const void *sigs, size_t sigs_len);
void shard_run_sign_later(struct shard_run *r, size_t piece, size_t first, size_t count);
/* A shard: the signatures of the pieces signed later, once the run's signatures are made. */
struct signature_store;
int shard_run_write_signatures(struct shard_run *r, const struct signature_store *s);

#endif
