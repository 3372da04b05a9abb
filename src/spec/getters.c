/*
 * Typed getters on the YAML tree. Each reads one node into a struct spec field, keeping
 * the default when the value is empty (`key:`, `~`); an error names file:line:column,
 * the dotted key path (c->kp) and, where a word was misspelt, the closest known one.
 */
#include "spec/spec_impl.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/err.h"
#include "util/size_text.h"
#include "util/suggest.h"
#include "util/xalloc.h"

struct spec_loc loc_of(const struct ynode *n)
{
    struct spec_loc loc = { n->line, n->col };
    return loc;
}

const char *kp(struct ctx *c)
{
    return buf_cstr(&c->kp);
}

size_t kp_push(struct ctx *c, const char *key)
{
    size_t mark = c->kp.len;
    if (mark)
        buf_addch(&c->kp, '.');
    buf_addstr(&c->kp, key);
    return mark;
}

size_t kp_push_index(struct ctx *c, size_t i)
{
    size_t mark = c->kp.len;
    buf_printf(&c->kp, "[%zu]", i);
    return mark;
}

void kp_pop(struct ctx *c, size_t mark)
{
    c->kp.len = mark;
    if (c->kp.ptr)
        c->kp.ptr[mark] = '\0';
}

int fail_at(struct ctx *c, struct spec_loc loc, const char *fmt, ...)
{
    char msg[1536];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return err_set(DSCI_EUSAGE, "%s:%zu:%zu: %s", c->path, loc.line, loc.column, msg);
}

/* A user's text, fit for a one-line message: short, no control characters. */
const char *shown(const char *s, char *tmp, size_t size)
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
const char *describe(const struct ynode *n, char *tmp, size_t size)
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

int expected(struct ctx *c, const struct ynode *n, const char *what)
{
    char tmp[80];
    return fail(c, n, "%s: expected %s, got %s", kp(c), what, describe(n, tmp, sizeof(tmp)));
}

bool is_value(const struct ynode *n)
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
bool find_dup(const char *const *names, size_t n, size_t *first, size_t *second)
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
int expect_map(struct ctx *c, const struct ynode *n)
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

int walk_keys(struct ctx *c, const struct ynode *map, const char *const *known, size_t n_known,
              spec_key_fn *each, void *arg)
{
    int r;

    if (known && (r = check_known(c, map, known, n_known)) < 0)
        return r;
    for (size_t i = 0; i < map->n; i += 2) {
        size_t mark = kp_push(c, map->items[i]->value);
        r = each(c, map->items[i], map->items[i + 1], arg);
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    return 0;
}

int walk_map(struct ctx *c, const struct ynode *map, const char *const *known, size_t n_known,
             spec_key_fn *each, void *arg)
{
    int r = expect_map(c, map);
    return r < 0 ? r : walk_keys(c, map, known, n_known, each, arg);
}

/* ------------------------------------------------------------------------------ */
/* Values. Each reads the node at c->kp; an empty value (`key:`, `~`) keeps the default. */

int get_str(struct ctx *c, const struct ynode *v, char **out, bool nonempty)
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
int get_path(struct ctx *c, const struct ynode *v, char **out)
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
int get_strlist(struct ctx *c, const struct ynode *v, char ***out, size_t *n_out,
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
    strv_free(*out, *n_out);
    *out = list;
    *n_out = n;
    list = NULL;
done:
    strv_free(list, n);
    return r;
}

int get_bool(struct ctx *c, const struct ynode *v, bool *out)
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
bool parse_uint_text(const char *s, size_t *out)
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

int get_uint(struct ctx *c, const struct ynode *v, size_t lo, size_t hi, size_t *out)
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

int get_number(struct ctx *c, const struct ynode *v, double lo, double hi, double *out)
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
int get_percent(struct ctx *c, const struct ynode *v, double *out)
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
int get_share(struct ctx *c, const struct ynode *v, double *out)
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

/* Bytes, in util/size_text.h's grammar: 1048576, "64MiB", "512 KiB"; KB/MB/GB are powers of 1000. */
int get_size(struct ctx *c, const struct ynode *v, size_t *out)
{
    if (v->is_null)
        return 0;
    if (v->kind != Y_SCALAR)
        return expected(c, v, "a size such as 67108864 or '64MiB'");
    if (!size_text_parse(v->value, out))
        return expected(c, v, "a positive size such as 67108864 or '64MiB'");
    return 0;
}

/* One of a fixed set of words; `names` and `values` run in parallel. */
int get_choice(struct ctx *c, const struct ynode *v, const char *const *names,
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

int get_level(struct ctx *c, const struct ynode *v, enum gate_level *out)
{
    int x = (int)*out;
    int r = get_choice(c, v, level_names, level_values, ARRAY_SIZE(level_names), &x);
    *out = (enum gate_level)x;
    return r;
}

/* A set of words as bits: a list (or one word) out of `names`. */
int get_flags(struct ctx *c, const struct ynode *v, const char *const *names,
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

