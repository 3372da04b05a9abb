/*
 * dsci check --shard I/N --summary-out FILE: one job of a CI matrix. The shard reads
 * the files its share of the bytes is in (run/shard_plan.h), parses only its own
 * pieces, and writes what it read to FILE for `dsci merge` (cmd/merge.c). No gate
 * decides here: exit 0 unless the shard could not be read (2 or 3, as check).
 */
#include "cmd/cmd.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/digest.h"
#include "run/shard.h"
#include "util/err.h"
#include "util/xalloc.h"

static void say_done(const struct check_cli *o, const struct shard_job *job)
{
    const struct part *p = job->out;
    uint64_t pieces = 0, bytes = 0;
    for (size_t r = 0; r < p->n_runs; r++)
        for (size_t i = 0; i < p->runs[r].n_pieces; i++) {
            pieces++;
            bytes += p->runs[r].pieces[i].bytes;
        }
    fprintf(stderr, "dsci: shard %u/%u: %" PRIu64 " pieces (%.1f MB) of the data%s summarised in %s (%.1f MB); "
                    "merge every shard's part with dsci merge\n",
            p->id.index + 1, p->id.count, pieces, (double)bytes / 1e6, p->n_runs > 1 ? " and its baseline" : "",
            o->summary_out, (double)p->at / 1e6);
}

int check_shard(struct check_cli *o)
{
    unsigned index = 0, count = 1;
    shard_plan_parse(o->shard, &index, &count);   /* parse() checked it */
    const char *place_rev = o->run.place == DATASET_REV ? o->run.rev : "";
    struct part_identity id = {
        .dsci_version = DSCI_VERSION, .digest_version = DIGEST_VERSION, .index = index, .count = count,
        .spec_path = "", .place = (uint8_t)o->run.place, .rev = (char *)place_rev,
        .spec_from = (char *)(o->run.spec_from ? o->run.spec_from : ""), .base = (char *)(o->run.base ? o->run.base : ""),
    };
    struct shard_job *job = NULL;
    int rc = shard_job_start(&job, o->summary_out, &id);
    if (rc < 0)
        return report_error(rc);
    struct check_outcome out;
    o->run.spec = o->g.spec;
    o->run.want_bump = false;
    o->run.shard = job;
    rc = check_run(&out, &o->run);
    if (rc == 0) {
        /* the spec that judges, as found (and, with --spec-from, read from that revision) */
        free(job->out->id.spec_path);
        job->out->id.spec_path = xstrdup(o->g.spec ? o->g.spec : out.ds.spec->path);
        memcpy(job->out->id.spec_sha256, out.ds.spec->sha256, 32);
        rc = shard_job_commit(job);
    }
    int exit_code = rc < 0 ? report_error(rc) : 0;
    if (rc == 0 && !o->g.quiet)
        say_done(o, job);
    check_outcome_release(&out);
    shard_job_free(job);
    return exit_code;
}
