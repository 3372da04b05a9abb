/*
 * dsci: dataset CI. The command table, shared setup (-C, --version, help) and the
 * exit path: every command returns the contract's exit code, and main makes sure
 * stdout really reached its destination before exiting 0 or 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ci_outputs.h"
#include "cmd/cmd.h"
#include "report.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/gh_escape.h"
#include "util/jobs.h"

#ifndef DSCI_VERSION
#define DSCI_VERSION "0.0.0"
#endif

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    void (*help)(void);
    const char *summary;
};

static const struct command commands[] = {
    { "check", cmd_check, cmd_check_help, "run every gate of the spec on the dataset and report" },
    { "diff", cmd_diff, cmd_diff_help, "compare two versions of the dataset example by example" },
    { "bump", cmd_bump, cmd_bump_help, "compute the next version, write the version file, optionally tag" },
    { "card", cmd_card, cmd_card_help, "regenerate the dataset card from the data, the spec and the version file" },
    { "hook", cmd_hook, cmd_hook_help, "install the pre-commit hook in this repository" },
    { "init", cmd_init, cmd_init_help, "write a starter spec for the dataset found here" },
};

static void usage(FILE *out)
{
    fputs("usage: dsci [-C DIR] COMMAND [OPTIONS]\n\ncommands:\n", out);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs("\n  dsci help COMMAND     options of one command\n"
          "  dsci --version\n", out);
}

static const struct command *find_command(const char *name)
{
    /* Exact names only: a script must not change meaning when a command is added. */
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

static int finish(int code)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "dsci: cannot write to standard output: %s\n", strerror(errno));
        return 3;
    }
    return code;
}

/*
 * In GitHub Actions a run that ends in exit 2 or 3 still leaves its trace where a
 * reviewer looks: an error annotation (escaped), the message in the step summary and
 * the output result=error.
 */
/* The command being run, for the heading of an error summary (NULL before it is known). */
static const char *ci_command;

static void report_ci_error(int code)
{
    const char *v = getenv("GITHUB_ACTIONS"), *summary = getenv("GITHUB_STEP_SUMMARY");
    const char *outputs = getenv("GITHUB_OUTPUT"), *msg = message_last_error();
    struct buf b = BUF_INIT;

    if (code < 2 || !v || strcmp(v, "true") != 0)
        return;
    if (!*msg)
        msg = code == 2 ? "usage or spec error" : "environment or I/O error";
    buf_addstr(&b, "::error title=dsci::");
    gh_escape_data(&b, msg, GH_MESSAGE_MAX);
    buf_addch(&b, '\n');
    gh_guard_commands(stdout, true);
    fputs(buf_cstr(&b), stdout);
    gh_guard_commands(stdout, false);
    buf_release(&b);
    if (summary && *summary) {
        char *text = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&text, &len);
        if (mem) {
            int rc = report_markdown_error(mem, ci_command, msg, code);
            if (fclose(mem) == 0 && rc == 0 && ci_append_file(summary, text, len) < 0)
                fprintf(stderr, "dsci: %s\n", err_last());
        }
        free(text);
    }
    if (outputs && *outputs) {
        struct ci_output kv[] = { { "result", "error" } };
        if (ci_outputs_append(outputs, kv, 1) < 0)
            fprintf(stderr, "dsci: %s\n", err_last());
    }
}

static int leave(int code)
{
    report_ci_error(code);
    return finish(code);
}

int main(int argc, char **argv)
{
    int i = 1;
    /* In GitHub Actions nothing dsci prints may start a workflow command it did not mean. */
    if (gh_guard_install() < 0)
        fputs("dsci: cannot guard the output streams against workflow commands\n", stderr);
    const char *jobs_env = getenv("DSCI_JOBS");
    if (jobs_env && *jobs_env && !jobs_parse(jobs_env))   /* not a command line: warn, go on */
        usage_error("ignoring DSCI_JOBS='%s' (want a number of threads from 1 to %d)", jobs_env, JOBS_MAX);
    /* Options before the command that only main understands. */
    while (i < argc && argv[i][0] == '-') {
        if (!strcmp(argv[i], "-C")) {
            if (i + 1 >= argc)
                return leave(usage_error("option '-C' needs a directory"));
            if (chdir(argv[i + 1]) != 0)
                return leave(usage_error("cannot change to '%s': %s", argv[i + 1], strerror(errno)));
            i += 2;
        } else if (!strcmp(argv[i], "--version")) {
            printf("dsci %s\n", DSCI_VERSION);
            return finish(0);
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return finish(0);
        } else {
            break;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return leave(2);
    }
    if (argv[i][0] == '-') {
        /* a global option before the command: let the command see it */
        for (int j = i; j < argc; j++) {
            /* the value of a global option is not the command: `dsci --spec x.yaml check` */
            if (!strcmp(argv[j], "--spec") || !strcmp(argv[j], "--color") || !strcmp(argv[j], "--jobs") ||
                !strcmp(argv[j], "-j") || !strcmp(argv[j], "-C")) {
                j++;
                continue;
            }
            if (argv[j][0] != '-') {
                const struct command *cmd = find_command(argv[j]);
                if (!cmd)
                    break;
                /* move the command name to the front of the option list */
                char *name = argv[j];
                memmove(&argv[i + 1], &argv[i], (size_t)(j - i) * sizeof(char *));
                argv[i] = name;
                break;
            }
        }
    }
    if (!strcmp(argv[i], "help")) {
        if (i + 1 >= argc) {
            usage(stdout);
            return finish(0);
        }
        const struct command *cmd = find_command(argv[i + 1]);
        if (!cmd)
            return leave(usage_error("no such command '%s' (see 'dsci help')", argv[i + 1]));
        cmd->help();
        return finish(0);
    }
    const struct command *cmd = find_command(argv[i]);
    if (!cmd)
        return leave(usage_error("no such command '%s' (see 'dsci help')", argv[i]));
    ci_command = cmd->name;
    for (int j = i + 1; j < argc; j++)
        if (!strcmp(argv[j], "-h") || !strcmp(argv[j], "--help")) {
            cmd->help();
            return finish(0);
        }
    return leave(cmd->run(argc - i - 1, argv + i + 1));
}
