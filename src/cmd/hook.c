/*
 * dsci hook: the git pre-commit hook.
 *
 *   dsci hook install [--force]   writes the hook (hooks/pre-commit of this source tree)
 *                                 into the repository's hooks folder; a hook dsci did not
 *                                 write is kept unless --force, then moved aside
 *   dsci hook run                 what the hook runs: one line and exit 0 when no staged
 *                                 path touches a dataset, else `dsci check --staged` for
 *                                 each touched spec; the worst exit code wins
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hook/hook.h"
#include "data/repo.h"
#include "util/err.h"
#include "util/xalloc.h"
#include "util/strv.h"

struct hook_opts {
    struct global_opts g;
    bool force;
    const char *sub;         /* install | run */
};

void cmd_hook_help(void)
{
    fputs("usage: dsci hook install [--force] [-q]\n"
          "   or: dsci hook run [--color auto|always|never] [-q]\n"
          "\n"
          "install  writes the pre-commit hook into this repository's hooks folder\n"
          "         (core.hooksPath when set, else .git/hooks). A pre-commit hook that dsci\n"
          "         did not write is left alone unless --force, which keeps it as\n"
          "         pre-commit.dsci-backup. The hook runs 'dsci' from PATH (or $DSCI).\n"
          "run      what the hook runs: exits 0 with one line when no staged path touches a\n"
          "         dataset spec or its files; otherwise checks what is staged for each\n"
          "         touched spec, as 'dsci check --staged --spec SPEC' would.\n"
          "\n"
          "To commit past the hook: git commit --no-verify\n"
          "\n"
          "exit: 0 installed / nothing blocking, 1 a blocking gate failed, 2 usage or spec\n"
          "      error (or a foreign hook without --force), 3 not a git repository or I/O error\n",
          stdout);
}

enum { O_FORCE = 1 };

static const struct cli_option options[] = {
    { "--force", NULL, CLI_FLAG, O_FORCE, NULL, CLI_FIELD(struct hook_opts, force) },
};

static int on_option(void *ctx, const struct cli *c, int id)
{
    struct hook_opts *o = ctx;
    (void)id;                      /* --force is stored by the table: this is the subcommand */
    if (o->sub)
        return usage_error("hook takes one subcommand, got '%s' and '%s'", o->sub, c->value);
    o->sub = c->value;
    return 0;
}

static int parse(struct hook_opts *o, int argc, char **argv)
{
    struct cli c = CLI_INIT("hook", options, &o->g, argc, argv);
    int rc = cli_parse(&c, on_option, o);
    if (rc)
        return rc;
    if (!o->sub)
        return usage_error("hook needs a subcommand: install or run (see 'dsci help hook')");
    if (strcmp(o->sub, "install") && strcmp(o->sub, "run"))
        return usage_error("unknown hook subcommand '%s' (install or run)", o->sub);
    if (o->g.spec)
        return usage_error("hook %s takes no --spec: the hook checks every spec the staged changes touch", o->sub);
    if (o->force && strcmp(o->sub, "install"))
        return usage_error("--force is an option of 'hook install'");
    return 0;
}

/* Whether a command name would be found on PATH, as the hook's `command -v` does. */
static bool on_path(const char *name)
{
    const char *path = getenv("PATH");
    while (path && *path) {
        size_t len = strcspn(path, ":");
        char *full = len ? xasprintf("%.*s/%s", (int)len, path, name) : xasprintf("./%s", name);
        bool found = access(full, X_OK) == 0;
        free(full);
        if (found)
            return true;
        path += len + (path[len] == ':');
    }
    return false;
}

static int open_repo(struct repo **out)
{
    int rc = repo_open(out, ".");
    if (rc < 0 && !strncmp(err_last(), "not a git repository", 20)) {
        fputs("dsci: not a git repository (or any parent folder); run 'dsci hook' inside the "
              "repository whose commits it should check\n", stderr);
        return 3;
    }
    return rc < 0 ? report_error(rc) : 0;
}

static int hook_install_cmd(const struct hook_opts *o)
{
    struct hook_install_result res = HOOK_INSTALL_RESULT_INIT;
    struct repo *repo = NULL;
    char *dir = NULL;
    int exit_code, rc;

    if ((exit_code = open_repo(&repo)) != 0)
        return exit_code;
    if (repo_is_bare(repo)) {
        exit_code = usage_error("bare repository has no work tree to commit from");
        goto done;
    }
    if ((rc = repo_hooks_dir(repo, &dir)) < 0 || (rc = hook_install(&res, dir, o->force)) < 0) {
        exit_code = report_error(rc);
        goto done;
    }
    if (!o->g.quiet) {
        switch (res.outcome) {
        case HOOK_INSTALLED:
            out_line("installed the dsci pre-commit hook: %s", res.path);
            break;
        case HOOK_UNCHANGED:
            out_line("the dsci pre-commit hook is already installed: %s", res.path);
            break;
        case HOOK_UPDATED:
            out_line("updated the dsci pre-commit hook: %s", res.path);
            break;
        case HOOK_REPLACED:
            out_line("installed the dsci pre-commit hook: %s (the previous hook is kept as %s)",
                   res.path, res.backup);
            break;
        }
    }
    if (!getenv("DSCI") && !on_path("dsci"))
        fputs("dsci: warning: 'dsci' is not on PATH, so the hook will not find it; put it there "
              "or set DSCI=/path/to/dsci where git runs\n", stderr);
done:
    hook_install_result_release(&res);
    free(dir);
    repo_free(repo);
    return exit_code;
}

static int hook_run_cmd(const struct hook_opts *o)
{
    struct repo *repo = NULL;
    char **staged = NULL, **specs = NULL;
    size_t n_staged = 0, n = 0;
    char *workdir = NULL;
    int exit_code, rc, worst = 0;

    if ((exit_code = open_repo(&repo)) != 0)
        return exit_code;
    if (!repo_workdir(repo)) {
        exit_code = usage_error("bare repository has no work tree to commit from");
        goto done;
    }
    if ((rc = repo_staged_paths(repo, &staged, &n_staged)) < 0 ||
        (rc = hook_touched_specs(&specs, &n, repo_workdir(repo), staged, n_staged)) < 0) {
        exit_code = report_error(rc);
        goto done;
    }
    if (n == 0) {
        if (!o->g.quiet)
            puts("dsci: no staged change touches a dataset; skipping");
        goto done;
    }
    /* The spec paths are repo-relative; git runs hooks at the top, a person may not. */
    workdir = xstrdup(repo_workdir(repo));
    repo_free(repo);
    repo = NULL;
    if (chdir(workdir) != 0) {
        fprintf(stderr, "dsci: cannot change to '%s': %m\n", workdir);
        exit_code = 3;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        struct check_cli check = CHECK_CLI_INIT;
        check.g.spec = specs[i];
        check.g.color = o->g.color;
        check.g.quiet = o->g.quiet;
        check.run.place = DATASET_INDEX;
        if (!o->g.quiet)
            out_line("dsci: checking the staged dataset of %s", specs[i]);
        fflush(stdout);
        int code = check_and_report(&check);
        if (code > worst)
            worst = code;
        fflush(stdout);
    }
    if (worst)
        fputs("commit blocked by dsci; fix the data, or bypass with: git commit --no-verify\n", stderr);
    exit_code = worst;
done:
    strv_free(staged, n_staged);
    strv_free(specs, n);
    free(workdir);
    repo_free(repo);
    return exit_code;
}

int cmd_hook(int argc, char **argv)
{
    struct hook_opts o;
    int exit_code;

    memset(&o, 0, sizeof(o));
    if ((exit_code = parse(&o, argc, argv)) != 0)
        return exit_code;
    return !strcmp(o.sub, "install") ? hook_install_cmd(&o) : hook_run_cmd(&o);
}
