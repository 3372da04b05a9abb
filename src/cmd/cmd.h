/*
 * The commands and the option parsing they share. main.c owns the command table and
 * global setup; each cmd_* turns its arguments into an options struct, calls the
 * engine, prints, and returns the process exit code (0..3, see CONTRACT).
 */
#ifndef DSCI_CMD_H
#define DSCI_CMD_H

#include <stdbool.h>
#include <stddef.h>

enum color_mode { COLOR_AUTO = 0, COLOR_ALWAYS, COLOR_NEVER };

/* Options every command accepts, wherever they stand on the command line. */
struct global_opts {
    const char *spec;        /* --spec PATH */
    enum color_mode color;   /* --color */
    bool quiet;              /* -q */
};

/* The arguments after the command name. Positionals are collected in order; every
 * option the command does not know is a usage error. */
struct args {
    int argc;
    char **argv;
    int i;                   /* next to read */
};

/*
 * Returns 1 and sets *value (NULL for a flag) when argv[i] is `name` (with its value
 * as the next argument or after '='), 0 when it is something else, -1 (message
 * printed) when the value is missing.
 */
int args_match(struct args *a, const char *name, bool takes_value, const char **value);
/* Handles a global option at the current position: 1 consumed, 0 not global, -1 error. */
int args_global(struct args *a, struct global_opts *g);

/* Prints "dsci: <message>" (and a hint) to stderr; returns 2. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "dsci: <msg>" to stderr, msg escaped to one line (term_escape): names in
 * messages come from the repository, the command line or the environment. */
void message_print(const char *msg);
/* Prints one line to stdout, escaped as message_print does (no "\n" in fmt): for lines
 * that hold a path or a name from the spec or the repository. */
void out_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The message of the last usage_error/report_error ("" when none), borrowed. */
const char *message_last_error(void);
/* Prints err_last() and maps the code to an exit code. */
int report_error(int code);

/* Resolves --spec or the default spec; prints and returns an exit code on failure,
 * 0 on success (*out is malloc'd). */
int find_spec_path(const struct global_opts *g, char **out);

int cmd_check(int argc, char **argv);
void cmd_check_help(void);
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

#endif
