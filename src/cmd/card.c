/*
 * dsci card: regenerate the dataset card (dataset.card) from the data in the work
 * tree, the spec and the version file.
 *
 * Writes the card atomically, or nothing when it is already what it would write ("card
 * is up to date"). --dry-run shows the change as a unified diff and writes nothing;
 * --check exits 1 when the card is stale. Exit 2 when the spec names no card or the
 * card cannot be regenerated (front matter not closed, broken markers: file:line, the
 * file is left as it is); 3 for I/O errors.
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card/card.h"
#include "data/dataset.h"
#include "util/buf.h"
#include "util/err.h"

struct card_opts {
    struct global_opts g;
    bool dry_run, check;
    const char *base;
};

void cmd_card_help(void)
{
    fputs("usage: dsci card [--dry-run] [--check] [--base REV|auto|none] [--spec PATH] [-q]\n"
          "\n"
          "Regenerates the dataset card (dataset.card in the spec): the Hugging Face front\n"
          "matter (pretty_name, license, language, task_categories, size_categories, configs,\n"
          "dataset_info) and the blocks between <!-- dsci:begin NAME --> and\n"
          "<!-- dsci:end NAME --> markers (summary, structure, statistics, coverage, quality,\n"
          "checksums, changelog). Everything else in the card is kept byte for byte; a card\n"
          "without markers gets the blocks added. Running it twice changes nothing.\n"
          "\n"
          "  --dry-run           show what would change (a unified diff); write nothing\n"
          "  --check             write nothing; exit 1 when the card is not up to date\n"
          "  --base REV|auto|none  what the changelog entry of a new version compares with\n"
          "                      (default auto: the version file's previous version's tag,\n"
          "                      else the highest version tag on HEAD's history)\n"
          "  --spec PATH         the spec (default: the only spec in ./specs/)\n"
          "  -q, --quiet         print nothing but errors\n"
          "\n"
          "exit: 0 written or up to date, 1 stale (--check), 2 usage or spec error or a card\n"
          "      dsci cannot regenerate, 3 environment or I/O error\n",
          stdout);
}

enum { O_DRY_RUN = 1, O_CHECK, O_BASE };

static const struct cli_option options[] = {
    { "--dry-run", NULL, CLI_FLAG, O_DRY_RUN, NULL, CLI_FIELD(struct card_opts, dry_run) },
    { "--check", NULL, CLI_FLAG, O_CHECK, NULL, CLI_FIELD(struct card_opts, check) },
    { "--base", NULL, CLI_VALUE, O_BASE, NULL, CLI_FIELD(struct card_opts, base) },
};

/* Every option is stored by the table: only a positional comes here. */
static int on_option(void *ctx, const struct cli *c, int id)
{
    (void)ctx;
    (void)id;
    return usage_error("card takes no arguments, got '%s'", c->value);
}

int cmd_card(int argc, char **argv)
{
    struct card_opts o = { 0 };
    struct dataset ds = { 0 };
    struct card_job job = { 0 };
    char *spec_path = NULL;
    int exit_code, rc;

    struct cli c = CLI_INIT("card", options, &o.g, argc, argv);
    if ((exit_code = cli_parse(&c, on_option, &o)) != 0)
        return exit_code;
    if ((exit_code = find_spec_path(&o.g, &spec_path)) != 0)
        return exit_code;
    if ((rc = dataset_open(&ds, DATASET_WORKTREE, NULL, spec_path)) < 0 ||
        (rc = card_job_run(&job, &ds, o.base ? o.base : "auto")) < 0) {
        exit_code = report_error(rc);
        goto done;
    }
    bool changed = card_job_changed(&job);
    if (!changed) {
        if (!o.g.quiet)
            out_line("card is up to date: %s", job.display);
        goto done;
    }
    if (o.dry_run) {
        struct buf diff = BUF_INIT;
        card_text_diff(&diff, job.display, job.old ? job.old : "", job.old_len, job.new_text.ptr,
                       job.new_text.len);
        if (!o.g.quiet)
            printf("%swould %s %s\n", buf_cstr(&diff), job.old ? "update" : "create", job.display);
        buf_release(&diff);
    }
    if (o.check) {
        if (!o.g.quiet && !o.dry_run)
            out_line("card is stale: %s (run `dsci card`)", job.display);
        exit_code = 1;
        goto done;
    }
    if (o.dry_run)
        goto done;
    if ((rc = card_job_write(&job)) < 0) {
        exit_code = report_error(rc);
        goto done;
    }
    if (!o.g.quiet)
        out_line("%s %s", job.old ? "updated" : "wrote", job.display);
done:
    card_job_release(&job);
    dataset_close(&ds);
    free(spec_path);
    return exit_code;
}
