/*
 * src/cli/: the command line. One table-driven option parser for main and every
 * command, the options every command accepts (globals), and the one way messages reach
 * stderr. Only main.c and src/cmd/ use it: nothing below them reads argv or prints.
 *
 *   enum { OPT_STAGED = 1, OPT_FORMAT };
 *   static const struct cli_option opts[] = {
 *       { "--staged", NULL, CLI_FLAG, OPT_STAGED },
 *       { "--format", NULL, CLI_VALUE, OPT_FORMAT },
 *   };
 *       { "--dry-run", NULL, CLI_FLAG, OPT_DRY_RUN, NULL, CLI_FIELD(struct my_opts, dry_run) },
 *   static int on_option(void *ctx, const struct cli *c, int id)
 *   {
 *       switch (id) { case OPT_FORMAT: return use(ctx, c->value); ... }   // 0: go on
 *   }
 *   struct cli c = CLI_INIT("check", opts, &g, argc, argv);
 *   int code = cli_parse(&c, on_option, &my_opts);   // 0, or the exit code (message printed)
 *
 * Grammar: `--name VALUE`, `--name=VALUE` (long options only), `-x VALUE`; a flag takes
 * no `=`; `--` ends the options (what follows is positional); any other argument that
 * starts with '-' and is in neither table is an error "unknown option 'ARG' for CMD",
 * with a hint when a long option is close to it. Globals (--spec, --color, -C, -j/--jobs,
 * -q/--quiet) are accepted anywhere; -C changes directory where it stands, like git's.
 */
#ifndef DSCI_CLI_H
#define DSCI_CLI_H

#include <stdbool.h>
#include <stddef.h>

enum color_mode { COLOR_AUTO = 0, COLOR_ALWAYS, COLOR_NEVER };

/* Options every command accepts, wherever they stand on the command line. */
struct global_opts {
    const char *spec;        /* --spec PATH (borrowed from argv) */
    enum color_mode color;   /* --color */
    bool quiet;              /* -q */
};

enum cli_kind {
    CLI_FLAG,                /* exact name, no value */
    CLI_VALUE,               /* `NAME VALUE`, or `NAME=VALUE` for a long name */
    CLI_NAMED,               /* NAME or NAME=...: recognised (to be refused), value not read */
};

/* One row of an option table. Ids are > 0 and chosen by the table's owner. */
struct cli_option {
    const char *name;        /* "--format" or "-C" */
    const char *alias;       /* another spelling ("-j" for "--jobs"), or NULL */
    enum cli_kind kind;
    int id;
    const char *needs;       /* what a missing value is called ("a directory"); NULL: "a value" */
    size_t field;            /* CLI_FIELD(): cli_parse stores the option there itself; 0: none */
};

/* Where cli_parse stores an option in the struct its ctx points to: a CLI_FLAG sets a
 * bool, a CLI_VALUE a const char * (borrowed from argv). */
#define CLI_FIELD(type, member) (offsetof(type, member) + 1)

/* cli_next's answers besides an option id. */
enum { CLI_DONE = 0, CLI_ERROR = -1, CLI_POSITIONAL = -2, CLI_UNKNOWN = -3 };

struct cli {
    const char *command;              /* names the command in messages: "check" */
    const struct cli_option *opts;    /* the command's table, matched before the globals */
    size_t n_opts;
    struct global_opts *g;            /* NULL: no global options (main before the command) */
    bool stop_at_unknown;             /* return CLI_UNKNOWN instead of printing an error */
    int argc;
    char **argv;                      /* borrowed; never modified */
    int i;                            /* next argument to read */
    bool options_ended;               /* "--" was seen */
    int at;                           /* index of the argument cli_next last returned */
    const struct cli_option *opt;     /* its row, NULL for a positional */
    const char *value;                /* its value (CLI_VALUE), or the positional itself */
};

#define CLI_INIT(cmd, table, globals, ac, av) \
    { (cmd), (table), sizeof(table) / sizeof((table)[0]), (globals), false, (ac), (av), 0, false, 0, NULL, NULL }

/*
 * Reads the next argument. Returns the id of a command option (c->value set for
 * CLI_VALUE), CLI_POSITIONAL (c->value the argument), CLI_DONE at the end, CLI_ERROR
 * when a message was printed (missing value, bad global value, unknown option; exit 2),
 * or with stop_at_unknown CLI_UNKNOWN, leaving c->i at the unknown argument. Global
 * options are applied to *c->g and not returned.
 */
int cli_next(struct cli *c);

/* chdir(dir), or the usage error "cannot change to 'DIR': why" (returns 2). */
int cli_change_dir(const char *dir);

/*
 * Reads every argument: an option with a field is stored into ctx's struct, every
 * other command option and positional goes to on(ctx, c, id) (c->value as above). Returns 0, 2 after a parse error (message printed), or the first
 * nonzero return of `on` (an exit code, by convention from usage_error).
 */
typedef int cli_handler(void *ctx, const struct cli *c, int id);
int cli_parse(struct cli *c, cli_handler *on, void *ctx);

/* Whether argv's `arg` is a global option whose value is the next argument: main skips
 * it when looking for the command name (`dsci --spec x.yaml check`). */
bool cli_global_takes_value(const char *arg);

/* Prints "dsci: <message>" to stderr; returns 2. */
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
 * 0 on success (*out is malloc'd, the caller's to free). */
int find_spec_path(const struct global_opts *g, char **out);

#endif
