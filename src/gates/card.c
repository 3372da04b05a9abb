/*
 * The card check: is the dataset card what `dsci card` would write now? It runs after
 * the reproducibility gate (which reports whether the card exists) and adds its line to
 * that section:
 *
 *   [PASS] Dataset card: up to date
 *   [FAIL] Dataset card: stale (run `dsci card`)
 *
 * It renders with card_render(), the code `dsci card` uses, from what the run read
 * (the same place: work tree, index or revision). Only when reproducibility.require
 * names card, at reproducibility's level.
 */
#include <stdlib.h>
#include <string.h>

#include "card/card.h"
#include "gates/gates.h"
#include "gates/common.h"
#include "util/sha256.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"
#include "version/version_file.h"

static bool card_enabled(const struct spec *spec)
{
    return spec->dataset.card && spec->gates.reproducibility.level != LEVEL_OFF &&
           (spec->gates.reproducibility.require & REPRO_CARD);
}

static void *card_begin(const struct gate_ctx *ctx)
{
    return xcalloc(1, 1);
}

static struct section *find_section(struct result *r, const char *gate)
{
    for (size_t i = 0; i < r->n_sections; i++)
        if (!strcmp(r->sections[i].gate, gate))
            return &r->sections[i];
    return NULL;
}

/* The version file as `dsci card` reads it; false when it is there but unusable (the
 * reproducibility gate reports why, and `dsci card` would refuse). */
static bool load_version_file(struct version_file **out, const struct gate_ctx *ctx)
{
    const char *path = ctx->spec->dataset.version_file;
    char *data = NULL;
    size_t len = 0;
    *out = NULL;
    if (!path)
        return true;
    if (ctx->read_file(ctx->source, path, &data, &len) < 0) {
        err_clear();
        return true;   /* missing: the card says "no version yet", as `dsci card` would */
    }
    bool ok = version_file_parse(out, path, data, len) == 0;
    if (!ok)
        err_clear();
    free(data);
    return ok;
}

/* The run's files with their SHA-256 (the card lists them), hashing those the run did
 * not hash; false when one cannot be read. */
static bool hashed_files(struct result_file **out, const struct gate_ctx *ctx)
{
    const struct result *r = ctx->result;
    struct result_file *files = xcalloc(r->n_files ? r->n_files : 1, sizeof(*files));
    if (r->n_files)
        memcpy(files, r->files, r->n_files * sizeof(*files));
    bool ok = true;
    for (size_t i = 0; i < r->n_files && ok; i++) {
        struct result_file *f = &files[i];
        if (f->sha256_valid || f->lfs_pointer)
            continue;
        char *data = NULL;
        size_t len = 0;
        if (ctx->read_file(ctx->source, f->root_path, &data, &len) < 0) {
            err_clear();
            ok = false;
            break;
        }
        struct sha256 h;
        sha256_init(&h);
        sha256_update(&h, data, len);
        sha256_final(&h, f->sha256);
        f->sha256_valid = true;
        free(data);
    }
    *out = files;
    return ok;
}

static int card_finish(void *state, const struct gate_ctx *ctx)
{
    const struct spec *spec = ctx->spec;
    const char *path = spec->dataset.card;
    struct section *sec = find_section(ctx->result, "reproducibility");
    struct version_file *vf = NULL;
    struct card_sample *sample = NULL;
    struct result_file *files = NULL;
    struct buf fresh = BUF_INIT;
    char *old = NULL, *shown = NULL;
    size_t old_len = 0;

    /* No section: nothing required. No card: the reproducibility gate said so. */
    if (!sec || ctx->read_file(ctx->source, path, &old, &old_len) < 0) {
        err_clear();
        goto done;
    }
    if (!load_version_file(&vf, ctx))
        goto done;

    struct result run = *ctx->result;   /* a view with hashed files; owns nothing */
    unsigned keep = 0;
    if (!hashed_files(&files, ctx))   /* cannot tell: take the card's table (and whether
                                        * the data is released) as they are */
        keep |= 1u << CARD_CHECKSUMS | 1u << CARD_SUMMARY;
    run.files = files;
    card_sample_load(&sample, spec, &run, ctx->read_file, ctx->source);
    struct card_input in = { spec, &run, vf, sample, NULL, NULL, keep, .release = NULL };

    struct check *c = result_add_check(sec, "reproducibility.card_current", "Dataset card");
    shown = gate_shown_path(ctx, path);
    if (card_render(&fresh, path, old, old_len, &in) < 0) {
        const char *why = err_last();   /* "path:LINE: ..." */
        size_t n = strlen(path), line = 0;
        if (!strncmp(why, path, n) && why[n] == ':')
            line = strtoul(why + n + 1, NULL, 10);
        c->status = STATUS_FAIL;
        check_set_value(c, "cannot regenerate (%s)", why);
        check_set_remediation(c, "Fix %s, then run `dsci card`", why);
        check_add_finding(c, shown, line, "invalid_card", "%s", why);
        err_clear();
    } else if (fresh.len != old_len || memcmp(fresh.ptr, old, old_len) != 0) {
        size_t line = card_first_difference(old, old_len, fresh.ptr, fresh.len);
        c->status = STATUS_FAIL;
        check_set_value(c, "stale (run `dsci card`)");
        check_set_remediation(c, "Run `dsci card` to regenerate %s from the data, the spec and the version file "
                              "(it differs from line %zu)", path, line);
        check_add_finding(c, shown, line, "card_stale",
                          "differs from what `dsci card` would write from this line on");
    } else {
        c->status = STATUS_PASS;
        check_set_value(c, "up to date");
    }
    check_apply_level(c, spec->gates.reproducibility.level, false);
done:
    buf_release(&fresh);
    card_sample_free(sample);
    version_file_free(vf);
    free(files);
    free(old);
    free(shown);
    return 0;
}

static void card_free(void *state)
{
    free(state);
}

GATE_DEFINE(card, card, "REPRODUCIBILITY", .measures = false);
