/*
 * Applying the plan: the new version file record (version, previous, created, the head's
 * splits with checksums, the change counts), compared with the current file so a second
 * run finds nothing to do, then described (--dry-run) or written atomically.
 */
#include "version/bump_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/atomic_file.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/gh_escape.h"
#include "util/sha256.h"
#include "util/xalloc.h"

static bool streq(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static char *checksum_text(const unsigned char sha[32])
{
    char hex[65];
    sha256_hex(hex, sha);
    return xasprintf("sha256:%s", hex);
}

/* The splits part of the new version file, from the head's files in spec order. */
static void fill_splits(struct version_file *nv, const struct spec *spec, const struct result *head)
{
    nv->splits = xcalloc(spec->dataset.n_splits ? spec->dataset.n_splits : 1, sizeof(*nv->splits));
    for (size_t s = 0; s < spec->dataset.n_splits; s++) {
        struct version_split *vs = &nv->splits[nv->n_splits++];
        size_t n = 0;
        vs->name = xstrdup(spec->dataset.splits[s].name);
        vs->has_examples = vs->has_bytes = true;
        for (size_t i = 0; i < head->n_files; i++)
            if (head->files[i].split == s)
                n++;
        if (n > 1)
            vs->files = xcalloc(n, sizeof(*vs->files));
        for (size_t i = 0; i < head->n_files; i++) {
            const struct result_file *f = &head->files[i];
            if (f->split != s)
                continue;
            if (!vs->path) {
                vs->path = xstrdup(f->root_path);
                vs->checksum = checksum_text(f->sha256);
            }
            vs->examples += f->examples;
            vs->bytes += f->bytes;
            if (n > 1) {
                struct version_split_file *vf = &vs->files[vs->n_files++];
                vf->path = xstrdup(f->root_path);
                vf->checksum = checksum_text(f->sha256);
                vf->examples = f->examples;
                vf->bytes = f->bytes;
                vf->has_examples = vf->has_bytes = true;
            }
        }
    }
}

static bool same_split(const struct version_split *a, const struct version_split *b)
{
    if (!streq(a->path, b->path) || !streq(a->checksum, b->checksum) || a->examples != b->examples ||
        a->bytes != b->bytes || a->has_examples != b->has_examples || a->has_bytes != b->has_bytes ||
        a->n_files != b->n_files)
        return false;
    for (size_t i = 0; i < a->n_files; i++) {
        const struct version_split_file *x = &a->files[i], *y = &b->files[i];
        if (!streq(x->path, y->path) || !streq(x->checksum, y->checksum) || x->examples != y->examples ||
            x->bytes != y->bytes)
            return false;
    }
    return true;
}

/* The same splits with the same files, counts and checksums (in any order). */
static bool same_data(const struct version_file *a, const struct version_file *b)
{
    if (a->n_splits != b->n_splits)
        return false;
    for (size_t i = 0; i < b->n_splits; i++) {
        const struct version_split *x = bump_recorded_split(a, b->splits[i].name);
        if (!x || !same_split(x, &b->splits[i]))
            return false;
    }
    return true;
}

/* All dsci writes, "created" aside: a second run finds nothing to do. */
static bool same_record(const struct version_file *cur, const struct version_file *nv)
{
    return streq(cur->version, nv->version) && streq(cur->previous, nv->previous) && same_data(cur, nv) &&
           (!nv->has_tokenizer || (streq(cur->tokenizer_sha256, nv->tokenizer_sha256) &&
                                   streq(cur->tokenizer_path, nv->tokenizer_path) &&
                                   streq(cur->tokenizer_kind, nv->tokenizer_kind))) &&
           cur->has_changes && cur->added == nv->added && cur->removed == nv->removed &&
           cur->modified == nv->modified;
}

static void short_sum(char out[24], const char *checksum)
{
    if (!checksum)
        snprintf(out, 24, "none");
    else
        snprintf(out, 24, "%.15s\xe2\x80\xa6", checksum);   /* "sha256:" and 8 hex digits */
}

/* One line per field that would change, for --dry-run. */
/* A value read from the version file (anyone's text) on one terminal line. */
static const char *shown(struct buf *tmp, const char *s)
{
    buf_reset(tmp);
    term_escape(tmp, s ? s : "null");
    return buf_cstr(tmp);
}

static void describe_changes(struct buf *out, const struct version_file *cur, const struct version_file *nv)
{
    struct buf t1 = BUF_INIT, t2 = BUF_INIT;
    if (!cur) {
        uint64_t total = 0;
        for (size_t i = 0; i < nv->n_splits; i++)
            total += nv->splits[i].examples;
        buf_printf(out, "  new file: version %s, %zu split%s, %" PRIu64 " example%s\n", nv->version, nv->n_splits,
                   bump_plural(nv->n_splits), total, bump_plural(total));
        return;
    }
    if (!streq(cur->version, nv->version))
        buf_printf(out, "  version: %s -> %s\n", shown(&t1, cur->version), shown(&t2, nv->version));
    if (!streq(cur->previous, nv->previous))
        buf_printf(out, "  previous: %s -> %s\n", shown(&t1, cur->previous), shown(&t2, nv->previous));
    for (size_t i = 0; i < nv->n_splits; i++) {
        const struct version_split *b = &nv->splits[i], *a = bump_recorded_split(cur, b->name);
        if (!a) {
            buf_printf(out, "  splits.%s: new (%" PRIu64 " examples, %" PRIu64 " bytes)\n", b->name, b->examples,
                       b->bytes);
            continue;
        }
        if (same_split(a, b))
            continue;
        struct buf line = BUF_INIT;
        if (!streq(a->path, b->path))
            buf_printf(&line, "; path %s -> %s", a->path ? shown(&t1, a->path) : "none",
                       b->path ? shown(&t2, b->path) : "none");
        if (a->examples != b->examples || !a->has_examples)
            buf_printf(&line, "; examples %" PRIu64 " -> %" PRIu64, a->examples, b->examples);
        if (a->bytes != b->bytes || !a->has_bytes)
            buf_printf(&line, "; bytes %" PRIu64 " -> %" PRIu64, a->bytes, b->bytes);
        if (!streq(a->checksum, b->checksum)) {
            char x[24], y[24];
            short_sum(x, a->checksum);
            short_sum(y, b->checksum);
            buf_printf(&line, "; checksum %s -> %s", x, y);
        }
        if (a->n_files != b->n_files || line.len == 0)
            buf_printf(&line, "; files %zu -> %zu", a->n_files, b->n_files);
        buf_printf(out, "  splits.%s: %s\n", shown(&t1, b->name), buf_cstr(&line) + 2);
        buf_release(&line);
    }
    for (size_t i = 0; i < cur->n_splits; i++)
        if (!bump_recorded_split(nv, cur->splits[i].name))
            buf_printf(out, "  splits.%s: removed\n", shown(&t1, cur->splits[i].name));
    if (!cur->has_changes || cur->added != nv->added || cur->removed != nv->removed || cur->modified != nv->modified)
        buf_printf(out, "  changes: added %" PRIu64 ", removed %" PRIu64 ", modified %" PRIu64 "\n", nv->added,
                   nv->removed, nv->modified);
    if (nv->has_tokenizer && !streq(cur->tokenizer_sha256, nv->tokenizer_sha256)) {
        char x[24], y[24];
        short_sum(x, cur->tokenizer_sha256);
        short_sum(y, nv->tokenizer_sha256);
        buf_printf(out, "  tokenizer: %s -> %s\n", x, y);
    }
    if (!streq(cur->created, nv->created))
        buf_printf(out, "  created: %s -> %s\n", shown(&t1, cur->created), shown(&t2, nv->created));
    buf_release(&t1);
    buf_release(&t2);
}

/* Its folder must exist: bump creates none. */
int bump_record_target(char **out, const struct dataset *ds, const char *rel)
{
    const struct spec *spec = ds->spec;
    char *real = NULL;
    int rc = dataset_write_target(&real, ds, rel, "dataset.version_file", spec->dataset.version_file_loc);
    if (rc < 0)
        return rc;
    char *dir = xstrdup(real);
    *strrchr(dir, '/') = '\0';   /* real is absolute: there is a slash */
    struct stat st;
    if (stat(*dir ? dir : "/", &st) != 0 || !S_ISDIR(st.st_mode)) {
        char *shown = xstrdup(rel), *slash = strrchr(shown, '/');
        if (slash)
            *slash = '\0';
        rc = err_set(DSCI_EUSAGE, "cannot write the version file %s: folder '%s' does not exist", rel,
                     slash ? shown : ".");
        free(shown);
        free(real);
    } else {
        *out = real;
    }
    free(dir);
    return rc;
}

/* "previous" of the new record: the version bumped from; when nothing is bumped, what
 * the record of this version said (here, or at the baseline). */
static char *record_previous(const struct bump_outcome *o, const struct version_file *cur,
                             const struct version_file *baseline_vf)
{
    if (o->v.first)
        return cur && cur->previous ? xstrdup(cur->previous) : NULL;
    if (o->v.decision.part != SEMVER_NONE)
        return xstrdup(o->v.from);
    if (cur && streq(cur->version, o->v.version))
        return cur->previous ? xstrdup(cur->previous) : NULL;
    if (baseline_vf && baseline_vf->previous)
        return xstrdup(baseline_vf->previous);
    return NULL;
}

/* Without a baseline to diff: what the counts say, per split. */
static void changes_from_counts(struct version_file *nv, const struct version_file *cur)
{
    for (size_t i = 0; i < nv->n_splits; i++) {
        const struct version_split *r = bump_recorded_split(cur, nv->splits[i].name);
        uint64_t b = r ? r->examples : 0, h = nv->splits[i].examples;
        if (h > b)
            nv->added += h - b;
        else
            nv->removed += b - h;
    }
    for (size_t i = 0; i < cur->n_splits; i++)
        if (!bump_recorded_split(nv, cur->splits[i].name))
            nv->removed += cur->splits[i].examples;
}

/* The "changes" counts of the new record (its splits are filled). */
static void record_changes(struct version_file *nv, const struct bump_outcome *o, const struct version_file *cur,
                           const struct version_file *baseline_vf, const struct comparison *cmp)
{
    const struct version_file *same_version = o->v.decision.part == SEMVER_NONE && !o->v.first
                                                  ? (cmp->have ? baseline_vf : cur) : NULL;
    if (same_version && same_version->has_changes && streq(same_version->version, o->v.version)) {
        /* nothing bumped: the changes are still those that made this version */
        nv->added = same_version->added;
        nv->removed = same_version->removed;
        nv->modified = same_version->modified;
    } else if (cmp->have) {
        nv->added = cmp->diff.total.added;
        nv->removed = cmp->diff.total.removed;
        nv->modified = cmp->diff.total.modified;
    } else if (o->v.first) {
        for (size_t i = 0; i < nv->n_splits; i++)
            nv->added += nv->splits[i].examples;
    } else {
        changes_from_counts(nv, cur);
    }
}

void bump_record_make(struct version_file *nv, const struct bump_outcome *o, const struct version_file *cur,
                      const struct version_file *baseline_vf, const struct comparison *cmp, const struct spec *spec,
                      const struct result *head)
{
    nv->version = xstrdup(o->v.version);
    nv->previous = record_previous(o, cur, baseline_vf);
    nv->created = clock_now_iso8601();
    fill_splits(nv, spec, head);
    if (head->tokens && head->tokens->sha256_valid) {
        char hex[65];
        sha256_hex(hex, head->tokens->sha256);
        nv->has_tokenizer = true;
        nv->tokenizer_path = xstrdup(head->tokens->path);
        nv->tokenizer_kind = head->tokens->kind ? xstrdup(head->tokens->kind) : NULL;
        nv->tokenizer_sha256 = xasprintf("sha256:%s", hex);
    }
    nv->has_changes = true;
    record_changes(nv, o, cur, baseline_vf, cmp);
}

int bump_record_write(struct bump_outcome *o, const struct version_file *nv, const struct version_file *cur,
                      const char *cur_data, size_t cur_len, const char *fs_path, bool dry_run)
{
    char *text = NULL;
    size_t text_len = 0;
    int rc;

    if (o->v.decision.part == SEMVER_NONE && !o->v.decision.data_changed && cur && same_data(cur, nv)) {
        o->nothing = true;
        return 0;
    }
    if (cur && same_record(cur, nv)) {
        o->up_to_date = true;
        return 0;
    }
    if ((rc = version_file_render(&text, &text_len, nv, o->version_file, cur_data, cur_len)) < 0)
        return rc;
    if (dry_run) {
        o->would_write = true;
        describe_changes(&o->summary, cur, nv);
    } else if ((rc = atomic_write_file(fs_path, text, text_len, 0644)) >= 0) {
        o->written = true;
    }
    free(text);
    return rc;
}
