/*
 * src/cmd/: one file per command. main.c owns the command table and global setup; each
 * cmd_* turns its arguments into an options struct (src/cli), makes one library call,
 * prints, and returns the process exit code (0..3, see CONTRACT). Only main.c and these
 * files talk to the terminal.
 */
#ifndef DSCI_CMD_H
#define DSCI_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/cli.h"
#include "run/check.h"

#define CHECK_MAX_OUTPUTS 8

/* One report of a check: --format F [--output FILE]. */
struct check_output {
    const struct reporter *reporter;
    const char *path;        /* NULL or "-": stdout */
};

/* `dsci check` as parsed, for cmd_check and the pre-commit hook (hook run). */
struct check_cli {
    struct global_opts g;
    struct check_options run;
    struct check_output outputs[CHECK_MAX_OUTPUTS];
    size_t n_outputs;        /* 0: text, github in GitHub Actions */
    size_t max_examples;
    bool explain_cache;      /* --explain-cache: say on stderr what the summary cache did */
    const char *shard;       /* --shard I/N: this shard's part only, to --summary-out */
    const char *summary_out;
};

#define CHECK_CLI_INIT { .max_examples = 5 }

/* Runs the check and writes its reports and the GitHub Actions files; the exit code. */
int check_and_report(struct check_cli *o);

/* `dsci check --shard I/N --summary-out FILE`: reads this shard's pieces, writes the
 * part (run/shard.h); 0 unless the shard could not be read (then 2 or 3). */
int check_shard(struct check_cli *o);

/* --format F and --output FILE of check and merge: 0, or the usage error's exit code. */
int check_cli_add_format(struct check_cli *o, const char *name);
int check_cli_set_output(struct check_cli *o, const char *path);
int check_cli_set_max_examples(struct check_cli *o, const char *value);

int cmd_check(int argc, char **argv);
void cmd_check_help(void);
int cmd_merge(int argc, char **argv);
void cmd_merge_help(void);
int cmd_diff(int argc, char **argv);
void cmd_diff_help(void);
int cmd_bump(int argc, char **argv);
void cmd_bump_help(void);
int cmd_hook(int argc, char **argv);
void cmd_hook_help(void);
int cmd_card(int argc, char **argv);
void cmd_card_help(void);
int cmd_init(int argc, char **argv);
void cmd_init_help(void);
int cmd_tokens(int argc, char **argv);
void cmd_tokens_help(void);

#endif
