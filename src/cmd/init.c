/*
 * dsci init: write a starter spec for the dataset found here.
 *
 * Looks for JSON Lines / JSON data below the current folder (or -C DIR), measures it,
 * and writes a commented spec to specs/<name>.yaml (--name, default the folder's name;
 * --output another path, whose dataset root is then the folder scanned). It never
 * overwrites: an existing file is a usage error (exit 2), as is a folder without data.
 * Prints what it found, what it wrote and what to run next.
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "init/init.h"
#include "spec/spec.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/gh_escape.h"
#include "util/xalloc.h"

struct init_opts {
    struct global_opts g;
    const char *name;
    const char *output;
};

void cmd_init_help(void)
{
    fputs("usage: dsci init [--name NAME] [--output PATH] [-q]\n"
          "\n"
          "Looks at the dataset in this folder (*.jsonl and *.json files of ShareGPT, OpenAI\n"
          "chat or Alpaca records, also .gz or .zst compressed and Git LFS objects, in any\n"
          "subfolder but hidden ones, node_modules and specs/)\n"
          "and writes a commented starter spec: format, splits from the file names (train,\n"
          "val/valid/dev, test/eval), categories from a label field such as metadata.category,\n"
          "quality bands and split ratios from the data as it is today.\n"
          "\n"
          "  --name NAME      dataset.name and the file name (default: this folder's name)\n"
          "  --output PATH    where to write (default: specs/NAME.yaml); the data is looked\n"
          "                   for in that spec's dataset root (the folder above specs/)\n"
          "  -q, --quiet      print nothing but errors\n"
          "\n"
          "dsci init never overwrites a file: edit the spec it wrote, or remove it first.\n"
          "\n"
          "exit: 0 written, 2 usage error, no data found or the spec exists, 3 I/O error\n",
          stdout);
}

static bool yaml_name(const char *path)
{
    size_t n = strlen(path);
    return (n > 5 && !strcmp(path + n - 5, ".yaml")) || (n > 4 && !strcmp(path + n - 4, ".yml"));
}

enum { O_NAME = 1, O_OUTPUT, O_SPEC, O_FORCE };

static const struct cli_option options[] = {
    { "--name", NULL, CLI_VALUE, O_NAME, NULL, 0 },
    { "--output", NULL, CLI_VALUE, O_OUTPUT, NULL, 0 },
    { "--spec", NULL, CLI_NAMED, O_SPEC, NULL, 0 },       /* the global, refused here */
    { "--force", "-f", CLI_FLAG, O_FORCE, NULL, 0 },      /* refused: init never overwrites */
};

static int on_option(void *ctx, const struct cli *c, int id)
{
    struct init_opts *o = ctx;
    const char *v = c->value;
    switch (id) {
    case CLI_POSITIONAL:
        return usage_error("init takes no arguments, got '%s' (to look at another folder: dsci -C DIR init)", v);
    case O_SPEC:
        return usage_error("init writes a spec rather than reading one: say where with --output PATH");
    case O_FORCE:
        return usage_error("dsci init has no %s: it never overwrites a spec; edit it, or remove it first",
                           c->argv[c->at]);
    case O_NAME:
        if (!init_name_ok(v))
            return usage_error("--name '%s': use letters, digits, '.', '_' and '-' (not first), at most "
                               "100; it names the spec file", v);
        o->name = v;
        break;
    case O_OUTPUT:
        if (!yaml_name(v))
            return usage_error("--output '%s': a spec is a .yaml or .yml file", v);
        o->output = v;
        break;
    }
    return 0;
}

static const char *skip_dot_slash(const char *p)
{
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    return p;
}

/* What to run next: plain `dsci check` when it would find this spec on its own. */
static void print_next(const char *output)
{
    char *found = NULL;
    if (spec_find(&found, ".") == 0 && !strcmp(skip_dot_slash(found), skip_dot_slash(output)))
        puts("next: review it, then run: dsci check");
    else
        printf("next: review it, then run: dsci check --spec %s\n", output);
    err_clear();
    free(found);
}

static void print_scan(const struct init_scan *scan)
{
    struct buf line = BUF_INIT;
    init_describe(&line, scan);
    printf("detected: %s\n", buf_cstr(&line));
    buf_release(&line);
    for (size_t k = 0; k < scan->n_splits; k++) {
        const struct init_split *sp = &scan->splits[k];
        size_t n = 0;
        for (size_t i = 0; i < scan->n_files; i++) {
            if (strcmp(scan->files[i].split, sp->name))
                continue;
            if (n++ == 0)
                printf("  %-12s %s", sp->name, scan->files[i].path);
            else
                printf(", %s", scan->files[i].path);
        }
        printf(" (%llu example%s)\n", (unsigned long long)sp->examples, sp->examples == 1 ? "" : "s");
    }
    for (size_t i = 0; i < scan->n_skipped; i++) {
        /* a name left out for not being UTF-8 is printed escaped: stdout stays UTF-8 */
        struct buf name = BUF_INIT;
        term_escape(&name, scan->skipped[i]);
        printf("left out: %s\n", buf_cstr(&name));
        buf_release(&name);
    }
    /* data the starter spec does not bless: its first check fails on these (they name files) */
    for (size_t i = 0; i < scan->quality.n_concerns; i++) {
        struct buf concern = BUF_INIT;
        term_escape(&concern, scan->quality.concerns[i]);
        printf("check: %s\n", buf_cstr(&concern));
        buf_release(&concern);
    }
}

int cmd_init(int argc, char **argv)
{
    struct init_opts o;
    struct init_scan scan = INIT_SCAN_INIT;
    char *name = NULL, *output = NULL;
    int exit_code = 0, rc;

    memset(&o, 0, sizeof(o));
    struct cli c = CLI_INIT("init", options, &o.g, argc, argv);
    if ((exit_code = cli_parse(&c, on_option, &o)) != 0)
        return exit_code;
    if (o.output) {
        char *root = init_spec_root(o.output);
        name = o.name ? xstrdup(o.name) : init_default_name(root);
        free(root);
        output = xstrdup(o.output);
    } else {
        name = o.name ? xstrdup(o.name) : init_default_name(".");
        output = xasprintf("specs/%s.yaml", name);
    }

    struct init_options io = { name, output };
    if ((rc = init_run(&scan, &io)) < 0) {
        exit_code = report_error(rc);
        goto done;
    }
    if (!o.g.quiet) {
        print_scan(&scan);
        printf("wrote %s\n", output);
        print_next(output);
    }
done:
    init_scan_release(&scan);
    free(name);
    free(output);
    return exit_code;
}
