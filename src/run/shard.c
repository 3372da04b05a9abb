#include "run/shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/source.h"
#include "run/signatures.h"
#include "util/err.h"
#include "util/wire.h"
#include "util/xalloc.h"

int shard_job_start(struct shard_job **out, const char *path, const struct part_identity *id)
{
    struct shard_job *job = xcalloc(1, sizeof(*job));
    int rc = part_create(&job->out, path, id);
    if (rc < 0) {
        free(job);
        *out = NULL;
        return rc;
    }
    *out = job;
    return 0;
}

/* ---- the merge: do the parts belong together? ------------------------------------- */

static int not_one_run(const struct part *a, const struct part *b, const char *what)
{
    return err_set(DSCI_EUSAGE, "%s and %s are not shards of one check: %s; merge the parts of one run "
                   "(every shard run with the same dsci, spec, revision and options)", a->path, b->path, what);
}

static bool same_str(const char *a, const char *b)
{
    return !strcmp(a ? a : "", b ? b : "");
}

static int compare_identity(const struct part *a, const struct part *b)
{
    const struct part_identity *x = &a->id, *y = &b->id;
    char what[512];
    if (!same_str(x->dsci_version, y->dsci_version) || x->digest_version != y->digest_version) {
        snprintf(what, sizeof(what), "made by dsci %s and by dsci %s", x->dsci_version, y->dsci_version);
        return not_one_run(a, b, what);
    }
    if (x->count != y->count) {
        snprintf(what, sizeof(what), "one is shard %u/%u, the other %u/%u", x->index + 1, x->count, y->index + 1,
                 y->count);
        return not_one_run(a, b, what);
    }
    if (!same_str(x->spec_path, y->spec_path) || memcmp(x->spec_sha256, y->spec_sha256, 32) != 0) {
        snprintf(what, sizeof(what), "judged by different specs (%s, %s)", x->spec_path, y->spec_path);
        return not_one_run(a, b, what);
    }
    if (x->place != y->place || !same_str(x->rev, y->rev))
        return not_one_run(a, b, "they read different places (work tree, index, --rev)");
    if (!same_str(x->spec_from, y->spec_from) || !same_str(x->base, y->base))
        return not_one_run(a, b, "run with different --spec-from or --base");
    if (a->n_runs != b->n_runs)
        return not_one_run(a, b, "one compared with a baseline and the other did not");
    for (size_t r = 0; r < a->n_runs; r++) {
        const struct part_run *p = &a->runs[r], *q = part_find_run(b, (enum part_role)p->role);
        const char *side = p->role == PART_HEAD ? "the data" : "the baseline";
        if (!q)
            return not_one_run(a, b, "one compared with a baseline and the other did not");
        if (!same_str(p->commit, q->commit) || !same_str(p->source, q->source) || !same_str(p->baseline, q->baseline)) {
            snprintf(what, sizeof(what), "%s is %s%s%s in one and %s%s%s in the other", side, p->source,
                     *p->commit ? " at " : "", p->commit, q->source, *q->commit ? " at " : "", q->commit);
            return not_one_run(a, b, what);
        }
        if (memcmp(p->config, q->config, 32) != 0 || p->sig_shingle != q->sig_shingle ||
            p->sig_permutations != q->sig_permutations) {
            snprintf(what, sizeof(what), "%s was summarised with different settings", side);
            return not_one_run(a, b, what);
        }
        bool same_files = p->n_files == q->n_files;
        for (size_t i = 0; same_files && i < p->n_files; i++)
            same_files = !strcmp(p->files[i].root_path, q->files[i].root_path) &&
                         p->files[i].size == q->files[i].size && p->files[i].has_blob == q->files[i].has_blob &&
                         (!p->files[i].has_blob || !memcmp(p->files[i].blob, q->files[i].blob, 20));
        if (!same_files) {
            snprintf(what, sizeof(what), "they read different files for %s", side);
            return not_one_run(a, b, what);
        }
    }
    return 0;
}

static int by_index(const void *a, const void *b)
{
    const struct part *x = *(const struct part *const *)a, *y = *(const struct part *const *)b;
    return (x->id.index > y->id.index) - (x->id.index < y->id.index);
}

int shard_job_open(struct shard_job **out, char *const *paths, size_t n)
{
    struct shard_job *job = xcalloc(1, sizeof(*job));
    int rc = 0;
    *out = NULL;
    job->merging = true;
    job->parts = xcalloc(n ? n : 1, sizeof(*job->parts));
    if (n == 0)
        rc = err_set(DSCI_EUSAGE, "merge takes the part files the shards wrote (dsci check --shard I/N --summary-out FILE)");
    for (size_t i = 0; i < n && rc == 0; i++) {
        if ((rc = part_open(&job->parts[i], paths[i])) == 0)
            job->n_parts++;
    }
    for (size_t i = 1; i < job->n_parts && rc == 0; i++)
        rc = compare_identity(job->parts[0], job->parts[i]);
    if (rc == 0) {
        qsort(job->parts, job->n_parts, sizeof(*job->parts), by_index);
        for (size_t i = 1; i < job->n_parts && rc == 0; i++)
            if (job->parts[i]->id.index == job->parts[i - 1]->id.index)
                rc = err_set(DSCI_EUSAGE, "%s and %s are both shard %u/%u: give each shard's part once",
                             job->parts[i - 1]->path, job->parts[i]->path, job->parts[i]->id.index + 1,
                             job->parts[i]->id.count);
    }
    if (rc == 0 && job->n_parts != job->parts[0]->id.count) {
        unsigned count = job->parts[0]->id.count, missing = 0;
        for (size_t i = 0; i < job->n_parts && job->parts[i]->id.index == missing; i++)
            missing++;
        rc = err_set(DSCI_EUSAGE, "shard %u/%u is missing: %zu of the %u parts given (%s is shard %u/%u); "
                     "give the part of every shard", missing + 1, count, job->n_parts, count, job->parts[0]->path,
                     job->parts[0]->id.index + 1, count);
    }
    if (rc < 0) {
        shard_job_free(job);
        return rc;
    }
    job->id = job->parts[0]->id;
    *out = job;
    return 0;
}

int shard_job_source(struct shard_job *job, enum part_role role, const char *source, const char *commit,
                     const char *baseline)
{
    if (!job->merging) {
        struct part_run *r = part_run_add(job->out, role);
        r->source = xstrdup(source ? source : "");
        r->commit = xstrdup(commit ? commit : "");
        r->baseline = xstrdup(baseline ? baseline : "");
        return 0;
    }
    const struct part *p = job->parts[0];
    const struct part_run *r = part_find_run(p, role);
    const char *side = role == PART_HEAD ? "the data" : "the baseline";
    if (!r && role == PART_BASE)
        return err_set(DSCI_EUSAGE, "%s: the shards compared with no baseline, and here the baseline is %s: "
                       "merge where the shards ran (same tags, same --base)", p->path, baseline);
    if (!r || !same_str(r->commit, commit) || !same_str(r->source, source) || !same_str(r->baseline, baseline))
        return err_set(DSCI_EUSAGE, "%s: the shards read %s as %s%s%s%s%s, and here it is %s%s%s%s%s: run dsci merge "
                       "in a checkout of the commit the shards checked", p->path, side, r ? r->source : "?",
                       r && *r->commit ? " at " : "", r ? r->commit : "", r && *r->baseline ? ", baseline " : "",
                       r ? r->baseline : "", source, commit && *commit ? " at " : "", commit ? commit : "",
                       baseline && *baseline ? ", baseline " : "", baseline ? baseline : "");
    return 0;
}

int shard_job_commit(struct shard_job *job)
{
    return job->merging ? 0 : part_commit(job->out);
}

void shard_job_free(struct shard_job *job)
{
    if (!job)
        return;
    part_free(job->out);
    for (size_t i = 0; i < job->n_parts; i++)
        part_free(job->parts[i]);
    free(job->parts);
    free(job);
}

/* ---- one run ------------------------------------------------------------------------ */

static struct part_run *run_record(struct shard_job *job, enum part_role role)
{
    for (size_t r = 0; r < job->out->n_runs; r++)
        if (job->out->runs[r].role == role)
            return &job->out->runs[r];
    return part_run_add(job->out, role);
}

/* The merge: the files here are the files the shards read. */
static int same_files_here(const struct shard_job *job, const struct part_run *pr, const struct run_file *files,
                           size_t n, const uint64_t *sizes, struct source *src)
{
    const char *path = job->parts[0]->path;
    if (pr->n_files != n)
        return err_set(DSCI_EUSAGE, "%s: the shards read %zu files, and the spec names %zu here: run dsci merge in a "
                       "checkout of the commit the shards checked", path, pr->n_files, n);
    for (size_t i = 0; i < n; i++) {
        const struct part_file *f = &pr->files[i];
        unsigned char blob[20];
        bool has_blob = source_blob_id(src, files[i].root_path, blob) == 1;
        if (strcmp(f->root_path, files[i].root_path) != 0)
            return err_set(DSCI_EUSAGE, "%s: the shards read %s where the spec names %s here: run dsci merge in a "
                           "checkout of the commit the shards checked", path, f->root_path, files[i].root_path);
        if (f->size != sizes[i] || (has_blob && f->has_blob && memcmp(blob, f->blob, 20) != 0))
            return err_set(DSCI_EUSAGE, "%s: %s is not the file the shards read (%llu bytes there, %llu here): run "
                           "dsci merge in a checkout of the commit the shards checked", path, files[i].path,
                           (unsigned long long)f->size, (unsigned long long)sizes[i]);
    }
    return 0;
}

/* The merge: every piece of every part under its file, in file order, and whose it is. */
static int gather_pieces(struct shard_run *r, const struct part_run *const *runs)
{
    for (size_t k = 0; k < r->job->n_parts; k++) {
        const struct part *p = r->job->parts[k];
        const struct part_run *pr = runs[k];
        for (size_t i = 0; i < pr->n_pieces; i++) {
            const struct part_piece *pc = &pr->pieces[i];
            if (shard_plan_owner(&r->plan, pc->file, pc->offset) != p->id.index)
                return err_set(DSCI_EUSAGE, "%s: holds a piece of %s that is not shard %u/%u's: the parts do not "
                               "fit together; make them again", p->path, pr->files[pc->file].root_path,
                               p->id.index + 1, p->id.count);
            struct shard_file_plan *fp = &r->files[pc->file];
            struct shard_piece_ref *ref = ALLOC_APPEND(fp->pieces, fp->n, fp->alloc);
            ref->part = p;
            ref->piece = pc;
        }
        for (size_t i = 0; i < pr->n_facts; i++) {
            const struct part_file_facts *f = &pr->facts[i];
            if (r->files[f->file].facts || shard_plan_owner(&r->plan, f->file, 0) != p->id.index)
                return err_set(DSCI_EUSAGE, "%s: says what %s holds, which is not shard %u/%u's to say: the parts do "
                               "not fit together; make them again", p->path, pr->files[f->file].root_path,
                               p->id.index + 1, p->id.count);
            r->files[f->file].facts = f;
        }
    }
    for (size_t i = 0; i < r->n_files; i++)
        if (!r->files[i].facts)
            return err_set(DSCI_EUSAGE, "the parts do not say what %s holds (shard %u/%u read its start): the parts "
                           "do not fit together; make them again", runs[0]->files[i].root_path,
                           shard_plan_owner(&r->plan, i, 0) + 1, r->plan.count);
    return 0;
}

int shard_run_begin(struct shard_run *r, struct shard_job *job, enum part_role role, struct source *src,
                    const struct run_file *files, size_t n_files, const unsigned char config[32], size_t shingle,
                    size_t permutations)
{
    memset(r, 0, sizeof(*r));
    r->job = job;
    r->role = role;
    uint64_t *sizes = xcalloc(n_files ? n_files : 1, sizeof(uint64_t));
    int rc = 0;
    for (size_t i = 0; i < n_files && rc == 0; i++)
        rc = source_size(src, files[i].root_path, &sizes[i]);
    const struct part_identity *id = job->merging ? &job->parts[0]->id : &job->out->id;
    shard_plan_init(&r->plan, id->index, id->count, sizes, n_files);
    if (rc == 0 && !job->merging) {
        struct part_run *pr = r->out = run_record(job, role);
        memcpy(pr->config, config, 32);
        pr->sig_shingle = shingle;
        pr->sig_permutations = permutations;
        pr->files = xcalloc(n_files ? n_files : 1, sizeof(*pr->files));
        pr->n_files = n_files;
        for (size_t i = 0; i < n_files; i++) {
            pr->files[i].root_path = xstrdup(files[i].root_path);
            pr->files[i].size = sizes[i];
            pr->files[i].has_blob = source_blob_id(src, files[i].root_path, pr->files[i].blob) == 1;
        }
    } else if (rc == 0) {
        const struct part_run **runs = xcalloc(job->n_parts, sizeof(*runs));
        for (size_t k = 0; k < job->n_parts; k++)
            runs[k] = part_find_run(job->parts[k], role);
        if (!runs[0])
            rc = err_set(DSCI_EUSAGE, "%s: the shards did not read %s", job->parts[0]->path,
                         role == PART_HEAD ? "the data" : "a baseline");
        else if (memcmp(runs[0]->config, config, 32) != 0 || runs[0]->sig_shingle != shingle ||
                 runs[0]->sig_permutations != permutations)
            rc = err_set(DSCI_EUSAGE, "%s: the shards summarised %s with other settings than this dsci and spec "
                         "would: merge with the dsci and the spec the shards ran", job->parts[0]->path,
                         role == PART_HEAD ? "the data" : "the baseline");
        else
            rc = same_files_here(job, runs[0], files, n_files, sizes, src);
        if (rc == 0) {
            r->files = xcalloc(n_files ? n_files : 1, sizeof(*r->files));
            r->n_files = n_files;
            rc = gather_pieces(r, runs);
        }
        free(runs);
    }
    free(sizes);
    return rc;
}

void shard_run_release(struct shard_run *r)
{
    for (size_t i = 0; i < r->n_files; i++)
        free(r->files[i].pieces);
    free(r->files);
    free(r->pending);
    shard_plan_release(&r->plan);
    memset(r, 0, sizeof(*r));
}

void shard_run_file_facts(struct shard_run *r, size_t file, uint64_t bytes, const unsigned char sha256[32])
{
    struct part_run *pr = r->out;
    struct part_file_facts *f = ALLOC_APPEND(pr->facts, pr->n_facts, pr->alloc_facts);
    f->file = file;
    f->bytes = bytes;
    memcpy(f->sha256, sha256, 32);
}

int shard_run_piece(struct shard_run *r, const struct part_piece *piece, const void *summary, size_t len,
                    const void *sigs, size_t sigs_len)
{
    struct part *p = r->job->out;
    struct part_run *pr = r->out;
    struct part_piece pc = *piece;
    int rc = part_write_block(p, summary, len, &pc.summary_off);
    pc.summary_len = len;
    if (rc == 0 && sigs) {
        rc = part_write_block(p, sigs, sigs_len, &pc.sigs_off);
        pc.sigs_len = sigs_len;
    }
    if (rc < 0)
        return rc;
    *ALLOC_APPEND(pr->pieces, pr->n_pieces, pr->alloc_pieces) = pc;
    return (int)(pr->n_pieces - 1);
}

void shard_run_sign_later(struct shard_run *r, size_t piece, size_t first, size_t count)
{
    struct pending_piece_sigs *ps = ALLOC_APPEND(r->pending, r->n_pending, r->alloc_pending);
    ps->piece = piece;
    ps->first = first;
    ps->count = count;
}

int shard_run_write_signatures(struct shard_run *r, const struct signature_store *s)
{
    size_t perms = s->mh.permutations;
    struct buf b = BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < r->n_pending && rc == 0; i++) {
        const struct pending_piece_sigs *ps = &r->pending[i];
        buf_reset(&b);
        /* the layout of a kept chunk's signatures (run/engine_read.c): the slots, then one
         * no-words flag per example */
        wire_put_raw(&b, signature_store_sig(s, ps->first), ps->count * perms * sizeof(minhash_slot));
        signature_store_read_through(s, ps->first, ps->count);
        wire_put_raw(&b, s->no_words + ps->first, ps->count);
        struct part_piece *pc = &r->out->pieces[ps->piece];
        rc = part_write_block(r->job->out, b.ptr, b.len, &pc->sigs_off);
        pc->sigs_len = b.len;
    }
    buf_release(&b);
    return rc;
}
