/* The option parser every command and main share (see cli.h for the grammar). */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/jobs.h"
#include "util/suggest.h"

enum { G_SPEC = 1, G_COLOR, G_DIR, G_JOBS, G_QUIET };

/* The options every command accepts. */
static const struct cli_option globals[] = {
    { "--spec", NULL, CLI_VALUE, G_SPEC, NULL, 0 },
    { "--color", NULL, CLI_VALUE, G_COLOR, NULL, 0 },
    { "-C", NULL, CLI_VALUE, G_DIR, NULL, 0 },
    { "--jobs", "-j", CLI_VALUE, G_JOBS, NULL, 0 },
    { "-q", "--quiet", CLI_FLAG, G_QUIET, NULL, 0 },
};

#define N_GLOBALS (sizeof(globals) / sizeof(globals[0]))
#define MAX_CANDIDATES 64

bool cli_global_takes_value(const char *arg)
{
    for (size_t k = 0; k < N_GLOBALS; k++)
        if (globals[k].kind == CLI_VALUE &&
            (!strcmp(arg, globals[k].name) || (globals[k].alias && !strcmp(arg, globals[k].alias))))
            return true;
    return false;
}

int cli_change_dir(const char *dir)
{
    if (chdir(dir) != 0)
        return usage_error("cannot change to '%s': %s", dir, strerror(errno));
    return 0;
}

/*
 * Whether argument `arg` is option spelling `name` of `kind`: 1 (c->value set, c->i past
 * it and its value), 0 not this option, -1 a missing value (message printed).
 */
static int match(struct cli *c, const char *name, const struct cli_option *o)
{
    const char *arg = c->argv[c->i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return 0;
    c->value = NULL;
    if (arg[n] == '\0') {
        if (o->kind == CLI_VALUE) {
            if (c->i + 1 >= c->argc) {
                usage_error("option '%s' needs %s", name, o->needs ? o->needs : "a value");
                return -1;
            }
            c->value = c->argv[++c->i];
        }
        c->i++;
        return 1;
    }
    /* the '=' form is for long options only: "-C=dir" is not "-C dir" */
    if (arg[n] == '=' && name[1] == '-' && o->kind != CLI_FLAG) {
        c->value = o->kind == CLI_VALUE ? arg + n + 1 : NULL;
        c->i++;
        return 1;
    }
    return 0;
}

/* The option of `table` that the current argument is: 1 (*found set), 0 none, -1 error. */
static int find(struct cli *c, const struct cli_option *table, size_t n, const struct cli_option **found)
{
    for (size_t k = 0; k < n; k++) {
        int m = match(c, table[k].name, &table[k]);
        if (m == 0 && table[k].alias)
            m = match(c, table[k].alias, &table[k]);
        if (m != 0) {
            *found = &table[k];
            return m;
        }
    }
    return 0;
}

static bool in_table(const struct cli *c, const char *name)
{
    for (size_t k = 0; k < c->n_opts; k++)
        if (!strcmp(c->opts[k].name, name) || (c->opts[k].alias && !strcmp(c->opts[k].alias, name)))
            return true;
    return false;
}

static size_t add_long_names(const char **out, size_t n, const struct cli_option *table, size_t count,
                             const struct cli *skip)
{
    for (size_t k = 0; k < count && n < MAX_CANDIDATES; k++) {
        const char *names[] = { table[k].name, table[k].alias };
        if (table[k].kind == CLI_NAMED)          /* recognised only to be refused */
            continue;
        for (size_t s = 0; s < 2 && n < MAX_CANDIDATES; s++)
            if (names[s] && !strncmp(names[s], "--", 2) && !(skip && in_table(skip, names[s])))
                out[n++] = names[s] + 2;
    }
    return n;
}

/* "unknown option", with the long option the user probably meant. */
static int unknown_option(const struct cli *c, const char *arg)
{
    const char *hint = NULL;
    if (!strncmp(arg, "--", 2) && arg[2]) {
        const char *candidates[MAX_CANDIDATES];
        char word[128];
        size_t len = strcspn(arg + 2, "="), n = add_long_names(candidates, 0, c->opts, c->n_opts, NULL);
        if (c->g)
            n = add_long_names(candidates, n, globals, N_GLOBALS, c);
        if (len < sizeof(word)) {
            memcpy(word, arg + 2, len);
            word[len] = '\0';
            hint = suggest_closest(word, candidates, n);
        }
    }
    if (hint)
        return usage_error("unknown option '%s' for %s (did you mean '--%s'?)", arg, c->command, hint);
    return usage_error("unknown option '%s' for %s (see 'dsci help %s')", arg, c->command, c->command);
}

static int apply_global(struct global_opts *g, int id, const char *v)
{
    switch (id) {
    case G_SPEC:
        g->spec = v;
        return 0;
    case G_COLOR:
        if (!strcmp(v, "auto"))
            g->color = COLOR_AUTO;
        else if (!strcmp(v, "always"))
            g->color = COLOR_ALWAYS;
        else if (!strcmp(v, "never"))
            g->color = COLOR_NEVER;
        else
            return usage_error("--color takes auto, always or never, not '%s'", v);
        return 0;
    case G_DIR:
        /* like git -C, also after the command name: relative paths are from DIR */
        return cli_change_dir(v);
    case G_JOBS: {
        unsigned n = jobs_parse(v);
        if (!n)
            return usage_error("--jobs takes a number of threads from 1 to %d, not '%s'", JOBS_MAX, v);
        jobs_set(n);
        return 0;
    }
    case G_QUIET:
        g->quiet = true;
        return 0;
    }
    return 0;
}

int cli_next(struct cli *c)
{
    while (c->i < c->argc) {
        const char *arg = c->argv[c->i];
        const struct cli_option *o = NULL;
        int m;
        c->at = c->i;
        c->opt = NULL;
        if (c->options_ended || arg[0] != '-') {
            c->value = c->argv[c->i++];
            return CLI_POSITIONAL;
        }
        if ((m = find(c, c->opts, c->n_opts, &o)) != 0) {
            c->opt = o;
            return m < 0 ? CLI_ERROR : o->id;
        }
        if (c->g && (m = find(c, globals, N_GLOBALS, &o)) != 0) {
            if (m < 0 || apply_global(c->g, o->id, c->value) != 0)
                return CLI_ERROR;
            continue;
        }
        if (c->stop_at_unknown)
            return CLI_UNKNOWN;
        if (!strcmp(arg, "--")) {
            c->options_ended = true;
            c->i++;
            continue;
        }
        unknown_option(c, arg);
        return CLI_ERROR;
    }
    c->at = c->i;
    return CLI_DONE;
}

int cli_parse(struct cli *c, cli_handler *on, void *ctx)
{
    int id, rc;
    while ((id = cli_next(c)) != CLI_DONE) {
        if (id == CLI_ERROR)
            return 2;
        if (c->opt && c->opt->field) {
            char *at = (char *)ctx + c->opt->field - 1;
            if (c->opt->kind == CLI_FLAG)
                *(bool *)at = true;
            else
                *(const char **)at = c->value;
        } else if ((rc = on(ctx, c, id)) != 0) {
            return rc;
        }
    }
    return 0;
}
