/*
 * dsci diff [BASE [HEAD]]: the example-level diff between two versions of the dataset.
 *
 * BASE defaults to the automatic baseline (the highest version tag on HEAD's history),
 * HEAD to the work tree; --staged compares the index instead. Prints added / removed /
 * modified / unchanged per split and per coverage category, and metric changes.
 * Exit 0 when it could compare, 2 for usage errors, 3 when there is no repository.
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/compare.h"
#include "data/dataset.h"
#include "report/report_diff.h"
#include "util/err.h"

void cmd_diff_help(void)
{
    fputs("usage: dsci diff [BASE [HEAD]] [--staged] [--spec PATH] [--format text|json]\n"
          "\n"
          "Compares two versions of the dataset example by example. Examples are matched by\n"
          "content hash, so reordering or reformatting a file is not a change.\n"
          "\n"
          "  BASE          a tag, branch or commit (default: the highest version tag\n"
          "                <tag_prefix><semver> on HEAD's history)\n"
          "  HEAD          a tag, branch or commit (default: the work tree)\n"
          "  --staged      compare the git index instead of the work tree\n"
          "  --format F    text (default) or json\n",
          stdout);
}

struct diff_opts {
    struct global_opts g;
    const char *positional[2];   /* BASE, HEAD */
    size_t n_positional;
    bool json, staged;
};

enum { O_STAGED = 1, O_FORMAT };

static const struct cli_option options[] = {
    { "--staged", NULL, CLI_FLAG, O_STAGED, NULL, CLI_FIELD(struct diff_opts, staged) },
    { "--format", NULL, CLI_VALUE, O_FORMAT, NULL, 0 },
};

static int on_option(void *ctx, const struct cli *c, int id)
{
    struct diff_opts *o = ctx;
    if (id == O_FORMAT) {
        if (!strcmp(c->value, "json"))
            o->json = true;
        else if (strcmp(c->value, "text") != 0)
            return usage_error("diff --format takes text or json, not '%s'", c->value);
    } else {
        if (o->n_positional == 2)
            return usage_error("diff takes at most two revisions, got '%s' too", c->value);
        o->positional[o->n_positional++] = c->value;
    }
    return 0;
}

int cmd_diff(int argc, char **argv)
{
    struct diff_opts o = { 0 };
    struct cli c = CLI_INIT("diff", options, &o.g, argc, argv);
    struct dataset ds = { 0 };
    struct comparison cmp = { 0 };
    struct result head;
    char *spec_path = NULL;
    int exit_code = 0, rc;

    if ((exit_code = cli_parse(&c, on_option, &o)) != 0)
        return exit_code;
    if (o.staged && o.positional[1])
        return usage_error("give either HEAD or --staged, not both");
    if ((exit_code = find_spec_path(&o.g, &spec_path)) != 0)
        return exit_code;

    result_init(&head);
    enum dataset_place place = o.positional[1] ? DATASET_REV : o.staged ? DATASET_INDEX : DATASET_WORKTREE;
    if ((rc = dataset_open(&ds, place, o.positional[1], spec_path)) < 0 ||
        (rc = compare_run(&head, &cmp, &ds, o.positional[0] ? o.positional[0] : "auto", false)) < 0) {
        exit_code = report_error(rc);
        goto done;
    }
    if (!cmp.have) {
        /* the notes say why there is nothing to compare with */
        for (size_t i = 0; i < head.n_notes; i++)
            message_print(head.notes[i]);
        fprintf(stderr, "dsci: no baseline to compare with; name one: dsci diff BASE\n");
        exit_code = ds.repo ? 2 : 3;
        goto done;
    }
    struct diff_report r = {
        &cmp.merged, &cmp.diff, &cmp.base, &head, cmp.baseline,
        o.positional[1] ? o.positional[1] : o.staged ? "index" : "worktree",
    };
    rc = o.json ? report_diff_json(stdout, &r) : report_diff_text(stdout, &r);
    if (rc < 0)
        exit_code = report_error(rc);
done:
    result_release(&head);
    comparison_release(&cmp);
    dataset_close(&ds);
    free(spec_path);
    return exit_code;
}
