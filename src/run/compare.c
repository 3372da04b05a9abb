#include "run/compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/engine.h"
#include "run/summary_ref.h"
#include "run/shard.h"
#include "gates/gates.h"
#include "data/repo.h"
#include "version/semver.h"
#include "data/source.h"
#include "util/buf.h"
#include "version/version_file.h"
#include "util/err.h"
#include "util/strv.h"
#include "util/xalloc.h"

struct ancestry {
    const struct repo *repo;
    const char *head;
};

static int is_ancestor(void *ctx, const char *tag)
{
    struct ancestry *a = ctx;
    int rc = repo_is_ancestor(a->repo, tag, a->head);
    if (rc == DSCI_EUSAGE) {
        /* a tag of a tree or blob is no version of the dataset: skip it, do not fail */
        err_clear();
        return 0;
    }
    return rc;
}

static void add_notes(struct result *r, struct buf *notes)
{
    char *line = notes->ptr;
    while (line && *line) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len)
            result_add_note(r, "%.*s", (int)len, line);
        line += len + (end != NULL);
    }
}

char *compare_no_tag_text(const struct spec *spec, const char *ref, const char *version)
{
    const char *prefix = spec->versioning.tag_prefix ? spec->versioning.tag_prefix : "";
    struct semver v = SEMVER_INIT;
    bool valid = version && semver_parse(&v, version) == 0;
    err_clear();
    semver_release(&v);
    return xasprintf("no version tag on %s's history (such as '%s%s')", ref, prefix, valid ? version : "1.0.0");
}

/* The version the version file records, for the example in a message; NULL when none. */
static char *recorded_version(const struct dataset *ds)
{
    const char *rel = ds->spec->dataset.version_file;
    char *data = NULL, *out = NULL;
    size_t len = 0;
    struct version_file *vf = NULL;
    if (rel && source_read_file(ds->src, rel, &data, &len) == 0 && version_file_parse(&vf, rel, data, len) == 0 &&
        vf->version)
        out = xstrdup(vf->version);
    err_clear();
    version_file_free(vf);
    free(data);
    return out;
}

int compare_find_baseline(char **out, const struct dataset *head, const char *base_opt, struct result *notes_to)
{
    const struct spec *spec = head->spec;
    char head_id[41];
    *out = NULL;

    if (base_opt && !strcmp(base_opt, "none"))
        return 0;
    if (!head->repo && base_opt && strcmp(base_opt, "auto") != 0)
        return err_set(DSCI_EENV, "--base %s needs a git repository, and this dataset is not in one", base_opt);
    if (!head->repo) {
        result_add_note(notes_to, "not in a git repository: no baseline, regression gates skipped");
        return 0;
    }
    const char *ref = "HEAD";
    if (head->place == DATASET_REV && head->rev)
        ref = head->rev;
    if (base_opt && strcmp(base_opt, "auto") != 0) {
        int rc = repo_resolve_commit(head->repo, base_opt, head_id);
        if (rc < 0)
            return rc;
        *out = xstrdup(base_opt);
        return 0;
    }
    if (repo_resolve_commit(head->repo, ref, head_id) < 0) {
        err_clear();
        result_add_note(notes_to, "no commit yet: no baseline, regression gates skipped");
        return 0;
    }

    const char *prefix = spec->versioning.tag_prefix ? spec->versioning.tag_prefix : "v";
    char **tags = NULL;
    size_t n = 0, pick = 0;
    struct buf notes = BUF_INIT;
    int rc = repo_list_tags(head->repo, prefix, &tags, &n);
    if (rc < 0)
        return rc;
    struct ancestry a = { head->repo, ref };
    rc = semver_pick_baseline(&pick, (const char *const *)tags, n, prefix, is_ancestor, &a, ref, &notes);
    if (rc == 0) {
        add_notes(notes_to, &notes);
        if (pick < n) {
            *out = xstrdup(tags[pick]);
        } else {
            char *version = recorded_version(head), *none = compare_no_tag_text(spec, ref, version);
            result_add_note(notes_to, "%s: no baseline, regression gates skipped%s", none,
                            repo_is_shallow(head->repo)
                                ? " (this is a shallow clone: fetch the tags with `git fetch --tags "
                                  "--unshallow`, or use actions/checkout with fetch-depth: 0)"
                                : "");
            free(none);
            free(version);
        }
    }
    buf_release(&notes);
    strv_free(tags, n);
    return rc;
}

/* The spec the baseline was written with, read from the baseline itself: NULL in *out
 * when it has none (or one this version cannot load); a read error is an error. */
static int read_base_spec(struct spec **out, const struct dataset *head, struct dataset *base_ds)
{
    char *data = NULL;
    size_t len = 0;
    struct spec *spec = NULL;
    *out = NULL;
    if (!head->spec_repo_path)
        return 0;
    /* The baseline source is rooted at the dataset root: the spec is specs/NAME below
     * it, or NAME itself when it does not live in a specs/ folder (see spec.h). */
    const char *rel = spec_path_in_root(head->spec_repo_path);
    int rc = source_exists(base_ds->src, rel) ? source_read_file(base_ds->src, rel, &data, &len) : 0;
    if (rc == 0 && data)
        spec_load_buffer(&spec, head->spec_repo_path, data, len);
    free(data);
    if (rc < 0)
        return rc;
    err_clear();
    *out = spec;
    return 0;
}

static void merge_splits(struct comparison *cmp, const struct spec *head)
{
    const struct spec *base = cmp->base_spec;
    size_t n = head->dataset.n_splits + (base ? base->dataset.n_splits : 0);
    cmp->merged = *head;
    cmp->merged_splits = xcalloc(n ? n : 1, sizeof(struct spec_split));
    size_t k = 0;
    for (size_t i = 0; i < head->dataset.n_splits; i++) {
        cmp->merged_splits[k] = head->dataset.splits[i];
        for (size_t j = 0; base && j < base->dataset.n_splits; j++)
            if (!strcmp(base->dataset.splits[j].name, head->dataset.splits[i].name)) {
                cmp->merged_splits[k].patterns = base->dataset.splits[j].patterns;
                cmp->merged_splits[k].n_patterns = base->dataset.splits[j].n_patterns;
            }
        k++;
    }
    for (size_t j = 0; base && j < base->dataset.n_splits; j++) {
        bool known = false;
        for (size_t i = 0; i < head->dataset.n_splits && !known; i++)
            known = !strcmp(base->dataset.splits[j].name, head->dataset.splits[i].name);
        if (!known)
            cmp->merged_splits[k++] = base->dataset.splits[j];
    }
    cmp->merged.dataset.splits = cmp->merged_splits;
    cmp->merged.dataset.n_splits = k;
}

/* The baseline's run as every comparison makes it (and as a released version's summary
 * is made, so that its cache keys are the ones a later check looks up): the merged spec,
 * the diff's observer, only the gates that measure, a missing split file an empty split. */
static int run_baseline(struct result *out, const struct comparison *cmp, struct source *src,
                        struct diff_side *side, bool hash_files, struct cache_store *store,
                        struct summary_cache_counts *counts, struct buf *used_keys, struct shard_job *shard)
{
    struct engine_observer obs = diff_side_observer(side);
    struct engine_options opts = { &obs, hash_files, true, true, NULL, store, counts, used_keys, false,
                                   shard, PART_BASE };
    int rc = engine_check(out, &cmp->merged, src, &opts);
    if (rc < 0) {
        char why[512];
        snprintf(why, sizeof(why), "%s", err_last());
        err_set(rc, "reading the baseline %s: %s", cmp->baseline, why);
    }
    return rc;
}

/* Opens the baseline `cmp->baseline` into base_ds, reads the spec it was written with and
 * merges the splits of both sides. */
static int open_baseline(struct comparison *cmp, struct dataset *base_ds, struct dataset *head)
{
    int rc;
    if ((rc = dataset_open_baseline(base_ds, head, cmp->baseline)) < 0)
        return rc;
    if ((rc = read_base_spec(&cmp->base_spec, head, base_ds)) < 0) {
        char why[512];
        snprintf(why, sizeof(why), "%s", err_last());
        return err_set(rc, "reading the baseline %s: %s", cmp->baseline, why);
    }
    return 0;
}

/* A released version's summary, when the baseline is a tag that has one: into the store
 * before the baseline's run, which then replays what it holds. */
static void import_summary(struct result *head_result, struct comparison *cmp, const struct dataset *head,
                           struct cache_store *store)
{
    if (!store || !head->repo || repo_tag_exists(head->repo, cmp->baseline) != 1) {
        err_clear();
        return;
    }
    summary_ref_import(head->repo, cmp->baseline, store, &cmp->summary);
    if (cmp->summary.ignored)
        result_add_note(head_result, "the summary stored with %s (%s%s) was ignored: %s; the baseline was read",
                        cmp->baseline, SUMMARY_REF_PREFIX, cmp->baseline, cmp->summary.why);
}

int compare_keep_baseline_summary(struct dataset *head, const char *rev, struct cache_store *store,
                                  struct buf *used_keys)
{
    struct comparison cmp;
    struct dataset base_ds;
    struct diff_side side;
    struct result base;
    memset(&cmp, 0, sizeof(cmp));
    memset(&base_ds, 0, sizeof(base_ds));
    memset(&side, 0, sizeof(side));
    result_init(&base);
    cmp.baseline = xstrdup(rev);
    int rc = open_baseline(&cmp, &base_ds, head);
    if (rc == 0) {
        merge_splits(&cmp, head->spec);
        diff_side_init(&side, &cmp.merged);
        rc = run_baseline(&base, &cmp, base_ds.src, &side, false, store, NULL, used_keys, NULL);
        diff_side_release(&side);
    }
    result_release(&base);
    dataset_close(&base_ds);
    comparison_release(&cmp);
    return rc;
}

/* An observer's replay that keeps nothing: the summaries still carry the diff's view of
 * every example (the cache serves comparisons from them), only nobody collects it. */
static void ignore_example(void *ctx, const struct example *at, const void *bytes, size_t len)
{
    (void)ctx;
    (void)at;
    (void)bytes;
    (void)len;
}

/* The commit a side reads (HEAD's for the work tree and the index), "" when none: what
 * names the data in a sharded check's parts. */
static void commit_of(const struct repo *repo, const char *rev, char out[41])
{
    out[0] = '\0';
    if (repo && repo_resolve_commit(repo, rev, out) < 0)
        out[0] = '\0';
    err_clear();
}

/* A shard records what the head run reads; the merge compares it, and the spec. */
static int shard_head_source(struct shard_job *shard, const struct dataset *head, const char *baseline)
{
    char commit[41];
    commit_of(head->repo, head->place == DATASET_REV && head->rev ? head->rev : "HEAD", commit);
    if (shard->merging && memcmp(shard->id.spec_sha256, head->spec->sha256, 32) != 0)
        return err_set(DSCI_EUSAGE, "%s: the shards were judged by another %s than the one here: merge with "
                       "the spec the shards ran", shard->parts[0]->path, head->spec->path);
    return shard_job_source(shard, PART_HEAD, source_describe(head->src), commit, baseline);
}

int compare_run(struct result *head_result, struct comparison *cmp, struct dataset *head, const char *base_opt,
                bool hash_files)
{
    return compare_run_sharded(head_result, cmp, head, base_opt, hash_files, NULL);
}

int compare_run_sharded(struct result *head_result, struct comparison *cmp, struct dataset *head,
                        const char *base_opt, bool hash_files, struct shard_job *shard)
{
    struct result notes;
    struct diff_side base_side, head_side;
    struct dataset base_ds;
    struct cache_store *store = NULL;
    int rc;

    memset(cmp, 0, sizeof(*cmp));
    memset(&base_ds, 0, sizeof(base_ds));
    memset(&base_side, 0, sizeof(base_side));
    memset(&head_side, 0, sizeof(head_side));
    result_init(&notes);

    if ((rc = compare_find_baseline(&cmp->baseline, head, base_opt, &notes)) < 0)
        goto done;
    if (cmp->baseline && (rc = open_baseline(cmp, &base_ds, head)) < 0)
        goto done;
    merge_splits(cmp, head->spec);
    diff_side_init(&head_side, &cmp->merged);
    diff_side_init(&base_side, &cmp->merged);

    struct engine_observer obs = diff_side_observer(&head_side);
    if (!cmp->baseline)   /* no diff to make: the head's side would hold 48 bytes per example for nothing */
        obs.replay = ignore_example;
    summary_cache_open_store(&store, head->repo);
    cmp->cached = store != NULL;
    /* The diff's view of every example is in every head summary, with a baseline or not;
     * without one the examples' content hashes are left out (nobody reads them), and the
     * summaries' cache key says so: a comparison reads such a chunk again. */
    struct engine_options head_opts = { &obs, hash_files, false, false, head->spec_repo_path,
                                        store, &cmp->cache_head, NULL, !cmp->baseline, shard, PART_HEAD };
    if (shard && (rc = shard_head_source(shard, head, cmp->baseline)) < 0)
        goto done;
    if ((rc = engine_check(head_result, head->spec, head->src, &head_opts)) < 0)
        goto done;
    for (size_t i = 0; i < notes.n_notes; i++)
        result_add_note(head_result, "%s", notes.notes[i]);
    if (!cmp->baseline)
        goto done;

    if (!shard || !shard->merging)
        import_summary(head_result, cmp, head, store);
    if (shard) {
        char commit[41];
        commit_of(head->repo, cmp->baseline, commit);
        if ((rc = shard_job_source(shard, PART_BASE, source_describe(base_ds.src), commit, "")) < 0)
            goto done;
    }
    rc = run_baseline(&cmp->base, cmp, base_ds.src, &base_side, hash_files, store, &cmp->cache_base, NULL, shard);
    if (rc < 0 || (shard && !shard->merging)) {
        result_release(&cmp->base);   /* cmp->have stays false: release it here */
        goto done;
    }
    diff_leave_out_unread(&base_side, &cmp->base, &head_side, head_result);
    diff_compute(&cmp->diff, &base_side, &head_side);
    cmp->have = true;
    head_result->baseline = xstrdup(cmp->baseline);
    gate_regression_add(head_result, head->spec, cmp->baseline, &cmp->diff, &cmp->base);
done:
    if (store)
        cache_store_close(store);
    dataset_close(&base_ds);
    diff_side_release(&base_side);
    diff_side_release(&head_side);
    result_release(&notes);
    return rc;
}

void comparison_release(struct comparison *cmp)
{
    free(cmp->baseline);
    free(cmp->merged_splits);
    summary_import_release(&cmp->summary);
    spec_free(cmp->base_spec);
    if (cmp->have) {
        result_release(&cmp->base);
        diff_release(&cmp->diff);
    }
    memset(cmp, 0, sizeof(*cmp));
}

bool comparison_base_category(const struct comparison *cmp, const char *name, uint64_t *out)
{
    if (!cmp || !cmp->have || !cmp->base.metrics.category_counts)
        return false;
    for (size_t i = 0; i < cmp->base.n_categories; i++)
        if (!strcmp(cmp->base.category_names[i], name)) {
            *out = cmp->base.metrics.category_counts[i];
            return true;
        }
    return false;
}
