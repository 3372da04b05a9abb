/*
 * dsci bump: compute the next semantic version from the diff against the baseline,
 * write the version file, and with --tag create the annotated tag on HEAD.
 *
 * Prints the decision and its reason ("dsci: 1.0.0 -> 1.1.0 (minor: 12 examples added,
 * net +12)") and what it wrote; --format json prints one object instead. Exit 0 when it
 * bumped or found nothing to do, 2 for usage, spec and version-file errors, an existing
 * tag or uncommitted data for --tag, 3 for I/O and for --tag outside git.
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version/bump.h"
#include "data/dataset.h"
#include "util/err.h"
#include "util/json_pretty.h"

struct bump_cli {
    struct global_opts g;
    struct bump_options bump;
    bool json;
};

void cmd_bump_help(void)
{
    fputs("usage: dsci bump [--dry-run] [--tag] [--base REV|auto|none] [--spec PATH] [--format text|json]\n"
          "\n"
          "Computes the next semantic version of the dataset in the work tree from its diff\n"
          "against the baseline (major: format changed, split or category removed, too many\n"
          "examples removed; minor: examples or a category added; patch: examples modified,\n"
          "files or card changed; see versioning.rules in docs/spec.md), and writes the\n"
          "version file (dataset.version_file) with the checksums of every split.\n"
          "\n"
          "  --dry-run           print the decision and what would change; write nothing\n"
          "  --tag               also create the annotated tag <tag_prefix><version> on HEAD\n"
          "                      (the version file and the data must be committed: when\n"
          "                      they are not, the version file is written, nothing is\n"
          "                      tagged, and the message gives the commit to make; run\n"
          "                      `dsci bump --tag` again after it, which only tags)\n"
          "                      and store the version's summary in refs/dsci/summary/<tag>\n"
          "                      (push it with git push origin 'refs/dsci/*': a check\n"
          "                      against the tag then replays it; docs/cache.md)\n"
          "  --base REV|auto|none  the version bumped from (default auto: the highest tag\n"
          "                      <tag_prefix><semver> on HEAD's history); none: the version\n"
          "                      file's version, judged by its recorded checksums\n"
          "  --format F          text (default) or json\n"
          "  --spec PATH, -q/--quiet, -C DIR\n"
          "\n"
          "Without a baseline or a version file, the first version is 1.0.0; to start from\n"
          "another, write {\"version\": \"0.1.0\"} to the version file first.\n"
          "\n"
          "exit: 0 bumped or nothing to do, 2 usage, spec or version file error, existing tag,\n"
          "      uncommitted data for --tag, 3 environment or I/O error\n",
          stdout);
}

enum { O_DRY_RUN = 1, O_TAG, O_BASE, O_FORMAT };

static const struct cli_option options[] = {
    { "--dry-run", NULL, CLI_FLAG, O_DRY_RUN, NULL, CLI_FIELD(struct bump_cli, bump.dry_run) },
    { "--tag", NULL, CLI_FLAG, O_TAG, NULL, CLI_FIELD(struct bump_cli, bump.tag) },
    { "--base", NULL, CLI_VALUE, O_BASE, NULL, 0 },
    { "--format", NULL, CLI_VALUE, O_FORMAT, NULL, 0 },
};

static int on_option(void *ctx, const struct cli *c, int id)
{
    struct bump_cli *o = ctx;
    const char *v = c->value;
    switch (id) {
    case CLI_POSITIONAL:
        return usage_error("bump takes no arguments, got '%s'", v);
    case O_BASE:
        if (!*v)
            return usage_error("--base needs a revision, auto or none");
        o->bump.base = v;
        break;
    case O_FORMAT:
        if (!strcmp(v, "json"))
            o->json = true;
        else if (!strcmp(v, "text"))
            o->json = false;
        else
            return usage_error("bump --format takes text or json, not '%s'", v);
        break;
    }
    return 0;
}

static void print_text(const struct bump_outcome *o, bool dry_run)
{
    const struct bump_decision *d = &o->v.decision;
    if (o->nothing) {
        if (o->v.baseline)
            printf("dsci: no change since %s; nothing to bump\n", o->v.baseline);
        else
            printf("dsci: no change since version %s; nothing to bump\n", o->v.version);
    } else if (o->v.first) {
        printf("dsci: %s (%s)\n", o->v.version, d->reason);
    } else if (o->v.from && d->part != SEMVER_NONE) {
        printf("dsci: %s -> %s (%s: %s)\n", o->v.from, o->v.version, semver_part_name(d->part), d->reason);
    } else {
        printf("dsci: %s (none: %s)\n", o->v.version, d->reason);
    }
    if (o->up_to_date)
        printf("dsci: version file already up to date (%s)\n", o->v.version);
    if (o->written)
        out_line("dsci: wrote %s", o->version_file);
    if (o->would_write) {
        out_line("dsci: would write %s:", o->version_file);
        fputs(o->summary.ptr ? o->summary.ptr : "", stdout);
    }
    if (o->tag && o->tag_created)
        printf("dsci: created tag '%s'\n", o->tag);
    else if (o->tag && dry_run)
        printf("dsci: would create tag '%s'\n", o->tag);
}

static void print_json(const struct bump_outcome *o, bool dry_run)
{
    struct jw w = { stdout, 0, true };
    jw_open(&w, NULL, '{');
    jw_str(&w, "previous", o->v.from);
    jw_str(&w, "version", o->v.version);
    jw_str(&w, "bump", semver_part_name(o->v.decision.part));
    jw_str(&w, "reason", o->v.decision.reason);
    jw_bool(&w, "written", o->written);
    jw_str(&w, "tag", o->tag && (o->tag_created || dry_run) ? o->tag : NULL);
    jw_str(&w, "baseline", o->v.baseline);
    jw_bool(&w, "dry_run", dry_run);
    jw_bool(&w, "up_to_date", o->nothing || o->up_to_date);
    jw_open(&w, "rules", '[');
    for (size_t i = 0; i < o->v.decision.n_hits; i++) {
        const struct bump_hit *h = &o->v.decision.hits[i];
        jw_open(&w, NULL, '{');
        jw_str(&w, "rule", spec_bump_rule_name(h->rule));
        jw_str(&w, "bump", semver_part_name(h->part));
        jw_str(&w, "reason", h->reason);
        jw_close(&w, '}');
    }
    jw_close(&w, ']');
    jw_close(&w, '}');
    fputc('\n', stdout);
}

int cmd_bump(int argc, char **argv)
{
    struct bump_cli o;
    struct dataset ds = { 0 };
    struct bump_outcome out;
    char *spec_path = NULL;
    int exit_code, rc;

    memset(&o, 0, sizeof(o));
    memset(&out, 0, sizeof(out));
    struct cli c = CLI_INIT("bump", options, &o.g, argc, argv);
    if ((exit_code = cli_parse(&c, on_option, &o)) != 0)
        return exit_code;
    if ((exit_code = find_spec_path(&o.g, &spec_path)) != 0)
        return exit_code;
    if ((rc = dataset_open(&ds, DATASET_WORKTREE, NULL, spec_path)) < 0) {
        exit_code = report_error(rc);
        goto done;
    }
    rc = bump_run(&out, &ds, &o.bump);
    if (!o.g.quiet)
        for (size_t i = 0; i < out.n_notes; i++)
            message_print(out.notes[i]);
    if (rc < 0) {
        /* what was decided and done before the failure still matters (a written file) */
        if (out.decided && !o.json)
            print_text(&out, o.bump.dry_run);
        exit_code = report_error(rc);
        goto done;
    }
    if (o.json)
        print_json(&out, o.bump.dry_run);
    else
        print_text(&out, o.bump.dry_run);
    /* the card shows the version and the checksums: it is stale until regenerated */
    if (out.written && !o.json && ds.spec->dataset.card)
        out_line("dsci: run `dsci card` to bring %s up to date with it", ds.spec->dataset.card);
    exit_code = 0;
done:
    bump_outcome_release(&out);
    dataset_close(&ds);
    free(spec_path);
    return exit_code;
}
