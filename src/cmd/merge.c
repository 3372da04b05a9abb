/*
 * dsci merge PART...: the end of a sharded check. Checks that the parts are every shard
 * of one run (run/shard.h: same dsci, spec, revision, baseline, shard count, none
 * missing or twice, none damaged), replays them in file order into the gates, and
 * reports exactly as `dsci check` would have on the whole data: same formats, same
 * GitHub Actions files, same exit code. It runs where the shards ran (a checkout of the
 * same commit): the spec, the card, the version file and the few examples a report
 * quotes are read there; the data's bytes are not.
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/shard.h"
#include "util/err.h"
#include "util/xalloc.h"

void cmd_merge_help(void)
{
    fputs("usage: dsci merge PART... [--format F [--output FILE]]... [--max-examples N] [-q]\n"
          "\n"
          "Merges the parts that `dsci check --shard I/N --summary-out PART` wrote, one per\n"
          "shard, and reports as `dsci check` would have on the whole dataset. Run it in a\n"
          "checkout of the commit the shards checked: the spec and the dataset's other files\n"
          "are read there. Every shard's part must be given once; parts of another run,\n"
          "spec or revision, and damaged parts, are refused by name.\n"
          "\n"
          "  --format F           text (default; github in GitHub Actions), json, github,\n"
          "                       markdown, sarif, junit; repeatable\n"
          "  --output FILE        write the preceding --format to FILE instead of stdout\n"
          "  --max-examples N     offending examples listed per failed check (default 5)\n"
          "  -j, --jobs N         threads to use; the results are the same for any N\n"
          "  --color auto|always|never, -q/--quiet, -C DIR\n"
          "\n"
          "exit: as dsci check: 0 all blocking gates passed, 1 a blocking gate failed,\n"
          "      2 usage or spec error (parts that are not one run's), 3 environment or I/O\n"
          "      error (a part that cannot be read, or is damaged)\n",
          stdout);
}

enum { M_FORMAT = 1, M_OUTPUT, M_MAX_EXAMPLES };

static const struct cli_option options[] = {
    { "--format", NULL, CLI_VALUE, M_FORMAT, NULL, 0 },
    { "--output", NULL, CLI_VALUE, M_OUTPUT, NULL, 0 },
    { "--max-examples", NULL, CLI_VALUE, M_MAX_EXAMPLES, NULL, 0 },
};

struct merge_cli {
    struct check_cli check;
    char **parts;
    size_t n_parts, alloc_parts;
};

static int on_option(void *ctx, const struct cli *c, int id)
{
    struct merge_cli *o = ctx;
    const char *v = c->value;
    char *end;
    long n;
    switch (id) {
    case CLI_POSITIONAL:
        *ALLOC_APPEND(o->parts, o->n_parts, o->alloc_parts) = (char *)v;
        return 0;
    case M_FORMAT:
        return check_cli_add_format(&o->check, v);
    case M_OUTPUT:
        return check_cli_set_output(&o->check, v);
    case M_MAX_EXAMPLES:
        n = strtol(v, &end, 10);
        if (*end || n < 0 || n > 1000)
            return usage_error("--max-examples takes a number from 0 to 1000, not '%s'", v);
        o->check.max_examples = (size_t)n;
        return 0;
    }
    return 0;
}

int cmd_merge(int argc, char **argv)
{
    struct merge_cli o = { .check = CHECK_CLI_INIT };
    struct cli c = CLI_INIT("merge", options, &o.check.g, argc, argv);
    int exit_code = cli_parse(&c, on_option, &o);
    if (!exit_code && o.n_parts == 0)
        exit_code = usage_error("merge takes the parts the shards wrote: dsci merge PART... (dsci check --shard I/N "
                                "--summary-out PART makes one)");
    if (!exit_code && o.check.g.spec)
        exit_code = usage_error("merge judges with the spec the shards ran (the parts name it); --spec does not "
                                "go with merge");
    struct shard_job *job = NULL;
    int rc;
    if (!exit_code && (rc = shard_job_open(&job, o.parts, o.n_parts)) < 0)
        exit_code = report_error(rc);
    if (!exit_code) {
        const struct part_identity *id = &job->id;
        struct check_options *run = &o.check.run;
        run->place = (enum dataset_place)id->place;
        run->rev = *id->rev ? id->rev : NULL;
        run->spec_from = *id->spec_from ? id->spec_from : NULL;
        run->base = *id->base ? id->base : NULL;
        run->shard = job;
        o.check.g.spec = id->spec_path;
        exit_code = check_and_report(&o.check);
    }
    shard_job_free(job);
    free(o.parts);
    return exit_code;
}
