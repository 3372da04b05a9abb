/*
 * Internal to src/spec/: what the files of the spec loader share. Not for use outside
 * this folder (spec.h is the public face).
 *
 *   yaml_tree.c   libyaml events -> a bounded tree of struct ynode (with locations)
 *   getters.c     typed getters on tree nodes; errors name file:line:col and the key
 *   schema.c      the top level, dataset: and versioning:
 *   schema_gates.c  the gates' keys
 *   schema_tokens.c gates.tokens' keys
 *   discover.c    "is this file a spec?", finding the spec, the dataset root
 *   spec.c        load, defaults, free, names
 *
 * The tree owns its strings; every struct spec field is filled from copies.
 */
#ifndef DSCI_SPEC_IMPL_H
#define DSCI_SPEC_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "spec/spec.h"
#include "util/strv.h"
#include "util/buf.h"

#define SPEC_FORMAT 1                 /* the `dsci:` value this build understands */
#define SPEC_MAX_BYTES ((size_t)1 << 20)
#define SPEC_MAX_DEPTH 64             /* a real spec nests 5 deep */
#define SPEC_MAX_NODES 100000
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- yaml_tree.c ---------------------------------------------------------------- */

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

/* Parses `data` into a tree (*out is the caller's to ynode_free); *out stays NULL for a
 * document-less stream (empty file). Anchors, aliases, odd tags, a second document,
 * deep nesting and too many nodes are DSCI_EUSAGE errors naming path:line:col. */
int yaml_tree_parse(struct ynode **out, const char *path, const char *data, size_t len);
void ynode_free(struct ynode *n);

/* The value of `key` in a mapping whose keys are all scalars, or NULL. */
const struct ynode *map_get(const struct ynode *map, const char *key);

/* ---- getters.c ------------------------------------------------------------------ */

struct ctx {
    const char *path;
    struct spec *spec;
    struct buf kp;   /* dotted path of the node being read: gates.coverage.categories[2].min */
};

struct spec_loc loc_of(const struct ynode *n);
const char *kp(struct ctx *c);
size_t kp_push(struct ctx *c, const char *key);
size_t kp_push_index(struct ctx *c, size_t i);
void kp_pop(struct ctx *c, size_t mark);

/* Records "path:line:col: message" (DSCI_EUSAGE) and returns its code. */
int fail_at(struct ctx *c, struct spec_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define fail(c, node, ...) fail_at((c), loc_of(node), __VA_ARGS__)

/* A user's text, fit for a one-line message: short, no control characters. */
const char *shown(const char *s, char *tmp, size_t size);
/* What a wrong value was, for "expected X, got Y". */
const char *describe(const struct ynode *n, char *tmp, size_t size);
int expected(struct ctx *c, const struct ynode *n, const char *what);
bool is_value(const struct ynode *n);

/* Finds a repeated name; reports the pair whose second occurrence comes first. */
bool find_dup(const char *const *names, size_t n, size_t *first, size_t *second);

/* Every mapping passes here first: it must be one, keys must be strings, once each. */
int expect_map(struct ctx *c, const struct ynode *n);

/* Walks a mapping: expect_map, then a key not in `known` is an error with a suggestion
 * (known == NULL: any key goes), then `each` sees every key/value pair with the key path
 * extended by the key. Stops at the first error. walk_keys: for a mapping that already
 * passed expect_map. */
typedef int spec_key_fn(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg);
int walk_map(struct ctx *c, const struct ynode *map, const char *const *known, size_t n_known,
             spec_key_fn *each, void *arg);
int walk_keys(struct ctx *c, const struct ynode *map, const char *const *known, size_t n_known,
              spec_key_fn *each, void *arg);

bool parse_uint_text(const char *s, size_t *out);
int get_str(struct ctx *c, const struct ynode *v, char **out, bool nonempty);
int get_path(struct ctx *c, const struct ynode *v, char **out);
int get_strlist(struct ctx *c, const struct ynode *v, char ***out, size_t *n_out, bool nonempty);
int get_bool(struct ctx *c, const struct ynode *v, bool *out);
int get_uint(struct ctx *c, const struct ynode *v, size_t lo, size_t hi, size_t *out);
int get_number(struct ctx *c, const struct ynode *v, double lo, double hi, double *out);
int get_percent(struct ctx *c, const struct ynode *v, double *out);
int get_share(struct ctx *c, const struct ynode *v, double *out);
int get_size(struct ctx *c, const struct ynode *v, size_t *out);
int get_choice(struct ctx *c, const struct ynode *v, const char *const *names, const int *values,
               size_t n, int *out);
int get_level(struct ctx *c, const struct ynode *v, enum gate_level *out);
int get_flags(struct ctx *c, const struct ynode *v, const char *const *names, const int *bits,
              size_t n, unsigned *out);

/* ---- schema.c / schema_gates.c -------------------------------------------------- */

/* The whole document: `root` may be NULL (empty file). */
int schema_parse(struct ctx *c, const struct ynode *root);
/* gates: */
int schema_parse_gates(struct ctx *c, const struct ynode *v);
/* A gate's key: a bare level, empty, or a mapping whose `level` is read here and whose
 * other keys (checked against `keys`) go to `each` (schema_gates.c). 0 or negative. */
int gate_walk(struct ctx *c, const struct ynode *key, const struct ynode *v, struct spec_loc *loc,
              enum gate_level *level, bool *level_given, const char *const *keys, size_t n_keys,
              spec_key_fn *each, void *arg);
/* gates.tokens (schema_tokens.c), with the gate's key in `key` for its location. */
int schema_parse_tokens(struct ctx *c, const struct ynode *key, const struct ynode *v);
/* gates.preference (schema_preference.c). */
int schema_parse_preference(struct ctx *c, const struct ynode *key, const struct ynode *v);

/* ---- spec.c --------------------------------------------------------------------- */

/* Reads at most `max` + 1 bytes of a regular file; 1 when it is larger than `max`.
 * A path naming no regular file is DSCI_EUSAGE, the OS refusing to read one DSCI_EENV. */
int spec_read_capped(struct buf *out, const char *path, size_t max);

#endif
