/*
 * Reproducibility: the version file exists and names a semantic version, its checksums
 * match the data, it records the generation seed and model, and the dataset card exists
 * (each only when gates.reproducibility.require asks for it).
 *
 * The gate always runs, even at level off, because the report header shows the version
 * from the version file: it then sets result->version and adds no section.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "gates/gates.h"
#include "gates/common.h"
#include "util/sha256.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/path_boundary.h"
#include "util/xalloc.h"
#include "version/version_file.h"

struct repro_state {
    char unused;
};

/* What became of reading and parsing the version file. */
struct loaded {
    const char *path;         /* spec->dataset.version_file, NULL when not set */
    char *shown;              /* the same as findings show it (repository-relative) */
    struct version_file *vf;  /* NULL unless parsed */
    bool missing;
    bool unreadable;   /* there, but not a file that can be read: error says why */
    char *error;              /* "path:line: ..." when it did not parse */
    size_t error_line;
};

static bool repro_enabled(const struct spec *spec)
{
    return true;
}

/* The version file's checksums are compared with the bytes the run read. */
static bool repro_needs_content_hash(const struct spec *spec)
{
    return spec->gates.reproducibility.level != LEVEL_OFF &&
           (spec->gates.reproducibility.require & REPRO_CHECKSUMS);
}

static void *repro_begin(const struct gate_ctx *ctx)
{
    return xcalloc(1, sizeof(struct repro_state));
}

static int read_whole(const struct gate_ctx *ctx, const char *path, char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    if (!ctx->read_file)
        return DSCI_EUSAGE;
    return ctx->read_file(ctx->source, path, data, len);
}

static void load(struct loaded *l, const struct gate_ctx *ctx)
{
    memset(l, 0, sizeof(*l));
    l->path = ctx->spec->dataset.version_file;
    if (!l->path)
        return;
    l->shown = gate_shown_path(ctx, l->path);
    char *data = NULL;
    size_t len = 0;
    if (read_whole(ctx, l->path, &data, &len) < 0) {
        if (err_last_is_not_found())
            l->missing = true;
        else
            l->unreadable = true, l->error = xstrdup(err_last());   /* say why, not "missing" */
        err_clear();
        return;
    }
    if (version_file_parse(&l->vf, l->path, data, len) < 0) {
        l->error = xstrdup(err_last());
        /* "path:LINE: ..." -> LINE for the finding */
        const char *p = l->error + strlen(l->path);
        if (*p == ':')
            l->error_line = strtoul(p + 1, NULL, 10);
        err_clear();
    }
    free(data);
}

/* "dir/path: is a FIFO..." -> "is a FIFO...": the finding already names the file. */
static const char *after_path(const char *msg, const char *path)
{
    const char *colon = strstr(msg, ": ");
    size_t n = strlen(path);
    if (colon && (size_t)(colon - msg) >= n && !strncmp(colon - n, path, n))
        return colon + 2;
    return msg;
}

/* The reason a check that needs the version file cannot pass, or NULL. */
static const char *unusable(const struct loaded *l)
{
    if (!l->path)
        return "no version file in the spec";
    if (l->missing)
        return "no version file";
    if (l->unreadable)
        return "version file cannot be read";
    if (!l->vf)
        return "version file does not parse";
    return NULL;
}

/* Fails c because the version file is not there or broken; returns true if it did. */
static bool fail_unusable(struct check *c, const struct gate_ctx *ctx, const struct loaded *l)
{
    const char *why = unusable(l);
    if (!why)
        return false;
    c->status = STATUS_FAIL;
    check_set_value(c, "unknown (%s)", why);
    if (!l->path)
        check_set_remediation(c, "Set dataset.version_file in %s and run `dsci bump` to write it",
                              ctx->spec->path ? ctx->spec->path : "the spec");
    else if (l->missing)
        check_set_remediation(c, "Run `dsci bump` to write %s", l->path);
    else
        check_set_remediation(c, "Fix %s", l->error);
    return true;
}

static void version_check(struct section *sec, const struct gate_ctx *ctx, const struct loaded *l)
{
    struct check *c = result_add_check(sec, "reproducibility.version", "Version file");
    if (fail_unusable(c, ctx, l)) {
        if (!l->path)
            check_add_finding(c, gate_spec_path(ctx), ctx->spec->dataset.loc.line, "no_version_file",
                              "dataset.version_file is not set");
        else if (l->missing)
            check_add_finding(c, l->shown, 0, "no_version_file", "version file not found");
        else if (l->unreadable)
            check_add_finding(c, l->shown, 0, "unreadable_version_file", "%s", after_path(l->error, l->path));
        else
            check_add_finding(c, l->shown, l->error_line, "invalid_version_file", "%s", l->error);
        return;
    }
    const char *v = l->vf->version;
    if (!version_is_semver(v)) {
        c->status = STATUS_FAIL;
        if (v) {
            check_set_value(c, "'%s' is not a semantic version (%s)", v, l->path);
            check_add_finding(c, l->shown, 0, "invalid_version", "version '%s' is not MAJOR.MINOR.PATCH", v);
        } else {
            check_set_value(c, "no version (%s)", l->path);
            check_add_finding(c, l->shown, 0, "invalid_version", "no \"version\" string");
        }
        check_set_remediation(c, "Set \"version\" in %s to a semantic version such as 1.0.0 "
                              "(or run `dsci bump`)", l->path);
        return;
    }
    check_set_value(c, "%s (%s)", v, l->path);
}

static const struct run_file *run_file_at(const struct gate_ctx *ctx, const char *path)
{
    for (size_t i = 0; i < ctx->n_files; i++) {
        const struct run_file *f = &ctx->files[i];
        const char *p = f->root_path ? f->root_path : f->path;
        if (p && path_same(p, path))
            return f;
    }
    return NULL;
}

static size_t split_index(const struct spec *spec, const char *name)
{
    for (size_t i = 0; i < spec->dataset.n_splits; i++)
        if (!strcmp(spec->dataset.splits[i].name, name))
            return i;
    return SIZE_MAX;
}

/* "sha256:" and 64 hex digits, lower-cased to *hex. */
static bool parse_checksum(char hex[65], const char *s)
{
    if (strncmp(s, "sha256:", 7))
        return false;
    s += 7;
    for (int i = 0; i < 64; i++) {
        if (!isxdigit((unsigned char)s[i]))
            return false;
        hex[i] = (char)tolower((unsigned char)s[i]);
    }
    hex[64] = '\0';
    return s[64] == '\0';
}

/* The SHA-256 of a version file entry's data: from the run when it read that file,
 * else read here. Returns false when the file cannot be read. */
static bool actual_checksum(char hex[65], const char **shown, const struct gate_ctx *ctx,
                            const char *name, const char *entry_path)
{
    const struct run_file *f = NULL;
    if (entry_path) {
        f = run_file_at(ctx, entry_path);
    } else {
        /* No path: the run's only file of the split of that name. */
        size_t s = split_index(ctx->spec, name), n = 0;
        for (size_t i = 0; i < ctx->n_files; i++)
            if (ctx->files[i].split == s) {
                f = &ctx->files[i];
                n++;
            }
        if (n != 1)
            return false;
    }
    *shown = f ? f->path : entry_path;
    if (f && f->sha256_valid) {
        sha256_hex(hex, f->sha256);
        return true;
    }
    const char *path = f ? (f->root_path ? f->root_path : f->path) : entry_path;
    char *data = NULL;
    size_t len = 0;
    if (read_whole(ctx, path, &data, &len) < 0) {
        err_clear();
        return false;
    }
    struct sha256 h;
    unsigned char digest[32];
    sha256_init(&h);
    sha256_update(&h, data, len);
    sha256_final(&h, digest);
    sha256_hex(hex, digest);
    free(data);
    return true;
}

static void checksums_check(struct section *sec, const struct gate_ctx *ctx, const struct loaded *l)
{
    struct check *c = result_add_check(sec, "reproducibility.checksums", "Checksums");
    if (fail_unusable(c, ctx, l))
        return;
    const struct version_file *vf = l->vf;
    size_t ok = 0, problems = 0;
    char first[768] = "";
    /* Each problem is a finding; the first, with its path, is the remediation. */
#define PROBLEM(path_, line_, kind_, ...)                                        \
    do {                                                                         \
        check_add_finding(c, (path_), (line_), (kind_), __VA_ARGS__);            \
        if (!problems++) {                                                       \
            int at_ = snprintf(first, sizeof(first), "%s: ", (path_));           \
            if (at_ > 0 && (size_t)at_ < sizeof(first))                          \
                snprintf(first + at_, sizeof(first) - (size_t)at_, __VA_ARGS__); \
        }                                                                        \
    } while (0)

    /* One entry per file: a split of several files lists each under "files". */
    size_t total = 0;
    for (size_t i = 0; i < vf->n_splits; i++) {
        const struct version_split *e = &vf->splits[i];
        size_t n = e->n_files ? e->n_files : 1;
        for (size_t k = 0; k < n; k++) {
            const char *path = e->n_files ? e->files[k].path : e->path;
            const char *checksum = e->n_files ? e->files[k].checksum : e->checksum;
            char want[65], have[65];
            const char *shown = path ? path : e->name;
            total++;
            if (!checksum) {
                PROBLEM(l->shown, 0, "missing_checksum", "split '%s'%s%s has no checksum; run `dsci bump`",
                        e->name, path && e->n_files ? ", file " : "", path && e->n_files ? path : "");
                continue;
            }
            if (!parse_checksum(want, checksum)) {
                PROBLEM(l->shown, 0, "invalid_checksum",
                        "split '%s': checksum '%.80s' is not sha256:<64 hex digits>", e->name, checksum);
                continue;
            }
            if (!actual_checksum(have, &shown, ctx, e->name, path)) {
                char *where = path ? gate_shown_path(ctx, path) : xstrdup(l->shown);
                PROBLEM(where, 0, "missing_file",
                        "listed in the version file (split '%s') but not found", e->name);
                free(where);
                continue;
            }
            if (strcmp(want, have)) {
                /* a file the run did not read is named as the version file names it */
                char *where = shown == path ? gate_shown_path(ctx, path) : xstrdup(shown);
                PROBLEM(where, 0, "checksum_mismatch",
                        "sha256 is %.8s\xe2\x80\xa6 but the version file says %.8s\xe2\x80\xa6; run `dsci bump`",
                        have, want);
                free(where);
                continue;
            }
            ok++;
        }
    }
    /* Data the run read that the version file does not account for: a split it does not
     * list, or a file of a listed split that is not among the split's files. */
    for (size_t i = 0; i < ctx->n_files; i++) {
        const struct run_file *f = &ctx->files[i];
        const char *name = ctx->spec->dataset.splits[f->split].name;
        const struct version_split *e = NULL;
        for (size_t k = 0; k < vf->n_splits && !e; k++)
            if (!strcmp(vf->splits[k].name, name))
                e = &vf->splits[k];
        if (!e) {
            bool first_of_split = true;   /* one finding per split */
            for (size_t j = 0; j < i && first_of_split; j++)
                first_of_split = ctx->files[j].split != f->split;
            if (first_of_split)
                PROBLEM(f->path, 0, "unlisted_split",
                        "split '%s' is not in the version file; run `dsci bump`", name);
            continue;
        }
        const char *p = f->root_path ? f->root_path : f->path;
        bool listed = !e->path && !e->n_files;   /* a bare entry stands for the split's only file */
        if (e->n_files) {
            for (size_t k = 0; k < e->n_files && !listed; k++)
                listed = e->files[k].path && path_same(e->files[k].path, p);
        } else if (e->path) {
            listed = path_same(e->path, p);
        }
        if (!listed)
            PROBLEM(f->path, 0, "unlisted_file",
                    "in split '%s' but not in the version file; run `dsci bump`", name);
    }
#undef PROBLEM
    check_set_value(c, "%zu/%zu match", ok, total);
    c->value = (double)ok;
    c->threshold = (double)total;
    if (problems) {
        c->status = STATUS_FAIL;
        check_set_remediation(c, "%s%s", first,
                              problems > 1 ? " (and more: see the findings)" : "");
    }
}

static void seed_check(struct section *sec, const struct gate_ctx *ctx, const struct loaded *l)
{
    struct check *c = result_add_check(sec, "reproducibility.random_seed", "Random seed");
    if (fail_unusable(c, ctx, l))
        return;
    if (!l->vf->has_random_seed) {
        c->status = STATUS_FAIL;
        check_set_value(c, "missing");
        check_set_remediation(c, "Record the generation seed as generation_config.random_seed in %s",
                              l->path);
        check_add_finding(c, l->shown, 0, "missing_random_seed", "no generation_config.random_seed");
        return;
    }
    check_set_value(c, "%s", l->vf->seed_text);
}

static void model_check(struct section *sec, const struct gate_ctx *ctx, const struct loaded *l)
{
    struct check *c = result_add_check(sec, "reproducibility.model", "Model");
    if (fail_unusable(c, ctx, l))
        return;
    if (!l->vf->model || !*l->vf->model) {
        c->status = STATUS_FAIL;
        check_set_value(c, l->vf->has_model ? "not a name" : "missing");
        check_set_remediation(c, "Record the model that generated the data as generation_config.model "
                              "(a string) in %s", l->path);
        check_add_finding(c, l->shown, 0, "missing_model", "generation_config.model is %s",
                          l->vf->has_model ? "not a non-empty string" : "missing");
        return;
    }
    check_set_value(c, "%s", l->vf->model);
}

static void card_check(struct section *sec, const struct gate_ctx *ctx)
{
    struct check *c = result_add_check(sec, "reproducibility.card", "Dataset card");
    const char *card = ctx->spec->dataset.card;
    if (!card) {
        c->status = STATUS_FAIL;
        check_set_value(c, "not configured");
        check_set_remediation(c, "Set dataset.card in %s and run `dsci card` to write it",
                              ctx->spec->path ? ctx->spec->path : "the spec");
        check_add_finding(c, gate_spec_path(ctx), ctx->spec->dataset.loc.line, "no_card",
                          "dataset.card is not set");
        return;
    }
    char *data = NULL;
    size_t len = 0;
    if (read_whole(ctx, card, &data, &len) < 0) {
        c->status = STATUS_FAIL;
        char *shown = gate_shown_path(ctx, card);
        if (err_last_is_not_found()) {
            check_set_value(c, "missing (%s)", card);
            check_set_remediation(c, "Run `dsci card` to write %s", card);
            check_add_finding(c, shown, 0, "no_card", "dataset card not found");
        } else {
            check_set_value(c, "unreadable (%s)", card);
            check_set_remediation(c, "Fix %s", err_last());
            check_add_finding(c, shown, 0, "unreadable_card", "%s", after_path(err_last(), card));
        }
        free(shown);
        err_clear();
        return;
    }
    free(data);
    check_set_value(c, "%s", card);
}

static int repro_finish(void *state, const struct gate_ctx *ctx)
{
    const struct spec *spec = ctx->spec;
    enum gate_level level = spec->gates.reproducibility.level;
    unsigned require = spec->gates.reproducibility.require;
    struct loaded l;
    load(&l, ctx);

    if (l.vf && l.vf->version && *l.vf->version) {
        free(ctx->result->version);
        ctx->result->version = xstrdup(l.vf->version);
    }
    if (level != LEVEL_OFF) {
        struct section *sec = result_add_section(ctx->result, "reproducibility", "REPRODUCIBILITY",
                                                 level, spec->gates.reproducibility.loc);
        if (require & REPRO_VERSION)
            version_check(sec, ctx, &l);
        if (require & REPRO_CHECKSUMS)
            checksums_check(sec, ctx, &l);
        if (require & REPRO_RANDOM_SEED)
            seed_check(sec, ctx, &l);
        if (require & REPRO_MODEL)
            model_check(sec, ctx, &l);
        if (require & REPRO_CARD)
            card_check(sec, ctx);
        if (!require)
            sec->note = xstrdup("nothing required (gates.reproducibility.require is empty)");
        for (size_t i = 0; i < sec->n_checks; i++)
            check_apply_level(&sec->checks[i], level, false);
    }
    version_file_free(l.vf);
    free(l.error);
    free(l.shown);
    return 0;
}

static void repro_free(void *state)
{
    free(state);
}

GATE_DEFINE(reproducibility, repro, "REPRODUCIBILITY", .measures = true,
            .needs_content_hash = repro_needs_content_hash);
