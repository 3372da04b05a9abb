/*
 * YAML -> struct spec, in two passes: libyaml's event parser builds a small tree of
 * our own (refusing anchors, aliases, odd tags, deep nesting and huge documents as
 * it goes, so nothing hostile ever expands), then one function per section walks
 * that tree, keeping the dotted key path for messages. Every error names
 * file:line:column of the node at fault.
 */
#include "spec/spec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/path_boundary.h"
#include "util/strv.h"
#include "util/suggest.h"
#include "util/xalloc.h"

#define SPEC_FORMAT 1                 /* the `dsci:` value this build understands */
#define SPEC_MAX_BYTES ((size_t)1 << 20)
#define SPEC_MAX_DEPTH 64             /* a real spec nests 5 deep */
#define SPEC_MAX_NODES 100000
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------------ */
/* The YAML tree                                                                   */

enum ykind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
    enum ykind kind;
    bool is_null;          /* a plain empty, ~ or null scalar */
    char *value;           /* scalars: NUL-terminated, no NUL inside */
    size_t len;
    size_t line, col;      /* 1-based */
    struct ynode **items;  /* sequence: elements; mapping: key, value, key, value, ... */
    size_t n, alloc;
};

static void ynode_free(struct ynode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++)
        ynode_free(n->items[i]);   /* recursion is bounded by SPEC_MAX_DEPTH */
    free(n->items);
    free(n->value);
    free(n);
}

/* libyaml reports reader errors (bad UTF-8, control characters) as a byte offset only. */
static void offset_to_pos(const char *data, size_t len, size_t offset, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    if (offset > len)
        offset = len;
    for (size_t i = 0; i < offset; i++) {
        unsigned char ch = (unsigned char)data[i];
        if (ch == '\n') {
            (*line)++;
            *col = 1;
        } else if ((ch & 0xC0) != 0x80) {
            (*col)++;   /* columns count characters, as libyaml's marks do */
        }
    }
}

static int yaml_error(const char *path, const char *data, size_t len, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "syntax error";

    if (p->error == YAML_MEMORY_ERROR)
        return err_set(DSCI_EENV, "%s: out of memory while parsing YAML", path);
    if (p->error == YAML_READER_ERROR) {
        size_t line, col;
        offset_to_pos(data, len, p->problem_offset, &line, &col);
        if (p->problem_value == -1)
            return err_set(DSCI_EUSAGE, "%s:%zu:%zu: invalid YAML: %s", path, line, col, problem);
        return err_set(DSCI_EUSAGE, "%s:%zu:%zu: invalid YAML: %s (%s 0x%02X)", path, line, col,
                       problem, strstr(problem, "UTF-8") ? "byte" : "character",
                       (unsigned)p->problem_value);
    }
    if (p->context)
        return err_set(DSCI_EUSAGE, "%s:%zu:%zu: invalid YAML: %s (%s at %zu:%zu)", path,
                       p->problem_mark.line + 1, p->problem_mark.column + 1, problem,
                       p->context, p->context_mark.line + 1, p->context_mark.column + 1);
    return err_set(DSCI_EUSAGE, "%s:%zu:%zu: invalid YAML: %s", path,
                   p->problem_mark.line + 1, p->problem_mark.column + 1, problem);
}

/* Only the core schema's tags: anything else asks for semantics dsci does not have. */
static bool tag_allowed(const yaml_char_t *tag)
{
    static const char *const core[] = { "str", "int", "float", "bool", "null", "map", "seq" };
    static const char prefix[] = "tag:yaml.org,2002:";
    const char *t = (const char *)tag;

    if (!t || !strcmp(t, "!"))
        return true;
    if (strncmp(t, prefix, sizeof(prefix) - 1))
        return false;
    for (size_t i = 0; i < ARRAY_SIZE(core); i++)
        if (!strcmp(t + sizeof(prefix) - 1, core[i]))
            return true;
    return false;
}

static bool scalar_is_null(const yaml_event_t *e)
{
    const char *v = (const char *)e->data.scalar.value;
    const char *tag = (const char *)e->data.scalar.tag;

    if (tag && !strcmp(tag, "tag:yaml.org,2002:null"))
        return true;
    if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || (tag && strcmp(tag, "!")))
        return false;
    return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
           !strcmp(v, "NULL");
}

/* Parses `data` into a tree; *out stays NULL for a document-less stream (empty file). */
static int parse_tree(struct ynode **out, const char *path, const char *data, size_t len)
{
    yaml_parser_t parser;
    yaml_event_t event;
    bool have_event = false, end = false;
    struct ynode *root = NULL, *stack[SPEC_MAX_DEPTH];
    size_t depth = 0, nodes = 0, documents = 0;
    int r = 0;

    *out = NULL;
    if (!yaml_parser_initialize(&parser))
        return err_set(DSCI_EENV, "%s: cannot set up the YAML parser", path);
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);

    while (!end) {
        const yaml_char_t *anchor = NULL, *tag = NULL;
        enum ykind kind = Y_SCALAR;
        bool is_node = false;

        if (!yaml_parser_parse(&parser, &event)) {
            r = yaml_error(path, data, len, &parser);
            goto done;
        }
        have_event = true;
        size_t line = event.start_mark.line + 1, col = event.start_mark.column + 1;

        switch (event.type) {
        case YAML_STREAM_END_EVENT:
            end = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1) {
                r = err_set(DSCI_EUSAGE, "%s:%zu:%zu: a spec is one YAML document; found a second one",
                            path, line, col);
                goto done;
            }
            break;
        case YAML_ALIAS_EVENT:
            r = err_set(DSCI_EUSAGE, "%s:%zu:%zu: YAML aliases are not supported in dsci specs",
                        path, line, col);
            goto done;
        case YAML_SCALAR_EVENT:
            anchor = event.data.scalar.anchor;
            tag = event.data.scalar.tag;
            is_node = true;
            break;
        case YAML_SEQUENCE_START_EVENT:
            anchor = event.data.sequence_start.anchor;
            tag = event.data.sequence_start.tag;
            kind = Y_SEQ;
            is_node = true;
            break;
        case YAML_MAPPING_START_EVENT:
            anchor = event.data.mapping_start.anchor;
            tag = event.data.mapping_start.tag;
            kind = Y_MAP;
            is_node = true;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth)   /* libyaml balances these; never underflow regardless */
                depth--;
            break;
        default:
            break;
        }

        if (is_node) {
            /* Refusing anchors as well as aliases keeps the message at the first
             * sign of a reference, and makes alias bombs impossible by construction. */
            if (anchor) {
                r = err_set(DSCI_EUSAGE,
                            "%s:%zu:%zu: YAML anchors and aliases are not supported in dsci specs",
                            path, line, col);
                goto done;
            }
            if (!tag_allowed(tag)) {
                r = err_set(DSCI_EUSAGE, "%s:%zu:%zu: YAML tag '%.60s' is not supported in dsci specs",
                            path, line, col, (const char *)tag);
                goto done;
            }
            if (++nodes > SPEC_MAX_NODES) {
                r = err_set(DSCI_EUSAGE, "%s:%zu:%zu: spec has more than %d YAML nodes",
                            path, line, col, SPEC_MAX_NODES);
                goto done;
            }
            if (kind != Y_SCALAR && depth == SPEC_MAX_DEPTH) {
                r = err_set(DSCI_EUSAGE, "%s:%zu:%zu: spec nests deeper than %d levels",
                            path, line, col, SPEC_MAX_DEPTH);
                goto done;
            }
            if (kind == Y_SCALAR &&
                memchr(event.data.scalar.value, '\0', event.data.scalar.length)) {
                r = err_set(DSCI_EUSAGE, "%s:%zu:%zu: a NUL character is not allowed in a spec",
                            path, line, col);
                goto done;
            }

            struct ynode *n = xcalloc(1, sizeof(*n));
            n->kind = kind;
            n->line = line;
            n->col = col;
            if (kind == Y_SCALAR) {
                n->value = xmemdup(event.data.scalar.value, event.data.scalar.length);
                n->len = event.data.scalar.length;
                n->is_null = scalar_is_null(&event);
            }
            /* Attach at once, so that freeing the root on error frees every node. */
            if (depth == 0) {
                root = n;
            } else {
                struct ynode *parent = stack[depth - 1];
                ALLOC_GROW(parent->items, parent->n + 1, parent->alloc);
                parent->items[parent->n++] = n;
            }
            if (kind != Y_SCALAR)
                stack[depth++] = n;
        }
        yaml_event_delete(&event);
        have_event = false;
    }
    *out = root;
    root = NULL;
done:
    if (have_event)
        yaml_event_delete(&event);
    yaml_parser_delete(&parser);
    ynode_free(root);
    return r;
}

/* ------------------------------------------------------------------------------ */
/* Walking the tree                                                                */

struct ctx {
    const char *path;
    struct spec *spec;
    struct buf kp;   /* dotted path of the node being read: gates.coverage.categories[2].min */
};

static struct spec_loc loc_of(const struct ynode *n)
{
    struct spec_loc loc = { n->line, n->col };
    return loc;
}

static const char *kp(struct ctx *c)
{
    return buf_cstr(&c->kp);
}

static size_t kp_push(struct ctx *c, const char *key)
{
    size_t mark = c->kp.len;
    if (mark)
        buf_addch(&c->kp, '.');
    buf_addstr(&c->kp, key);
    return mark;
}

static size_t kp_push_index(struct ctx *c, size_t i)
{
    size_t mark = c->kp.len;
    buf_printf(&c->kp, "[%zu]", i);
    return mark;
}

static void kp_pop(struct ctx *c, size_t mark)
{
    c->kp.len = mark;
    if (c->kp.ptr)
        c->kp.ptr[mark] = '\0';
}

static int fail_at(struct ctx *c, struct spec_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail_at(struct ctx *c, struct spec_loc loc, const char *fmt, ...)
{
    char msg[1536];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return err_set(DSCI_EUSAGE, "%s:%zu:%zu: %s", c->path, loc.line, loc.column, msg);
}

#define fail(c, node, ...) fail_at((c), loc_of(node), __VA_ARGS__)

/* A user's text, fit for a one-line message: short, no control characters. */
static const char *shown(const char *s, char *tmp, size_t size)
{
    size_t i = 0, max = size - 4;

    for (; s[i] && i < max; i++)
        tmp[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7F ? '?' : s[i];
    if (s[i]) {
        memcpy(tmp + i, "...", 3);
        i += 3;
    }
    tmp[i] = '\0';
    return tmp;
}

/* What a wrong value was, for "expected X, got Y". */
static const char *describe(const struct ynode *n, char *tmp, size_t size)
{
    char inner[64];

    if (n->kind == Y_MAP)
        return "a mapping";
    if (n->kind == Y_SEQ)
        return "a list";
    if (n->is_null)
        return "nothing";
    snprintf(tmp, size, "'%s'", shown(n->value, inner, sizeof(inner)));
    return tmp;
}

static int expected(struct ctx *c, const struct ynode *n, const char *what)
{
    char tmp[80];
    return fail(c, n, "%s: expected %s, got %s", kp(c), what, describe(n, tmp, sizeof(tmp)));
}

static bool is_value(const struct ynode *n)
{
    return n->kind == Y_SCALAR && !n->is_null;
}

struct named {
    const char *name;
    size_t index;
};

static int cmp_named(const void *a, const void *b)
{
    const struct named *x = a, *y = b;
    int d = strcmp(x->name, y->name);
    if (d)
        return d;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Finds a repeated name by sorting, so a hostile spec with 50k keys stays cheap.
 * Reports the pair whose second occurrence comes first. */
static bool find_dup(const char *const *names, size_t n, size_t *first, size_t *second)
{
    struct named *v;
    bool found = false;

    if (n < 2)
        return false;
    v = xreallocarray(NULL, n, sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        v[i].name = names[i];
        v[i].index = i;
    }
    qsort(v, n, sizeof(*v), cmp_named);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(v[i].name, v[i - 1].name))
            continue;
        if (!found || v[i].index < *second) {
            *first = v[i - 1].index;
            *second = v[i].index;
            found = true;
        }
    }
    free(v);
    return found;
}

/* Every mapping passes here first: it must be one, keys must be strings, once each. */
static int expect_map(struct ctx *c, const struct ynode *n)
{
    const char **names = NULL;
    size_t first, second;
    int r = 0;

    if (n->kind != Y_MAP)
        return expected(c, n, "a mapping");
    names = xreallocarray(NULL, n->n / 2 + 1, sizeof(*names));
    for (size_t i = 0; i < n->n; i += 2) {
        const struct ynode *k = n->items[i];
        if (!is_value(k)) {
            char tmp[80];
            r = fail(c, k, "%s%skeys must be strings, got %s", kp(c), *kp(c) ? ": " : "",
                     describe(k, tmp, sizeof(tmp)));
            goto done;
        }
        names[i / 2] = k->value;
    }
    if (find_dup(names, n->n / 2, &first, &second)) {
        const struct ynode *k = n->items[2 * second], *k0 = n->items[2 * first];
        char tmp[64];
        if (*kp(c))
            r = fail(c, k, "duplicate key '%s' in %s (first at line %zu)",
                     shown(k->value, tmp, sizeof(tmp)), kp(c), k0->line);
        else
            r = fail(c, k, "duplicate top-level key '%s' (first at line %zu)",
                     shown(k->value, tmp, sizeof(tmp)), k0->line);
    }
done:
    free(names);
    return r;
}

static int unknown_key(struct ctx *c, const struct ynode *k, const char *const *known, size_t n)
{
    const char *hint = suggest_closest(k->value, known, n);
    char tmp[64], where[1100], did[300] = "";

    if (*kp(c))
        snprintf(where, sizeof(where), " in %s", kp(c));
    else
        snprintf(where, sizeof(where), " at the top level");
    if (hint)
        snprintf(did, sizeof(did), " (did you mean '%s'?)", hint);
    return fail(c, k, "unknown key '%s'%s%s", shown(k->value, tmp, sizeof(tmp)), where, did);
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s, list[i]))
            return true;
    return false;
}

static int check_known(struct ctx *c, const struct ynode *map, const char *const *known, size_t n)
{
    for (size_t i = 0; i < map->n; i += 2)
        if (!in_list(map->items[i]->value, known, n))
            return unknown_key(c, map->items[i], known, n);
    return 0;
}

static const struct ynode *map_get(const struct ynode *map, const char *key)
{
    for (size_t i = 0; i < map->n; i += 2)
        if (!strcmp(map->items[i]->value, key))
            return map->items[i + 1];
    return NULL;
}

/* ------------------------------------------------------------------------------ */
/* Values. Each reads the node at c->kp; an empty value (`key:`, `~`) keeps the default. */

static void free_strv(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static int get_str(struct ctx *c, const struct ynode *v, char **out, bool nonempty)
{
    if (v->is_null)
        return 0;
    if (v->kind != Y_SCALAR)
        return expected(c, v, "a string");
    if (nonempty && !v->len)
        return fail(c, v, "%s: must not be empty", kp(c));
    free(*out);
    *out = xstrdup(v->value);
    return 0;
}

/* Paths are joined to the dataset root by the source module; an absolute one would
 * silently mean something else under --staged and --rev. */
static int get_path(struct ctx *c, const struct ynode *v, char **out)
{
    char tmp[64];
    int r = get_str(c, v, out, true);

    if (r < 0 || v->is_null)
        return r;
    if (v->value[0] == '/')
        return fail(c, v, "%s: paths are relative to the dataset root, got '%s'", kp(c),
                    shown(v->value, tmp, sizeof(tmp)));
    return 0;
}

/* A string or a list of strings (a lone string is a one-element list). */
static int get_strlist(struct ctx *c, const struct ynode *v, char ***out, size_t *n_out,
                       bool nonempty)
{
    char **list = NULL;
    size_t n = 0;
    int r = 0;

    if (v->is_null)
        return 0;
    if (v->kind == Y_MAP)
        return expected(c, v, "a string or a list of strings");
    if (v->kind == Y_SCALAR) {
        if (nonempty && !v->len)
            return fail(c, v, "%s: must not be empty", kp(c));
        list = xreallocarray(NULL, 1, sizeof(*list));
        list[n++] = xstrdup(v->value);
    } else {
        list = xreallocarray(NULL, v->n + 1, sizeof(*list));
        for (size_t i = 0; i < v->n; i++) {
            const struct ynode *item = v->items[i];
            size_t mark = kp_push_index(c, i);
            if (!is_value(item))
                r = expected(c, item, "a string");
            else if (nonempty && !item->len)
                r = fail(c, item, "%s: must not be empty", kp(c));
            kp_pop(c, mark);
            if (r < 0)
                goto done;
            list[n++] = xstrdup(item->value);
        }
    }
    free_strv(*out, *n_out);
    *out = list;
    *n_out = n;
    list = NULL;
done:
    free_strv(list, n);
    return r;
}

static int get_bool(struct ctx *c, const struct ynode *v, bool *out)
{
    static const char *const yes[] = { "true", "yes", "on" }, *const no[] = { "false", "no", "off" };

    if (v->is_null)
        return 0;
    if (v->kind == Y_SCALAR) {
        for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
            if (!strcasecmp(v->value, yes[i])) {
                *out = true;
                return 0;
            }
            if (!strcasecmp(v->value, no[i])) {
                *out = false;
                return 0;
            }
        }
    }
    return expected(c, v, "true or false");
}

/* Decimal digits only: no sign, no 0x, no 1_000, no exponent. */
static bool parse_uint_text(const char *s, size_t *out)
{
    size_t v = 0;

    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        if (v > (SIZE_MAX - (size_t)(*s - '0')) / 10)
            return false;
        v = v * 10 + (size_t)(*s - '0');
    }
    *out = v;
    return true;
}

static int get_uint(struct ctx *c, const struct ynode *v, size_t lo, size_t hi, size_t *out)
{
    size_t x;
    char tmp[64];

    if (v->is_null)
        return 0;
    if (v->kind != Y_SCALAR || !parse_uint_text(v->value, &x))
        return expected(c, v, lo ? "a positive integer" : "a non-negative integer");
    if (x < lo || x > hi)
        return fail(c, v, "%s: expected an integer from %zu to %zu, got '%s'", kp(c), lo, hi,
                    shown(v->value, tmp, sizeof(tmp)));
    *out = x;
    return 0;
}

/* A plain decimal number, as YAML and JSON write them; not inf, nan or hex, which
 * strtod alone would take. */
static bool parse_number_text(const char *s, double *out)
{
    const char *p = s;
    size_t digits = 0;
    char *end;

    if (*p == '-' || *p == '+')
        p++;
    for (; *p >= '0' && *p <= '9'; p++)
        digits++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            digits++;
    if (!digits)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '-' || *p == '+')
            p++;
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p)
        return false;
    errno = 0;
    *out = strtod(s, &end);
    return *end == '\0' && isfinite(*out);
}

static int get_number(struct ctx *c, const struct ynode *v, double lo, double hi, double *out)
{
    double x;
    char tmp[64], what[64];

    if (v->is_null)
        return 0;
    if (v->kind != Y_SCALAR || !parse_number_text(v->value, &x) || x < lo || x > hi) {
        if (isinf(hi) && lo == 0)
            snprintf(what, sizeof(what), "a non-negative number");
        else if (isinf(hi))
            snprintf(what, sizeof(what), "a number from %g up", lo);
        else
            snprintf(what, sizeof(what), "a number from %g to %g", lo, hi);
        if (v->kind != Y_SCALAR)
            return expected(c, v, what);
        return fail(c, v, "%s: expected %s, got '%s'", kp(c), what,
                    shown(v->value, tmp, sizeof(tmp)));
    }
    *out = x;
    return 0;
}

/* "95%" or "95.5%": unsigned, at most 100. */
static bool parse_percent_text(const char *s, double *out)
{
    size_t len = strlen(s);
    char num[64];

    if (len < 2 || len >= sizeof(num) || s[len - 1] != '%' || s[0] == '-' || s[0] == '+')
        return false;
    memcpy(num, s, len - 1);
    num[len - 1] = '\0';
    if (!parse_number_text(num, out) || *out < 0 || *out > 100)
        return false;
    return true;
}

/* A share in percent (0..100): "95%" or a plain 95. A plain number in (0, 1] is
 * refused rather than guessed at: 0.95 most likely means 95%, but would read as 0.95%. */
static int get_percent(struct ctx *c, const struct ynode *v, double *out)
{
    double x;
    char tmp[64];

    if (v->is_null)
        return 0;
    if (v->kind != Y_SCALAR)
        return expected(c, v, "a percentage such as '95%'");
    if (v->len && v->value[v->len - 1] == '%') {
        if (!parse_percent_text(v->value, &x))
            return expected(c, v, "a percentage from 0% to 100% such as '95%'");
    } else {
        if (!parse_number_text(v->value, &x) || x < 0 || x > 100)
            return expected(c, v, "a percentage from 0% to 100% such as '95%'");
        if (x > 0 && x <= 1)
            return fail(c, v, "%s: '%s' is ambiguous: plain numbers here are percents; "
                        "write '%g%%' or '%s%%'", kp(c), shown(v->value, tmp, sizeof(tmp)),
                        x * 100, tmp);
    }
    *out = x;
    return 0;
}

/* A share as a fraction 0..1: 0.05 or "5%". */
static int get_share(struct ctx *c, const struct ynode *v, double *out)
{
    double x;

    if (v->is_null)
        return 0;
    if (v->kind == Y_SCALAR && v->len && v->value[v->len - 1] == '%') {
        if (!parse_percent_text(v->value, &x))
            return expected(c, v, "a percentage from 0% to 100% such as '5%'");
        *out = x / 100;
        return 0;
    }
    if (v->kind != Y_SCALAR || !parse_number_text(v->value, &x) || x < 0 || x > 1)
        return expected(c, v, "a fraction from 0 to 1 or a percentage such as '5%'");
    *out = x;
    return 0;
}

/* Bytes: 1048576, "64MiB", "512 KiB", "1GiB"; KB/MB/GB are powers of 1000. */
static int get_size(struct ctx *c, const struct ynode *v, size_t *out)
{
    static const struct { const char *unit; size_t mult; } units[] = {
        { "", 1 }, { "B", 1 },
        { "KiB", (size_t)1 << 10 }, { "MiB", (size_t)1 << 20 }, { "GiB", (size_t)1 << 30 },
        { "KB", 1000 }, { "MB", 1000000 }, { "GB", 1000000000 },
    };
    char num[32];
    const char *p, *unit;
    size_t n, x;

    if (v->is_null)
        return 0;
    if (v->kind != Y_SCALAR)
        return expected(c, v, "a size such as 67108864 or '64MiB'");
    for (p = v->value; *p >= '0' && *p <= '9'; p++)
        ;
    n = (size_t)(p - v->value);
    unit = *p == ' ' ? p + 1 : p;
    if (!n || n >= sizeof(num))
        return expected(c, v, "a size such as 67108864 or '64MiB'");
    memcpy(num, v->value, n);
    num[n] = '\0';
    for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
        if (strcasecmp(unit, units[i].unit) || (unit != p && !*unit))
            continue;
        if (!parse_uint_text(num, &x) || x == 0 || x > SIZE_MAX / units[i].mult)
            break;
        *out = x * units[i].mult;
        return 0;
    }
    return expected(c, v, "a positive size such as 67108864 or '64MiB'");
}

/* One of a fixed set of words; `names` and `values` run in parallel. */
static int get_choice(struct ctx *c, const struct ynode *v, const char *const *names,
                      const int *values, size_t n, int *out)
{
    struct buf what = BUF_INIT;
    int r = 0;

    if (v->is_null)
        return 0;
    if (v->kind == Y_SCALAR) {
        for (size_t i = 0; i < n; i++) {
            if (!strcmp(v->value, names[i])) {
                *out = values[i];
                return 0;
            }
        }
    }
    buf_addstr(&what, "one of ");
    for (size_t i = 0; i < n; i++)
        buf_printf(&what, "%s%s", i ? ", " : "", names[i]);
    if (v->kind == Y_SCALAR) {
        const char *hint = suggest_closest(v->value, names, n);
        char tmp[64];
        r = fail(c, v, "%s: expected %s, got '%s'%s%s%s", kp(c), buf_cstr(&what),
                 shown(v->value, tmp, sizeof(tmp)), hint ? " (did you mean '" : "",
                 hint ? hint : "", hint ? "'?)" : "");
    } else {
        r = expected(c, v, buf_cstr(&what));
    }
    buf_release(&what);
    return r;
}

static const char *const level_names[] = { "block", "warn", "off" };
static const int level_values[] = { LEVEL_BLOCK, LEVEL_WARN, LEVEL_OFF };

static int get_level(struct ctx *c, const struct ynode *v, enum gate_level *out)
{
    int x = (int)*out;
    int r = get_choice(c, v, level_names, level_values, ARRAY_SIZE(level_names), &x);
    *out = (enum gate_level)x;
    return r;
}

/* A set of words as bits: a list (or one word) out of `names`. */
static int get_flags(struct ctx *c, const struct ynode *v, const char *const *names,
                     const int *bits, size_t n, unsigned *out)
{
    unsigned set = 0;
    int x = 0, r;

    if (v->is_null)
        return 0;
    if (v->kind == Y_MAP)
        return expected(c, v, "a list");
    if (v->kind == Y_SCALAR) {
        if ((r = get_choice(c, v, names, bits, n, &x)) < 0)
            return r;
        *out = (unsigned)x;
        return 0;
    }
    for (size_t i = 0; i < v->n; i++) {
        size_t mark = kp_push_index(c, i);
        x = 0;
        if (v->items[i]->is_null)
            r = expected(c, v->items[i], "a name");
        else
            r = get_choice(c, v->items[i], names, bits, n, &x);
        kp_pop(c, mark);
        if (r < 0)
            return r;
        set |= (unsigned)x;
    }
    *out = set;
    return 0;
}

static enum gate_level level_min(enum gate_level a, enum gate_level b)
{
    return a < b ? a : b;
}

/* ------------------------------------------------------------------------------ */
/* dataset:                                                                        */

static int parse_files(struct ctx *c, const struct ynode *v)
{
    struct spec *s = c->spec;
    int r;

    if ((r = expect_map(c, v)) < 0)
        return r;
    s->dataset.splits = xcalloc(v->n / 2 + 1, sizeof(*s->dataset.splits));
    for (size_t i = 0; i < v->n; i += 2) {
        const struct ynode *k = v->items[i], *val = v->items[i + 1];
        struct spec_split *split = &s->dataset.splits[s->dataset.n_splits++];
        size_t mark;

        split->name = xstrdup(k->value);
        split->loc = loc_of(k);
        if (!k->len || strpbrk(k->value, "/\\ \t")) {
            char tmp[64];
            return fail(c, k, "%s: split name '%s' must be non-empty, without spaces or slashes",
                        kp(c), shown(k->value, tmp, sizeof(tmp)));
        }
        mark = kp_push(c, k->value);
        if (val->is_null) {
            r = expected(c, val, "a path, a glob or a list of them");
        } else {
            r = get_strlist(c, val, &split->patterns, &split->n_patterns, true);
            if (r == 0 && !split->n_patterns)
                r = fail(c, val, "%s: needs at least one path", kp(c));
            for (size_t j = 0; r == 0 && j < split->n_patterns; j++) {
                if (split->patterns[j][0] == '/') {
                    char tmp[64];
                    r = fail(c, val->kind == Y_SEQ ? val->items[j] : val,
                             "%s: paths are relative to the dataset root, got '%s'", kp(c),
                             shown(split->patterns[j], tmp, sizeof(tmp)));
                }
            }
        }
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    if (!s->dataset.n_splits)
        return fail(c, v, "%s: needs at least one split, such as 'train: data/train.jsonl'", kp(c));
    return 0;
}

static int parse_dataset(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = {
        "name", "pretty_name", "format", "files", "card", "version_file", "license",
        "language", "task_categories", "id_field", "max_line_bytes",
    };
    static const char *const formats[] = { "sharegpt", "openai", "alpaca", "auto" };
    static const int format_values[] = { FORMAT_SHAREGPT, FORMAT_OPENAI, FORMAT_ALPACA, FORMAT_AUTO };
    struct spec *s = c->spec;
    int r;

    s->dataset.loc = loc_of(key);
    if (v->is_null)
        return fail(c, key, "missing required key 'dataset.files'");
    if ((r = expect_map(c, v)) < 0 || (r = check_known(c, v, keys, ARRAY_SIZE(keys))) < 0)
        return r;
    for (size_t i = 0; i < v->n; i += 2) {
        const char *k = v->items[i]->value;
        const struct ynode *val = v->items[i + 1];
        size_t mark = kp_push(c, k);
        int format = (int)s->dataset.format;

        if (!strcmp(k, "name"))
            r = get_str(c, val, &s->dataset.name, true);
        else if (!strcmp(k, "pretty_name"))
            r = get_str(c, val, &s->dataset.pretty_name, true);
        else if (!strcmp(k, "format")) {
            r = get_choice(c, val, formats, format_values, ARRAY_SIZE(formats), &format);
            s->dataset.format = (enum dataset_format)format;
        } else if (!strcmp(k, "files")) {
            r = val->is_null ? 0 : parse_files(c, val);
        } else if (!strcmp(k, "card")) {
            s->dataset.card_loc = loc_of(v->items[i]);
            r = get_path(c, val, &s->dataset.card);
        } else if (!strcmp(k, "version_file")) {
            s->dataset.version_file_loc = loc_of(v->items[i]);
            r = get_path(c, val, &s->dataset.version_file);
        } else if (!strcmp(k, "license"))
            r = get_str(c, val, &s->dataset.license, true);
        else if (!strcmp(k, "language"))
            r = get_strlist(c, val, &s->dataset.language, &s->dataset.n_language, true);
        else if (!strcmp(k, "task_categories"))
            r = get_strlist(c, val, &s->dataset.task_categories, &s->dataset.n_task_categories, true);
        else if (!strcmp(k, "id_field"))
            r = get_str(c, val, &s->dataset.id_field, true);
        else if (!strcmp(k, "max_line_bytes"))
            r = get_size(c, val, &s->dataset.max_line_bytes);
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    if (!s->dataset.n_splits)
        return fail(c, key, "missing required key 'dataset.files'");
    return 0;
}

/* ------------------------------------------------------------------------------ */
/* versioning:                                                                     */

static const char *const bump_rule_names[BUMP_RULE_COUNT] = {
    "format_change", "split_removed", "category_removed", "removed_over_limit",
    "examples_added", "category_added", "examples_modified", "metadata_changed",
};

/* versioning.rules: rule -> major | minor | patch | none. */
static int parse_bump_rules(struct ctx *c, const struct ynode *v)
{
    static const char *const parts[] = { "major", "minor", "patch", "none" };
    static const int part_values[] = { SEMVER_MAJOR, SEMVER_MINOR, SEMVER_PATCH, SEMVER_NONE };
    int r;

    if (v->is_null)
        return 0;
    if ((r = expect_map(c, v)) < 0 || (r = check_known(c, v, bump_rule_names, BUMP_RULE_COUNT)) < 0)
        return r;
    for (size_t i = 0; i < v->n; i += 2) {
        const char *k = v->items[i]->value;
        size_t mark = kp_push(c, k);
        for (size_t rule = 0; rule < BUMP_RULE_COUNT; rule++) {
            if (strcmp(k, bump_rule_names[rule]))
                continue;
            int part = (int)c->spec->versioning.rules[rule];
            r = get_choice(c, v->items[i + 1], parts, part_values, ARRAY_SIZE(parts), &part);
            c->spec->versioning.rules[rule] = (enum semver_part)part;
        }
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    return 0;
}

static int parse_versioning(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = { "tag_prefix", "rules" };
    struct spec *s = c->spec;
    int r;

    s->versioning.loc = loc_of(key);
    if (v->is_null)
        return 0;
    if ((r = expect_map(c, v)) < 0 || (r = check_known(c, v, keys, ARRAY_SIZE(keys))) < 0)
        return r;
    for (size_t i = 0; i < v->n; i += 2) {
        const struct ynode *val = v->items[i + 1];
        size_t mark = kp_push(c, v->items[i]->value);

        if (!strcmp(v->items[i]->value, "rules")) {
            r = parse_bump_rules(c, val);
            kp_pop(c, mark);
            if (r < 0)
                return r;
            continue;
        }
        /* tag_prefix. An empty prefix (tags like 1.2.0) is fine; characters git refuses
         * in a tag name are caught here rather than at `bump --tag`. */
        r = get_str(c, val, &s->versioning.tag_prefix, false);
        if (r == 0 && is_value(val) && strpbrk(val->value, " \t~^:?*[\\")) {
            char tmp[64];
            r = fail(c, val, "%s: '%s' cannot start a git tag name", kp(c),
                     shown(val->value, tmp, sizeof(tmp)));
        }
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    return 0;
}

/* ------------------------------------------------------------------------------ */
/* gates:                                                                          */

/* A gate is a mapping, a bare level (`pii: off`) or empty (defaults). Returns 1 when
 * there is no mapping to walk, 0 when there is, negative on error. */
static int gate_head(struct ctx *c, const struct ynode *key, const struct ynode *v,
                     struct spec_loc *loc, enum gate_level *level, bool *level_given)
{
    int r;

    *loc = loc_of(key);
    if (v->is_null)
        return 1;
    if (v->kind == Y_SCALAR) {
        if ((r = get_level(c, v, level)) < 0)
            return r;
        *level_given = true;
        return 1;
    }
    if (v->kind != Y_MAP)
        return expected(c, v, "a level (block, warn, off) or a mapping");
    return expect_map(c, v);
}

static int parse_format_gate(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = { "level", "roles", "allow_system", "ends_with_reply" };
    static const char *const role_keys[] = { "human", "assistant", "system" };
    struct spec *s = c->spec;
    bool given = false;
    int r;

    r = gate_head(c, key, v, &s->gates.format.loc, &s->gates.format.level, &given);
    if (r != 0)
        return r < 0 ? r : 0;
    if ((r = check_known(c, v, keys, ARRAY_SIZE(keys))) < 0)
        return r;
    for (size_t i = 0; i < v->n; i += 2) {
        const char *k = v->items[i]->value;
        const struct ynode *val = v->items[i + 1];
        size_t mark = kp_push(c, k);

        if (!strcmp(k, "level")) {
            r = get_level(c, val, &s->gates.format.level);
        } else if (!strcmp(k, "allow_system")) {
            r = get_bool(c, val, &s->gates.format.allow_system);
        } else if (!strcmp(k, "ends_with_reply")) {
            r = get_bool(c, val, &s->gates.format.ends_with_reply);
        } else if (!val->is_null) {   /* roles */
            if ((r = expect_map(c, val)) == 0)
                r = check_known(c, val, role_keys, ARRAY_SIZE(role_keys));
            for (size_t j = 0; r == 0 && j < val->n; j += 2) {
                const char *role = val->items[j]->value;
                size_t mark2 = kp_push(c, role);
                char **field = !strcmp(role, "human") ? &s->gates.format.role_human
                             : !strcmp(role, "assistant") ? &s->gates.format.role_assistant
                             : &s->gates.format.role_system;
                r = get_str(c, val->items[j + 1], field, true);
                kp_pop(c, mark2);
            }
        }
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    return 0;
}

static int parse_category(struct ctx *c, const struct ynode *v, struct spec_category *cat)
{
    static const char *const keys[] = { "name", "min", "keywords" };
    int r;

    cat->loc = loc_of(v);
    if ((r = expect_map(c, v)) < 0 || (r = check_known(c, v, keys, ARRAY_SIZE(keys))) < 0)
        return r;
    for (size_t i = 0; i < v->n; i += 2) {
        const char *k = v->items[i]->value;
        const struct ynode *val = v->items[i + 1];
        size_t mark = kp_push(c, k);

        if (!strcmp(k, "name"))
            r = val->is_null ? expected(c, val, "a name") : get_str(c, val, &cat->name, true);
        else if (!strcmp(k, "min"))
            r = get_uint(c, val, 0, SIZE_MAX, &cat->min);
        else
            r = get_strlist(c, val, &cat->keywords, &cat->n_keywords, true);
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    if (!cat->name)
        return fail(c, v, "missing required key '%s.name'", kp(c));
    return 0;
}

static int parse_categories(struct ctx *c, const struct ynode *v)
{
    struct spec *s = c->spec;
    const char **names = NULL;
    size_t first, second;
    int r = 0;

    if (v->is_null)
        return 0;
    if (v->kind != Y_SEQ)
        return expected(c, v, "a list of categories");
    s->gates.coverage.categories = xcalloc(v->n + 1, sizeof(*s->gates.coverage.categories));
    for (size_t i = 0; i < v->n; i++) {
        size_t mark = kp_push_index(c, i);
        r = parse_category(c, v->items[i], &s->gates.coverage.categories[i]);
        s->gates.coverage.n_categories++;
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    names = xreallocarray(NULL, v->n + 1, sizeof(*names));
    for (size_t i = 0; i < v->n; i++)
        names[i] = s->gates.coverage.categories[i].name;
    if (find_dup(names, v->n, &first, &second)) {
        const struct ynode *name = map_get(v->items[second], "name");
        char tmp[64];
        size_t mark = kp_push_index(c, second);
        kp_push(c, "name");
        r = fail(c, name, "%s: duplicate category '%s' (first at line %zu)", kp(c),
                 shown(name->value, tmp, sizeof(tmp)), map_get(v->items[first], "name")->line);
        kp_pop(c, mark);
    }
    free(names);
    return r;
}

static int parse_coverage(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = { "level", "by", "field", "categories" };
    static const char *const by_names[] = { "keywords", "field" };
    static const int by_values[] = { COVERAGE_KEYWORDS, COVERAGE_FIELD };
    struct spec *s = c->spec;
    bool given = false;
    int r;

    r = gate_head(c, key, v, &s->gates.coverage.loc, &s->gates.coverage.level, &given);
    if (r < 0)
        return r;
    if (r == 0) {
        if ((r = check_known(c, v, keys, ARRAY_SIZE(keys))) < 0)
            return r;
        for (size_t i = 0; i < v->n; i += 2) {
            const char *k = v->items[i]->value;
            const struct ynode *val = v->items[i + 1];
            size_t mark = kp_push(c, k);
            int by = (int)s->gates.coverage.by;

            if (!strcmp(k, "level")) {
                r = get_level(c, val, &s->gates.coverage.level);
                given |= !val->is_null;
            } else if (!strcmp(k, "by")) {
                r = get_choice(c, val, by_names, by_values, ARRAY_SIZE(by_names), &by);
                s->gates.coverage.by = (enum coverage_by)by;
            } else if (!strcmp(k, "field")) {
                r = get_str(c, val, &s->gates.coverage.field, true);
            } else {
                r = parse_categories(c, val);
            }
            kp_pop(c, mark);
            if (r < 0)
                return r;
        }
    }

    /* Checks across keys, once the whole mapping is read (keys come in any order). */
    if (!given)
        s->gates.coverage.level = s->gates.coverage.n_categories ? LEVEL_BLOCK : LEVEL_OFF;
    else if (s->gates.coverage.level != LEVEL_OFF && !s->gates.coverage.n_categories)
        return fail(c, key, "%s: level %s needs at least one category", kp(c),
                    spec_level_name(s->gates.coverage.level));
    if (s->gates.coverage.by == COVERAGE_FIELD && !s->gates.coverage.field)
        return fail(c, key, "missing required key '%s.field' (by: field names the field "
                    "that holds the category)", kp(c));
    if (s->gates.coverage.by == COVERAGE_KEYWORDS) {
        for (size_t i = 0; i < s->gates.coverage.n_categories; i++) {
            const struct spec_category *cat = &s->gates.coverage.categories[i];
            if (!cat->n_keywords)
                return fail_at(c, cat->loc, "%s.categories[%zu]: category '%s' needs keywords "
                               "(by: keywords)", kp(c), i, cat->name);
        }
    }
    return 0;
}

/* When a metric sets only one of target/acceptable and clashes with the other's
 * default, say which one to add. */
static const char *default_hint(bool target_given, bool acceptable_given)
{
    if (target_given == acceptable_given)
        return "";
    return target_given ? "; set acceptable too" : "; set target too";
}

/* [lo, hi] of non-negative numbers. */
static int get_band(struct ctx *c, const struct ynode *v, struct spec_band *out)
{
    double x[2] = { 0, 0 };
    int r;

    if (v->is_null)
        return 0;
    if (v->kind != Y_SEQ || v->n != 2)
        return expected(c, v, "a list [low, high]");
    for (size_t i = 0; i < 2; i++) {
        size_t mark = kp_push_index(c, i);
        r = v->items[i]->is_null ? expected(c, v->items[i], "a non-negative number")
                                 : get_number(c, v->items[i], 0, INFINITY, &x[i]);
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    if (x[0] > x[1])
        return fail(c, v, "%s: low end %g is above high end %g", kp(c), x[0], x[1]);
    out->lo = x[0];
    out->hi = x[1];
    return 0;
}

static int parse_band_metric(struct ctx *c, const struct ynode *key, const struct ynode *v,
                             struct spec_band_metric *m)
{
    static const char *const keys[] = { "target", "acceptable" };
    bool target_given = false, acceptable_given = false;
    int r;

    m->loc = loc_of(key);
    if (v->is_null)
        return 0;
    if ((r = expect_map(c, v)) < 0 || (r = check_known(c, v, keys, ARRAY_SIZE(keys))) < 0)
        return r;
    for (size_t i = 0; i < v->n; i += 2) {
        const char *k = v->items[i]->value;
        const struct ynode *val = v->items[i + 1];
        size_t mark = kp_push(c, k);
        bool target = !strcmp(k, "target");

        r = get_band(c, val, target ? &m->target : &m->acceptable);
        if (target)
            target_given |= !val->is_null;
        else
            acceptable_given |= !val->is_null;
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    if (m->target.lo < m->acceptable.lo || m->target.hi > m->acceptable.hi)
        return fail(c, key, "%s: target [%g, %g]%s must lie inside acceptable [%g, %g]%s%s", kp(c),
                    m->target.lo, m->target.hi, target_given ? "" : " (the default)",
                    m->acceptable.lo, m->acceptable.hi, acceptable_given ? "" : " (the default)",
                    default_hint(target_given, acceptable_given));
    return 0;
}

/* unique_messages (percent, a minimum) and turn_variance (a maximum). */
static int parse_limit_metric(struct ctx *c, const struct ynode *key, const struct ynode *v,
                              struct spec_limit_metric *m, bool percent_min)
{
    static const char *const keys[] = { "target", "acceptable" };
    bool target_given = false, acceptable_given = false;
    const char *unit = percent_min ? "%" : "";
    int r;

    m->loc = loc_of(key);
    if (v->is_null)
        return 0;
    if ((r = expect_map(c, v)) < 0 || (r = check_known(c, v, keys, ARRAY_SIZE(keys))) < 0)
        return r;
    for (size_t i = 0; i < v->n; i += 2) {
        const char *k = v->items[i]->value;
        const struct ynode *val = v->items[i + 1];
        size_t mark = kp_push(c, k);
        bool target = !strcmp(k, "target");
        double *out = target ? &m->target : &m->acceptable;

        r = percent_min ? get_percent(c, val, out) : get_number(c, val, 0, INFINITY, out);
        if (target)
            target_given |= !val->is_null;
        else
            acceptable_given |= !val->is_null;
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    if (percent_min ? m->acceptable > m->target : m->acceptable < m->target)
        return fail(c, key, "%s: acceptable %g%s%s must not be %s target %g%s%s (%s is better "
                    "here)%s", kp(c), m->acceptable, unit, acceptable_given ? "" : " (the default)",
                    percent_min ? "above" : "below", m->target, unit,
                    target_given ? "" : " (the default)", percent_min ? "higher" : "lower",
                    default_hint(target_given, acceptable_given));
    return 0;
}

static int parse_quality(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = {
        "level", "human_length", "assistant_length", "unique_messages", "turn_variance",
    };
    struct spec *s = c->spec;
    bool given = false;
    int r;

    r = gate_head(c, key, v, &s->gates.quality.loc, &s->gates.quality.level, &given);
    if (r != 0)
        return r < 0 ? r : 0;
    if ((r = check_known(c, v, keys, ARRAY_SIZE(keys))) < 0)
        return r;
    for (size_t i = 0; i < v->n; i += 2) {
        const struct ynode *k = v->items[i], *val = v->items[i + 1];
        size_t mark = kp_push(c, k->value);

        if (!strcmp(k->value, "level"))
            r = get_level(c, val, &s->gates.quality.level);
        else if (!strcmp(k->value, "human_length"))
            r = parse_band_metric(c, k, val, &s->gates.quality.human_length);
        else if (!strcmp(k->value, "assistant_length"))
            r = parse_band_metric(c, k, val, &s->gates.quality.assistant_length);
        else if (!strcmp(k->value, "unique_messages"))
            r = parse_limit_metric(c, k, val, &s->gates.quality.unique_messages, true);
        else
            r = parse_limit_metric(c, k, val, &s->gates.quality.turn_variance, false);
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    return 0;
}

static int parse_duplicates(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = { "level", "exact", "near", "threshold", "shingle",
                                        "permutations" };
    struct spec *s = c->spec;
    enum gate_level level = LEVEL_BLOCK;
    bool level_given = false, exact_given = false, near_given = false;
    int r;

    r = gate_head(c, key, v, &s->gates.duplicates.loc, &level, &level_given);
    if (r < 0)
        return r;
    if (r == 0) {
        if ((r = check_known(c, v, keys, ARRAY_SIZE(keys))) < 0)
            return r;
        for (size_t i = 0; i < v->n; i += 2) {
            const char *k = v->items[i]->value;
            const struct ynode *val = v->items[i + 1];
            size_t mark = kp_push(c, k);

            if (!strcmp(k, "level")) {
                r = get_level(c, val, &level);
                level_given |= !val->is_null;
            } else if (!strcmp(k, "exact")) {
                r = get_level(c, val, &s->gates.duplicates.exact);
                exact_given |= !val->is_null;
            } else if (!strcmp(k, "near")) {
                r = get_level(c, val, &s->gates.duplicates.near);
                near_given |= !val->is_null;
            } else if (!strcmp(k, "threshold")) {
                r = get_number(c, val, 0, 1, &s->gates.duplicates.threshold);
            } else if (!strcmp(k, "shingle")) {
                r = get_uint(c, val, 1, 64, &s->gates.duplicates.shingle);
            } else {
                r = get_uint(c, val, 1, 1024, &s->gates.duplicates.permutations);
            }
            kp_pop(c, mark);
            if (r < 0)
                return r;
        }
    }
    /* `level` is shorthand for both checks; an explicit exact/near wins. */
    if (level_given) {
        if (!exact_given)
            s->gates.duplicates.exact = level;
        if (!near_given)
            s->gates.duplicates.near = level;
    }
    return 0;
}

static int parse_leakage(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = { "level", "near_threshold" };
    struct spec *s = c->spec;
    bool given = false;
    int r;

    r = gate_head(c, key, v, &s->gates.leakage.loc, &s->gates.leakage.level, &given);
    if (r != 0)
        return r < 0 ? r : 0;
    if ((r = check_known(c, v, keys, ARRAY_SIZE(keys))) < 0)
        return r;
    for (size_t i = 0; i < v->n; i += 2) {
        const char *k = v->items[i]->value;
        const struct ynode *val = v->items[i + 1];
        size_t mark = kp_push(c, k);

        if (!strcmp(k, "level"))
            r = get_level(c, val, &s->gates.leakage.level);
        else
            r = get_number(c, val, 0, 1, &s->gates.leakage.near_threshold);
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    return 0;
}

static const char *const pii_names[] = { "email", "phone", "credit_card", "ipv4", "ipv6", "api_key" };
static const int pii_bits[] = { PII_EMAIL, PII_PHONE, PII_CREDIT_CARD, PII_IPV4, PII_IPV6, PII_API_KEY };

/* Where each allow entry is, so a regex that misbehaves on the data (a PCRE2 limit) can be
 * named by its own line. */
static void allow_locations(struct spec *s, const struct ynode *val)
{
    free(s->gates.pii.allow_loc);
    s->gates.pii.allow_loc = NULL;
    size_t n = s->gates.pii.n_allow;
    if (!n)
        return;
    s->gates.pii.allow_loc = xcalloc(n, sizeof(*s->gates.pii.allow_loc));
    for (size_t i = 0; i < n; i++) {
        const struct ynode *item = val->kind == Y_SCALAR ? val : val->items[i];
        s->gates.pii.allow_loc[i].line = item->line;
        s->gates.pii.allow_loc[i].column = item->col;
    }
}

static int parse_pii(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = { "level", "detect", "allow" };
    struct spec *s = c->spec;
    bool given = false;
    int r;

    r = gate_head(c, key, v, &s->gates.pii.loc, &s->gates.pii.level, &given);
    if (r != 0)
        return r < 0 ? r : 0;
    if ((r = check_known(c, v, keys, ARRAY_SIZE(keys))) < 0)
        return r;
    for (size_t i = 0; i < v->n; i += 2) {
        const char *k = v->items[i]->value;
        const struct ynode *val = v->items[i + 1];
        size_t mark = kp_push(c, k);

        if (!strcmp(k, "level"))
            r = get_level(c, val, &s->gates.pii.level);
        else if (!strcmp(k, "detect"))
            r = get_flags(c, val, pii_names, pii_bits, ARRAY_SIZE(pii_names), &s->gates.pii.detect);
        else if ((r = get_strlist(c, val, &s->gates.pii.allow, &s->gates.pii.n_allow, true)) == 0)
            allow_locations(s, val);
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    return 0;
}

static const char *const repro_names[] = { "version", "checksums", "random_seed", "model", "card" };
static const int repro_bits[] = { REPRO_VERSION, REPRO_CHECKSUMS, REPRO_RANDOM_SEED, REPRO_MODEL,
                                  REPRO_CARD };

static int parse_reproducibility(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = { "level", "require" };
    struct spec *s = c->spec;
    bool given = false;
    int r;

    r = gate_head(c, key, v, &s->gates.reproducibility.loc, &s->gates.reproducibility.level, &given);
    if (r != 0)
        return r < 0 ? r : 0;
    if ((r = check_known(c, v, keys, ARRAY_SIZE(keys))) < 0)
        return r;
    for (size_t i = 0; i < v->n; i += 2) {
        const char *k = v->items[i]->value;
        const struct ynode *val = v->items[i + 1];
        size_t mark = kp_push(c, k);

        if (!strcmp(k, "level"))
            r = get_level(c, val, &s->gates.reproducibility.level);
        else
            r = get_flags(c, val, repro_names, repro_bits, ARRAY_SIZE(repro_names),
                          &s->gates.reproducibility.require);
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    return 0;
}

static int parse_split_rule(struct ctx *c, const struct ynode *key, const struct ynode *v,
                            struct spec_split_rule *rule)
{
    static const char *const keys[] = { "ratio", "min" };
    int r;

    rule->name = xstrdup(key->value);
    rule->loc = loc_of(key);
    if (v->kind != Y_MAP)
        return expected(c, v, "a mapping such as {ratio: 0.8, min: 100}");
    if ((r = expect_map(c, v)) < 0 || (r = check_known(c, v, keys, ARRAY_SIZE(keys))) < 0)
        return r;
    for (size_t i = 0; i < v->n; i += 2) {
        const char *k = v->items[i]->value;
        const struct ynode *val = v->items[i + 1];
        size_t mark = kp_push(c, k);

        if (!strcmp(k, "ratio")) {
            r = get_number(c, val, 0, 1, &rule->ratio);
            rule->has_ratio |= !val->is_null;
        } else {
            r = get_uint(c, val, 0, SIZE_MAX, &rule->min);
        }
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    return 0;
}

/* Any key but level and tolerance names a split; that it is one of dataset.files' splits
 * is checked once the whole spec is read (gates may come before dataset). */
static int parse_splits(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    struct spec *s = c->spec;
    bool given = false;
    int r;

    r = gate_head(c, key, v, &s->gates.splits.loc, &s->gates.splits.level, &given);
    if (r != 0)
        return r < 0 ? r : 0;
    s->gates.splits.rules = xcalloc(v->n / 2 + 1, sizeof(*s->gates.splits.rules));
    for (size_t i = 0; i < v->n; i += 2) {
        const struct ynode *k = v->items[i], *val = v->items[i + 1];
        size_t mark = kp_push(c, k->value);

        if (!strcmp(k->value, "level"))
            r = get_level(c, val, &s->gates.splits.level);
        else if (!strcmp(k->value, "tolerance"))
            r = get_number(c, val, 0, 1, &s->gates.splits.tolerance);
        else
            r = parse_split_rule(c, k, val, &s->gates.splits.rules[s->gates.splits.n_rules++]);
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    return 0;
}

static int parse_regression(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = { "level", "coverage_drop", "max_removed", "metric_drift" };
    struct spec *s = c->spec;
    bool level_given = false, drop_given = false, drift_given = false;
    int r;

    r = gate_head(c, key, v, &s->gates.regression.loc, &s->gates.regression.level, &level_given);
    if (r < 0)
        return r;
    if (r == 0) {
        if ((r = check_known(c, v, keys, ARRAY_SIZE(keys))) < 0)
            return r;
        for (size_t i = 0; i < v->n; i += 2) {
            const char *k = v->items[i]->value;
            const struct ynode *val = v->items[i + 1];
            size_t mark = kp_push(c, k);

            if (!strcmp(k, "level")) {
                r = get_level(c, val, &s->gates.regression.level);
                level_given |= !val->is_null;
            } else if (!strcmp(k, "coverage_drop")) {
                r = get_level(c, val, &s->gates.regression.coverage_drop);
                drop_given |= !val->is_null;
            } else if (!strcmp(k, "metric_drift")) {
                r = get_level(c, val, &s->gates.regression.metric_drift);
                drift_given |= !val->is_null;
            } else {
                r = get_share(c, val, &s->gates.regression.max_removed);
            }
            kp_pop(c, mark);
            if (r < 0)
                return r;
        }
    }
    /* A gate-wide level caps the checks nobody set: `regression: warn` must not leave
     * a coverage drop blocking by default. */
    if (level_given) {
        if (!drop_given)
            s->gates.regression.coverage_drop =
                level_min(s->gates.regression.coverage_drop, s->gates.regression.level);
        if (!drift_given)
            s->gates.regression.metric_drift =
                level_min(s->gates.regression.metric_drift, s->gates.regression.level);
    }
    return 0;
}

static int parse_gates(struct ctx *c, const struct ynode *v)
{
    static const char *const keys[] = {
        "format", "coverage", "quality", "duplicates", "leakage", "pii", "reproducibility",
        "splits", "regression",
    };
    static int (*const parsers[])(struct ctx *, const struct ynode *, const struct ynode *) = {
        parse_format_gate, parse_coverage, parse_quality, parse_duplicates, parse_leakage,
        parse_pii, parse_reproducibility, parse_splits, parse_regression,
    };
    int r;

    if (v->is_null)
        return 0;
    if ((r = expect_map(c, v)) < 0 || (r = check_known(c, v, keys, ARRAY_SIZE(keys))) < 0)
        return r;
    for (size_t i = 0; i < v->n; i += 2) {
        const struct ynode *k = v->items[i];
        size_t mark = kp_push(c, k->value);

        for (size_t j = 0; j < ARRAY_SIZE(keys); j++)
            if (!strcmp(k->value, keys[j]))
                r = parsers[j](c, k, v->items[i + 1]);
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    return 0;
}

/* Every split rule must name a split of dataset.files. */
static int check_split_rules(struct ctx *c)
{
    struct spec *s = c->spec;
    size_t n = s->dataset.n_splits;
    const char **sorted = xreallocarray(NULL, n + 2, sizeof(*sorted));
    int r = 0;

    for (size_t i = 0; i < n; i++)
        sorted[i] = s->dataset.splits[i].name;
    qsort(sorted, n, sizeof(*sorted), strv_cmp);
    for (size_t i = 0; i < s->gates.splits.n_rules; i++) {
        const struct spec_split_rule *rule = &s->gates.splits.rules[i];
        const char *hint;
        char tmp[64];

        if (bsearch(&rule->name, sorted, n, sizeof(*sorted), strv_cmp))
            continue;
        /* The hint may also be a gate key the user misspelt (`tolerence`). */
        sorted[n] = "level";
        sorted[n + 1] = "tolerance";
        hint = suggest_closest(rule->name, sorted, n + 2);
        r = fail_at(c, rule->loc, "split '%s' is not in dataset.files%s%s%s",
                    shown(rule->name, tmp, sizeof(tmp)), hint ? " (did you mean '" : "",
                    hint ? hint : "", hint ? "'?)" : "");
        break;
    }
    free(sorted);
    return r;
}

static int parse_spec(struct ctx *c, const struct ynode *root)
{
    static const char *const keys[] = { "dsci", "dataset", "versioning", "gates" };
    const struct ynode *v, *dataset = NULL;
    size_t version;
    int r;

    if (!root)
        return err_set(DSCI_EUSAGE, "%s: the spec is empty; it needs 'dsci: 1' and a 'dataset' "
                       "with 'files'", c->path);
    if (root->kind != Y_MAP) {
        char tmp[80];
        return fail(c, root, "expected a mapping at the top level, got %s",
                    describe(root, tmp, sizeof(tmp)));
    }
    if ((r = expect_map(c, root)) < 0)
        return r;

    /* The format version first: a newer spec may use keys this build has never heard of,
     * and "upgrade dsci" is the useful answer then, not "unknown key". */
    if (!(v = map_get(root, "dsci")))
        return fail(c, root, "missing required key 'dsci' (the spec format version: 'dsci: %d')",
                    SPEC_FORMAT);
    if (v->kind != Y_SCALAR || !parse_uint_text(v->value, &version)) {
        char tmp[80];
        return fail(c, v, "dsci: expected the spec format version %d, got %s", SPEC_FORMAT,
                    describe(v, tmp, sizeof(tmp)));
    }
    if (version > SPEC_FORMAT)
        return fail(c, v, "spec format %zu is newer than this dsci supports (%d); upgrade dsci",
                    version, SPEC_FORMAT);
    if (version < 1)
        return fail(c, v, "dsci: spec format %zu does not exist; use 'dsci: %d'", version, SPEC_FORMAT);
    c->spec->version = (int)version;

    if ((r = check_known(c, root, keys, ARRAY_SIZE(keys))) < 0)
        return r;
    for (size_t i = 0; i < root->n; i += 2) {
        const struct ynode *k = root->items[i], *val = root->items[i + 1];
        size_t mark = kp_push(c, k->value);

        if (!strcmp(k->value, "dataset")) {
            dataset = k;
            r = parse_dataset(c, k, val);
        } else if (!strcmp(k->value, "versioning")) {
            r = parse_versioning(c, k, val);
        } else if (!strcmp(k->value, "gates")) {
            r = parse_gates(c, val);
        }
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    if (!dataset)
        return fail(c, root, "missing required key 'dataset' (with 'files': split -> path)");
    return check_split_rules(c);
}

/* ------------------------------------------------------------------------------ */
/* Paths                                                                           */

/* The folder part of `path`, lexically: "a/b/c" -> "a/b", "c" -> ".", "/c" -> "/". */
static char *dir_of(const char *path)
{
    size_t len = strlen(path);

    while (len > 1 && path[len - 1] == '/')
        len--;
    while (len > 0 && path[len - 1] != '/')
        len--;
    if (len == 0)
        return xstrdup(".");
    while (len > 1 && path[len - 1] == '/')
        len--;
    return xstrndup(path, len);
}

static bool last_component_is(const char *dir, const char *name)
{
    const char *slash = strrchr(dir, '/');
    return !strcmp(slash ? slash + 1 : dir, name);
}

/* The dataset root: the folder above specs/ for specs/x.yaml, else the spec's folder.
 * Lexical on purpose: a relative path stays relative, no symlinks are resolved. */
static char *root_of(const char *path)
{
    char *dir = dir_of(path), *root;

    if (!last_component_is(dir, "specs"))
        return dir;
    root = dir_of(dir);
    free(dir);
    return root;
}

/* ------------------------------------------------------------------------------ */
/* Public                                                                          */

static void spec_defaults(struct spec *s)
{
    s->version = SPEC_FORMAT;
    s->dataset.format = FORMAT_AUTO;
    s->dataset.id_field = xstrdup("id");
    s->dataset.max_line_bytes = (size_t)64 << 20;
    s->versioning.tag_prefix = xstrdup("v");
    s->versioning.rules[BUMP_RULE_FORMAT_CHANGE] = SEMVER_MAJOR;
    s->versioning.rules[BUMP_RULE_SPLIT_REMOVED] = SEMVER_MAJOR;
    s->versioning.rules[BUMP_RULE_CATEGORY_REMOVED] = SEMVER_MAJOR;
    s->versioning.rules[BUMP_RULE_REMOVED_OVER_LIMIT] = SEMVER_MAJOR;
    s->versioning.rules[BUMP_RULE_EXAMPLES_ADDED] = SEMVER_MINOR;
    s->versioning.rules[BUMP_RULE_CATEGORY_ADDED] = SEMVER_MINOR;
    s->versioning.rules[BUMP_RULE_EXAMPLES_MODIFIED] = SEMVER_PATCH;
    s->versioning.rules[BUMP_RULE_METADATA_CHANGED] = SEMVER_PATCH;

    s->gates.format.level = LEVEL_BLOCK;
    s->gates.format.role_human = xstrdup("human");
    s->gates.format.role_assistant = xstrdup("gpt");
    s->gates.format.role_system = xstrdup("system");
    s->gates.format.allow_system = true;
    s->gates.format.ends_with_reply = true;

    s->gates.coverage.level = LEVEL_OFF;   /* block once categories are given */
    s->gates.coverage.by = COVERAGE_KEYWORDS;

    s->gates.quality.level = LEVEL_WARN;
    s->gates.quality.human_length.target = (struct spec_band){ 10, 2000 };
    s->gates.quality.human_length.acceptable = (struct spec_band){ 1, 8000 };
    s->gates.quality.assistant_length.target = (struct spec_band){ 20, 4000 };
    s->gates.quality.assistant_length.acceptable = (struct spec_band){ 1, 16000 };
    s->gates.quality.unique_messages.target = 95;
    s->gates.quality.unique_messages.acceptable = 90;
    s->gates.quality.turn_variance.target = 4.0;
    s->gates.quality.turn_variance.acceptable = 16.0;

    s->gates.duplicates.exact = LEVEL_BLOCK;
    s->gates.duplicates.near = LEVEL_WARN;
    s->gates.duplicates.threshold = 0.8;
    s->gates.duplicates.shingle = 5;
    s->gates.duplicates.permutations = 128;

    s->gates.leakage.level = LEVEL_BLOCK;
    s->gates.leakage.near_threshold = 0.9;

    s->gates.pii.level = LEVEL_BLOCK;
    s->gates.pii.detect = PII_EMAIL | PII_PHONE | PII_CREDIT_CARD | PII_IPV4 | PII_IPV6 | PII_API_KEY;

    s->gates.reproducibility.level = LEVEL_WARN;
    s->gates.reproducibility.require =
        REPRO_VERSION | REPRO_CHECKSUMS | REPRO_RANDOM_SEED | REPRO_MODEL | REPRO_CARD;

    s->gates.splits.level = LEVEL_BLOCK;
    s->gates.splits.tolerance = 0.05;

    s->gates.regression.level = LEVEL_BLOCK;
    s->gates.regression.coverage_drop = LEVEL_BLOCK;
    s->gates.regression.max_removed = 0.05;
    s->gates.regression.metric_drift = LEVEL_WARN;
}

int spec_load_buffer(struct spec **out, const char *path, const char *data, size_t len)
{
    struct ctx c = { path, NULL, BUF_INIT };
    struct ynode *root = NULL;
    struct spec *s = NULL;
    int r;

    *out = NULL;
    if (len > SPEC_MAX_BYTES) {
        r = err_set(DSCI_EUSAGE, "%s: spec is larger than 1 MiB; a dsci spec is a small YAML file",
                    path);
        goto done;
    }
    if ((r = parse_tree(&root, path, data ? data : "", len)) < 0)
        goto done;
    s = xcalloc(1, sizeof(*s));
    s->path = xstrdup(path);
    s->root = root_of(path);
    spec_defaults(s);
    c.spec = s;
    if ((r = parse_spec(&c, root)) < 0)
        goto done;
    *out = s;
    s = NULL;
done:
    buf_release(&c.kp);
    ynode_free(root);
    spec_free(s);
    return r;
}

/* Reads at most `max` + 1 bytes, so an oversized file is noticed without reading it all.
 * Returns 1 when the file is larger than `max`. Opened without blocking, so a FIFO is
 * refused rather than waited on; a path that names no regular file is the user's
 * mistake (DSCI_EUSAGE), the OS refusing to read one is DSCI_EENV with its reason. */
static int read_capped(struct buf *out, const char *path, size_t max)
{
    FILE *f = NULL;
    struct stat st;
    char chunk[16384];
    size_t n;
    int r = 0;

    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return err_set(DSCI_EUSAGE, "%s: no such file", path);
        return err_set(path_error_code(errno), "%s: cannot read: %s", path, strerror(errno));
    }
    if (fstat(fd, &st) != 0) {
        r = err_set(DSCI_EENV, "%s: cannot read: %s", path, strerror(errno));
        close(fd);
        return r;
    }
    if (!S_ISREG(st.st_mode)) {
        r = err_set(DSCI_EUSAGE, "%s: is %s, not a spec file", path,
                    S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO"
                    : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" : "not a regular file");
        close(fd);
        return r;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0 || !(f = fdopen(fd, "rb"))) {
        r = err_set(DSCI_EENV, "%s: cannot read: %s", path, strerror(errno));
        close(fd);
        return r;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        size_t room = max + 1 - out->len;
        buf_add(out, chunk, n < room ? n : room);
        if (out->len > max) {
            r = 1;
            goto done;
        }
    }
    if (ferror(f))
        r = err_set(DSCI_EENV, "%s: cannot read: %s", path, strerror(errno));
done:
    fclose(f);
    return r;
}

int spec_load(struct spec **out, const char *path)
{
    struct buf data = BUF_INIT;
    int r;

    *out = NULL;
    r = read_capped(&data, path, SPEC_MAX_BYTES);
    if (r == 1)
        r = err_set(DSCI_EUSAGE, "%s: spec is larger than 1 MiB; a dsci spec is a small YAML file",
                    path);
    if (r < 0)
        goto done;
    r = spec_load_buffer(out, path, buf_cstr(&data), data.len);
done:
    buf_release(&data);
    return r;
}

/* Whether a file looks like a dsci spec: its top-level mapping has a `dsci` key. A file
 * that does not parse still counts when a line starts with "dsci:", so a broken spec is
 * reported by spec_load instead of going unnoticed as "no spec found". */
/* 1 when the file has a top-level `dsci:` key, 0 when not, < 0 when the OS refuses to
 * read it (DSCI_EENV: an unreadable spec must not pass for "no spec found"). */
static int has_dsci_key(const char *path)
{
    struct buf data = BUF_INIT;
    struct ynode *root = NULL;
    int yes = 0;
    int r = read_capped(&data, path, SPEC_MAX_BYTES);

    if (r < 0) {
        if (r != DSCI_EUSAGE)
            yes = r;
        else
            err_clear();
        goto done;
    }
    if (r == 0 && parse_tree(&root, path, buf_cstr(&data), data.len) == 0) {
        yes = root && root->kind == Y_MAP && map_get(root, "dsci");
        goto done;
    }
    for (const char *p = buf_cstr(&data); p; p = strchr(p, '\n')) {
        if (*p == '\n')
            p++;
        if (!strncmp(p, "dsci:", 5)) {
            yes = 1;
            break;
        }
    }
done:
    ynode_free(root);
    buf_release(&data);
    return yes;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && !strcmp(s + n - m, suffix);
}

int spec_find(char **out, const char *dir)
{
    bool here = !*dir || !strcmp(dir, ".");
    size_t dlen = strlen(dir);
    const char *sep = dlen && dir[dlen - 1] == '/' ? "" : "/";
    char *specs_dir = here ? xstrdup("specs") : xasprintf("%s%sspecs", dir, sep);
    char *shown_dir = here ? xstrdup("specs/") : xasprintf("%s%sspecs/", dir, sep);
    char **names = NULL;
    size_t n = 0, alloc = 0;
    struct dirent *de;
    DIR *d;
    int r = 0;

    *out = NULL;
    d = opendir(specs_dir);
    if (!d && errno != ENOENT && errno != ENOTDIR) {
        r = err_set(DSCI_EENV, "%s: cannot read: %s", specs_dir, strerror(errno));
        goto done;
    }
    while (d && (de = readdir(d))) {
        struct stat st;
        char *full;

        if (de->d_name[0] == '.' ||
            (!has_suffix(de->d_name, ".yaml") && !has_suffix(de->d_name, ".yml")))
            continue;
        full = xasprintf("%s/%s", specs_dir, de->d_name);
        int yes = stat(full, &st) == 0 && S_ISREG(st.st_mode) ? has_dsci_key(full) : 0;
        free(full);
        if (yes < 0) {
            r = yes;
            goto done;
        }
        if (yes) {
            ALLOC_GROW(names, n + 1, alloc);
            names[n++] = xstrdup(de->d_name);
        }
    }
    if (n == 0) {
        r = err_set(DSCI_EUSAGE, "no spec found: put a spec with a 'dsci:' key in %s, or pass "
                    "--spec PATH", shown_dir);
        goto done;
    }
    qsort(names, n, sizeof(*names), strv_cmp);
    if (n > 1) {
        struct buf list = BUF_INIT;
        for (size_t i = 0; i < n; i++)
            buf_printf(&list, "%s%s", i ? ", " : "", names[i]);
        r = err_set(DSCI_EUSAGE, "several specs in %s: %s; choose one with --spec", shown_dir,
                    buf_cstr(&list));
        buf_release(&list);
        goto done;
    }
    *out = xasprintf("%s%s", shown_dir, names[0]);
done:
    if (d)
        closedir(d);
    free_strv(names, n);
    free(specs_dir);
    free(shown_dir);
    return r;
}

void spec_free(struct spec *spec)
{
    if (!spec)
        return;
    free(spec->path);
    free(spec->root);

    free(spec->dataset.name);
    free(spec->dataset.pretty_name);
    for (size_t i = 0; i < spec->dataset.n_splits; i++) {
        free(spec->dataset.splits[i].name);
        free_strv(spec->dataset.splits[i].patterns, spec->dataset.splits[i].n_patterns);
    }
    free(spec->dataset.splits);
    free(spec->dataset.card);
    free(spec->dataset.version_file);
    free(spec->dataset.license);
    free_strv(spec->dataset.language, spec->dataset.n_language);
    free_strv(spec->dataset.task_categories, spec->dataset.n_task_categories);
    free(spec->dataset.id_field);

    free(spec->versioning.tag_prefix);

    free(spec->gates.format.role_human);
    free(spec->gates.format.role_assistant);
    free(spec->gates.format.role_system);
    free(spec->gates.coverage.field);
    for (size_t i = 0; i < spec->gates.coverage.n_categories; i++) {
        free(spec->gates.coverage.categories[i].name);
        free_strv(spec->gates.coverage.categories[i].keywords,
                  spec->gates.coverage.categories[i].n_keywords);
    }
    free(spec->gates.coverage.categories);
    free_strv(spec->gates.pii.allow, spec->gates.pii.n_allow);
    free(spec->gates.pii.allow_loc);
    for (size_t i = 0; i < spec->gates.splits.n_rules; i++)
        free(spec->gates.splits.rules[i].name);
    free(spec->gates.splits.rules);
    free(spec);
}

const char *spec_level_name(enum gate_level level)
{
    switch (level) {
    case LEVEL_OFF:
        return "off";
    case LEVEL_WARN:
        return "warn";
    case LEVEL_BLOCK:
        return "block";
    }
    return "unknown";
}

const char *spec_format_name(enum dataset_format format)
{
    switch (format) {
    case FORMAT_AUTO:
        return "auto";
    case FORMAT_SHAREGPT:
        return "sharegpt";
    case FORMAT_OPENAI:
        return "openai";
    case FORMAT_ALPACA:
        return "alpaca";
    }
    return "unknown";
}

const char *spec_bump_rule_name(enum bump_rule rule)
{
    return (unsigned)rule < BUMP_RULE_COUNT ? bump_rule_names[rule] : "unknown";
}
