/*
 * `dsci card` short of printing: read the work tree's data once (with checksums), the
 * existing card and the version file, compare with the baseline for the changelog, and
 * render. Writing is separate (card_job_write), so --dry-run and --check share the rest.
 */
#include "card/card_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run/compare.h"
#include "data/source.h"
#include "util/atomic_file.h"
#include "util/err.h"
#include "util/xalloc.h"

static int read_source(void *ctx, const char *path, char **out, size_t *len)
{
    return source_read_file(ctx, path, out, len);
}

/* Whether the normalized relative path climbs out of where it starts. */
static bool climbs_out(const char *path)
{
    long depth = 0;
    for (const char *p = path; *p;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len == 2 && !memcmp(p, "..", 2))
            depth--;
        else if (len && !(len == 1 && *p == '.'))
            depth++;
        if (depth < 0)
            return true;
        p += len + (slash != NULL);
    }
    return false;
}

/* The existing card, or none. A path that leaves the dataset root or is not a regular
 * file is an error (the source's message). */
static int read_card(struct card_job *job, struct dataset *ds, const char *card)
{
    struct stat st;
    if (source_exists(ds->src, card))
        return source_read_file(ds->src, card, &job->old, &job->old_len);
    if (stat(job->target, &st) == 0 || errno != ENOENT) {
        /* there, but not a file the source may read: let it say why */
        char *data = NULL;
        size_t len = 0;
        int rc = source_read_file(ds->src, card, &data, &len);
        free(data);
        return rc < 0 ? rc : err_set(DSCI_EUSAGE, "%s: not a regular file", job->display);
    }
    if (climbs_out(card))
        return err_set(DSCI_EUSAGE, "%s: dataset.card '%s' leaves the dataset root", ds->spec->path, card);
    return 0;   /* a new card */
}

static int read_version_file(struct version_file **out, struct dataset *ds)
{
    const char *path = ds->spec->dataset.version_file;
    *out = NULL;
    if (!path || !source_exists(ds->src, path))
        return 0;
    char *data = NULL;
    size_t len = 0;
    int rc = source_read_file(ds->src, path, &data, &len);
    if (rc < 0 && ds->spec->dataset.version_file_loc.line) {
        /* one rule for path mistakes: the spec's file and the key's line first */
        char *why = xstrdup(err_last());
        rc = err_set(rc, "%s:%zu: dataset.version_file: %s",
                     ds->spec->path, ds->spec->dataset.version_file_loc.line, why);
        free(why);
    }
    if (rc == 0) {
        char *shown = source_display_path(ds->src, path);
        rc = version_file_parse(out, shown, data, len);
        free(shown);
    }
    free(data);
    return rc;
}

/*
 * The baseline of the changelog entry. With auto, the tag of the version file's
 * `previous` version when there is one (that is what the version was bumped from),
 * else the usual automatic baseline, unless that is the current version's own tag
 * (tagged before the card was written: comparing it with itself says nothing).
 */
static int choose_baseline(char **out, struct dataset *ds, const char *base, const struct version_file *vf)
{
    *out = NULL;
    if (strcmp(base, "auto") != 0 || !ds->repo || !vf || !vf->version) {
        *out = xstrdup(base);
        return 0;
    }
    const char *prefix = ds->spec->versioning.tag_prefix ? ds->spec->versioning.tag_prefix : "v";
    if (vf->previous) {
        char *tag = xasprintf("%s%s", prefix, vf->previous);
        if (repo_tag_exists(ds->repo, tag) == 1) {
            *out = tag;
            return 0;
        }
        free(tag);
        err_clear();
    }
    struct result notes;
    char *found = NULL;
    result_init(&notes);
    int rc = compare_find_baseline(&found, ds, "auto", &notes);
    result_release(&notes);
    if (rc < 0)
        return rc;
    char *own = xasprintf("%s%s", prefix, vf->version);
    if (!found || !strcmp(found, own)) {
        free(found);
        found = xstrdup("none");
    }
    free(own);
    *out = found;
    return 0;
}

/*
 * The data of the version the version file records, when the work tree's is not it: the
 * version's tag, compared with the same baseline, so that a new changelog entry counts
 * what the version had. Nothing (0, *have false) without git or without the tag: the
 * entry then takes the version file's record.
 */
static int run_release(struct result *out, struct comparison *cmp, bool *have, struct dataset *ds,
                       const struct version_file *vf, const char *base_rev)
{
    const char *prefix = ds->spec->versioning.tag_prefix ? ds->spec->versioning.tag_prefix : "";
    char *tag = xasprintf("%s%s", prefix, vf->version);
    struct dataset at;
    int rc = 0;
    *have = false;
    memset(&at, 0, sizeof(at));
    if (!ds->repo || repo_tag_exists(ds->repo, tag) != 1) {
        err_clear();
        goto done;
    }
    if ((rc = dataset_open_baseline(&at, ds, tag)) < 0)
        goto done;
    /* borrowed for the run, given back before the close */
    at.spec = ds->spec;
    at.repo = ds->repo;
    at.rev = tag;
    /* comparing the version with itself says nothing */
    const char *base = base_rev && strcmp(base_rev, tag) ? base_rev : "none";
    if ((rc = compare_run(out, cmp, &at, base, true)) < 0)
        goto done;
    *have = true;
done:
    at.spec = NULL;
    at.repo = NULL;
    dataset_close(&at);
    free(tag);
    return rc;
}

int card_job_run(struct card_job *job, struct dataset *ds, const char *base)
{
    const struct spec *spec = ds->spec;
    struct version_file *vf = NULL;
    struct card_sample *sample = NULL;
    struct comparison cmp = { 0 }, release_cmp = { 0 };
    struct result result, release;
    bool have_release = false;
    char *base_rev = NULL;
    int rc;

    memset(job, 0, sizeof(*job));
    job->new_text = (struct buf)BUF_INIT;
    result_init(&result);
    result_init(&release);
    if (!spec->dataset.card)
        return err_set(DSCI_EUSAGE, "%s:%zu: dataset.card is not set: name the card to write (for example "
                       "'card: README.md' under 'dataset:')", spec->path, spec->dataset.loc.line);
    job->display = source_display_path(ds->src, spec->dataset.card);
    if ((rc = dataset_write_target(&job->target, ds, spec->dataset.card, "dataset.card", spec->dataset.card_loc)) < 0 ||
        (rc = read_card(job, ds, spec->dataset.card)) < 0 || (rc = read_version_file(&vf, ds)) < 0 ||
        (rc = choose_baseline(&base_rev, ds, base, vf)) < 0 ||
        (rc = compare_run(&result, &cmp, ds, base_rev, true)) < 0)
        goto done;
    card_sample_load(&sample, spec, &result, read_source, ds->src);
    struct card_input in = {
        .spec = spec, .result = &result, .vf = vf, .sample = sample,
        .diff = cmp.have ? &cmp.diff : NULL, .baseline = cmp.baseline, .keep = 0,
    };
    if (card_unreleased(&in)) {
        /* the changelog describes the released version, not the work tree's changes */
        if ((rc = run_release(&release, &release_cmp, &have_release, ds, vf, base_rev)) < 0)
            goto done;
        in.release = have_release ? &release : NULL;
        in.diff = have_release && release_cmp.have ? &release_cmp.diff : NULL;
        in.baseline = have_release ? release_cmp.baseline : NULL;
    } else if (cmp.have) {
        job->baseline = xstrdup(cmp.baseline);
    }
    rc = card_render(&job->new_text, job->display, job->old, job->old_len, &in);
done:
    card_sample_free(sample);
    comparison_release(&cmp);
    comparison_release(&release_cmp);
    result_release(&result);
    result_release(&release);
    version_file_free(vf);
    free(base_rev);
    return rc;
}

bool card_job_changed(const struct card_job *job)
{
    return !job->old || job->old_len != job->new_text.len ||
           (job->old_len && memcmp(job->old, job->new_text.ptr, job->old_len) != 0);
}

/* Creates the folders of `path` that are missing (like mkdir -p of its dirname). */
static int make_parents(const char *path)
{
    char *dir = xstrdup(path);
    int rc = 0;
    for (char *p = dir + 1; *p && rc == 0; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            rc = err_set(DSCI_EENV, "cannot create the folder '%s': %s", dir, strerror(errno));
        *p = '/';
    }
    free(dir);
    return rc;
}

int card_job_write(const struct card_job *job)
{
    struct stat st;
    mode_t mode = stat(job->target, &st) == 0 ? (st.st_mode & 07777) : 0644;
    int rc = make_parents(job->target);
    if (rc == 0)
        rc = atomic_write_file(job->target, job->new_text.ptr ? job->new_text.ptr : "", job->new_text.len, mode);
    return rc;
}

void card_job_release(struct card_job *job)
{
    free(job->display);
    free(job->target);
    free(job->old);
    free(job->baseline);
    buf_release(&job->new_text);
    memset(job, 0, sizeof(*job));
}
