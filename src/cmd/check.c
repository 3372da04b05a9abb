/*
 * dsci check: run every gate of the spec on the dataset and report.
 *
 * Reads the spec, opens the source (the work tree), runs the engine, then writes each
 * requested format (--format F [--output FILE], repeatable) and exits 0 when every
 * blocking gate passed, 1 when one failed, 2 for usage/spec errors, 3 for I/O.
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare.h"
#include "dataset.h"
#include "engine.h"
#include "report.h"
#include "source.h"
#include "spec.h"
#include "util/atomic_file.h"
#include "util/err.h"

#define MAX_OUTPUTS 8

struct output {
    const struct reporter *reporter;
    const char *path;        /* NULL: stdout */
};

struct check_opts {
    struct global_opts g;
    enum dataset_place place;
    const char *rev;
    const char *base;        /* --base: auto (default), none, or a revision */
    struct output outputs[MAX_OUTPUTS];
    size_t n_outputs;
    size_t max_examples;
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
          "  --base REV|auto|none the version to compare with (default auto: the highest\n"
          "                       tag <tag_prefix><semver> on HEAD's history); none skips\n"
          "                       the regression gates\n"
          "  --spec PATH          the spec (default: the only spec in ./specs/)\n"
          "  --format F           text (default) or json; repeatable\n"
          "  --output FILE        write the preceding --format to FILE instead of stdout\n"
          "  --max-examples N     offending examples listed per failed check (default 5)\n"
          "  --color auto|always|never, -q/--quiet, -C DIR\n"
          "\n"
          "exit: 0 all blocking gates passed, 1 a blocking gate failed, 2 usage or spec error,\n"
          "      3 environment or I/O error\n",
          stdout);
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
            if (!rep)
                return usage_error("unknown format '%s' (known: text, json)", v);
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
        if (argv[a.i][0] == '-')
            return usage_error("unknown option '%s' for check (see 'dsci help check')", argv[a.i]);
        return usage_error("check takes no arguments, got '%s'", argv[a.i]);
    }
    if (o->n_outputs == 0) {
        o->outputs[0].reporter = &report_text;
        o->outputs[0].path = NULL;
        o->n_outputs = 1;
    }
    return 0;
}

/* Writes one report. A file is written whole or not at all, so a reader of
 * report.json never sees half a report. */
static int write_output(const struct output *out, const struct result *r, const struct report_options *ro)
{
    if (!out->path || !strcmp(out->path, "-")) {
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
    if (rc == 0)
        rc = atomic_write_file(out->path, text, len, 0644);
    free(text);
    return rc;
}

int cmd_check(int argc, char **argv)
{
    struct check_opts o;
    struct dataset ds = { 0 };
    struct comparison cmp = { 0 };
    struct result result;
    char *spec_path = NULL;
    int exit_code, rc;

    memset(&o, 0, sizeof(o));
    o.max_examples = 5;
    result_init(&result);
    if ((exit_code = parse(&o, argc, argv)) != 0)
        return exit_code;
    if ((exit_code = find_spec_path(&o.g, &spec_path)) != 0)
        return exit_code;
    if ((rc = dataset_open(&ds, o.place, o.rev, spec_path)) < 0 ||
        (rc = compare_run(&result, &cmp, &ds, o.base ? o.base : "auto", false)) < 0) {
        exit_code = report_error(rc);
        goto done;
    }

    struct report_options ro = {
        .color = o.g.color == COLOR_ALWAYS || (o.g.color == COLOR_AUTO && isatty(STDOUT_FILENO) && !getenv("NO_COLOR")),
        .quiet = o.g.quiet,
        .max_examples = o.max_examples,
    };
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
done:
    result_release(&result);
    comparison_release(&cmp);
    dataset_close(&ds);
    free(spec_path);
    return exit_code;
}
