/* The option parser: globals anywhere, both value forms, "--", errors and their hints. */
#include "test_helpers.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/buf.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ARGS 8

enum { T_FORMAT = 1, T_STAGED, T_SPEC };

static const struct cli_option table[] = {
    { "--format", NULL, CLI_VALUE, T_FORMAT, NULL, 0 },
    { "--staged", "-s", CLI_FLAG, T_STAGED, NULL, 0 },
};

/* A table that refuses the global --spec by name, as init does. */
static const struct cli_option refusing[] = {
    { "--spec", NULL, CLI_NAMED, T_SPEC, NULL, 0 },
};

/*
 * Runs the parser over argv and writes what it returned: "ID" or "ID=VALUE" for an
 * option, "P=ARG" for a positional, "ERR" for an error (then stops), space-separated.
 */
static void trace(struct buf *out, struct cli *c)
{
    int id;
    while ((id = cli_next(c)) != CLI_DONE) {
        if (out->len)
            buf_addch(out, ' ');
        if (id == CLI_ERROR) {
            buf_addstr(out, "ERR");
            return;
        }
        if (id == CLI_UNKNOWN) {
            buf_printf(out, "UNK@%d", c->at);
            return;
        }
        if (id == CLI_POSITIONAL)
            buf_printf(out, "P=%s", c->value);
        else if (c->value)
            buf_printf(out, "%d=%s", id, c->value);
        else
            buf_printf(out, "%d", id);
    }
}

static void test_cli__table(void **state)
{
    (void)state;
    static const struct {
        const char *argv[MAX_ARGS];
        const char *trace;
        const char *error;          /* message_last_error() after the error */
        const char *spec;           /* the global --spec seen */
        enum color_mode color;
        bool quiet;
    } cases[] = {
        /* globals anywhere, in both forms, applied and not returned */
        { { "--spec", "s.yaml", "--staged", "pos", "-q", "--color", "never" }, "2 P=pos", NULL, "s.yaml",
          COLOR_NEVER, true },
        { { "--staged", "--spec=a.yaml", "--color=always", "--quiet" }, "2", NULL, "a.yaml", COLOR_ALWAYS, true },
        /* a command option's value: "=" and space forms, the alias */
        { { "--format=json", "-s" }, "1=json 2", NULL, NULL, COLOR_AUTO, false },
        { { "--format", "json", "x" }, "1=json P=x", NULL, NULL, COLOR_AUTO, false },
        { { "--format=" }, "1=", NULL, NULL, COLOR_AUTO, false },
        /* the value may look like an option */
        { { "--format", "--staged" }, "1=--staged", NULL, NULL, COLOR_AUTO, false },
        /* missing values */
        { { "--format" }, "ERR", "option '--format' needs a value", NULL, COLOR_AUTO, false },
        { { "--staged", "-j" }, "2 ERR", "option '-j' needs a value", NULL, COLOR_AUTO, false },
        { { "-C" }, "ERR", "option '-C' needs a value", NULL, COLOR_AUTO, false },
        /* bad global values */
        { { "--color", "purple" }, "ERR", "--color takes auto, always or never, not 'purple'", NULL, COLOR_AUTO,
          false },
        { { "--jobs=0" }, "ERR", "--jobs takes a number of threads from 1 to 64, not '0'", NULL, COLOR_AUTO, false },
        /* unknown options: a hint when a long option is close, else the help pointer */
        { { "--formt", "json" }, "ERR", "unknown option '--formt' for test (did you mean '--format'?)", NULL,
          COLOR_AUTO, false },
        { { "--colr=never" }, "ERR", "unknown option '--colr=never' for test (did you mean '--color'?)", NULL,
          COLOR_AUTO, false },
        { { "--bogus" }, "ERR", "unknown option '--bogus' for test (see 'dsci help test')", NULL, COLOR_AUTO, false },
        { { "-x" }, "ERR", "unknown option '-x' for test (see 'dsci help test')", NULL, COLOR_AUTO, false },
        { { "-" }, "ERR", "unknown option '-' for test (see 'dsci help test')", NULL, COLOR_AUTO, false },
        /* a flag takes no "=", a short option no "=" form */
        { { "--staged=1" }, "ERR", "unknown option '--staged=1' for test (did you mean '--staged'?)", NULL,
          COLOR_AUTO, false },
        { { "-j=2" }, "ERR", "unknown option '-j=2' for test (see 'dsci help test')", NULL, COLOR_AUTO, false },
        /* a longer name is not its prefix */
        { { "--stagedx" }, "ERR", "unknown option '--stagedx' for test (did you mean '--staged'?)", NULL,
          COLOR_AUTO, false },
        /* "--" ends the options: what follows is positional, globals included */
        { { "--staged", "--", "--format", "-q", "--" }, "2 P=--format P=-q P=--", NULL, NULL, COLOR_AUTO, false },
        { { "--" }, "", NULL, NULL, COLOR_AUTO, false },
    };
    for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
        char *argv[MAX_ARGS];
        int argc = 0;
        while (argc < MAX_ARGS && cases[k].argv[argc]) {
            argv[argc] = (char *)cases[k].argv[argc];
            argc++;
        }
        struct global_opts g = { 0 };
        struct cli c = CLI_INIT("test", table, &g, argc, argv);
        struct buf out = BUF_INIT;
        trace(&out, &c);
        if (strcmp(buf_cstr(&out), cases[k].trace) != 0)
            fail_msg("case %zu: parsed as '%s', want '%s'", k, buf_cstr(&out), cases[k].trace);
        if (cases[k].error)                /* an error always sets its own message */
            assert_string_equal(message_last_error(), cases[k].error);
        if (!cases[k].spec)
            assert_null(g.spec);
        else
            assert_string_equal(g.spec, cases[k].spec);
        assert_int_equal(g.color, cases[k].color);
        assert_int_equal(g.quiet, cases[k].quiet);
        buf_release(&out);
    }
}

/* -C changes directory where it stands, also after another global option's value. */
static void test_cli__dir_after_global(void **state)
{
    (void)state;
    char before[PATH_MAX], after[PATH_MAX], dir[] = "/tmp/dsci-test-cli.XXXXXX", *real;
    assert_non_null(getcwd(before, sizeof(before)));
    assert_non_null(mkdtemp(dir));
    real = realpath(dir, NULL);
    assert_non_null(real);
    char *argv[] = { "--color", "never", "-C", dir, "--staged" };
    struct global_opts g = { 0 };
    struct cli c = CLI_INIT("test", table, &g, 5, argv);
    assert_int_equal(cli_next(&c), T_STAGED);
    assert_int_equal(cli_next(&c), CLI_DONE);
    assert_non_null(getcwd(after, sizeof(after)));
    assert_string_equal(after, real);
    assert_int_equal(g.color, COLOR_NEVER);
    assert_int_equal(chdir(before), 0);
    assert_int_equal(rmdir(dir), 0);
    free(real);

    char *bad[] = { "-C", "/nonexistent/dsci-test" };
    struct cli b = CLI_INIT("test", table, &g, 2, bad);
    assert_int_equal(cli_next(&b), CLI_ERROR);
    assert_string_equal(message_last_error(), "cannot change to '/nonexistent/dsci-test': No such file or directory");
}

/* A command's table is matched first: init refuses the global --spec by its name alone. */
static void test_cli__command_table_shadows_globals(void **state)
{
    (void)state;
    char *argv[] = { "--spec", "--spec=x.yaml" };
    struct global_opts g = { 0 };
    struct cli c = CLI_INIT("init", refusing, &g, 2, argv);
    assert_int_equal(cli_next(&c), T_SPEC);
    assert_null(c.value);
    assert_int_equal(cli_next(&c), T_SPEC);
    assert_int_equal(cli_next(&c), CLI_DONE);
    assert_null(g.spec);
    /* no hint towards an option that is only there to be refused */
    char *typo[] = { "--spce" };
    struct cli t = CLI_INIT("init", refusing, &g, 1, typo);
    assert_int_equal(cli_next(&t), CLI_ERROR);
    assert_string_equal(message_last_error(), "unknown option '--spce' for init (see 'dsci help init')");
}

/* main reads its own options and stops, without a message, at the first other argument. */
static void test_cli__stop_at_unknown(void **state)
{
    (void)state;
    static const struct cli_option main_table[] = {
        { "--version", NULL, CLI_FLAG, 1, NULL, 0 },
        { "-C", NULL, CLI_VALUE, 2, "a directory", 0 },
    };
    static const struct {
        const char *argv[MAX_ARGS];
        const char *trace;
        const char *error;
    } cases[] = {
        { { "--version", "--spec", "x", "check" }, "1 UNK@1", NULL },
        { { "--", "check" }, "UNK@0", NULL },
        { { "check", "--version" }, "P=check 1", NULL },
        { { "-C" }, "ERR", "option '-C' needs a directory" },
    };
    for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
        char *argv[MAX_ARGS];
        int argc = 0;
        while (argc < MAX_ARGS && cases[k].argv[argc]) {
            argv[argc] = (char *)cases[k].argv[argc];
            argc++;
        }
        struct cli c = CLI_INIT("dsci", main_table, NULL, argc, argv);
        struct buf out = BUF_INIT;
        c.stop_at_unknown = true;
        trace(&out, &c);
        if (strcmp(buf_cstr(&out), cases[k].trace) != 0)
            fail_msg("case %zu: parsed as '%s', want '%s'", k, buf_cstr(&out), cases[k].trace);
        if (cases[k].error)                /* an error always sets its own message */
            assert_string_equal(message_last_error(), cases[k].error);
        buf_release(&out);
    }
}

struct stored {
    struct global_opts g;
    bool dry_run;
    const char *base;
    const char *seen[MAX_ARGS];      /* what reached the handler: "ID" or "P=ARG" */
    size_t n_seen;
};

static int on_stored(void *ctx, const struct cli *c, int id)
{
    struct stored *o = ctx;
    if (id == CLI_POSITIONAL && !strcmp(c->value, "stop"))
        return 7;                    /* the handler's exit code ends the parse */
    o->seen[o->n_seen++] = id == CLI_POSITIONAL ? c->value : id == 1 ? "1" : "?";
    return 0;
}

/* cli_parse stores options that name a field, hands the rest to the handler, and
 * returns 2 after a parse error or the handler's own code. */
static void test_cli__parse_stores_fields(void **state)
{
    (void)state;
    static const struct cli_option stored_table[] = {
        { "--format", NULL, CLI_VALUE, 1, NULL, 0 },
        { "--dry-run", NULL, CLI_FLAG, 2, NULL, CLI_FIELD(struct stored, dry_run) },
        { "--base", NULL, CLI_VALUE, 3, NULL, CLI_FIELD(struct stored, base) },
    };
    char *argv[] = { "--dry-run", "a", "--base=v1", "--format", "json", "-q", "b" };
    struct stored o = { 0 };
    struct cli c = CLI_INIT("test", stored_table, &o.g, 7, argv);
    assert_int_equal(cli_parse(&c, on_stored, &o), 0);
    assert_true(o.dry_run);
    assert_string_equal(o.base, "v1");
    assert_true(o.g.quiet);
    assert_int_equal(o.n_seen, 3);
    assert_string_equal(o.seen[0], "a");
    assert_string_equal(o.seen[1], "1");
    assert_string_equal(o.seen[2], "b");

    char *bad[] = { "--base" };
    struct stored p = { 0 };
    struct cli b = CLI_INIT("test", stored_table, &p.g, 1, bad);
    assert_int_equal(cli_parse(&b, on_stored, &p), 2);
    assert_null(p.base);

    char *stop[] = { "stop", "--dry-run" };
    struct stored q = { 0 };
    struct cli s = CLI_INIT("test", stored_table, &q.g, 2, stop);
    assert_int_equal(cli_parse(&s, on_stored, &q), 7);
    assert_false(q.dry_run);
}

static void test_cli__global_takes_value(void **state)
{
    (void)state;
    static const struct {
        const char *arg;
        bool takes;
    } cases[] = {
        { "--spec", true }, { "--color", true }, { "--jobs", true }, { "-j", true }, { "-C", true },
        { "-q", false }, { "--quiet", false }, { "--spec=x", false }, { "--format", false }, { "check", false },
    };
    for (size_t k = 0; k < ARRAY_SIZE(cases); k++)
        if (cli_global_takes_value(cases[k].arg) != cases[k].takes)
            fail_msg("'%s' should%s take a value", cases[k].arg, cases[k].takes ? "" : " not");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli__table),
        cmocka_unit_test(test_cli__dir_after_global),
        cmocka_unit_test(test_cli__command_table_shadows_globals),
        cmocka_unit_test(test_cli__stop_at_unknown),
        cmocka_unit_test(test_cli__parse_stores_fields),
        cmocka_unit_test(test_cli__global_takes_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
