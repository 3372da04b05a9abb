/*
 * dsci check: run every gate of the spec on the dataset and report.
 *
 * Reads the spec, opens the source (the work tree), runs the engine, then writes each
 * requested format (--format F [--output FILE], repeatable) and exits 0 when every
 * blocking gate passed, 1 when one failed, 2 for usage/spec errors, 3 for I/O.
 *
 * In GitHub Actions (GITHUB_ACTIONS=true) the default format is github, and the
 * markdown summary and the step outputs (result, version, next_version, bump,
 * blocking_failures, report_path) are appended to $GITHUB_STEP_SUMMARY and
 * $GITHUB_OUTPUT whatever the formats.
 */
#include "cmd/cmd.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "version/bump.h"
#include "report/ci_outputs.h"
#include "run/compare.h"
#include "data/dataset.h"
#include "data/repo.h"
#include "spec/spec_diff.h"
#include "run/engine.h"
#include "run/known_findings.h"
#include "report/report.h"
#include "data/source.h"
#include "spec/spec.h"
#include "util/atomic_file.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

#define MAX_OUTPUTS 8
#define STEP_SUMMARY_MAX (1000 * 1000)   /* GitHub takes at most 1 MiB per step */

struct output {
    const struct reporter *reporter;
    const char *path;        /* NULL: stdout */
};

struct check_opts {
    struct global_opts g;
    enum dataset_place place;
    const char *rev;
    const char *base;        /* --base: auto (default), none, or a revision */
    const char *spec_from;   /* --spec-from: base, head, or a revision; NULL: head (base in PRs) */
    struct output outputs[MAX_OUTPUTS];
    size_t n_outputs;
    size_t max_examples;
    bool update_known;       /* --update-baseline */
};

void cmd_check_help(void)
{
    fputs("usage: dsci check [--worktree | --staged | --rev REV] [--base REV] [--spec PATH] [--format F [--output FILE]]... [-q]\n"
          "\n"
          "Runs every gate of the dataset spec and prints the validation report.\n"
          "\n"
          "  --worktree           read the files on disk (the default)\n"
          "  --staged             read what is staged in the git index (the pre-commit hook)\n"
          "  --rev REV            read the tree of a commit, tag or branch (no checkout)\n"
          "  --spec-from base|head|REV  judge with the spec as it is at REV (base: the pull\n"
          "                       request's base branch, the default on pull_request events,\n"
          "                       so a PR cannot loosen its own gates)\n"
          "  --base REV|auto|none the version to compare with (default auto: the highest\n"
          "                       tag <tag_prefix><semver> on HEAD's history); none skips\n"
          "                       the regression gates\n"
          "  --spec PATH          the spec (default: the only spec in ./specs/)\n"
          "  --format F           text (default; github in GitHub Actions), json, github,\n"
          "                       markdown, ...; repeatable\n"
          "  --output FILE        write the preceding --format to FILE instead of stdout\n"
          "                       ('-' is stdout; a FIFO or device is written in place)\n"
          "  --max-examples N     offending examples listed per failed check (default 5)\n"
          "  --update-baseline    accept every current finding of duplicates, leakage, splits\n"
          "                       overlap and PII: write them to .dsci-baseline.json at the\n"
          "                       dataset root (accepted findings do not fail; see\n"
          "                       docs/known-findings.md)\n"
          "  -j, --jobs N         threads to use (default: DSCI_JOBS, else every CPU); the\n"
          "                       results are the same for any N\n"
          "  --color auto|always|never, -q/--quiet, -C DIR\n"
          "\n"
          "exit: 0 all blocking gates passed, 1 a blocking gate failed, 2 usage or spec error,\n"
          "      3 environment or I/O error\n",
          stdout);
}

static bool in_github_actions(void)
{
    const char *v = getenv("GITHUB_ACTIONS");
    return v && !strcmp(v, "true");
}

static int parse(struct check_opts *o, int argc, char **argv)
{
    struct args a = { argc, argv, 0 };
    while (a.i < a.argc) {
        const char *v;
        int m;
        if ((m = args_global(&a, &o->g)) != 0) {
            if (m < 0)
                return 2;
            continue;
        }
        if ((m = args_match(&a, "--worktree", false, &v)) != 0) {
            o->place = DATASET_WORKTREE;
            continue;
        }
        if ((m = args_match(&a, "--staged", false, &v)) != 0) {
            o->place = DATASET_INDEX;
            continue;
        }
        if ((m = args_match(&a, "--rev", true, &v)) != 0) {
            if (m < 0)
                return 2;
            o->place = DATASET_REV;
            o->rev = v;
            continue;
        }
        if ((m = args_match(&a, "--spec-from", true, &v)) != 0) {
            if (m < 0)
                return 2;
            o->spec_from = v;
            continue;
        }
        if ((m = args_match(&a, "--base", true, &v)) != 0) {
            if (m < 0)
                return 2;
            o->base = v;
            continue;
        }
        if ((m = args_match(&a, "--format", true, &v)) != 0) {
            if (m < 0)
                return 2;
            const struct reporter *rep = report_find(v);
            if (!rep) {
                struct buf known = BUF_INIT;
                for (size_t k = 0; report_at(k); k++)
                    buf_printf(&known, "%s%s", k ? ", " : "", report_at(k)->name);
                int ue = usage_error("unknown format '%s' (known: %s)", v, buf_cstr(&known));
                buf_release(&known);
                return ue;
            }
            if (o->n_outputs == MAX_OUTPUTS)
                return usage_error("at most %d --format options", MAX_OUTPUTS);
            o->outputs[o->n_outputs].reporter = rep;
            o->outputs[o->n_outputs++].path = NULL;
            continue;
        }
        if ((m = args_match(&a, "--output", true, &v)) != 0) {
            if (m < 0)
                return 2;
            if (o->n_outputs == 0)
                return usage_error("--output must follow the --format it is for");
            if (o->outputs[o->n_outputs - 1].path)
                return usage_error("--format %s already has an --output", o->outputs[o->n_outputs - 1].reporter->name);
            o->outputs[o->n_outputs - 1].path = v;
            continue;
        }
        if ((m = args_match(&a, "--max-examples", true, &v)) != 0) {
            char *end;
            if (m < 0)
                return 2;
            long n = strtol(v, &end, 10);
            if (*end || n < 0 || n > 1000)
                return usage_error("--max-examples takes a number from 0 to 1000, not '%s'", v);
            o->max_examples = (size_t)n;
            continue;
        }
        if ((m = args_match(&a, "--update-baseline", false, &v)) != 0) {
            o->update_known = true;
            continue;
        }
        if (argv[a.i][0] == '-')
            return usage_error("unknown option '%s' for check (see 'dsci help check')", argv[a.i]);
        return usage_error("check takes no arguments, got '%s'", argv[a.i]);
    }
    if (o->update_known && o->place == DATASET_REV)
        return usage_error("--update-baseline writes the work tree's %s; it does not go with --rev",
                           KNOWN_FINDINGS_FILE);
    /* json and sarif list every finding, and --update-baseline accepts every one: keep them
     * all then (text, github and markdown show a few) */
    if (o->update_known)
        result_set_max_findings(SIZE_MAX);
    for (size_t i = 0; i < o->n_outputs; i++)
        if (o->outputs[i].reporter == &report_json || o->outputs[i].reporter == &report_sarif)
            result_set_max_findings(SIZE_MAX);
    if (o->n_outputs == 0) {
        o->outputs[0].reporter = in_github_actions() ? &report_github : &report_text;
        o->outputs[0].path = NULL;
        o->n_outputs = 1;
    }
    return 0;
}

/* The bump decision needs both sides' files hashed: only worth it where it is shown. */
static bool want_bump(const struct check_opts *o)
{
    if (in_github_actions())
        return true;
    for (size_t i = 0; i < o->n_outputs; i++)
        if (o->outputs[i].reporter == &report_markdown)
            return true;
    return false;
}

/* Writes one report. A file is written whole or not at all, so a reader of
 * report.json never sees half a report; a FIFO, a device or /dev/stdout is written
 * as it is, never replaced; "-" is standard output. */
static int write_output(const struct output *out, const struct result *r, const struct report_options *ro)
{
    int std = !out->path || !strcmp(out->path, "-") ? 1 : output_std_alias(out->path);
    if (std) {
        FILE *f = std == 1 ? stdout : stderr;
        int rc = out->reporter->write(f, r, ro);
        if (rc < 0 || fflush(f) != 0)
            return err_set(DSCI_EENV, "cannot write the %s report to standard %s", out->reporter->name,
                           std == 1 ? "output" : "error");
        return 0;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return err_set(DSCI_EENV, "out of memory");
    int rc = out->reporter->write(mem, r, ro);
    if (fclose(mem) != 0 && rc == 0)
        rc = err_set(DSCI_EENV, "cannot build the %s report", out->reporter->name);
    if (rc == 0)
        rc = output_write_file(out->path, text, len, 0644);
    free(text);
    return rc;
}

/* What `dsci bump` would make of this change: the bump module's own plan, so check's
 * proposed version is the one bump writes. A version file that does not parse, or a
 * baseline whose version cannot be told, proposes nothing (the reproducibility gate
 * reports the version file). */
static bool plan_bump(struct bump_plan *out, struct dataset *ds, const struct comparison *cmp,
                      const struct result *head, const char *base_opt)
{
    const char *rel = ds->spec->dataset.version_file;
    struct version_file *cur = NULL;
    char *data = NULL;
    size_t len = 0;
    bool ok = true;
    if (rel && source_exists(ds->src, rel) > 0)
        ok = source_read_file(ds->src, rel, &data, &len) == 0 && version_file_parse(&cur, rel, data, len) == 0;
    ok = ok && bump_plan_make(out, ds, cmp, head, cur, base_opt) == 0;
    err_clear();
    version_file_free(cur);
    free(data);
    return ok;
}

/* $GITHUB_STEP_SUMMARY and $GITHUB_OUTPUT, when the runner gives them. */
static int write_github_files(const struct check_opts *o, const struct result *r, const struct report_options *ro)
{
    const char *summary = getenv("GITHUB_STEP_SUMMARY"), *outputs = getenv("GITHUB_OUTPUT");
    int rc = 0;

    if (summary && *summary) {
        struct report_options mo = *ro;
        char *text = NULL;
        size_t len = 0;
        mo.color = false;
        mo.max_bytes = STEP_SUMMARY_MAX;
        FILE *mem = open_memstream(&text, &len);
        if (!mem)
            return err_set(DSCI_EENV, "out of memory");
        rc = report_markdown.write(mem, r, &mo);
        if (fclose(mem) != 0 && rc == 0)
            rc = err_set(DSCI_EENV, "cannot build the step summary");
        if (rc == 0)
            rc = ci_append_file(summary, text, len);
        free(text);
        if (rc < 0)
            return rc;
    }
    if (outputs && *outputs) {
        const char *report_path = "";
        for (size_t i = 0; i < o->n_outputs; i++)
            if (o->outputs[i].reporter == &report_json && o->outputs[i].path && strcmp(o->outputs[i].path, "-"))
                report_path = o->outputs[i].path;
        char blocking[32];
        snprintf(blocking, sizeof(blocking), "%zu", result_blocking_failures(r));
        /* Outputs carry only what dsci accepts: a version file's "version" that is not a
         * semantic version (it could hold line breaks or "::error::") is left empty. */
        struct semver parsed = SEMVER_INIT;
        bool version_ok = r->version && semver_parse(&parsed, r->version) == 0;
        semver_release(&parsed);
        err_clear();
        struct ci_output kv[] = {
            { "result", result_passed(r) ? "pass" : "fail" },
            { "version", version_ok ? r->version : "" },
            { "next_version", ro->next_version ? ro->next_version : "" },
            { "bump", ro->bump ? ro->bump : "none" },
            { "blocking_failures", blocking },
            { "report_path", report_path },
        };
        rc = ci_outputs_append(outputs, kv, sizeof(kv) / sizeof(kv[0]));
    }
    return rc;
}

/*
 * Which revision's spec judges the data. On pull_request events the default is the
 * base branch (GITHUB_BASE_REF): the pull request must not be able to loosen the
 * gates it is judged by. Returns an exit code (0: go on); *out NULL means the spec
 * from the same place as the data.
 */
static int resolve_spec_from(const struct check_opts *o, const struct dataset *ds, const char **out)
{
    static char resolved[512];
    const char *want = o->spec_from;
    const char *event = getenv("GITHUB_EVENT_NAME");
    *out = NULL;
    if (!want && event && (!strcmp(event, "pull_request") || !strcmp(event, "pull_request_target")))
        want = "base";
    if (!want || !strcmp(want, "head"))
        return 0;
    if (!ds->repo)
        return usage_error("--spec-from %s needs a git repository", want);
    if (strcmp(want, "base") != 0) {
        *out = want;
        return 0;
    }
    const char *base_ref = getenv("GITHUB_BASE_REF");
    if (!base_ref || !*base_ref)
        return usage_error("--spec-from base: GITHUB_BASE_REF is not set (it is on pull_request events); "
                           "name the revision instead, e.g. --spec-from origin/main");
    const char *forms[] = { "origin/%s", "refs/remotes/origin/%s", "%s" };
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        char id[41];
        snprintf(resolved, sizeof(resolved), forms[i], base_ref);
        if (repo_resolve_commit(ds->repo, resolved, id) == 0) {
            *out = resolved;
            return 0;
        }
    }
    err_clear();
    return usage_error("--spec-from base: the base branch '%s' is not in this clone; check out with "
                       "fetch-depth: 0 (actions/checkout) so the spec can be read from it", base_ref);
}

/* A pull request that edits the spec is told what it changes, though the base spec judged it. */
static void note_spec_changes(struct result *r, const struct spec *judge, const struct spec *own, const char *rev)
{
    char **lines = NULL;
    size_t n = 0;
    spec_diff_lines(&lines, &n, judge, own);
    if (n)
        result_add_note(r, "this change edits the spec; it was judged with the spec from %s. Changed: %zu", rev, n);
    for (size_t i = 0; i < n; i++) {
        result_add_note(r, "spec change: %s", lines[i]);
        free(lines[i]);
    }
    free(lines);
}

/* The known-findings file from the same place as the data; none is fine. */
/* Whether the file differs between two places (absent counts as a content). */
static bool file_differs(struct source *a, struct source *b, const char *path)
{
    bool in_a = source_exists(a, path) > 0, in_b = source_exists(b, path) > 0;
    if (in_a != in_b || !in_a)
        return in_a != in_b;
    char *x = NULL, *y = NULL;
    size_t nx = 0, ny = 0;
    bool differ = source_read_file(a, path, &x, &nx) < 0 || source_read_file(b, path, &y, &ny) < 0 ||
                  nx != ny || memcmp(x, y, nx) != 0;
    err_clear();
    free(x);
    free(y);
    return differ;
}

/*
 * The known-findings file, from the same place as the data; with --spec-from (the base
 * branch in a pull request) from that revision, like the spec: a pull request must not
 * accept its own findings. None is fine (*out stays NULL). Read before the run: a check
 * keeps as many more findings as the file accepts, so that none of them is judged open
 * only because the report stopped storing findings.
 */
static int load_known_findings(struct known_findings **out, char **shown_out, bool *edited,
                               struct dataset *ds, const char *spec_rev)
{
    struct dataset at;
    struct source *from = ds->src;
    int rc = 0;
    memset(&at, 0, sizeof(at));
    if (spec_rev) {
        if ((rc = dataset_open_baseline(&at, ds, spec_rev)) < 0)
            return rc;
        from = at.src;
        *edited = file_differs(from, ds->src, KNOWN_FINDINGS_FILE);
    }
    if (source_exists(from, KNOWN_FINDINGS_FILE) != 0) {   /* < 0: reading says why */
        char *text = NULL, *shown = source_display_path(from, KNOWN_FINDINGS_FILE);
        size_t len = 0;
        rc = source_read_file(from, KNOWN_FINDINGS_FILE, &text, &len);
        if (rc == 0)
            rc = known_findings_parse(out, text, len, shown);
        if (rc == 0) {
            size_t cap = result_max_findings(), more = known_findings_count(*out);
            result_set_max_findings(cap > SIZE_MAX - more ? SIZE_MAX : cap + more);
            *shown_out = shown;
            shown = NULL;
        }
        free(text);
        free(shown);
    }
    dataset_close(&at);
    return rc;
}

/* --update-baseline: the file that accepts what this run found, in the work tree. */
static int update_known_findings(const struct dataset *ds, struct result *r)
{
    const char *root = ds->spec->root && *ds->spec->root ? ds->spec->root : ".";
    char *target = !strcmp(root, ".") ? xstrdup(KNOWN_FINDINGS_FILE) : xasprintf("%s/%s", root, KNOWN_FINDINGS_FILE);
    char *real = NULL;
    struct buf text = BUF_INIT;
    size_t n = known_findings_render(&text, r);
    struct spec_loc nowhere = { 0, 0 };
    int rc = dataset_write_target(&real, ds, KNOWN_FINDINGS_FILE, NULL, nowhere);
    if (rc == 0)
        rc = atomic_write_file(real, text.ptr, text.len, 0644);
    free(real);
    if (rc == 0) {
        struct known_findings *k = NULL;
        /* judge by what was written, exactly as the next run will */
        if ((rc = known_findings_parse(&k, text.ptr, text.len, target)) == 0) {
            for (size_t s = 0; s < r->n_sections; s++)
                for (size_t c = 0; c < r->sections[s].n_checks; c++) {
                    struct check *ck = &r->sections[s].checks[c];
                    for (size_t f = 0; f < ck->n_findings; f++)
                        ck->findings[f].accepted = false;
                    ck->accepted = 0;
                }
            known_findings_apply(k, r, target);
            result_add_note(r, "wrote %s: %zu accepted finding%s", target, n, n == 1 ? "" : "s");
        }
        known_findings_free(k);
    }
    buf_release(&text);
    free(target);
    return rc;
}

int cmd_check(int argc, char **argv)
{
    struct bump_plan plan = { 0 };
    struct check_opts o;
    struct dataset ds = { 0 };
    struct spec *own_spec = NULL;
    struct comparison cmp = { 0 };
    struct result result;
    char *spec_path = NULL;
    struct known_findings *known = NULL;
    char *known_shown = NULL;
    bool known_edited = false;
    int exit_code, rc;

    memset(&o, 0, sizeof(o));
    o.max_examples = 5;
    result_init(&result);
    if ((exit_code = parse(&o, argc, argv)) != 0)
        return exit_code;
    if ((exit_code = find_spec_path(&o.g, &spec_path)) != 0)
        return exit_code;
    if ((rc = dataset_open(&ds, o.place, o.rev, spec_path)) < 0) {
        exit_code = report_error(rc);
        goto done;
    }
    const char *spec_rev = NULL;
    if ((exit_code = resolve_spec_from(&o, &ds, &spec_rev)) != 0)
        goto done;
    if (spec_rev && (rc = dataset_use_spec_from(&ds, spec_rev, &own_spec)) < 0) {
        exit_code = report_error(rc);
        goto done;
    }
    if (!o.update_known && (rc = load_known_findings(&known, &known_shown, &known_edited, &ds, spec_rev)) < 0) {
        exit_code = report_error(rc);
        goto done;
    }
    if ((rc = compare_run(&result, &cmp, &ds, o.base ? o.base : "auto", want_bump(&o))) < 0) {
        exit_code = report_error(rc);
        goto done;
    }
    if (known_edited)
        result_add_note(&result, "this change edits %s; it was judged with the one from %s (the edit applies "
                        "once merged)", KNOWN_FINDINGS_FILE, spec_rev);
    if (known)
        known_findings_apply(known, &result, known_shown);
    if (o.update_known && (rc = update_known_findings(&ds, &result)) < 0) {
        exit_code = report_error(rc);
        goto done;
    }
    if (own_spec)
        note_spec_changes(&result, ds.spec, own_spec, spec_rev);
    if (ds.spec_repo_path)
        result.spec_repo_path = xstrdup(ds.spec_repo_path);

    struct report_options ro = {
        .color = o.g.color == COLOR_ALWAYS || (o.g.color == COLOR_AUTO && isatty(STDOUT_FILENO) && !getenv("NO_COLOR")),
        .quiet = o.g.quiet,
        .max_examples = o.max_examples,
        .comparison = &cmp,
        .spec = ds.spec,
    };
    if (want_bump(&o) && plan_bump(&plan, &ds, &cmp, &result, o.base)) {
        ro.bump = semver_part_name(plan.decision.part);
        ro.bump_reason = plan.decision.reason;
        ro.next_version = plan.decision.part != SEMVER_NONE ? plan.version : NULL;
    }
    exit_code = result_passed(&result) ? 0 : 1;
    for (size_t i = 0; i < o.n_outputs; i++) {
        struct report_options file_ro = ro;
        if (o.outputs[i].path && strcmp(o.outputs[i].path, "-"))
            file_ro.color = false;
        if ((rc = write_output(&o.outputs[i], &result, &file_ro)) < 0) {
            exit_code = report_error(rc);
            break;
        }
    }
    if (in_github_actions() && (rc = write_github_files(&o, &result, &ro)) < 0)
        exit_code = report_error(rc);
done:
    bump_plan_release(&plan);
    known_findings_free(known);
    free(known_shown);
    result_release(&result);
    comparison_release(&cmp);
    spec_free(own_spec);
    dataset_close(&ds);
    free(spec_path);
    return exit_code;
}
