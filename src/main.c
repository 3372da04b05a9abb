/*
 * dsci: dataset CI. The command table (the one list of commands), shared setup (-C,
 * --version, help; parsed by src/cli like every command's options) and the
 * exit path: every command returns the contract's exit code, and main makes sure
 * stdout really reached its destination before exiting 0 or 1.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/ci_outputs.h"
#include "cli/cli.h"
#include "cmd/cmd.h"
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
    { "merge", cmd_merge, cmd_merge_help, "merge the parts of a sharded check (check --shard) and report" },
    { "diff", cmd_diff, cmd_diff_help, "compare two versions of the dataset example by example" },
    { "bump", cmd_bump, cmd_bump_help, "compute the next version, write the version file, optionally tag" },
    { "card", cmd_card, cmd_card_help, "regenerate the dataset card from the data, the spec and the version file" },
    { "hook", cmd_hook, cmd_hook_help, "install the pre-commit hook in this repository" },
    { "init", cmd_init, cmd_init_help, "write a starter spec for the dataset found here" },
    { "tokens", cmd_tokens, cmd_tokens_help, "count the tokens of each example with a model's tokenizer" },
};

enum { M_DIR = 1, M_VERSION, M_HELP };

static const struct cli_option main_options[] = {
    { "-C", NULL, CLI_VALUE, M_DIR, "a directory", 0 },
    { "--version", NULL, CLI_FLAG, M_VERSION, NULL, 0 },
    { "-h", "--help", CLI_FLAG, M_HELP, NULL, 0 },
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
    const char *v = getenv("GITHUB_ACTIONS"), *msg = message_last_error();
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
    if (ci_summary_append_error(ci_command, msg, code) < 0)
        fprintf(stderr, "dsci: %s\n", err_last());
    const char *outputs = getenv("GITHUB_OUTPUT");
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
    /* Chunks, summaries and cache entries are buffers of a few MB, freed and asked for
     * again all run long: glibc would map each afresh (and the kernel zero every page
     * of it, the largest cost of a warm run on a VM); kept in the heap they are reused. */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    /* In GitHub Actions nothing dsci prints may start a workflow command it did not mean. */
    if (gh_guard_install() < 0)
        fputs("dsci: cannot guard the output streams against workflow commands\n", stderr);
    const char *jobs_env = getenv("DSCI_JOBS");
    if (jobs_env && *jobs_env && !jobs_parse(jobs_env))   /* not a command line: warn, go on */
        usage_error("ignoring DSCI_JOBS='%s' (want a number of threads from 1 to %d)", jobs_env, JOBS_MAX);
    /* Options before the command that only main understands; the first other argument
     * ends them (global options before the command are the command's). */
    struct cli c = CLI_INIT("dsci", main_options, NULL, argc - 1, argv + 1);
    c.stop_at_unknown = true;
    int id;
    while ((id = cli_next(&c)) > 0) {
        if (id == M_DIR && cli_change_dir(c.value) != 0)
            return leave(2);
        if (id == M_VERSION) {
            printf("dsci %s\n", DSCI_VERSION);
            return finish(0);
        }
        if (id == M_HELP) {
            usage(stdout);
            return finish(0);
        }
    }
    if (id == CLI_ERROR)
        return leave(2);
    int i = 1 + c.at;   /* the command, or the first option main leaves to it */
    if (i >= argc) {
        usage(stderr);
        return leave(2);
    }
    if (argv[i][0] == '-') {
        /* a global option before the command: let the command see it */
        for (int j = i; j < argc; j++) {
            /* the value of a global option is not the command: `dsci --spec x.yaml check` */
            if (cli_global_takes_value(argv[j])) {
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
