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

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/progress.h"
#include "report/ci_outputs.h"
#include "report/report.h"
#include "run/check.h"
#include "run/known_findings.h"
#include "run/shard.h"
#include "util/atomic_file.h"
#include "util/buf.h"
#include "util/err.h"

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
          "  --no-cache           read every file; neither use nor add to the summary cache\n"
          "                       (<git dir>/dsci/cache; DSCI_NO_CACHE=1 does the same)\n"
          "  --explain-cache      say on stderr how many files and chunks came from the\n"
          "                       cache, how many were read, and why\n"
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

enum { O_WORKTREE = 1, O_STAGED, O_REV, O_SPEC_FROM, O_BASE, O_FORMAT, O_OUTPUT, O_MAX_EXAMPLES, O_UPDATE,
       O_NO_CACHE, O_EXPLAIN_CACHE, O_SHARD, O_SUMMARY_OUT };

static const struct cli_option options[] = {
    { "--worktree", NULL, CLI_FLAG, O_WORKTREE, NULL, 0 },
    { "--staged", NULL, CLI_FLAG, O_STAGED, NULL, 0 },
    { "--rev", NULL, CLI_VALUE, O_REV, NULL, 0 },
    { "--spec-from", NULL, CLI_VALUE, O_SPEC_FROM, NULL, CLI_FIELD(struct check_cli, run.spec_from) },
    { "--base", NULL, CLI_VALUE, O_BASE, NULL, CLI_FIELD(struct check_cli, run.base) },
    { "--format", NULL, CLI_VALUE, O_FORMAT, NULL, 0 },
    { "--output", NULL, CLI_VALUE, O_OUTPUT, NULL, 0 },
    { "--max-examples", NULL, CLI_VALUE, O_MAX_EXAMPLES, NULL, 0 },
    { "--update-baseline", NULL, CLI_FLAG, O_UPDATE, NULL, CLI_FIELD(struct check_cli, run.update_known) },
    { "--no-cache", NULL, CLI_FLAG, O_NO_CACHE, NULL, 0 },
    { "--explain-cache", NULL, CLI_FLAG, O_EXPLAIN_CACHE, NULL, CLI_FIELD(struct check_cli, explain_cache) },
    { "--shard", NULL, CLI_VALUE, O_SHARD, "I/N", CLI_FIELD(struct check_cli, shard) },
    { "--summary-out", NULL, CLI_VALUE, O_SUMMARY_OUT, "a file", CLI_FIELD(struct check_cli, summary_out) },
};

int check_cli_add_format(struct check_cli *o, const char *v)
{
    const struct reporter *rep = report_find(v);
    if (!rep) {
        struct buf known = BUF_INIT;
        for (size_t k = 0; report_at(k); k++)
            buf_printf(&known, "%s%s", k ? ", " : "", report_at(k)->name);
        int ue = usage_error("unknown format '%s' (known: %s)", v, buf_cstr(&known));
        buf_release(&known);
        return ue;
    }
    if (o->n_outputs == CHECK_MAX_OUTPUTS)
        return usage_error("at most %d --format options", CHECK_MAX_OUTPUTS);
    o->outputs[o->n_outputs].reporter = rep;
    o->outputs[o->n_outputs++].path = NULL;
    return 0;
}

int check_cli_set_output(struct check_cli *o, const char *v)
{
    if (o->n_outputs == 0)
        return usage_error("--output must follow the --format it is for");
    if (o->outputs[o->n_outputs - 1].path)
        return usage_error("--format %s already has an --output", o->outputs[o->n_outputs - 1].reporter->name);
    o->outputs[o->n_outputs - 1].path = v;
    return 0;
}

int check_cli_set_max_examples(struct check_cli *o, const char *v)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || n < 0 || n > 1000)
        return usage_error("--max-examples takes a number from 0 to 1000, not '%s'", v);
    o->max_examples = (size_t)n;
    return 0;
}

static int on_option(void *ctx, const struct cli *c, int id)
{
    struct check_cli *o = ctx;
    const char *v = c->value;
    switch (id) {
    case CLI_POSITIONAL:
        return usage_error("check takes no arguments, got '%s'", v);
    case O_WORKTREE:
        o->run.place = DATASET_WORKTREE;
        return 0;
    case O_STAGED:
        o->run.place = DATASET_INDEX;
        return 0;
    case O_REV:
        o->run.place = DATASET_REV;
        o->run.rev = v;
        return 0;
    case O_FORMAT:
        return check_cli_add_format(o, v);
    case O_OUTPUT:
        return check_cli_set_output(o, v);
    case O_NO_CACHE:
        summary_cache_disable();
        return 0;
    case O_MAX_EXAMPLES:
        return check_cli_set_max_examples(o, v);
    }
    return 0;
}

static int parse(struct check_cli *o, int argc, char **argv)
{
    struct cli c = CLI_INIT("check", options, &o->g, argc, argv);
    int rc = cli_parse(&c, on_option, o);
    if (rc)
        return rc;
    if (o->run.update_known && o->run.place == DATASET_REV)
        return usage_error("--update-baseline writes the work tree's %s; it does not go with --rev",
                           KNOWN_FINDINGS_FILE);
    unsigned index, count;
    if (o->shard && shard_plan_parse(o->shard, &index, &count) < 0)
        return usage_error("--shard takes I/N, shard I of N counting from 1 (1/4 ... 4/4), N at most %u, not '%s'",
                           SHARD_MAX_COUNT, o->shard);
    if (!o->shard != !o->summary_out)
        return usage_error(o->shard ? "--shard needs --summary-out FILE: the part that dsci merge reads"
                                    : "--summary-out goes with --shard I/N");
    if (o->shard && (o->n_outputs || o->run.update_known))
        return usage_error("a shard writes its part only; the report (--format, --update-baseline) comes from "
                           "dsci merge");
    return 0;
}

/* The bump decision needs both sides' files hashed: only worth it where it is shown. */
static bool want_bump(const struct check_cli *o)
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
 * as it is, never replaced; "-" is standard output. Standard error is written from
 * memory in one go: it is unbuffered, and a JSON report written to it directly took
 * one write() per token (276,411 for 850 KB, 0.7 s). */
static int write_output(const struct check_output *out, const struct result *r, const struct report_options *ro)
{
    int std = !out->path || !strcmp(out->path, "-") ? 1 : output_std_alias(out->path);
    if (std == 1) {
        int rc = out->reporter->write(stdout, r, ro);
        if (rc < 0 || fflush(stdout) != 0)
            return err_set(DSCI_EENV, "cannot write the %s report to standard output", out->reporter->name);
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
    if (rc == 0 && std == 2) {
        if (fwrite(text, 1, len, stderr) != len || fflush(stderr) != 0)
            rc = err_set(DSCI_EENV, "cannot write the %s report to standard error", out->reporter->name);
    } else if (rc == 0) {
        rc = output_write_file(out->path, text, len, 0644);
    }
    free(text);
    return rc;
}

/* The report's formats as the run will need them: json and sarif list every finding, and
 * --update-baseline accepts every one (text, github and markdown show a few). */
static void settle_outputs(struct check_cli *o)
{
    if (o->run.update_known)
        result_set_max_findings(SIZE_MAX);
    for (size_t i = 0; i < o->n_outputs; i++)
        if (o->outputs[i].reporter == &report_json || o->outputs[i].reporter == &report_sarif)
            result_set_max_findings(SIZE_MAX);
    if (o->n_outputs == 0) {
        o->outputs[0].reporter = in_github_actions() ? &report_github : &report_text;
        o->outputs[0].path = NULL;
        o->n_outputs = 1;
    }
}

/* The JSON report's file, for the report_path step output; NULL when it has none. */
static const char *json_report_path(const struct check_cli *o)
{
    const char *path = NULL;
    for (size_t i = 0; i < o->n_outputs; i++)
        if (o->outputs[i].reporter == &report_json && o->outputs[i].path && strcmp(o->outputs[i].path, "-"))
            path = o->outputs[i].path;
    return path;
}

/* The HTML report's file, for the step summary's link to the run's artifacts. */
static const char *html_report_path(const struct check_cli *o)
{
    const char *path = NULL;
    for (size_t i = 0; i < o->n_outputs; i++)
        if (o->outputs[i].reporter == &report_html && o->outputs[i].path && strcmp(o->outputs[i].path, "-"))
            path = o->outputs[i].path;
    return path;
}

static void explain_side(const char *side, const struct summary_cache_counts *c)
{
    uint64_t chunks = c->chunks_reused + c->chunks_read;
    fprintf(stderr, "cache: %s: %" PRIu64 " of %" PRIu64 " chunks reused (%.1f MB), %" PRIu64 " read (%.1f MB: %" PRIu64
                    " not cached, %" PRIu64 " damaged entries recomputed); %" PRIu64 " files skipped unread by blob id",
            side, c->chunks_reused, chunks, (double)c->bytes_reused / 1e6, c->chunks_read, (double)c->bytes_read / 1e6,
            c->chunks_absent, c->chunks_damaged, c->files_skipped);
    if (c->uncacheable_pieces)
        fprintf(stderr, "; %" PRIu64 " pieces read whole, never cached (a JSON array file, a line over the limit)",
                c->uncacheable_pieces);
    fputc('\n', stderr);
}

/* --explain-cache: what the summary cache did, on stderr (the reports stay the same). */
static void explain_cache(const struct comparison *cmp)
{
    if (!cmp->cached) {
        fprintf(stderr, "cache: off (%s)\n", summary_cache_enabled() ? "not a git repository" : "--no-cache or DSCI_NO_CACHE");
        return;
    }
    explain_side("head", &cmp->cache_head);
    const struct summary_import *imp = &cmp->summary;
    if (imp->found && imp->ignored)
        fprintf(stderr, "cache: %s%s ignored (%s)\n", SUMMARY_REF_PREFIX, cmp->baseline, imp->why);
    else if (imp->found)
        fprintf(stderr, "cache: %s%s: %" PRIu64 " entries, %" PRIu64 " imported, %" PRIu64 " already cached\n",
                SUMMARY_REF_PREFIX, cmp->baseline, imp->entries, imp->imported, imp->present);
    if (cmp->have)
        explain_side("baseline", &cmp->cache_base);
}

int check_and_report(struct check_cli *o)
{
    struct check_outcome out;
    int exit_code, rc;

    settle_outputs(o);
    progress_setup(o->g.quiet);
    o->run.spec = o->g.spec;
    o->run.want_bump = want_bump(o);
    if ((rc = check_run(&out, &o->run)) < 0) {
        exit_code = report_error(rc);
        goto done;
    }
    struct report_options ro = {
        .color = o->g.color == COLOR_ALWAYS ||
                 (o->g.color == COLOR_AUTO && isatty(STDOUT_FILENO) && !getenv("NO_COLOR")),
        .quiet = o->g.quiet,
        .max_examples = o->max_examples,
        .comparison = &out.cmp,
        .spec = out.ds.spec,
    };
    struct quote_source quoting = { out.ds.src, &out.result };
    ro.quote = quote_lines;
    ro.quote_ctx = &quoting;
    if (out.planned) {
        ro.bump = semver_part_name(out.plan.v.decision.part);
        ro.bump_reason = out.plan.v.decision.reason;
        ro.next_version = out.plan.v.decision.part != SEMVER_NONE ? out.plan.v.version : NULL;
    }
    exit_code = result_passed(&out.result) ? 0 : 1;
    for (size_t i = 0; i < o->n_outputs; i++) {
        struct report_options file_ro = ro;
        if (o->outputs[i].path && strcmp(o->outputs[i].path, "-"))
            file_ro.color = false;
        if ((rc = write_output(&o->outputs[i], &out.result, &file_ro)) < 0) {
            exit_code = report_error(rc);
            break;
        }
    }
    if (o->explain_cache)
        explain_cache(&out.cmp);
    char run_url[REPORT_RUN_URL_SIZE];
    ro.html_report_path = html_report_path(o);
    ro.html_report_url = ro.html_report_path && report_run_url(run_url) ? run_url : NULL;
    if (in_github_actions() && (rc = ci_outputs_write_check(&out.result, &ro, json_report_path(o))) < 0)
        exit_code = report_error(rc);
done:
    check_outcome_release(&out);
    return exit_code;
}

int cmd_check(int argc, char **argv)
{
    struct check_cli o = CHECK_CLI_INIT;
    int exit_code = parse(&o, argc, argv);
    if (exit_code)
        return exit_code;
    return o.shard ? check_shard(&o) : check_and_report(&o);
}
