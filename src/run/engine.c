#include "run/engine.h"
#include "run/engine_impl.h"
#include "read/chunker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gates/gates.h"
#include "run/reread.h"
#include "run/shard.h"
#include "run/signatures.h"
#include "read/reader.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/jobs.h"
#include "util/xalloc.h"

static int read_file_cb(void *source, const char *path, char **out, size_t *len)
{
    return source_read_file(source, path, out, len);
}

static char *display_path_cb(void *source, const char *path)
{
    return source_display_path(source, path);
}

/* Puts "spec:line: split 'name': " before the error a path of the split met. */
int engine_spec_error(const struct spec *spec, const struct spec_split *split, int rc)
{
    char why[1024];
    snprintf(why, sizeof(why), "%s", err_last());
    return err_set(rc, "%s:%zu: split '%s': %s", spec->path, split->loc.line, split->name, why);
}

/* Every split's patterns, expanded, in spec order. A pattern that names nothing is a
 * spec error: a typo in a path must not pass as an empty split. */
static int collect_files(const struct spec *spec, struct source *src, bool missing_ok, struct result *r,
                         struct run_file **out, size_t *n_out)
{
    struct run_file *files = NULL;
    size_t n = 0, alloc = 0;
    int rc = 0;

    for (size_t s = 0; s < spec->dataset.n_splits && rc == 0; s++) {
        const struct spec_split *split = &spec->dataset.splits[s];
        for (size_t p = 0; p < split->n_patterns && rc == 0; p++) {
            char **paths = NULL;
            size_t n_paths = 0;
            if ((rc = source_expand(src, split->patterns[p], &paths, &n_paths)) < 0) {
                engine_spec_error(spec, split, rc);
                break;
            }
            if (n_paths == 0 && !missing_ok)
                rc = err_set(DSCI_EUSAGE, "%s:%zu: split '%s': no file matches '%s'", spec->path,
                             split->loc.line, split->name, split->patterns[p]);
            else if (n_paths == 0)
                result_add_note(r, "split '%s': no file matches '%s' here", split->name, split->patterns[p]);
            for (size_t i = 0; i < n_paths; i++) {
                /* A file named twice: once per split is enough; in two splits it is a spec error. */
                size_t seen = n;
                for (size_t k = 0; k < n; k++)
                    if (!strcmp(files[k].root_path, paths[i]))
                        seen = k;
                if (seen < n && files[seen].split != s && rc == 0)
                    rc = err_set(DSCI_EUSAGE, "%s:%zu: '%s' is in split '%s' and in split '%s'; a file belongs to one split",
                                 spec->path, split->loc.line, paths[i], spec->dataset.splits[files[seen].split].name,
                                 split->name);
                if (seen < n || rc != 0) {
                    free(paths[i]);
                    continue;
                }
                if (missing_ok && !source_exists(src, paths[i])) {
                    result_add_note(r, "split '%s': '%s' is not there", split->name, paths[i]);
                    free(paths[i]);
                    continue;
                }
                struct run_file *f = ALLOC_APPEND(files, n, alloc);
                f->root_path = paths[i];
                f->path = source_display_path(src, paths[i]);
                f->split = s;
            }
            free(paths);
        }
    }
    *out = files;
    *n_out = n;
    return rc;
}

static void free_files(struct run_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(files[i].path);
        free(files[i].root_path);
        free(files[i].read_error);
        free(files[i].positions);
    }
    free(files);
}

const struct engine_progress *engine_progress_display;

void engine_set_progress(const struct engine_progress *p)
{
    engine_progress_display = p;
}

/* Sizes are looked up only for a display (a stat or an object header per file). */
static void progress_begin(struct source *src, const struct run_file *files, size_t n_files)
{
    const struct engine_progress *p = engine_progress_display;
    uint64_t total = 0, size;
    if (!p)
        return;
    for (size_t i = 0; i < n_files; i++)
        if (source_size(src, files[i].root_path, &size) == 0)
            total += size;
    err_clear();   /* a file that cannot be sized fails later, where it is read */
    p->begin(p->ctx, n_files, total);
}

int engine_check(struct result *out, const struct spec *spec, struct source *src,
                 const struct engine_options *opts)
{
    struct run run = { 0 };
    struct shard_run shard;
    struct run_file *files = NULL;
    size_t n_files = 0;
    int rc;

    result_init(out);
    out->date = clock_now_iso8601();
    out->spec_path = xstrdup(spec->path);
    out->dataset_name = xstrdup(spec->dataset.name ? spec->dataset.name : "dataset");
    out->source = xstrdup(source_describe(src));
    run.result = out;
    run.extra = opts ? opts->observer : NULL;
    run.spec = spec;
    run.src = src;

    if ((rc = collect_files(spec, src, opts && opts->missing_ok, out, &files, &n_files)) < 0)
        goto done;

    struct gate_ctx ctx = {
        .spec = spec, .files = files, .n_files = n_files, .result = out,
        .read_file = read_file_cb, .source = src, .display_path = display_path_cb,
        .spec_path = opts ? opts->spec_path : NULL,
    };
    const struct gate *const *all = gate_list();
    size_t n_all = 0;
    while (all[n_all])
        n_all++;
    run.gates = xcalloc(n_all ? n_all : 1, sizeof(*run.gates));
    for (size_t i = 0; i < n_all; i++) {
        if (!all[i]->enabled(spec) || (opts && opts->measures_only && !all[i]->measures))
            continue;
        run.gates[run.n_gates].gate = all[i];
        run.gates[run.n_gates].state = all[i]->begin(&ctx);
        run.n_gates++;
    }

    /* Records are parsed, and similarity signatures made, on workers while this thread
     * runs the gates; both kinds of worker share the cores. */
    unsigned jobs = jobs_count();
    bool signatures = false, content_hash = opts && opts->hash_files;
    for (size_t i = 0; i < run.n_gates; i++) {
        const struct gate *g = run.gates[i].gate;
        signatures |= g->needs_signatures && g->needs_signatures(spec);
        content_hash |= g->needs_content_hash && g->needs_content_hash(spec);
    }
    if (signatures) {
        size_t shingle, permutations;
        gate_signature_shape(spec, &shingle, &permutations);
        run.signatures = signature_store_new(shingle, permutations, jobs > 1 ? jobs - 1 : 0);
    }

    run.files = files;
    run.examples_per_file = xcalloc(n_files ? n_files : 1, sizeof(uint64_t));
    run.pieces = xcalloc(n_files ? n_files : 1, sizeof(*run.pieces));
    reader_options_from_spec(&run.ro, spec);
    run.ro.parse_threads = jobs > 1 ? jobs - 1 : 0;
    /* a chunk is a few MB: threads pay for themselves from the first one */
    run.ro.parallel_after = (uint64_t)256 << 10;
    run.hash_files = content_hash;
    /*
     * The one place that decides what is computed once per example, for whom:
     *   - the coverage category (run.classifier): the coverage gate and the diff;
     *   - the content hash (example.hash, a SHA-256 of the texts: the costliest of these):
     *     exact duplicates, the splits' overlap (two splits or more), PII's finding keys
     *     (gates' needs_example_hash), the similarity signatures (duplicates near,
     *     leakage) and the diff when there is a baseline to compare with; nobody else
     *     reads it;
     *   - each gate's extract(): on the parsing threads (engine_annotate) unless the gate
     *     says it must see its own state in run order (PII, whose scan stops at a limit).
     * The summary cache's key says whether the hash is there (run/summary_cache.c).
     */
    bool example_hash = (run.extra && !opts->observer_without_hash) || run.signatures;
    for (size_t i = 0; i < run.n_gates; i++) {
        const struct gate *g = run.gates[i].gate;
        example_hash |= g->needs_example_hash && g->needs_example_hash(spec);
    }
    run.ro.no_example_hash = !example_hash;
    if (run.extra || spec->gates.coverage.level != LEVEL_OFF)
        run.classifier = classify_new(spec);
    run.ro.annotate = engine_annotate;
    run.ro.annotate_ctx = &run;
    run.extract_on_main = !engine_extracts_on_workers(&run);
    run.chunk_bytes = CHUNK_AVG_BYTES;
    const char *chunk_env = getenv("DSCI_CHUNK_BYTES");
    if (chunk_env && strtoull(chunk_env, NULL, 10) >= 64)
        run.chunk_bytes = (size_t)strtoull(chunk_env, NULL, 10);
    struct summary_cache cache;
    const struct gate *gates[64];
    const void *states[64];
    size_t n_keyed = 0;
    for (size_t i = 0; i < run.n_gates && n_keyed < 64; i++) {
        states[n_keyed] = run.gates[i].state;
        gates[n_keyed++] = run.gates[i].gate;
    }
    size_t sig_shingle = run.signatures ? run.signatures->mh.shingle : 0;
    size_t sig_permutations = run.signatures ? run.signatures->mh.permutations : 0;
    summary_cache_init(&cache, opts && opts->cache && !(opts->shard && opts->shard->merging) ? opts->cache : NULL,
                       spec, &run.ro, gates, states, n_keyed, run.extra != NULL, sig_shingle, sig_permutations);
    if (cache.store) {
        cache.used_keys = opts->used_keys;
        run.cache = &cache;
    }
    if (opts && opts->shard) {
        rc = shard_run_begin(&shard, opts->shard, (enum part_role)opts->shard_role, src, files, n_files, cache.config,
                             sig_shingle, sig_permutations);
        run.shard = &shard;
        if (rc < 0)
            goto done;
    }
    progress_begin(src, files, n_files);
    for (size_t i = 0; i < n_files; i++) {
        if ((rc = engine_read_file(&run, i)) < 0)
            goto done;
        files[i].sha256_valid = content_hash;
        out->metrics.bytes += files[i].bytes;
        out->metrics.files++;
    }
    if (engine_progress_display && engine_progress_display->finishing)   /* cleared at done: */
        engine_progress_display->finishing(engine_progress_display->ctx);   /* before any print */
    out->files = xcalloc(n_files ? n_files : 1, sizeof(*out->files));
    for (size_t i = 0; i < n_files; i++) {
        struct result_file *rf = &out->files[out->n_files++];
        rf->path = xstrdup(files[i].path);
        rf->root_path = xstrdup(files[i].root_path);
        rf->split = files[i].split;
        rf->format = files[i].format;
        rf->bytes = files[i].bytes;
        rf->records = files[i].records;
        rf->examples = run.examples_per_file[i];
        memcpy(rf->sha256, files[i].sha256, 32);
        rf->sha256_valid = files[i].sha256_valid;
        rf->lfs_pointer = files[i].lfs_pointer;
    }

    if (run.signatures) {
        signature_store_finish(run.signatures);
        ctx.signatures = run.signatures;
        engine_keep_signatures(&run);
    }
    if (run.cache) {
        if (cache_store_stats(run.cache->store)->written)
            cache_store_trim(run.cache->store);
        if (opts->cache_counts)
            *opts->cache_counts = run.cache->counts;
    }
    if (run.shard && !run.shard->job->merging) {   /* the verdicts are the merge's */
        rc = engine_shard_finish(&run);
        goto done;
    }
    struct reread again = { src, files, n_files, run.ro, run.pieces };
    again.options.annotate = NULL;   /* an example read again is only looked at */
    ctx.reread = reread_example;
    ctx.engine = &again;
    for (size_t i = 0; i < run.n_gates; i++)
        if ((rc = run.gates[i].gate->finish(run.gates[i].state, &ctx)) < 0)
            goto done;

    rc = 0;
done:
    if (engine_progress_display)
        engine_progress_display->end(engine_progress_display->ctx);
    if (run.shard)
        shard_run_release(run.shard);
    for (size_t i = 0; i < run.n_gates; i++)
        if (run.gates[i].state)   /* a gate with nothing to keep (leakage) has none */
            run.gates[i].gate->free(run.gates[i].state);
    free(run.gates);
    free(run.pending_sigs);
    classify_free(run.classifier);
    signature_store_free(run.signatures);
    free(run.examples_per_file);
    for (size_t i = 0; run.pieces && i < n_files; i++)
        free(run.pieces[i].pieces);
    free(run.pieces);
    free_files(files, n_files);
    return rc;
}
