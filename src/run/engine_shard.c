/*
 * The engine's part in a sharded check (run/shard.h). A shard reads the files its
 * bytes are in, as a whole check does, but parses only the pieces it owns; each one's
 * summary (the cache's bytes, run/digest.h) goes to its part with where the piece was.
 * The merge reads no data: each file's pieces come from the parts, in file order, and
 * are replayed as a warm check replays its cached ones. Everything is checked on the
 * way: the pieces of a file must follow one another exactly, with the format each
 * shard saw the file's earlier pieces decide.
 */
#include "run/engine_impl.h"

#include <stdlib.h>
#include <string.h>

#include "run/digest.h"
#include "run/shard.h"
#include "util/err.h"
#include "util/xalloc.h"

/* A record decided the file's format: the rest of the piece cannot change it. */
static int stop_at_first_example(void *ctx, const struct example *ex)
{
    (void)ctx;
    return ex->parsed ? 1 : 0;
}

int engine_shard_skip_piece(struct run *run, size_t i, const char *data, size_t len, enum reader_start start)
{
    struct run_file *f = &run->files[i];
    if (f->format != FORMAT_AUTO)
        return 0;
    /* what read_piece's reader would leave as the file's format, without the gates */
    struct run_file probe;
    memset(&probe, 0, sizeof(probe));
    probe.path = f->path;
    probe.root_path = f->root_path;
    probe.split = f->split;
    struct reader_options ro = run->ro;
    ro.file_index = i;
    ro.start = start;
    ro.initial_format = f->format;
    ro.bytes = data;
    ro.n_bytes = len;
    ro.annotate = NULL;
    ro.parse_threads = 0;
    ro.no_example_hash = true;
    ro.hash_file = false;
    struct byte_stream none = { 0 };
    int rc = reader_run(&probe, &none, &ro, stop_at_first_example, NULL);
    free(probe.read_error);
    free(probe.positions);
    if (rc < 0)
        return rc;
    f->format = probe.format;
    return 0;
}

int engine_shard_emit(struct run *run, size_t i, const struct piece_at *before, enum reader_start start,
                      enum dataset_format format_in, uint64_t lines, const void *summary, size_t len,
                      const struct cache_blob *sigs, size_t first_sig)
{
    struct chunk_facts facts;
    struct wire_in in = wire_in(summary, len);
    if (!digest_get_facts(&in, &facts))
        return err_set(DSCI_EINTERNAL, "%s: a summary just made does not read back", run->files[i].path);
    struct part_piece pc = {
        .file = i, .offset = before->offset, .line_base = before->pos.line_base, .lines = lines,
        .bytes = facts.bytes, .start = (uint8_t)start, .format_in = (uint8_t)format_in, .parsed = facts.parsed,
    };
    bool signed_now = run->signatures && sigs;
    int piece = shard_run_piece(run->shard, &pc, summary, len, signed_now ? sigs->data : NULL,
                                signed_now ? sigs->len : 0);
    if (piece < 0)
        return piece;
    if (run->signatures && !sigs)
        shard_run_sign_later(run->shard, (size_t)piece, first_sig, facts.parsed);
    return 0;
}

int engine_shard_finish(struct run *run)
{
    if (!run->signatures)
        return 0;
    return shard_run_write_signatures(run->shard, run->signatures);
}

static int misfit(const struct run *run, size_t i, const struct part *part, const char *why)
{
    return err_set(DSCI_EUSAGE, "%s: its pieces of %s do not fit with the other parts' (%s): make the parts "
                   "again with one dsci", part ? part->path : "the parts", run->files[i].path, why);
}

int engine_shard_replay_file(struct run *run, size_t i)
{
    struct run_file *f = &run->files[i];
    const struct shard_file_plan *fp = &run->shard->files[i];
    struct piece_at at = { .first = true };
    struct buf summary = BUF_INIT, sigs = BUF_INIT;
    int rc = 0;
    bool ended = false;   /* a piece read to the end of the file came */
    f->format = FORMAT_AUTO;
    run->pieces[i].n = 0;
    for (size_t k = 0; k < fp->n && rc == 0; k++) {
        const struct part *part = fp->pieces[k].part;
        const struct part_piece *pc = fp->pieces[k].piece;
        if (ended || pc->offset != at.offset || pc->line_base != at.pos.line_base) {
            rc = misfit(run, i, part, ended ? "a piece after the end" : "a gap or an overlap");
            break;
        }
        bool start_ok = at.first ? pc->start == READER_START_FILE || pc->start == READER_START_JSONL
                                 : pc->start == READER_START_CONTINUE;
        if (pc->format_in != f->format || !start_ok) {
            rc = misfit(run, i, part, "a piece read as if elsewhere in the file");
            break;
        }
        if ((rc = part_read_block(part, pc->summary_off, pc->summary_len, &summary)) < 0 ||
            (rc = part_read_block(part, pc->sigs_off, pc->sigs_len, &sigs)) < 0)
            break;
        struct kept kept;
        memset(&kept, 0, sizeof(kept));
        kept.summary.data = summary.ptr;
        kept.summary.len = summary.len;
        kept.sigs.data = sigs.ptr;
        kept.sigs.len = sigs.len;
        uint64_t offset = at.offset;
        rc = engine_replay_summary(run, i, &kept, (enum reader_start)pc->start, pc->lines, &at);
        if (rc == 0 && at.offset - offset != pc->bytes)
            rc = misfit(run, i, part, "a piece's length");
        ended = pc->lines == UINT64_MAX;
    }
    const struct part_file_facts *facts = fp->facts;
    if (rc == 0 && at.offset != facts->bytes)
        rc = misfit(run, i, NULL, "the pieces do not cover the file");
    if (rc == 0) {
        f->bytes = facts->bytes;
        memcpy(f->sha256, facts->sha256, 32);
    }
    buf_release(&summary);
    buf_release(&sigs);
    return rc;
}
